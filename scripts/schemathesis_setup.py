"""Run by scripts/schemathesis.sh through `manage.py shell`, after seed_demo.

Enrols the fuzzing provider in two-factor authentication (the API refuses providers without
it, as in production), then prints the demo's ids as schemathesis value dictionaries and the
parameters that draw from them, so that the fuzzer reaches real clients, sessions and
homework as well as random ids.
"""

import os

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from clinic.models import CareProvider, Client, User
from sessions_app.models import Assignment, Session

provider = User.objects.get(email=os.environ["FUZZ_PROVIDER_EMAIL"])
if not Authenticator.objects.filter(user=provider, type=Authenticator.Type.TOTP).exists():
    TOTP.activate(provider, generate_totp_secret())

for name, model in [
    ("clients", Client),
    ("providers", CareProvider),
    ("sessions", Session),
    ("assignments", Assignment),
]:
    ids = ", ".join(f'"{uuid}"' for uuid in model.objects.values_list("uuid", flat=True))
    print(f"[dictionaries.{name}]\nvalues = [{ids}]\n")

SESSION_LIST = 'include-path = "/api/v1/sessions/"'
for where, bound in [
    ('include-path-regex = "^/api/v1/sessions/[{]id[}]/"', {"path.id": "sessions"}),
    ('include-path-regex = "^/api/v1/assignments/"', {"path.id": "assignments"}),
    ('include-path-regex = "^/api/v1/clients/[{]id[}]/"', {"path.id": "clients"}),
    (
        f'{SESSION_LIST}\ninclude-method = "POST"',
        {"body.client": "clients", "body.provider": "providers"},
    ),
    (
        f'{SESSION_LIST}\ninclude-method = "GET"',
        {"query.client": "clients", "query.provider": "providers"},
    ),
]:
    parameters = ", ".join(
        f'"{key}" = {{ dictionary = "{name}", probability = 0.7 }}' for key, name in bound.items()
    )
    print(f"[[operations]]\n{where}\nparameters = {{ {parameters} }}\n")

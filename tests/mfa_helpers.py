"""Two-factor authentication in tests: the codes a person's authenticator app would show,
and logging in through both steps of the log-in form."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt

from clinic.models import User

from .factories import PASSWORD

LOGIN_URL = "/accounts/login/"
MFA_URL = "/accounts/2fa/authenticate/"


def totp_secret(user):
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def code_for_secret(secret, *, at=None):
    """The code an authenticator app set up with this secret shows now (or at `at`). Now
    means at least a second before the code changes, so that the server still takes it."""
    if at is None:
        wait_for_fresh_totp_period(margin=1)
    counter = int(at if at is not None else time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def totp_code(user, *, at=None):
    """The code the person's authenticator app shows now (or at the time `at`)."""
    return code_for_secret(totp_secret(user), at=at)


def wait_for_fresh_totp_period(margin=5):
    """Sleep into the next 30-second period when the current one is about to end, so that
    a test's codes all belong to one period."""
    left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
    if left < margin:
        time.sleep(left + 0.1)


def log_in(http_client, email, password=PASSWORD, *, code=None, follow=False, **extra):
    """Post the log-in form, then the authenticator code when the account has one (`code`
    defaults to the current code of the person's authenticator app)."""
    response = http_client.post(LOGIN_URL, {"login": email, "password": password, **extra})
    if response.status_code == 302 and response["Location"] == MFA_URL:
        if code is None:
            code = totp_code(User.objects.get(email__iexact=email))
        return http_client.post(MFA_URL, {"code": code}, follow=follow)
    if follow and response.status_code == 302:
        first_hop = (response["Location"], response.status_code)
        response = http_client.get(response["Location"], follow=True)
        response.redirect_chain.insert(0, first_hop)
    return response

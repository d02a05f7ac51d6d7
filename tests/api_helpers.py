"""Helpers for the API tests: token-authenticated clients and request bodies."""

from django.utils import timezone
from rest_framework.test import APIClient

from clinic.models import ApiToken
from sessions_app import services

API = "/api/v1"


def new_token_key(user, name="tests"):
    """A new API token of `user`'s; its key (only its hash is stored). Marked as just used, so
    the pinned query counts see the steady state, not a token's once-a-minute note of use."""
    return ApiToken.objects.create(user=user, name=name, last_used_at=timezone.now())[1]


def token_client(user):
    """An API client sending `Authorization: Token <key>` for `user`."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {new_token_key(user)}")
    return api


def schedule_body(client_profile, provider=None, **overrides):
    """A weekly session from Monday 1 March 2027, 09:00 on the clinic's clock."""
    body = {
        "client": str(client_profile.uuid),
        "starts_at": "2027-03-01T09:00",
        "ends_at": "2027-03-08T09:00",
    }
    if provider is not None:
        body["provider"] = str(provider.uuid)
    body.update(overrides)
    return body


def submitted(session, client_profile):
    """The session's first homework, answered by the client."""
    assignment = session.assignments.order_by("pk").first()
    services.assignment_submit(actor=client_profile.user, assignment=assignment, response="Done")
    return assignment

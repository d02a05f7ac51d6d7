"""Helpers for the API tests: token-authenticated clients and request bodies."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sessions_app import services

API = "/api/v1"


def token_client(user):
    """An API client sending `Authorization: Token <key>` for `user`."""
    token, _ = Token.objects.get_or_create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
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

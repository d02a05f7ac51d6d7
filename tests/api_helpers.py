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


def problem_of(response, status):
    """An error answer's RFC 9457 problem details, checked for their shape and media type."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] == f"urn:caresessions:problem:{body['code']}"
    assert body["title"] and body["detail"]
    return body


def invalid_fields(response):
    """A 400's `errors` by field path (`homework[0].title`; None for the whole request):
    {path: [message, ...]}."""
    body = problem_of(response, 400)
    assert body["errors"]
    fields = {}
    for error in body["errors"]:
        assert set(error) == {"field", "code", "message"} and error["code"], error
        fields.setdefault(error["field"], []).append(error["message"])
    return fields

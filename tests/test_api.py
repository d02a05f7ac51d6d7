"""The JSON API v1 (DESIGN.md section 6): every endpoint for every role, the shapes it
answers with, authentication, and 403/404 for what a person may not do or see. The rules
are in test_api_rules.py, lists in test_api_lists.py, tokens and docs in
test_api_tokens_and_docs.py."""

import base64

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from sessions_app import services
from sessions_app.models import Message, Session

from .api_helpers import API, schedule_body, submitted, token_client
from .factories import PASSWORD
from .rows import row_counts
from .sessions_helpers import schedule


@pytest.fixture
def api():
    return token_client


# --- every endpoint for every role ---------------------------------------------------------

ROLES = {
    "team": "provider",
    "off_team": "off_team_provider",
    "other_clinic": "other_clinic_provider",
    "client": "client_profile",
    "other_client": "other_client",
    "anonymous": None,
}


def _first(session):
    return session.assignments.order_by("pk").first()


# name: (method, path for the session fixture, body, prepare(session, client_profile))
ENDPOINTS = {
    "me": ("get", lambda s: "/me/", None, None),
    "clients": ("get", lambda s: "/clients/", None, None),
    "session-list": ("get", lambda s: "/sessions/", None, None),
    "schedule": ("post", lambda s: "/sessions/", "schedule", None),
    "session-detail": ("get", lambda s: f"/sessions/{s.uuid}/", None, None),
    "close": (
        "post",
        lambda s: f"/sessions/{s.uuid}/close/",
        {"force": True, "note": "Moving to another clinic."},
        None,
    ),
    "assignment-create": (
        "post",
        lambda s: f"/sessions/{s.uuid}/assignments/",
        {"title": "Read"},
        None,
    ),
    "submit": (
        "post",
        lambda s: f"/assignments/{_first(s).uuid}/submit/",
        {"response": "Yes"},
        None,
    ),
    "feedback": (
        "post",
        lambda s: f"/assignments/{_first(s).uuid}/feedback/",
        {"body": "Good."},
        submitted,
    ),
    "message-list": ("get", lambda s: f"/sessions/{s.uuid}/messages/", None, None),
    "message-post": ("post", lambda s: f"/sessions/{s.uuid}/messages/", {"body": "Hello"}, None),
}

#                   team  off_team other_clinic client other_client anonymous
EXPECTED = {
    "me": (200, 200, 200, 200, 200, 401),
    "clients": (200, 200, 200, 403, 403, 401),
    "session-list": (200, 200, 200, 200, 200, 401),
    # Off the team or in another clinic, the client is not one the provider may choose.
    "schedule": (201, 400, 400, 403, 403, 401),
    "session-detail": (200, 404, 404, 200, 404, 401),
    "close": (200, 404, 404, 403, 404, 401),
    "assignment-create": (201, 404, 404, 403, 404, 401),
    "submit": (403, 404, 404, 200, 404, 401),
    "feedback": (201, 404, 404, 403, 404, 401),
    "message-list": (200, 404, 404, 200, 404, 401),
    "message-post": (201, 404, 404, 201, 404, 401),
}

CASES = [
    pytest.param(endpoint, role, status, id=f"{endpoint}-{role}")
    for endpoint, statuses in EXPECTED.items()
    for role, status in zip(ROLES, statuses, strict=True)
]


@pytest.mark.parametrize(("endpoint", "role", "expected"), CASES)
def test_endpoint_status_for_each_role(
    request, session, client_profile, other_client, endpoint, role, expected
):
    method, path, body, prepare = ENDPOINTS[endpoint]
    if prepare:
        prepare(session, client_profile)
    if body == "schedule":
        body = schedule_body(client_profile)
    fixture = ROLES[role]
    caller = token_client(request.getfixturevalue(fixture).user) if fixture else APIClient()
    before = row_counts()

    response = getattr(caller, method)(f"{API}{path(session)}", body, format="json")

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert row_counts() == before
        body = response.json()
        assert body["status"] == expected
        assert body["type"] == f"urn:caresessions:problem:{body['code']}"
        assert body["title"] and body["detail"]
    else:
        assert response["Content-Type"] == "application/json"


def test_anonymous_is_told_how_to_authenticate(db):
    response = APIClient().get(f"{API}/sessions/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_each_person_lists_only_the_sessions_they_may_see(
    api, session, client_profile, other_client, provider, off_team_provider, other_clinic_provider
):
    [other] = schedule(by=provider, client=other_client)

    def ids(person):
        return {row["id"] for row in api(person.user).get(f"{API}/sessions/").json()["results"]}

    assert ids(provider) == {str(session.uuid), str(other.uuid)}
    assert ids(client_profile) == {str(session.uuid)}
    assert ids(other_client) == {str(other.uuid)}
    assert ids(off_team_provider) == set()
    assert ids(other_clinic_provider) == set()


def test_provider_removed_from_the_care_team_loses_access_at_once(
    api, session, clinic_admin, client_profile
):
    caller = api(clinic_admin.user)
    assert caller.get(f"{API}/sessions/{session.uuid}/").status_code == 200
    client_profile.care_team.remove(clinic_admin)
    assert caller.get(f"{API}/sessions/{session.uuid}/").status_code == 404


def test_me(api, provider, client_profile, clinic):
    me = api(provider.user).get(f"{API}/me/").json()
    assert me == {
        "id": str(provider.uuid),
        "email": "ben@northside.test",
        "name": "Ben Provider",
        "role": "provider",
        "clinic": {
            "id": str(clinic.uuid),
            "name": "Northside Therapy",
            "time_zone": clinic.time_zone,
        },
    }
    assert api(client_profile.user).get(f"{API}/me/").json()["role"] == "client"


def test_clients_are_those_on_my_care_teams(
    api, provider, clinic_admin, client_profile, other_client
):
    rows = api(clinic_admin.user).get(f"{API}/clients/").json()["results"]
    assert rows == [
        {
            "id": str(client_profile.uuid),
            "name": "Chloe Client",
            "email": "chloe@northside.test",
            "care_team": [
                {"id": str(clinic_admin.uuid), "name": "Ava Admin"},
                {"id": str(provider.uuid), "name": "Ben Provider"},
            ],
        }
    ]
    names = [row["name"] for row in api(provider.user).get(f"{API}/clients/").json()["results"]]
    assert names == ["Chloe Client", "Dylan Other"]


def test_session_shape(api, session, client_profile, provider, clinic_admin):
    assignment = submitted(session, client_profile)
    services.feedback_give(actor=provider.user, assignment=assignment, body="Good.")
    services.message_post(actor=client_profile.user, session=session, body="Hi")
    body = api(provider.user).get(f"{API}/sessions/{session.uuid}/").json()
    assert set(body) == {
        "id", "series_id", "sequence", "number", "client", "provider", "created_by",
        "starts_at", "ends_at", "meeting", "status", "timing", "closed_at", "closed_by",
        "close_note", "cancelled_at", "cancelled_by", "cancel_reason", "assignments",
        "messages",
    }  # fmt: skip
    assert (body["number"], body["meeting"], body["cancelled_by"]) == (1, None, None)
    assert body["client"] == {"id": str(client_profile.uuid), "name": "Chloe Client"}
    assert body["provider"] == {"id": str(provider.uuid), "name": "Ben Provider"}
    assert body["created_by"] == {"id": str(clinic_admin.uuid), "name": "Ava Admin"}
    assert (body["status"], body["timing"], body["closed_by"]) == ("open", "in_progress", None)
    journal = body["assignments"][0]
    assert journal["id"] == str(assignment.uuid)
    assert (journal["status"], journal["response"]) == ("completed", "Done")
    assert journal["feedback"][0]["author"] == {"id": str(provider.uuid), "name": "Ben Provider"}
    assert body["assignments"][1]["status"] == "assigned"
    assert body["messages"][0]["author"] == {
        "id": str(client_profile.uuid),
        "name": "Chloe Client",
        "role": "client",
    }


# --- authentication --------------------------------------------------------------------------


def test_token_authentication(api, provider):
    assert api(provider.user).get(f"{API}/me/").status_code == 200


def test_unknown_token_is_401(db):
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert caller.get(f"{API}/me/").status_code == 401


def test_basic_authentication_is_not_accepted(client_profile):
    credentials = base64.b64encode(f"chloe@northside.test:{PASSWORD}".encode()).decode()
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION=f"Basic {credentials}")
    assert caller.get(f"{API}/me/").status_code == 401


def _csrf_client(user):
    caller = APIClient(enforce_csrf_checks=True)
    caller.force_login(user)
    return caller


def test_browser_session_reads_without_csrf(session, client_profile):
    assert _csrf_client(client_profile.user).get(f"{API}/sessions/").status_code == 200


def test_browser_session_writes_need_the_csrf_token(session, client_profile):
    caller = _csrf_client(client_profile.user)
    url = f"{API}/sessions/{session.uuid}/messages/"

    refused = caller.post(url, {"body": "Hello"}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert Message.objects.count() == 0

    # Any page of the site hands out the CSRF cookie; the header repeats it.
    caller.get("/accounts/api-token/")
    token = caller.cookies[settings.CSRF_COOKIE_NAME].value
    accepted = caller.post(url, {"body": "Hello"}, format="json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201
    assert Message.objects.get().body == "Hello"


def test_browser_session_with_password_log_in(client_profile, session):
    caller = APIClient(enforce_csrf_checks=True)
    assert caller.login(email="chloe@northside.test", password=PASSWORD)
    assert caller.get(f"{API}/me/").json()["id"] == str(client_profile.uuid)


# --- 403: the role may not act -------------------------------------------------------------


def test_client_cannot_schedule(api, client_profile):
    response = api(client_profile.user).post(
        f"{API}/sessions/", schedule_body(client_profile), format="json"
    )
    assert response.status_code == 403
    assert Session.objects.count() == 0


def test_client_cannot_close_own_session(api, session, client_profile):
    response = api(client_profile.user).post(
        f"{API}/sessions/{session.uuid}/close/", {"force": True, "note": "Done"}, format="json"
    )
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.is_open


def test_client_cannot_give_feedback(api, session, client_profile):
    assignment = submitted(session, client_profile)
    response = api(client_profile.user).post(
        f"{API}/assignments/{assignment.uuid}/feedback/", {"body": "Self-praise"}, format="json"
    )
    assert response.status_code == 403
    assert not assignment.feedback.exists()


def test_provider_cannot_submit_homework(api, session, provider):
    assignment = _first(session)
    response = api(provider.user).post(
        f"{API}/assignments/{assignment.uuid}/submit/", {"response": "For you"}, format="json"
    )
    assert response.status_code == 403
    assignment.refresh_from_db()
    assert not assignment.is_completed


# --- 404: not visible, malformed ids ---------------------------------------------------------

MALFORMED = ["not-a-uuid", "123", "0" * 33, "g8fadcc5-ce2b-2f6f-a0cd-faaa313ba470", "%00", "..%2f"]
ID_PATHS = [
    ("get", "/sessions/{}/"),
    ("post", "/sessions/{}/close/"),
    ("post", "/sessions/{}/assignments/"),
    ("get", "/sessions/{}/messages/"),
    ("post", "/sessions/{}/messages/"),
    ("post", "/assignments/{}/submit/"),
    ("post", "/assignments/{}/feedback/"),
]


@pytest.mark.parametrize("bad_id", MALFORMED)
@pytest.mark.parametrize(("method", "path"), ID_PATHS)
def test_malformed_ids_are_404(api, provider, method, path, bad_id):
    response = getattr(api(provider.user), method)(
        f"{API}{path.format(bad_id)}", {"body": "x"}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "path"), ID_PATHS)
def test_unknown_ids_are_404(api, provider, method, path):
    response = getattr(api(provider.user), method)(
        f"{API}{path.format('3f2b8e4c-1d2a-4c5b-9e8f-7a6b5c4d3e2f')}", {}, format="json"
    )
    assert response.status_code == 404


def test_another_clinics_session_is_404_for_everyone_here(
    api, other_clinic_provider, other_clinic_client, clinic_admin, client_profile
):
    [theirs] = schedule(by=other_clinic_provider, client=other_clinic_client)
    for person in (clinic_admin, client_profile):
        response = api(person.user).get(f"{API}/sessions/{theirs.uuid}/")
        assert response.status_code == 404

"""Every error of the API is one RFC 9457 problem (application/problem+json) with a stable
code; a 400 names each invalid value by its path (issue 21)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from rest_framework.exceptions import ErrorDetail
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from clinic import failures
from sessions_app import selectors
from sessions_app.api.errors import exception_handler, field_errors

from .api_helpers import API, invalid_fields, problem_of, schedule_body, token_client


def test_not_logged_in_is_a_401_problem_that_says_how_to_log_in(db):
    response = APIClient().get(f"{API}/sessions/")
    body = problem_of(response, 401)
    assert body["code"] == "not_authenticated"
    assert body["title"] == "Not logged in"
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_bad_token_is_a_401_problem(db):
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION="Bearer not-a-key")
    assert problem_of(caller.get(f"{API}/me/"), 401)["code"] == "authentication_failed"


def test_a_role_refusal_is_a_403_problem(chloe, client_profile):
    response = chloe.post(f"{API}/sessions/", schedule_body(client_profile), format="json")
    body = problem_of(response, 403)
    assert (body["code"], body["detail"]) == (
        "permission_denied",
        "Only care providers can do this.",
    )


def test_an_unknown_method_is_a_405_problem(ben, session):
    response = ben.delete(f"{API}/sessions/{session.uuid}/")
    assert problem_of(response, 405)["code"] == "method_not_allowed"


def test_throttled_is_a_429_problem_with_retry_after(monkeypatch, provider):
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "1/minute")
    ben = token_client(provider.user)
    assert ben.get(f"{API}/me/").status_code == 200
    refused = ben.get(f"{API}/me/")
    assert problem_of(refused, 429)["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["RateLimit-Remaining"] == "0"


def test_a_conflict_keeps_its_code_and_extension_members(ben, session):
    response = ben.post(f"{API}/sessions/{session.uuid}/close/", {}, format="json")
    body = problem_of(response, 409)
    assert body["code"] == "not_ready"
    assert body["type"] == "urn:caresessions:problem:not_ready"
    assert len(body["unfinished"]) == 2


def test_nested_errors_are_named_by_path(ben, client_profile):
    body = schedule_body(
        client_profile,
        homework=[{"title": "Walk"}, {"title": "Read", "due_at": "soon"}],
        meeting={"minutes": 50},
    )
    response = ben.post(f"{API}/sessions/", body, format="json")
    errors = problem_of(response, 400)["errors"]
    fields = invalid_fields(response)
    assert set(fields) == {"homework[1].due_at", "meeting.starts_at"}
    # Each with the code of its own refusal, as DRF and the serializers name them.
    assert {e["field"]: e["code"] for e in errors} == {
        "homework[1].due_at": "year",
        "meeting.starts_at": "required",
    }


def test_the_detail_of_several_errors_says_how_many(ben, client_profile):
    response = ben.post(f"{API}/sessions/", {"client": str(client_profile.uuid)}, format="json")
    body = problem_of(response, 400)
    assert len(body["errors"]) == 2
    assert body["detail"] == "2 values of the request are not valid; see errors."


def test_field_errors_flatten_every_shape_drf_gives():
    detail = {
        "non_field_errors": [ErrorDetail("Whole request.", code="invalid")],
        "homework": {0: {"title": [ErrorDetail("Empty.", code="blank")]}},
        "items": [{}, {"answer": [ErrorDetail("Out of range.", code="max_value")]}],
        "meeting": {"non_field_errors": [ErrorDetail("Outside.", code="outside")]},
    }
    assert field_errors(detail) == [
        {"field": None, "code": "invalid", "message": "Whole request."},
        {"field": "homework[0].title", "code": "blank", "message": "Empty."},
        {"field": "items[1].answer", "code": "max_value", "message": "Out of range."},
        {"field": "meeting", "code": "outside", "message": "Outside."},
    ]


def test_a_services_refusal_on_a_meeting_field_is_nested_under_meeting():
    error = DjangoValidationError({"meeting_starts_at": "Inside the session, please."})
    response = exception_handler(error, {})
    assert response.data["errors"] == [
        {"field": "meeting.starts_at", "code": "invalid", "message": "Inside the session, please."}
    ]


def test_a_body_that_is_not_json_is_a_parse_error(ben, session):
    response = ben.post(
        f"{API}/sessions/{session.uuid}/messages/", "{", content_type="application/json"
    )
    body = problem_of(response, 400)
    assert body["code"] == "parse_error"
    assert body["errors"][0]["field"] is None


def test_a_server_error_is_a_500_problem_and_is_logged(monkeypatch, provider, session, caplog):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "api_session_id", broken)
    # The first failure of its kind this minute in this process: logged with its traceback.
    monkeypatch.setattr(failures, "_last_traceback", {})
    caller = token_client(provider.user)
    caller.raise_request_exception = False
    response = caller.get(f"{API}/sessions/{session.uuid}/")
    body = problem_of(response, 500)
    assert body["code"] == "server_error"
    assert "boom" not in response.content.decode()
    # One line with the request id and the exception's type (clinic.failures), its traceback.
    [record] = [r for r in caplog.records if r.getMessage().startswith("request failed:")]
    assert f"id={response['X-Request-ID']}" in record.getMessage()
    assert "status=500 exception=builtins.RuntimeError" in record.getMessage()
    assert record.exc_info[0] is RuntimeError


def test_an_unknown_api_address_is_a_404_problem_and_a_page_stays_a_page(provider):
    caller = token_client(provider.user)
    body = problem_of(caller.get(f"{API}/no-such-thing/"), 404)
    assert body["code"] == "not_found"
    page = caller.get("/provider/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_database_errors_are_left_to_the_outage_middleware():
    assert exception_handler(OperationalError("down"), {}) is None


def test_a_problem_is_in_the_requesters_language(provider, session):
    provider.user.language = "es"
    provider.user.save(update_fields=["language"])
    response = token_client(provider.user).get(f"{API}/sessions/not-a-uuid/")
    body = problem_of(response, 404)
    assert body["code"] == "not_found"  # codes stay the same in every language
    assert response["Content-Language"] == "es"
    assert body["detail"] != "Not found."

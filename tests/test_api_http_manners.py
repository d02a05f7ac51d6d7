"""201s say where the new thing is (Location); throttled answers carry the IETF draft's
RateLimit header fields, from the throttle's own count (issue 21)."""

import os

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from .api_helpers import API, schedule_body, submitted, token_client

KEY = {"Idempotency-Key": "location-1"}


def session_url(session_id):
    return f"http://testserver{API}/sessions/{session_id}/"


def test_a_scheduled_series_is_located_at_its_first_session(ben, client_profile):
    response = ben.post(f"{API}/sessions/", schedule_body(client_profile, repeat=2), format="json")
    assert response.status_code == 201
    first = response.json()["sessions"][0]["id"]
    assert response["Location"] == session_url(first)
    assert ben.get(response["Location"]).json()["id"] == first


@pytest.mark.parametrize("what", ["assignments", "messages"])
def test_homework_and_messages_are_located_at_their_session(ben, session, what):
    body = {"title": "Walk"} if what == "assignments" else {"body": "Hello"}
    response = ben.post(f"{API}/sessions/{session.uuid}/{what}/", body, format="json")
    assert response.status_code == 201
    assert response["Location"] == session_url(session.uuid)


def test_feedback_is_located_at_its_homeworks_session(ben, session, client_profile):
    assignment = submitted(session, client_profile)
    path = f"{API}/assignments/{assignment.uuid}/feedback/"
    response = ben.post(path, {"body": "Good."}, format="json", headers=KEY)
    assert response.status_code == 201
    assert response["Location"] == session_url(session.uuid)
    # The same request again: the stored answer, with the same Location.
    again = ben.post(path, {"body": "Good."}, format="json", headers=KEY)
    assert again["Idempotent-Replayed"] == "true"
    assert (again.status_code, again["Location"]) == (201, response["Location"])


def test_a_replayed_schedule_keeps_its_location(ben, client_profile):
    body = schedule_body(client_profile)
    first = ben.post(f"{API}/sessions/", body, format="json", headers=KEY)
    again = ben.post(f"{API}/sessions/", body, format="json", headers=KEY)
    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]


def test_other_answers_have_no_location(ben, session):
    assert "Location" not in ben.get(f"{API}/sessions/{session.uuid}/")
    assert "Location" not in ben.post(f"{API}/sessions/{session.uuid}/close/", {}, format="json")


def _quota(response):
    return tuple(
        int(response[name])
        for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
    )


def test_each_counted_answer_tells_the_quota_left(monkeypatch, provider, session):
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "3/minute")
    ben = token_client(provider.user)
    answers = [
        ben.get(f"{API}/sessions/"),
        ben.get(f"{API}/sessions/{session.uuid}/"),
        ben.get(f"{API}/sessions/not-a-uuid/"),  # a 404 counts too
        ben.get(f"{API}/me/"),
    ]
    assert [r.status_code for r in answers] == [200, 200, 404, 429]
    quotas = [_quota(r) for r in answers]
    assert [(limit, remaining) for limit, remaining, _ in quotas] == [
        (3, 2),
        (3, 1),
        (3, 0),
        (3, 0),
    ]
    # Until the oldest request leaves the one-minute window.
    assert all(0 < reset <= 60 for _, _, reset in quotas)
    assert int(answers[-1]["Retry-After"]) > 0


def test_refused_before_the_throttle_no_quota_is_told(db):
    response = APIClient().get(f"{API}/sessions/")
    assert response.status_code == 401
    assert "RateLimit-Limit" not in response


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")
def test_the_redis_count_tells_the_same_quota(monkeypatch, settings, provider):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    caches["default"].clear()
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "2/minute")
    ben = token_client(provider.user)
    answers = [ben.get(f"{API}/me/") for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert [_quota(r)[:2] for r in answers] == [(2, 1), (2, 0), (2, 0)]
    assert all(0 < _quota(r)[2] <= 60 for r in answers)
    assert 0 < int(answers[-1]["Retry-After"]) <= 60
    caches["default"].clear()

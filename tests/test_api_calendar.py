"""GET /api/v1/calendar/: the requester's meetings in a range of days (DESIGN.md section 10)."""

import datetime as dt
import zoneinfo

import pytest

from sessions_app import services

from .api_helpers import API, invalid_fields, token_client
from .sessions_helpers import weekly_series

NY = zoneinfo.ZoneInfo("America/New_York")
MONDAY = dt.datetime(2027, 3, 1, 9, 0, tzinfo=NY)  # New York's clocks go forward on the 14th
WEEK = dt.timedelta(days=7)


def calendar(caller, **params):
    return caller.get(f"{API}/calendar/", params)


def starts(response):
    return [meeting["starts_at"] for meeting in response.json()]


def test_a_provider_gets_the_meetings_of_the_sessions_they_hold_in_the_range(
    ben, provider, clinic_admin, client_profile
):
    weekly_series(provider, client_profile, start=MONDAY, repeat=4)
    # Ava's session of the same client: on the client's calendar, not on Ben's.
    weekly_series(clinic_admin, client_profile, start=MONDAY + 4 * WEEK, repeat=1)
    response = calendar(ben, start="2027-03-01", end="2027-03-16")
    assert response.status_code == 200
    # Tuesdays at 10:00 on New York's clock, across the change to summer time on the 14th.
    assert starts(response) == [
        "2027-03-02T10:00:00-05:00",
        "2027-03-09T10:00:00-05:00",
        "2027-03-16T10:00:00-04:00",
    ]
    first = response.json()[0]
    assert first["number"] == 1
    assert first["status"] == "open"
    assert first["client"]["name"] == "Chloe Client"
    assert first["provider"]["name"] == "Ben Provider"
    assert (first["minutes"], first["place"]) == (50, "Room 2")
    assert first["ends_at"] == "2027-03-02T10:50:00-05:00"
    assert calendar(ben, start="2027-03-29", end="2027-04-30").json() == []


def test_a_client_gets_her_own_meetings_whoever_holds_them(
    chloe, provider, clinic_admin, client_profile, other_client
):
    weekly_series(provider, client_profile, start=MONDAY, repeat=2)
    weekly_series(clinic_admin, client_profile, start=MONDAY + 2 * WEEK, repeat=1)
    weekly_series(provider, other_client, start=MONDAY, repeat=1)
    response = calendar(chloe, start="2027-03-01", end="2027-03-31")
    assert [m["provider"]["name"] for m in response.json()] == [
        "Ben Provider",
        "Ben Provider",
        "Ava Admin",
    ]


def test_the_last_day_is_included_on_the_clinic_clock(ben, provider, client_profile):
    weekly_series(provider, client_profile, start=MONDAY, repeat=1)
    assert len(calendar(ben, start="2027-03-02", end="2027-03-02").json()) == 1
    assert calendar(ben, start="2027-03-01", end="2027-03-01").json() == []
    assert calendar(ben, start="2027-03-03", end="2027-03-03").json() == []


def test_a_cancelled_meeting_is_listed_as_cancelled(ben, provider, client_profile):
    _, second = weekly_series(provider, client_profile, start=MONDAY, repeat=2)
    services.session_cancel(actor=provider.user, session=second, reason="Holiday")
    statuses = [m["status"] for m in calendar(ben, start="2027-03-01", end="2027-03-14").json()]
    assert statuses == ["open", "cancelled"]


def test_sessions_without_a_meeting_are_not_listed(ben, provider, client_profile):
    services.session_schedule(
        actor=provider.user,
        client=client_profile,
        provider=provider,
        starts_at=MONDAY,
        ends_at=MONDAY + WEEK,
    )
    assert calendar(ben, start="2027-03-01", end="2027-03-14").json() == []


def test_other_clinics_and_other_caseloads_stay_out(
    provider, client_profile, off_team_provider, other_clinic_provider
):
    weekly_series(provider, client_profile, start=MONDAY, repeat=2)
    for outsider in (off_team_provider, other_clinic_provider):
        response = calendar(token_client(outsider.user), start="2027-03-01", end="2027-03-31")
        assert (response.status_code, response.json()) == (200, [])


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"start": "2027-03-10", "end": "2027-03-01"}, "end", "comes before"),
        ({"start": "2027-01-01", "end": "2027-04-03"}, "end", "93"),
        ({"start": "2027-3-1x", "end": "2027-03-02"}, "start", "Date has wrong format"),
        ({"start": "2027-03-01"}, "end", "required"),
        ({"start": "9999-12-31", "end": "9999-12-31"}, "start", "2000 to 2999"),
        ({"start": "2027-03-01", "end": "3000-01-01"}, "end", "2000 to 2999"),
        ({}, "start", "required"),
    ],
)
def test_bad_ranges_are_refused_with_a_message(ben, params, field, words):
    response = calendar(ben, **params)
    assert words in str(invalid_fields(response)[field])


def test_ninety_two_days_are_allowed_ninety_three_are_not(ben):
    assert calendar(ben, start="2027-01-01", end="2027-04-02").status_code == 200
    assert calendar(ben, start="2027-01-01", end="2027-04-03").status_code == 400


def test_the_refusal_is_in_the_requesters_language(provider):
    provider.user.language = "es"
    provider.user.save()
    response = calendar(token_client(provider.user), start="2027-03-10", end="2027-03-01")
    assert response.headers["Content-Language"] == "es"
    assert "The last day" not in str(invalid_fields(response))


def test_nobody_logged_in_gets_401(client):
    assert (
        client.get(f"{API}/calendar/", {"start": "2027-03-01", "end": "2027-03-02"}).status_code
        == 401
    )


@pytest.mark.parametrize("meetings", [1, 20])
def test_queries_do_not_grow_with_the_meetings(
    ben, provider, client_profile, django_assert_num_queries, meetings
):
    weekly_series(provider, client_profile, start=MONDAY, repeat=meetings)
    # The token with its user, the role, the clinic, the meetings with their people, the
    # audit event (as tests/test_api_lists.py counts them).
    with django_assert_num_queries(5):
        response = calendar(ben, start="2027-03-01", end="2027-05-31")
    assert len(response.json()) == min(meetings, 13)

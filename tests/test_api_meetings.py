"""DESIGN.md section 9 through the JSON API: numbers, meetings, changes (PATCH), cancellations,
no double booking, homework inside its period, and Idempotency-Key on every write."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from sessions_app import services
from sessions_app.models import (
    Assignment,
    Feedback,
    IdempotencyRecord,
    Message,
    Session,
    SessionChange,
)

from .api_helpers import API, invalid_fields, schedule_body, submitted, token_client
from .sessions_helpers import schedule, weekly_series

NY = zoneinfo.ZoneInfo("America/New_York")
MONDAY = dt.datetime(2027, 3, 1, 9, 0, tzinfo=NY)  # New York's clocks go forward on the 14th
WEEK = dt.timedelta(days=7)
MEETING = {"starts_at": "2027-03-02T10:00", "place": "Room 2", "video_url": "https://v.example/2"}


@pytest.fixture
def ava(clinic_admin):
    return token_client(clinic_admin.user)


def post(caller, path, body, **headers):
    return caller.post(f"{API}{path}", body, format="json", headers=headers)


def patch(caller, session, body, **headers):
    return caller.patch(f"{API}/sessions/{session.uuid}/", body, format="json", headers=headers)


def cancel(caller, session, body, **headers):
    return post(caller, f"/sessions/{session.uuid}/cancel/", body, **headers)


def series(provider, client, *, start=MONDAY, **kwargs):
    return weekly_series(provider, client, start=start, place="R2", **kwargs)


def ids(sessions):
    return [str(s.uuid) for s in sessions]


def snapshot():
    """What a refused write must leave as it was."""
    return (
        list(Session.objects.order_by("pk").values()),
        SessionChange.objects.count(),
        Assignment.objects.count(),
    )


# --- numbers and meetings --------------------------------------------------------------------


def test_numbers_continue_across_series(ben, client_profile):
    first = post(ben, "/sessions/", schedule_body(client_profile, repeat=3)).json()
    later = schedule_body(
        client_profile, starts_at="2027-04-05T09:00", ends_at="2027-04-12T09:00", repeat=2
    )
    second = post(ben, "/sessions/", later).json()
    assert [s["number"] for s in first["sessions"]] == [1, 2, 3]
    assert [s["number"] for s in second["sessions"]] == [4, 5]
    assert [s["sequence"] for s in second["sessions"]] == [1, 2]
    listed = ben.get(f"{API}/sessions/").json()["results"]
    assert [s["number"] for s in listed] == [1, 2, 3, 4, 5]


def test_numbers_never_repeat_after_a_cancellation(ben, provider, client_profile):
    [_, two] = series(provider, client_profile, repeat=2)
    cancel(ben, two, {"reason": "Away."})
    again = schedule_body(client_profile, starts_at="2027-03-08T09:00", ends_at="2027-03-15T09:00")
    [session] = post(ben, "/sessions/", again).json()["sessions"]
    assert session["number"] == 3


def test_meeting_is_copied_on_the_wall_clock_across_the_clock_change(ben, client_profile):
    body = schedule_body(client_profile, repeat=4, meeting={**MEETING, "minutes": 45})
    response = post(ben, "/sessions/", body)
    assert response.status_code == 201, response.content
    meetings = [s["meeting"] for s in response.json()["sessions"]]
    assert [m["starts_at"] for m in meetings] == [
        "2027-03-02T10:00:00-05:00",
        "2027-03-09T10:00:00-05:00",
        "2027-03-16T10:00:00-04:00",
        "2027-03-23T10:00:00-04:00",
    ]
    assert {(m["minutes"], m["place"], m["video_url"]) for m in meetings} == {
        (45, "Room 2", "https://v.example/2")
    }


def test_meeting_defaults_and_none(ben, client_profile):
    body = schedule_body(client_profile, meeting={"starts_at": "2027-03-01T09:00"})
    [session] = post(ben, "/sessions/", body).json()["sessions"]
    assert session["meeting"] == {
        "starts_at": "2027-03-01T09:00:00-05:00",
        "minutes": 50,
        "place": "",
        "video_url": "",
    }
    later = schedule_body(client_profile, starts_at="2027-03-08T09:00", ends_at="2027-03-09T09:00")
    [session] = post(ben, "/sessions/", {**later, "meeting": None}).json()["sessions"]
    assert session["meeting"] is None


@pytest.mark.parametrize(
    ("meeting", "field"),
    [
        ({"starts_at": "2027-03-08T09:00"}, "starts_at"),  # the period's end: outside
        ({"starts_at": "2027-02-28T10:00"}, "starts_at"),
        ({"starts_at": "2027-03-02T10:00", "minutes": 9}, "minutes"),
        ({"starts_at": "2027-03-02T10:00", "minutes": 241}, "minutes"),
        ({"starts_at": "2027-03-02T10:00", "minutes": "50"}, "minutes"),
        ({"starts_at": "2027-03-02T10:00", "video_url": "http://v.example/2"}, "video_url"),
        ({"starts_at": "2027-03-02T10:00", "video_url": "javascript:alert(1)"}, "video_url"),
        ({"starts_at": "2027-03-02T10:00", "place": "x" * 201}, "place"),
        ({"minutes": 50}, "starts_at"),
    ],
)
def test_bad_meeting_is_400_and_schedules_nothing(ben, client_profile, meeting, field):
    response = post(ben, "/sessions/", schedule_body(client_profile, repeat=2, meeting=meeting))
    assert f"meeting.{field}" in invalid_fields(response)
    assert not Session.objects.exists()


# --- no double booking -----------------------------------------------------------------------


def test_overlap_with_the_same_provider_is_409_with_the_sessions_in_the_way(
    ben, provider, client_profile
):
    sessions = series(provider, client_profile, repeat=3)
    body = schedule_body(client_profile, starts_at="2027-03-10T09:00", ends_at="2027-03-17T09:00")
    for allow in (False, True):  # never allowed with the same provider
        response = post(ben, "/sessions/", {**body, "allow_overlap": allow})
        assert response.status_code == 409
        answer = response.json()
        assert answer["code"] == "overlap"
        assert answer["sessions"] == ids(sessions[1:3])
        assert "Session 2" in answer["detail"] and "Ben Provider" in answer["detail"]
    assert Session.objects.count() == 3


def test_sessions_that_only_touch_do_not_overlap(ben, provider, client_profile):
    series(provider, client_profile, repeat=1)
    body = schedule_body(client_profile, starts_at="2027-03-08T09:00", ends_at="2027-03-09T09:00")
    assert post(ben, "/sessions/", body).status_code == 201


def test_overlap_with_another_provider_needs_allow_overlap(
    ben, provider, clinic_admin, client_profile
):
    [avas] = series(clinic_admin, client_profile, repeat=1)
    body = schedule_body(client_profile)
    refused = post(ben, "/sessions/", body)
    assert refused.status_code == 409
    assert refused.json()["code"] == "overlap_other_provider"
    assert refused.json()["sessions"] == [str(avas.uuid)]
    assert Session.objects.count() == 1
    allowed = post(ben, "/sessions/", {**body, "allow_overlap": True})
    assert allowed.status_code == 201
    assert allowed.json()["sessions"][0]["provider"]["id"] == str(provider.uuid)


def test_a_cancelled_session_is_not_in_the_way(ben, provider, client_profile):
    [session] = series(provider, client_profile, repeat=1)
    assert cancel(ben, session, {"reason": "Ill."}).status_code == 200
    assert post(ben, "/sessions/", schedule_body(client_profile)).status_code == 201


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_allow_overlap_is_a_boolean(ben, client_profile, value):
    response = post(ben, "/sessions/", schedule_body(client_profile, allow_overlap=value))
    assert set(invalid_fields(response)) == {"allow_overlap"}


# --- PATCH: changes --------------------------------------------------------------------------


def test_patch_this_session_changes_only_it(ben, provider, client_profile):
    sessions = series(provider, client_profile)
    meeting = {"starts_at": "2027-03-10T14:00", "minutes": 30, "place": "Phone"}
    response = patch(ben, sessions[1], {"meeting": meeting})
    assert response.status_code == 200, response.content
    [changed] = response.json()["sessions"]
    assert changed["id"] == str(sessions[1].uuid)
    assert changed["meeting"] == {
        "starts_at": "2027-03-10T14:00:00-05:00",
        "minutes": 30,
        "place": "Phone",
        "video_url": "",
    }
    places = list(Session.objects.order_by("sequence").values_list("meeting_place", flat=True))
    assert places == ["R2", "Phone", "R2", "R2"]
    change = SessionChange.objects.get()
    assert (change.session_id, change.changed_by) == (sessions[1].pk, provider)
    assert change.kind == SessionChange.Kind.CHANGE
    assert change.fields["meeting_place"] == ["R2", "Phone"]


def test_patch_following_shifts_the_later_sessions_on_the_wall_clock(ben, provider, client_profile):
    sessions = series(provider, client_profile)
    body = {"apply_to": "following", "starts_at": "2027-03-08T10:00", "ends_at": "2027-03-15T10:00"}
    response = patch(ben, sessions[1], body)
    assert response.status_code == 200, response.content
    changed = response.json()["sessions"]
    assert [s["id"] for s in changed] == ids(sessions[1:])
    assert [(s["starts_at"], s["meeting"]["starts_at"]) for s in changed] == [
        ("2027-03-08T10:00:00-05:00", "2027-03-09T11:00:00-05:00"),
        ("2027-03-15T10:00:00-04:00", "2027-03-16T11:00:00-04:00"),
        ("2027-03-22T10:00:00-04:00", "2027-03-23T11:00:00-04:00"),
    ]
    first = ben.get(f"{API}/sessions/{sessions[0].uuid}/").json()
    assert first["starts_at"] == "2027-03-01T09:00:00-05:00"
    assert SessionChange.objects.count() == 3


def test_patch_provider_and_removing_the_meeting(ben, provider, clinic_admin, client_profile):
    [session] = series(provider, client_profile, repeat=1)
    response = patch(ben, session, {"provider": str(clinic_admin.uuid), "meeting": None})
    [changed] = response.json()["sessions"]
    assert changed["provider"] == {"id": str(clinic_admin.uuid), "name": "Ava Admin"}
    assert changed["meeting"] is None


def test_patch_that_changes_nothing_answers_the_session(ben, provider, client_profile):
    [session] = series(provider, client_profile, repeat=1)
    for body in ({}, {"provider": str(provider.uuid)}, {"apply_to": "following"}):
        response = patch(ben, session, body)
        assert response.status_code == 200
        assert [s["id"] for s in response.json()["sessions"]] == [str(session.uuid)]
    assert not SessionChange.objects.exists()


def test_patch_into_another_session_is_409_overlap(ben, provider, client_profile):
    sessions = series(provider, client_profile, repeat=1)
    later = series(provider, client_profile, start=MONDAY + 2 * WEEK, repeat=1)
    before = snapshot()
    response = patch(ben, later[0], {"starts_at": "2027-03-05T09:00"})
    assert response.status_code == 409
    assert response.json()["code"] == "overlap"
    assert response.json()["sessions"] == ids(sessions)
    assert snapshot() == before


def test_patch_into_another_providers_session_needs_allow_overlap(
    ben, provider, clinic_admin, client_profile
):
    [avas] = series(clinic_admin, client_profile, repeat=1)
    [bens] = series(provider, client_profile, start=MONDAY + 2 * WEEK, repeat=1)
    body = {"starts_at": "2027-03-05T09:00"}
    refused = patch(ben, bens, body)
    assert (refused.status_code, refused.json()["code"]) == (409, "overlap_other_provider")
    assert refused.json()["sessions"] == [str(avas.uuid)]
    assert patch(ben, bens, {**body, "allow_overlap": True}).status_code == 200


def test_period_change_after_the_start_is_400(ben, session):
    before = snapshot()
    response = patch(ben, session, {"ends_at": "2099-01-01T09:00"})
    assert "starts_at" in invalid_fields(response)
    assert snapshot() == before
    # What may still change: the meeting, here inside the session's period.
    meeting = {"starts_at": (session.starts_at + dt.timedelta(hours=1)).isoformat()}
    assert patch(ben, session, {"meeting": meeting}).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"meeting": {"starts_at": "2027-04-01T10:00"}},  # outside the period
        {"meeting": {"starts_at": "2027-03-02T10:00", "minutes": 241}},
        {"meeting": {"starts_at": "2027-03-02T10:00", "video_url": "http://v.example"}},
        {"ends_at": "2027-03-01T08:00"},
        {"apply_to": "all"},
        {"provider": "00000000-0000-0000-0000-000000000000"},
        {"starts_at": "soon"},
    ],
)
def test_bad_change_is_400_and_changes_nothing(ben, provider, client_profile, body):
    [session] = series(provider, client_profile, repeat=1)
    before = snapshot()
    response = patch(ben, session, body)
    assert response.status_code == 400, response.content
    assert snapshot() == before


def test_patch_to_a_closed_or_cancelled_session_is_409(ben, provider, client_profile):
    closed, cancelled = series(provider, client_profile, repeat=2)
    services.session_close(actor=provider.user, session=closed, force=True, note="Done.")
    services.session_cancel(actor=provider.user, session=cancelled, reason="Ill.")
    before = snapshot()
    body = {"meeting": None}
    assert patch(ben, closed, body).json()["code"] == "session_closed"
    response = patch(ben, cancelled, body)
    assert (response.status_code, response.json()["code"]) == (409, "session_cancelled")
    assert snapshot() == before


def test_patch_by_a_client_is_403_and_out_of_scope_is_404(
    chloe, provider, client_profile, off_team_provider, other_clinic_provider
):
    [session] = series(provider, client_profile, repeat=1)
    assert patch(chloe, session, {"meeting": None}).status_code == 403
    for outsider in (off_team_provider, other_clinic_provider):
        assert patch(token_client(outsider.user), session, {"meeting": None}).status_code == 404
    assert Session.objects.get().has_meeting


# --- cancellation ----------------------------------------------------------------------------


def test_cancel_one_session(ben, provider, client_profile):
    sessions = series(provider, client_profile, repeat=3)
    response = cancel(ben, sessions[1], {"reason": "Client is ill."})
    assert response.status_code == 200, response.content
    [cancelled] = response.json()["sessions"]
    assert (cancelled["status"], cancelled["timing"]) == ("cancelled", "cancelled")
    assert cancelled["cancelled_by"] == {"id": str(provider.uuid), "name": "Ben Provider"}
    assert cancelled["cancel_reason"] == "Client is ill."
    assert cancelled["cancelled_at"]
    statuses = list(Session.objects.order_by("sequence").values_list("status", flat=True))
    assert statuses == ["open", "cancelled", "open"]


def test_cancel_with_the_following_sessions(ben, provider, client_profile):
    sessions = series(provider, client_profile)
    response = cancel(ben, sessions[1], {"reason": "Moved away.", "apply_to": "following"})
    assert [s["id"] for s in response.json()["sessions"]] == ids(sessions[1:])
    assert {s["status"] for s in response.json()["sessions"]} == {"cancelled"}
    assert Session.objects.get(pk=sessions[0].pk).status == "open"
    assert SessionChange.objects.filter(kind="cancel").count() == 3


def test_status_cancelled_filters_the_list(ben, provider, client_profile):
    sessions = series(provider, client_profile, repeat=3)
    cancel(ben, sessions[2], {"reason": "Away."})
    listed = ben.get(f"{API}/sessions/", {"status": "cancelled"}).json()["results"]
    assert [s["id"] for s in listed] == [str(sessions[2].uuid)]
    opened = ben.get(f"{API}/sessions/", {"status": "open"}).json()["results"]
    assert [s["id"] for s in opened] == ids(sessions[:2])


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "  "}, {"reason": 5}])
def test_cancel_without_a_reason_is_400(ben, provider, client_profile, body):
    [session] = series(provider, client_profile, repeat=1)
    response = cancel(ben, session, body)
    assert set(invalid_fields(response)) == {"reason"}
    assert Session.objects.get().status == "open"


def test_cancel_twice_or_closed_is_409(ben, provider, client_profile):
    closed, cancelled = series(provider, client_profile, repeat=2)
    services.session_close(actor=provider.user, session=closed, force=True, note="Done.")
    assert cancel(ben, cancelled, {"reason": "Ill."}).status_code == 200
    again = cancel(ben, cancelled, {"reason": "Ill."})
    assert (again.status_code, again.json()["code"]) == (409, "session_cancelled")
    response = cancel(ben, closed, {"reason": "Ill."})
    assert (response.status_code, response.json()["code"]) == (409, "session_closed")


def test_a_cancelled_session_is_read_only(ben, chloe, provider, client_profile):
    [session] = schedule(by=provider, client=client_profile, homework=["Journal"])
    assignment = session.assignments.get()
    cancel(ben, session, {"reason": "Ill."})
    writes = [
        (ben, f"/sessions/{session.uuid}/assignments/", {"title": "More"}),
        (ben, f"/sessions/{session.uuid}/close/", {"force": True, "note": "x"}),
        (ben, f"/sessions/{session.uuid}/messages/", {"body": "Hi"}),
        (chloe, f"/assignments/{assignment.uuid}/submit/", {"response": "Done"}),
    ]
    for caller, path, body in writes:
        response = post(caller, path, body)
        assert (response.status_code, response.json()["code"]) == (409, "session_cancelled"), path


def test_cancel_by_a_client_is_403_and_out_of_scope_is_404(
    chloe, provider, client_profile, other_clinic_provider
):
    [session] = series(provider, client_profile, repeat=1)
    assert cancel(chloe, session, {"reason": "No."}).status_code == 403
    outsider = token_client(other_clinic_provider.user)
    assert cancel(outsider, session, {"reason": "No."}).status_code == 404
    assert Session.objects.get().status == "open"


# --- schedule next and homework --------------------------------------------------------------


def test_schedule_next_is_not_an_api_operation(ben, session):
    schema = ben.get("/api/schema/", {"format": "json"}).json()
    assert not [path for path in schema["paths"] if "next" in path]
    assert post(ben, f"/sessions/{session.uuid}/next/", {}).status_code == 404


def test_homework_due_outside_the_period_is_400(ben, provider, client_profile):
    [session] = series(provider, client_profile, repeat=1)
    path = f"/sessions/{session.uuid}/assignments/"
    for due in ("2027-03-01T09:00", "2027-03-08T09:01", "2027-02-01T09:00"):
        response = post(ben, path, {"title": "Walk", "due_at": due})
        assert set(invalid_fields(response)) == {"due_at"}, due
    assert post(ben, path, {"title": "Walk", "due_at": "2027-03-08T09:00"}).status_code == 201
    homework = [{"title": "Read", "due_at": "2027-04-01T09:00"}]
    body = schedule_body(client_profile, starts_at="2027-03-08T09:00", ends_at="2027-03-15T09:00")
    assert post(ben, "/sessions/", {**body, "homework": homework}).status_code == 400
    assert Session.objects.count() == 1


def test_submitting_before_the_start_is_409_not_started(chloe, provider, client_profile):
    [session] = schedule(by=provider, client=client_profile, start=MONDAY, homework=["Read"])
    assignment = session.assignments.get()
    response = post(chloe, f"/assignments/{assignment.uuid}/submit/", {"response": "Done"})
    assert (response.status_code, response.json()["code"]) == (409, "not_started")
    assert "opens" in response.json()["detail"]
    assert Assignment.objects.get().submitted_at is None


# --- Idempotency-Key -------------------------------------------------------------------------


def test_same_key_and_body_answers_the_first_answer_without_doing_it_again(ben, client_profile):
    body = schedule_body(client_profile, repeat=2)
    first = post(ben, "/sessions/", body, **{"Idempotency-Key": "k-1"})
    again = post(ben, "/sessions/", body, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Session.objects.count() == 2


def test_same_key_with_another_request_is_422(ben, provider, client_profile):
    [session] = series(provider, client_profile, repeat=1)
    key, messages = {"Idempotency-Key": "k-2"}, f"/sessions/{session.uuid}/messages/"
    assert post(ben, messages, {"body": "Hi"}, **key).status_code == 201
    other_body = post(ben, messages, {"body": "Hi!"}, **key)
    other_path = post(ben, f"/sessions/{session.uuid}/assignments/", {"body": "Hi"}, **key)
    other_method = patch(ben, session, {"body": "Hi"}, **key)
    for response in (other_body, other_path, other_method):
        assert response.status_code == 422
        assert response.json()["code"] == "idempotency_key_reused"
        assert response.json()["detail"]
    assert Message.objects.count() == 1


def test_keys_belong_to_one_person(ben, ava, provider, client_profile):
    [session] = series(provider, client_profile, repeat=1)
    path, key = f"/sessions/{session.uuid}/messages/", {"Idempotency-Key": "shared"}
    assert post(ben, path, {"body": "Hi"}, **key).status_code == 201
    assert post(ava, path, {"body": "Hi"}, **key).status_code == 201
    assert Message.objects.count() == 2


def test_refusals_below_500_are_kept_too(ben, provider, client_profile):
    [session] = series(provider, client_profile, repeat=1)
    key = {"Idempotency-Key": "k-3"}
    first = cancel(ben, session, {"reason": ""}, **key)
    assert first.status_code == 400
    again = cancel(ben, session, {"reason": ""}, **key)
    assert (again.status_code, again.content) == (400, first.content)
    assert again["Idempotent-Replayed"] == "true"


def test_a_key_still_being_answered_is_409(ben, provider, client_profile):
    [session] = series(provider, client_profile, repeat=1)
    path, body = f"/sessions/{session.uuid}/messages/", {"body": "Hi"}
    assert post(ben, path, body, **{"Idempotency-Key": "k-4"}).status_code == 201
    IdempotencyRecord.objects.filter(key="k-4").update(status_code=None, body=b"")
    response = post(ben, path, body, **{"Idempotency-Key": "k-4"})
    assert (response.status_code, response.json()["code"]) == (409, "idempotency_key_in_use")
    assert Message.objects.count() == 1


def test_a_key_older_than_a_day_is_forgotten(ben, provider, client_profile):
    [session] = series(provider, client_profile, repeat=1)
    path, body, key = f"/sessions/{session.uuid}/messages/", {"body": "Hi"}, "k-5"
    post(ben, path, body, **{"Idempotency-Key": key})
    day_ago = timezone.now() - dt.timedelta(hours=24, seconds=1)
    IdempotencyRecord.objects.filter(key=key).update(created_at=day_ago)
    again = post(ben, path, {"body": "Another"}, **{"Idempotency-Key": key})
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert Message.objects.count() == 2
    assert IdempotencyRecord.objects.get(key=key).created_at > day_ago


def test_a_failed_answer_frees_the_key(ben, client_profile, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "session_schedule", broken)
    body, key = schedule_body(client_profile), {"Idempotency-Key": "k-6"}
    with pytest.raises(RuntimeError):
        post(ben, "/sessions/", body, **key)
    assert not IdempotencyRecord.objects.exists()
    monkeypatch.undo()
    assert post(ben, "/sessions/", body, **key).status_code == 201


@pytest.mark.parametrize("key", ["x" * 256, " padded ", "naïve"])
def test_a_malformed_key_is_400(ben, client_profile, key):
    response = post(ben, "/sessions/", schedule_body(client_profile), **{"Idempotency-Key": key})
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not Session.objects.exists()
    longest = {"Idempotency-Key": "x" * 255}
    assert post(ben, "/sessions/", schedule_body(client_profile), **longest).status_code == 201


def test_reads_ignore_the_key(ben, session):
    for _ in range(2):
        response = ben.get(f"{API}/sessions/", headers={"Idempotency-Key": "k-7"})
        assert response.status_code == 200
        assert "Idempotent-Replayed" not in response
    assert not IdempotencyRecord.objects.exists()


def _count(model, **filters):
    return lambda: model.objects.filter(**filters).count()


@pytest.mark.parametrize(
    "write",
    ["schedule", "close", "cancel", "patch", "assignments", "submit", "feedback", "messages"],
)
def test_every_write_honours_the_key(write, provider, client_profile, session):
    """Sent twice with one key, each write happens once and answers the same twice."""
    ben, chloe = token_client(provider.user), token_client(client_profile.user)
    homework = session.assignments.order_by("pk").first()
    if write == "feedback":
        submitted(session, client_profile)
    later = schedule(by=provider, client=client_profile, start=MONDAY, repeat=2)
    writes = {
        "schedule": (ben, "post", "/sessions/", schedule_body(client_profile, repeat=1,
                     starts_at="2028-01-03T09:00", ends_at="2028-01-10T09:00"),
                     _count(Session)),
        "close": (ben, "post", f"/sessions/{session.uuid}/close/", {"force": True, "note": "x"},
                  _count(Session, status="closed")),
        "cancel": (ben, "post", f"/sessions/{later[0].uuid}/cancel/", {"reason": "Ill.",
                   "apply_to": "following"}, _count(SessionChange)),
        "patch": (ben, "patch", f"/sessions/{later[1].uuid}/", {"starts_at": "2027-03-08T10:00"},
                  _count(SessionChange)),
        "assignments": (ben, "post", f"/sessions/{session.uuid}/assignments/", {"title": "W"},
                        _count(Assignment)),
        "submit": (chloe, "post", f"/assignments/{homework.uuid}/submit/", {"response": "A"},
                   lambda: str(Assignment.objects.get(pk=homework.pk).submitted_at)),
        "feedback": (ben, "post", f"/assignments/{homework.uuid}/feedback/", {"body": "Good."},
                     _count(Feedback)),
        "messages": (chloe, "post", f"/sessions/{session.uuid}/messages/", {"body": "Hi"},
                     _count(Message)),
    }  # fmt: skip
    caller, method, path, body, effect = writes[write]
    key = {"Idempotency-Key": f"once-{write}"}
    first = getattr(caller, method)(f"{API}{path}", body, format="json", headers=key)
    assert first.status_code in (200, 201), first.content
    after_first = effect()
    again = getattr(caller, method)(f"{API}{path}", body, format="json", headers=key)
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert effect() == after_first
    assert again["Idempotent-Replayed"] == "true"
    assert IdempotencyRecord.objects.get().status_code == first.status_code


def test_a_following_change_that_would_overlap_the_series_itself_is_409(
    ben, provider, client_profile
):
    sessions = series(provider, client_profile, repeat=3)
    before = snapshot()
    # A day longer each: each session would overlap the next.
    body = {"apply_to": "following", "ends_at": "2027-03-09T09:00"}
    response = patch(ben, sessions[0], body)
    assert (response.status_code, response.json()["code"]) == (409, "overlap")
    assert response.json()["sessions"] == ids(sessions[1:])
    assert snapshot() == before
    # This session alone may grow into a gap.
    services.session_cancel(actor=provider.user, session=sessions[1], reason="Away.")
    assert patch(ben, sessions[0], {"ends_at": "2027-03-09T09:00"}).status_code == 200


def test_a_method_a_path_does_not_take_is_405_whatever_the_key(ben, session):
    key = {"Idempotency-Key": "k-8"}
    for body in ({"a": 1}, {"b": 2}):
        path = f"{API}/sessions/{session.uuid}/close/"
        assert ben.patch(path, body, format="json", headers=key).status_code == 405
    assert not IdempotencyRecord.objects.exists()

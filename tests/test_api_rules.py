"""Every rule of DESIGN.md section 4 once more, through the JSON API."""

import datetime as dt

import pytest
from django.utils import timezone

from sessions_app import services
from sessions_app.models import Session

from .api_helpers import API, invalid_fields, problem_of, schedule_body, submitted, token_client
from .rows import row_counts
from .sessions_helpers import complete, schedule


def post(caller, path, body):
    return caller.post(f"{API}{path}", body, format="json")


# --- scheduling: who, series, the clinic's wall clock -----------------------------------------


def test_schedule_held_by_another_provider_of_the_care_team(
    ben, provider, clinic_admin, client_profile
):
    response = post(ben, "/sessions/", schedule_body(client_profile, clinic_admin))
    assert response.status_code == 201
    [session] = response.json()["sessions"]
    assert session["provider"]["id"] == str(clinic_admin.uuid)
    assert session["created_by"]["id"] == str(provider.uuid)
    # Without `provider`, the scheduler holds the session (the week after: no overlap).
    later = schedule_body(client_profile, starts_at="2027-03-08T09:00", ends_at="2027-03-15T09:00")
    response = post(ben, "/sessions/", later)
    assert response.json()["sessions"][0]["provider"]["id"] == str(provider.uuid)


def test_series_sessions_are_chained(ben, client_profile):
    response = post(
        ben,
        "/sessions/",
        schedule_body(
            client_profile,
            starts_at="2027-05-03T09:00",
            ends_at="2027-05-03T10:30",
            repeat=3,
        ),
    )
    assert response.status_code == 201
    body = response.json()
    sessions = body["sessions"]
    assert [s["sequence"] for s in sessions] == [1, 2, 3]
    assert {s["series_id"] for s in sessions} == {body["series_id"]}
    assert [(s["starts_at"], s["ends_at"]) for s in sessions] == [
        ("2027-05-03T09:00:00-04:00", "2027-05-03T10:30:00-04:00"),
        ("2027-05-03T10:30:00-04:00", "2027-05-03T12:00:00-04:00"),
        ("2027-05-03T12:00:00-04:00", "2027-05-03T13:30:00-04:00"),
    ]
    assert Session.objects.filter(series_id=body["series_id"]).count() == 3


def test_weekly_series_keeps_monday_nine_across_the_march_clock_change(ben, client_profile):
    # New York moves its clocks forward on Sunday 14 March 2027.
    response = post(ben, "/sessions/", schedule_body(client_profile, repeat=4))
    starts = [s["starts_at"] for s in response.json()["sessions"]]
    assert starts == [
        "2027-03-01T09:00:00-05:00",
        "2027-03-08T09:00:00-05:00",
        "2027-03-15T09:00:00-04:00",
        "2027-03-22T09:00:00-04:00",
    ]
    # The week with the change is an hour shorter in absolute time.
    second = Session.objects.get(sequence=2)
    assert second.duration == dt.timedelta(days=7, hours=-1)


def test_time_without_offset_is_read_in_the_clinics_zone(ben, client_profile):
    response = post(
        ben,
        "/sessions/",
        schedule_body(client_profile, starts_at="2027-06-01T09:00", ends_at="2027-06-01T10:00"),
    )
    session = Session.objects.get()
    assert session.starts_at == dt.datetime(2027, 6, 1, 13, 0, tzinfo=dt.UTC)
    assert response.json()["sessions"][0]["starts_at"] == "2027-06-01T09:00:00-04:00"


def test_time_with_offset_is_answered_in_the_clinics_zone(ben, client_profile):
    response = post(
        ben,
        "/sessions/",
        schedule_body(
            client_profile, starts_at="2027-06-01T13:00:00Z", ends_at="2027-06-01T15:00:00+01:00"
        ),
    )
    [session] = response.json()["sessions"]
    assert (session["starts_at"], session["ends_at"]) == (
        "2027-06-01T09:00:00-04:00",
        "2027-06-01T10:00:00-04:00",
    )


def test_responses_carry_each_clinics_own_offset(other_clinic_provider, other_clinic_client):
    dan = token_client(other_clinic_provider.user)
    response = post(
        dan,
        "/sessions/",
        schedule_body(
            other_clinic_client, starts_at="2027-06-01T09:00", ends_at="2027-06-02T09:00"
        ),
    )
    assert response.json()["sessions"][0]["starts_at"] == "2027-06-01T09:00:00+01:00"
    listed = dan.get(f"{API}/sessions/").json()["results"][0]
    assert listed["starts_at"] == "2027-06-01T09:00:00+01:00"


def test_homework_goes_to_every_session_by_default(ben, client_profile):
    homework = [{"title": "Thought record", "instructions": "Daily."}, {"title": "Walk"}]
    response = post(ben, "/sessions/", schedule_body(client_profile, repeat=3, homework=homework))
    for session in response.json()["sessions"]:
        titles = [a["title"] for a in session["assignments"]]
        assert titles == ["Thought record", "Walk"]
        # Each session has its own copies, due at its own end.
        assert {a["due_at"] for a in session["assignments"]} == {session["ends_at"]}
    assert len({a["id"] for s in response.json()["sessions"] for a in s["assignments"]}) == 6


def test_homework_to_the_first_session_only(ben, client_profile):
    response = post(
        ben,
        "/sessions/",
        schedule_body(
            client_profile,
            repeat=3,
            homework=[{"title": "Walk"}],
            homework_applies_to="first",
        ),
    )
    counts = [len(s["assignments"]) for s in response.json()["sessions"]]
    assert counts == [1, 0, 0]


def test_due_time_moves_with_each_session(ben, client_profile):
    response = post(
        ben,
        "/sessions/",
        schedule_body(
            client_profile, repeat=3, homework=[{"title": "Walk", "due_at": "2027-03-04T18:00"}]
        ),
    )
    dues = [s["assignments"][0]["due_at"] for s in response.json()["sessions"]]
    # Thursday 18:00 each week, across the clock change too.
    assert dues == [
        "2027-03-04T18:00:00-05:00",
        "2027-03-11T18:00:00-05:00",
        "2027-03-18T18:00:00-04:00",
    ]


# --- bad input: 400 with field errors, nothing changed ---------------------------------------


def _schedule_refused(caller, body):
    before = row_counts()
    response = post(caller, "/sessions/", body)
    errors = invalid_fields(response)
    assert row_counts() == before
    return errors


@pytest.mark.parametrize("repeat", [0, 53, -1, "3", 2.5, True, None])
def test_repeat_outside_1_to_52_is_refused(ben, client_profile, repeat):
    errors = _schedule_refused(ben, schedule_body(client_profile, repeat=repeat))
    assert "repeat" in errors


@pytest.mark.parametrize("repeat", [1, 52])
def test_repeat_bounds_are_accepted(ben, client_profile, repeat):
    response = post(ben, "/sessions/", schedule_body(client_profile, repeat=repeat))
    assert response.status_code == 201
    assert Session.objects.count() == repeat


@pytest.mark.parametrize("ends_at", ["2027-03-01T08:00", "2027-03-01T09:00"])
def test_end_not_after_start_is_refused(ben, client_profile, ends_at):
    errors = _schedule_refused(ben, schedule_body(client_profile, ends_at=ends_at))
    assert errors == {"ends_at": ["The session must end after it starts."]}


def test_client_of_another_clinic_is_refused(ben, other_clinic_client):
    errors = _schedule_refused(ben, schedule_body(other_clinic_client))
    assert "client" in errors


def test_client_off_my_care_team_is_refused(client_profile, off_team_provider):
    errors = _schedule_refused(token_client(off_team_provider.user), schedule_body(client_profile))
    assert "client" in errors


def test_provider_of_another_clinic_is_refused(ben, client_profile, other_clinic_provider):
    errors = _schedule_refused(ben, schedule_body(client_profile, other_clinic_provider))
    assert "provider" in errors


def test_provider_off_the_care_team_is_refused(ben, client_profile, off_team_provider):
    errors = _schedule_refused(ben, schedule_body(client_profile, off_team_provider))
    assert "provider" in errors


def test_unknown_client_is_refused(ben, client_profile):
    body = schedule_body(client_profile, client="3f2b8e4c-1d2a-4c5b-9e8f-7a6b5c4d3e2f")
    assert "client" in _schedule_refused(ben, body)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"client": 12345, "starts_at": "2027-03-01T09:00", "ends_at": "2027-03-08T09:00"},
        {"starts_at": "yesterday"},
        {"starts_at": "1999-12-31T09:00"},
        {"ends_at": "3000-01-01T09:00"},
        {"homework": "Walk"},
        {"homework": [{"title": "x"}] * 21},
        {"homework_applies_to": "some"},
        {"provider": "not-a-uuid"},
    ],
    ids=lambda body: ",".join(body) or "empty",
)
def test_malformed_schedule_is_refused(ben, client_profile, body):
    _schedule_refused(ben, body if not body else {**schedule_body(client_profile), **body})


def test_series_beyond_the_calendar_is_refused_not_a_server_error(ben, client_profile):
    body = schedule_body(
        client_profile, starts_at="2027-01-01T09:00", ends_at="2999-01-01T09:00", repeat=52
    )
    assert "repeat" in _schedule_refused(ben, body)


@pytest.mark.parametrize("title", ["", "   ", "\t\n", "x" * 201, 7, None, "a\x00b"])
def test_bad_homework_title_is_refused(ben, client_profile, session, title):
    homework = [{"title": "Walk"}, {"title": title}]
    errors = _schedule_refused(ben, schedule_body(client_profile, homework=homework))
    assert list(errors) == ["homework[1].title"]  # the item's path, as a client names it
    before = row_counts()
    response = post(ben, f"/sessions/{session.uuid}/assignments/", {"title": title})
    assert "title" in invalid_fields(response)
    assert row_counts() == before


def test_longest_title_and_padded_title(ben, session):
    response = post(ben, f"/sessions/{session.uuid}/assignments/", {"title": "x" * 200})
    assert response.status_code == 201
    response = post(ben, f"/sessions/{session.uuid}/assignments/", {"title": "  Walk  "})
    assert response.json()["title"] == "Walk"


@pytest.mark.parametrize(("length", "status"), [(5000, 201), (5001, 400)])
def test_message_length(ben, session, length, status):
    before = row_counts()
    response = post(ben, f"/sessions/{session.uuid}/messages/", {"body": "m" * length})
    assert response.status_code == status
    if status == 400:
        assert "body" in invalid_fields(response)
        assert row_counts() == before


@pytest.mark.parametrize(("length", "status"), [(20000, 200), (20001, 400)])
def test_response_length(chloe, session, length, status):
    assignment = session.assignments.order_by("pk").first()
    response = post(chloe, f"/assignments/{assignment.uuid}/submit/", {"response": "r" * length})
    assert response.status_code == status
    assignment.refresh_from_db()
    assert assignment.is_completed is (status == 200)


@pytest.mark.parametrize("body", [{}, {"body": ""}, {"body": "  "}, {"body": 5}, {"body": ["x"]}])
def test_empty_message_is_refused(ben, session, body):
    before = row_counts()
    assert post(ben, f"/sessions/{session.uuid}/messages/", body).status_code == 400
    assert row_counts() == before


def test_body_that_is_not_json_is_400(ben, session):
    response = ben.post(
        f"{API}/sessions/{session.uuid}/messages/", "{not json", content_type="application/json"
    )
    body = problem_of(response, 400)
    assert body["code"] == "parse_error"
    assert body["errors"] == [{"field": None, "code": "parse_error", "message": body["detail"]}]


def test_form_encoded_body_is_415(ben, session):
    response = ben.post(f"{API}/sessions/{session.uuid}/messages/", {"body": "Hi"})
    assert problem_of(response, 415)["code"] == "unsupported_media_type"


# --- homework, feedback, messages ------------------------------------------------------------


def test_homework_added_is_due_at_the_sessions_end_by_default(ben, session, provider):
    response = post(ben, f"/sessions/{session.uuid}/assignments/", {"title": "Read"})
    assert response.status_code == 201
    body = response.json()
    assert body["due_at"] == timezone.localtime(session.ends_at, session.clinic.tzinfo).isoformat()
    assert body["created_by"] == {"id": str(provider.uuid), "name": "Ben Provider"}
    assert (body["status"], body["feedback"]) == ("assigned", [])


def test_client_edits_answer_until_feedback(ben, chloe, session, client_profile):
    assignment = session.assignments.order_by("pk").first()
    url = f"/assignments/{assignment.uuid}/submit/"
    assert post(chloe, url, {"response": "First"}).json()["response"] == "First"
    assert post(chloe, url, {"response": "Second"}).json()["status"] == "completed"
    feedback = post(ben, f"/assignments/{assignment.uuid}/feedback/", {"body": "Good."})
    assert feedback.status_code == 201
    refused = post(chloe, url, {"response": "Third"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "feedback_given"
    assignment.refresh_from_db()
    assert assignment.response == "Second"


def test_several_feedback_per_assignment(ben, session, client_profile, clinic_admin):
    assignment = submitted(session, client_profile)
    post(ben, f"/assignments/{assignment.uuid}/feedback/", {"body": "One"})
    post(
        token_client(clinic_admin.user),
        f"/assignments/{assignment.uuid}/feedback/",
        {"body": "Two"},
    )
    detail = ben.get(f"{API}/sessions/{session.uuid}/").json()
    assert [f["body"] for f in detail["assignments"][0]["feedback"]] == ["One", "Two"]


def test_feedback_on_unsubmitted_homework_is_refused(ben, session):
    assignment = session.assignments.order_by("pk").first()
    before = row_counts()
    response = post(ben, f"/assignments/{assignment.uuid}/feedback/", {"body": "Early"})
    assert "body" in invalid_fields(response)
    assert row_counts() == before


def test_message_thread(ben, chloe, session, client_profile, provider):
    post(chloe, f"/sessions/{session.uuid}/messages/", {"body": "Hello"})
    reply = post(ben, f"/sessions/{session.uuid}/messages/", {"body": "Hi Chloe"})
    assert reply.json()["author"] == {
        "id": str(provider.uuid),
        "name": "Ben Provider",
        "role": "provider",
    }
    thread = chloe.get(f"{API}/sessions/{session.uuid}/messages/").json()
    assert [m["body"] for m in thread["results"]] == ["Hello", "Hi Chloe"]
    assert thread["count"] == 2


# --- closing ---------------------------------------------------------------------------------


def test_close_a_ready_session(ben, session, client_profile, provider):
    complete(session, client=client_profile, provider=provider)
    response = post(ben, f"/sessions/{session.uuid}/close/", {})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["timing"]) == ("closed", "closed")
    assert body["closed_by"] == {"id": str(provider.uuid), "name": "Ben Provider"}
    assert body["closed_at"]


def test_closing_an_unready_session_lists_the_unfinished_homework(ben, session, client_profile):
    submitted(session, client_profile)  # completed, but no feedback yet
    response = post(ben, f"/sessions/{session.uuid}/close/", {})
    body = problem_of(response, 409)
    assert body["code"] == "not_ready"
    assert body["detail"]
    assert sorted(body["unfinished"]) == sorted(str(a.uuid) for a in session.assignments.all())
    session.refresh_from_db()
    assert session.is_open


@pytest.mark.parametrize("note", [None, "", "   "])
def test_forcing_a_close_needs_a_note(ben, session, note):
    body = {"force": True} if note is None else {"force": True, "note": note}
    before = row_counts()
    response = post(ben, f"/sessions/{session.uuid}/close/", body)
    assert "note" in invalid_fields(response)
    assert row_counts() == before
    session.refresh_from_db()
    assert session.is_open


def test_forced_close_keeps_the_note(ben, session):
    response = post(
        ben, f"/sessions/{session.uuid}/close/", {"force": True, "note": "Client moved away."}
    )
    assert response.status_code == 200
    assert response.json()["close_note"] == "Client moved away."
    session.refresh_from_db()
    assert (session.status, session.close_note) == ("closed", "Client moved away.")


def test_closing_twice_is_409_already_closed(ben, session):
    post(ben, f"/sessions/{session.uuid}/close/", {"force": True, "note": "Done."})
    response = post(ben, f"/sessions/{session.uuid}/close/", {"force": True, "note": "Again."})
    assert problem_of(response, 409)["code"] == "already_closed"
    session.refresh_from_db()
    assert session.close_note == "Done."


@pytest.mark.parametrize("force", ["true", 1, "yes"])
def test_force_must_be_a_boolean(ben, session, force):
    response = post(ben, f"/sessions/{session.uuid}/close/", {"force": force, "note": "x"})
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.is_open


def test_closed_session_is_read_only_for_every_write(ben, chloe, session, client_profile):
    assignment = submitted(session, client_profile)
    services.session_close(
        actor=session.provider.user, session=session, force=True, note="Closed early."
    )
    before = row_counts()
    writes = [
        (ben, f"/sessions/{session.uuid}/assignments/", {"title": "More"}, "session_closed"),
        (ben, f"/assignments/{assignment.uuid}/feedback/", {"body": "Late"}, "session_closed"),
        (chloe, f"/assignments/{assignment.uuid}/submit/", {"response": "Edit"}, "session_closed"),
        (ben, f"/sessions/{session.uuid}/messages/", {"body": "Hi"}, "session_closed"),
        (chloe, f"/sessions/{session.uuid}/messages/", {"body": "Hi"}, "session_closed"),
        (ben, f"/sessions/{session.uuid}/close/", {"force": True, "note": "x"}, "already_closed"),
    ]
    for caller, path, body, code in writes:
        response = post(caller, path, body)
        assert response.status_code == 409, path
        assert response.json()["code"] == code
    assert row_counts() == before
    # Still readable by everyone who could read it.
    assert ben.get(f"{API}/sessions/{session.uuid}/").status_code == 200
    assert chloe.get(f"{API}/sessions/{session.uuid}/messages/").status_code == 200


def test_closing_leaves_the_clients_other_sessions_open(ben, session, client_profile, clinic_admin):
    [later] = schedule(by=clinic_admin, client=client_profile, start=session.ends_at)
    post(ben, f"/sessions/{session.uuid}/close/", {"force": True, "note": "x"})
    assert ben.get(f"{API}/sessions/{later.uuid}/").json()["status"] == "open"

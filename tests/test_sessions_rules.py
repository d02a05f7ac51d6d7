"""Every rule of DESIGN.md section 4, at the service level."""

import datetime as dt
import itertools
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sessions_app import services
from sessions_app.models import Assignment, Feedback, Message, Session

from .factories import ClientFactory
from .sessions_helpers import complete, schedule

NY = zoneinfo.ZoneInfo("America/New_York")


def counts():
    return (
        Session.objects.count(),
        Assignment.objects.count(),
        Feedback.objects.count(),
        Message.objects.count(),
    )


# Rule 1: who may schedule, for whom, held by whom.


def test_provider_schedules_for_team_client_held_by_themselves(provider, client_profile):
    [session] = schedule(by=provider, client=client_profile)
    assert session.provider == provider
    assert session.created_by == provider
    assert session.clinic == client_profile.clinic


def test_provider_schedules_held_by_another_team_member(clinic_admin, provider, client_profile):
    [session] = schedule(by=clinic_admin, client=client_profile, provider=provider)
    assert session.provider == provider
    assert session.created_by == clinic_admin


def test_cannot_schedule_held_by_provider_off_the_team(
    clinic_admin, off_team_provider, client_profile
):
    before = counts()
    with pytest.raises(ValidationError) as error:
        schedule(by=clinic_admin, client=client_profile, provider=off_team_provider)
    assert "provider" in error.value.message_dict
    assert counts() == before


def test_cannot_schedule_for_client_off_my_team(off_team_provider, client_profile):
    before = counts()
    with pytest.raises(ValidationError) as error:
        schedule(by=off_team_provider, client=client_profile)
    assert "client" in error.value.message_dict
    assert counts() == before


def test_cannot_schedule_for_another_clinics_client(provider, other_clinic_client):
    with pytest.raises(ValidationError) as error:
        schedule(by=provider, client=other_clinic_client)
    assert "client" in error.value.message_dict
    assert Session.objects.count() == 0


def test_cannot_schedule_held_by_another_clinics_provider(
    provider, client_profile, other_clinic_provider
):
    with pytest.raises(ValidationError) as error:
        schedule(by=provider, client=client_profile, provider=other_clinic_provider)
    assert "provider" in error.value.message_dict
    assert Session.objects.count() == 0


def test_client_cannot_schedule(client_profile):
    with pytest.raises(PermissionDenied):
        services.session_schedule(
            actor=client_profile.user,
            client=client_profile,
            starts_at=timezone.now(),
            ends_at=timezone.now() + dt.timedelta(hours=1),
        )


# Rule 2: series.


def test_series_sessions_chain_and_share_one_series(provider, client_profile):
    start = timezone.now()
    sessions = schedule(by=provider, client=client_profile, start=start, repeat=4)
    assert [s.sequence for s in sessions] == [1, 2, 3, 4]
    assert len({s.series_id for s in sessions}) == 1
    for earlier, later in itertools.pairwise(sessions):
        assert later.starts_at == earlier.ends_at
        assert later.duration == sessions[0].duration


def test_series_across_march_dst_change_keeps_9am_local(provider, client_profile):
    # 2027-03-14 is the US spring-forward day: Monday 09:00 must stay Monday 09:00.
    start = dt.datetime(2027, 3, 1, 9, 0, tzinfo=NY)
    sessions = schedule(
        by=provider, client=client_profile, start=start, length=dt.timedelta(days=7), repeat=4
    )
    local_starts = [timezone.localtime(s.starts_at, NY) for s in sessions]
    assert [(t.weekday(), t.hour, t.minute) for t in local_starts] == [(0, 9, 0)] * 4
    assert [t.day for t in local_starts] == [1, 8, 15, 22]
    # The week that contains the change is an hour shorter in absolute time.
    assert sessions[1].duration == dt.timedelta(days=7, hours=-1)
    assert sessions[2].starts_at == sessions[1].ends_at


def test_series_across_november_dst_change_keeps_9am_local(provider, client_profile):
    start = dt.datetime(2027, 10, 25, 9, 0, tzinfo=NY)
    sessions = schedule(by=provider, client=client_profile, start=start, repeat=3)
    assert [timezone.localtime(s.starts_at, NY).hour for s in sessions] == [9, 9, 9]
    assert sessions[1].duration == dt.timedelta(days=7, hours=1)


def test_52_sessions_accepted(provider, client_profile):
    sessions = schedule(by=provider, client=client_profile, repeat=52)
    assert len(sessions) == 52
    assert Session.objects.filter(series_id=sessions[0].series_id).count() == 52


@pytest.mark.parametrize("repeat", [0, 53, -1])
def test_repeat_outside_1_to_52_refused(provider, client_profile, repeat):
    with pytest.raises(ValidationError) as error:
        schedule(by=provider, client=client_profile, repeat=repeat)
    assert "between 1 and 52" in str(error.value.message_dict["repeat"])
    assert Session.objects.count() == 0


def test_end_before_start_refused(provider, client_profile):
    with pytest.raises(ValidationError) as error:
        schedule(by=provider, client=client_profile, length=dt.timedelta(hours=-1))
    assert "end after it starts" in str(error.value.message_dict["ends_at"])
    assert Session.objects.count() == 0


def test_series_is_all_or_nothing(provider, client_profile, monkeypatch):
    original_save = Session.save
    saved = []

    def failing_save(self, *args, **kwargs):
        if len(saved) == 2:
            raise RuntimeError("disk full")
        saved.append(self)
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Session, "save", failing_save)
    with pytest.raises(RuntimeError):
        schedule(by=provider, client=client_profile, repeat=5, homework=["Journal"])
    assert counts() == (0, 0, 0, 0)


# Rule 3: homework given while scheduling.


def test_homework_copied_to_every_session_by_default(provider, client_profile):
    sessions = schedule(by=provider, client=client_profile, repeat=3, homework=["A", "B"])
    for session in sessions:
        assignments = list(session.assignments.all())
        assert [a.title for a in assignments] == ["A", "B"]
        assert all(a.due_at == session.ends_at for a in assignments)


def test_homework_to_first_session_only(provider, client_profile):
    sessions = schedule(
        by=provider,
        client=client_profile,
        repeat=3,
        homework=["A"],
        applies_to=services.HOMEWORK_FOR_FIRST,
    )
    assert [s.assignments.count() for s in sessions] == [1, 0, 0]


def test_homework_copies_are_independent(provider, client_profile):
    first, second = schedule(by=provider, client=client_profile, repeat=2, homework=["A"])
    a1, a2 = first.assignments.get(), second.assignments.get()
    assert a1.pk != a2.pk
    services.assignment_submit(actor=client_profile.user, assignment=a1, response="Mine")
    a2.refresh_from_db()
    assert a2.response == "" and a2.submitted_at is None


def test_given_due_time_moves_with_each_session(provider, client_profile):
    start = dt.datetime(2027, 3, 1, 9, 0, tzinfo=NY)
    due = dt.datetime(2027, 3, 3, 18, 0, tzinfo=NY)  # Wednesday 18:00
    sessions = services.session_schedule(
        actor=provider.user,
        client=client_profile,
        starts_at=start,
        ends_at=start + dt.timedelta(days=7),
        repeat=3,
        homework=[services.HomeworkSpec(title="A", due_at=due)],
    )
    dues = [timezone.localtime(s.assignments.get().due_at, NY) for s in sessions]
    assert [(d.weekday(), d.hour) for d in dues] == [(2, 18)] * 3
    assert [d.day for d in dues] == [3, 10, 17]


def test_naive_times_are_read_in_the_clinic_time_zone(provider, client_profile):
    [session] = services.session_schedule(
        actor=provider.user,
        client=client_profile,
        starts_at=dt.datetime(2027, 1, 4, 9, 0),
        ends_at=dt.datetime(2027, 1, 4, 10, 0),
    )
    assert session.starts_at == dt.datetime(2027, 1, 4, 14, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("title", "message"), [("", "cannot be empty"), ("   ", "cannot be empty"), ("x" * 201, "long")]
)
def test_bad_homework_title_refused(provider, client_profile, title, message):
    with pytest.raises(ValidationError) as error:
        schedule(by=provider, client=client_profile, homework=["Fine", title])
    assert message in str(error.value)
    assert counts() == (0, 0, 0, 0)


def test_a_too_long_text_says_its_length_and_the_limit_as_numbers_are_written(session):
    [assignment] = [
        services.assignment_add(actor=session.provider.user, session=session, title="A")
    ]
    with pytest.raises(ValidationError) as error:
        services.assignment_submit(
            actor=session.client.user, assignment=assignment, response="x" * 20_001
        )
    assert error.value.message_dict == {
        "response": ["Your answer is too long: 20,001 characters, at most 20,000."]
    }


# Rule 4: homework, feedback, messages; closed is read-only.


def test_any_team_provider_adds_homework(session, clinic_admin):
    assignment = services.assignment_add(actor=clinic_admin.user, session=session, title="Read")
    assert assignment.due_at == session.ends_at
    assert assignment.created_by == clinic_admin


def test_off_team_provider_cannot_add_homework(session, off_team_provider):
    with pytest.raises(PermissionDenied):
        services.assignment_add(actor=off_team_provider.user, session=session, title="Read")


def test_client_submits_and_edits_until_feedback(session, client_profile, provider):
    assignment = session.assignments.first()
    services.assignment_submit(actor=client_profile.user, assignment=assignment, response="v1")
    services.assignment_submit(actor=client_profile.user, assignment=assignment, response="v2")
    assignment.refresh_from_db()
    assert assignment.response == "v2"
    assert assignment.status == Assignment.Status.COMPLETED
    services.feedback_give(actor=provider.user, assignment=assignment, body="Good")
    with pytest.raises(services.FeedbackExists):
        services.assignment_submit(actor=client_profile.user, assignment=assignment, response="v3")
    assignment.refresh_from_db()
    assert assignment.response == "v2"


def test_another_client_cannot_submit(session, other_client):
    with pytest.raises(PermissionDenied):
        services.assignment_submit(
            actor=other_client.user, assignment=session.assignments.first(), response="x"
        )


def test_provider_cannot_submit_homework(session, provider):
    with pytest.raises(PermissionDenied):
        services.assignment_submit(
            actor=provider.user, assignment=session.assignments.first(), response="x"
        )


def test_feedback_on_unsubmitted_homework_refused(session, provider):
    with pytest.raises(ValidationError) as error:
        services.feedback_give(
            actor=provider.user, assignment=session.assignments.first(), body="Hi"
        )
    assert "not submitted" in str(error.value)
    assert Feedback.objects.count() == 0


def test_several_feedback_per_assignment(session, client_profile, provider, clinic_admin):
    assignment = session.assignments.first()
    services.assignment_submit(actor=client_profile.user, assignment=assignment, response="x")
    services.feedback_give(actor=provider.user, assignment=assignment, body="One")
    services.feedback_give(actor=clinic_admin.user, assignment=assignment, body="Two")
    assert [f.body for f in assignment.feedback.all()] == ["One", "Two"]


def test_client_cannot_give_feedback(session, client_profile):
    assignment = session.assignments.first()
    services.assignment_submit(actor=client_profile.user, assignment=assignment, response="x")
    with pytest.raises(PermissionDenied):
        services.feedback_give(actor=client_profile.user, assignment=assignment, body="Me")


def test_team_and_client_post_messages_in_order(session, client_profile, provider, clinic_admin):
    services.message_post(actor=client_profile.user, session=session, body="Hello")
    services.message_post(actor=provider.user, session=session, body="Hi Chloe")
    services.message_post(actor=clinic_admin.user, session=session, body="Welcome")
    thread = list(session.messages.with_authors())
    assert [m.body for m in thread] == ["Hello", "Hi Chloe", "Welcome"]
    assert [m.author_role for m in thread] == ["client", "provider", "provider"]


@pytest.mark.parametrize("who", ["off_team_provider", "other_clinic_provider", "other_client"])
def test_outsiders_cannot_post_messages(session, request, who):
    outsider = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.message_post(actor=outsider.user, session=session, body="Hi")
    assert Message.objects.count() == 0


def test_message_over_5000_characters_refused(session, client_profile):
    with pytest.raises(ValidationError) as error:
        services.message_post(actor=client_profile.user, session=session, body="x" * 5001)
    assert "at most 5,000" in str(error.value)
    services.message_post(actor=client_profile.user, session=session, body="x" * 5000)
    assert Message.objects.count() == 1


def test_response_over_20000_characters_refused(session, client_profile):
    assignment = session.assignments.first()
    with pytest.raises(ValidationError):
        services.assignment_submit(
            actor=client_profile.user, assignment=assignment, response="x" * 20001
        )
    assignment.refresh_from_db()
    assert assignment.submitted_at is None


def test_every_write_refused_on_closed_session(session, client_profile, provider):
    assignment = session.assignments.first()
    services.assignment_submit(actor=client_profile.user, assignment=assignment, response="x")
    services.session_close(actor=provider.user, session=session, force=True, note="Moved away")
    before = counts()
    writes = [
        lambda: services.assignment_add(actor=provider.user, session=session, title="More"),
        lambda: services.assignment_submit(
            actor=client_profile.user, assignment=assignment, response="edit"
        ),
        lambda: services.feedback_give(actor=provider.user, assignment=assignment, body="Late"),
        lambda: services.message_post(actor=client_profile.user, session=session, body="Hi"),
        lambda: services.message_post(actor=provider.user, session=session, body="Hi"),
    ]
    for write in writes:
        with pytest.raises(services.SessionClosed):
            write()
    assert counts() == before
    assignment.refresh_from_db()
    assert assignment.response == "x"


# Rule 5: closing.


def test_ready_session_closes(session, client_profile, provider, clinic_admin):
    complete(session, client=client_profile, provider=provider)
    assert services.ready_to_close(session)
    closed = services.session_close(actor=clinic_admin.user, session=session)
    session.refresh_from_db()
    assert session.status == Session.Status.CLOSED
    assert session.closed_by == clinic_admin
    assert session.closed_at is not None
    assert closed.timing == Session.Timing.CLOSED


def test_submitted_without_feedback_is_not_ready(session, client_profile):
    for assignment in session.assignments.all():
        services.assignment_submit(actor=client_profile.user, assignment=assignment, response="x")
    assert not services.ready_to_close(session)


def test_unready_session_refused_without_force(session, provider):
    with pytest.raises(services.NotReady) as error:
        services.session_close(actor=provider.user, session=session)
    assert set(error.value.unfinished) == {a.uuid for a in session.assignments.all()}
    session.refresh_from_db()
    assert session.status == Session.Status.OPEN


def test_force_without_note_refused(session, provider):
    with pytest.raises(ValidationError) as error:
        services.session_close(actor=provider.user, session=session, force=True, note="  ")
    assert "note" in error.value.message_dict
    session.refresh_from_db()
    assert session.status == Session.Status.OPEN


def test_force_with_note_closes_and_keeps_the_note(session, provider):
    services.session_close(
        actor=provider.user, session=session, force=True, note="Client moved away"
    )
    session.refresh_from_db()
    assert session.is_closed and session.close_note == "Client moved away"


def test_closing_twice_refused(session, provider, clinic_admin):
    services.session_close(actor=provider.user, session=session, force=True, note="Done")
    with pytest.raises(services.AlreadyClosed):
        services.session_close(actor=clinic_admin.user, session=session, force=True, note="x")
    session.refresh_from_db()
    assert session.closed_by == provider


@pytest.mark.parametrize("who", ["off_team_provider", "other_clinic_provider", "client_profile"])
def test_only_team_providers_close(session, request, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.session_close(actor=actor.user, session=session, force=True, note="x")
    session.refresh_from_db()
    assert session.status == Session.Status.OPEN


# Two providers closing at the same moment: tests/test_nothing_lost.py.


# Rule 6: schedule the next session.


def test_next_starts_at_previous_end_when_that_is_later(session, provider):
    proposal = services.session_next(
        actor=provider.user, session=session, now=session.ends_at - dt.timedelta(hours=1)
    )
    assert proposal.starts_at == session.ends_at
    assert proposal.ends_at - proposal.starts_at == session.duration
    assert proposal.client == session.client and proposal.provider == session.provider


def test_next_starts_now_when_previous_end_is_past(session, provider):
    now = session.ends_at + dt.timedelta(days=2, seconds=30)
    proposal = services.session_next(actor=provider.user, session=session, now=now)
    assert now <= proposal.starts_at < now + dt.timedelta(minutes=1)
    assert proposal.ends_at - proposal.starts_at == session.duration


# Rule 7: visibility.


def test_whole_team_sees_all_sessions_whoever_scheduled(
    session, clinic_admin, provider, client_profile
):
    for person in (clinic_admin, provider, client_profile):
        assert list(Session.objects.visible_to(person.user)) == [session]


@pytest.mark.parametrize("who", ["off_team_provider", "other_clinic_provider", "other_client"])
def test_outsiders_see_nothing(session, request, who):
    user = request.getfixturevalue(who).user
    assert not Session.objects.visible_to(user).exists()
    assert not Assignment.objects.visible_to(user).exists()
    assert not Message.objects.visible_to(user).exists()


def test_provider_removed_from_team_loses_access_at_once(session, provider, client_profile):
    assert Session.objects.visible_to(provider.user).exists()
    client_profile.memberships.filter(provider=provider).delete()
    assert not Session.objects.visible_to(provider.user).exists()
    with pytest.raises(PermissionDenied):
        services.message_post(actor=provider.user, session=session, body="Still here?")


def test_client_sees_only_their_own(session, client_profile, provider, clinic):
    someone = ClientFactory(clinic=clinic, care_team=[provider])
    schedule(by=provider, client=someone)
    assert list(Session.objects.visible_to(client_profile.user)) == [session]


# Unread counts.


def test_unread_counts_follow_reading(session, client_profile, provider):
    services.message_post(actor=client_profile.user, session=session, body="One")
    services.message_post(actor=client_profile.user, session=session, body="Two")

    def unread(user):
        return Session.objects.with_counts(user).get(pk=session.pk).unread

    assert unread(provider.user) == 2
    assert unread(client_profile.user) == 0
    services.session_mark_read(user=provider.user, session=session)
    assert unread(provider.user) == 0
    services.message_post(actor=provider.user, session=session, body="Reply")
    assert unread(client_profile.user) == 1
    assert unread(provider.user) == 0

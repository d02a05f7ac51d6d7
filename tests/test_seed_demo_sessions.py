"""`manage.py seed_demo` gives the demo clients a few weeks of sessions (DESIGN.md 7)."""

import datetime as dt
import itertools
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from clinic.models import Client, User
from sessions_app.demo import _monday_nine
from sessions_app.models import (
    Assignment,
    Feedback,
    Message,
    QuestionnaireResponse,
    Session,
    SessionChange,
)

from .rows import row_counts
from .sessions_helpers import schedule

# The demo's accounts are for `make run`, which runs without the two-factor requirement.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_not_required")]

# client: (who holds the sessions, who scheduled them)
SERIES = {
    "chloe@northside.example": ("ben@northside.example", "ava@northside.example"),
    "dylan@northside.example": ("ava@northside.example", "ava@northside.example"),
    "erin@riverside.example": ("dan@riverside.example", "dan@riverside.example"),
}


# The demo's one cancelled session is dylan's last; erin's next session's meeting was moved;
# chloe's care runs in two series, numbered on from the first.
CANCELLED_FOR = "dylan@northside.example"
CHANGED_FOR = "erin@riverside.example"
# chloe's first series is eight weeks long: her weekly questionnaires (DESIGN.md section 12).
SERIES_LENGTHS = {"chloe@northside.example": [8, 3]}


def seed():
    call_command("seed_demo", stdout=StringIO())


def sessions_of(email):
    return list(
        Session.objects.filter(client__user__email=email)
        .select_related("clinic", "provider__user", "created_by__user")
        .prefetch_related("assignments__feedback", "messages__author")
        .order_by("starts_at")
    )


def by_timing(sessions):
    now = timezone.now()
    grouped = {}
    for session in sessions:
        grouped.setdefault(session.timing_at(now), []).append(session)
    return grouped


@pytest.mark.parametrize("email", SERIES)
def test_each_demo_client_has_closed_current_and_upcoming_sessions(email):
    seed()
    grouped = by_timing(sessions_of(email))
    assert set(grouped) == {
        Session.Timing.CLOSED,
        Session.Timing.IN_PROGRESS,
        Session.Timing.UPCOMING,
        *([Session.Timing.CANCELLED] if email == CANCELLED_FOR else []),
    }
    assert len(grouped[Session.Timing.CLOSED]) >= 2
    assert len(grouped[Session.Timing.IN_PROGRESS]) == 1
    assert len(grouped[Session.Timing.UPCOMING]) >= 1


@pytest.mark.parametrize(("email", "people"), SERIES.items())
def test_demo_sessions_are_held_and_scheduled_by_the_care_team(email, people):
    seed()
    holder, scheduler = people
    for session in sessions_of(email):
        assert session.provider.user.email == holder
        assert session.created_by.user.email == scheduler


@pytest.mark.parametrize("email", SERIES)
def test_demo_series_is_weekly_from_monday_nine_on_the_clinics_clock(email):
    seed()
    sessions = sessions_of(email)
    lengths = SERIES_LENGTHS.get(email, [len(sessions)])
    series = [s.series_id for s in sessions]
    assert [len(list(group)) for _, group in itertools.groupby(series)] == lengths
    assert len(set(series)) == len(lengths)
    assert [s.sequence for s in sessions] == [n for k in lengths for n in range(1, k + 1)]
    # Numbers continue across series.
    assert [s.number for s in sessions] == list(range(1, len(sessions) + 1))
    for session in sessions:
        local = timezone.localtime(session.starts_at, session.clinic.tzinfo)
        assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)
    for earlier, later in itertools.pairwise(sessions):
        assert later.starts_at == earlier.ends_at
        tz = later.clinic.tzinfo
        days = timezone.localtime(later.starts_at, tz) - timezone.localtime(earlier.starts_at, tz)
        assert days.days == 7
    # A few weeks back.
    assert timezone.now() - sessions[0].starts_at > dt.timedelta(weeks=2)


@pytest.mark.parametrize("email", SERIES)
def test_closed_demo_sessions_have_completed_homework_feedback_and_messages(email):
    seed()
    for session in by_timing(sessions_of(email))[Session.Timing.CLOSED]:
        assignments = list(session.assignments.all())
        assert assignments
        for assignment in assignments:
            assert assignment.is_completed
            assert assignment.feedback.all()
            # Answered within its own week, not on the day the demo was seeded.
            assert session.starts_at < assignment.submitted_at < session.ends_at
        assert len(session.messages.all()) >= 2
        assert {m.author.role for m in session.messages.all()} == {"client", "provider"}
        assert not session.close_note  # ready to close: no note needed
        assert session.starts_at < session.closed_at <= session.ends_at


@pytest.mark.parametrize("email", SERIES)
def test_current_demo_session_has_mixed_homework_and_messages(email):
    seed()
    [current] = by_timing(sessions_of(email))[Session.Timing.IN_PROGRESS]
    states = sorted((a.is_completed, bool(a.feedback.all())) for a in current.assignments.all())
    # Not done; submitted without feedback; submitted with feedback.
    assert states == [(False, False), (True, False), (True, True)]
    assert len(current.messages.all()) >= 2


@pytest.mark.parametrize("email", SERIES)
def test_upcoming_demo_sessions_have_homework_to_do(email):
    seed()
    for session in by_timing(sessions_of(email))[Session.Timing.UPCOMING]:
        assignments = list(session.assignments.all())
        assert assignments
        assert not any(a.is_completed for a in assignments)
        assert not session.messages.all()


def test_demo_provider_dashboard_shows_the_current_work(client):
    seed()
    client.force_login(User.objects.get(email="ben@northside.example"))
    response = client.get("/provider/")
    [current] = by_timing(sessions_of("chloe@northside.example"))[Session.Timing.IN_PROGRESS]
    assert [s.pk for s in response.context["in_progress"].rows] == [current.pk]
    assert [a.session_id for a in response.context["waiting"].rows] == [current.pk]
    # The client's last message is unread; the past threads were read.
    assert [s.pk for s in response.context["unread"].rows] == [current.pk]


def test_cara_and_other_clinics_see_no_demo_sessions_of_northside():
    seed()
    cara = User.objects.get(email="cara@northside.example")
    dan = User.objects.get(email="dan@riverside.example")
    assert not Session.objects.visible_to(cara).exists()
    assert set(Session.objects.visible_to(dan).values_list("client__user__email", flat=True)) == {
        "erin@riverside.example"
    }


def test_running_seed_demo_twice_creates_no_more_sessions_or_anything_else():
    seed()
    first = row_counts()
    # Six each, and chloe's first series five weeks longer.
    assert first["sessions_app.Session"] == 3 * 6 + 5
    for model in ("Assignment", "Feedback", "Message", "ReadPosition", "QuestionnaireResponse"):
        assert first[f"sessions_app.{model}"] > 0, model
    seed()
    assert row_counts() == first


def test_a_demo_client_who_already_has_sessions_is_left_alone():
    seed()
    dylan = Client.objects.get(user__email="dylan@northside.example")
    # Start dylan over with a single session of his own.
    SessionChange.objects.filter(session__client=dylan).delete()
    Feedback.objects.filter(assignment__session__client=dylan).delete()
    Message.objects.filter(session__client=dylan).delete()
    QuestionnaireResponse.objects.filter(client=dylan).delete()
    Assignment.objects.filter(session__client=dylan).delete()
    Session.objects.filter(client=dylan).delete()
    [own] = schedule(by=dylan.care_team.get(), client=dylan)
    before = row_counts()
    seed()
    assert row_counts() == before
    assert list(Session.objects.filter(client=dylan)) == [own]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Monday 08:00 New York: the week began last Monday at 09:00.
        (dt.datetime(2025, 3, 10, 8, 0), dt.datetime(2025, 3, 3, 9, 0)),
        (dt.datetime(2025, 3, 10, 9, 0), dt.datetime(2025, 3, 10, 9, 0)),
        (dt.datetime(2025, 3, 16, 23, 59), dt.datetime(2025, 3, 10, 9, 0)),
    ],
)
def test_current_demo_session_is_in_progress_whatever_the_hour_it_is_seeded(now, expected):
    tz = zoneinfo.ZoneInfo("America/New_York")
    start = _monday_nine(now.replace(tzinfo=tz), tz)
    assert start == expected.replace(tzinfo=tz)


# --- meetings, a change, a cancellation (DESIGN.md section 9) -------------------------------


@pytest.mark.parametrize("email", SERIES)
def test_every_demo_session_has_a_meeting_on_the_same_weekday_and_hour(email):
    seed()
    sessions = sessions_of(email)
    kept = [s for s in sessions if not (email == CHANGED_FOR and s.changes.exists())]
    times = set()
    for session in sessions:
        assert session.has_meeting
        assert session.starts_at <= session.meeting_starts_at < session.ends_at
        assert session.meeting_minutes == 50
        assert session.meeting_place or session.meeting_video_url
        assert not session.meeting_video_url or session.meeting_video_url.startswith("https://")
    for session in kept:
        local = timezone.localtime(session.meeting_starts_at, session.clinic.tzinfo)
        times.add((local.weekday(), local.hour, local.minute))
    assert len(times) == 1


def test_the_demo_has_meetings_in_a_room_and_by_video():
    seed()
    sessions = Session.objects.all()
    assert sessions.filter(meeting_place="Room 2").exists()
    assert sessions.filter(meeting_place="", meeting_video_url__startswith="https://").exists()
    assert sessions.exclude(meeting_place="").exclude(meeting_video_url="").exists()


def test_the_demo_has_one_cancelled_session_with_its_reason_and_history():
    seed()
    [cancelled] = Session.objects.filter(status=Session.Status.CANCELLED)
    assert cancelled.client.user.email == CANCELLED_FOR
    assert cancelled.cancel_reason
    assert cancelled.cancelled_by.user.email == "ava@northside.example"
    assert cancelled.starts_at > timezone.now()
    assert cancelled.number == 6  # the last of dylan's
    [change] = cancelled.changes.all()
    assert change.kind == SessionChange.Kind.CANCEL
    assert change.reason == cancelled.cancel_reason


def test_the_demo_has_one_changed_session_with_its_history():
    seed()
    [change] = SessionChange.objects.filter(kind=SessionChange.Kind.CHANGE)
    session = change.session
    assert session.client.user.email == CHANGED_FOR
    assert session.timing_at(timezone.now()) == Session.Timing.UPCOMING
    assert change.changed_by.user.email == "dan@riverside.example"
    assert set(change.fields) >= {"meeting_starts_at", "meeting_place"}
    local = timezone.localtime(session.meeting_starts_at, session.clinic.tzinfo)
    assert (local.weekday(), local.hour) == (3, 15)
    assert session.meeting_place == ""
    # Only that session moved: the one after keeps the series' Wednesday.
    following = Session.objects.get(series_id=session.series_id, sequence=session.sequence + 1)
    local = timezone.localtime(following.meeting_starts_at, following.clinic.tzinfo)
    assert (local.weekday(), local.hour) == (2, 11)
    assert following.meeting_place == "Room 1"


def test_demo_sessions_of_a_client_never_overlap():
    seed()
    for email in SERIES:
        sessions = [s for s in sessions_of(email) if s.status != Session.Status.CANCELLED]
        for earlier, later in itertools.pairwise(sessions):
            assert earlier.ends_at <= later.starts_at


def test_the_cancelled_demo_session_is_not_on_dylans_to_do(client):
    seed()
    client.force_login(User.objects.get(email=CANCELLED_FOR))
    response = client.get("/portal/")
    [cancelled] = Session.objects.filter(status=Session.Status.CANCELLED)
    assert str(cancelled.uuid) not in response.content.decode()
    listed = client.get("/portal/sessions/").content.decode()
    assert str(cancelled.uuid) in listed

"""Every rule of DESIGN.md section 9 (tracker issue 14), at the service level: numbers,
meetings, changes, cancellations, no double booking, schedule next, homework times."""

import datetime as dt
import threading
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from sessions_app import services
from sessions_app.models import Session, SessionChange

from .rows import row_counts
from .sessions_helpers import after, before, schedule

WEEK = dt.timedelta(weeks=1)
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
NY = zoneinfo.ZoneInfo("America/New_York")

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint: PostgreSQL only"
)


def local(moment, tz):
    """`moment` on the wall clock of `tz`, without its zone: what a clinician reads."""
    return timezone.localtime(moment, tz).replace(tzinfo=None)


def fields_of(session):
    """Everything a change or a cancellation could touch, as stored."""
    session = Session.objects.get(pk=session.pk)
    return {
        name: getattr(session, name)
        for name in (
            "starts_at",
            "ends_at",
            "provider_id",
            "status",
            "number",
            "meeting_starts_at",
            "meeting_minutes",
            "meeting_place",
            "meeting_video_url",
            "cancelled_at",
            "cancel_reason",
        )
    }


def snapshot():
    """Row counts of the clinic's data and every session's fields: "nothing changed"."""
    return row_counts(), [fields_of(s) for s in Session.objects.order_by("pk")]


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


@pytest.fixture
def madrid(clinic):
    """The clinic on Madrid's clock (summer time ends on the last Sunday of October)."""
    clinic.time_zone = "Europe/Madrid"
    clinic.save(update_fields=["time_zone"])
    return clinic


@pytest.fixture
def weekly(provider, client_profile):
    """Four weekly sessions from Monday 5 April 2027, 09:00 in New York, each with a
    Tuesday 10:00 video meeting; all to come."""
    start = dt.datetime(2027, 4, 5, 9, 0, tzinfo=NY)
    return schedule(
        by=provider,
        client=client_profile,
        start=start,
        repeat=4,
        homework=["Journal"],
        meeting=services.MeetingSpec(
            starts_at=start + dt.timedelta(days=1, hours=1),
            place="Room 2",
            video_url="https://video.example.test/ben",
        ),
    )


# Rule 1: numbers and meetings.


def test_numbers_continue_across_series_and_start_at_1_for_each_client(
    provider, clinic_admin, client_profile, other_client
):
    start = dt.datetime(2027, 4, 5, 9, 0, tzinfo=NY)
    first = schedule(by=provider, client=client_profile, start=start, repeat=2)
    second = schedule(by=provider, client=client_profile, start=after(first[-1]), repeat=3)
    # Another provider's series for the same client continues the same count.
    third = schedule(by=clinic_admin, client=client_profile, start=after(second[-1]), repeat=1)
    others = schedule(by=provider, client=other_client, start=start, repeat=2)
    assert [s.number for s in first + second + third] == [1, 2, 3, 4, 5, 6]
    assert [s.sequence for s in second] == [1, 2, 3]  # the series still counts its own
    assert [s.number for s in others] == [1, 2]


def test_numbers_never_repeat_after_a_cancellation(provider, client_profile):
    start = dt.datetime(2027, 4, 5, 9, 0, tzinfo=NY)
    _first, second = schedule(by=provider, client=client_profile, start=start, repeat=2)
    services.session_cancel(actor=provider.user, session=second, reason="Moved away.")
    # The cancelled week is free again, but its number is not.
    [again] = schedule(by=provider, client=client_profile, start=second.starts_at)
    assert again.number == 3
    numbers = list(Session.objects.filter(client=client_profile).values_list("number", flat=True))
    assert sorted(numbers) == [1, 2, 3]


def test_a_session_is_named_by_its_number_and_dates(weekly):
    assert services.session_name(weekly[1]) == "Session 2 (12 Apr 2027 to 19 Apr 2027)"


def test_a_series_copies_the_meeting_at_the_same_wall_clock_time_across_daylight_saving(
    madrid, provider, client_profile
):
    # Tuesdays from 20 October 2026, midnight in Madrid; summer time ends Sunday 25 October.
    start = dt.datetime(2026, 10, 20, 0, 0, tzinfo=MADRID)
    meeting = services.MeetingSpec(
        starts_at=dt.datetime(2026, 10, 20, 10, 0, tzinfo=MADRID),
        minutes=45,
        place="Room 1",
        video_url="https://video.example.test/room1",
    )
    sessions = schedule(by=provider, client=client_profile, start=start, repeat=3, meeting=meeting)
    assert [local(s.starts_at, MADRID) for s in sessions] == [
        dt.datetime(2026, 10, 20, 0, 0),
        dt.datetime(2026, 10, 27, 0, 0),
        dt.datetime(2026, 11, 3, 0, 0),
    ]
    assert [local(s.meeting_starts_at, MADRID) for s in sessions] == [
        dt.datetime(2026, 10, 20, 10, 0),
        dt.datetime(2026, 10, 27, 10, 0),
        dt.datetime(2026, 11, 3, 10, 0),
    ]
    # The same wall-clock hour is a different instant on either side of the change.
    assert [s.meeting_starts_at.astimezone(dt.UTC).hour for s in sessions] == [8, 9, 9]
    for session in sessions:
        session.refresh_from_db()
        assert session.has_meeting
        assert (session.meeting_minutes, session.meeting_place, session.meeting_video_url) == (
            45,
            "Room 1",
            "https://video.example.test/room1",
        )
        assert session.meeting_ends_at == session.meeting_starts_at + dt.timedelta(minutes=45)


def test_a_session_without_a_meeting_has_none(provider, client_profile):
    [session] = schedule(by=provider, client=client_profile)
    session.refresh_from_db()
    assert not session.has_meeting
    assert session.meeting_starts_at is None and session.meeting_minutes is None


@pytest.mark.parametrize(
    "meeting, field",
    [
        ({"offset": dt.timedelta(hours=-1)}, "meeting_starts_at"),  # before the period
        ({"offset": WEEK}, "meeting_starts_at"),  # at its end: outside
        ({"minutes": 9}, "meeting_minutes"),
        ({"minutes": 241}, "meeting_minutes"),
        ({"video_url": "http://video.example.test/ben"}, "meeting_video_url"),
        ({"video_url": "javascript:alert(1)"}, "meeting_video_url"),
        ({"place": "Room\x00 2"}, "meeting_place"),
        ({"place": "x" * 1000}, "meeting_place"),
    ],
)
def test_a_bad_meeting_is_refused_and_schedules_nothing(provider, client_profile, meeting, field):
    start = dt.datetime(2027, 4, 5, 9, 0, tzinfo=NY)
    spec = {"starts_at": start + meeting.pop("offset", dt.timedelta(hours=1))} | meeting
    before_ = snapshot()
    with pytest.raises(ValidationError) as refused:
        schedule(by=provider, client=client_profile, start=start, repeat=3, meeting=spec)
    assert field in refused.value.message_dict
    assert snapshot() == before_


def test_a_meeting_may_last_10_to_240_minutes(provider, client_profile):
    start = dt.datetime(2027, 4, 5, 9, 0, tzinfo=NY)
    for index, minutes in enumerate((10, 240)):
        [session] = schedule(
            by=provider,
            client=client_profile,
            start=start + index * WEEK,
            meeting={"starts_at": start + index * WEEK, "minutes": minutes},
        )
        assert session.meeting_minutes == minutes


# Rule 2: changes.


def test_changing_this_session_moves_only_its_meeting_and_keeps_who_when_what(
    weekly, provider, clinic_admin
):
    third = weekly[2]
    old_meeting = third.meeting_starts_at
    wednesday = old_meeting + dt.timedelta(days=1, hours=1)  # Wednesday 11:00
    others = [fields_of(s) for s in weekly if s != third]
    started = timezone.now()
    changed = services.session_change(
        actor=clinic_admin.user,
        session=third,
        apply_to=services.APPLY_TO_THIS,
        meeting=services.MeetingSpec(starts_at=wednesday, minutes=60, place="Room 3"),
    )
    assert [s.pk for s in changed] == [third.pk]
    third.refresh_from_db()
    assert third.meeting_starts_at == wednesday
    assert (third.meeting_minutes, third.meeting_place, third.meeting_video_url) == (
        60,
        "Room 3",
        "",
    )
    assert [fields_of(s) for s in weekly if s != third] == others
    [change] = SessionChange.objects.filter(session=third)
    assert change.kind == SessionChange.Kind.CHANGE
    assert change.changed_by == clinic_admin
    assert started <= change.changed_at <= timezone.now()
    assert change.clinic_id == third.clinic_id
    assert change.fields == {
        "meeting_starts_at": [old_meeting.isoformat(), wednesday.isoformat()],
        "meeting_minutes": [50, 60],
        "meeting_place": ["Room 2", "Room 3"],
        "meeting_video_url": ["https://video.example.test/ben", ""],
    }
    [event] = events("session.change")
    assert (event.user_id, event.object_id) == (clinic_admin.user_id, str(third.uuid))
    assert not SessionChange.objects.exclude(session=third).exists()


def test_changing_this_and_following_shifts_the_later_sessions_by_the_same_wall_clock_amount(
    provider, client_profile
):
    # Saturdays at noon in New York from 30 October 2027; summer time ends Sunday 7 November.
    start = dt.datetime(2027, 10, 30, 12, 0, tzinfo=NY)
    sessions = schedule(
        by=provider,
        client=client_profile,
        start=start,
        repeat=4,
        homework=["Journal"],
        meeting={"starts_at": start + dt.timedelta(hours=2)},
    )
    first_before = fields_of(sessions[0])
    # Session 2 moves from Saturday 6 November (summer time) to Monday 8 November (winter):
    # two days on the wall clock, 49 hours in absolute time.
    changed = services.session_change(
        actor=provider.user,
        session=sessions[1],
        apply_to=services.APPLY_TO_FOLLOWING,
        starts_at=dt.datetime(2027, 11, 8, 12, 0, tzinfo=NY),
        ends_at=dt.datetime(2027, 11, 15, 12, 0, tzinfo=NY),
    )
    assert [s.number for s in changed] == [2, 3, 4]
    moved = [Session.objects.get(pk=s.pk) for s in sessions]
    assert fields_of(moved[0]) == first_before
    assert [local(s.starts_at, NY) for s in moved[1:]] == [
        dt.datetime(2027, 11, 8, 12, 0),
        dt.datetime(2027, 11, 15, 12, 0),
        dt.datetime(2027, 11, 22, 12, 0),
    ]
    assert [local(s.ends_at, NY) for s in moved[1:]] == [
        dt.datetime(2027, 11, 15, 12, 0),
        dt.datetime(2027, 11, 22, 12, 0),
        dt.datetime(2027, 11, 29, 12, 0),
    ]
    # The meetings move with their sessions: Monday 14:00, as they were Saturday 14:00.
    assert [local(s.meeting_starts_at, NY) for s in moved[1:]] == [
        dt.datetime(2027, 11, 8, 14, 0),
        dt.datetime(2027, 11, 15, 14, 0),
        dt.datetime(2027, 11, 22, 14, 0),
    ]
    # Homework stays inside its (moved) period.
    for session in moved:
        for assignment in session.assignments.all():
            assert session.starts_at < assignment.due_at <= session.ends_at
    assert SessionChange.objects.filter(session__in=moved[1:]).count() == 3
    assert not SessionChange.objects.filter(session=moved[0]).exists()
    assert {e.object_id for e in events("session.change")} == {str(s.uuid) for s in moved[1:]}
    change = SessionChange.objects.get(session=moved[2])
    assert change.fields["starts_at"] == [
        sessions[2].starts_at.isoformat(),
        moved[2].starts_at.isoformat(),
    ]


def test_changing_this_and_following_leaves_closed_sessions_of_the_series_untouched(
    weekly, provider, clinic_admin
):
    services.session_close(actor=provider.user, session=weekly[2], note="Seen early.", force=True)
    closed = fields_of(weekly[2])
    changed = services.session_change(
        actor=provider.user,
        session=weekly[1],
        apply_to=services.APPLY_TO_FOLLOWING,
        provider=clinic_admin,
    )
    assert [s.number for s in changed] == [2, 4]
    assert fields_of(weekly[2]) == closed
    holders = [Session.objects.get(pk=s.pk).provider_id for s in weekly]
    assert holders == [provider.pk, clinic_admin.pk, provider.pk, clinic_admin.pk]
    assert SessionChange.objects.get(session=weekly[1]).fields == {
        "provider": ["Ben Provider", "Ava Admin"]
    }
    assert not SessionChange.objects.filter(session=weekly[2]).exists()


def test_the_meeting_can_be_removed(weekly, provider):
    old = weekly[0].meeting_starts_at
    services.session_change(actor=provider.user, session=weekly[0], meeting=None)
    weekly[0].refresh_from_db()
    assert not weekly[0].has_meeting
    assert weekly[0].meeting_place == weekly[0].meeting_video_url == ""
    assert SessionChange.objects.get(session=weekly[0]).fields == {
        "meeting_starts_at": [old.isoformat(), None],
        "meeting_minutes": [50, None],
        "meeting_place": ["Room 2", ""],
        "meeting_video_url": ["https://video.example.test/ben", ""],
    }


def test_a_change_to_nothing_new_changes_nothing_and_writes_no_history(weekly, provider):
    before_ = snapshot()
    assert (
        services.session_change(
            actor=provider.user,
            session=weekly[0],
            apply_to=services.APPLY_TO_FOLLOWING,
            starts_at=weekly[0].starts_at,
            ends_at=weekly[0].ends_at,
            provider=provider,
        )
        == []
    )
    assert snapshot() == before_
    assert events("session.change") == []


def test_the_period_cannot_change_once_the_session_has_started(session, provider):
    before_ = snapshot()
    for change in (
        {"starts_at": session.starts_at + dt.timedelta(hours=1)},
        {"ends_at": session.ends_at + dt.timedelta(days=1)},
    ):
        with pytest.raises(ValidationError) as refused:
            services.session_change(actor=provider.user, session=session, **change)
        assert "starts_at" in refused.value.message_dict
    assert snapshot() == before_
    # Its meeting, place and link still can.
    meeting = {"starts_at": session.starts_at + dt.timedelta(days=2), "place": "Phone"}
    assert services.session_change(actor=provider.user, session=session, meeting=meeting)


def test_a_period_ending_before_it_starts_is_refused(weekly, provider):
    before_ = snapshot()
    with pytest.raises(ValidationError) as refused:
        services.session_change(actor=provider.user, session=weekly[0], ends_at=weekly[0].starts_at)
    assert "ends_at" in refused.value.message_dict
    assert snapshot() == before_


def test_a_moved_period_must_still_hold_the_meeting(weekly, provider):
    before_ = snapshot()
    with pytest.raises(ValidationError) as refused:
        # The end moves before Tuesday's meeting.
        services.session_change(
            actor=provider.user,
            session=weekly[0],
            ends_at=weekly[0].starts_at + dt.timedelta(hours=12),
        )
    assert "meeting_starts_at" in refused.value.message_dict
    assert snapshot() == before_


def test_the_holding_provider_must_be_on_the_care_team(
    weekly, provider, off_team_provider, other_clinic_provider
):
    before_ = snapshot()
    for holder in (off_team_provider, other_clinic_provider, None):
        with pytest.raises(ValidationError) as refused:
            services.session_change(actor=provider.user, session=weekly[0], provider=holder)
        assert "provider" in refused.value.message_dict
    assert snapshot() == before_


def test_only_the_care_team_may_change_or_cancel(weekly, off_team_provider, client_profile):
    before_ = snapshot()
    for actor in (off_team_provider.user, client_profile.user):
        with pytest.raises(PermissionDenied):
            services.session_change(actor=actor, session=weekly[0], meeting=None)
        with pytest.raises(PermissionDenied):
            services.session_cancel(actor=actor, session=weekly[0], reason="No.")
    assert snapshot() == before_


def test_apply_to_must_be_this_or_following(weekly, provider):
    before_ = snapshot()
    with pytest.raises(ValidationError) as refused:
        services.session_change(
            actor=provider.user, session=weekly[0], apply_to="all", meeting=None
        )
    assert "apply_to" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.session_cancel(actor=provider.user, session=weekly[0], reason="x", apply_to="")
    assert snapshot() == before_


def test_a_closed_session_cannot_be_changed_or_cancelled(weekly, provider):
    services.session_close(actor=provider.user, session=weekly[0], note="Done.", force=True)
    before_ = snapshot()
    with pytest.raises(services.SessionClosed):
        services.session_change(actor=provider.user, session=weekly[0], meeting=None)
    with pytest.raises(services.SessionClosed):
        services.session_cancel(actor=provider.user, session=weekly[0], reason="Too late.")
    assert snapshot() == before_


# Rule 3: cancellation.


def test_cancelling_one_session_keeps_the_reason_who_and_when(weekly, provider):
    started = timezone.now()
    cancelled = services.session_cancel(
        actor=provider.user, session=weekly[1], reason="  Client is ill.  "
    )
    assert [s.pk for s in cancelled] == [weekly[1].pk]
    statuses = [Session.objects.get(pk=s.pk).status for s in weekly]
    assert statuses == ["open", "cancelled", "open", "open"]
    session = Session.objects.get(pk=weekly[1].pk)
    assert session.is_cancelled
    assert session.cancelled_by == provider
    assert session.cancel_reason == "Client is ill."
    assert started <= session.cancelled_at <= timezone.now()
    [change] = SessionChange.objects.all()
    assert (change.session_id, change.kind, change.reason) == (
        session.pk,
        SessionChange.Kind.CANCEL,
        "Client is ill.",
    )
    assert change.changed_by == provider
    assert change.fields == {"status": ["open", "cancelled"]}
    [event] = events("session.cancel")
    assert (event.user_id, event.object_id) == (provider.user_id, str(session.uuid))


def test_cancelling_with_the_following_cancels_the_later_open_sessions_only(weekly, provider):
    services.session_close(actor=provider.user, session=weekly[2], note="Seen early.", force=True)
    cancelled = services.session_cancel(
        actor=provider.user,
        session=weekly[1],
        reason="The client moves abroad.",
        apply_to=services.APPLY_TO_FOLLOWING,
    )
    assert [s.number for s in cancelled] == [2, 4]
    statuses = [Session.objects.get(pk=s.pk).status for s in weekly]
    assert statuses == ["open", "cancelled", "closed", "cancelled"]
    assert SessionChange.objects.filter(kind=SessionChange.Kind.CANCEL).count() == 2
    assert len(events("session.cancel")) == 2


@pytest.mark.parametrize("reason", ["", "   ", None, "why\x00", "x" * 10_001])
def test_cancelling_needs_a_reason_and_a_bad_one_changes_nothing(weekly, provider, reason):
    before_ = snapshot()
    with pytest.raises(ValidationError) as refused:
        services.session_cancel(
            actor=provider.user,
            session=weekly[0],
            reason=reason,
            apply_to=services.APPLY_TO_FOLLOWING,
        )
    assert "reason" in refused.value.message_dict
    assert snapshot() == before_
    assert events("session.cancel") == []


def test_a_cancelled_session_is_read_only(session, client_profile, provider):
    journal, walk = session.assignments.order_by("pk")
    services.assignment_submit(actor=client_profile.user, assignment=walk, response="Walked.")
    services.session_cancel(actor=provider.user, session=session, reason="Double entry.")
    session.refresh_from_db()
    before_ = snapshot()
    refused = [
        lambda: services.assignment_add(actor=provider.user, session=session, title="More"),
        lambda: services.assignment_submit(
            actor=client_profile.user, assignment=journal, response="Dear diary"
        ),
        lambda: services.feedback_give(actor=provider.user, assignment=walk, body="Good."),
        lambda: services.message_post(actor=client_profile.user, session=session, body="Hi"),
        lambda: services.message_post(actor=provider.user, session=session, body="Hi"),
        lambda: services.session_close(actor=provider.user, session=session, force=True, note="x"),
        lambda: services.session_change(actor=provider.user, session=session, meeting=None),
        lambda: services.session_cancel(actor=provider.user, session=session, reason="Again."),
    ]
    for attempt in refused:
        with pytest.raises(services.SessionCancelled) as error:
            attempt()
        assert error.value.code == "session_cancelled"
    assert snapshot() == before_


def test_a_cancelled_session_is_left_out_of_overlap_checks(weekly, provider, client_profile):
    services.session_cancel(actor=provider.user, session=weekly[1], reason="Holiday.")
    [again] = schedule(by=provider, client=client_profile, start=weekly[1].starts_at)
    assert again.starts_at == weekly[1].starts_at
    # And a change may move into its week.
    services.session_cancel(actor=provider.user, session=weekly[3], reason="Holiday.")
    services.session_change(
        actor=provider.user,
        session=weekly[2],
        starts_at=weekly[2].starts_at + dt.timedelta(days=1),
        ends_at=weekly[2].ends_at + dt.timedelta(days=1),
    )


# Rule 4: no double booking.


def test_an_overlap_with_the_same_provider_is_refused_naming_the_session(
    weekly, provider, clinic_admin, client_profile
):
    in_the_way = Session.objects.get(pk=weekly[1].pk)
    before_ = snapshot()
    for allow_overlap in (False, True):  # never allowed with the same provider
        with pytest.raises(services.Overlap) as refused:
            schedule(
                by=clinic_admin,  # whoever schedules, the holder is what counts
                client=client_profile,
                provider=provider,
                start=in_the_way.starts_at + dt.timedelta(days=3),
                length=dt.timedelta(days=1),
                allow_overlap=allow_overlap,
            )
        assert refused.value.code == "overlap"
        assert refused.value.extra == {"sessions": [in_the_way.uuid]}
        assert services.session_name(in_the_way) in refused.value.detail
        assert "Session 2 (12 Apr 2027 to 19 Apr 2027) with Ben Provider" in refused.value.detail
    assert snapshot() == before_


def test_a_series_with_one_overlapping_week_is_refused_whole(weekly, provider, client_profile):
    before_ = snapshot()
    with pytest.raises(services.Overlap) as refused:
        # Three weeks before the series, then its first week: the fourth is in the way.
        schedule(by=provider, client=client_profile, start=weekly[0].starts_at - 3 * WEEK, repeat=4)
    assert refused.value.extra == {"sessions": [weekly[0].uuid]}
    assert snapshot() == before_


def test_sessions_that_only_touch_do_not_overlap(weekly, provider, client_profile):
    [earlier] = schedule(by=provider, client=client_profile, start=before(weekly[0]))
    [later] = schedule(by=provider, client=client_profile, start=after(weekly[-1]))
    assert earlier.ends_at == weekly[0].starts_at
    assert later.starts_at == weekly[-1].ends_at


def test_an_overlap_with_another_provider_needs_allow_overlap(
    weekly, provider, clinic_admin, client_profile
):
    before_ = snapshot()
    with pytest.raises(services.Overlap) as refused:
        schedule(by=clinic_admin, client=client_profile, start=weekly[0].starts_at)
    assert refused.value.code == "overlap_other_provider"
    assert refused.value.extra == {"sessions": [weekly[0].uuid]}
    assert "with Ben Provider" in refused.value.detail
    assert snapshot() == before_
    [psychiatry] = schedule(
        by=clinic_admin, client=client_profile, start=weekly[0].starts_at, allow_overlap=True
    )
    assert psychiatry.provider == clinic_admin


def test_other_clients_sessions_never_overlap(weekly, provider, other_client):
    assert schedule(by=provider, client=other_client, start=weekly[0].starts_at, repeat=4)


def test_a_change_that_would_overlap_is_refused_and_changes_nothing(weekly, provider, clinic_admin):
    before_ = snapshot()
    # Session 2 starting a day earlier overlaps session 1.
    with pytest.raises(services.Overlap) as refused:
        services.session_change(
            actor=provider.user,
            session=weekly[1],
            starts_at=weekly[1].starts_at - dt.timedelta(days=1),
        )
    assert refused.value.code == "overlap"
    assert refused.value.extra == {"sessions": [weekly[0].uuid]}
    assert services.session_name(weekly[0]) in refused.value.detail
    # This and the following, longer by a day each: session 2 runs into session 3.
    with pytest.raises(services.Overlap):
        services.session_change(
            actor=provider.user,
            session=weekly[1],
            apply_to=services.APPLY_TO_THIS,
            ends_at=weekly[1].ends_at + dt.timedelta(days=1),
        )
    assert snapshot() == before_
    assert events("session.change") == []


def test_a_longer_period_for_this_and_following_is_refused_when_the_series_would_overlap_itself(
    weekly, provider
):
    before_ = snapshot()
    # Each session a day longer, each start where it was: session 2 runs into session 3.
    with pytest.raises(services.Overlap) as refused:
        services.session_change(
            actor=provider.user,
            session=weekly[1],
            apply_to=services.APPLY_TO_FOLLOWING,
            ends_at=weekly[1].ends_at + dt.timedelta(days=1),
        )
    assert refused.value.code == "overlap"
    assert snapshot() == before_


def test_what_a_change_omits_stays_as_stored_even_from_a_session_read_before(weekly, provider):
    stale = Session.objects.get(pk=weekly[2].pk)
    services.session_change(
        actor=provider.user,
        session=weekly[1],
        apply_to=services.APPLY_TO_FOLLOWING,
        starts_at=weekly[1].starts_at + dt.timedelta(days=1),
        ends_at=weekly[1].ends_at + dt.timedelta(days=1),
    )
    moved = fields_of(weekly[2])
    # Only the place changes: the period read before the move is not put back.
    services.session_change(
        actor=provider.user,
        session=stale,
        meeting={"starts_at": moved["meeting_starts_at"], "place": "Room 9"},
    )
    now = fields_of(weekly[2])
    assert (now["starts_at"], now["ends_at"]) == (moved["starts_at"], moved["ends_at"])
    assert now["meeting_place"] == "Room 9"
    assert set(SessionChange.objects.filter(session=weekly[2]).last().fields) == {
        "meeting_place",
        "meeting_video_url",
    }


def test_a_change_of_holder_into_another_providers_week_needs_allow_overlap(
    weekly, provider, clinic_admin, client_profile
):
    [avas] = schedule(
        by=clinic_admin, client=client_profile, start=weekly[0].starts_at, allow_overlap=True
    )
    before_ = snapshot()
    # Ava would then hold two sessions of the client at once: never.
    with pytest.raises(services.Overlap) as refused:
        services.session_change(
            actor=provider.user, session=weekly[0], provider=clinic_admin, allow_overlap=True
        )
    assert refused.value.code == "overlap"
    assert refused.value.extra == {"sessions": [avas.uuid]}
    assert snapshot() == before_


# Rule 5: schedule next.


def test_schedule_next_proposes_the_end_of_the_latest_non_cancelled_session_with_that_provider(
    weekly, provider, clinic_admin, client_profile
):
    # Another provider's later session does not count.
    schedule(by=clinic_admin, client=client_profile, start=after(weekly[-1]))
    proposal = services.session_next(actor=provider.user, session=weekly[0])
    assert (proposal.client, proposal.provider) == (client_profile, provider)
    assert proposal.starts_at == weekly[3].ends_at  # not the end of session 1
    assert proposal.ends_at - proposal.starts_at == weekly[0].duration
    services.session_cancel(actor=provider.user, session=weekly[3], reason="Holiday.")
    proposal = services.session_next(actor=provider.user, session=weekly[0])
    assert proposal.starts_at == weekly[2].ends_at
    # What it proposes can be scheduled: it touches, it does not overlap.
    assert schedule(by=provider, client=client_profile, start=proposal.starts_at)


def test_schedule_next_brings_the_latest_sessions_meeting_at_the_same_wall_clock_time(
    madrid, provider, client_profile
):
    # Monday 25 October 2027, 09:00 in Madrid, to the next Monday; summer time ends on the
    # Sunday between. The meeting is on Tuesday at 10:00.
    start = dt.datetime(2027, 10, 25, 9, 0, tzinfo=MADRID)
    meeting = services.MeetingSpec(
        starts_at=dt.datetime(2027, 10, 26, 10, 0, tzinfo=MADRID),
        minutes=45,
        place="Room 1",
        video_url="https://video.example.test/room1",
    )
    [session] = schedule(by=provider, client=client_profile, start=start, meeting=meeting)
    proposal = services.session_next(actor=provider.user, session=session)
    assert local(proposal.starts_at, MADRID) == dt.datetime(2027, 11, 1, 9, 0)
    # A week on the wall clock (the one before it had an extra hour), not 7 x 24 h + 1 h.
    assert local(proposal.ends_at, MADRID) == dt.datetime(2027, 11, 8, 9, 0)
    assert local(proposal.meeting.starts_at, MADRID) == dt.datetime(2027, 11, 2, 10, 0)
    assert (proposal.meeting.minutes, proposal.meeting.place, proposal.meeting.video_url) == (
        45,
        "Room 1",
        "https://video.example.test/room1",
    )
    # Scheduled as proposed, it is accepted as it stands.
    [following] = services.session_schedule(
        actor=provider.user,
        client=client_profile,
        provider=provider,
        starts_at=proposal.starts_at,
        ends_at=proposal.ends_at,
        meeting=proposal.meeting,
    )
    assert local(following.meeting_starts_at, MADRID) == dt.datetime(2027, 11, 2, 10, 0)


def test_schedule_next_proposes_no_meeting_when_the_latest_session_has_none(
    weekly, provider, client_profile
):
    [plain] = schedule(by=provider, client=client_profile, start=after(weekly[-1]))
    assert services.session_next(actor=provider.user, session=weekly[0]).meeting is None
    # Its meeting comes from the latest session, not from the one the provider started from.
    services.session_cancel(actor=provider.user, session=plain, reason="Not needed.")
    proposal = services.session_next(actor=provider.user, session=weekly[0])
    assert proposal.meeting.starts_at == weekly[3].meeting_starts_at + WEEK


# Rule 7: homework times.


def test_homework_due_times_lie_inside_the_period(weekly, provider):
    first = weekly[0]
    before_ = snapshot()
    for due in (
        first.starts_at - dt.timedelta(minutes=1),
        first.starts_at,  # due as it opens: no time to do it
        first.ends_at + dt.timedelta(minutes=1),
    ):
        with pytest.raises(ValidationError) as refused:
            services.assignment_add(actor=provider.user, session=first, title="Walk", due_at=due)
        assert "due_at" in refused.value.message_dict
    assert snapshot() == before_
    inside = services.assignment_add(
        actor=provider.user, session=first, title="Walk", due_at=first.starts_at + dt.timedelta(1)
    )
    at_end = services.assignment_add(
        actor=provider.user, session=first, title="Run", due_at=first.ends_at
    )
    assert (inside.due_at, at_end.due_at) == (first.starts_at + dt.timedelta(1), first.ends_at)


def test_scheduled_homework_due_outside_the_period_schedules_nothing(provider, client_profile):
    start = dt.datetime(2027, 4, 5, 9, 0, tzinfo=NY)
    before_ = snapshot()
    for due in (start - dt.timedelta(hours=1), start + WEEK + dt.timedelta(hours=1)):
        with pytest.raises(ValidationError) as refused:
            services.session_schedule(
                actor=provider.user,
                client=client_profile,
                starts_at=start,
                ends_at=start + WEEK,
                repeat=3,
                homework=[services.HomeworkSpec(title="Journal", due_at=due)],
            )
        assert "homework-0" in refused.value.message_dict
    assert snapshot() == before_


def test_homework_cannot_be_submitted_before_its_session_starts(weekly, client_profile):
    assignment = weekly[0].assignments.get()
    before_ = snapshot()
    with pytest.raises(services.NotStarted) as refused:
        services.assignment_submit(actor=client_profile.user, assignment=assignment, response="Hi")
    assert refused.value.code == "not_started"
    assert snapshot() == before_
    assignment.refresh_from_db()
    assert assignment.submitted_at is None


def test_homework_can_be_submitted_once_its_session_has_started(session, client_profile):
    assert session.starts_at <= timezone.now()
    assignment = session.assignments.order_by("pk").first()
    services.assignment_submit(actor=client_profile.user, assignment=assignment, response="Done")
    assignment.refresh_from_db()
    assert assignment.is_completed


# Rule 4 in the database: PostgreSQL's exclusion constraint; SQLite has the service alone.


def new_session(template, **fields):
    """A Session row written straight to the database, bypassing the service."""
    values = {
        "clinic": template.clinic,
        "client": template.client,
        "provider": template.provider,
        "created_by": template.created_by,
        "starts_at": template.starts_at,
        "ends_at": template.ends_at,
        "number": 99,
    } | fields
    return Session.objects.create(**values)


def test_the_service_alone_refuses_a_double_booking_on_every_database(weekly, provider):
    """What the constraint refuses on PostgreSQL, the service refuses everywhere."""
    before_ = snapshot()
    with pytest.raises(services.Overlap):
        schedule(
            by=provider,
            client=weekly[0].client,
            start=weekly[0].starts_at + dt.timedelta(hours=1),
        )
    assert snapshot() == before_


@postgresql_only
def test_the_exclusion_constraint_refuses_a_double_booking_written_past_the_service(weekly):
    first = weekly[0]
    with pytest.raises(IntegrityError, match="session_no_double_booking"), transaction.atomic():
        new_session(first, starts_at=first.starts_at + dt.timedelta(hours=1))
    assert Session.objects.count() == 4


@postgresql_only
def test_the_exclusion_constraint_lets_touching_other_provider_and_cancelled_sessions_be(
    weekly, provider, clinic_admin
):
    first = weekly[0]
    with transaction.atomic():
        new_session(first, starts_at=first.starts_at - WEEK, ends_at=first.starts_at, number=90)
        new_session(first, provider=clinic_admin, number=91)
    services.session_cancel(actor=provider.user, session=weekly[1], reason="Holiday.")
    with transaction.atomic():
        new_session(weekly[1], number=92)
    # Cancelling the row just written past the service would need its own reason, and a
    # second cancelled one in the same week is no double booking either.
    with transaction.atomic():
        new_session(
            weekly[1],
            number=93,
            status=Session.Status.CANCELLED,
            cancelled_at=timezone.now(),
            cancelled_by=provider,
            cancel_reason="Entered twice.",
        )
    assert Session.objects.count() == 8


def run_together(count, work):
    """Run `work(index)` in `count` threads started at once, each with its own database
    connection; what each returned or raised, by index."""
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def run(index):
        from django.db import connection as own

        try:
            barrier.wait()
            outcomes[index] = work(index)
        except Exception as error:  # what the test looks at
            outcomes[index] = error
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_schedules_of_the_same_week_let_exactly_one_through(
    provider, clinic_admin, client_profile
):
    start = dt.datetime(2027, 4, 5, 9, 0, tzinfo=NY)
    schedulers = [provider, clinic_admin] * 5

    def book(index):
        return schedule(by=schedulers[index], client=client_profile, provider=provider, start=start)

    outcomes = run_together(10, book)
    won = [o for o in outcomes if isinstance(o, list)]
    lost = [o for o in outcomes if not isinstance(o, list)]
    assert len(won) == 1, outcomes
    [winner] = won[0]
    assert len(lost) == 9
    for error in lost:
        assert isinstance(error, services.Overlap), error
        assert error.code == "overlap"
        assert error.extra == {"sessions": [winner.uuid]}
        assert services.session_name(winner) in error.detail
    assert list(Session.objects.values_list("pk", flat=True)) == [winner.pk]
    assert winner.number == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_series_for_one_client_get_distinct_numbers(provider, client_profile):
    start = dt.datetime(2027, 4, 5, 9, 0, tzinfo=NY)

    def book(index):
        return schedule(
            by=provider, client=client_profile, start=start + 2 * index * WEEK, repeat=2
        )

    outcomes = run_together(10, book)
    assert all(isinstance(o, list) for o in outcomes), outcomes
    numbers = sorted(s.number for series in outcomes for s in series)
    assert numbers == list(range(1, 21))
    for series in outcomes:  # a series' numbers follow on
        assert series[1].number == series[0].number + 1

"""`seed_load`'s data keeps the rules of DESIGN.md section 9 (issue 14): numbers continue per
client, no double booking, about 5 % cancelled with their reason and history, meetings for the
featured caseload, some meetings moved; and its own checks catch a load that breaks them.
PostgreSQL only, as the loader (COPY)."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from clinic.models import CareTeamMembership, Client
from sessions_app import loadprofile as profile
from sessions_app.management.commands.seed_load import Command, tables
from sessions_app.models import Session, SessionChange

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="seed_load loads PostgreSQL (COPY)"
    ),
    pytest.mark.django_db,
]

SESSIONS = 8_000


@pytest.fixture(scope="module")
def load(django_db_setup, django_db_blocker):
    """A small load, committed; the tests' transactions roll back over it."""
    with django_db_blocker.unblock():
        call_command("seed_load", sessions=SESSIONS, flush=True, stdout=io.StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


def scalar(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_numbers_continue_per_client_in_the_order_of_the_dates(load):
    assert Session.objects.count() == SESSIONS
    for client_id in Client.objects.order_by("pk").values_list("pk", flat=True)[:50]:
        numbers = list(
            Session.objects.filter(client_id=client_id)
            .order_by("starts_at", "pk")
            .values_list("number", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1))
    assert not scalar(
        "SELECT count(*) FROM (SELECT client_id, number FROM sessions_app_session "
        "GROUP BY 1, 2 HAVING count(*) > 1) x"
    )


def test_no_two_sessions_of_a_client_with_one_provider_overlap(load):
    assert not scalar(
        """
        SELECT count(*) FROM sessions_app_session a JOIN sessions_app_session b
          ON a.client_id = b.client_id AND a.provider_id = b.provider_id AND a.id < b.id
         AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
        WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'
        """
    )


def test_the_exclusion_constraint_is_back_after_the_load(load):
    session = Session.objects.exclude(status=Session.Status.CANCELLED).first()
    with pytest.raises(IntegrityError, match="session_no_double_booking"), transaction.atomic():
        Session.objects.create(
            clinic_id=session.clinic_id,
            client_id=session.client_id,
            provider_id=session.provider_id,
            created_by_id=session.provider_id,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            number=10_000,
        )


def test_about_five_percent_are_cancelled_with_reason_and_history(load):
    cancelled = Session.objects.filter(status=Session.Status.CANCELLED)
    share = cancelled.count() / SESSIONS
    assert 0.035 < share < 0.065, share
    assert not cancelled.filter(cancelled_at__isnull=True).exists()
    assert not cancelled.filter(cancelled_by__isnull=True).exists()
    assert not cancelled.filter(cancel_reason="").exists()
    assert not cancelled.filter(closed_at__isnull=False).exists()
    assert not cancelled.filter(cancelled_at__gt=timezone.now()).exists()
    assert not cancelled.filter(uuid=profile.SESSION_UUID).exists()
    # Nothing was answered or said in a cancelled session.
    assert not cancelled.filter(assignments__submitted_at__isnull=False).exists()
    assert not cancelled.filter(last_message_id__isnull=False).exists()
    for session in cancelled.select_related("client")[:50]:
        assert CareTeamMembership.objects.filter(
            client_id=session.client_id, provider_id=session.cancelled_by_id
        ).exists()
        [change] = SessionChange.objects.filter(session=session, kind=SessionChange.Kind.CANCEL)
        assert change.reason == session.cancel_reason
        assert change.changed_at == session.cancelled_at
        assert change.changed_by_id == session.cancelled_by_id
        assert change.clinic_id == session.clinic_id
        assert change.fields == {"status": ["open", "cancelled"]}


def test_the_featured_caseload_meets_and_some_meetings_moved(load):
    caseload = Session.objects.filter(provider__user__email=profile.PROVIDER_EMAIL)
    assert caseload.count() == profile.CASELOAD * profile.WEEKS
    assert not caseload.filter(meeting_starts_at__isnull=True).exists()
    for session in caseload[:200]:
        assert session.starts_at <= session.meeting_starts_at < session.ends_at
        assert 10 <= session.meeting_minutes <= 240
        assert session.meeting_place or session.meeting_video_url
        assert not session.meeting_video_url or session.meeting_video_url.startswith("https://")
        assert session.meeting_starts_at.minute % 15 == 0
    assert not (
        Session.objects.exclude(provider__user__email=profile.PROVIDER_EMAIL)
        .filter(meeting_starts_at__isnull=False)
        .exists()
    )
    changes = SessionChange.objects.filter(kind=SessionChange.Kind.CHANGE).select_related("session")
    assert changes.count() > 0
    for change in changes:
        session = change.session
        before, after = change.fields["meeting_starts_at"]
        assert after == session.meeting_starts_at.isoformat()
        moved = session.meeting_starts_at - dt.datetime.fromisoformat(before)
        assert abs(moved) == dt.timedelta(hours=1)
        assert session.created_at <= change.changed_at <= timezone.now()
        if session.status == Session.Status.CANCELLED:
            assert change.changed_at <= session.cancelled_at


@pytest.mark.parametrize(
    ("breakage", "label"),
    [
        (
            "UPDATE sessions_app_session SET number = number + 1000 WHERE id = {id}",
            "not numbered",
        ),
        (
            "UPDATE sessions_app_session SET ends_at = ends_at + interval '1 day' WHERE id = {id}",
            "overlap",
        ),
        ("DELETE FROM sessions_app_sessionchange WHERE session_id = {cancelled}", "history"),
        (
            "UPDATE sessions_app_sessionchange SET clinic_id = {other_clinic} "
            "WHERE id = (SELECT min(id) FROM sessions_app_sessionchange)",
            "changes of",
        ),
    ],
    ids=["numbers", "overlap", "cancel-history", "change-clinic"],
)
def test_the_loaders_checks_catch_what_the_constraints_were_off_for(load, breakage, label):
    # A client's session followed by another of the same provider, uncancelled.
    first = (
        Session.objects.exclude(status=Session.Status.CANCELLED)
        .filter(
            sequence=1,
            series_id__in=Session.objects.filter(sequence=2)
            .exclude(status=Session.Status.CANCELLED)
            .values("series_id"),
        )
        .order_by("pk")
        .first()
    )
    cancelled = Session.objects.filter(status=Session.Status.CANCELLED).order_by("pk").first()
    other_clinic = Session.objects.exclude(clinic_id=first.clinic_id).first().clinic_id
    with transaction.atomic():
        with connection.cursor() as cursor:
            # As during the load: the constraints that would refuse the breakage are off.
            for constraint in ("session_no_double_booking", "session_client_number_unique"):
                cursor.execute(f"ALTER TABLE sessions_app_session DROP CONSTRAINT {constraint}")
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                breakage.format(id=first.pk, cancelled=cancelled.pk, other_clinic=other_clinic)
            )
            with pytest.raises(CommandError, match=label):
                Command().verify(cursor, tables())
        transaction.set_rollback(True)


def test_the_loaders_checks_pass_on_its_own_load(load):
    with connection.cursor() as cursor:
        Command().verify(cursor, tables())

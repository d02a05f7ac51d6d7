"""The clinical records in the Django admin (DESIGN.md section 9, rule 9 of the issue): read
only, times on the clinic's clock with the zone named, the new fields shown."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions_app import services
from sessions_app.models import Assignment, IdempotencyRecord, Session, SessionChange

from .sessions_helpers import after, schedule

pytestmark = pytest.mark.usefixtures("mfa_not_required")


def text(response):
    return " ".join(BeautifulSoup(response.content.decode(), "html.parser").get_text(" ").split())


def local(value, clinic, fmt="%Y-%m-%d %H:%M %Z"):
    return timezone.localtime(value, clinic.tzinfo).strftime(fmt)


@pytest.fixture
def admin_browser(login, superuser):
    return login(superuser)


@pytest.fixture
def changed_and_cancelled(session, client_profile, provider, clinic_admin):
    """The fixture session with a meeting moved to a room; the week after it cancelled."""
    meeting = services.MeetingSpec(
        starts_at=session.starts_at + dt.timedelta(days=1), place="Room 2"
    )
    services.session_change(actor=provider.user, session=session, meeting=meeting)
    [later] = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        start=after(session),
        homework=["Read"],
    )
    services.session_cancel(actor=provider.user, session=later, reason="Away that week")
    session.refresh_from_db()
    later.refresh_from_db()
    return session, later


def test_session_changelist_shows_numbers_and_clinic_times_with_the_zone(
    admin_browser, changed_and_cancelled, clinic
):
    session, cancelled = changed_and_cancelled
    response = admin_browser.get(reverse("admin:sessions_app_session_changelist"))
    assert response.status_code == 200
    shown = text(response)
    for column in ("Starts (clinic time)", "Ends (clinic time)", "Meeting (clinic time)"):
        assert column in shown
    assert local(session.starts_at, clinic) in shown
    assert local(session.meeting_starts_at, clinic) in shown
    assert local(cancelled.ends_at, clinic) in shown
    assert local(session.starts_at, clinic).rsplit(" ", 1)[1] in ("EST", "EDT")
    assert "Cancelled" in shown
    # No add button: the admin reads.
    assert reverse("admin:sessions_app_session_add") not in response.content.decode()


def test_session_change_form_is_read_only_with_meeting_cancellation_and_history(
    admin_browser, changed_and_cancelled, clinic
):
    session, cancelled = changed_and_cancelled
    response = admin_browser.get(reverse("admin:sessions_app_session_change", args=[session.pk]))
    assert response.status_code == 200
    shown = text(response)
    assert local(session.starts_at, clinic) in shown
    assert local(session.meeting_starts_at, clinic) in shown
    assert "Room 2" in shown
    # The change is listed inline, its time on the clinic's clock.
    [change] = SessionChange.objects.filter(session=session)
    assert local(change.changed_at, clinic) in shown
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert not soup.select("form input[name=starts_at], form textarea, [name=_save]")

    response = admin_browser.get(reverse("admin:sessions_app_session_change", args=[cancelled.pk]))
    shown = text(response)
    assert "Away that week" in shown
    assert local(cancelled.cancelled_at, clinic) in shown

    before = Session.objects.get(pk=session.pk).starts_at
    refused = admin_browser.post(
        reverse("admin:sessions_app_session_change", args=[session.pk]), {"status": "closed"}
    )
    assert refused.status_code == 403
    assert Session.objects.get(pk=session.pk).starts_at == before


def test_session_change_pages_render_read_only(admin_browser, changed_and_cancelled, clinic):
    _session, cancelled = changed_and_cancelled
    response = admin_browser.get(reverse("admin:sessions_app_sessionchange_changelist"))
    assert response.status_code == 200
    shown = text(response)
    assert "Changed" in shown and "Cancelled" in shown
    change = SessionChange.objects.get(session=cancelled)
    assert local(change.changed_at, clinic) in shown
    response = admin_browser.get(
        reverse("admin:sessions_app_sessionchange_change", args=[change.pk])
    )
    assert response.status_code == 200
    assert "Away that week" in text(response)
    assert local(change.changed_at, clinic) in text(response)
    assert admin_browser.get(reverse("admin:sessions_app_sessionchange_add")).status_code == 403
    refused = admin_browser.post(
        reverse("admin:sessions_app_sessionchange_delete", args=[change.pk]), {"post": "yes"}
    )
    assert refused.status_code == 403
    assert SessionChange.objects.filter(pk=change.pk).exists()


def test_homework_times_are_on_the_clinics_clock(admin_browser, session, clinic):
    assignment = Assignment.objects.filter(session=session).first()
    response = admin_browser.get(reverse("admin:sessions_app_assignment_changelist"))
    assert local(assignment.due_at, clinic) in text(response)
    response = admin_browser.get(reverse("admin:sessions_app_session_change", args=[session.pk]))
    assert local(assignment.due_at, clinic) in text(response)


def test_idempotency_keys_can_be_read_not_edited(admin_browser, provider):
    record = IdempotencyRecord.objects.create(
        user=provider.user, key="key-1", fingerprint="f" * 64, status_code=201, body=b"{}"
    )
    listed = admin_browser.get(reverse("admin:sessions_app_idempotencyrecord_changelist"))
    assert listed.status_code == 200
    assert "key-1" in text(listed)
    url = reverse("admin:sessions_app_idempotencyrecord_change", args=[record.pk])
    page = admin_browser.get(url)
    assert page.status_code == 200
    assert record.created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") in text(page)
    assert admin_browser.post(url, {"key": "other", "status_code": "200"}).status_code == 403
    assert admin_browser.get(reverse("admin:sessions_app_idempotencyrecord_add")).status_code == 403
    record.refresh_from_db()
    assert (record.key, record.status_code) == ("key-1", 201)


def test_the_session_changelist_query_count_does_not_grow(
    admin_browser, client_profile, provider, clinic_admin
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = admin_browser.get(reverse("admin:sessions_app_session_changelist"))
        assert response.status_code == 200
        return len(captured)

    [first] = schedule(by=clinic_admin, client=client_profile, provider=provider)
    one = queries()
    schedule(
        by=clinic_admin, client=client_profile, provider=provider, start=after(first), repeat=19
    )
    assert Session.objects.count() == 20
    assert queries() == one

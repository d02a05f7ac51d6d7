"""Notifications and reminders (issue 16, DESIGN.md section 11): a row per recipient and event
written with its cause, email after the commit and once only, reminders by scanning, quiet
hours and the digest on the clinic's clock, and nothing that is health information by email."""

import datetime as dt
import smtplib
import threading
import time
import zoneinfo
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from notifications import services as notify
from notifications import tasks
from notifications.models import Digest, EmailMode, EmailSettings, EmailStatus, Kind, Notification
from sessions_app import services

from .factories import ClientFactory, ProviderFactory
from .sessions_helpers import schedule

NY = zoneinfo.ZoneInfo("America/New_York")


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _midday():
    # Noon in New York on a June Wednesday: outside everyone's quiet hours, unless a test
    # travels elsewhere.
    with time_machine.travel(utc(2026, 6, 10, 16, 0), tick=False):
        yield


def sent(subject):
    return [email for email in mail.outbox if email.subject == subject]


MESSAGE_TO_CLIENT = "Your care team sent you a message"


def rows(user, kind=None):
    found = Notification.objects.filter(user=user)
    return found.filter(kind=kind) if kind else found


@pytest.fixture
def posted(django_capture_on_commit_callbacks):
    """Run `fn` and the jobs its commit hands over (eager Celery), as a request would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


# --- Rows with their cause -----------------------------------------------------------


def test_a_message_from_the_team_notifies_the_client_once(session, provider, client_profile):
    message = services.message_post(actor=provider.user, session=session, body="Hello")
    [row] = rows(client_profile.user, Kind.MESSAGE_POSTED)
    assert row.kind == Kind.MESSAGE_POSTED
    assert row.event == f"message_posted:{message.pk}"
    assert row.path == reverse("sessions_app:portal-session-detail", args=[session.uuid])
    # The author hears nothing of their own message.
    assert not rows(provider.user, Kind.MESSAGE_POSTED).exists()
    # The same event recorded again makes no second row.
    with transaction.atomic():
        notify.record_event(
            Kind.MESSAGE_POSTED, session=session, actor=provider.user, key=message.pk
        )
    assert rows(client_profile.user, Kind.MESSAGE_POSTED).count() == 1


def test_a_message_from_the_client_notifies_every_provider_of_the_team(
    session, provider, clinic_admin, client_profile, off_team_provider
):
    services.message_post(actor=client_profile.user, session=session, body="Hi")
    assert rows(provider.user, Kind.MESSAGE_POSTED).count() == 1
    assert rows(clinic_admin.user, Kind.MESSAGE_POSTED).count() == 1
    assert not rows(off_team_provider.user).exists()
    assert rows(provider.user, Kind.MESSAGE_POSTED).get().path == reverse(
        "sessions_app:provider-session-detail", args=[session.uuid]
    )


def test_every_write_of_the_care_cycle_leaves_its_kind(
    client_profile, provider, clinic_admin, session
):
    later = schedule(by=provider, client=client_profile, start=session.ends_at)[0]
    services.session_change(
        actor=provider.user,
        session=later,
        meeting=services.MeetingSpec(starts_at=later.starts_at + dt.timedelta(hours=1)),
    )
    services.session_cancel(actor=provider.user, session=later, reason="Away")
    walk = session.assignments.get(title="Walk")
    services.assignment_add(actor=provider.user, session=session, title="Read")
    services.assignment_submit(actor=client_profile.user, assignment=walk, response="Done")
    services.feedback_give(actor=provider.user, assignment=walk, body="Good")
    services.session_close(actor=provider.user, session=session, note="Enough", force=True)
    to_client = set(rows(client_profile.user).values_list("kind", flat=True))
    assert to_client == {
        Kind.SESSION_SCHEDULED,
        Kind.SESSION_CHANGED,
        Kind.SESSION_CANCELLED,
        Kind.HOMEWORK_GIVEN,
        Kind.FEEDBACK_GIVEN,
        Kind.SESSION_CLOSED,
    }
    assert set(rows(clinic_admin.user).values_list("kind", flat=True)) == {Kind.ANSWER_SUBMITTED}


def test_a_series_is_one_notification_not_one_per_session(client_profile, provider):
    schedule(by=provider, client=client_profile, repeat=5)
    assert rows(client_profile.user, Kind.SESSION_SCHEDULED).count() == 1


def test_rows_are_written_in_the_causes_transaction(session, provider, client_profile, posted):
    def post_then_fail():
        with transaction.atomic():
            services.message_post(actor=provider.user, session=session, body="Hello")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        posted(post_then_fail)
    assert not rows(client_profile.user, Kind.MESSAGE_POSTED).exists()
    assert mail.outbox == []


def test_email_goes_only_after_the_commit(session, provider, client_profile, posted):
    with transaction.atomic():
        services.message_post(actor=provider.user, session=session, body="Hello")
        assert mail.outbox == []
    posted(services.message_post, actor=provider.user, session=session, body="Again")
    assert len(mail.outbox) == 1


# --- The email ------------------------------------------------------------------------


def test_the_email_has_text_and_html_parts_and_one_click_unsubscribe(
    session, provider, client_profile, posted, client
):
    posted(services.message_post, actor=provider.user, session=session, body="Hello")
    [email] = mail.outbox
    assert email.to == [client_profile.user.email]
    assert email.subject == "Your care team sent you a message"
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert "Your care team sent you a message" in email.body
    assert "Your care team sent you a message" in html
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in email.body
    # One click, with no log-in and no CSRF token, as a mail app posts it.
    response = client.post(link.removeprefix("http://localhost:8000"))
    assert response.status_code == 200
    prefs = EmailSettings.objects.get(user=client_profile.user)
    assert prefs.mode_of(Kind.MESSAGE_POSTED) == EmailMode.OFF
    posted(services.message_post, actor=provider.user, session=session, body="More")
    assert len(mail.outbox) == 1
    assert rows(client_profile.user, Kind.MESSAGE_POSTED).count() == 2  # still in the list


def test_the_unsubscribe_link_asks_first_on_get_and_refuses_a_forged_token(client, client_profile):
    token = notify.unsubscribe_token(user=client_profile.user, kind=Kind.MESSAGE_POSTED)
    path = reverse("notifications:unsubscribe", args=[token])
    response = client.get(path)
    assert response.status_code == 200
    assert not EmailSettings.objects.filter(user=client_profile.user).exists()
    forged = reverse("notifications:unsubscribe", args=[token[:-2] + "xx"])
    assert client.get(forged).status_code == 404
    assert client.post(forged).status_code == 404


def test_the_email_is_in_the_recipients_language(session, provider, client_profile, posted):
    client_profile.user.language = "es"
    client_profile.user.save()
    posted(services.message_post, actor=provider.user, session=session, body="Hola")
    [email] = mail.outbox
    assert 'lang="es"' in email.alternatives[0][0]


MARKER = "ZQXMARKER"


def test_no_free_text_reaches_any_email(clinic, posted, time_machine):
    """A marker in every free-text field and in the client's name; every kind of
    notification, the reminders and the digest are sent; no email holds the marker."""
    time_machine.move_to(utc(2026, 6, 10, 16, 0), tick=False)  # noon in New York
    admin = ProviderFactory(clinic=clinic, user__full_name=f"Ava {MARKER}")
    provider = ProviderFactory(clinic=clinic, user__full_name=f"Ben {MARKER}")
    person = ClientFactory(
        clinic=clinic, user__full_name=f"Chloe {MARKER}", care_team=[admin, provider]
    )
    EmailSettings.objects.create(user=provider.user, quiet_start=dt.time(0), quiet_end=dt.time(0))
    EmailSettings.objects.create(user=person.user, quiet_start=dt.time(0), quiet_end=dt.time(0))
    start = timezone.now() - dt.timedelta(hours=2)
    [session] = posted(
        services.session_schedule,
        actor=provider.user,
        client=person,
        starts_at=start,
        ends_at=start + dt.timedelta(days=3),
        homework=[
            services.HomeworkSpec(title=f"Title {MARKER}", instructions=f"Do {MARKER}"),
            services.HomeworkSpec(title=f"Second {MARKER}"),
        ],
        meeting=services.MeetingSpec(
            starts_at=start + dt.timedelta(hours=20),
            place=f"Room {MARKER}",
            video_url=f"https://video.example/{MARKER}",
        ),
    )
    first, second = session.assignments.order_by("title")
    posted(services.assignment_add, actor=provider.user, session=session, title=f"Add {MARKER}")
    posted(
        services.assignment_submit,
        actor=person.user,
        assignment=first,
        response=f"Answer {MARKER}",
    )
    posted(services.feedback_give, actor=provider.user, assignment=first, body=f"FB {MARKER}")
    posted(services.message_post, actor=provider.user, session=session, body=f"To {MARKER}")
    posted(services.message_post, actor=person.user, session=session, body=f"From {MARKER}")
    posted(
        services.assignment_submit,
        actor=person.user,
        assignment=second,
        response=f"Late {MARKER}",
    )
    posted(notify.questionnaire_risk_notify, client=person, session=session, key="q1")
    other = posted(
        services.session_schedule,
        actor=provider.user,
        client=person,
        starts_at=session.ends_at,
        ends_at=session.ends_at + dt.timedelta(days=7),
    )[0]
    posted(
        services.session_change,
        actor=provider.user,
        session=other,
        meeting=services.MeetingSpec(starts_at=other.starts_at, place=f"Moved {MARKER}"),
    )
    posted(services.session_cancel, actor=provider.user, session=other, reason=f"Why {MARKER}")
    posted(notify.reminders_record)
    posted(tasks.deliver_due)
    # Two days on: the second answer has waited over 48 hours; then the digest's hour comes.
    time_machine.move_to(timezone.now() + dt.timedelta(hours=49), tick=False)
    posted(tasks.record_reminders)
    posted(
        services.session_close, actor=provider.user, session=session, note=f"N {MARKER}", force=True
    )
    time_machine.move_to(timezone.now() + dt.timedelta(days=1), tick=False)
    posted(tasks.send_digests)

    kinds = set(
        Notification.objects.filter(email_status__in=["sent", "digested"]).values_list(
            "kind", flat=True
        )
    )
    assert kinds == set(Kind.values), set(Kind.values) - kinds
    assert Digest.objects.filter(sent_at__isnull=False).exists()
    for email in mail.outbox:
        parts = [email.subject, email.body, *(html for html, _ in email.alternatives)]
        parts += [str(value) for value in email.extra_headers.values()]
        assert all(MARKER not in part for part in parts), email.subject


# --- Once each ------------------------------------------------------------------------


def test_the_same_delivery_task_twice_sends_one_email(session, provider, client_profile):
    services.message_post(actor=provider.user, session=session, body="Hello")
    row = rows(client_profile.user, Kind.MESSAGE_POSTED).get()
    tasks.deliver_notification.delay(row.pk)
    tasks.deliver_notification.delay(row.pk)
    tasks.deliver_event.delay(row.event)
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.email_status == EmailStatus.SENT
    assert row.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_same_delivery_twice_at_once_sends_one_email(clinic, clinic_admin, provider):
    person = ClientFactory(clinic=clinic, care_team=[clinic_admin, provider])
    [session] = schedule(by=provider, client=person)
    # Committed for real here: keep the commit's own job from sending first.
    with mock.patch.object(tasks.deliver_event, "delay"):
        services.message_post(actor=provider.user, session=session, body="Hello")
    row = rows(person.user, Kind.MESSAGE_POSTED).get()
    assert row.email_status == EmailStatus.PENDING
    entered = threading.Barrier(2)
    send = mail.EmailMultiAlternatives.send

    def slow_send(message, *args, **kwargs):
        # The other worker arrives while this one is still talking to the mail server.
        time.sleep(0.3)
        return send(message, *args, **kwargs)

    def worker():
        try:
            entered.wait(timeout=5)
            notify.notification_deliver(notification_id=row.pk)
        finally:
            connection.close()

    with mock.patch.object(mail.EmailMultiAlternatives, "send", slow_send):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert len(sent(MESSAGE_TO_CLIENT)) == 1
    assert Notification.objects.get(pk=row.pk).email_status == EmailStatus.SENT


def test_a_failed_send_is_retried_and_sends_once(session, provider, client_profile):
    services.message_post(actor=provider.user, session=session, body="Hello")
    row = rows(client_profile.user, Kind.MESSAGE_POSTED).get()
    send = mail.EmailMultiAlternatives.send
    calls = []

    def flaky(message, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("down")
        return send(message, *args, **kwargs)

    with mock.patch.object(mail.EmailMultiAlternatives, "send", flaky):
        # A failure leaves the row as it was, for the retry.
        with pytest.raises(smtplib.SMTPServerDisconnected):
            notify.notification_deliver(notification_id=row.pk)
        assert Notification.objects.get(pk=row.pk).email_status == EmailStatus.PENDING
        calls.clear()
        # As a worker runs it: the failure is retried (eagerly here, without the backoff).
        tasks.deliver_notification.apply(args=[row.pk], throw=False)
    assert len(calls) == 2
    assert len(mail.outbox) == 1
    assert tasks.deliver_notification.retry_backoff


def test_a_job_the_broker_never_got_is_sent_by_the_sweep(session, provider, client_profile, posted):
    with mock.patch.object(tasks.deliver_event, "delay", side_effect=ConnectionError):
        posted(services.message_post, actor=provider.user, session=session, body="Hello")
    assert mail.outbox == []
    posted(tasks.deliver_due)
    assert len(sent(MESSAGE_TO_CLIENT)) == 1


# --- Who hears ------------------------------------------------------------------------


def test_deactivated_people_get_nothing(session, provider, client_profile, posted):
    client_profile.user.is_active = False
    client_profile.user.save()
    posted(services.message_post, actor=provider.user, session=session, body="Hello")
    assert not rows(client_profile.user, Kind.MESSAGE_POSTED).exists()
    assert mail.outbox == []


def test_deactivated_before_the_send_gets_no_email(session, provider, client_profile):
    services.message_post(actor=provider.user, session=session, body="Hello")
    client_profile.user.is_active = False
    client_profile.user.save()
    tasks.deliver_due.delay()
    assert mail.outbox == []
    assert rows(client_profile.user, Kind.MESSAGE_POSTED).get().email_status == EmailStatus.SKIPPED


def test_a_provider_off_the_team_hears_nothing_more_of_that_client(
    session, provider, client_profile, login
):
    services.message_post(actor=client_profile.user, session=session, body="Hi")
    client_profile.memberships.filter(provider=provider).delete()
    tasks.deliver_due.delay()
    assert provider.user.email not in {to for email in mail.outbox for to in email.to}
    assert rows(provider.user, Kind.MESSAGE_POSTED).get().email_status == EmailStatus.SKIPPED
    page = login(provider.user).get(reverse("notifications:list"))
    assert "A client sent a message" not in page.content.decode()


# --- Quiet hours and the digest, across daylight saving -------------------------------


def test_quiet_hours_hold_an_email_until_they_end_across_a_dst_change(
    session, provider, client_profile, posted
):
    # Saturday 7 March 2026, 22:00 in New York (EST); clocks go forward at 02:00 that night.
    with time_machine.travel(utc(2026, 3, 8, 3, 0), tick=False):
        posted(services.message_post, actor=provider.user, session=session, body="Late")
    row = rows(client_profile.user, Kind.MESSAGE_POSTED).get()
    assert mail.outbox == []
    # 07:00 EDT, not 07:00 EST: 11:00 UTC.
    assert row.email_after == utc(2026, 3, 8, 11, 0)
    with time_machine.travel(utc(2026, 3, 8, 10, 59), tick=False):
        tasks.deliver_due.delay()
    assert sent(MESSAGE_TO_CLIENT) == []
    with time_machine.travel(utc(2026, 3, 8, 11, 0), tick=False):
        tasks.deliver_due.delay()
        tasks.deliver_due.delay()
    assert len(sent(MESSAGE_TO_CLIENT)) == 1


def test_a_questionnaire_needing_attention_ignores_quiet_hours(
    session, provider, clinic_admin, client_profile, posted
):
    with time_machine.travel(utc(2026, 3, 8, 3, 0), tick=False):
        posted(notify.questionnaire_risk_notify, client=client_profile, session=session, key="r1")
        posted(notify.questionnaire_risk_notify, client=client_profile, session=session, key="r1")
    assert sorted(to for email in mail.outbox for to in email.to) == sorted(
        [provider.user.email, clinic_admin.user.email]
    )
    assert {email.subject for email in mail.outbox} == {"A questionnaire needs your attention"}


def test_quiet_hours_are_the_persons_own(session, provider, client_profile, posted):
    EmailSettings.objects.create(
        user=client_profile.user, quiet_start=dt.time(23), quiet_end=dt.time(6)
    )
    with time_machine.travel(utc(2026, 3, 8, 3, 0), tick=False):  # 22:00 EST
        posted(services.message_post, actor=provider.user, session=session, body="Late")
    assert len(mail.outbox) == 1


def test_the_digest_gathers_a_days_events_at_seven_on_the_clinics_clock_across_dst(
    session, provider, client_profile, posted
):
    EmailSettings.objects.create(
        user=client_profile.user, modes={Kind.MESSAGE_POSTED: EmailMode.DIGEST}
    )
    # Saturday 31 October 2026 in New York (EDT); clocks go back at 02:00 on Sunday.
    for hour in (14, 18, 22):
        with time_machine.travel(utc(2026, 10, 31, hour), tick=False):
            posted(services.message_post, actor=provider.user, session=session, body="x")
    assert mail.outbox == []
    assert (
        rows(client_profile.user, Kind.MESSAGE_POSTED)
        .filter(email_status=EmailStatus.DIGEST)
        .count()
        == 3
    )
    # 07:00 EST on Sunday is 12:00 UTC (it was 11:00 UTC the day before).
    with time_machine.travel(utc(2026, 11, 1, 11, 30), tick=False):
        tasks.send_digests.delay()
    assert mail.outbox == []
    with time_machine.travel(utc(2026, 11, 1, 12, 0), tick=False):
        tasks.send_digests.delay()
        tasks.send_digests.delay()
    [email] = mail.outbox
    assert "(3 times)" in email.body
    assert (
        rows(client_profile.user, Kind.MESSAGE_POSTED)
        .filter(email_status=EmailStatus.DIGESTED)
        .count()
        == 3
    )
    assert Digest.objects.get(user=client_profile.user).day == dt.date(2026, 11, 1)


def test_a_missed_digest_hour_is_made_up(session, provider, client_profile, posted):
    EmailSettings.objects.create(
        user=client_profile.user, modes={Kind.MESSAGE_POSTED: EmailMode.DIGEST}
    )
    with time_machine.travel(utc(2026, 6, 9, 20), tick=False):
        posted(services.message_post, actor=provider.user, session=session, body="x")
    # No worker at 07:00; the next run, at 15:40 local, sends it.
    with time_machine.travel(utc(2026, 6, 10, 19, 40), tick=False):
        tasks.send_digests.delay()
    assert len(mail.outbox) == 1


# --- Reminders ------------------------------------------------------------------------


def test_homework_due_tomorrow_is_reminded_once_even_when_the_scan_runs_twice(
    client_profile, provider, posted
):
    now = timezone.now()
    [session] = schedule(
        by=provider,
        client=client_profile,
        start=now - dt.timedelta(days=6, hours=1),
        homework=["Journal"],
    )
    assert session.assignments.get().due_at - now < dt.timedelta(hours=24)
    posted(tasks.record_reminders)
    posted(tasks.record_reminders)
    assert rows(client_profile.user, Kind.HOMEWORK_DUE).count() == 1
    reminders = [e for e in mail.outbox if e.subject == "Your homework is due within 24 hours"]
    assert len(reminders) == 1


def test_submitted_homework_and_far_meetings_are_not_reminded(client_profile, provider, session):
    services.assignment_submit(
        actor=client_profile.user, assignment=session.assignments.get(title="Walk"), response="x"
    )
    assert notify.reminders_record(now=timezone.now()) == 0


def test_a_meeting_within_24_hours_reminds_both_sides(client_profile, provider, clinic_admin):
    start = timezone.now() - dt.timedelta(hours=1)
    schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        start=start,
        meeting=services.MeetingSpec(starts_at=start + dt.timedelta(hours=20)),
    )
    assert notify.reminders_record() == 2
    assert rows(client_profile.user, Kind.MEETING_REMINDER).count() == 1
    assert rows(provider.user, Kind.MEETING_REMINDER).count() == 1
    assert not rows(clinic_admin.user, Kind.MEETING_REMINDER).exists()
    # A missed tick: the next scan, hours later, finds nothing new and nothing twice.
    assert notify.reminders_record(now=timezone.now() + dt.timedelta(hours=5)) == 0


def test_answers_waiting_over_48_hours_reach_providers_in_their_digest(
    client_profile, provider, clinic_admin, session
):
    walk = session.assignments.get(title="Walk")
    services.assignment_submit(actor=client_profile.user, assignment=walk, response="x")
    later = timezone.now() + dt.timedelta(hours=49)
    notify.reminders_record(now=later)
    row = rows(provider.user, Kind.ANSWERS_WAITING).get()
    notify.notification_deliver(notification_id=row.pk, now=later)
    row.refresh_from_db()
    assert row.email_status == EmailStatus.DIGEST
    assert [e for e in mail.outbox if e.to == [provider.user.email]] == []


@pytest.mark.parametrize("kind", [Kind.MEETING_REMINDER, Kind.HOMEWORK_DUE, Kind.ANSWERS_WAITING])
def test_each_reminder_scan_reads_an_index(db, kind):
    [queryset] = [q for k, q, _ in notify.reminder_scans(now=timezone.now()) if k == kind]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # An empty table is read whole whatever the indexes: ask whether one is usable.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    if connection.vendor == "postgresql":
        assert "notif_scan_" in plan, plan
    else:
        # SQLite, without statistics, may pick another index, but never a full scan.
        assert "SCAN sessions_app_session " not in plan + " ", plan
        assert "SCAN sessions_app_assignment " not in plan + " ", plan


def test_the_digests_unsubscribe_link_turns_off_every_kind_it_carried(
    session, provider, client_profile, posted, client
):
    EmailSettings.objects.create(
        user=client_profile.user,
        modes={Kind.MESSAGE_POSTED: EmailMode.DIGEST, Kind.FEEDBACK_GIVEN: EmailMode.DIGEST},
    )
    posted(services.message_post, actor=provider.user, session=session, body="x")
    with time_machine.travel(utc(2026, 6, 11, 11, 0), tick=False):  # 07:00 in New York
        tasks.send_digests.delay()
    [digest] = mail.outbox
    link = digest.extra_headers["List-Unsubscribe"].strip("<>")
    assert client.post(link.removeprefix("http://localhost:8000")).status_code == 200
    prefs = EmailSettings.objects.get(user=client_profile.user)
    assert prefs.mode_of(Kind.MESSAGE_POSTED) == EmailMode.OFF
    assert prefs.mode_of(Kind.FEEDBACK_GIVEN) == EmailMode.OFF
    assert prefs.mode_of(Kind.HOMEWORK_GIVEN) == EmailMode.IMMEDIATE


def test_the_emails_link_opens_the_notification_behind_the_log_in(
    session, provider, client_profile, posted, login
):
    posted(services.message_post, actor=provider.user, session=session, body="x")
    row = rows(client_profile.user, Kind.MESSAGE_POSTED).get()
    link = "http://localhost:8000" + reverse("notifications:open", args=[row.uuid])
    [email] = mail.outbox
    assert link in email.body
    response = login(client_profile.user).get(link.removeprefix("http://localhost:8000"))
    assert response["Location"] == row.path

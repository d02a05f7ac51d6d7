"""Issue 16's journey: a provider posts a message and the client's bell counts it, the email
reaches a real SMTP server without the message's text; homework due tomorrow is reminded
once however often the scan runs; the daily digest, chosen on the settings page, gathers a
day's events into one email. Celery runs eagerly here: the emails go out from the live
server's thread (after the request's commit) or from the test's, as a worker would send them.
"""

import datetime as dt
import email
import logging
import re
import socket
import time
import uuid
from dataclasses import dataclass
from email import policy

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from notifications import services as notify
from notifications import tasks
from notifications.models import DIGEST_TIME, Digest, EmailSettings, EmailStatus, Kind, Notification
from sessions_app import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MESSAGE_SUBJECT = "Your care team sent you a message"
HOMEWORK_SUBJECT = "Your care team gave you homework"
REMINDER_SUBJECT = "Your homework is due within 24 hours"
DIGEST_SUBJECT = "Your CareSessions digest for "
# How long an email may take to arrive, and how long to wait on for a second copy of it.
ARRIVAL_SECONDS = 10
DUPLICATE_SECONDS = 1.0


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mail:
    raw: bytes

    @property
    def message(self):
        return email.message_from_bytes(self.raw, policy=policy.default)

    @property
    def subject(self):
        return str(self.message["Subject"])

    @property
    def text(self):
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self):
        return self.message.get_body(("html",)).get_content()

    def has_text_and_html(self):
        return all(self.message.get_body((kind,)) is not None for kind in ("plain", "html"))

    def contains(self, words):
        """In the message as sent or in any part once decoded (base64, quoted-printable)."""
        return any(
            words in whole for whole in (self.raw.decode(), self.subject, self.text, self.html)
        )


class Sink:
    """aiosmtpd's handler: keeps every message a real SMTP conversation hands it."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"

    def to(self, address, subject=None):
        found = [Mail(raw) for rcpts, raw in self.received if address in rcpts]
        return [m for m in found if subject is None or m.subject.startswith(subject)]

    def wait(self, address, subject, *, count=1):
        """The emails to `address` whose subject starts so, once `count` have come (or the
        time is up) and a duplicate has had time to follow."""
        deadline = time.monotonic() + ARRIVAL_SECONDS
        while len(self.to(address, subject)) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(DUPLICATE_SECONDS)
        return self.to(address, subject)


@pytest.fixture
def smtp_sink(settings, session):
    """A local SMTP server that the live server (same process) and the tasks send to. After
    `session`: the scheduling's own emails are not this journey's."""
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's every SMTP line
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    yield sink
    controller.stop()


@pytest.fixture
def chloe_user(client_profile, session):
    """The client, quiet hours off (the journey runs at any hour) and with nothing unread yet
    (the scheduling's notifications are read)."""
    user = client_profile.user
    EmailSettings.objects.create(user=user, quiet_start="00:00", quiet_end="00:00")
    notify.notifications_mark_all_read(user=user)
    return user


def choice(page, headline):
    """A kind's email setting on the settings page: its label, spaces and required mark aside."""
    return page.get_by_label(re.compile(rf"^\s*{headline}\*?\s*$"))


def the_bell(page):
    return page.get_by_test_id("bell")


def test_a_message_rings_the_clients_bell_and_emails_no_text(
    open_tab, provider, session, chloe_user, smtp_sink
):
    marker = f"PRIVATE-{uuid.uuid4().hex[:10]}"
    chloe = open_tab("Chloe")
    page = chloe.page
    chloe.log_in(chloe_user, lands="portal dashboard")
    # Nothing unread: the bell says only its name.
    expect(the_bell(page)).to_have_accessible_name("Notifications")
    expect(page.get_by_test_id("unread-count")).to_have_count(0)

    ben = open_tab("Ben")
    ben.log_in(provider.user, lands="provider dashboard")
    ben.open(reverse("sessions_app:provider-session-detail", args=[session.uuid]), "session page")
    ben.page.get_by_role("textbox", name="Message").fill(f"How did the week go? {marker}")
    with ben.to("session after the message"):
        ben.page.get_by_role("button", name="Send message").click()
    expect(ben.flash()).to_contain_text("Message sent.")

    with chloe.to("portal dashboard after the message"):
        page.reload()
    expect(the_bell(page)).to_have_accessible_name("Notifications 1 unread")
    with chloe.to("notification list with the message"):
        the_bell(page).click()
    link = page.get_by_role("link", name=MESSAGE_SUBJECT, exact=True)
    expect(link).to_have_count(1)
    item = page.locator("#notification-list > li").filter(has=link)
    expect(item).to_contain_text("New")
    expect(item).to_contain_text("Session 1")
    row = Notification.objects.get(user=chloe_user, kind=Kind.MESSAGE_POSTED)
    session_path = reverse("sessions_app:portal-session-detail", args=[session.uuid])
    assert row.path == session_path

    with chloe.to("session page from the notification"):
        link.click()
    assert page.url == chloe.base_url + session_path
    expect(page.locator("#messages li")).to_contain_text(marker)
    expect(the_bell(page)).to_have_accessible_name("Notifications")
    row.refresh_from_db()
    assert row.read_at is not None

    # One email, text and HTML, linking to the notification and saying nothing of the message.
    [mail] = smtp_sink.wait(chloe_user.email, MESSAGE_SUBJECT)
    assert [m.subject for m in smtp_sink.to(chloe_user.email)] == [MESSAGE_SUBJECT]
    assert mail.has_text_and_html()
    assert f"/notifications/{row.uuid}/" in mail.text
    assert f"/notifications/{row.uuid}/" in mail.html
    assert not mail.contains(marker), "the message's text is in the email"
    assert not mail.contains("How did the week go"), "the message's text is in the email"
    assert mail.message["List-Unsubscribe"]
    row.refresh_from_db()
    assert row.email_status == EmailStatus.SENT


def next_digest_hour(clinic):
    """The next 07:00 on the clinic's clock after now."""
    local = timezone.localtime(timezone.now(), clinic.tzinfo)
    day = local.date() + dt.timedelta(days=1 if local.time() >= DIGEST_TIME else 0)
    return dt.datetime.combine(day, DIGEST_TIME, tzinfo=clinic.tzinfo)


def test_homework_due_tomorrow_is_reminded_once_and_the_digest_gathers_a_day(
    open_tab, clinic, provider, session, chloe_user, smtp_sink
):
    marker = f"PRIVATE-{uuid.uuid4().hex[:10]}"
    address = chloe_user.email
    services.assignment_add(
        actor=provider.user,
        session=session,
        title=f"Worksheet {marker}",
        due_at=timezone.now() + dt.timedelta(hours=20),
    )
    # The beat's reminder job, twice (a tick repeated, or two schedulers).
    tasks.record_reminders.delay()
    tasks.record_reminders.delay()
    assert Notification.objects.filter(user=chloe_user, kind=Kind.HOMEWORK_DUE).count() == 1
    [reminder] = smtp_sink.wait(address, REMINDER_SUBJECT)
    assert reminder.has_text_and_html()
    assert not reminder.contains(marker), "the homework's title is in the email"
    assert not reminder.contains("Worksheet"), "the homework's title is in the email"

    chloe = open_tab("Chloe")
    page = chloe.page
    chloe.log_in(chloe_user, lands="portal dashboard")
    # The homework and its reminder.
    expect(the_bell(page)).to_have_accessible_name("Notifications 2 unread")
    with chloe.to("notification list with the reminder"):
        the_bell(page).click()
    expect(page.get_by_role("link", name=REMINDER_SUBJECT, exact=True)).to_have_count(1)

    # Messages and homework in the daily digest, chosen on the settings page.
    with chloe.to("email settings"):
        page.get_by_role("link", name="Email settings").click()
    expect(page.get_by_label("Quiet hours start")).to_have_value("00:00")
    choice(page, MESSAGE_SUBJECT).select_option(label="In a daily digest")
    choice(page, HOMEWORK_SUBJECT).select_option(label="In a daily digest")
    with chloe.to("email settings saved"):
        page.get_by_role("button", name="Save").click()
    expect(chloe.flash()).to_contain_text("Your email settings are saved.")
    expect(choice(page, MESSAGE_SUBJECT)).to_have_value("digest")
    expect(choice(page, HOMEWORK_SUBJECT)).to_have_value("digest")
    expect(choice(page, REMINDER_SUBJECT)).to_have_value("immediate")
    expect(page.get_by_label("Quiet hours end")).to_have_value("00:00")

    before = len(smtp_sink.to(address))
    services.message_post(actor=provider.user, session=session, body=f"See you soon {marker}")
    services.assignment_add(actor=provider.user, session=session, title=f"Reading {marker}")
    time.sleep(DUPLICATE_SECONDS)
    assert len(smtp_sink.to(address)) == before, "an event chosen for the digest was emailed"
    waiting = Notification.objects.filter(user=chloe_user, email_status=EmailStatus.DIGEST)
    assert sorted(waiting.values_list("kind", flat=True)) == [
        Kind.HOMEWORK_GIVEN,
        Kind.MESSAGE_POSTED,
    ]

    # The beat's digest job: nothing a minute before 07:00 on the clinic's clock, then one
    # email however often it runs.
    seven = next_digest_hour(clinic)
    with time_machine.travel(seven - dt.timedelta(minutes=1)):
        tasks.send_digests.delay()
    assert smtp_sink.to(address, DIGEST_SUBJECT) == []
    with time_machine.travel(seven):
        tasks.send_digests.delay()
        tasks.send_digests.delay()
    [digest] = smtp_sink.wait(address, DIGEST_SUBJECT)
    assert len(smtp_sink.to(address)) == before + 1
    assert digest.has_text_and_html()
    for line in (f"{MESSAGE_SUBJECT} (1 time)", f"{HOMEWORK_SUBJECT} (1 time)"):
        assert line in digest.text
        assert line in digest.html
    assert not digest.contains(marker), "free text is in the digest"
    for words in ("See you soon", "Reading", "Worksheet"):
        assert not digest.contains(words), f"{words!r} is in the digest"
    sent = Digest.objects.get(user=chloe_user)
    assert sent.day == seven.date() and sent.sent_at is not None
    assert not Notification.objects.filter(user=chloe_user, email_status=EmailStatus.DIGEST)

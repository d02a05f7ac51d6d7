"""End-to-end check of notifications (issue 16), run by .ci/run: a real Celery worker against
the real Redis and a local SMTP sink. A provider posts a message through the API; within a
few seconds exactly one email reaches the client, in the client's language, without the
message's text.

Usage: DATABASE_URL=... .venv/bin/python scripts/notifications_e2e.py
Redis: E2E_BROKER_URL (default redis://127.0.0.1:6379/14, a database the tests do not use).
"""

import datetime as dt
import email
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from email import policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROKER = os.environ.get("E2E_BROKER_URL", "redis://127.0.0.1:6379/14")
WAIT_SECONDS = 20
MARKER = f"E2E-SECRET-{uuid.uuid4().hex[:8]}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """aiosmtpd's handler: keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


def main():
    from aiosmtpd.controller import Controller

    sys.path.insert(0, str(ROOT))
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's every SMTP line
    sink = Sink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = {
        **os.environ,
        "DEBUG": "1",
        "MFA_REQUIRED": "0",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
    }
    os.environ.update(env)
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True
    )
    worker = subprocess.Popen(  # noqa: S603 - our own fixed command line
        [str(bin_dir / "celery"), "-A", "clinic", "worker", "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
    )
    try:
        return check(sink)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        controller.stop()
        redis.Redis.from_url(BROKER).flushdb()


def check(sink):
    import django

    django.setup()
    from django.test import Client as HttpClient
    from django.utils import timezone, translation

    from clinic.models import CareProvider, CareTeamMembership, Client, Clinic, User
    from notifications.texts import CLIENT, headline
    from sessions_app import services

    tag = uuid.uuid4().hex[:8]
    clinic = Clinic.objects.create(name=f"E2E {tag}", slug=f"e2e-{tag}", time_zone="UTC")
    provider = CareProvider.objects.create(
        user=User.objects.create_user(f"provider-{tag}@e2e.test", full_name="E2E Provider"),
        clinic=clinic,
    )
    client_user = User.objects.create_user(
        f"client-{tag}@e2e.test", full_name="E2E Client", language="es"
    )
    person = Client.objects.create(user=client_user, clinic=clinic)
    CareTeamMembership.objects.create(client=person, provider=provider)
    # Quiet hours off for this client: the check runs at any hour.
    from notifications.models import EmailSettings

    EmailSettings.objects.create(user=client_user, quiet_start="00:00", quiet_end="00:00")
    now = timezone.now()
    [session] = services.session_schedule(
        actor=provider.user,
        client=person,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=6),
    )
    # The scheduling's own email may arrive too: count only the message's from here on.
    time.sleep(3)
    before = len(sink.messages)

    http = HttpClient()
    http.force_login(provider.user)
    started = time.monotonic()
    response = http.post(
        f"/api/v1/sessions/{session.uuid}/messages/",
        data={"body": f"Private words {MARKER}"},
        content_type="application/json",
    )
    assert response.status_code == 201, (response.status_code, response.content[:300])

    with translation.override("es"):
        expected_subject = str(headline("message_posted", CLIENT))
    while time.monotonic() - started < WAIT_SECONDS:
        if len(sink.messages) > before:
            break
        time.sleep(0.2)
    else:
        print(f"FAIL: no email within {WAIT_SECONDS} s", file=sys.stderr)
        return 1
    elapsed = time.monotonic() - started
    time.sleep(3)  # a duplicate would arrive by now
    arrived = sink.messages[before:]
    to_client = [raw for rcpt, raw in arrived if client_user.email in rcpt]
    assert len(to_client) == 1, f"{len(to_client)} emails to the client, expected 1"
    message = email.message_from_bytes(to_client[0], policy=policy.default)
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert str(message["Subject"]) == expected_subject, message["Subject"]
    assert 'lang="es"' in html, "the HTML part is not in Spanish"
    assert message["List-Unsubscribe"] and message["List-Unsubscribe-Post"]
    raw = to_client[0].decode("utf-8", "replace")
    assert MARKER not in raw, "the message's text is in the email"
    print(f"ok: one email to the client in {elapsed:.1f} s, in their language (es), no text")
    print(f"   subject: {message['Subject']}; text part: {len(text)} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())

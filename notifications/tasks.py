"""Celery jobs, each calling a service; scans read the database, so a worker catches up."""

import datetime as dt
import smtplib

from celery import shared_task

from . import services

# A mail server that fails or refuses for a while: tried again at 10 s, 20 s, 40 s... 30 min.
RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 10,
    "retry_backoff_max": 1800,
    "retry_jitter": True,
    "max_retries": 12,
}


@shared_task(**RETRY)
def deliver_event(event):
    services.event_deliver(event=event)


@shared_task(**RETRY)
def deliver_notification(notification_id):
    services.notification_deliver(notification_id=notification_id)


@shared_task
def deliver_due():
    """Every minute: what is due and not sent (held by quiet hours, missed, or reminders)."""
    for notification_id in services.pending_due():
        deliver_notification.delay(notification_id)


@shared_task
def record_reminders():
    services.reminders_record()
    deliver_due.delay()


@shared_task
def send_digests():
    for user_id, day in services.digests_due():
        send_digest.delay(user_id, day.isoformat())


@shared_task(**RETRY)
def send_digest(user_id, day):
    services.digest_send(user_id=user_id, day=dt.date.fromisoformat(day))

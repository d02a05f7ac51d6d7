"""Notifications, one row per recipient and event, and each person's email settings."""

import datetime as dt
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.models import CareTeamMembership, Client
from sessions_app.models import Session


class Kind(models.TextChoices):
    SESSION_SCHEDULED = "session_scheduled", _("A session was scheduled")
    SESSION_CHANGED = "session_changed", _("A session was changed")
    SESSION_CANCELLED = "session_cancelled", _("A session was cancelled")
    HOMEWORK_GIVEN = "homework_given", _("Homework was given")
    ANSWER_SUBMITTED = "answer_submitted", _("A client answered homework")
    FEEDBACK_GIVEN = "feedback_given", _("Feedback was given")
    MESSAGE_POSTED = "message_posted", _("A message arrived")
    SESSION_CLOSED = "session_closed", _("A session was closed")
    MEETING_REMINDER = "meeting_reminder", _("A meeting is in 24 hours")
    HOMEWORK_DUE = "homework_due", _("Homework is due in 24 hours")
    ANSWERS_WAITING = "answers_waiting", _("Answers are waiting for feedback")
    QUESTIONNAIRE_RISK = "questionnaire_risk", _("A questionnaire needs attention")


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Right away")
    DIGEST = "digest", _("In a daily digest")
    OFF = "off", _("No email")


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    DIGEST = "digest", _("Waiting for the digest")
    DIGESTED = "digested", _("Sent in a digest")
    SKIPPED = "skipped", _("Not sent")


# Kinds that never go out on their own: answers waiting reach providers in their digest.
DIGEST_ONLY = frozenset({Kind.ANSWERS_WAITING})
# Kinds that reach people at once, whatever the quiet hours say.
URGENT = frozenset({Kind.QUESTIONNAIRE_RISK})
QUIET_START_DEFAULT = dt.time(21, 0)
QUIET_END_DEFAULT = dt.time(7, 0)
DIGEST_TIME = dt.time(7, 0)


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """`user`'s own notifications, about clients whose care team they are on *now*."""
        if not user.is_authenticated:
            return self.none()
        mine = self.filter(user=user)
        provider = user.provider_profile
        if provider is None:
            return mine
        team = CareTeamMembership.objects.filter(provider=provider).values("client_id")
        return mine.filter(Q(client__isnull=True) | Q(client_id__in=team))

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind)
    # What happened, e.g. "message_posted:41": with the recipient, the row's unique key.
    event = models.CharField(_("event"), max_length=120)
    # Derived from the records, not records themselves: they go when their session or client does.
    client = models.ForeignKey(
        Client,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("client"),
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("session"),
    )
    # Where the notification leads, a path of this site (the recipient's page for it).
    path = models.CharField(_("link"), max_length=300)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("email"), max_length=10, choices=EmailStatus, default=EmailStatus.PENDING
    )
    # Held by quiet hours until then; none: as soon as possible.
    email_after = models.DateTimeField(_("email not before"), null=True, blank=True)
    sent_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    digest = models.ForeignKey(
        "Digest",
        on_delete=models.SET_NULL,
        related_name="notifications",
        null=True,
        blank=True,
        verbose_name=_("digest"),
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="notification_event_user"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_created"),
            # The bell's count: a person's unread rows only.
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            # The sweep that sends what is due (a worker that was down catches up).
            models.Index(
                fields=["email_status", "email_after"],
                condition=Q(email_status__in=["pending", "digest"]),
                name="notification_email_waiting",
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.user}"


class EmailSettings(models.Model):
    """Email mode per kind (absent: the kind's default) and quiet hours on the clinic's clock."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_email_settings",
        verbose_name=_("person"),
    )
    modes = models.JSONField(_("email per kind"), default=dict, blank=True)
    quiet_start = models.TimeField(_("quiet hours start"), default=QUIET_START_DEFAULT)
    quiet_end = models.TimeField(_("quiet hours end"), default=QUIET_END_DEFAULT)

    class Meta:
        verbose_name = _("email settings")
        verbose_name_plural = _("email settings")

    def __str__(self):
        return str(self.user)

    def mode_of(self, kind):
        mode = self.modes.get(kind, EmailMode.IMMEDIATE)
        if kind in DIGEST_ONLY and mode == EmailMode.IMMEDIATE:
            return EmailMode.DIGEST
        return mode


class Digest(models.Model):
    """One person's digest of one day (the clinic's date): made once, sent once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_digests",
        verbose_name=_("person"),
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_user_day")]

    def __str__(self):
        return f"{self.user} {self.day}"

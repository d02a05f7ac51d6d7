from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """The audit trail is append-only: events are never changed or removed."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def _raw_delete(self, using):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def of_clinic(self, clinic_id):
        return self.filter(clinic_id=clinic_id)

    def visible_to(self, user):
        """A clinic admin reads their clinic's events; staff use the Django admin."""
        provider = getattr(user, "careprovider", None) if user.is_authenticated else None
        if provider is None or not provider.is_clinic_admin:
            return self.none()
        return self.of_clinic(provider.clinic_id)


class AuditEvent(models.Model):
    """Who did what to health records or accounts, when and from where; never free text."""

    class Outcome(models.TextChoices):
        OK = "ok", _("Allowed")
        DENIED = "denied", _("Refused")
        FAILED = "failed", _("Failed")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # Kept as plain values as well as a link, so the record survives the account's changes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("person"),
    )
    user_email = models.CharField(_("email address"), max_length=254, blank=True)
    role = models.CharField(_("role"), max_length=20, blank=True)
    clinic_id = models.BigIntegerField(_("clinic"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=80)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome, default=Outcome.OK)
    object_type = models.CharField(_("object type"), max_length=40, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    # With its query string: a list read's filters are part of what was read.
    path = models.CharField(_("path"), max_length=2000, blank=True)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # The server's id of the request; what the client sent as X-Request-ID is kept apart.
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_request_id = models.CharField(_("client's request id"), max_length=64, blank=True)
    # A list read: the UUIDs of the objects it showed (space-separated; none when there were
    # more than audit.context.LISTED_IDS_MAX) and how many matched in all.
    listed_ids = models.TextField(_("objects listed"), blank=True)
    listed_count = models.PositiveIntegerField(_("number listed"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["clinic_id", "at"], name="audit_clinic_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["user", "at"], name="audit_user_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.user_email or 'anonymous'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")

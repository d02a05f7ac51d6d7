import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_secret():
    # 32 random bytes: 256 bits, far past guessing (issue 15 asks for at least 128).
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar feed: whoever knows the secret reads their meetings."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("person"),
    )
    secret = models.CharField(_("secret"), max_length=64, default=new_secret, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            # The feed URL is looked up by its secret: unique, so indexed.
            models.UniqueConstraint(fields=["secret"], name="calendarfeed_secret_unique"),
        ]

    def __str__(self):
        return _("Calendar feed of %(person)s") % {"person": self.user}

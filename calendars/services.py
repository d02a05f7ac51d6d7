"""Writes of the calendar feeds: create, regenerate, revoke; a fetch's count and audit event."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from audit.services import record

from .models import CalendarFeed, new_secret

WINDOW_SECONDS = 3600


def _require_role(user):
    if not user.role:
        raise PermissionDenied(gettext("Only people of a clinic have a calendar feed."))


def calendar_feed_create(*, user):
    """The person's feed, made now if they have none (one live secret per person)."""
    _require_role(user)
    with transaction.atomic():
        feed, created = CalendarFeed.objects.get_or_create(user=user)
        if created:
            record(action="calendar_feed.create", user=user, obj=feed)
    return feed


def calendar_feed_regenerate(*, user):
    """A new secret: the old URL answers 404 from now on."""
    _require_role(user)
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
        if feed is None:
            feed = CalendarFeed.objects.create(user=user)
        else:
            feed.secret = new_secret()
            feed.save(update_fields=["secret"])
        record(action="calendar_feed.regenerate", user=user, obj=feed)
    return feed


def calendar_feed_revoke(*, user):
    """Delete the person's feed; False when they had none."""
    _require_role(user)
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
        if feed is None:
            return False
        record(action="calendar_feed.revoke", user=user, obj=feed)
        feed.delete()
    return True


def calendar_feed_fetch(*, feed, now, request=None):
    """Count a fetch of `feed`; seconds to wait when it is over the limit, else None and the
    fetch is audited under the feed's owner (the caller is not known: no log-in)."""
    window = int(now.timestamp()) // WINDOW_SECONDS
    key = f"calendar-feed-fetches:{feed.pk}:{window}"
    cache.add(key, 0, WINDOW_SECONDS + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS + 60)
        count = 1
    if count > settings.CALENDAR_FEED_FETCHES_PER_HOUR:
        return (window + 1) * WINDOW_SECONDS - int(now.timestamp())
    record(action="calendar_feed.fetch", user=feed.user, obj=feed, request=request, status_code=200)
    return None

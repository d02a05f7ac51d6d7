"""Every read of the notification pages and the header's bell."""

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count

from .models import EmailSettings, Kind, Notification
from .texts import HEADLINES, headline, role_of

PAGE_SIZE = 25


# The bell's count is kept in the cache this long; getting or reading a notification drops it
# at once (services._bell_changed), the minute bounds a count left by a care-team change.
BELL_SECONDS = 60


def bell_key(user_id):
    return f"notifications:unread:{user_id}"


def _unread_by_session(*, user, request=None):
    """{session id (None: about no session): unread count} of `user`'s notifications, from
    the cache, else one grouped count; kept on the request too."""
    kept = getattr(request, "_unread_notifications", None)
    if kept is not None:
        return kept
    key = bell_key(user.pk)
    by_session = cache.get(key)
    if by_session is None:
        unread = Notification.objects.visible_to(user).unread().order_by()
        by_session = dict(unread.values_list("session_id").annotate(n=Count("pk")))
        cache.set(key, by_session, BELL_SECONDS)
    if request is not None:
        request._unread_notifications = by_session
    return by_session


def unread_count(*, user, request=None):
    return sum(_unread_by_session(user=user, request=request).values())


def unread_about(*, user, session, request=None):
    """How many of `user`'s unread notifications are about `session` (no query when the bell
    has been counted)."""
    return _unread_by_session(user=user, request=request).get(session.pk, 0)


def unread_about_read(request, session):
    """The request's page has just read its session's notifications."""
    kept = getattr(request, "_unread_notifications", None)
    if kept is not None:
        request._unread_notifications = {k: n for k, n in kept.items() if k != session.pk}


def notification_list_page(*, viewer, page):
    """A page of the viewer's notifications, newest first, each with its headline."""
    rows = (
        Notification.objects.visible_to(viewer)
        .select_related("session", "client__user")
        .only(
            "uuid",
            "kind",
            "path",
            "created_at",
            "read_at",
            "session__number",
            "client__user__full_name",
        )
        .order_by("-created_at", "-pk")
    )
    paginator = Paginator(rows, PAGE_SIZE)
    page_obj = paginator.get_page(page)
    role = role_of(viewer)
    for notification in page_obj.object_list:
        notification.headline = headline(notification.kind, role)
    return page_obj


def visible_notification(*, viewer, notification_id):
    return Notification.objects.visible_to(viewer).filter(uuid=notification_id).first()


def email_settings_of(*, user):
    """(settings, [(kind, label, mode)]) for the kinds `user`'s role receives."""
    prefs = EmailSettings.objects.filter(user=user).first() or EmailSettings(user=user)
    role = role_of(user)
    kinds = [kind for kind in Kind if (kind, role) in HEADLINES]
    return prefs, [(kind, headline(kind, role), prefs.mode_of(kind)) for kind in kinds]

"""Notification emails, with a one-click unsubscribe (RFC 8058). The templates receive no
free text at all, so none can leak into an email."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext, ngettext

from clinic.services import chosen_language

from .texts import headline


def _absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def _message(user, *, subject, template, context, unsubscribe_kind):
    from .services import unsubscribe_token

    token = unsubscribe_token(user=user, kind=unsubscribe_kind)
    unsubscribe_url = _absolute(reverse("notifications:unsubscribe", args=[token]))
    context = {
        **context,
        "unsubscribe_url": unsubscribe_url,
        "settings_url": _absolute(reverse("notifications:settings")),
    }
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def language_of(user):
    # The recipient's chosen language, else the product's: never a worker's or a sender's.
    return chosen_language(user, default=settings.LANGUAGE_CODE)


def notification_email(notification, *, role):
    user = notification.user
    with translation.override(language_of(user)):
        subject = str(headline(notification.kind, role))
        link = _absolute(reverse("notifications:open", args=[notification.uuid]))
        return _message(
            user,
            subject=subject,
            template="notification",
            context={"headline": subject, "link": link},
            unsubscribe_kind=notification.kind,
        )


def digest_email(user, notifications, *, role, day):
    from .services import ALL_DIGEST

    counts = {}
    for notification in notifications:
        counts[notification.kind] = counts.get(notification.kind, 0) + 1
    with translation.override(language_of(user)):
        subject = gettext("Your CareSessions digest for %(day)s") % {
            "day": formats.date_format(day, "SHORT_DATE_FORMAT")
        }
        lines = [
            ngettext("%(headline)s (%(count)s time)", "%(headline)s (%(count)s times)", count)
            % {"headline": headline(kind, role), "count": count}
            for kind, count in counts.items()
        ]
        return _message(
            user,
            subject=subject,
            template="digest",
            context={
                "subject": subject,
                "lines": lines,
                "link": _absolute(reverse("notifications:list")),
            },
            unsubscribe_kind=ALL_DIGEST,
        )

from django import template
from django.utils import timezone
from django.utils.html import format_html

from sessions_app.models import Session

register = template.Library()

TIMING_STYLES = {
    Session.Timing.UPCOMING: "text-bg-info",
    Session.Timing.IN_PROGRESS: "text-bg-success",
    Session.Timing.OVERDUE: "text-bg-warning",
    Session.Timing.CLOSED: "text-bg-secondary",
}


@register.filter
def when(value):
    """A moment on the current (clinic's) wall clock, with the zone's abbreviation."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return local.strftime("%a %-d %b %Y, %H:%M ") + (local.tzname() or "")


@register.simple_tag
def timing_badge(session, now=None):
    timing = session.timing_at(now or timezone.now())
    return format_html(
        '<span class="badge {}" data-timing="{}">{}</span>',
        TIMING_STYLES[timing],
        timing.value,
        timing.label,
    )

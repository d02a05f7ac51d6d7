"""Every read the audit trail's page makes, from AuditEvent.objects.visible_to()."""

from django.core.paginator import Paginator

from .models import AuditEvent

EVENTS_PER_PAGE = 50


def clinic_audit_events(*, admin, page):
    """One page (a django.core.paginator.Page) of the admin's clinic's events, newest
    first. `page` is the number asked for: past the end gives the last page, anything
    that is not a number the first."""
    events = AuditEvent.objects.visible_to(admin.user).order_by("-at", "-pk")
    return Paginator(events, EVENTS_PER_PAGE).get_page(page)

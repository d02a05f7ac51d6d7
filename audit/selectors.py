"""Every read the audit trail's page makes, from AuditEvent.objects.visible_to()."""

from django.core.paginator import Paginator

from .models import AuditEvent

EVENTS_PER_PAGE = 50


def clinic_audit_events(*, admin, page):
    """A Paginator.get_page() page of the clinic's events, newest first."""
    events = AuditEvent.objects.visible_to(admin.user).order_by("-at", "-pk")
    return Paginator(events, EVENTS_PER_PAGE).get_page(page)

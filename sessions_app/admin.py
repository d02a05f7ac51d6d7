"""The clinical records in the Django admin: for reading and searching. Changes go through
the pages and the API, where the rules of services.py apply; the admin never bypasses them.

Times are shown on the clinic's clock with the zone's abbreviation ("2026-12-07 09:00 EST"):
the admin lists sessions of clinics in many zones, and its own zone (UTC) is nobody's."""

import datetime as dt

from django.contrib import admin
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from .models import Assignment, Feedback, IdempotencyRecord, Message, Session, SessionChange

TIME_FORMAT = "Y-m-d H:i T"


def clinic_time(value, clinic):
    """`value` on `clinic`'s clock, its zone named; None (shown as "-") when unset."""
    if value is None:
        return None
    return dateformat.format(timezone.localtime(value, clinic.tzinfo), TIME_FORMAT)


def utc_time(value):
    """`value` in UTC, so labelled, for what belongs to no clinic."""
    if value is None:
        return None
    return dateformat.format(value.astimezone(dt.UTC), TIME_FORMAT)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["title", "due", "submitted", "created_by"]
    readonly_fields = fields
    show_change_link = True

    # The formset gives each item its session (the page's): no query per row.
    @admin.display(description=_("due (clinic time)"))
    def due(self, obj):
        return clinic_time(obj.due_at, obj.session.clinic)

    @admin.display(description=_("submitted (clinic time)"))
    def submitted(self, obj):
        return clinic_time(obj.submitted_at, obj.session.clinic)


class SessionChangeInline(ReadOnlyInline):
    model = SessionChange
    fields = ["kind", "changed", "changed_by", "fields", "reason"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by__user", "clinic")

    @admin.display(description=_("changed at (clinic time)"))
    def changed(self, obj):
        return clinic_time(obj.changed_at, obj.clinic)


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "uuid",
        "client",
        "provider",
        "clinic",
        "starts",
        "ends",
        "meeting",
        "status",
    ]
    list_display_links = ["number", "uuid"]
    list_filter = ["status", "clinic"]
    search_fields = ["uuid", "client__user__full_name", "client__user__email"]
    list_select_related = ["client__user", "provider__user", "clinic"]
    date_hierarchy = "starts_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "uuid",
                    "number",
                    "client",
                    "provider",
                    "clinic",
                    "series_id",
                    "sequence",
                    "starts",
                    "ends",
                    "status",
                    "created_by",
                    "created",
                ]
            },
        ),
        (
            _("Meeting"),
            {
                "fields": [
                    "meeting",
                    "meeting_ends",
                    "meeting_minutes",
                    "meeting_place",
                    "meeting_video_url",
                ]
            },
        ),
        (_("Closing"), {"fields": ["closed", "closed_by", "close_note"]}),
        (_("Cancellation"), {"fields": ["cancelled", "cancelled_by", "cancel_reason"]}),
    ]
    readonly_fields = [name for _, spec in fieldsets for name in spec["fields"]]
    inlines = [AssignmentInline, SessionChangeInline]

    @admin.display(description=_("starts (clinic time)"), ordering="starts_at")
    def starts(self, obj):
        return clinic_time(obj.starts_at, obj.clinic)

    @admin.display(description=_("ends (clinic time)"), ordering="ends_at")
    def ends(self, obj):
        return clinic_time(obj.ends_at, obj.clinic)

    @admin.display(description=_("meeting (clinic time)"), ordering="meeting_starts_at")
    def meeting(self, obj):
        return clinic_time(obj.meeting_starts_at, obj.clinic)

    @admin.display(description=_("meeting ends (clinic time)"))
    def meeting_ends(self, obj):
        return clinic_time(obj.meeting_ends_at, obj.clinic)

    @admin.display(description=_("created at (clinic time)"))
    def created(self, obj):
        return clinic_time(obj.created_at, obj.clinic)

    @admin.display(description=_("closed at (clinic time)"))
    def closed(self, obj):
        return clinic_time(obj.closed_at, obj.clinic)

    @admin.display(description=_("cancelled at (clinic time)"))
    def cancelled(self, obj):
        return clinic_time(obj.cancelled_at, obj.clinic)


@admin.register(SessionChange)
class SessionChangeAdmin(ReadOnlyAdmin):
    list_display = ["session", "kind", "changed", "changed_by", "clinic"]
    list_filter = ["kind", "clinic"]
    search_fields = ["session__uuid", "changed_by__user__full_name"]
    list_select_related = ["session__client__user", "changed_by__user", "clinic"]
    fields = ["session", "clinic", "kind", "changed", "changed_by", "fields", "reason"]
    readonly_fields = fields

    @admin.display(description=_("changed at (clinic time)"), ordering="changed_at")
    def changed(self, obj):
        return clinic_time(obj.changed_at, obj.clinic)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["title", "session", "due", "status", "submitted"]
    search_fields = ["uuid", "title"]
    list_select_related = ["session__client__user", "session__clinic"]

    @admin.display(description=_("due (clinic time)"), ordering="due_at")
    def due(self, obj):
        return clinic_time(obj.due_at, obj.session.clinic)

    @admin.display(description=_("submitted (clinic time)"), ordering="submitted_at")
    def submitted(self, obj):
        return clinic_time(obj.submitted_at, obj.session.clinic)


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "assignment", "author", "created"]
    list_select_related = ["assignment", "author__user", "clinic"]
    search_fields = ["uuid"]

    @admin.display(description=_("created at (clinic time)"), ordering="created_at")
    def created(self, obj):
        return clinic_time(obj.created_at, obj.clinic)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "session", "author", "created"]
    list_select_related = ["session__client__user", "author", "clinic"]
    search_fields = ["uuid"]

    @admin.display(description=_("created at (clinic time)"), ordering="created_at")
    def created(self, obj):
        return clinic_time(obj.created_at, obj.clinic)


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    """What the API answered to a key, for reading; the answer itself stays out of sight."""

    list_display = ["key", "user", "status_code", "created"]
    list_filter = ["status_code"]
    search_fields = ["key", "user__email"]
    list_select_related = ["user"]
    fields = ["user", "key", "fingerprint", "status_code", "content_type", "created"]
    readonly_fields = fields

    @admin.display(description=_("created at (UTC)"), ordering="created_at")
    def created(self, obj):
        return utc_time(obj.created_at)

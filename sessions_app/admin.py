"""Clinical records in the admin, read-only: changes go through services.py's rules. Times are
on each clinic's clock with the zone's abbreviation: the admin's own zone (UTC) is nobody's."""

import datetime as dt
import operator

from django.contrib import admin
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from . import instruments
from .models import (
    Assignment,
    Feedback,
    IdempotencyRecord,
    Message,
    QuestionnaireResponse,
    Session,
    SessionChange,
)

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


def clinic_time_column(field, description, *, sortable=True, clinic="clinic"):
    """An admin column or read-only field: `field` on the clock of the row's `clinic` path."""
    clinic = operator.attrgetter(clinic)

    @admin.display(description=description, ordering=field if sortable else None)
    def column(self, obj):
        return clinic_time(getattr(obj, field), clinic(obj))

    return column


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["title", "due", "submitted", "created_by"]
    readonly_fields = fields
    show_change_link = True

    # The formset gives each item its session (the page's): no query per row.
    due = clinic_time_column(
        "due_at", _("due (clinic time)"), sortable=False, clinic="session.clinic"
    )

    submitted = clinic_time_column(
        "submitted_at",
        _("submitted (clinic time)"),
        sortable=False,
        clinic="session.clinic",
    )


class QuestionnaireColumns:
    """What the questionnaire answers' list and the homework page both show of a response."""

    @admin.display(description=_("severity"))
    def severity(self, obj):
        return obj.band_label

    @admin.display(description=_("needs attention"), boolean=True)
    def needs_attention(self, obj):
        return obj.needs_attention

    flagged = clinic_time_column("flagged_at", _("flagged at (clinic time)"))

    acknowledged = clinic_time_column("acknowledged_at", _("acknowledged at (clinic time)"))

    submitted = clinic_time_column("submitted_at", _("submitted (clinic time)"))


# A response's columns, in the Assignment page's inline and in the responses' list.
RESPONSE_COLUMNS = [
    "instrument",
    "total",
    "severity",
    "needs_attention",
    "flagged",
    "acknowledged_by",
    "acknowledged",
    "submitted",
]


class QuestionnaireResponseInline(QuestionnaireColumns, ReadOnlyInline):
    model = QuestionnaireResponse
    fields = RESPONSE_COLUMNS
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("clinic", "acknowledged_by__user")


class SessionChangeInline(ReadOnlyInline):
    model = SessionChange
    fields = ["kind", "changed", "changed_by", "fields", "reason"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by__user", "clinic")

    changed = clinic_time_column("changed_at", _("changed at (clinic time)"), sortable=False)


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

    starts = clinic_time_column("starts_at", _("starts (clinic time)"))

    ends = clinic_time_column("ends_at", _("ends (clinic time)"))

    meeting = clinic_time_column("meeting_starts_at", _("meeting (clinic time)"))

    meeting_ends = clinic_time_column(
        "meeting_ends_at", _("meeting ends (clinic time)"), sortable=False
    )

    created = clinic_time_column("created_at", _("created at (clinic time)"), sortable=False)

    closed = clinic_time_column("closed_at", _("closed at (clinic time)"), sortable=False)

    cancelled = clinic_time_column("cancelled_at", _("cancelled at (clinic time)"), sortable=False)


@admin.register(SessionChange)
class SessionChangeAdmin(ReadOnlyAdmin):
    list_display = ["session", "kind", "changed", "changed_by", "clinic"]
    list_filter = ["kind", "clinic"]
    search_fields = ["session__uuid", "changed_by__user__full_name"]
    list_select_related = ["session__client__user", "changed_by__user", "clinic"]
    fields = ["session", "clinic", "kind", "changed", "changed_by", "fields", "reason"]
    readonly_fields = fields

    changed = clinic_time_column("changed_at", _("changed at (clinic time)"))


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["title", "session", "due", "status", "submitted"]
    search_fields = ["uuid", "title"]
    list_select_related = ["session__client__user", "session__clinic"]

    # The page shows times on the clinic's clock too, not the admin's UTC.
    fields = [
        "session",
        "kind",
        "title",
        "instructions",
        "due",
        "created_by",
        "created",
        "status",
        "response",
        "submitted",
    ]
    readonly_fields = fields

    due = clinic_time_column("due_at", _("due (clinic time)"), clinic="session.clinic")

    created = clinic_time_column("created_at", _("created (clinic time)"), clinic="session.clinic")

    submitted = clinic_time_column(
        "submitted_at", _("submitted (clinic time)"), clinic="session.clinic"
    )

    def get_inlines(self, request, obj):
        # A questionnaire's answers are its response; free-text homework has none.
        if obj is not None and instruments.instrument(obj.kind) is not None:
            return [QuestionnaireResponseInline]
        return []


class InstrumentFilter(admin.SimpleListFilter):
    title = _("questionnaire")
    parameter_name = "instrument"

    def lookups(self, request, model_admin):
        return [(code, instrument.name) for code, instrument in instruments.INSTRUMENTS.items()]

    def queryset(self, request, queryset):
        if self.value() in instruments.INSTRUMENTS:
            return queryset.filter(instrument=self.value())
        return queryset


class SeverityFilter(admin.SimpleListFilter):
    """The bands of every questionnaire by name, mildest first (GAD-7 has no "moderately
    severe"); no query for the choices."""

    title = _("severity")
    parameter_name = "band"

    def lookups(self, request, model_admin):
        bands = {}
        for instrument in instruments.INSTRUMENTS.values():
            for band in instrument.bands:
                bands.setdefault(band.code, band)
        return [
            (band.code, band.label)
            for band in sorted(bands.values(), key=lambda b: (b.low, b.high))
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(band=self.value())
        return queryset


class AttentionFilter(admin.SimpleListFilter):
    title = _("risk flag")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("Flagged, not acknowledged")),
            ("acknowledged", _("Flagged and acknowledged")),
            ("unflagged", _("Not flagged")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "waiting":
                return queryset.needing_attention()
            case "acknowledged":
                return queryset.filter(acknowledged_at__isnull=False)
            case "unflagged":
                return queryset.filter(flagged_at__isnull=True)
        return queryset


@admin.register(QuestionnaireResponse)
class QuestionnaireResponseAdmin(QuestionnaireColumns, ReadOnlyAdmin):
    list_display = ["session", "client", *RESPONSE_COLUMNS]
    list_filter = [InstrumentFilter, SeverityFilter, AttentionFilter, "clinic"]
    search_fields = ["assignment__session__uuid", "client__user__email", "client__user__full_name"]
    list_select_related = ["assignment__session", "client__user", "acknowledged_by__user", "clinic"]
    ordering = ["-submitted_at", "-pk"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "session",
                    "session_uuid",
                    "assignment",
                    "client",
                    "clinic",
                    "instrument",
                    "answers",
                    "total",
                    "severity",
                    "submitted",
                ]
            },
        ),
        (
            _("Risk"),
            {"fields": ["needs_attention", "flagged", "acknowledged_by", "acknowledged"]},
        ),
    ]
    readonly_fields = [name for _, spec in fieldsets for name in spec["fields"]]

    def get_queryset(self, request):
        # The change page too reads the session, the people and the clinic at once.
        return super().get_queryset(request).select_related(*self.list_select_related)

    @admin.display(description=_("session number"), ordering="assignment__session__number")
    def session(self, obj):
        return obj.assignment.session.number

    @admin.display(description=_("session UUID"))
    def session_uuid(self, obj):
        return obj.assignment.session.uuid


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "assignment", "author", "created"]
    list_select_related = ["assignment", "author__user", "clinic"]
    search_fields = ["uuid"]

    created = clinic_time_column("created_at", _("created at (clinic time)"))


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "session", "author", "created"]
    list_select_related = ["session__client__user", "author", "clinic"]
    search_fields = ["uuid"]

    created = clinic_time_column("created_at", _("created at (clinic time)"))


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

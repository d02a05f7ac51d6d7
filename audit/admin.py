from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: staff read the trail, nobody edits it."""

    list_display = [
        "at",
        "user_email",
        "role",
        "action",
        "outcome",
        "object_type",
        "object_id",
        "ip",
    ]
    list_filter = ["outcome", "role", "object_type"]
    search_fields = [
        "user_email",
        "action",
        "object_id",
        "request_id",
        "client_request_id",
        "listed_ids",
    ]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

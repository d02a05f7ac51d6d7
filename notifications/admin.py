from django.contrib import admin

from sessions_app.admin import ReadOnlyAdmin

from .models import Digest, EmailSettings, Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["kind", "user", "created_at", "read_at", "email_status", "sent_at"]
    list_filter = ["kind", "email_status"]
    list_select_related = ["user"]
    search_fields = ["user__email", "event"]
    fields = [*list_display, "event", "email_after", "path"]
    readonly_fields = fields


@admin.register(EmailSettings)
class EmailSettingsAdmin(ReadOnlyAdmin):
    list_display = ["user", "quiet_start", "quiet_end"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    fields = ["user", "modes", "quiet_start", "quiet_end"]
    readonly_fields = fields


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["user", "day", "sent_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    fields = list_display
    readonly_fields = fields

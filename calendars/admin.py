from django.contrib import admin

from sessions_app.admin import ReadOnlyAdmin

from .models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    # The secret is the feed's only key: never on a page, not even the admin's.
    list_display = ["user", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    fields = ["user", "created_at"]
    readonly_fields = fields

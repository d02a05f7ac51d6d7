"""The clinical records in the Django admin: for reading and searching. Changes go through
the pages and the API, where the rules of services.py apply; the admin never bypasses them."""

from django.contrib import admin

from .models import Assignment, Feedback, Message, Session


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ["title", "due_at", "submitted_at", "created_by"]
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "client", "provider", "clinic", "starts_at", "ends_at", "status"]
    list_filter = ["status", "clinic"]
    search_fields = ["uuid", "client__user__full_name", "client__user__email"]
    list_select_related = ["client__user", "provider__user", "clinic"]
    date_hierarchy = "starts_at"
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["title", "session", "due_at", "status", "submitted_at"]
    search_fields = ["uuid", "title"]
    list_select_related = ["session__client__user"]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "assignment", "author", "created_at"]
    list_select_related = ["assignment", "author__user"]
    search_fields = ["uuid"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "session", "author", "created_at"]
    list_select_related = ["session__client__user", "author"]
    search_fields = ["uuid"]

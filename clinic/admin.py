from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken as KnoxAuthToken

from .models import ApiToken, CareProvider, CareTeamMembership, Client, Clinic, User

admin.site.site_header = _("CareSessions administration")
admin.site.site_title = _("CareSessions admin")

ROLE_LABELS = {"provider": _("Care provider"), "client": _("Client")}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role_label", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["uuid", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["uuid", "email", "password"]}),
        (_("Person"), {"fields": ["full_name", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "password1", "password2"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("careprovider", "client")

    @admin.display(description=_("role"))
    def role_label(self, obj):
        return ROLE_LABELS.get(obj.role, "—")


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["uuid"]


@admin.register(CareProvider)
class CareProviderAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "clinic", "title", "is_clinic_admin"]
    list_filter = ["clinic", "is_clinic_admin"]
    search_fields = ["user__full_name", "user__email", "title"]
    list_select_related = ["user", "clinic"]
    autocomplete_fields = ["user"]
    readonly_fields = ["uuid"]

    @admin.display(description=_("email address"), ordering="user__email")
    def email(self, obj):
        return obj.user.email


class CareTeamInline(admin.TabularInline):
    model = CareTeamMembership
    extra = 1
    autocomplete_fields = ["provider"]
    verbose_name = _("care-team member")
    verbose_name_plural = _("care team")


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "clinic", "date_of_birth", "care_team_names"]
    list_filter = ["clinic"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user", "clinic"]
    autocomplete_fields = ["user"]
    readonly_fields = ["uuid"]
    inlines = [CareTeamInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("care_team__user")

    @admin.display(description=_("email address"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description=_("care team"))
    def care_team_names(self, obj):
        return ", ".join(str(p) for p in obj.care_team.all()) or "—"


if admin.site.is_registered(KnoxAuthToken):
    admin.site.unregister(KnoxAuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens without their keys (only hashes are kept): staff revoke (delete) them, never make
    one, since a token made for someone else would let staff act as them through the API."""

    list_display = ["name", "user", "created", "expiry", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["name", "user__email"]
    fields = ["name", "user", "created", "expiry", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

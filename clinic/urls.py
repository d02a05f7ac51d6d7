from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from audit.views import ClinicAuditView
from sessions_app.api.schema import SchemaView

from . import views

clinic_patterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("provider/clinic/", views.PeopleView.as_view(), name="people"),
    path("provider/clinic/audit/", ClinicAuditView.as_view(), name="audit"),
    path("provider/clinic/invite/", views.InviteView.as_view(), name="invite"),
    path(
        "provider/clinic/clients/<uuid:client_id>/care-team/",
        views.CareTeamEditView.as_view(),
        name="care-team-edit",
    ),
    path("invitation/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("accounts/api-token/", views.ApiTokenView.as_view(), name="api-token"),
    path("accounts/settings/", views.AccountSettingsView.as_view(), name="account"),
]

# The admin's own log-in would bypass allauth's rate limits: send it through allauth.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include((clinic_patterns, "clinic"))),
    path("", include("sessions_app.urls")),
    path("", include("calendars.urls")),
    path("api/v1/", include("sessions_app.api.urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's set-up as a script file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "clinic.views.page_not_found"

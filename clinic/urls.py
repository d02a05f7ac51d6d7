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
    path("readyz", views.readyz, name="readyz"),
    path("provider/clinic/", views.PeopleView.as_view(), name="people"),
    path("provider/clinic/audit/", ClinicAuditView.as_view(), name="audit"),
    path("provider/clinic/invite/", views.InviteView.as_view(), name="invite"),
    path(
        "provider/clinic/clients/<uuid:client_id>/care-team/",
        views.CareTeamEditView.as_view(),
        name="care-team-edit",
    ),
    path(
        "provider/clinic/invitations/<uuid:invitation_id>/resend/",
        views.InvitationActionView.as_view(action="resend"),
        name="invitation-resend",
    ),
    path(
        "provider/clinic/invitations/<uuid:invitation_id>/revoke/",
        views.InvitationActionView.as_view(action="revoke"),
        name="invitation-revoke",
    ),
    path(
        "provider/clinic/providers/<uuid:provider_id>/edit/",
        views.PersonEditView.as_view(role="provider"),
        name="provider-edit",
    ),
    path(
        "provider/clinic/providers/<uuid:provider_id>/deactivate/",
        views.PersonDeactivateView.as_view(role="provider"),
        name="provider-deactivate",
    ),
    path(
        "provider/clinic/providers/<uuid:provider_id>/reactivate/",
        views.PersonReactivateView.as_view(role="provider"),
        name="provider-reactivate",
    ),
    path(
        "provider/clinic/providers/<uuid:provider_id>/sessions/",
        views.HandOverView.as_view(),
        name="provider-hand-over",
    ),
    path(
        "provider/clinic/clients/<uuid:client_id>/edit/",
        views.PersonEditView.as_view(role="client"),
        name="client-edit",
    ),
    path(
        "provider/clinic/clients/<uuid:client_id>/deactivate/",
        views.PersonDeactivateView.as_view(role="client"),
        name="client-deactivate",
    ),
    path(
        "provider/clinic/clients/<uuid:client_id>/reactivate/",
        views.PersonReactivateView.as_view(role="client"),
        name="client-reactivate",
    ),
    path("invitation/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("accounts/api-token/", views.ApiTokenView.as_view(), name="api-token"),
    path("accounts/api-token/new/", views.ApiTokenCreateView.as_view(), name="api-token-create"),
    path("accounts/settings/", views.AccountSettingsView.as_view(), name="account"),
    path("accounts/keep-alive/", views.keep_alive, name="keep-alive"),
]

# The admin's own log-in would bypass allauth's rate limits: send it through allauth.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include((clinic_patterns, "clinic"))),
    path("", include("sessions_app.urls")),
    path("", include("calendars.urls")),
    path("", include("notifications.urls")),
    path("api/v1/", include("sessions_app.api.urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's set-up as a script file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "clinic.views.page_not_found"
handler500 = "clinic.views.server_error"

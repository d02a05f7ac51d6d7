from django.urls import path

from .views import portal, provider, provider_lists

app_name = "sessions_app"

urlpatterns = [
    # Care providers.
    path("provider/", provider_lists.DashboardView.as_view(), name="provider-dashboard"),
    path(
        "provider/sessions/", provider_lists.SessionListView.as_view(), name="provider-session-list"
    ),
    path(
        "provider/sessions/new/", provider.ScheduleView.as_view(), name="provider-session-schedule"
    ),
    path(
        "provider/sessions/<uuid:session_id>/",
        provider.SessionDetailView.as_view(),
        name="provider-session-detail",
    ),
    path(
        "provider/sessions/<uuid:session_id>/close/",
        provider.SessionCloseView.as_view(),
        name="provider-session-close",
    ),
    path(
        "provider/sessions/<uuid:session_id>/next/",
        provider.ScheduleNextView.as_view(),
        name="provider-session-next",
    ),
    path(
        "provider/sessions/<uuid:session_id>/change/",
        provider.SessionChangeView.as_view(),
        name="provider-session-change",
    ),
    path(
        "provider/sessions/<uuid:session_id>/cancel/",
        provider.SessionCancelView.as_view(),
        name="provider-session-cancel",
    ),
    path(
        "provider/series/<uuid:series_id>/",
        provider.SeriesDetailView.as_view(),
        name="provider-series-detail",
    ),
    path(
        "provider/sessions/<uuid:session_id>/homework/",
        provider.AssignmentAddView.as_view(),
        name="provider-assignment-add",
    ),
    path(
        "provider/sessions/<uuid:session_id>/messages/",
        provider.MessagePostView.as_view(),
        name="provider-message-post",
    ),
    path(
        "provider/homework/<uuid:assignment_id>/feedback/",
        provider.FeedbackGiveView.as_view(),
        name="provider-feedback-give",
    ),
    path(
        "provider/homework/<uuid:assignment_id>/acknowledge/",
        provider.QuestionnaireAcknowledgeView.as_view(),
        name="provider-questionnaire-acknowledge",
    ),
    path("provider/clients/", provider_lists.ClientListView.as_view(), name="provider-client-list"),
    path(
        "provider/clients/<uuid:client_id>/",
        provider_lists.ClientTimelineView.as_view(),
        name="provider-client-detail",
    ),
    # Clients.
    path("portal/", portal.DashboardView.as_view(), name="portal-dashboard"),
    path("portal/sessions/", portal.SessionListView.as_view(), name="portal-session-list"),
    path("portal/measures/", portal.MeasuresView.as_view(), name="portal-measures"),
    path(
        "portal/sessions/<uuid:session_id>/",
        portal.SessionDetailView.as_view(),
        name="portal-session-detail",
    ),
    path(
        "portal/sessions/<uuid:session_id>/messages/",
        portal.MessagePostView.as_view(),
        name="portal-message-post",
    ),
    path(
        "portal/homework/<uuid:assignment_id>/answer/",
        portal.AssignmentSubmitView.as_view(),
        name="portal-assignment-submit",
    ),
]

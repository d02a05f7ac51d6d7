from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("clients/", views.ClientListView.as_view(), name="client-list"),
    path("clients/<str:id>/measures/", views.ClientMeasuresView.as_view(), name="client-measures"),
    path("sessions/", views.SessionListView.as_view(), name="session-list"),
    path("sessions/<str:id>/", views.SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<str:id>/close/", views.SessionCloseView.as_view(), name="session-close"),
    path("sessions/<str:id>/cancel/", views.SessionCancelView.as_view(), name="session-cancel"),
    path(
        "sessions/<str:id>/assignments/",
        views.AssignmentCreateView.as_view(),
        name="assignment-create",
    ),
    path("sessions/<str:id>/messages/", views.MessageListView.as_view(), name="message-list"),
    path(
        "assignments/<str:id>/submit/",
        views.AssignmentSubmitView.as_view(),
        name="assignment-submit",
    ),
    path(
        "assignments/<str:id>/feedback/",
        views.FeedbackCreateView.as_view(),
        name="feedback-create",
    ),
]

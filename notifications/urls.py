from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="list"),
    path("notifications/read/", views.NotificationReadAllView.as_view(), name="read-all"),
    path(
        "notifications/<uuid:notification_id>/", views.NotificationOpenView.as_view(), name="open"
    ),
    path(
        "notifications/<uuid:notification_id>/read/",
        views.NotificationReadView.as_view(),
        name="read",
    ),
    path("accounts/notifications/", views.EmailSettingsView.as_view(), name="settings"),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
]

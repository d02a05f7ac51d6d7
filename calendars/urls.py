from django.urls import path

from .views import feeds, provider

app_name = "calendars"

urlpatterns = [
    path(
        "provider/calendar/",
        provider.ProviderCalendarView.as_view(),
        name="provider-calendar",
    ),
    path("calendar/<str:secret>.ics", feeds.FeedView.as_view(), name="feed"),
    path("accounts/calendar-feed/create/", feeds.FeedCreateView.as_view(), name="feed-create"),
    path(
        "accounts/calendar-feed/regenerate/",
        feeds.FeedRegenerateView.as_view(),
        name="feed-regenerate",
    ),
    path("accounts/calendar-feed/revoke/", feeds.FeedRevokeView.as_view(), name="feed-revoke"),
    path(
        "portal/sessions/<uuid:session_id>/meeting.ics",
        feeds.PortalMeetingIcsView.as_view(),
        name="portal-meeting-ics",
    ),
]

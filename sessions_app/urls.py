from django.urls import path

from .views import portal, provider

app_name = "sessions_app"

urlpatterns = [
    path("provider/", provider.DashboardView.as_view(), name="provider-dashboard"),
    path("portal/", portal.DashboardView.as_view(), name="portal-dashboard"),
]

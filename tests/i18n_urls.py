"""A URLconf with language-prefixed patterns, for tests of the URL memo's key."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import path


def _view(request, session_id=None):
    return HttpResponse()


urlpatterns = i18n_patterns(
    path("sessions/<uuid:session_id>/", _view, name="session"),
    path("home/", _view, name="home"),
)

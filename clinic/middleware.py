from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render, resolve_url
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from . import failures


class ClinicTimeZoneMiddleware:
    """Show and read times on the wall clock of the person's clinic."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        profile = None
        if user is not None and user.is_authenticated:
            profile = user.provider_profile or user.client_profile
        if profile is not None:
            timezone.activate(profile.clinic.tzinfo)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class LanguageMiddleware:
    """User.language, else the browser's Accept-Language among settings.LANGUAGES, else English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = user.language if user is not None and user.is_authenticated else ""
        # A choice no longer offered (settings.LANGUAGES changed) counts as none.
        if chosen and chosen not in dict(settings.LANGUAGES):
            chosen = ""
        language = chosen or translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response


class ProductErrorPagesMiddleware:
    """A view that lost the database answers 503 (clinic.failures), with DEBUG on or off. With
    DEBUG on, the product's own 404 and 500 pages instead of Django's debug pages, which list
    the URL patterns and settings; the failure still goes to the log, as one line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and response.get("Content-Type", "").startswith("text/html")
        ):
            # A path no URL pattern matches: Django's debug page listed them all.
            return self._page(request, "404.html", 404)
        return response

    def process_exception(self, request, exception):
        if failures.is_database_outage(exception):
            return failures.failure_response(request, exception)
        if not settings.DEBUG:
            return None  # clinic.views.server_error logs it and draws the 500 page
        if isinstance(exception, Http404):
            return self._page(request, "404.html", 404)
        if isinstance(exception, PermissionDenied):
            return None  # Django's 403 handler draws the product's page already
        failures.log_failure(request, exception, 500)
        response = self._page(request, "500.html", 500)
        response._has_been_logged = True
        return response

    @staticmethod
    def _page(request, template, status):
        return render(request, template, status=status)


def _page_of_the_form(request):
    """The page a form was sent from (its Referer, on this site), as a path, or None."""
    referer = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(referer)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if path.startswith(resolve_url(settings.LOGIN_URL)) else path


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's, but a form sent after the log-in ended returns, once logged in again, to the
    page the form was on, not to the form's action (a GET there answers 405)."""

    def handle_no_permission(self, request, view_func):
        if request.method in ("GET", "HEAD"):
            return super().handle_no_permission(request, view_func)
        page = _page_of_the_form(request) or resolve_url(settings.LOGIN_REDIRECT_URL)
        return redirect_to_login(
            page,
            resolve_url(self.get_login_url(view_func)),
            self.get_redirect_field_name(view_func),
        )

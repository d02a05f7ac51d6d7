"""Protections every request passes through: automatic logoff, two-factor set-up for those
who see client records, and the headers of every answer."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .permissions import mfa_setup_required

CSP_HEADER = "Content-Security-Policy"
LOGIN_AT = "clinic.login_at"
LAST_SEEN = "clinic.last_seen"
# Saving the session on every request would cost a write each time; noting activity once a
# minute is enough for a 15-minute limit (a person may be logged out up to a minute early).
ACTIVITY_RESOLUTION = 60


@receiver(user_logged_in)
def _start_session_clock(sender, request, user, **kwargs):
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now


class SessionTimeoutMiddleware:
    """Automatic logoff (HIPAA 164.312(a)(2)(iii)): ends a session after
    SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_ABSOLUTE_TIMEOUT seconds after
    the log-in whatever the activity. Also ends, for good, a session whose person the
    log-in backend now refuses (deactivated or deleted), so that reactivating them does not
    bring the old session back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            if not request.user.is_authenticated:
                session.flush()
            else:
                self._check_clock(request, session)
        return self.get_response(request)

    def _check_clock(self, request, session):
        now = int(time.time())
        # Sessions from before this middleware start their clocks now.
        login_at = session.setdefault(LOGIN_AT, now)
        last_seen = session.setdefault(LAST_SEEN, now)
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            reason = _logged_out_idle(settings.SESSION_IDLE_TIMEOUT)
        elif now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT:
            reason = _logged_out_at_the_limit(settings.SESSION_ABSOLUTE_TIMEOUT)
        else:
            if now - last_seen >= ACTIVITY_RESOLUTION:
                session[LAST_SEEN] = now
            return
        logout(request)
        # The message outlives the flushed session: it goes in the messages cookie.
        messages.info(request, reason)


def _in_hours(seconds):
    """(True, hours) for a whole number of hours, else (False, minutes)."""
    if seconds % 3600 == 0:
        return True, seconds // 3600
    return False, max(1, seconds // 60)


def _logged_out_idle(seconds):
    in_hours, count = _in_hours(seconds)
    if in_hours:
        text = ngettext(
            "You were logged out after %(count)d hour without activity. Please log in again.",
            "You were logged out after %(count)d hours without activity. Please log in again.",
            count,
        )
    else:
        text = ngettext(
            "You were logged out after %(count)d minute without activity. Please log in again.",
            "You were logged out after %(count)d minutes without activity. Please log in again.",
            count,
        )
    return text % {"count": count}


def _logged_out_at_the_limit(seconds):
    in_hours, count = _in_hours(seconds)
    if in_hours:
        text = ngettext(
            "You were logged out %(count)d hour after logging in. Please log in again.",
            "You were logged out %(count)d hours after logging in. Please log in again.",
            count,
        )
    else:
        text = ngettext(
            "You were logged out %(count)d minute after logging in. Please log in again.",
            "You were logged out %(count)d minutes after logging in. Please log in again.",
            count,
        )
    return text % {"count": count}


# Pages a provider or staff member without an authenticator app may still open: setting one
# up (allauth's mfa_* pages and the password confirmation they ask for), the password pages
# and logging out. Public pages and the API (DRF: clinic.permissions.MFAEnrolled) are not
# this middleware's business.
MFA_SETUP_URL_NAMES = {
    "account_logout",
    "account_reauthenticate",
    "account_change_password",
    "account_set_password",
}


class MFARequiredMiddleware:
    """Sends a provider or staff member who has no authenticator app to set one up before
    any page with client data (MFA_REQUIRED, on unless the local demo turns it off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Public pages and DRF's views (which authenticate themselves) are marked so.
        if not getattr(view_func, "login_required", True):
            return None
        # With its namespace, if any: the admin's pages for allauth's models are not set-up
        # pages ("admin:mfa_authenticator_changelist").
        view_name = request.resolver_match.view_name
        if view_name.startswith("mfa_") or view_name in MFA_SETUP_URL_NAMES:
            return None
        if not mfa_setup_required(request.user):
            return None
        messages.warning(
            request,
            _(
                "Care providers and staff need two-factor authentication to see client "
                "records. Set up an authenticator app to continue."
            ),
        )
        return redirect("mfa_activate_totp")


class SecurityHeadersMiddleware:
    """The headers Django's SecurityMiddleware does not send: the Content-Security-Policy,
    and Cache-Control: no-store, because every page and API answer may hold health data that
    no browser or proxy cache should keep. Static files are served above this middleware
    (whitenoise) and keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # With DEBUG on (the local demo) the browser reports violations in its console but
        # blocks nothing: Django's debug error pages are styled and scripted inline. The
        # tests and production run with DEBUG off, where the policy is enforced.
        header = "Content-Security-Policy-Report-Only" if settings.DEBUG else CSP_HEADER
        response.setdefault(header, settings.CONTENT_SECURITY_POLICY)
        response["Cache-Control"] = "no-store"
        return response

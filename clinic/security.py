"""Per-request protections: automatic logoff, required two-factor set-up, security headers."""

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

LOGIN_AT = "clinic.login_at"
LAST_SEEN = "clinic.last_seen"
# Noting activity once a minute, not on every request, spares a session write per request.
ACTIVITY_RESOLUTION = 60


@receiver(user_logged_in)
def _start_session_clock(sender, request, user, **kwargs):
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now


class SessionTimeoutMiddleware:
    """Automatic logoff (HIPAA 164.312(a)(2)(iii)); flushes sessions of people now refused."""

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
        login_at = session.setdefault(LOGIN_AT, now)
        last_seen = session.setdefault(LAST_SEEN, now)
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            reason = _logged_out_idle(settings.SESSION_IDLE_TIMEOUT)
        elif now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT:
            reason = _logged_out_at_the_limit(settings.SESSION_ABSOLUTE_TIMEOUT)
        else:
            # A short time-out (the browser tests') needs finer notes than once a minute.
            if now - last_seen >= min(ACTIVITY_RESOLUTION, settings.SESSION_IDLE_TIMEOUT // 4):
                session[LAST_SEEN] = now
            return
        logout(request)
        messages.info(request, reason)


def _in_hours(seconds):
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


# Besides allauth's mfa_* pages, what a provider without an authenticator may still open.
MFA_SETUP_URL_NAMES = {
    "account_logout",
    "account_reauthenticate",
    "account_change_password",
    "account_set_password",
}


class MFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Public pages and DRF's views (which authenticate themselves) are marked so.
        if not getattr(view_func, "login_required", True):
            return None
        # Namespaced: "admin:mfa_authenticator_changelist" is not a set-up page.
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
    """Cache-Control: no-store since any answer may hold health data (the CSP: django-csp)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A response may add directives (a feed says `private`), never drop no-store.
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext
from rest_framework.permissions import BasePermission


def provider_of(user):
    return user.provider_profile if user.is_authenticated else None


def client_of(user):
    return user.client_profile if user.is_authenticated else None


def require_provider(user):
    provider = provider_of(user)
    if provider is None:
        raise PermissionDenied(gettext("Only care providers can do this."))
    return provider


def require_client(user):
    client = client_of(user)
    if client is None:
        raise PermissionDenied(gettext("Only clients can do this."))
    return client


def require_clinic_admin(user):
    provider = require_provider(user)
    if not provider.is_clinic_admin:
        raise PermissionDenied(gettext("Only the clinic's administrators can do this."))
    return provider


def has_totp(user):
    """Users loaded by the log-in backend or API token carry the answer (`has_totp`)."""
    annotated = getattr(user, "has_totp", None)
    if annotated is not None:
        return annotated
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_setup_required(user):
    """Providers and staff without an authenticator app (optional for clients)."""
    if not settings.MFA_REQUIRED or not user.is_authenticated:
        return False
    if not user.is_staff and provider_of(user) is None:
        return False
    return not has_totp(user)


class MFAEnrolled(BasePermission):
    """The API's MFARequiredMiddleware: DRF authenticates inside the view, out of its sight."""

    @property
    def message(self):
        return gettext(
            "Two-factor authentication is required for care providers and staff: activate "
            "an authenticator app at %(url)s first."
        ) % {"url": reverse("mfa_activate_totp")}

    def has_permission(self, request, view):
        return not mfa_setup_required(request.user)

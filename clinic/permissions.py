from django.core.exceptions import PermissionDenied


def provider_of(user):
    """The user's CareProvider profile, or None."""
    return user.provider_profile if user.is_authenticated else None


def client_of(user):
    """The user's Client profile, or None."""
    return user.client_profile if user.is_authenticated else None


def require_provider(user):
    provider = provider_of(user)
    if provider is None:
        raise PermissionDenied("Only care providers can do this.")
    return provider


def require_client(user):
    client = client_of(user)
    if client is None:
        raise PermissionDenied("Only clients can do this.")
    return client


def require_clinic_admin(user):
    provider = require_provider(user)
    if not provider.is_clinic_admin:
        raise PermissionDenied("Only the clinic's administrators can do this.")
    return provider

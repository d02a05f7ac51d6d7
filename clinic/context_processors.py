from django.conf import settings


def roles(request):
    """The logged-in person's role profile, for the shared layout's navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    provider = user.provider_profile
    return {
        # The page warns before the idle log-out (static/js/idle.js).
        "idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "current_provider": provider,
        "current_client": user.client_profile,
        "current_clinic": (provider or user.client_profile).clinic
        if (provider or user.client_profile)
        else None,
    }

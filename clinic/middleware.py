from django.utils import timezone


class ClinicTimeZoneMiddleware:
    """Show times on the wall clock of the person's clinic, and read times typed into
    forms on that clock too."""

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

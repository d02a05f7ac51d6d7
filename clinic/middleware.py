from django.conf import settings
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers


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

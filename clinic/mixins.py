from django.contrib.auth.mixins import AccessMixin

from .permissions import require_client, require_clinic_admin, require_provider


class ProviderRequiredMixin(AccessMixin):
    """Care providers only; any other logged-in role gets 403."""

    def dispatch(self, request, *args, **kwargs):
        self.provider = require_provider(request.user)
        return super().dispatch(request, *args, **kwargs)


class ClientRequiredMixin(AccessMixin):
    """Clients only; any other logged-in role gets 403."""

    def dispatch(self, request, *args, **kwargs):
        self.client_profile = require_client(request.user)
        return super().dispatch(request, *args, **kwargs)


class ClinicAdminRequiredMixin(AccessMixin):
    """A clinic's administrators only; other providers and clients get 403."""

    def dispatch(self, request, *args, **kwargs):
        self.admin = require_clinic_admin(request.user)
        return super().dispatch(request, *args, **kwargs)

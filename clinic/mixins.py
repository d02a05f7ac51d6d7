from django.contrib.auth.mixins import AccessMixin

from .permissions import require_client, require_clinic_admin, require_provider


class ProviderRequiredMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        self.provider = require_provider(request.user)
        return super().dispatch(request, *args, **kwargs)


class ClientRequiredMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        self.client_profile = require_client(request.user)
        return super().dispatch(request, *args, **kwargs)


class ClinicAdminRequiredMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        self.admin = require_clinic_admin(request.user)
        return super().dispatch(request, *args, **kwargs)

from django.views.generic import TemplateView

from clinic.mixins import ClinicAdminRequiredMixin

from . import selectors


class ClinicAuditView(ClinicAdminRequiredMixin, TemplateView):
    """A clinic admin reads their own clinic's events, newest first."""

    template_name = "audit/clinic_events.html"

    def get_context_data(self, **kwargs):
        events = selectors.clinic_audit_events(admin=self.admin, page=self.request.GET.get("page"))
        return super().get_context_data(clinic=self.admin.clinic, events=events, **kwargs)

from django.views.generic import ListView

from clinic.mixins import ClinicAdminRequiredMixin

from .models import AuditEvent


class ClinicAuditView(ClinicAdminRequiredMixin, ListView):
    """A clinic admin reads their own clinic's events, newest first."""

    template_name = "audit/clinic_events.html"
    paginate_by = 50
    context_object_name = "events"

    def get_queryset(self):
        return AuditEvent.objects.of_clinic(self.admin.clinic_id).order_by("-at", "-pk")

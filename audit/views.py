import csv

from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView

from clinic.mixins import ClinicAdminRequiredMixin

from . import selectors
from .forms import AuditFilterForm

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class ClinicAuditView(ClinicAdminRequiredMixin, TemplateView):
    """A clinic admin's own clinic's events, filtered; `?export=csv` downloads them."""

    template_name = "audit/clinic_events.html"

    def get(self, request, *args, **kwargs):
        providers, clients = selectors.audit_people(admin=self.admin)
        self.form = AuditFilterForm(request.GET or None, providers=providers, clients=clients)
        if request.GET.get("export") == "csv":
            return self.export()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        events = selectors.clinic_audit_events(
            admin=self.admin, page=self.request.GET.get("page"), filters=self.form.filters()
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        return super().get_context_data(
            clinic=self.admin.clinic,
            events=events,
            form=self.form,
            query=query.urlencode(),
            **kwargs,
        )

    def export(self):
        described = selectors.clinic_audit_export(admin=self.admin, filters=self.form.filters())
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "when",
                "who",
                "email",
                "role",
                "what",
                "outcome",
                "action",
                "object_type",
                "object_id",
                "path",
                "listed_count",
                "listed_ids",
                "ip",
                "request_id",
            ]
        )
        for item in described:
            event = item.event
            writer.writerow(
                _cell(value)
                for value in (
                    timezone.localtime(event.at).isoformat(),
                    item.who,
                    event.user_email,
                    event.role,
                    item.sentence,
                    event.get_outcome_display(),
                    event.action,
                    event.object_type,
                    event.object_id,
                    event.path,
                    event.listed_count,
                    event.listed_ids,
                    event.ip,
                    event.request_id,
                )
            )
        return response

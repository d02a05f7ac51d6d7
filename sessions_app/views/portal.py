from django.views.generic import TemplateView

from clinic.mixins import ClientRequiredMixin


class DashboardView(ClientRequiredMixin, TemplateView):
    template_name = "sessions_app/portal/dashboard.html"

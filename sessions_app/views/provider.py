from django.views.generic import TemplateView

from clinic.mixins import ProviderRequiredMixin


class DashboardView(ProviderRequiredMixin, TemplateView):
    template_name = "sessions_app/provider/dashboard.html"

"""Care providers' overview pages: dashboard, session list, clients, a client's timeline."""

from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from audit.context import note_listed
from clinic import selectors as clinic_selectors
from clinic.mixins import ProviderRequiredMixin
from sessions_app import selectors
from sessions_app.list_forms import SessionListFilterForm


def page_url(query):
    """A page number's link: `query` with that page, as Django's {% querystring page=n %}."""
    params = query.copy()

    def at(number):
        params["page"] = number
        return f"?{params.urlencode()}"

    return at


class DashboardView(ProviderRequiredMixin, TemplateView):
    template_name = "sessions_app/provider/dashboard.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        sections = selectors.provider_dashboard(viewer=self.request.user, now=now)
        shown = {
            row.uuid for name in ("in_progress", "overdue", "unread") for row in sections[name].rows
        }
        note_listed("session", sorted(str(uuid) for uuid in shown))
        attention = selectors.needs_attention(viewer=self.request.user)
        # A provider on no care team yet is told who can add them to one (issue 18 point 8).
        admins = None
        empty = not any(section.total for section in sections.values())
        if empty and not clinic_selectors.has_clients(provider=self.provider):
            admins = clinic_selectors.clinic_admins(clinic_id=self.provider.clinic_id)
        return super().get_context_data(
            now=now, attention=attention, no_clients_admins=admins, **sections, **kwargs
        )


class SessionListView(ProviderRequiredMixin, TemplateView):
    template_name = "sessions_app/provider/session_list.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        form = SessionListFilterForm.for_query(self.request.GET, provider=self.provider)
        page = selectors.session_list_page(
            viewer=self.request.user,
            filters=form.filters(),
            page=self.request.GET.get("page"),
            now=now,
        )
        note_listed("session", [row.uuid for row in page], page.paginator.count)
        return super().get_context_data(
            form=form, page=page, page_url=page_url(self.request.GET), now=now, **kwargs
        )


class ClientListView(ProviderRequiredMixin, TemplateView):
    template_name = "sessions_app/provider/client_list.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        clients = selectors.client_list(viewer=self.request.user, now=now)
        note_listed("client", [client.uuid for client in clients])
        return super().get_context_data(clients=clients, now=now, **kwargs)


class ClientTimelineView(ProviderRequiredMixin, TemplateView):
    """All of a client's sessions, grouped by series, newest series first."""

    template_name = "sessions_app/provider/client_detail.html"

    def get_context_data(self, **kwargs):
        timeline = selectors.client_timeline(
            viewer=self.request.user, client_id=kwargs["client_id"]
        )
        if timeline is None:
            # Off my care team, or of another clinic: not found, whoever asks.
            raise Http404
        return super().get_context_data(timeline=timeline, now=timezone.now(), **kwargs)

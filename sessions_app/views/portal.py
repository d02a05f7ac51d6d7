"""The client portal: dashboard, sessions, homework answers and messages."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from audit.context import note_listed
from clinic.mixins import ClientRequiredMixin
from sessions_app import instruments, selectors, services
from sessions_app.forms import QuestionnaireForm, ResponseForm

from .common import (
    AssignmentActionBase,
    MessagePostBase,
    SessionDetailBase,
    SessionPageMixin,
    message_form,
)


def response_form(assignment, data=None):
    """The answer form of `assignment`: its questions for a questionnaire, else a text."""
    # One form per homework item on the page: ids must stay unique.
    auto_id = f"id_response_{assignment.uuid}_%s"
    instrument = instruments.instrument(assignment.kind)
    if instrument is not None:
        scored = getattr(assignment, "scored", None)
        initial = {}
        if scored is not None:
            initial = {
                instrument.field_name(number): value
                for number, value in enumerate(scored.answers, start=1)
            }
        return QuestionnaireForm(data, instrument=instrument, initial=initial, auto_id=auto_id)
    return ResponseForm(data, initial={"response": assignment.response}, auto_id=auto_id)


def can_answer(session, feedback, now):
    """Whether to offer the answer form (once the session has started); the service decides."""
    return session.is_open and not feedback and now >= session.starts_at


class DashboardView(ClientRequiredMixin, TemplateView):
    template_name = "sessions_app/portal/dashboard.html"

    def get_context_data(self, **kwargs):
        dashboard = selectors.portal_dashboard(viewer=self.request.user, now=timezone.now())
        return super().get_context_data(dashboard=dashboard, **kwargs)


class SessionListView(ClientRequiredMixin, TemplateView):
    template_name = "sessions_app/portal/session_list.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        groups = selectors.portal_session_list(viewer=self.request.user, now=now)
        note_listed("session", [session.uuid for group in groups.values() for session in group])
        return super().get_context_data(now=now, groups=groups, **kwargs)


class PortalSessionPage(ClientRequiredMixin, SessionPageMixin):
    template_name = "sessions_app/portal/session_detail.html"
    detail_url_name = "portal-session-detail"

    def get_forms(self, page):
        return {"message": message_form()}

    def extra_context(self, page, forms):
        homework = []
        now = timezone.now()
        for assignment in page.assignments:
            feedback = page.feedback[assignment.pk]
            editable = can_answer(page.session, feedback, now)
            form = forms.get(f"response:{assignment.uuid}")
            if form is None and editable:
                form = response_form(assignment)
            homework.append((assignment, feedback, form, editable))
        # Homework of a session that has not started opens with it.
        upcoming = page.session.is_open and now < page.session.starts_at
        # Read only beside a flagged questionnaire (DESIGN.md section 12).
        flagged = any(a.scored and a.scored.flagged_at for a in page.assignments)
        return {
            "homework": homework,
            "opens_at": page.session.starts_at if upcoming else None,
            "crisis_contacts": page.session.clinic.crisis_contacts if flagged else "",
        }


class SessionDetailView(PortalSessionPage, SessionDetailBase):
    pass


class MessagePostView(PortalSessionPage, MessagePostBase):
    pass


class AssignmentSubmitView(PortalSessionPage, AssignmentActionBase):
    success_message = _("Your answer is saved.")

    def get_target(self):
        session, assignment = super().get_target()
        self.anchor = f"hw-{assignment.uuid}"
        return session, assignment

    def form_class(self, data):
        return response_form(self.assignment, data)

    def form_name_for(self, assignment):
        return f"response:{assignment.uuid}"

    def perform(self, form, assignment):
        if isinstance(form, QuestionnaireForm):
            response = services.questionnaire_submit(
                actor=self.request.user, assignment=assignment, answers=form.answers()
            )
            if response.flagged_at is not None:
                # The crisis contacts are on the questionnaire's card, where this leads.
                self.success_message = _(
                    "Your answers are saved. If you are thinking about hurting yourself, "
                    "please reach out now: the contacts below are there for you."
                )
            return
        services.assignment_submit(
            actor=self.request.user, assignment=assignment, **form.cleaned_data
        )


class MeasuresView(ClientRequiredMixin, TemplateView):
    """The client's own questionnaire scores over time."""

    template_name = "sessions_app/portal/measures.html"

    def get_context_data(self, **kwargs):
        trends = selectors.client_trends(viewer=self.request.user, client=self.client_profile)
        return super().get_context_data(trends=trends, **kwargs)

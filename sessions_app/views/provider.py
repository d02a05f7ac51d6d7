"""Care providers' session pages: schedule, detail, homework, feedback, messages, close."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View

from clinic.mixins import ProviderRequiredMixin
from sessions_app import selectors, services
from sessions_app.forms import (
    CloseForm,
    FeedbackForm,
    HomeworkForm,
    HomeworkFormSet,
    ScheduleForm,
)

from .common import (
    AssignmentActionBase,
    MessagePostBase,
    SessionChangeBase,
    SessionDetailBase,
    SessionPageMixin,
    add_service_error,
    found,
    message_form,
    session_url,
)


def feedback_form(assignment, data=None):
    # One form per homework item on the page: ids must stay unique.
    return FeedbackForm(data, auto_id=f"id_feedback_{assignment.uuid}_%s")


def homework_form(data=None):
    return HomeworkForm(data, auto_id="id_homework_%s")


class ProviderSessionPage(ProviderRequiredMixin, SessionPageMixin):
    template_name = "sessions_app/provider/session_detail.html"
    detail_url_name = "provider-session-detail"

    def get_forms(self, page):
        return {"message": message_form(), "homework": homework_form()}

    def extra_context(self, page, forms):
        homework = []
        for assignment in page.assignments:
            # The form shows where feedback can be given, and where it was just refused.
            form = forms.get(f"feedback:{assignment.uuid}")
            if form is None and page.session.is_open and assignment.is_completed:
                form = feedback_form(assignment)
            homework.append((assignment, page.feedback[assignment.pk], form))
        return {
            "homework": homework,
            "team": selectors.care_team_names(client_id=page.session.client_id),
        }


class SessionDetailView(ProviderSessionPage, SessionDetailBase):
    pass


class AssignmentAddView(ProviderSessionPage, SessionChangeBase):
    form_name = "homework"
    success_message = _("Homework added.")
    anchor = "homework"

    def form_class(self, data):
        return homework_form(data)

    def perform(self, form, session):
        services.assignment_add(actor=self.request.user, session=session, **form.cleaned_data)


class MessagePostView(ProviderSessionPage, MessagePostBase):
    pass


class FeedbackGiveView(ProviderSessionPage, AssignmentActionBase):
    success_message = _("Feedback given.")
    anchor = "homework"

    def form_class(self, data):
        return feedback_form(self.assignment, data)

    def form_name_for(self, assignment):
        return f"feedback:{assignment.uuid}"

    def perform(self, form, assignment):
        services.feedback_give(actor=self.request.user, assignment=assignment, **form.cleaned_data)


class SessionCloseView(ProviderRequiredMixin, View):
    """The close confirmation: what is unfinished, and a note to close anyway."""

    template_name = "sessions_app/provider/session_close.html"

    def get_page(self):
        return found(
            selectors.session_close_page(
                viewer=self.request.user, session_id=self.kwargs["session_id"]
            )
        )

    def render(self, page, form):
        context = {"session": page.session, "unfinished": page.unfinished, "form": form}
        return TemplateResponse(self.request, self.template_name, context)

    def get(self, request, session_id):
        page = self.get_page()
        if page.session.is_closed:
            messages.info(request, _("This session is already closed."))
            return redirect(session_url("provider-session-detail", page.session))
        return self.render(page, CloseForm())

    def post(self, request, session_id):
        page = self.get_page()
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                services.session_close(
                    actor=request.user, session=page.session, **form.cleaned_data
                )
            except services.AlreadyClosed as error:
                messages.info(request, error.detail)
                return redirect(session_url("provider-session-detail", page.session))
            except (ValidationError, services.Conflict) as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Session closed."))
                return redirect(session_url("provider-session-detail", page.session))
        return self.render(page, form)


def _schedule_layout():
    """The schedule form's fields two to a row, inside the page's own form."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    fields = ("client", "provider", "starts_at", "ends_at", "repeat", "homework_applies_to")
    helper.layout = Layout(
        Div(*(Div(name, css_class="col-md-6") for name in fields), css_class="row g-3")
    )
    return helper


SCHEDULE_LAYOUT = _schedule_layout()


class ScheduleView(ProviderRequiredMixin, View):
    template_name = "sessions_app/provider/schedule.html"

    def initial(self):
        client = self.request.GET.get("client")
        return {"client": client} if client else {}

    def render(self, form, formset, **extra):
        context = {
            "form": form,
            "layout": SCHEDULE_LAYOUT,
            "formset": formset,
            "team_map": selectors.care_team_map(viewer=self.request.user),
            **extra,
        }
        return TemplateResponse(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        form = ScheduleForm(provider=self.provider, initial=self.initial())
        return self.render(form, HomeworkFormSet(prefix="homework"))

    def post(self, request, *args, **kwargs):
        form = ScheduleForm(request.POST, provider=self.provider)
        formset = HomeworkFormSet(request.POST, prefix="homework")
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                sessions = services.session_schedule(
                    actor=request.user,
                    client=data["client"],
                    provider=data["provider"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    repeat=data["repeat"],
                    homework=formset.homework(),
                    homework_applies_to=data["homework_applies_to"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                return self.scheduled(data["client"], sessions)
        return self.render(form, formset)

    def scheduled(self, client, sessions):
        count = len(sessions)
        messages.success(
            self.request,
            ngettext(
                "%(count)s session scheduled for %(client)s.",
                "%(count)s sessions scheduled for %(client)s.",
                count,
            )
            % {"count": count, "client": client.user.full_name},
        )
        shown = selectors.sessions_scheduled(
            viewer=self.request.user, ids=[session.pk for session in sessions]
        )
        context = {"sessions": shown, "client": client}
        return TemplateResponse(self.request, "sessions_app/provider/scheduled.html", context)


class ScheduleNextView(ScheduleView):
    """The schedule form prefilled (DESIGN.md rule 6); it posts to the schedule URL."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, session_id):
        session = found(selectors.session_with_people(viewer=request.user, session_id=session_id))
        proposal = services.session_next(actor=request.user, session=session)
        tz = timezone.get_current_timezone()
        form = ScheduleForm(
            provider=self.provider,
            initial={
                "client": proposal.client.uuid,
                "provider": proposal.provider.uuid,
                "starts_at": timezone.localtime(proposal.starts_at, tz),
                "ends_at": timezone.localtime(proposal.ends_at, tz),
                "repeat": 1,
            },
        )
        return self.render(form, HomeworkFormSet(prefix="homework"), previous=session)

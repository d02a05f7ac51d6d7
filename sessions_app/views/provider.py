"""Care providers' session pages: schedule, detail, homework, feedback, messages, close."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views import View

from clinic.mixins import ProviderRequiredMixin
from clinic.models import CareTeamMembership
from sessions_app import services
from sessions_app.forms import (
    CloseForm,
    FeedbackForm,
    HomeworkForm,
    HomeworkFormSet,
    ScheduleForm,
)
from clinic.compiled import ReadByIds

from .common import (
    AssignmentActionBase,
    MessagePostBase,
    SessionActionView,
    SessionDetailBase,
    SessionPageMixin,
    add_service_error,
    message_form,
    session_detail_queryset,
    session_url,
    url_for_each,
)


def feedback_form(assignment, data=None):
    # One form per homework item on the page: ids must stay unique.
    return FeedbackForm(data, auto_id=f"id_feedback_{assignment.uuid}_%s")


def homework_form(data=None):
    return HomeworkForm(data, auto_id="id_homework_%s")


# The names of a client's care team, A to Z.
_team_of = ReadByIds(
    CareTeamMembership.objects.order_by("provider__user__full_name"),
    "client_id",
    ("provider__user__full_name",),
)


class ProviderSessionPage(ProviderRequiredMixin, SessionPageMixin):
    template_name = "sessions_app/provider/session_detail.html"
    detail_url_name = "provider-session-detail"

    def get_forms(self, session):
        return {"message": message_form(), "homework": homework_form()}

    def extra_context(self, session, page, forms):
        feedback_url = url_for_each("sessions_app:provider-feedback-give")
        rows = []
        for assignment in page.assignments:
            feedback = page.feedback[assignment.pk]
            # The form shows where feedback can be given, and where it was just refused.
            form = forms.get(f"feedback:{assignment.uuid}")
            if form is None and session.is_open and assignment.is_completed:
                form = feedback_form(assignment)
            rows.append((assignment, feedback, form, feedback_url(assignment.uuid)))
        return {
            "assignment_rows": rows,
            "ready_to_close": all(a.is_completed and page.feedback[a.pk] for a in page.assignments),
            "team": [name for (name,) in _team_of([session.client_id])],
        }


class SessionDetailView(ProviderSessionPage, SessionDetailBase):
    pass


class AssignmentAddView(ProviderSessionPage, SessionActionView):
    form_name = "homework"
    success_message = "Homework added."
    anchor = "homework"

    def form_class(self, data):
        return homework_form(data)

    def get_target(self):
        session = self.get_session(self.kwargs["session_id"])
        return session, session

    def perform(self, form, session):
        services.assignment_add(actor=self.request.user, session=session, **form.cleaned_data)


class MessagePostView(ProviderSessionPage, MessagePostBase):
    pass


class FeedbackGiveView(ProviderSessionPage, AssignmentActionBase):
    success_message = "Feedback given."
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

    def get_session(self):
        return get_object_or_404(
            session_detail_queryset(self.request.user), uuid=self.kwargs["session_id"]
        )

    def render(self, session, form, status=200):
        unfinished = [
            a for a in session.assignments.all() if not a.is_completed or not a.feedback.all()
        ]
        context = {"session": session, "form": form, "unfinished": unfinished}
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, session_id):
        session = self.get_session()
        if session.is_closed:
            messages.info(request, "This session is already closed.")
            return redirect(session_url("provider-session-detail", session))
        return self.render(session, CloseForm())

    def post(self, request, session_id):
        session = self.get_session()
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                services.session_close(actor=request.user, session=session, **form.cleaned_data)
            except services.AlreadyClosed as error:
                messages.info(request, error.detail)
                return redirect(session_url("provider-session-detail", session))
            except (ValidationError, services.Conflict) as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Session closed.")
                return redirect(session_url("provider-session-detail", session))
        return self.render(session, form)


class ScheduleView(ProviderRequiredMixin, View):
    """Schedule one session or a series, with homework."""

    template_name = "sessions_app/provider/schedule.html"

    def initial(self):
        client = self.request.GET.get("client")
        return {"client": client} if client else {}

    def render(self, form, formset, status=200, **extra):
        team_map = {
            str(client.uuid): [str(p.uuid) for p in client.care_team.all()]
            for client in form.fields["client"].queryset.prefetch_related("care_team")
        }
        context = {"form": form, "formset": formset, "team_map": team_map, **extra}
        return TemplateResponse(self.request, self.template_name, context, status=status)

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
                count = len(sessions)
                messages.success(
                    request,
                    f"{count} session{'s' if count > 1 else ''} scheduled for {data['client']}.",
                )
                return TemplateResponse(
                    request,
                    "sessions_app/provider/scheduled.html",
                    {"sessions": sessions, "client": data["client"]},
                )
        return self.render(form, formset)


class ScheduleNextView(ScheduleView):
    """The schedule form, prefilled from the closed session (DESIGN.md rule 6). It posts
    to the schedule URL; this one only shows the proposal."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, session_id):
        session = get_object_or_404(session_detail_queryset(request.user), uuid=session_id)
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

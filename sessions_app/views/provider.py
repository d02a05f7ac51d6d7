"""Care providers' session pages."""

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View

from clinic.mixins import ProviderRequiredMixin
from sessions_app import selectors, services
from sessions_app.forms import (
    CloseForm,
    FeedbackForm,
    HomeworkFormSet,
    HomeworkItemForm,
    ScheduleForm,
    SessionCancelForm,
    SessionChangeForm,
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
    return HomeworkItemForm(data, auto_id="id_homework_%s")


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
        session = page.session
        return {
            "homework": homework,
            "team": selectors.care_team_names(client_id=session.client_id),
            "history": selectors.session_history(session=session),
            # Where the series already holds the next session, link to it (section 9, rule 5).
            "next_in_series": (
                selectors.session_after_in_series(session=session) if session.is_closed else None
            ),
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


class QuestionnaireAcknowledgeView(ProviderRequiredMixin, View):
    """A provider of the care team acknowledges a flagged questionnaire."""

    http_method_names = ["post"]

    def post(self, request, assignment_id):
        assignment = found(
            selectors.assignment_to_change(viewer=request.user, assignment_id=assignment_id)
        )
        try:
            services.questionnaire_acknowledge(actor=request.user, assignment=assignment)
        except (ValidationError, services.Conflict) as error:
            messages.info(request, getattr(error, "detail", None) or error.messages[0])
        else:
            messages.success(
                request, _("Acknowledged: the questionnaire no longer needs attention.")
            )
        url = session_url("provider-session-detail", assignment.session)
        return redirect(f"{url}#hw-{assignment.uuid}")


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
        if not page.session.is_open:
            return refuse_closed(request, page.session)
        return self.render(page, CloseForm())

    def post(self, request, session_id):
        page = self.get_page()
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                services.session_close(
                    actor=request.user, session=page.session, **form.cleaned_data
                )
            except (services.AlreadyClosed, services.SessionCancelled) as error:
                messages.info(request, error.detail)
                return redirect(session_url("provider-session-detail", page.session))
            except (ValidationError, services.Conflict) as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Session closed."))
                return redirect(session_url("provider-session-detail", page.session))
        return self.render(page, form)


def refuse_closed(request, session):
    """Back to a closed or cancelled session's page, saying why nothing can be done."""
    if session.is_cancelled:
        messages.info(request, services.SessionCancelled().detail)
    else:
        messages.info(request, _("This session is already closed."))
    return redirect(session_url("provider-session-detail", session))


MEETING_FIELDS = ("meeting_starts_at", "meeting_minutes", "meeting_place", "meeting_video_url")


def _layout(*groups):
    """Fields two to a row, inside the page's own form; `groups` are (legend, names) pairs."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(
        *(
            Fieldset(
                legend,
                Div(*(Div(name, css_class="col-md-6") for name in names), css_class="row g-3"),
            )
            for legend, names in groups
        )
    )
    return helper


SCHEDULE_LAYOUT = _layout(
    ("", ("client", "provider", "starts_at", "ends_at", "repeat", "homework_applies_to")),
    (_("Meeting"), MEETING_FIELDS),
)


def overlap_refused(form, error):
    """Put an Overlap on the form; the "schedule anyway" box is offered only where it may
    be used: another provider's session in the way."""
    add_service_error(form, error)
    form.offer_overlap = error.code == "overlap_other_provider"


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
                    meeting=form.meeting_spec(),
                    allow_overlap=data["allow_overlap"],
                )
            except services.Overlap as error:
                overlap_refused(form, error)
            except (ValidationError, services.Conflict) as error:
                add_service_error(form, error)
            else:
                return self.scheduled(data["client"], sessions)
        return self.render(form, formset)

    def scheduled(self, client, sessions):
        """Say so and show the series on its own page: reloading it schedules nothing."""
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
        return redirect(
            reverse(
                "sessions_app:provider-series-detail", kwargs={"series_id": sessions[0].series_id}
            )
        )


def _minute_up(moment):
    rounded = moment.replace(second=0, microsecond=0)
    return rounded if rounded == moment else rounded + dt.timedelta(minutes=1)


class ScheduleNextView(ScheduleView):
    """The schedule form prefilled (DESIGN.md rule 6); it posts to the schedule URL."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, session_id):
        session = found(selectors.session_with_people(viewer=request.user, session_id=session_id))
        proposal = services.session_next(actor=request.user, session=session)
        tz = timezone.get_current_timezone()
        # The form shows minutes: rounded down, the start would overlap the session before.
        starts_at = _minute_up(proposal.starts_at)
        initial = {
            "client": proposal.client.uuid,
            "provider": proposal.provider.uuid,
            "starts_at": timezone.localtime(starts_at, tz),
            "ends_at": timezone.localtime(proposal.ends_at + (starts_at - proposal.starts_at), tz),
            "repeat": 1,
        }
        if meeting := proposal.meeting:
            initial |= {
                "meeting_starts_at": timezone.localtime(
                    _minute_up(meeting.starts_at + (starts_at - proposal.starts_at)), tz
                ),
                "meeting_minutes": meeting.minutes,
                "meeting_place": meeting.place,
                "meeting_video_url": meeting.video_url,
            }
        form = ScheduleForm(provider=self.provider, initial=initial)
        return self.render(form, HomeworkFormSet(prefix="homework"), previous=session)


class SeriesDetailView(ProviderRequiredMixin, View):
    """The sessions of one series, as scheduled (where scheduling leads)."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, series_id):
        sessions = found(selectors.series_sessions(viewer=request.user, series_id=series_id))
        context = {"sessions": sessions, "now": timezone.now()}
        return TemplateResponse(request, "sessions_app/provider/series_detail.html", context)


class SessionFormView(ProviderRequiredMixin, View):
    """A form acting on an open session (change, cancel); refused on a closed or cancelled one."""

    template_name = None

    def get_session(self):
        self.session = found(
            selectors.session_for_change(
                viewer=self.request.user, session_id=self.kwargs["session_id"]
            )
        )
        self.later = selectors.later_open_in_series(session=self.session)
        return self.session

    def render(self, form, **extra):
        context = {"session": self.session, "form": form, "later": self.later, **extra}
        return TemplateResponse(self.request, self.template_name, context)

    def get(self, request, session_id):
        session = self.get_session()
        if not session.is_open:
            return refuse_closed(request, session)
        return self.render(self.make_form())

    def post(self, request, session_id):
        session = self.get_session()
        if not session.is_open:
            return refuse_closed(request, session)
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                done = self.perform(form)
            except (services.SessionClosed, services.SessionCancelled) as error:
                messages.info(request, error.detail)
                return redirect(session_url("provider-session-detail", session))
            except services.Overlap as error:
                overlap_refused(form, error)
            except (ValidationError, services.Conflict) as error:
                add_service_error(form, error)
            else:
                messages.success(request, self.done_message(done))
                return redirect(session_url("provider-session-detail", session))
        return self.render(form)


class SessionChangeView(SessionFormView):
    template_name = "sessions_app/provider/session_change.html"

    def make_form(self, data=None):
        return SessionChangeForm(
            data,
            session=self.session,
            team=selectors.care_team_of(client_id=self.session.client_id),
            later=self.later,
            now=timezone.now(),
        )

    def render(self, form, **extra):
        # The period's fields are there only before the session starts.
        groups = [
            (legend, [name for name in names if name in form.fields])
            for legend, names in CHANGE_GROUPS
        ]
        groups = [(legend, names) for legend, names in groups if names]
        return super().render(form, layout=_layout(*groups), **extra)

    def perform(self, form):
        return services.session_change(
            actor=self.request.user, session=self.session, **form.changes()
        )

    def done_message(self, changed):
        return _("Session changed.") if changed else _("Nothing was changed.")


CHANGE_GROUPS = (
    (_("When"), ("starts_at", "ends_at")),
    (_("Who"), ("provider",)),
    (_("Meeting"), ("no_meeting", *MEETING_FIELDS)),
    (_("Apply to"), ("apply_to",)),
)


class SessionCancelView(SessionFormView):
    template_name = "sessions_app/provider/session_cancel.html"

    def make_form(self, data=None):
        return SessionCancelForm(data, later=self.later)

    def perform(self, form):
        return services.session_cancel(
            actor=self.request.user,
            session=self.session,
            reason=form.cleaned_data["reason"],
            apply_to=form.cleaned_data.get("apply_to") or services.APPLY_TO_THIS,
        )

    def done_message(self, cancelled):
        count = len(cancelled)
        return ngettext("%(count)s session cancelled.", "%(count)s sessions cancelled.", count) % {
            "count": count
        }

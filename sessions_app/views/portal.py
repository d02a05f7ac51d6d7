"""The client portal: dashboard, sessions, homework answers and messages."""

from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from clinic.mixins import ClientRequiredMixin
from sessions_app import services
from sessions_app.forms import ResponseForm
from sessions_app.models import Assignment, Feedback, Session

from .common import (
    AssignmentActionBase,
    MessagePostBase,
    SessionPageMixin,
    message_form,
    url_for_each,
)

LATEST_FEEDBACK = 5


def response_form(assignment, data=None):
    # One form per homework item on the page: ids must stay unique.
    return ResponseForm(
        data,
        initial={"response": assignment.response},
        auto_id=f"id_response_{assignment.uuid}_%s",
    )


def can_answer(session, feedback):
    """The client may (re)write an answer while the session is open and nobody has given
    feedback yet (DESIGN.md rule 4). The service decides; this only chooses what to show."""
    return session.is_open and not feedback


def my_sessions(user):
    return Session.objects.visible_to(user).with_names().with_counts(user)


class DashboardView(ClientRequiredMixin, TemplateView):
    template_name = "sessions_app/portal/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        now = timezone.now()
        sessions = my_sessions(user)
        # Open and not yet ended, earliest start first: the one in progress if there is one
        # (it started before any upcoming one), else the next upcoming.
        current = sessions.open().filter(ends_at__gt=now).order_by("starts_at", "pk").first()
        # Homework of sessions that have started; a series copies its homework into every
        # later session, and those copies are not "to do" until their session begins.
        open_homework = Assignment.objects.visible_to(user).filter(
            session__status=Session.Status.OPEN, submitted_at__isnull=True
        )
        to_do = (
            open_homework.filter(session__starts_at__lte=now)
            .select_related("session")
            .only("uuid", "title", "due_at", "session__uuid", "session__starts_at")
            .order_by("due_at", "pk")
        )
        return super().get_context_data(
            now=now,
            current=current,
            homework_to_do=to_do,
            homework_later=open_homework.filter(session__starts_at__gt=now).count(),
            # A client has a hundred sessions or so: counting in each is cheaper than
            # building with_unread's join (made for a caseload of thousands).
            unread_sessions=sessions.filter(unread__gt=0).order_by("-starts_at", "-pk"),
            latest_feedback=Feedback.objects.visible_to(user)
            .select_related("author__user", "assignment__session")
            .only(
                "body",
                "created_at",
                "author__user__full_name",
                "assignment__uuid",
                "assignment__title",
                "assignment__session__uuid",
            )
            .order_by("-created_at", "-pk")[:LATEST_FEEDBACK],
            **kwargs,
        )


class SessionListView(ClientRequiredMixin, TemplateView):
    template_name = "sessions_app/portal/session_list.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        groups = {
            "current": {"title": "Current", "empty": "No session in progress.", "sessions": []},
            "upcoming": {"title": "Upcoming", "empty": "No upcoming sessions.", "sessions": []},
            "past": {"title": "Past", "empty": "No past sessions yet.", "sessions": []},
        }
        for session in my_sessions(self.request.user).order_by("starts_at", "pk"):
            timing = session.timing_at(now)
            if timing == Session.Timing.UPCOMING:
                key = "upcoming"
            elif timing == Session.Timing.CLOSED:
                key = "past"
            else:  # in progress, or past its end but still open
                key = "current"
            groups[key]["sessions"].append(session)
        groups["past"]["sessions"].reverse()  # most recent first
        return super().get_context_data(
            now=now, groups=[{"id": key, **group} for key, group in groups.items()], **kwargs
        )


class PortalSessionPage(ClientRequiredMixin, SessionPageMixin):
    template_name = "sessions_app/portal/session_detail.html"
    detail_url_name = "portal-session-detail"

    def get_forms(self, session):
        return {"message": message_form()}

    def extra_context(self, session, page, forms):
        submit_url = url_for_each("sessions_app:portal-assignment-submit")
        rows = []
        for assignment in page.assignments:
            feedback = page.feedback[assignment.pk]
            editable = can_answer(session, feedback)
            form = forms.get(f"response:{assignment.uuid}")
            if form is None and editable:
                form = response_form(assignment)
            rows.append((assignment, feedback, form, editable, submit_url(assignment.uuid)))
        return {"assignment_rows": rows}


class SessionDetailView(PortalSessionPage, View):
    def get(self, request, session_id):
        return self.render_page(self.get_session(session_id))


class MessagePostView(PortalSessionPage, MessagePostBase):
    pass


class AssignmentSubmitView(PortalSessionPage, AssignmentActionBase):
    success_message = "Your answer is saved."

    def get_target(self):
        session, assignment = super().get_target()
        self.anchor = f"hw-{assignment.uuid}"
        return session, assignment

    def form_class(self, data):
        return response_form(self.assignment, data)

    def form_name_for(self, assignment):
        return f"response:{assignment.uuid}"

    def perform(self, form, assignment):
        services.assignment_submit(
            actor=self.request.user, assignment=assignment, **form.cleaned_data
        )

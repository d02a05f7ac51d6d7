"""The client portal: dashboard, sessions, homework answers and messages."""

import datetime as dt

from django.db.models import Count, Window
from django.utils import timezone
from django.views.generic import TemplateView

from clinic.compiled import CompiledQuery, Constant, viewer
from clinic.mixins import ClientRequiredMixin
from sessions_app import services
from sessions_app.forms import ResponseForm
from sessions_app.models import Assignment, Feedback, Session

from .common import (
    AssignmentActionBase,
    MessagePostBase,
    SessionDetailBase,
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


# Stand-ins for the values of the dashboard's compiled queries (clinic/compiled.py).
_USER, _CLIENT = -1_000_001, -1_000_002
_NOW = dt.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=dt.UTC)


def _client(client_id, user_id=_USER):
    return viewer(user_id, client_id=client_id)


def _open_homework(client_id):
    return Assignment.objects.visible_to(_client(client_id)).filter(
        session__status=Constant(Session.Status.OPEN.value), submitted_at__isnull=True
    )


# The dashboard's queries: their SQL is written once per process (building and compiling
# them cost more CPU than PostgreSQL takes to run them); only the client, the person and
# the time change between requests.

# Open and not yet ended, earliest start first: the one in progress if there is one (it
# started before any upcoming one), else the next upcoming.
_current = CompiledQuery(
    lambda client_id, user_id, now: (
        Session.objects.visible_to(_client(client_id))
        .open()
        .filter(ends_at__gt=now)
        .select_related("provider__user")
        .with_counts(_client(client_id, user_id))
        .only("uuid", "starts_at", "ends_at", "status", "provider__user__full_name")
        .order_by("starts_at", "pk")[:1]
    ),
    _CLIENT,
    _USER,
    _NOW,
)
# Homework of sessions that have started; a series copies its homework into every later
# session, and those copies are not "to do" until their session begins.
_to_do = CompiledQuery(
    lambda client_id, now: (
        _open_homework(client_id)
        .filter(session__starts_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("uuid", "title", "due_at", "session__uuid", "session__starts_at")
    ),
    _CLIENT,
    _NOW,
)
# How many wait in upcoming sessions: the window puts the count on every row; one will do.
_later = CompiledQuery(
    lambda client_id, now: (
        _open_homework(client_id)
        .filter(session__starts_at__gt=now)
        .annotate(_total=Window(Count("pk")))
        .order_by()
        .values_list("_total")[:1]
    ),
    _CLIENT,
    _NOW,
)
# with_unread's join with the read positions leaves the sessions with news; only those
# count their unread messages.
_unread = CompiledQuery(
    lambda client_id, user_id: (
        Session.objects.visible_to(_client(client_id))
        .with_unread(_client(client_id, user_id))
        .with_counts(_client(client_id, user_id))
        .order_by("-starts_at", "-pk")
        .values_list("uuid", "starts_at", "ends_at", "provider__user__full_name", "unread")
    ),
    _CLIENT,
    _USER,
)
# The latest few, chosen before their names and titles are joined (else PostgreSQL joins
# them for every feedback of the client's two years).
_latest_feedback = CompiledQuery(
    lambda client_id, limit: (
        Feedback.objects.filter(
            pk__in=Feedback.objects.visible_to(_client(client_id))
            .order_by("-created_at", "-pk")
            .values("pk")[:limit]
        )
        .order_by("-created_at", "-pk")
        .values_list(
            "author__user__full_name",
            "assignment__uuid",
            "assignment__title",
            "assignment__session__uuid",
            "created_at",
            "body",
        )
    ),
    _CLIENT,
)


class DashboardView(ClientRequiredMixin, TemplateView):
    template_name = "sessions_app/portal/dashboard.html"

    def get_context_data(self, **kwargs):
        user_id, client_id = self.request.user.pk, self.client_profile.pk
        now = timezone.now()
        current = _current(client_id, user_id, now)
        later = _later(client_id, now)
        return super().get_context_data(
            now=now,
            current=current[0] if current else None,
            homework_to_do=_to_do(client_id, now),
            homework_later=later[0][0] if later else 0,
            unread_sessions=_unread(client_id, user_id),
            latest_feedback=_latest_feedback(client_id, limit=LATEST_FEEDBACK),
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


class SessionDetailView(PortalSessionPage, SessionDetailBase):
    pass


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

"""Pieces the provider pages and the client portal share."""

import uuid
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View

from django.urls import reverse as memo_reverse
from sessions_app import services
from sessions_app.api import scoped
from sessions_app.forms import MessageForm
from sessions_app.models import Assignment, Feedback, Message, ReadPosition, Session
from clinic.compiled import ReadByIds


def session_detail_queryset(user):
    """Sessions the user may see, with everything a detail page shows, in a fixed number
    of queries whatever the amount of homework, feedback and messages."""
    return (
        Session.objects.visible_to(user)
        .with_people()
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("created_by__user").prefetch_related(
                    Prefetch("feedback", queryset=Feedback.objects.select_related("author__user"))
                ),
            ),
            Prefetch("messages", queryset=Message.objects.with_authors()),
        )
    )


def add_service_error(form, error):
    """Put a service's refusal on the form: on its fields where it names them."""
    if isinstance(error, services.Conflict):
        form.add_error(None, error.detail)
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# A session page's reads, each by the session's id, with SQL the ORM writes once (the API's
# ReadByIds): building and compiling a query cost more CPU than PostgreSQL spends on these.

# Of the people around a session, what its pages show: names (a User row also carries a
# password hash, log-in times...), the client's id for links and the provider's title.
_PEOPLE = {
    "client_uuid": "client__uuid",
    "client_name": "client__user__full_name",
    "provider_name": "provider__user__full_name",
    "provider_title": "provider__title",
    "created_by_name": "created_by__user__full_name",
    "closed_by_name": "closed_by__user__full_name",
}
_people_of = ReadByIds(Session.objects.order_by(), "pk", _PEOPLE.values())
# Where each participant has read the thread up to (a handful of rows: the reader takes
# the session's id alone).
_read_positions_of = ReadByIds(
    ReadPosition.objects.all(), "session_id", ("user_id", "last_read_message_id")
)
_ASSIGNMENT_COLUMNS = [field.attname for field in Assignment._meta.concrete_fields]
_assignments_of = ReadByIds(
    Assignment.objects.all(),
    "session_id",
    (*_ASSIGNMENT_COLUMNS, "created_by__user__full_name"),
)
_feedback_of = ReadByIds(
    Feedback.objects.all(),
    "assignment__session_id",
    ("assignment_id", "author__user__full_name", "created_at", "body"),
)
_thread_of = ReadByIds(
    Message.objects.all(),
    "session_id",
    (
        "id",
        "author_id",
        "author__full_name",
        "author__careprovider__id",
        "author__careprovider__title",
        "created_at",
        "body",
    ),
)


class SessionPageData:
    """What a session page shows of a session: the people, the homework, each item with
    its feedback, and the thread (plain rows: fifty messages would be two hundred model
    instances), and how far the reader had read it. Five queries whatever the amount."""

    def __init__(self, session, user):
        db = session._state.db
        [people] = _people_of([session.pk])
        self.people = dict(zip(_PEOPLE, people, strict=True))
        self.assignments = []
        for *columns, given_by in _assignments_of([session.pk]):
            assignment = Assignment.from_db(db, _ASSIGNMENT_COLUMNS, columns)
            assignment.session = session
            assignment.given_by = given_by
            self.assignments.append(assignment)
        self.feedback = defaultdict(list)  # by assignment id
        for assignment_id, author_name, created_at, body in _feedback_of([session.pk]):
            self.feedback[assignment_id].append(
                {"author_name": author_name, "created_at": created_at, "body": body}
            )
        self.thread = [
            {
                "id": pk,
                "mine": author_id == user.pk,
                "author_name": author_name,
                "role": "Client" if provider is None else title or "Care provider",
                "created_at": created_at,
                "body": body,
            }
            for pk, author_id, author_name, provider, title, created_at, body in _thread_of(
                [session.pk]
            )
        ]
        self.upto = self.thread[-1]["id"] if self.thread else 0
        self.read_upto = dict(_read_positions_of([session.pk])).get(user.pk)


class SessionPageMixin:
    """A session page (detail) and the actions posted from it.

    GET renders the page. An action view POSTs a form to a service: on success it
    redirects back with a message; on refusal or invalid input it renders the same page
    with that form bound, its errors beside its fields, and nothing changed."""

    template_name = None
    detail_url_name = None

    def sessions(self):
        """Sessions the user may see: the page reads the rest with SessionPageData."""
        return Session.objects.visible_to(self.request.user)

    def get_session(self, session_id):
        return get_object_or_404(self.sessions(), uuid=session_id)

    def get_forms(self, session):
        """The page's empty forms, by name."""
        return {}

    def extra_context(self, session, page, forms):
        return {}

    def render_page(self, session, *, bound=None, status=200):
        page = SessionPageData(session, self.request.user)
        forms = self.get_forms(session)
        forms.update(bound or {})
        # Opening the page reads the thread: its unread count drops to zero at once.
        services.session_mark_read(
            user=self.request.user, session=session, upto=page.upto, read_upto=page.read_upto
        )
        context = {
            "session": session,
            "forms": forms,
            "people": page.people,
            "thread": page.thread,
            **self.extra_context(session, page, forms),
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)


class SessionDetailBase(SessionPageMixin, View):
    """A session page, shown."""

    def get_session(self, session_id):
        # The same scope as sessions(), with SQL written once (api/scoped.py); the actions
        # keep the queryset, which also reads what their services need.
        session = scoped.visible_session(self.request.user, session_id)
        if session is None:
            raise Http404("No such session.")
        return session

    def get(self, request, session_id):
        return self.render_page(self.get_session(session_id))


class SessionActionView(SessionPageMixin, View):
    http_method_names = ["post"]
    form_class = None
    form_name = None
    success_message = ""
    anchor = ""

    def sessions(self):
        # With what the services read of the session: its client and clinic.
        return super().sessions().select_related("client", "clinic")

    def get_target(self):
        """(session, the object acted on) — both from scoped querysets (404 otherwise)."""
        raise NotImplementedError

    def perform(self, form, target):
        raise NotImplementedError

    def form_name_for(self, target):
        return self.form_name

    def post(self, request, *args, **kwargs):
        session, target = self.get_target()
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.perform(form, target)
            except (ValidationError, services.Conflict) as error:
                add_service_error(form, error)
            else:
                messages.success(request, self.success_message)
                url = session_url(self.detail_url_name, session)
                return redirect(f"{url}#{self.anchor}" if self.anchor else url)
        messages.error(request, "That was not saved: please see the message beside the form.")
        return self.render_page(session, bound={self.form_name_for(target): form})


def message_form(data=None):
    return MessageForm(data, auto_id="id_message_%s")


class MessagePostBase(SessionActionView):
    """Write in a session's thread (the client or a provider on the care team)."""

    form_name = "message"
    success_message = "Message sent."
    anchor = "messages"

    def form_class(self, data):
        return message_form(data)

    def get_target(self):
        session = self.get_session(self.kwargs["session_id"])
        return session, session

    def perform(self, form, session):
        services.message_post(actor=self.request.user, session=session, **form.cleaned_data)


class AssignmentActionBase(SessionActionView):
    """An action on one homework item: the item and its session come from the scoped
    querysets (404 otherwise); the page, read only when it is shown again, is not."""

    def get_target(self):
        assignment = get_object_or_404(
            Assignment.objects.visible_to(self.request.user), uuid=self.kwargs["assignment_id"]
        )
        assignment.session = get_object_or_404(self.sessions(), pk=assignment.session_id)
        self.assignment = assignment
        return assignment.session, assignment


def session_url(name, session):
    return reverse(f"sessions_app:{name}", kwargs={"session_id": session.uuid})


def url_for_each(name):
    """`reverse(name, args=[uuid])` for each row of a page: one reverse (tens of
    microseconds each) and, for each row, the row's UUID put in its place."""
    placeholder = str(uuid.UUID(int=0))
    head, tail = memo_reverse(name, [placeholder]).split(placeholder)
    return lambda value: f"{head}{value}{tail}"

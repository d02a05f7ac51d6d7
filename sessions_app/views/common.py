"""Pieces the provider pages and the client portal share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views import View

from sessions_app import services
from sessions_app.forms import MessageForm
from sessions_app.models import Assignment, Feedback, Message, Session


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


class SessionPageMixin:
    """A session page (detail) and the actions posted from it.

    GET renders the page. An action view POSTs a form to a service: on success it
    redirects back with a message; on refusal or invalid input it renders the same page
    with that form bound, its errors beside its fields, and nothing changed."""

    template_name = None
    detail_url_name = None

    def get_session(self, session_id):
        return get_object_or_404(session_detail_queryset(self.request.user), uuid=session_id)

    def get_forms(self, session):
        """The page's empty forms, by name."""
        return {}

    def extra_context(self, session, forms):
        return {}

    def render_page(self, session, *, bound=None, status=200):
        forms = self.get_forms(session)
        forms.update(bound or {})
        # Opening the page reads the thread: its unread count drops to zero at once.
        services.session_mark_read(user=self.request.user, session=session)
        context = {"session": session, "forms": forms, **self.extra_context(session, forms)}
        return TemplateResponse(self.request, self.template_name, context, status=status)


class SessionActionView(SessionPageMixin, View):
    http_method_names = ["post"]
    form_class = None
    form_name = None
    success_message = ""
    anchor = ""

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
    """An action on one homework item: the item comes from the scoped queryset (404
    otherwise) and is taken from its session's page data, so a refusal re-renders the
    page without more queries."""

    def get_target(self):
        found = get_object_or_404(
            Assignment.objects.visible_to(self.request.user).only("pk", "session_id"),
            uuid=self.kwargs["assignment_id"],
        )
        session = get_object_or_404(session_detail_queryset(self.request.user), pk=found.session_id)
        self.assignment = next(a for a in session.assignments.all() if a.pk == found.pk)
        return session, self.assignment


def session_url(name, session):
    from django.urls import reverse

    return reverse(f"sessions_app:{name}", kwargs={"session_id": session.uuid})

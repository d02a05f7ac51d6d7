"""Pieces the provider pages and the client portal share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from notifications import selectors as notification_selectors
from notifications import services as notification_services
from sessions_app import selectors, services
from sessions_app.forms import MessageForm

NOT_SAVED = _("That was not saved: please see the message beside the form.")


def add_service_error(form, error):
    """Put a service's refusal on the form: on its fields where it names them."""
    if isinstance(error, services.Conflict):
        form.add_error(None, error.detail)
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def found(value):
    """404 for None: a selector found nothing in the person's scope."""
    if value is None:
        raise Http404
    return value


class SessionPageMixin:
    """A session page and the actions posted from it: a refused action renders the same page
    with that form bound and its errors; success redirects back."""

    template_name = None
    detail_url_name = None

    def get_forms(self, page):
        return {}

    def extra_context(self, page, forms):
        return {}

    def render_page(self, page, *, bound=None):
        """The page of `page` (selectors.SessionPageData), with `bound` forms by name."""
        forms = self.get_forms(page)
        forms.update(bound or {})
        # Opening the page reads the thread: its unread count drops to zero at once.
        services.session_mark_read(
            user=self.request.user, session=page.session, upto=page.upto, read_upto=page.read_upto
        )
        # ...and its notifications, which the bell's count says are unread.
        user = self.request.user
        if notification_selectors.unread_about(
            user=user, session=page.session, request=self.request
        ):
            notification_services.session_notifications_read(user=user, session=page.session)
            notification_selectors.unread_about_read(self.request, page.session)
        context = {
            "session": page.session,
            "page": page,
            "forms": forms,
            **self.extra_context(page, forms),
        }
        return TemplateResponse(self.request, self.template_name, context)


class SessionDetailBase(SessionPageMixin, View):
    def get(self, request, session_id):
        return self.render_page(
            found(selectors.session_page(viewer=request.user, session_id=session_id))
        )


class SessionActionView(SessionPageMixin, View):
    http_method_names = ["post"]
    form_class = None
    form_name = None
    success_message = ""
    anchor = ""

    def get_target(self):
        """(session, the object acted on), both within the person's scope (404 otherwise)."""
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
        messages.error(request, NOT_SAVED)
        page = selectors.session_page_data(session=session, viewer=request.user)
        return self.render_page(page, bound={self.form_name_for(target): form})


class SessionChangeBase(SessionActionView):
    def get_target(self):
        session = selectors.session_to_change(
            viewer=self.request.user, session_id=self.kwargs["session_id"]
        )
        return found(session), session


class AssignmentActionBase(SessionActionView):
    """An action on one homework item; the page, read only when it is shown again, is not."""

    def get_target(self):
        self.assignment = found(
            selectors.assignment_to_change(
                viewer=self.request.user, assignment_id=self.kwargs["assignment_id"]
            )
        )
        return self.assignment.session, self.assignment


def message_form(data=None):
    return MessageForm(data, auto_id="id_message_%s")


class MessagePostBase(SessionChangeBase):
    """Write in a session's thread (the client or a provider on the care team)."""

    form_name = "message"
    success_message = _("Message sent.")
    anchor = "messages"

    def form_class(self, data):
        return message_form(data)

    def perform(self, form, session):
        services.message_post(actor=self.request.user, session=session, **form.cleaned_data)


def session_url(name, session):
    return reverse(f"sessions_app:{name}", kwargs={"session_id": session.uuid})

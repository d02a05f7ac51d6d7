"""The notification centre, the email settings page and the one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from . import selectors, services
from .forms import EmailSettingsForm


class RoleRequiredMixin:
    """Notifications are for providers and clients; staff without a role have none."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.role:
            raise PermissionDenied(_("Only care providers and clients have notifications."))
        return super().dispatch(request, *args, **kwargs)


class NotificationListView(RoleRequiredMixin, TemplateView):
    template_name = "notifications/list.html"

    def get_context_data(self, **kwargs):
        page = selectors.notification_list_page(
            viewer=self.request.user, page=self.request.GET.get("page")
        )
        return super().get_context_data(notifications=page, **kwargs)


class NotificationOpenView(RoleRequiredMixin, View):
    """A notification's link: marks it and its siblings read, then goes there."""

    http_method_names = ["get", "head"]

    def get(self, request, notification_id):
        notification = selectors.visible_notification(
            viewer=request.user, notification_id=notification_id
        )
        if notification is None:
            raise Http404
        path = services.notification_open(user=request.user, notification=notification)
        if not url_has_allowed_host_and_scheme(path, allowed_hosts=None):
            raise Http404
        return redirect(path)


class NotificationReadView(RoleRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, notification_id):
        notification = selectors.visible_notification(
            viewer=request.user, notification_id=notification_id
        )
        if notification is None:
            raise Http404
        services.notification_mark_read(user=request.user, notification=notification)
        return redirect("notifications:list")


class NotificationReadAllView(RoleRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        services.notifications_mark_all_read(user=request.user)
        messages.success(request, _("All your notifications are marked read."))
        return redirect("notifications:list")


class EmailSettingsView(RoleRequiredMixin, FormView):
    template_name = "notifications/settings.html"
    form_class = EmailSettingsForm

    def get_form_kwargs(self):
        self.prefs, self.kinds = selectors.email_settings_of(user=self.request.user)
        return {**super().get_form_kwargs(), "kinds": self.kinds}

    def get_initial(self):
        return {"quiet_start": self.prefs.quiet_start, "quiet_end": self.prefs.quiet_end}

    def form_valid(self, form):
        try:
            services.email_settings_save(
                user=self.request.user,
                modes=form.modes(),
                quiet_start=form.cleaned_data["quiet_start"],
                quiet_end=form.cleaned_data["quiet_end"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your email settings are saved."))
        return redirect("notifications:settings")


@method_decorator(login_not_required, name="dispatch")
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """The signed link of every email. GET asks (mail scanners open links); POST turns the
    email off, from the page's button or a mail app's one-click (RFC 8058), without log-in."""

    http_method_names = ["get", "post"]

    def get(self, request, token):
        target = services.unsubscribe_target(token)
        if target is None:
            raise Http404
        return render(request, "notifications/unsubscribe.html", {"token": token, "done": False})

    def post(self, request, token):
        try:
            services.unsubscribe(token=token)
        except ValidationError:
            raise Http404 from None
        return render(request, "notifications/unsubscribe.html", {"token": token, "done": True})

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from calendars import selectors as calendar_selectors

from . import invitations, selectors, services
from .forms import CareTeamForm, InvitationPasswordForm, InviteForm, LanguageForm
from .mixins import ClinicAdminRequiredMixin


def home(request):
    user = request.user
    if user.provider_profile is not None:
        return redirect("sessions_app:provider-dashboard")
    if user.client_profile is not None:
        return redirect("sessions_app:portal-dashboard")
    if user.is_staff:
        return redirect("admin:index")
    return render(request, "clinic/no_role.html")


def add_form_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class PeopleView(ClinicAdminRequiredMixin, TemplateView):
    template_name = "clinic/admin/people.html"

    def get_context_data(self, **kwargs):
        people = selectors.clinic_people(admin=self.admin)
        return super().get_context_data(people=people, **kwargs)


class InviteView(ClinicAdminRequiredMixin, FormView):
    template_name = "clinic/admin/invite.html"
    form_class = InviteForm

    def get_form_kwargs(self):
        providers = selectors.clinic_providers(admin=self.admin)
        return {**super().get_form_kwargs(), "providers": providers}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            clinic=self.admin.clinic, valid_days=invitations.valid_days(), **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            profile = services.person_invite(
                actor=self.request.user,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                title=data["title"],
                is_clinic_admin=data["is_clinic_admin"],
                date_of_birth=data["date_of_birth"],
                care_team=data["care_team"],
                build_absolute_uri=self.request.build_absolute_uri,
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        days = invitations.valid_days()
        text = ngettext(
            "Invitation sent to %(email)s. The link works once, within %(days)s day.",
            "Invitation sent to %(email)s. The link works once, within %(days)s days.",
            days,
        )
        messages.success(self.request, text % {"email": profile.user.email, "days": days})
        return redirect("clinic:people")


class CareTeamEditView(ClinicAdminRequiredMixin, FormView):
    template_name = "clinic/admin/care_team.html"
    form_class = CareTeamForm

    @cached_property
    def client(self):
        # Looked up after dispatch checked the role: non-admins get 403 before any 404.
        client = selectors.clinic_client(admin=self.admin, client_uuid=self.kwargs["client_id"])
        if client is None:
            raise Http404
        return client

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "providers": selectors.clinic_providers(admin=self.admin),
            "initial": {"care_team": selectors.care_team_of(client=self.client)},
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(client=self.client, **kwargs)

    def form_valid(self, form):
        try:
            services.care_team_set(
                actor=self.request.user,
                client=self.client,
                providers=form.cleaned_data["care_team"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The care team of %(name)s is saved.") % {"name": self.client}
        )
        return redirect("clinic:people")


@method_decorator(login_not_required, name="dispatch")
class InvitationAcceptView(FormView):
    template_name = "clinic/invitation_accept.html"
    form_class = InvitationPasswordForm

    def dispatch(self, request, *args, **kwargs):
        self.invited = selectors.invited_user(token=kwargs["token"])
        if self.invited is None:
            return render(request, "clinic/invitation_invalid.html", status=404)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.invited}

    def get_context_data(self, **kwargs):
        return super().get_context_data(invited=self.invited, **kwargs)

    def form_valid(self, form):
        try:
            services.invitation_accept(
                token=self.kwargs["token"], password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your password is set. Log in with your email address."))
        return redirect("account_login")


@login_not_required
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request, exception):
    # The same page whether the object does not exist or is someone else's.
    return render(request, "404.html", status=404)


class ApiTokenView(TemplateView):
    template_name = "clinic/api_token.html"

    def get_context_data(self, **kwargs):
        token = selectors.api_token_of(user=self.request.user)
        return super().get_context_data(token=token, **kwargs)

    def post(self, request):
        if request.POST.get("action") == "revoke":
            if services.api_token_revoke(user=request.user):
                messages.success(request, _("Your API token is revoked: it no longer works."))
            return redirect("clinic:api-token")
        token = services.api_token_create(user=request.user)
        # The key is shown on this one response only; the page never shows it again.
        return self.render_to_response(self.get_context_data(new_key=token.key))


class AccountSettingsView(FormView):
    template_name = "clinic/account_settings.html"
    form_class = LanguageForm

    def get_initial(self):
        return {"language": self.request.user.language}

    def get_context_data(self, **kwargs):
        user = self.request.user
        feed = calendar_selectors.calendar_feed_of(user=user) if user.role else None
        feed_url = None
        if feed is not None:
            path = reverse("calendars:feed", args=[feed.secret])
            feed_url = self.request.build_absolute_uri(path)
        return super().get_context_data(
            feed_offered=bool(user.role), feed=feed, feed_url=feed_url, **kwargs
        )

    def form_valid(self, form):
        try:
            user = services.user_language_set(
                user=self.request.user, language=form.cleaned_data["language"]
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        # Confirm in the language of the next page: the one just chosen, else the browser's.
        language = user.language or translation.get_language_from_request(self.request)
        with translation.override(language):
            messages.success(self.request, _("Your settings are saved."))
        return redirect("clinic:account")

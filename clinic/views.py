import sys

from allauth.account.decorators import reauthentication_required
from django.conf import settings
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
from django.views import defaults
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, TemplateView, View

from calendars import selectors as calendar_selectors
from sessions_app import services as session_services

from . import failures, health, invitations, problems, selectors, services
from .forms import (
    LOGIN_EMAIL,
    CareTeamForm,
    ClientEditForm,
    HandOverForm,
    InvitationPasswordForm,
    InviteForm,
    LanguageForm,
    ProviderEditForm,
)
from .mixins import ClinicAdminRequiredMixin
from .token_forms import ApiTokenForm


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
    """The role is chosen first (links, so the right fields show without a script)."""

    template_name = "clinic/admin/invite.html"
    form_class = InviteForm

    @cached_property
    def role(self):
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        role = source.get("role", services.ROLE_CLIENT)
        return role if role in (services.ROLE_CLIENT, services.ROLE_PROVIDER) else None

    def get_form_kwargs(self):
        providers = selectors.clinic_providers(admin=self.admin)
        return {
            **super().get_form_kwargs(),
            "role": self.role or services.ROLE_CLIENT,
            "providers": providers,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            clinic=self.admin.clinic,
            valid_days=invitations.valid_days(),
            role=self.role or services.ROLE_CLIENT,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            invitation = services.person_invite(
                actor=self.request.user,
                build_absolute_uri=self.request.build_absolute_uri,
                **form.service_arguments(),
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
        messages.success(self.request, text % {"email": invitation.email, "days": days})
        return redirect("clinic:people")


class InvitationActionView(ClinicAdminRequiredMixin, View):
    """Re-send (a new link; the old one stops working) or revoke a pending invitation."""

    action = None  # "resend" or "revoke"

    def post(self, request, invitation_id):
        invitation = selectors.clinic_invitation(admin=self.admin, invitation_uuid=invitation_id)
        if invitation is None:
            raise Http404
        try:
            if self.action == "resend":
                services.invitation_resend(
                    actor=request.user,
                    invitation=invitation,
                    build_absolute_uri=request.build_absolute_uri,
                )
                text = _("A new invitation is sent to %(email)s; the earlier link no longer works.")
            else:
                services.invitation_revoke(actor=request.user, invitation=invitation)
                text = _("The invitation to %(email)s is revoked; its link no longer works.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, text % {"email": invitation.email})
        return redirect("clinic:people")


class PersonMixin(ClinicAdminRequiredMixin):
    """The provider or client of the admin's clinic named in the URL (`role` from urls.py)."""

    role = None

    @cached_property
    def profile(self):
        # Looked up after dispatch checked the role: non-admins get 403 before any 404.
        if self.role == services.ROLE_PROVIDER:
            profile = selectors.clinic_provider(
                admin=self.admin, provider_uuid=self.kwargs["provider_id"]
            )
        else:
            profile = selectors.clinic_client(
                admin=self.admin, client_uuid=self.kwargs["client_id"]
            )
        if profile is None:
            raise Http404
        return profile

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.profile, role=self.role, **kwargs)


class PersonEditView(PersonMixin, FormView):
    template_name = "clinic/admin/person_edit.html"

    def get_form_class(self):
        return ProviderEditForm if self.role == services.ROLE_PROVIDER else ClientEditForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        profile = self.profile
        if self.role == services.ROLE_PROVIDER:
            kwargs["clients"] = selectors.clinic_clients(admin=self.admin)
            kwargs["initial"] = {
                "full_name": profile.user.full_name,
                "title": profile.title,
                "is_clinic_admin": profile.is_clinic_admin,
                "clients": selectors.clients_of(provider=profile),
            }
        else:
            kwargs["providers"] = selectors.clinic_providers(admin=self.admin)
            kwargs["initial"] = {
                "full_name": profile.user.full_name,
                "date_of_birth": profile.date_of_birth,
                "care_team": selectors.care_team_of(client=profile),
            }
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            if self.role == services.ROLE_PROVIDER:
                services.provider_update(
                    actor=self.request.user,
                    provider=self.profile,
                    full_name=data["full_name"],
                    title=data["title"],
                    is_clinic_admin=data["is_clinic_admin"],
                    clients=data["clients"],
                )
            else:
                services.client_update(
                    actor=self.request.user,
                    client=self.profile,
                    full_name=data["full_name"],
                    date_of_birth=data["date_of_birth"],
                    care_team=data["care_team"],
                )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The details of %(name)s are saved.") % {"name": self.profile}
        )
        return redirect("clinic:people")


class PersonDeactivateView(PersonMixin, TemplateView):
    """GET asks for confirmation; POST deactivates, then hands over a provider's open sessions."""

    template_name = "clinic/admin/person_deactivate.html"

    def post(self, request, **kwargs):
        try:
            services.person_deactivate(actor=request.user, profile=self.profile)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("clinic:people")
        messages.success(
            request,
            _("%(name)s is deactivated: they can no longer log in, and their records stay.")
            % {"name": self.profile},
        )
        if self.role == services.ROLE_PROVIDER and selectors.sessions_held(
            admin=self.admin, provider=self.profile
        ):
            return redirect("clinic:provider-hand-over", provider_id=self.profile.uuid)
        return redirect("clinic:people")


class PersonReactivateView(PersonMixin, View):
    def post(self, request, **kwargs):
        services.person_reactivate(actor=request.user, profile=self.profile)
        messages.success(
            request, _("%(name)s is active again and can log in.") % {"name": self.profile}
        )
        return redirect("clinic:people")


class HandOverView(PersonMixin, FormView):
    """The open sessions a provider holds, handed to other care-team members in one step."""

    template_name = "clinic/admin/hand_over.html"
    form_class = HandOverForm
    role = services.ROLE_PROVIDER

    @cached_property
    def held(self):
        return selectors.sessions_held(admin=self.admin, provider=self.profile)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "held": self.held}

    def get_context_data(self, **kwargs):
        return super().get_context_data(held=self.held, **kwargs)

    def form_valid(self, form):
        try:
            handed = session_services.sessions_hand_over(
                actor=self.request.user, provider=self.profile, to_providers=form.to_providers()
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        count = len(handed)
        messages.success(
            self.request,
            ngettext(
                "%(count)s session is handed over.", "%(count)s sessions are handed over.", count
            )
            % {"count": count},
        )
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
        self.request.session[LOGIN_EMAIL] = self.invited.email
        return redirect("account_login")


@require_GET
def keep_alive(request):
    """Typing in a form, or "Stay logged in", counts as activity (static/js/idle.js): the
    request itself moves the idle clock (clinic.security.SessionTimeoutMiddleware)."""
    return HttpResponse(status=204)


@login_not_required
def healthz(request):
    """Liveness: the process answers. Touches neither the database nor the session."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_GET
def readyz(request):
    """Readiness: PostgreSQL and (when configured) Redis answer in time. 503 names what is
    down, nothing more (no hosts, no versions). Where to use it: docs/scaling.md."""
    down = health.not_ready()
    if not down:
        return HttpResponse("ok", content_type="text/plain")
    response = HttpResponse(
        "unavailable: " + ", ".join(down),
        status=503,
        content_type="text/plain",
        headers={"Retry-After": str(failures.RETRY_AFTER)},
    )
    # The prober reads the answer; a line per probe would only repeat the requests' own lines.
    response._has_been_logged = True
    return response


def server_error(request):
    """handler500: a database outage answers 503 (clinic.failures), anything else the 500
    page; either way one log line, not Django's traceback per request."""
    exception = sys.exc_info()[1]
    if exception is None:
        return defaults.server_error(request)
    response = failures.failure_response(request, exception)
    if response is None:
        if failures.is_api(request):
            response = problems.problem_response(
                500,
                "server_error",
                _("Server error"),
                _("Something went wrong on our side; it has been logged."),
            )
        else:
            response = defaults.server_error(request)
        response["X-Request-ID"] = failures.request_id(request)
        response._has_been_logged = True
    return response


def page_not_found(request, exception):
    # The same page whether the object does not exist or is someone else's; under /api/, the
    # API's problem details, as for the API's own 404s.
    if failures.is_api(request):
        return problems.problem_response(404, "not_found", _("Not found"), _("Not found."))
    return render(request, "404.html", status=404)


class ApiTokenView(TemplateView):
    """A person's own tokens: listed (never their keys), made by the view below, deleted here."""

    template_name = "clinic/api_token.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ApiTokenForm())
        tokens = selectors.api_tokens_of(user=self.request.user)
        days = settings.API_TOKEN_TTL // 86400
        return super().get_context_data(tokens=tokens, token_days=days, **kwargs)

    def post(self, request):
        if services.api_token_delete(user=request.user, token_id=request.POST.get("token", "")):
            messages.success(request, _("The token is deleted: it no longer works."))
        return redirect("clinic:api-token")


@method_decorator(require_POST, name="dispatch")
@method_decorator(reauthentication_required, name="dispatch")
class ApiTokenCreateView(ApiTokenView):
    """Making a token asks for the password again: a token outlives the log-in session."""

    def post(self, request):
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        token, key = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        # The key is shown on this one response only; only its hash is kept.
        return self.render_to_response(self.get_context_data(new_key=key, new_token=token))


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

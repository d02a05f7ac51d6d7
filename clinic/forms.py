import uuid

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from .models import CareProvider, Client
from .services import FOREIGN_CARE_TEAM_MEMBER, OTHER_ROLE_FIELDS, ROLE_CLIENT, ROLE_PROVIDER

ROLE_CHOICES = [(ROLE_CLIENT, _("Client")), (ROLE_PROVIDER, _("Care provider"))]


class UUIDChoiceField(forms.ModelMultipleChoiceField):
    """Chosen by UUID: objects are never addressed by counting ids (SECURITY.md). A value
    that is no UUID is just a choice not on offer."""

    def __init__(self, **kwargs):
        super().__init__(to_field_name="uuid", **kwargs)

    def clean(self, value):
        for item in value or ():
            try:
                uuid.UUID(str(item))
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                ) from None
        return super().clean(value)


class ProviderChoiceField(UUIDChoiceField):
    def label_from_instance(self, obj):
        if not obj.user.is_active:
            return _("%(name)s (deactivated)") % {"name": obj.name}
        return obj.name


class ClientChoiceField(UUIDChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def care_team_field(**kwargs):
    # Each form sets the offered providers (the admin's clinic's).
    return ProviderChoiceField(
        queryset=CareProvider.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Care team"),
        error_messages={"invalid_choice": FOREIGN_CARE_TEAM_MEMBER},
        **kwargs,
    )


def full_name_field():
    return forms.CharField(label=_("Full name"), max_length=150)


def title_field():
    return forms.CharField(
        label=_("Job title"),
        max_length=120,
        required=False,
        help_text=_("e.g. Clinical psychologist"),
    )


def is_clinic_admin_field():
    return forms.BooleanField(
        required=False,
        label=_("Clinic administrator"),
        help_text=_("May invite people, edit care teams and read the audit trail."),
    )


def date_of_birth_field():
    return forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional."),
    )


# The labels of the fields a role does not have, named when such a field is posted anyway.
FIELD_LABELS = {
    "title": _("Job title"),
    "is_clinic_admin": _("Clinic administrator"),
    "date_of_birth": _("Date of birth"),
    "care_team": _("Care team"),
}
NOT_A_FIELD_OF = {
    ROLE_CLIENT: _("A client has no “%(field)s”: leave it out, or invite a care provider."),
    ROLE_PROVIDER: _("A care provider has no “%(field)s”: leave it out, or invite a client."),
}
NO_CARE_TEAM = _(
    "Nobody is on this client's care team yet, so no provider will see their sessions. "
    "Tick the box to invite them anyway, or choose their care team."
)


def _posted(data, name):
    if hasattr(data, "getlist"):
        return data.getlist(name)
    value = data.get(name)
    return value if isinstance(value, list | tuple) else [] if value is None else [value]


class InviteForm(forms.Form):
    """The fields of one role only: the page asks for the role first (a link, no script)."""

    role = forms.ChoiceField(choices=ROLE_CHOICES, widget=forms.HiddenInput)
    full_name = full_name_field()
    email = forms.EmailField(label=_("Email address"), max_length=254)

    def __init__(self, *args, role, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        self.fields["role"].initial = role
        if role == ROLE_PROVIDER:
            self.fields["title"] = title_field()
            self.fields["is_clinic_admin"] = is_clinic_admin_field()
        else:
            self.fields["date_of_birth"] = date_of_birth_field()
            self.fields["care_team"] = care_team_field(
                help_text=_("The providers who care for this client and see their sessions.")
            )
            self.fields["care_team"].queryset = providers
            # Shown only with the warning that asks for it (see clean()).
            self.fields["no_care_team_ok"] = forms.BooleanField(
                required=False,
                label=_("Invite without a care team"),
                widget=forms.HiddenInput,
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") and cleaned["role"] != self.role:
            self.add_error("role", _("Choose care provider or client."))
        for name in OTHER_ROLE_FIELDS.get(self.role, ()):
            if any(str(value).strip() for value in _posted(self.data, name)):
                self.add_error(None, NOT_A_FIELD_OF[self.role] % {"field": FIELD_LABELS[name]})
        if (
            self.role == ROLE_CLIENT
            and "care_team" in cleaned
            and not cleaned["care_team"]
            and not cleaned.get("no_care_team_ok")
        ):
            self.fields["no_care_team_ok"].widget = forms.CheckboxInput()
            self.add_error("no_care_team_ok", NO_CARE_TEAM)
        return cleaned

    def service_arguments(self):
        """The cleaned fields as person_invite() takes them."""
        data = self.cleaned_data
        return {
            "email": data["email"],
            "full_name": data["full_name"],
            "role": self.role,
            "title": data.get("title", ""),
            "is_clinic_admin": data.get("is_clinic_admin", False),
            "date_of_birth": data.get("date_of_birth"),
            "care_team": data.get("care_team", ()),
        }


class CareTeamForm(forms.Form):
    care_team = care_team_field()

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["care_team"].queryset = providers


class ProviderEditForm(forms.Form):
    full_name = full_name_field()
    title = title_field()
    is_clinic_admin = is_clinic_admin_field()
    clients = ClientChoiceField(
        queryset=Client.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("On the care team of"),
        error_messages={"invalid_choice": _("Choose clients of your clinic.")},
    )

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clients"].queryset = clients


class ClientEditForm(forms.Form):
    full_name = full_name_field()
    date_of_birth = date_of_birth_field()
    care_team = care_team_field()

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["care_team"].queryset = providers


class HandOverForm(forms.Form):
    """One choice per client whose sessions the deactivated provider holds."""

    def __init__(self, *args, held, **kwargs):
        super().__init__(*args, **kwargs)
        self.held = held
        for entry in held:
            self.fields[self.field_name(entry.client)] = forms.ChoiceField(
                label=entry.client.name,
                required=False,
                choices=[
                    ("", _("Keep for now")),
                    *((str(p.uuid), p.name) for p in entry.candidates),
                ],
            )

    @staticmethod
    def field_name(client):
        return f"client_{client.uuid}"

    def to_providers(self):
        """{client pk: the chosen provider}, for sessions_hand_over()."""
        chosen = {}
        for entry in self.held:
            value = self.cleaned_data.get(self.field_name(entry.client))
            by_uuid = {str(p.uuid): p for p in entry.candidates}
            if value:
                chosen[entry.client.pk] = by_uuid[value]
        return chosen


class InvitationPasswordForm(SetPasswordForm):
    def validate_password_for_user(self, user, *args, **kwargs):
        # "Too common" and the like belong under the password, not under its confirmation.
        super().validate_password_for_user(user, "new_password1")


# Kept in the log-in session after a password is set from an invitation.
LOGIN_EMAIL = "clinic.login_email"


class LoginForm(AllauthLoginForm):
    """allauth's, without the reset link as help text, the address filled in after an invitation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].help_text = ""
        session = getattr(self.request, "session", None)
        if not self.is_bound and session is not None and session.get(LOGIN_EMAIL):
            self.initial.setdefault("login", session[LOGIN_EMAIL])


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of pages and emails"),
        choices=[("", _("As my browser asks (else English)")), *settings.LANGUAGES],
        required=False,
        widget=forms.RadioSelect,
    )

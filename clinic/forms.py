from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from .models import CareProvider
from .services import FOREIGN_CARE_TEAM_MEMBER, ROLE_CLIENT, ROLE_PROVIDER


class CareTeamField(forms.ModelMultipleChoiceField):
    """An id no integer column can hold is just a choice not on offer (SQLite cannot take it)."""

    def clean(self, value):
        for pk in value or ():
            text = str(pk)
            if not (text.isascii() and text.isdigit() and int(text) < 2**63):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
        return super().clean(value)


def care_team_field(**kwargs):
    # Each form sets the offered providers (the admin's clinic's).
    return CareTeamField(
        queryset=CareProvider.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Care team"),
        error_messages={"invalid_choice": FOREIGN_CARE_TEAM_MEMBER},
        **kwargs,
    )


class InviteForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(ROLE_CLIENT, _("Client")), (ROLE_PROVIDER, _("Care provider"))],
        widget=forms.RadioSelect,
        initial=ROLE_CLIENT,
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    title = forms.CharField(
        label=_("Job title"),
        max_length=120,
        required=False,
        help_text=_("Care providers only, e.g. Clinical psychologist."),
    )
    is_clinic_admin = forms.BooleanField(
        required=False,
        label=_("Clinic administrator"),
        help_text=_("Care providers only: may invite people and edit care teams."),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Clients only; optional."),
    )
    care_team = care_team_field(
        help_text=_("Clients only: the providers who care for this client.")
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["care_team"].queryset = providers


class CareTeamForm(forms.Form):
    care_team = care_team_field()

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["care_team"].queryset = providers


class InvitationPasswordForm(SetPasswordForm):
    pass


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of pages and emails"),
        choices=[("", _("As my browser asks (else English)")), *settings.LANGUAGES],
        required=False,
        widget=forms.RadioSelect,
    )

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from .models import CareProvider, User
from .services import FOREIGN_CARE_TEAM_MEMBER, ROLE_CLIENT, ROLE_PROVIDER


class CareTeamField(forms.ModelMultipleChoiceField):
    """Providers of the clinic, by id. An id that is not a whole number a database column
    can hold is just another choice not on offer: SQLite cannot even be asked about it."""

    def clean(self, value):
        for pk in value or ():
            text = str(pk)
            if not (text.isascii() and text.isdigit() and int(text) < 2**63):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
        return super().clean(value)


class InviteForm(forms.Form):
    role = forms.ChoiceField(
        choices=[(ROLE_CLIENT, "Client"), (ROLE_PROVIDER, "Care provider")],
        widget=forms.RadioSelect,
        initial=ROLE_CLIENT,
    )
    full_name = forms.CharField(max_length=150)
    email = forms.EmailField(max_length=254)
    title = forms.CharField(
        max_length=120,
        required=False,
        help_text="Care providers only, e.g. Clinical psychologist.",
    )
    is_clinic_admin = forms.BooleanField(
        required=False,
        label="Clinic administrator",
        help_text="Care providers only: may invite people and edit care teams.",
    )
    date_of_birth = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Clients only; optional.",
    )
    care_team = CareTeamField(
        queryset=CareProvider.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Clients only: the providers who care for this client.",
        # A provider outside the offered list is another clinic's (or does not exist).
        error_messages={"invalid_choice": FOREIGN_CARE_TEAM_MEMBER},
    )

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["care_team"].queryset = CareProvider.objects.filter(
            clinic=clinic
        ).select_related("user")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("A person with this email address already has an account.")
        return email


class CareTeamForm(forms.Form):
    care_team = CareTeamField(
        queryset=CareProvider.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Care team",
        error_messages={"invalid_choice": FOREIGN_CARE_TEAM_MEMBER},
    )

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the clinic's own providers are offered, and only they are accepted.
        self.fields["care_team"].queryset = CareProvider.objects.filter(
            clinic=clinic
        ).select_related("user")


class InvitationPasswordForm(SetPasswordForm):
    pass


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of pages and emails"),
        choices=[("", _("As my browser asks (else English)")), *settings.LANGUAGES],
        required=False,
        widget=forms.RadioSelect,
    )

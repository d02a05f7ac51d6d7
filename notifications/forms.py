from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DIGEST_ONLY, EmailMode


class EmailSettingsForm(forms.Form):
    """One choice per kind of notification the person receives, and their quiet hours."""

    quiet_start = forms.TimeField(
        label=_("Quiet hours start"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours end"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_(
            "On your clinic's clock. Emails that would arrive in these hours wait until they "
            "end; the same start and end means no quiet hours."
        ),
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = [kind for kind, _label, _mode in kinds]
        for kind, label, mode in kinds:
            choices = [
                (value, text)
                for value, text in EmailMode.choices
                if not (kind in DIGEST_ONLY and value == EmailMode.IMMEDIATE)
            ]
            self.fields[f"mode_{kind}"] = forms.ChoiceField(
                label=label, choices=choices, initial=mode
            )
        # The kinds first, then the quiet hours.
        self.order_fields([f"mode_{kind}" for kind in self.kinds])

    def modes(self):
        return {kind: self.cleaned_data[f"mode_{kind}"] for kind in self.kinds}

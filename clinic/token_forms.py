"""The API token page's form (apart from forms.py, which the people pages change often)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses the token, such as “Reports script”; only you see it."),
    )

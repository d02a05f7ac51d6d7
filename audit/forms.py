from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors


class AuditFilterForm(forms.Form):
    """Filters of the audit page (GET): people and clients are chosen by UUID."""

    person = forms.ChoiceField(label=_("Person"), required=False)
    client = forms.ChoiceField(label=_("About client"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[
            ("", _("Everything")),
            (selectors.KIND_VIEWS, _("Pages and records opened")),
            (selectors.KIND_CHANGES, _("Changes")),
            (selectors.KIND_LOGINS, _("Log-ins and log-outs")),
            (selectors.KIND_REFUSED, _("Refused or failed")),
        ],
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, providers, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_uuid = {str(p.user.uuid): p.user for p in [*providers, *clients]}
        self.clients = {str(c.uuid): c for c in clients}
        self.fields["person"].choices = [("", _("Anyone"))] + [
            (str(p.user.uuid), p.name) for p in [*providers, *clients]
        ]
        self.fields["client"].choices = [("", _("Any client"))] + [
            (str(c.uuid), c.name) for c in clients
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the range comes before its start."))
        return cleaned

    def filters(self):
        """The AuditFilters of a valid form; no filter for an invalid one."""
        if not self.is_valid():
            return selectors.AuditFilters()
        data = self.cleaned_data
        return selectors.AuditFilters(
            person=self.by_uuid.get(data["person"]),
            client=self.clients.get(data["client"]),
            kind=data["kind"],
            since=data["since"],
            until=data["until"],
        )

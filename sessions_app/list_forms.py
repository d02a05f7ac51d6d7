"""The provider's session list filters (session_list.html writes their fields)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sessions_app import selectors
from sessions_app.forms import SessionFilterForm, clients_offered, providers_offered
from sessions_app.models import Session


def start_of_day(day, tz):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)


class SessionListFilterForm(SessionFilterForm):
    timing = forms.ChoiceField(
        label=_("Timing"),
        required=False,
        choices=[("", _("Any timing")), *Session.Timing.choices],
    )
    unread = forms.BooleanField(required=False, label=_("With unread messages"))
    waiting = forms.BooleanField(required=False, label=_("With homework waiting for feedback"))

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, provider=provider, **kwargs)
        self.provider = provider
        offered = selectors.filter_choices(provider=provider)
        # The names to show come from filter_choices; a queryset only checks a choice (offer).
        for name, choices in offered.items():
            field = self.fields[name]
            field.widget.choices = [
                ("", field.empty_label),
                *((str(value), label) for value, label in choices),
            ]

    @classmethod
    def for_query(cls, query, *, provider):
        """The form of a query, unbound when it has no filter (a page number alone)."""
        given = any(name in query for name in cls.base_fields)
        return cls(query if given else None, provider=provider)

    def offer(self, provider):
        # Building the querysets cost more than reading the names: only for a choice sent.
        for name, offered in (("client", clients_offered), ("provider", providers_offered)):
            if self.data.get(self.add_prefix(name)):
                self.fields[name].queryset = offered(provider)

    def clean(self):
        data = super().clean()
        after, before = data.get("starts_after"), data.get("starts_before")
        if after and before and before < after:
            # add_error also drops the field from cleaned_data: the bad bound is left out.
            self.add_error("starts_before", _("The end of the date range is before its start."))
        return data

    def filters(self):
        """The filters for selectors.session_list_ids; a bad value is left out (and shown)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        filters = {
            name: data[name] for name in ("status", "timing", "unread", "waiting") if data.get(name)
        }
        for name in ("client", "provider"):
            if data.get(name):
                filters[name] = data[name].pk
        tz = self.provider.clinic.tzinfo
        if data.get("starts_after"):
            filters["starts_after"] = start_of_day(data["starts_after"], tz)
        if data.get("starts_before"):
            # "Until" includes the whole of that day on the clinic's clock.
            end = data["starts_before"] + dt.timedelta(days=1)
            filters["starts_before"] = start_of_day(end, tz)
        return filters

import datetime as dt

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.models import CareProvider, Client

from . import services
from .models import (
    FEEDBACK_MAX,
    INSTRUCTIONS_MAX,
    MESSAGE_MAX,
    NOTE_MAX,
    REPEAT_MAX,
    RESPONSE_MAX,
    TITLE_MAX,
    Session,
)

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

# As serializers.YEARS: near the calendar's ends, UTC shifts overflow (500s, unreadable rows).
FIRST_YEAR, LAST_YEAR = 2000, 2999


def in_the_years(value):
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        if isinstance(value, dt.datetime):
            message = gettext("Give a time in the years %(first)s to %(last)s.")
        else:
            message = gettext("Give a date in the years %(first)s to %(last)s.")
        raise forms.ValidationError(
            message, code="year", params={"first": FIRST_YEAR, "last": LAST_YEAR}
        )


class DateTimeField(forms.DateTimeField):
    default_validators = [in_the_years]


class DateField(forms.DateField):
    default_validators = [in_the_years]


class UUIDChoiceField(forms.ModelChoiceField):
    """A model choice addressed by the object's UUID, never by its sequential id."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="uuid", **kwargs)

    def label_from_instance(self, obj):
        return obj.user.full_name

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            # A malformed id is just another choice that is not on offer.
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from error


def clients_offered(provider):
    """My care-team clients, loading only the name shown and the UUID submitted."""
    return (
        Client.objects.visible_to(provider.user)
        .select_related("user")
        .only("uuid", "user__full_name")
    )


def providers_offered(provider):
    """My clinic's providers; the service checks the chosen one is on the care team."""
    return (
        CareProvider.objects.filter(clinic_id=provider.clinic_id)
        .select_related("user")
        .only("uuid", "user__full_name")
    )


def offer_people(form, provider):
    form.fields["client"].queryset = clients_offered(provider)
    form.fields["provider"].queryset = providers_offered(provider)


class ScheduleForm(forms.Form):
    client = UUIDChoiceField(Client.objects.none(), label=_("Client"))
    provider = UUIDChoiceField(
        CareProvider.objects.none(),
        label=_("Provider"),
        help_text=_("Who holds the session: you or another provider on the client's care team."),
    )
    starts_at = DateTimeField(label=_("Starts"), widget=DATETIME_INPUT)
    ends_at = DateTimeField(label=_("Ends"), widget=DATETIME_INPUT)
    repeat = forms.IntegerField(
        label=_("Repeat"),
        min_value=1,
        max_value=REPEAT_MAX,
        initial=1,
        help_text=_("How many sessions in a row (1 to 52); each starts when the previous ends."),
    )
    homework_applies_to = forms.ChoiceField(
        label=_("Homework for"),
        choices=[
            (services.HOMEWORK_FOR_ALL, _("Every session of the series")),
            (services.HOMEWORK_FOR_FIRST, _("The first session only")),
        ],
        initial=services.HOMEWORK_FOR_ALL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        offer_people(self, provider)
        self.fields["provider"].initial = provider.uuid

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", gettext("The session must end after it starts."))
        return data


class HomeworkForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    instructions = forms.CharField(
        label=_("Instructions"),
        max_length=INSTRUCTIONS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_at = DateTimeField(
        label=_("Due"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("Default: the session's end."),
    )


class BaseHomeworkFormSet(forms.BaseFormSet):
    def homework(self):
        return [
            services.HomeworkSpec(**form.cleaned_data)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


HomeworkFormSet = forms.formset_factory(
    HomeworkForm, formset=BaseHomeworkFormSet, extra=1, max_num=20, validate_max=True
)


class FeedbackForm(forms.Form):
    body = forms.CharField(
        label=_("Feedback"), max_length=FEEDBACK_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Your answer"), max_length=RESPONSE_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when closing with unfinished homework: say why."),
    )
    force = forms.BooleanField(
        required=False, label=_("Close anyway, with the homework unfinished")
    )


class SessionFilterForm(forms.Form):
    client = UUIDChoiceField(
        Client.objects.none(), label=_("Client"), required=False, empty_label=_("All clients")
    )
    provider = UUIDChoiceField(
        CareProvider.objects.none(),
        label=_("Provider"),
        required=False,
        empty_label=_("All providers"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Session.Status.choices],
    )
    starts_after = DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    starts_before = DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer(provider)

    def offer(self, provider):
        """The people whom the client and provider fields offer and accept."""
        offer_people(self, provider)

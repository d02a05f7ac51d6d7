import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.models import CareProvider, Client

from . import instruments, services
from .models import (
    FEEDBACK_MAX,
    INSTRUCTIONS_MAX,
    MEETING_MINUTES,
    MEETING_MINUTES_DEFAULT,
    MESSAGE_MAX,
    NOTE_MAX,
    PLACE_MAX,
    REPEAT_MAX,
    RESPONSE_MAX,
    TITLE_MAX,
    VIDEO_URL_MAX,
    Assignment,
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


class MeetingForm(forms.Form):
    """A session's meeting (DESIGN.md section 9); fields named as the services name errors."""

    meeting_starts_at = DateTimeField(
        label=_("Meeting starts"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("Optional: the appointment inside the session's period."),
    )
    meeting_minutes = forms.IntegerField(
        label=_("Meeting length (minutes)"),
        required=False,
        min_value=MEETING_MINUTES[0],
        max_value=MEETING_MINUTES[1],
        initial=MEETING_MINUTES_DEFAULT,
    )
    meeting_place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=PLACE_MAX,
        help_text=_("A room, an address or “phone”."),
    )
    meeting_video_url = forms.CharField(
        label=_("Video link"),
        required=False,
        max_length=VIDEO_URL_MAX,
        help_text=_("A full address starting with https://."),
    )

    def meeting_spec(self):
        """The meeting asked for, or None when no start is given."""
        data = self.cleaned_data
        if not data.get("meeting_starts_at"):
            return None
        return services.MeetingSpec(
            starts_at=data["meeting_starts_at"],
            minutes=data.get("meeting_minutes") or MEETING_MINUTES_DEFAULT,
            place=data.get("meeting_place") or "",
            video_url=data.get("meeting_video_url") or "",
        )

    def check_meeting(self, data):
        """Details without a start are refused rather than dropped silently."""
        if not data.get("meeting_starts_at") and (
            data.get("meeting_place") or data.get("meeting_video_url")
        ):
            self.add_error(
                "meeting_starts_at",
                gettext("Give the meeting's start, or leave its place and link empty."),
            )


def allow_overlap_field():
    return forms.BooleanField(
        required=False,
        label=_("Schedule anyway: the client sees both providers at that time"),
    )


def apply_to_field():
    return forms.ChoiceField(
        label=_("Apply to"),
        choices=[
            (services.APPLY_TO_THIS, _("This session")),
            (services.APPLY_TO_FOLLOWING, _("This and the later sessions of the series")),
        ],
        initial=services.APPLY_TO_THIS,
        widget=forms.RadioSelect,
    )


class ScheduleForm(MeetingForm):
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
    allow_overlap = allow_overlap_field()
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
        self.check_meeting(data)
        return data


def _minute(moment, tz):
    """`moment` on the clinic's wall clock to the minute, as the form's inputs show it."""
    return timezone.localtime(moment, tz).replace(second=0, microsecond=0)


class SessionChangeForm(MeetingForm):
    """Change an open session: only what differs is passed on, so an unchanged form does nothing."""

    starts_at = DateTimeField(label=_("Starts"), widget=DATETIME_INPUT)
    ends_at = DateTimeField(label=_("Ends"), widget=DATETIME_INPUT)
    provider = UUIDChoiceField(
        CareProvider.objects.none(),
        label=_("Held by"),
        help_text=_("A provider on the client's care team."),
    )
    no_meeting = forms.BooleanField(required=False, label=_("No meeting"))
    apply_to = apply_to_field()
    allow_overlap = allow_overlap_field()

    def __init__(self, *args, session, team, later, now, **kwargs):
        self.session = session
        self.tz = session.clinic.tzinfo
        self.period_editable = now < session.starts_at
        super().__init__(*args, initial=self.initial_of(session), **kwargs)
        self.fields["provider"].queryset = CareProvider.objects.filter(
            pk__in=[member.pk for member in team]
        )
        self.fields["provider"].choices = [(member.uuid, member.user.full_name) for member in team]
        if not self.period_editable:
            del self.fields["starts_at"], self.fields["ends_at"]
        if not later:
            del self.fields["apply_to"]

    def initial_of(self, session):
        initial = {
            "starts_at": _minute(session.starts_at, self.tz),
            "ends_at": _minute(session.ends_at, self.tz),
            "provider": session.provider.uuid,
            "no_meeting": not session.has_meeting,
            "meeting_minutes": session.meeting_minutes or MEETING_MINUTES_DEFAULT,
            "meeting_place": session.meeting_place,
            "meeting_video_url": session.meeting_video_url,
            "apply_to": services.APPLY_TO_THIS,
        }
        if session.has_meeting:
            initial["meeting_starts_at"] = _minute(session.meeting_starts_at, self.tz)
        return initial

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", gettext("The session must end after it starts."))
        if not data.get("no_meeting"):
            self.check_meeting(data)
        return data

    def changes(self):
        """The keyword arguments for services.session_change: what differs from the session."""
        data, session = self.cleaned_data, self.session
        changes = {
            "apply_to": data.get("apply_to") or services.APPLY_TO_THIS,
            "allow_overlap": data.get("allow_overlap", False),
        }
        if self.period_editable:
            if data["starts_at"] != _minute(session.starts_at, self.tz):
                changes["starts_at"] = data["starts_at"]
            if data["ends_at"] != _minute(session.ends_at, self.tz):
                changes["ends_at"] = data["ends_at"]
        if data["provider"].pk != session.provider_id:
            changes["provider"] = data["provider"]
        meeting = None if data.get("no_meeting") else self.meeting_spec()
        if meeting is None:
            if session.has_meeting:
                changes["meeting"] = None
        elif not session.has_meeting or meeting != self.current_meeting():
            changes["meeting"] = meeting
        return changes

    def current_meeting(self):
        session = self.session
        return services.MeetingSpec(
            starts_at=_minute(session.meeting_starts_at, self.tz),
            minutes=session.meeting_minutes,
            place=session.meeting_place,
            video_url=session.meeting_video_url,
        )


class SessionCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the session and shown on its page."),
    )
    apply_to = apply_to_field()

    def __init__(self, *args, later, **kwargs):
        super().__init__(*args, **kwargs)
        if not later:
            del self.fields["apply_to"]


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


class HomeworkItemForm(HomeworkForm):
    """A homework item of any kind: free text, or a questionnaire (DESIGN.md section 12)."""

    field_order = ["kind", "title", "instructions", "due_at"]

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Assignment.Kind.choices,
        initial=Assignment.Kind.TEXT,
        required=False,
        help_text=_("A PHQ-9 or GAD-7 questionnaire is scored when the client answers it."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        required=False,
        help_text=_("Needed for free text; a questionnaire without one is named after it."),
    )

    def has_changed(self):
        # A row left as free text with nothing written is no homework (the formset skips it).
        kind = self["kind"].data or Assignment.Kind.TEXT
        return kind != Assignment.Kind.TEXT or any(n != "kind" for n in self.changed_data)

    def clean(self):
        data = super().clean()
        data["kind"] = data.get("kind") or Assignment.Kind.TEXT
        if data["kind"] == Assignment.Kind.TEXT and not data.get("title", "").strip():
            # As a required field says it: free text needs its title.
            self.add_error("title", self.fields["title"].error_messages["required"])
        return data


class BaseHomeworkFormSet(forms.BaseFormSet):
    def homework(self):
        return [
            services.HomeworkSpec(**form.cleaned_data)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


HomeworkFormSet = forms.formset_factory(
    HomeworkItemForm, formset=BaseHomeworkFormSet, extra=1, max_num=20, validate_max=True
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


class QuestionnaireForm(forms.Form):
    """A questionnaire's items, one required choice of the scale each (fields item_1...)."""

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for number, text in enumerate(instrument.items, start=1):
            self.fields[instrument.field_name(number)] = forms.TypedChoiceField(
                label=text,
                choices=instruments.SCALE,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": gettext(
                        "Question %(number)s has no answer: choose one of the four."
                    )
                    % {"number": number},
                    "invalid_choice": gettext(
                        "Question %(number)s: the answer must be 0, 1, 2 or 3."
                    )
                    % {"number": number},
                },
            )

    def answers(self):
        return [
            self.cleaned_data[self.instrument.field_name(number)]
            for number in range(1, len(self.instrument.items) + 1)
        ]


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

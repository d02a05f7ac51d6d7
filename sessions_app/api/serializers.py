import re

from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.models import Client
from sessions_app import selectors, services
from sessions_app.models import (
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
    Feedback,
    Message,
    QuestionnaireResponse,
    Session,
)

from . import output

HOMEWORK_MAX = 20  # homework items in one scheduling request


class PersonSerializer(serializers.Serializer):
    """A provider or a client: their profile id (a UUID) and name."""

    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField(source="user.full_name")


class AuthorSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField()
    name = serializers.CharField(source="full_name")
    role = serializers.SerializerMethodField()

    def _profile(self, user):
        return user.provider_profile or user.client_profile

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_id(self, user):
        profile = self._profile(user)
        return str(profile.uuid) if profile else None

    @extend_schema_field(serializers.ChoiceField(choices=["provider", "client"]))
    def get_role(self, user):
        return user.role


class FeedbackSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    author = PersonSerializer()

    class Meta:
        model = Feedback
        fields = ["id", "author", "body", "created_at"]


class ScaleSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()


class QuestionnaireItemSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField()
    answer = serializers.IntegerField(allow_null=True, help_text="0-3; null before answering.")


class QuestionnaireSerializer(serializers.Serializer):
    """A questionnaire's items with the answers given, and total and band (null before)."""

    instrument = serializers.ChoiceField(choices=["phq9", "gad7"])
    name = serializers.CharField()
    instructions = serializers.CharField()
    scale = ScaleSerializer(many=True)
    items = QuestionnaireItemSerializer(many=True)
    total = serializers.IntegerField(allow_null=True)
    band = serializers.CharField(allow_null=True)
    band_label = serializers.CharField(allow_null=True)
    flagged = serializers.BooleanField(help_text="An answer flagged it for the care team.")
    needs_attention = serializers.BooleanField(help_text="Flagged, not yet acknowledged.")


class AssignmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    created_by = PersonSerializer()
    status = serializers.ChoiceField(choices=Assignment.Status.choices)
    kind = serializers.ChoiceField(choices=Assignment.Kind.choices)
    questionnaire = serializers.SerializerMethodField()
    feedback = FeedbackSerializer(many=True)

    @extend_schema_field(QuestionnaireSerializer(allow_null=True))
    def get_questionnaire(self, assignment):
        scored = QuestionnaireResponse.objects.filter(assignment=assignment).first()
        if scored is None:
            return output.questionnaire(assignment.kind, None, None, None, None, None)
        return output.questionnaire(
            assignment.kind,
            scored.answers,
            scored.total,
            scored.band,
            scored.flagged_at,
            scored.acknowledged_at,
        )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "title",
            "instructions",
            "due_at",
            "created_by",
            "created_at",
            "status",
            "response",
            "submitted_at",
            "kind",
            "questionnaire",
            "feedback",
        ]


class MessageSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    author = AuthorSerializer()

    class Meta:
        model = Message
        fields = ["id", "author", "body", "created_at"]


class MeetingSerializer(serializers.Serializer):
    """A session's meeting: the appointment inside its period (DESIGN.md section 9)."""

    starts_at = serializers.DateTimeField(source="meeting_starts_at")
    minutes = serializers.IntegerField(source="meeting_minutes")
    place = serializers.CharField(source="meeting_place", help_text="Free text; may be empty.")
    video_url = serializers.CharField(
        source="meeting_video_url", help_text="An https:// link, or empty."
    )


class SessionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    # Declared: the model field's bounds depend on the database (the schema must not).
    sequence = serializers.IntegerField(help_text="The session's place in its series, from 1.")
    number = serializers.IntegerField(
        help_text="The session's number in the client's care: continues across series."
    )
    client = PersonSerializer()
    provider = PersonSerializer()
    created_by = PersonSerializer()
    meeting = serializers.SerializerMethodField()
    closed_by = PersonSerializer(allow_null=True)
    cancelled_by = PersonSerializer(allow_null=True)
    timing = serializers.SerializerMethodField()
    assignments = AssignmentSerializer(many=True)
    messages = MessageSerializer(many=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "series_id",
            "sequence",
            "number",
            "client",
            "provider",
            "created_by",
            "starts_at",
            "ends_at",
            "meeting",
            "status",
            "timing",
            "closed_at",
            "closed_by",
            "close_note",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "assignments",
            "messages",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=Session.Timing.values))
    def get_timing(self, session):
        return session.timing_at(self.context.get("now") or timezone.now()).value

    @extend_schema_field(MeetingSerializer(allow_null=True))
    def get_meeting(self, session):
        return MeetingSerializer(session).data if session.has_meeting else None


class ScheduledSerializer(serializers.Serializer):
    series_id = serializers.UUIDField()
    sessions = SessionSerializer(many=True)


class SessionsSerializer(serializers.Serializer):
    sessions = SessionSerializer(many=True)


class ClinicSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField()
    time_zone = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.full_name")
    role = serializers.ChoiceField(choices=["provider", "client"], source="user.role")
    clinic = ClinicSerializer()


class SessionRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()


class MeasureScoreSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    band = serializers.CharField()
    band_label = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    session = SessionRefSerializer()


class MeasureSerializer(serializers.Serializer):
    """One questionnaire's scores, oldest first, and what the change since the first means."""

    instrument = serializers.ChoiceField(choices=["phq9", "gad7"])
    name = serializers.CharField()
    scores = MeasureScoreSerializer(many=True)
    change = serializers.IntegerField(help_text="The latest score minus the first.")
    reliable_improvement = serializers.BooleanField()
    reliable_deterioration = serializers.BooleanField()
    response = serializers.BooleanField()
    remission = serializers.BooleanField()


class ClientMeasuresSerializer(serializers.Serializer):
    client = PersonSerializer()
    measures = MeasureSerializer(many=True)


class ClientSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField(source="user.full_name")
    email = serializers.EmailField(source="user.email")
    care_team = PersonSerializer(many=True)

    class Meta:
        model = Client
        fields = ["id", "name", "email", "care_team"]


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True,
        help_text="Where, as a path: `ends_at`, `meeting.starts_at`, `homework[0].title`, or "
        "the query parameter's name; null for the request as a whole.",
    )
    code = serializers.CharField(help_text="Stable, for programs: `required`, `invalid`...")
    message = serializers.CharField(help_text="For people, in the requester's language.")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details: the body of every error of the API."""

    type = serializers.CharField(help_text="`urn:caresessions:problem:` and the `code`.")
    title = serializers.CharField(help_text="The kind of problem, for people.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="This occurrence, for people.")
    code = serializers.CharField(help_text="Stable, for programs; `detail` is for people.")
    unfinished = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        help_text="With `not_ready`: the homework not completed or without feedback.",
    )
    sessions = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        help_text="With `overlap` and `overlap_other_provider`: the sessions in the way.",
    )


class ValidationProblemSerializer(serializers.Serializer):
    """A 400: the problem, with each invalid value of the request in `errors`."""

    type = serializers.CharField(help_text="`urn:caresessions:problem:` and the `code`.")
    title = serializers.CharField(help_text="The kind of problem, for people.")
    status = serializers.IntegerField(help_text="400.")
    detail = serializers.CharField(help_text="This occurrence, for people.")
    code = serializers.CharField(
        help_text="`invalid` (the values), `parse_error` (not JSON, or nested too deep) or "
        "`idempotency_key_invalid`."
    )
    errors = FieldErrorSerializer(many=True)


# Input fields take exactly the JSON types the schema documents; DRF's would coerce "true".

# What str.strip() removes, spelled out: `\s` differs between Python and schema validators.
_SPACE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NO_NUL = RegexValidator(r"^[^\x00]+$", _("Contains a character that is not allowed (NUL)."))
NOT_BLANK = RegexValidator(
    rf"^[{_SPACE}]*[^{_SPACE}\x00][^\x00]*$",
    _("Cannot be empty or only spaces, nor contain a NUL character."),
)


class TextField(serializers.CharField):
    """A JSON string kept as sent (the services strip it); required text needs a visible one."""

    def __init__(self, *, required=True, **kwargs):
        validators = [NOT_BLANK] if required else [NO_NUL]
        if not required:
            kwargs.update(required=False, allow_blank=True, default="")
        super().__init__(trim_whitespace=False, validators=validators, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictUUIDField(serializers.UUIDField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


# Clear of the calendar's ends (offsets overflow) and of pre-standard-time local mean times.
YEARS = re.compile(r"^2[0-9]{3}-")


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        "pattern": YEARS.pattern,
        "description": "ISO 8601, years 2000 to 2999. Without an offset, the time is read "
        "on the clinic's wall clock.",
    }
)
class TimeField(serializers.DateTimeField):
    """A time; one without an offset is read in the active (the clinic's) time zone."""

    def to_internal_value(self, value):
        if isinstance(value, str) and not YEARS.match(value):
            message = gettext("Give a time in the years %(first)s to %(last)s.")
            raise serializers.ValidationError(message % {"first": 2000, "last": 2999}, code="year")
        return super().to_internal_value(value)


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        "description": "ISO 8601, years 2000 to 2999 (400 otherwise). Without an offset, the "
        "time is read on the clinic's wall clock.",
    }
)
class MeetingTimeField(TimeField):
    """TimeField without the year pattern in the schema, which starved schema fuzzers."""


class HomeworkInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Assignment.Kind.choices,
        default=Assignment.Kind.TEXT,
        help_text="Free text, or a PHQ-9 or GAD-7 questionnaire (scored when answered).",
    )
    title = TextField(
        max_length=TITLE_MAX,
        required=False,
        help_text="Required for free text; a questionnaire without one is named after it.",
    )
    instructions = TextField(max_length=INSTRUCTIONS_MAX, required=False)
    due_at = TimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Default: the session's end. In a series, later copies keep the same "
        "offset from their session's start.",
    )

    def validate(self, data):
        if data.get("kind") == Assignment.Kind.TEXT and not data.get("title", "").strip():
            raise serializers.ValidationError(
                {"title": [gettext("The homework title cannot be empty.")]}
            )
        return data


class MeetingInSerializer(serializers.Serializer):
    starts_at = MeetingTimeField(
        help_text="Inside the session's period. In a series, each later session gets the "
        "meeting at the same offset from its start, on the clinic's wall clock."
    )
    minutes = StrictIntegerField(
        min_value=MEETING_MINUTES[0],
        max_value=MEETING_MINUTES[1],
        default=MEETING_MINUTES_DEFAULT,
        help_text=f"The meeting's length. Default: {MEETING_MINUTES_DEFAULT}.",
    )
    place = TextField(max_length=PLACE_MAX, required=False, help_text='A room, "phone"...')
    video_url = TextField(
        max_length=VIDEO_URL_MAX,
        required=False,
        help_text="A full https:// address (400 otherwise), or empty.",
    )


ALLOW_OVERLAP_HELP = (
    "Schedule anyway when another provider's session of the client is in the way (409 "
    "`overlap_other_provider` otherwise). An overlap with the same provider is never allowed."
)


class ScheduleInSerializer(serializers.Serializer):
    client = StrictUUIDField(help_text="A client on your care team (`GET /api/v1/clients/`).")
    provider = StrictUUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Who holds the sessions: a provider on the client's care team. Default: you.",
    )
    starts_at = TimeField()
    ends_at = TimeField(help_text="After `starts_at`; each session of a series lasts as long.")
    repeat = StrictIntegerField(
        min_value=1,
        max_value=REPEAT_MAX,
        default=1,
        help_text="How many chained sessions: each starts when the one before ends.",
    )
    homework = serializers.ListField(
        child=HomeworkInSerializer(), required=False, default=list, max_length=HOMEWORK_MAX
    )
    homework_applies_to = serializers.ChoiceField(
        choices=[services.HOMEWORK_FOR_ALL, services.HOMEWORK_FOR_FIRST],
        default=services.HOMEWORK_FOR_ALL,
        help_text="`all`: each session gets its own copy; `first`: only the first session.",
        # DRF's message echoes the value, and a lone surrogate ("\ud800") breaks UTF-8: a 500.
        error_messages={"invalid_choice": _("Choose 'all' or 'first'.")},
    )
    meeting = MeetingInSerializer(
        required=False, allow_null=True, default=None, help_text="Default: no meeting."
    )
    allow_overlap = StrictBooleanField(required=False, default=False, help_text=ALLOW_OVERLAP_HELP)

    def validate_client(self, value):
        client = selectors.api_client(viewer=self.context["request"].user, client_id=value)
        if client is None:
            raise serializers.ValidationError(gettext("Unknown client, or not on your care team."))
        return client

    def validate_provider(self, value):
        return None if value is None else _known_provider(self, value)


class CloseInSerializer(serializers.Serializer):
    note = TextField(
        max_length=NOTE_MAX,
        required=False,
        help_text="Why the session is closed with unfinished homework (needed with `force`).",
    )
    force = StrictBooleanField(
        required=False,
        default=False,
        help_text="Close although some homework is unfinished; needs a `note`.",
    )


def _known_provider(serializer, value):
    provider = selectors.api_provider(viewer=serializer.context["request"].user, provider_id=value)
    if provider is None:
        raise serializers.ValidationError(gettext("Unknown provider."))
    return provider


APPLY_TO = {
    "choices": [services.APPLY_TO_THIS, services.APPLY_TO_FOLLOWING],
    "default": services.APPLY_TO_THIS,
    "help_text": "`this`: this session only; `following`: this one and the later open "
    "sessions of its series.",
    "error_messages": {"invalid_choice": _("Choose 'this' or 'following'.")},
}


class SessionChangeInSerializer(serializers.Serializer):
    """Only the fields given change; the others stay as they are."""

    apply_to = serializers.ChoiceField(**APPLY_TO)
    starts_at = TimeField(
        required=False,
        help_text="Only before the session starts. With `following`, later sessions shift "
        "by the same amount on the clinic's wall clock.",
    )
    ends_at = TimeField(required=False, help_text="Only before the session starts.")
    provider = StrictUUIDField(
        required=False, help_text="Who holds the session: a provider on the client's care team."
    )
    meeting = MeetingInSerializer(
        required=False, allow_null=True, help_text="The new meeting; `null` removes it."
    )
    allow_overlap = StrictBooleanField(required=False, default=False, help_text=ALLOW_OVERLAP_HELP)

    def validate_provider(self, value):
        return _known_provider(self, value)


class CancelInSerializer(serializers.Serializer):
    reason = TextField(max_length=NOTE_MAX, help_text="Why the session is cancelled (kept).")
    apply_to = serializers.ChoiceField(**APPLY_TO)


class AssignmentInSerializer(HomeworkInSerializer):
    pass


class SubmitInSerializer(serializers.Serializer):
    response = TextField(
        max_length=RESPONSE_MAX, required=False, help_text="The answer to free-text homework."
    )
    # Checked by the service, as the portal's form is: one answer per item, each 0-3.
    answers = serializers.ListField(
        required=False,
        max_length=50,
        help_text="A questionnaire's answers, one per item in order, each 0 to 3.",
    )


class FeedbackInSerializer(serializers.Serializer):
    body = TextField(max_length=FEEDBACK_MAX)


class MessageInSerializer(serializers.Serializer):
    body = TextField(max_length=MESSAGE_MAX)


CALENDAR_DAYS_MAX = 92


class CalendarQuerySerializer(serializers.Serializer):
    start = serializers.DateField(help_text="The first day (YYYY-MM-DD), on the clinic's clock.")
    end = serializers.DateField(
        help_text=f"The last day, included; at most {CALENDAR_DAYS_MAX} days in all."
    )

    def validate(self, data):
        for name in ("start", "end"):
            if not 2000 <= data[name].year <= 2999:
                message = gettext("Give a day in the years %(first)s to %(last)s.")
                raise serializers.ValidationError(
                    {name: message % {"first": 2000, "last": 2999}}, code="year"
                )
        days = (data["end"] - data["start"]).days + 1
        if days < 1:
            raise serializers.ValidationError(
                {"end": gettext("The last day comes before the first.")}, code="reversed"
            )
        if days > CALENDAR_DAYS_MAX:
            message = gettext("Ask for %(max)s days at most; this asks for %(days)s.")
            raise serializers.ValidationError(
                {"end": message % {"max": CALENDAR_DAYS_MAX, "days": days}}, code="too_long"
            )
        return data


class CalendarMeetingSerializer(MeetingSerializer):
    """A meeting in the requester's calendar, with the session it belongs to."""

    session = serializers.UUIDField(source="uuid")
    number = serializers.IntegerField(help_text="The session's number in the client's care.")
    status = serializers.ChoiceField(
        choices=Session.Status.values, help_text="A cancelled session's meeting is called off."
    )
    client = PersonSerializer()
    provider = PersonSerializer()
    ends_at = serializers.DateTimeField(source="meeting_ends_at")


class SessionFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Session.Status.values, required=False)
    client = serializers.UUIDField(required=False, help_text="A client's id.")
    provider = serializers.UUIDField(required=False, help_text="The id of who holds the session.")
    starts_after = TimeField(required=False, help_text="Sessions starting at or after this time.")
    starts_before = TimeField(required=False, help_text="Sessions starting before this time.")
    ordering = serializers.ChoiceField(
        choices=["starts_at", "-starts_at"], required=False, help_text="Default: `starts_at`."
    )

"""Care cycle writes: each checks the actor, validates, refuses closed sessions, is atomic."""

import datetime as dt
from dataclasses import dataclass
from uuid import uuid4

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import formats, timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy, ngettext

from audit.services import record
from clinic.models import CareProvider, CareTeamMembership, Client
from notifications.services import questionnaire_risk_notify, record_event

from . import instruments
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
    Feedback,
    Message,
    QuestionnaireResponse,
    ReadPosition,
    Session,
    SessionChange,
)

HOMEWORK_FOR_ALL = "all"
HOMEWORK_FOR_FIRST = "first"
APPLY_TO_THIS = "this"
APPLY_TO_FOLLOWING = "following"


class Conflict(Exception):
    """Refused by the object's state (API: 409): `detail` for people, `code` for programs."""

    code = "conflict"

    def __init__(self, detail, **extra):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class SessionClosed(Conflict):
    code = "session_closed"

    def __init__(self):
        super().__init__(gettext("This session is closed: it can be read but not changed."))


class SessionCancelled(Conflict):
    code = "session_cancelled"

    def __init__(self):
        super().__init__(gettext("This session was cancelled: it can be read but not changed."))


class AlreadyClosed(Conflict):
    code = "already_closed"

    def __init__(self):
        super().__init__(gettext("This session is already closed."))


class NotReady(Conflict):
    code = "not_ready"

    def __init__(self, unfinished):
        super().__init__(
            gettext(
                "Some homework is not completed or has no feedback yet. "
                "To close the session anyway, confirm and give a note saying why."
            ),
            unfinished=unfinished,
        )
        self.unfinished = unfinished


def session_name(session):
    """How a session is named to people: its number and dates (DESIGN.md section 9)."""
    tz = session.clinic.tzinfo
    return gettext("Session %(number)s (%(start)s to %(end)s)") % {
        "number": session.number,
        "start": formats.date_format(
            timezone.localtime(session.starts_at, tz), "SHORT_DATE_FORMAT"
        ),
        "end": formats.date_format(timezone.localtime(session.ends_at, tz), "SHORT_DATE_FORMAT"),
    }


class Overlap(Conflict):
    """A client's session in the way: "overlap" with the same provider (never allowed),
    "overlap_other_provider" with another (allowed when asked for explicitly)."""

    code = "overlap"

    def __init__(self, sessions, *, other_provider=False):
        names = ", ".join(
            gettext("%(session)s with %(provider)s")
            % {"session": session_name(s), "provider": s.provider.user.full_name}
            for s in sessions
        )
        if other_provider:
            self.code = "overlap_other_provider"
            detail = gettext(
                "This overlaps %(sessions)s. To schedule it anyway, confirm that the client "
                "sees both providers at that time."
            ) % {"sessions": names}
        else:
            detail = gettext(
                "This overlaps %(sessions)s: a client cannot have two sessions with the same "
                "provider at once."
            ) % {"sessions": names}
        super().__init__(detail, sessions=[s.uuid for s in sessions])
        self.sessions = sessions


class NotStarted(Conflict):
    code = "not_started"

    def __init__(self, session):
        opens = timezone.localtime(session.starts_at, session.clinic.tzinfo)
        super().__init__(
            gettext("This homework opens on %(date)s, when its session starts.")
            % {"date": formats.date_format(opens, "DATETIME_FORMAT")}
        )


class FeedbackExists(Conflict):
    code = "feedback_given"

    def __init__(self):
        super().__init__(
            gettext("Feedback has been given on this homework, so it can no longer be edited.")
        )


@dataclass(frozen=True)
class HomeworkSpec:
    title: str = ""
    instructions: str = ""
    due_at: dt.datetime | None = None
    # A questionnaire's title defaults to the questionnaire's name.
    kind: str = Assignment.Kind.TEXT


@dataclass(frozen=True)
class SessionProposal:
    client: object
    provider: object
    starts_at: dt.datetime
    ends_at: dt.datetime
    meeting: "MeetingSpec | None" = None


def _provider_on_team(actor, client):
    """The actor's CareProvider profile if they are on the client's care team, else 403."""
    provider = actor.provider_profile if actor.is_authenticated else None
    if provider is None:
        raise PermissionDenied(gettext("Only care providers can do this."))
    if not CareTeamMembership.objects.filter(client=client, provider=provider).exists():
        raise PermissionDenied(gettext("Only providers on the client's care team can do this."))
    return provider


def _participant(actor, session):
    """'provider' or 'client' when the actor takes part in the session, else 403."""
    if actor.is_authenticated and actor.client_profile is not None:
        if actor.client_profile.pk == session.client_id:
            return "client"
        raise PermissionDenied(gettext("Only the client of this session can do this."))
    _provider_on_team(actor, session.client)
    return "provider"


def _require_open(session):
    if session.status == Session.Status.CANCELLED:
        raise SessionCancelled()
    if session.status != Session.Status.OPEN:
        raise SessionClosed()


def _locked(model, obj):
    return model.objects.select_for_update().get(pk=obj.pk)


@dataclass(frozen=True)
class _TextErrors:
    """Whole sentences for translators; `too_long(n)` picks the plural (%(length)s, %(max)s)."""

    not_allowed: str
    empty: str | None
    too_long: object


_TITLE = _TextErrors(
    gettext_lazy("The homework title contains a character that is not allowed."),
    gettext_lazy("The homework title cannot be empty."),
    lambda n: ngettext(
        "The homework title is too long: %(length)s character, at most %(max)s.",
        "The homework title is too long: %(length)s characters, at most %(max)s.",
        n,
    ),
)
_INSTRUCTIONS = _TextErrors(
    gettext_lazy("The instructions contain a character that is not allowed."),
    None,
    lambda n: ngettext(
        "The instructions are too long: %(length)s character, at most %(max)s.",
        "The instructions are too long: %(length)s characters, at most %(max)s.",
        n,
    ),
)
_ANSWER = _TextErrors(
    gettext_lazy("Your answer contains a character that is not allowed."),
    gettext_lazy("Your answer cannot be empty."),
    lambda n: ngettext(
        "Your answer is too long: %(length)s character, at most %(max)s.",
        "Your answer is too long: %(length)s characters, at most %(max)s.",
        n,
    ),
)
_FEEDBACK = _TextErrors(
    gettext_lazy("The feedback contains a character that is not allowed."),
    gettext_lazy("The feedback cannot be empty."),
    lambda n: ngettext(
        "The feedback is too long: %(length)s character, at most %(max)s.",
        "The feedback is too long: %(length)s characters, at most %(max)s.",
        n,
    ),
)
_MESSAGE = _TextErrors(
    gettext_lazy("The message contains a character that is not allowed."),
    gettext_lazy("The message cannot be empty."),
    lambda n: ngettext(
        "The message is too long: %(length)s character, at most %(max)s.",
        "The message is too long: %(length)s characters, at most %(max)s.",
        n,
    ),
)
_NOTE = _TextErrors(
    gettext_lazy("The note contains a character that is not allowed."),
    None,
    lambda n: ngettext(
        "The note is too long: %(length)s character, at most %(max)s.",
        "The note is too long: %(length)s characters, at most %(max)s.",
        n,
    ),
)


def _text(value, *, field, errors, max_length):
    """`value` stripped; refused with a NUL, empty (unless errors.empty is None) or too long."""
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({field: str(errors.not_allowed)})
    if errors.empty is not None and not value:
        raise ValidationError({field: str(errors.empty)})
    if len(value) > max_length:
        numbers = {
            "length": number_format(len(value), force_grouping=True),
            "max": number_format(max_length, force_grouping=True),
        }
        raise ValidationError({field: errors.too_long(len(value)) % numbers})
    return value


def _aware(value, *, clinic, field):
    """A time without an offset is read on the clinic's wall clock."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        raise ValidationError({field: gettext("Enter a valid date and time.")})
    if timezone.is_naive(value):
        value = timezone.make_aware(value, clinic.tzinfo)
    return value


def _homework(spec, index=None):
    field = "homework" if index is None else f"homework-{index}"
    if isinstance(spec, dict):
        spec = HomeworkSpec(**spec)
    kind = spec.kind or Assignment.Kind.TEXT
    if kind not in Assignment.Kind.values:
        raise ValidationError({field: gettext("Choose free text, PHQ-9 or GAD-7.")})
    title = spec.title
    if kind != Assignment.Kind.TEXT and not (title or "").strip():
        title = instruments.instrument(kind).name
    return HomeworkSpec(
        title=_text(title, field=field, errors=_TITLE, max_length=TITLE_MAX),
        instructions=_text(
            spec.instructions, field=field, errors=_INSTRUCTIONS, max_length=INSTRUCTIONS_MAX
        ),
        due_at=spec.due_at,
        kind=kind,
    )


def _local_naive(moment, tz):
    return timezone.localtime(moment, tz).replace(tzinfo=None)


def _from_local_naive(naive, tz):
    """The instant of a wall-clock time in `tz`: a repeated hour's first, a skipped one moved on."""
    return timezone.make_aware(naive, tz).astimezone(dt.UTC)


def series_times(*, starts_at, ends_at, repeat, tz):
    """(start, end) of each session of a series, on the clinic's wall clock (DESIGN.md rule 2)."""
    start = _local_naive(starts_at, tz)
    length = _local_naive(ends_at, tz) - start
    return [
        (
            _from_local_naive(start + k * length, tz),
            _from_local_naive(start + (k + 1) * length, tz),
        )
        for k in range(repeat)
    ]


@dataclass(frozen=True)
class MeetingSpec:
    """A session's meeting as asked for; validated by _meeting()."""

    starts_at: dt.datetime
    minutes: int = MEETING_MINUTES_DEFAULT
    place: str = ""
    video_url: str = ""


_PLACE = _TextErrors(
    gettext_lazy("The place contains a character that is not allowed."),
    None,
    lambda n: ngettext(
        "The place is too long: %(length)s character, at most %(max)s.",
        "The place is too long: %(length)s characters, at most %(max)s.",
        n,
    ),
)
_REASON = _TextErrors(
    gettext_lazy("The reason contains a character that is not allowed."),
    gettext_lazy("Give a reason for cancelling."),
    lambda n: ngettext(
        "The reason is too long: %(length)s character, at most %(max)s.",
        "The reason is too long: %(length)s characters, at most %(max)s.",
        n,
    ),
)
_HTTPS = URLValidator(schemes=["https"])


def _meeting(spec, *, clinic):
    """`spec` checked on its own (its place in the period is checked per session)."""
    if spec is None:
        return None
    if isinstance(spec, dict):
        spec = MeetingSpec(**spec)
    starts_at = _aware(spec.starts_at, clinic=clinic, field="meeting_starts_at")
    if starts_at is None:
        raise ValidationError({"meeting_starts_at": gettext("Give the meeting's start.")})
    minutes = MEETING_MINUTES_DEFAULT if spec.minutes is None else spec.minutes
    low, high = MEETING_MINUTES
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not low <= minutes <= high:
        raise ValidationError(
            {
                "meeting_minutes": gettext("A meeting lasts between %(min)s and %(max)s minutes.")
                % {"min": low, "max": high}
            }
        )
    video_url = (spec.video_url or "").strip()
    if video_url:
        if len(video_url) > VIDEO_URL_MAX:
            raise ValidationError(
                {
                    "meeting_video_url": gettext(
                        "The video link is too long: at most %(max)s characters."
                    )
                    % {"max": VIDEO_URL_MAX}
                }
            )
        try:
            _HTTPS(video_url)
        except ValidationError:
            raise ValidationError(
                {
                    "meeting_video_url": gettext(
                        "The video link must be a full address starting with https://."
                    )
                }
            ) from None
    return MeetingSpec(
        starts_at=starts_at,
        minutes=minutes,
        place=_text(spec.place, field="meeting_place", errors=_PLACE, max_length=PLACE_MAX),
        video_url=video_url,
    )


def _check_meeting_inside(starts_at, ends_at, meeting_starts_at):
    if meeting_starts_at is not None and not starts_at <= meeting_starts_at < ends_at:
        raise ValidationError(
            {"meeting_starts_at": gettext("The meeting must start inside the session's period.")}
        )


def _set_meeting(session, meeting, meeting_starts_at):
    """Copy `meeting` (a MeetingSpec or None) onto `session`, starting at `meeting_starts_at`."""
    if meeting is None:
        session.meeting_starts_at = session.meeting_minutes = None
        session.meeting_place = session.meeting_video_url = ""
    else:
        session.meeting_starts_at = meeting_starts_at
        session.meeting_minutes = meeting.minutes
        session.meeting_place = meeting.place
        session.meeting_video_url = meeting.video_url


def _shift(moment, offset, tz):
    """`moment` moved by `offset` on the wall clock of `tz`."""
    return _from_local_naive(_local_naive(moment, tz) + offset, tz)


def _offset(later, earlier, tz):
    return _local_naive(later, tz) - _local_naive(earlier, tz)


def _overlapping(client, periods, *, exclude=()):
    """The client's non-cancelled sessions overlapping any of `periods` (touching is not)."""
    if not periods:
        return []
    start = min(begin for begin, _ in periods)
    end = max(finish for _, finish in periods)
    candidates = (
        Session.objects.filter(client=client, starts_at__lt=end, ends_at__gt=start)
        .not_cancelled()
        .exclude(pk__in=[pk for pk in exclude if pk is not None])
        .select_related("clinic", "provider__user")
        .order_by("starts_at", "pk")
    )
    return [
        session
        for session in candidates
        if any(session.starts_at < finish and begin < session.ends_at for begin, finish in periods)
    ]


def _refuse_overlap(client, provider_periods, *, allow_overlap, exclude=()):
    """Refuse a double booking; with another provider only unless `allow_overlap`.
    `provider_periods`: (provider id, start, end) of each session to be written."""
    in_way = _overlapping(client, [(b, e) for _, b, e in provider_periods], exclude=exclude)
    same = [
        s
        for s in in_way
        if any(
            s.provider_id == pid and s.starts_at < e and b < s.ends_at
            for pid, b, e in provider_periods
        )
    ]
    if same:
        raise Overlap(same)
    if in_way and not allow_overlap:
        raise Overlap(in_way, other_provider=True)


def _clashing(sessions):
    """The `sessions` about to be written that overlap another of the same provider."""
    return [
        s
        for s in sessions
        if any(
            o is not s
            and o.provider_id == s.provider_id
            and o.starts_at < s.ends_at
            and s.starts_at < o.ends_at
            for o in sessions
        )
    ]


def _is_double_booking(error):
    return "session_no_double_booking" in str(error)


def _check_due(due, starts_at, ends_at, field):
    if due is not None and not starts_at < due <= ends_at:
        raise ValidationError(
            {field: gettext("Homework must be due after the session starts and by its end.")}
        )


def session_schedule(
    *,
    actor,
    client,
    provider=None,
    starts_at,
    ends_at,
    repeat=1,
    homework=(),
    homework_applies_to=HOMEWORK_FOR_ALL,
    meeting=None,
    allow_overlap=False,
):
    """Schedule a series, all or none; returns its sessions in order."""
    scheduler = actor.provider_profile if actor.is_authenticated else None
    if scheduler is None:
        raise PermissionDenied(gettext("Only care providers can schedule sessions."))
    if client is None or client.clinic_id != scheduler.clinic_id:
        raise ValidationError({"client": gettext("Choose a client of your clinic.")})
    team = set(
        CareTeamMembership.objects.filter(client=client).values_list("provider_id", flat=True)
    )
    if scheduler.pk not in team:
        raise ValidationError(
            {"client": gettext("You can only schedule for clients on your care team.")}
        )
    provider = provider or scheduler
    if not isinstance(provider, CareProvider) or provider.pk not in team:
        raise ValidationError(
            {"provider": gettext("The session must be held by the client's care team.")}
        )

    clinic = client.clinic
    starts_at = _aware(starts_at, clinic=clinic, field="starts_at")
    ends_at = _aware(ends_at, clinic=clinic, field="ends_at")
    if starts_at is None:
        raise ValidationError({"starts_at": gettext("Give the start of the session.")})
    if ends_at is None:
        raise ValidationError({"ends_at": gettext("Give the end of the session.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": gettext("The session must end after it starts.")})
    if not isinstance(repeat, int) or isinstance(repeat, bool) or not 1 <= repeat <= REPEAT_MAX:
        raise ValidationError(
            {
                "repeat": gettext("Schedule between 1 and %(max)s sessions at a time.")
                % {"max": REPEAT_MAX}
            }
        )
    if homework_applies_to not in (HOMEWORK_FOR_ALL, HOMEWORK_FOR_FIRST):
        raise ValidationError({"homework_applies_to": gettext("Choose 'all' or 'first'.")})
    items = [_homework(spec, index) for index, spec in enumerate(homework)]
    tz = clinic.tzinfo
    offsets = []
    for index, item in enumerate(items):
        due = _aware(item.due_at, clinic=clinic, field=f"homework-{index}")
        _check_due(due, starts_at, ends_at, f"homework-{index}")
        # Kept as a wall-clock offset from the start so it moves with each later session.
        offsets.append(None if due is None else _offset(due, starts_at, tz))
    meeting = _meeting(meeting, clinic=clinic)
    if meeting is not None:
        _check_meeting_inside(starts_at, ends_at, meeting.starts_at)
        meeting_offset = _offset(meeting.starts_at, starts_at, tz)

    series_id = uuid4()
    sessions = []
    try:
        periods = series_times(starts_at=starts_at, ends_at=ends_at, repeat=repeat, tz=tz)
        with transaction.atomic():
            # One scheduler at a time per client: numbers follow on, overlaps are seen.
            Client.objects.select_for_update().filter(pk=client.pk).first()
            _refuse_overlap(
                client,
                [(provider.pk, start, end) for start, end in periods],
                allow_overlap=allow_overlap,
            )
            last = Session.objects.filter(client=client).aggregate(n=Max("number"))["n"] or 0
            for sequence, (start, end) in enumerate(periods, start=1):
                session = Session(
                    clinic=clinic,
                    client=client,
                    provider=provider,
                    created_by=scheduler,
                    starts_at=start,
                    ends_at=end,
                    series_id=series_id,
                    sequence=sequence,
                    number=last + sequence,
                )
                if meeting is not None:
                    _set_meeting(session, meeting, _shift(start, meeting_offset, tz))
                    _check_meeting_inside(start, end, session.meeting_starts_at)
                session.full_clean()
                session.save()
                record(action="session.schedule", user=actor, obj=session)
                sessions.append(session)
                if sequence == 1 or homework_applies_to == HOMEWORK_FOR_ALL:
                    Assignment.objects.bulk_create(
                        Assignment(
                            session=session,
                            kind=item.kind,
                            title=item.title,
                            instructions=item.instructions,
                            due_at=end
                            if offset is None
                            else _from_local_naive(_local_naive(start, tz) + offset, tz),
                            created_by=scheduler,
                        )
                        for item, offset in zip(items, offsets, strict=True)
                    )
            record_event("session_scheduled", session=sessions[0], actor=actor, key=series_id)
    except IntegrityError as error:
        if not _is_double_booking(error):
            raise
        # Another writer got there between our check and our insert (PostgreSQL only).
        _refuse_overlap(client, [(provider.pk, s, e) for s, e in periods], allow_overlap=True)
        raise
    except OverflowError:
        # Python's calendar ends with the year 9999; nothing has been saved.
        raise ValidationError(
            {
                "repeat": gettext(
                    "The series would end after the year 9999: schedule fewer sessions."
                )
            }
        ) from None
    return sessions


def assignment_add(
    *, actor, session, title="", instructions="", due_at=None, kind=Assignment.Kind.TEXT
):
    """Give homework in an open session (DESIGN.md rule 4): free text or a questionnaire."""
    provider = _provider_on_team(actor, session.client)
    item = _homework(HomeworkSpec(title=title, instructions=instructions, kind=kind))
    due_at = _aware(due_at, clinic=session.clinic, field="due_at") or session.ends_at
    with transaction.atomic():
        session = _locked(Session, session)
        _require_open(session)
        _check_due(due_at, session.starts_at, session.ends_at, "due_at")
        assignment = Assignment(
            session=session,
            kind=item.kind,
            title=item.title,
            instructions=item.instructions,
            due_at=due_at,
            created_by=provider,
        )
        assignment.full_clean()
        assignment.save()
        record(action="assignment.add", user=actor, obj=assignment)
        record_event("homework_given", session=session, actor=actor, key=assignment.pk)
    return assignment


def assignment_submit(*, actor, assignment, response):
    """The client answers homework, editable until feedback exists (DESIGN.md rule 4)."""
    if not (actor.is_authenticated and actor.client_profile is not None):
        raise PermissionDenied(gettext("Only the client can submit homework."))
    if actor.client_profile.pk != assignment.session.client_id:
        raise PermissionDenied(gettext("Only the client of this session can submit its homework."))
    if assignment.is_questionnaire:
        raise ValidationError(
            {"response": gettext("This homework is a questionnaire: answer each of its questions.")}
        )
    response = _text(response, field="response", errors=_ANSWER, max_length=RESPONSE_MAX)
    with transaction.atomic():
        assignment = _locked(Assignment, assignment)
        session = assignment.session
        _require_open(session)
        if timezone.now() < session.starts_at:
            raise NotStarted(session)
        if assignment.feedback.exists():
            raise FeedbackExists()
        assignment.response = response
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["response", "submitted_at"])
        record(action="assignment.submit", user=actor, obj=assignment)
        record_event("answer_submitted", session=session, actor=actor, key=assignment.pk)
    return assignment


def feedback_give(*, actor, assignment, body):
    session = assignment.session
    provider = _provider_on_team(actor, session.client)
    body = _text(body, field="body", errors=_FEEDBACK, max_length=FEEDBACK_MAX)
    with transaction.atomic():
        assignment = _locked(Assignment, assignment)
        _require_open(assignment.session)
        if not assignment.is_completed:
            raise ValidationError(
                {
                    "body": gettext(
                        "The client has not submitted this homework yet: nothing to give "
                        "feedback on."
                    )
                }
            )
        feedback = Feedback.objects.create(
            clinic_id=session.clinic_id, assignment=assignment, author=provider, body=body
        )
        record(action="feedback.give", user=actor, obj=feedback)
        record_event("feedback_given", session=assignment.session, actor=actor, key=feedback.pk)
    return feedback


def message_post(*, actor, session, body):
    _participant(actor, session)
    body = _text(body, field="body", errors=_MESSAGE, max_length=MESSAGE_MAX)
    with transaction.atomic():
        session = _locked(Session, session)
        _require_open(session)
        message = Message.objects.create(
            clinic_id=session.clinic_id, session=session, author=actor, body=body
        )
        _mark_read(user=actor, session=session, upto=message.pk)
        record(action="message.post", user=actor, obj=message)
        record_event("message_posted", session=session, actor=actor, key=message.pk)
    return message


def _mark_read(*, user, session, upto, read_upto=None):
    """Move the read position to `upto`; `read_upto` is its current value if known."""
    if read_upto is None:
        position, created = ReadPosition.objects.get_or_create(
            session=session, user=user, defaults={"last_read_message_id": upto}
        )
        if created:
            return
        read_upto = position.last_read_message_id
    if read_upto < upto:
        # Never move backwards, whatever order two tabs report in.
        ReadPosition.objects.filter(
            session=session, user=user, last_read_message_id__lt=upto
        ).update(last_read_message_id=upto, updated_at=timezone.now())


def session_mark_read(*, user, session, upto=None, read_upto=None):
    """Mark the thread read by `user` (closed sessions too); `read_upto` saves a look-up."""
    if upto is None:
        upto = session.messages.aggregate(m=Max("pk"))["m"]
    if upto:
        _mark_read(user=user, session=session, upto=upto, read_upto=read_upto)


def unfinished_assignments(session):
    """Homework that keeps the session from being ready to close (DESIGN.md rule 5)."""
    return [
        a
        for a in session.assignments.prefetch_related("feedback").order_by("created_at", "pk")
        if not a.is_completed or not a.feedback.all()
    ]


def ready_to_close(session):
    return not unfinished_assignments(session)


def session_close(*, actor, session, note="", force=False):
    """Close when ready, or forced with a note; concurrent closes give one (DESIGN.md rule 5)."""
    provider = _provider_on_team(actor, session.client)
    note = _text(note, field="note", errors=_NOTE, max_length=NOTE_MAX)
    with transaction.atomic():
        session = _locked(Session, session)
        if session.status == Session.Status.CLOSED:
            raise AlreadyClosed()
        if session.status == Session.Status.CANCELLED:
            raise SessionCancelled()
        unfinished = unfinished_assignments(session)
        if unfinished and not force:
            raise NotReady([a.uuid for a in unfinished])
        if unfinished and not note:
            raise ValidationError(
                {"note": gettext("Closing with unfinished homework needs a note saying why.")}
            )
        now = timezone.now()
        # Conditional, so that even without row locks (SQLite) only one close wins.
        updated = Session.objects.filter(pk=session.pk, status=Session.Status.OPEN).update(
            status=Session.Status.CLOSED, closed_at=now, closed_by=provider, close_note=note
        )
        if not updated:
            raise AlreadyClosed()
        session.status, session.closed_at = Session.Status.CLOSED, now
        session.closed_by, session.close_note = provider, note
        record(action="session.close", user=actor, obj=session)
        record_event("session_closed", session=session, actor=actor, key=session.pk)
    return session


def session_next(*, actor, session, now=None):
    """What "Schedule next session" proposes: from the end of the latest session with that
    provider (or now), as long as `session`; its meeting at the same offset if it fits."""
    _provider_on_team(actor, session.client)
    now = now or timezone.now()
    latest = (
        Session.objects.filter(client_id=session.client_id, provider_id=session.provider_id)
        .not_cancelled()
        .order_by("-ends_at")
        .only(
            "starts_at",
            "ends_at",
            "meeting_starts_at",
            "meeting_minutes",
            "meeting_place",
            "meeting_video_url",
        )
        .first()
    )
    start = max(latest.ends_at if latest else session.ends_at, session.ends_at)
    if now > start:
        start = now.replace(second=0, microsecond=0)
        if start < now:
            start += dt.timedelta(minutes=1)
    tz = session.clinic.tzinfo
    end = _shift(start, _offset(session.ends_at, session.starts_at, tz), tz)
    return SessionProposal(
        client=session.client,
        provider=session.provider,
        starts_at=start,
        ends_at=end,
        meeting=_meeting_after(latest or session, start, end, tz),
    )


def _meeting_after(model, starts_at, ends_at, tz):
    """`model`'s meeting at the same offset from `starts_at`, or None (none, or outside)."""
    if model.meeting_starts_at is None:
        return None
    meeting_starts_at = _shift(starts_at, _offset(model.meeting_starts_at, model.starts_at, tz), tz)
    if not starts_at <= meeting_starts_at < ends_at:
        return None
    return MeetingSpec(
        starts_at=meeting_starts_at,
        minutes=model.meeting_minutes,
        place=model.meeting_place,
        video_url=model.meeting_video_url,
    )


def _following(session):
    """`session` and the later open sessions of its series, in order, locked."""
    return list(
        Session.objects.select_for_update()
        .filter(series_id=session.series_id, sequence__gte=session.sequence)
        .filter(Q(pk=session.pk) | Q(status=Session.Status.OPEN))
        .select_related("clinic", "client", "provider__user")
        .order_by("sequence")
    )


def _targets(session, apply_to):
    if apply_to not in (APPLY_TO_THIS, APPLY_TO_FOLLOWING):
        raise ValidationError({"apply_to": gettext("Choose 'this' or 'following'.")})
    targets = _following(session)
    _require_open(targets[0])
    return targets if apply_to == APPLY_TO_FOLLOWING else targets[:1]


def _value(value):
    """A field's value as kept in a change's history."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, CareProvider):
        return value.user.full_name
    return value


_CHANGED_FIELDS = (
    "starts_at",
    "ends_at",
    "provider",
    "meeting_starts_at",
    "meeting_minutes",
    "meeting_place",
    "meeting_video_url",
)
UNCHANGED = object()


def session_change(
    *,
    actor,
    session,
    apply_to=APPLY_TO_THIS,
    starts_at=UNCHANGED,
    ends_at=UNCHANGED,
    provider=UNCHANGED,
    meeting=UNCHANGED,
    allow_overlap=False,
    now=None,
):
    """Change an open session's meeting, provider and (before it starts) period, alone or with
    its series' later sessions, shifted alike on the wall clock; returns the sessions changed."""
    changer = _provider_on_team(actor, session.client)
    now = now or timezone.now()
    clinic = session.clinic
    tz = clinic.tzinfo
    team = set(
        CareTeamMembership.objects.filter(client_id=session.client_id).values_list(
            "provider_id", flat=True
        )
    )
    if provider is not UNCHANGED and (
        not isinstance(provider, CareProvider) or provider.pk not in team
    ):
        raise ValidationError(
            {"provider": gettext("The session must be held by the client's care team.")}
        )
    if meeting is not UNCHANGED:
        meeting = _meeting(meeting, clinic=clinic)
    if starts_at is not UNCHANGED:
        starts_at = _aware(starts_at, clinic=clinic, field="starts_at")
        if starts_at is None:
            raise ValidationError({"starts_at": gettext("Give the start of the session.")})
    if ends_at is not UNCHANGED:
        ends_at = _aware(ends_at, clinic=clinic, field="ends_at")
        if ends_at is None:
            raise ValidationError({"ends_at": gettext("Give the end of the session.")})
    plans = []
    try:
        with transaction.atomic():
            # One writer at a time per client, as when scheduling: overlaps are seen.
            Client.objects.select_for_update().filter(pk=session.client_id).first()
            targets = _targets(session, apply_to)
            first = targets[0]
            # What is omitted stays as stored now, whatever `session` was read as.
            new_start = first.starts_at if starts_at is UNCHANGED else starts_at
            new_end = first.ends_at if ends_at is UNCHANGED else ends_at
            period_moves = (new_start, new_end) != (first.starts_at, first.ends_at)
            if period_moves and now >= first.starts_at:
                raise ValidationError(
                    {
                        "starts_at": gettext(
                            "The period can only be changed before the session starts."
                        )
                    }
                )
            if new_end <= new_start:
                raise ValidationError({"ends_at": gettext("The session must end after it starts.")})
            start_shift = _offset(new_start, first.starts_at, tz)
            end_shift = _offset(new_end, first.ends_at, tz)
            if meeting not in (UNCHANGED, None):
                _check_meeting_inside(new_start, new_end, meeting.starts_at)
                meeting_offset = _offset(meeting.starts_at, new_start, tz)
            for target in targets:
                before = {name: getattr(target, name) for name in _CHANGED_FIELDS}
                start = _shift(target.starts_at, start_shift, tz)
                end = _shift(target.ends_at, end_shift, tz)
                old_offset = (
                    None
                    if target.meeting_starts_at is None
                    else _offset(target.meeting_starts_at, target.starts_at, tz)
                )
                target.starts_at, target.ends_at = start, end
                if provider is not UNCHANGED:
                    target.provider = provider
                if meeting is UNCHANGED:
                    if old_offset is not None:
                        target.meeting_starts_at = _shift(start, old_offset, tz)
                elif meeting is None:
                    _set_meeting(target, None, None)
                else:
                    _set_meeting(target, meeting, _shift(start, meeting_offset, tz))
                _check_meeting_inside(start, end, target.meeting_starts_at)
                after = {name: getattr(target, name) for name in _CHANGED_FIELDS}
                changed = {
                    name: [_value(before[name]), _value(after[name])]
                    for name in _CHANGED_FIELDS
                    if before[name] != after[name]
                }
                if changed:
                    plans.append((target, changed, start - before["starts_at"]))
            if not plans:
                return []
            # Start and end shifted by different amounts: the series may overlap itself.
            clashing = _clashing([t for t, _, _ in plans])
            if clashing:
                raise Overlap([t for t in clashing if t.pk != session.pk] or clashing)
            _refuse_overlap(
                first.client,
                [(t.provider_id, t.starts_at, t.ends_at) for t, _, _ in plans],
                allow_overlap=allow_overlap,
                exclude=[t.pk for t, _, _ in plans],
            )
            # Latest first when moving later (earliest first when earlier): no two rows of
            # the series overlap on the way, which the exclusion constraint would refuse.
            forwards = start_shift > dt.timedelta(0)
            for target, changed, moved in sorted(
                plans, key=lambda plan: plan[0].sequence, reverse=forwards
            ):
                target.full_clean(exclude=["client", "clinic", "created_by"])
                target.save()
                if "starts_at" in changed or "ends_at" in changed:
                    _move_homework(target, moved)
                SessionChange.objects.create(
                    session=target, clinic_id=target.clinic_id, changed_by=changer, fields=changed
                )
                record(action="session.change", user=actor, obj=target)
            record_event("session_changed", session=plans[0][0], actor=actor)
    except IntegrityError as error:
        if not _is_double_booking(error):
            raise
        # Another writer got there first (PostgreSQL only): name what is in the way now.
        _refuse_overlap(
            session.client,
            [(t.provider_id, t.starts_at, t.ends_at) for t, _, _ in plans],
            allow_overlap=True,
            exclude=[t.pk for t, _, _ in plans],
        )
        raise
    return [target for target, _, _ in sorted(plans, key=lambda plan: plan[0].sequence)]


def _move_homework(session, moved):
    """Homework due times follow the session's start, kept inside its period (rule 7)."""
    for assignment in session.assignments.select_for_update():
        due = assignment.due_at + moved
        due = min(max(due, session.starts_at + dt.timedelta(minutes=1)), session.ends_at)
        if due != assignment.due_at:
            assignment.due_at = due
            assignment.save(update_fields=["due_at"])


def session_cancel(*, actor, session, reason, apply_to=APPLY_TO_THIS):
    """Cancel an open session, alone or with its series' later ones; returns those cancelled."""
    canceller = _provider_on_team(actor, session.client)
    reason = _text(reason, field="reason", errors=_REASON, max_length=NOTE_MAX)
    with transaction.atomic():
        targets = _targets(session, apply_to)
        now = timezone.now()
        for target in targets:
            # Conditional, so that even without row locks (SQLite) only one cancel wins.
            updated = Session.objects.filter(pk=target.pk, status=Session.Status.OPEN).update(
                status=Session.Status.CANCELLED,
                cancelled_at=now,
                cancelled_by=canceller,
                cancel_reason=reason,
            )
            if not updated:
                raise SessionCancelled()
            target.status, target.cancelled_at = Session.Status.CANCELLED, now
            target.cancelled_by, target.cancel_reason = canceller, reason
            SessionChange.objects.create(
                session=target,
                clinic_id=target.clinic_id,
                changed_by=canceller,
                kind=SessionChange.Kind.CANCEL,
                fields={"status": [Session.Status.OPEN.value, Session.Status.CANCELLED.value]},
                reason=reason,
            )
            record(action="session.cancel", user=actor, obj=target)
        record_event("session_cancelled", session=targets[0], actor=actor)
    return targets


def sessions_hand_over(*, actor, provider, to_providers):
    """The open sessions `provider` holds, handed in one step to another active member of each
    client's care team: `to_providers` maps a client's pk to that member (clinic admins)."""
    from clinic.permissions import require_clinic_admin

    admin = require_clinic_admin(actor)
    if provider.clinic_id != admin.clinic_id:
        raise PermissionDenied(gettext("This person is not in your clinic."))
    with transaction.atomic():
        held = list(
            Session.objects.select_for_update()
            .filter(provider=provider, status=Session.Status.OPEN)
            .order_by("starts_at", "pk")
        )
        teams = set(
            CareTeamMembership.objects.filter(
                client_id__in={s.client_id for s in held}, provider__user__is_active=True
            ).values_list("client_id", "provider_id")
        )
        for session in held:
            target = to_providers.get(session.client_id)
            if target is not None and (
                target.pk == provider.pk or (session.client_id, target.pk) not in teams
            ):
                raise ValidationError(
                    gettext("Choose another active member of each client's care team.")
                )
        moving = [s for s in held if s.client_id in to_providers]
        for session in moving:
            # The colleague may hold a session of the same client at that time already.
            target = to_providers[session.client_id]
            try:
                _refuse_overlap(
                    session.client,
                    [(target.pk, session.starts_at, session.ends_at)],
                    allow_overlap=True,
                    exclude=[s.pk for s in moving],
                )
            except Overlap:
                raise ValidationError(
                    gettext(
                        "%(provider)s already holds a session of %(client)s at the time of "
                        "session %(number)s: choose someone else."
                    )
                    % {"provider": target, "client": session.client, "number": session.number}
                ) from None
        handed = []
        for session in moving:
            target = to_providers[session.client_id]
            before = _value(provider)
            session.provider = target
            session.save(update_fields=["provider"])
            # Kept in the session's history like any change of the holding provider.
            SessionChange.objects.create(
                session=session,
                clinic_id=session.clinic_id,
                changed_by=admin,
                fields={"provider": [before, _value(target)]},
            )
            record(action="session.hand_over", user=actor, obj=session)
            handed.append(session)
    return handed


class AlreadyAcknowledged(Conflict):
    code = "already_acknowledged"

    def __init__(self):
        super().__init__(gettext("This questionnaire has already been acknowledged."))


def _client_of(actor, assignment):
    if not (actor.is_authenticated and actor.client_profile is not None):
        raise PermissionDenied(gettext("Only the client can submit homework."))
    if actor.client_profile.pk != assignment.session.client_id:
        raise PermissionDenied(gettext("Only the client of this session can submit its homework."))


def questionnaire_submit(*, actor, assignment, answers):
    """The client answers a questionnaire homework, scored now; editable until feedback exists.
    An answer above 0 to the risk item flags it for the care team at once."""
    _client_of(actor, assignment)
    instrument = instruments.instrument(assignment.kind)
    if instrument is None:
        raise ValidationError(
            {"answers": gettext("This homework asks for a written answer, not a questionnaire.")}
        )
    answers = instrument.clean_answers(answers)
    score = instrument.score(answers)
    with transaction.atomic():
        assignment = _locked(Assignment, assignment)
        session = assignment.session
        _require_open(session)
        now = timezone.now()
        if now < session.starts_at:
            raise NotStarted(session)
        if assignment.feedback.exists():
            raise FeedbackExists()
        response = (
            QuestionnaireResponse.objects.select_for_update().filter(assignment=assignment).first()
        ) or QuestionnaireResponse(
            assignment=assignment,
            clinic_id=session.clinic_id,
            client_id=session.client_id,
            instrument=assignment.kind,
        )
        response.answers, response.total, response.band = answers, score.total, score.band.code
        response.submitted_at = now
        # A risk answer flags it anew unless a flag already waits; answers changed to 0 keep
        # an earlier flag: only a provider's acknowledgement ends it.
        flagged = instrument.is_risk(answers) and not response.needs_attention
        if flagged:
            response.flagged_at = now
            response.acknowledged_at = response.acknowledged_by = None
        response.save()
        assignment.submitted_at = now
        assignment.save(update_fields=["submitted_at"])
        record(action="questionnaire.submit", user=actor, obj=assignment)
        record_event("answer_submitted", session=session, actor=actor, key=assignment.pk)
        if flagged:
            record(action="questionnaire.flag", user=actor, obj=assignment)
            notify_questionnaire_risk(response=response, session=session)
    return response


def notify_questionnaire_risk(*, response, session):
    """The care team is told at once, never the answers; each new flag is a new event."""
    questionnaire_risk_notify(
        client=response.client,
        session=session,
        key=f"{response.assignment_id}:{response.flagged_at.isoformat()}",
    )


def questionnaire_acknowledge(*, actor, assignment):
    """A care team provider acknowledges a flagged questionnaire (who and when are kept);
    allowed on a closed session too, as the session's record does not change."""
    provider = _provider_on_team(actor, assignment.session.client)
    with transaction.atomic():
        response = (
            QuestionnaireResponse.objects.select_for_update().filter(assignment=assignment).first()
        )
        if response is None or response.flagged_at is None:
            raise ValidationError(
                {"assignment": gettext("This questionnaire has not been flagged.")}
            )
        if response.acknowledged_at is not None:
            raise AlreadyAcknowledged()
        response.acknowledged_by, response.acknowledged_at = provider, timezone.now()
        response.save(update_fields=["acknowledged_by", "acknowledged_at"])
        record(action="questionnaire.acknowledge", user=actor, obj=assignment)
    return response

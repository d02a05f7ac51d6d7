"""Every write and rule of the care cycle (DESIGN.md section 4). Each checks the actor,
validates input, refuses a closed session (SessionClosed) and writes in one transaction."""

import datetime as dt
from dataclasses import dataclass
from uuid import uuid4

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy, ngettext

from audit.services import record
from clinic.models import CareProvider, CareTeamMembership

from .models import (
    FEEDBACK_MAX,
    INSTRUCTIONS_MAX,
    MESSAGE_MAX,
    NOTE_MAX,
    REPEAT_MAX,
    RESPONSE_MAX,
    TITLE_MAX,
    Assignment,
    Feedback,
    Message,
    ReadPosition,
    Session,
)

HOMEWORK_FOR_ALL = "all"
HOMEWORK_FOR_FIRST = "first"


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


class FeedbackExists(Conflict):
    code = "feedback_given"

    def __init__(self):
        super().__init__(
            gettext("Feedback has been given on this homework, so it can no longer be edited.")
        )


@dataclass(frozen=True)
class HomeworkSpec:
    title: str
    instructions: str = ""
    due_at: dt.datetime | None = None


@dataclass(frozen=True)
class SessionProposal:
    client: object
    provider: object
    starts_at: dt.datetime
    ends_at: dt.datetime


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
    return HomeworkSpec(
        title=_text(spec.title, field=field, errors=_TITLE, max_length=TITLE_MAX),
        instructions=_text(
            spec.instructions, field=field, errors=_INSTRUCTIONS, max_length=INSTRUCTIONS_MAX
        ),
        due_at=spec.due_at,
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
):
    """Schedule a series, all or none; returns its sessions in order (DESIGN.md rules 1-3)."""
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
        if due is not None and due <= starts_at:
            raise ValidationError(
                {f"homework-{index}": gettext("Homework must be due after the start.")}
            )
        # Kept as a wall-clock offset from the start so it moves with each later session.
        offsets.append(None if due is None else _local_naive(due, tz) - _local_naive(starts_at, tz))

    series_id = uuid4()
    sessions = []
    try:
        with transaction.atomic():
            for sequence, (start, end) in enumerate(
                series_times(starts_at=starts_at, ends_at=ends_at, repeat=repeat, tz=tz), start=1
            ):
                session = Session(
                    clinic=clinic,
                    client=client,
                    provider=provider,
                    created_by=scheduler,
                    starts_at=start,
                    ends_at=end,
                    series_id=series_id,
                    sequence=sequence,
                )
                session.full_clean()
                session.save()
                record(action="session.schedule", user=actor, obj=session)
                sessions.append(session)
                if sequence == 1 or homework_applies_to == HOMEWORK_FOR_ALL:
                    Assignment.objects.bulk_create(
                        Assignment(
                            session=session,
                            title=item.title,
                            instructions=item.instructions,
                            due_at=end
                            if offset is None
                            else _from_local_naive(_local_naive(start, tz) + offset, tz),
                            created_by=scheduler,
                        )
                        for item, offset in zip(items, offsets, strict=True)
                    )
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


def assignment_add(*, actor, session, title, instructions="", due_at=None):
    """Give homework in an open session (DESIGN.md rule 4)."""
    provider = _provider_on_team(actor, session.client)
    item = _homework(HomeworkSpec(title=title, instructions=instructions))
    due_at = _aware(due_at, clinic=session.clinic, field="due_at") or session.ends_at
    with transaction.atomic():
        session = _locked(Session, session)
        _require_open(session)
        assignment = Assignment(
            session=session,
            title=item.title,
            instructions=item.instructions,
            due_at=due_at,
            created_by=provider,
        )
        assignment.full_clean()
        assignment.save()
        record(action="assignment.add", user=actor, obj=assignment)
    return assignment


def assignment_submit(*, actor, assignment, response):
    """The client answers homework, editable until feedback exists (DESIGN.md rule 4)."""
    if not (actor.is_authenticated and actor.client_profile is not None):
        raise PermissionDenied(gettext("Only the client can submit homework."))
    if actor.client_profile.pk != assignment.session.client_id:
        raise PermissionDenied(gettext("Only the client of this session can submit its homework."))
    response = _text(response, field="response", errors=_ANSWER, max_length=RESPONSE_MAX)
    with transaction.atomic():
        assignment = _locked(Assignment, assignment)
        _require_open(assignment.session)
        if assignment.feedback.exists():
            raise FeedbackExists()
        assignment.response = response
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["response", "submitted_at"])
        record(action="assignment.submit", user=actor, obj=assignment)
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
    """Mark the thread read by `user` (allowed on closed sessions). A page passes what it
    showed as `upto` and the position it read as `read_upto`, saving the look-up."""
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
    return session


def session_next(*, actor, session, now=None):
    """What "Schedule next session" proposes (DESIGN.md rule 6), rounded up to the minute."""
    _provider_on_team(actor, session.client)
    now = now or timezone.now()
    if now > session.ends_at:
        start = now.replace(second=0, microsecond=0)
        if start < now:
            start += dt.timedelta(minutes=1)
    else:
        start = session.ends_at
    return SessionProposal(
        client=session.client,
        provider=session.provider,
        starts_at=start,
        ends_at=start + session.duration,
    )

"""What the API answers with, built as plain dicts.

The serializers (serializers.py) describe these answers, for the OpenAPI schema, and check
what comes in. Building a page of sessions with them cost most of a request's CPU: DRF walks
a `source` and calls a field's to_representation for each of a thousand values, on model
instances loaded with every column, and Django clones a queryset for each prefetched
relation of each instance. Here each answer is read as tuples of just the columns it shows
and written out directly, times as datetimes for the renderer to write.
tests/test_api_output.py holds the two to the same JSON."""

import datetime as dt
from uuid import UUID

from django.db.models import OuterRef, Subquery, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from clinic.models import CareProvider, Client
from sessions_app.models import Assignment, Message, Session
from clinic.compiled import ReadByIds


def _text(column):
    # Times and UUIDs are read as text: datetime.fromisoformat (C) parses a time several
    # times faster than Django's pure-Python loader of PostgreSQL's timestamptz, and
    # PostgreSQL writes a UUID as str() would.
    return Cast(column, output_field=TextField())


def uid(text):
    """A UUID read by _text: PostgreSQL writes it with dashes, SQLite keeps 32 hex digits."""
    return text if len(text) == 36 else str(UUID(text))


def moment(text):
    """A time read by _text: PostgreSQL writes its offset, SQLite keeps UTC without one."""
    if text is None:
        return None
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def when(value, tz):
    """A time on `tz`'s clock, which the API's renderer (renderers.py) writes as DRF's
    DateTimeField does: ISO 8601, "Z" for UTC (DRF's encoder writes a datetime so too)."""
    if value is None:
        return None
    local = value.astimezone(tz)
    if local.utcoffset().seconds % 60:
        # A local mean time, before the zone kept whole minutes (Monrovia's until 1972):
        # orjson would leave the offset's seconds out, isoformat() writes them.
        return local.isoformat()
    return local


def person(uuid, name):
    """A provider or a client (PersonSerializer)."""
    return {"id": uid(uuid), "name": name}


def author(provider_id, client_id, name):
    """A message's author (AuthorSerializer): their profile, and User.role."""
    if provider_id is not None:
        return {"id": uid(provider_id), "name": name, "role": "provider"}
    if client_id is not None:
        return {"id": uid(client_id), "name": name, "role": "client"}
    return {"id": None, "name": name, "role": ""}


_SESSION = (
    "pk",
    _text("uuid"),
    _text("series_id"),
    "sequence",
    _text("client__uuid"),
    "client__user__full_name",
    _text("provider__uuid"),
    "provider__user__full_name",
    _text("created_by__uuid"),
    "created_by__user__full_name",
    _text("starts_at"),
    _text("ends_at"),
    "status",
    _text("closed_at"),
    _text("closed_by__uuid"),
    "closed_by__user__full_name",
    "close_note",
)
_sessions_by_pk = ReadByIds(Session.objects.order_by(), "pk", _SESSION)
# An assignment's feedback comes with it, one row per feedback (or one without): the
# order is the models' own, assignments by (created_at, pk), feedback likewise within each.
_ASSIGNMENT = (
    "session_id",
    "pk",
    _text("uuid"),
    "title",
    "instructions",
    _text("due_at"),
    _text("created_by__uuid"),
    "created_by__user__full_name",
    _text("created_at"),
    "response",
    _text("submitted_at"),
    _text("feedback__uuid"),
    _text("feedback__author__uuid"),
    "feedback__author__user__full_name",
    "feedback__body",
    _text("feedback__created_at"),
)
_ASSIGNMENTS = Assignment.objects.order_by(
    "created_at", "pk", "feedback__created_at", "feedback__pk"
)
_assignments_by_session = ReadByIds(_ASSIGNMENTS, "session_id", _ASSIGNMENT)
_assignments_by_pk = ReadByIds(_ASSIGNMENTS, "pk", _ASSIGNMENT)
# The author's profile by key, a row at a time: as joins, PostgreSQL hashed the whole
# provider table for a page's hundred messages, a cost that grew with the network.
_messages_by_session = ReadByIds(
    Message.objects.annotate(
        author_provider=Subquery(
            CareProvider.objects.filter(user_id=OuterRef("author_id")).order_by().values("uuid")
        ),
        author_client=Subquery(
            Client.objects.filter(user_id=OuterRef("author_id")).order_by().values("uuid")
        ),
    ),
    "session_id",
    (
        "session_id",
        _text("uuid"),
        _text("author_provider"),
        _text("author_client"),
        "author__full_name",
        "body",
        _text("created_at"),
    ),
)


def sessions_by_pk(pks, *, now=None):
    """The sessions `pks` as SessionSerializer gives them, in that order: ids that a scoped
    query gave, or of sessions just written by the requester. Three queries at most."""
    by_pk = {row[0]: row for row in _sessions_by_pk(pks)}
    return _sessions([by_pk[pk] for pk in pks if pk in by_pk], now)


def _sessions(rows, now):
    """SessionSerializer's dicts for the sessions' rows, with their homework and messages."""
    tz = timezone.get_current_timezone()
    now = now or timezone.now()
    pks = [row[0] for row in rows]
    assignments = _grouped(_assignments(_assignments_by_session(pks), tz))
    messages = _grouped(_messages(_messages_by_session(pks), tz))
    answers = []
    for (
        pk,
        uuid,
        series_id,
        sequence,
        client_uuid,
        client_name,
        provider_uuid,
        provider_name,
        created_by_uuid,
        created_by_name,
        starts_at,
        ends_at,
        status,
        closed_at,
        closed_by_uuid,
        closed_by_name,
        close_note,
    ) in rows:
        starts_at, ends_at = moment(starts_at), moment(ends_at)
        answers.append(
            {
                "id": uid(uuid),
                "series_id": uid(series_id),
                "sequence": sequence,
                "client": person(client_uuid, client_name),
                "provider": person(provider_uuid, provider_name),
                "created_by": person(created_by_uuid, created_by_name),
                "starts_at": when(starts_at, tz),
                "ends_at": when(ends_at, tz),
                "status": status,
                "timing": Session.timing_of(status, starts_at, ends_at, now).value,
                "closed_at": when(moment(closed_at), tz),
                "closed_by": None
                if closed_by_uuid is None
                else person(closed_by_uuid, closed_by_name),
                "close_note": close_note,
                "assignments": assignments.get(pk, []),
                "messages": messages.get(pk, []),
            }
        )
    return answers


def assignment_data(pk):
    """One assignment, with its feedback, as AssignmentSerializer gives it. One query."""
    [(_, answer)] = _assignments(_assignments_by_pk([pk]), timezone.get_current_timezone())
    return answer


def _assignments(rows, tz):
    """(session pk, AssignmentSerializer's dict) for each assignment of the rows."""
    answers, last = [], None
    for (
        session_id,
        pk,
        uuid,
        title,
        instructions,
        due_at,
        created_by_uuid,
        created_by_name,
        created_at,
        response,
        submitted_at,
        feedback_uuid,
        author_uuid,
        author_name,
        body,
        feedback_at,
    ) in rows:
        if pk != last:
            last, feedback = pk, []
            answers.append(
                (
                    session_id,
                    {
                        "id": uid(uuid),
                        "title": title,
                        "instructions": instructions,
                        "due_at": when(moment(due_at), tz),
                        "created_by": person(created_by_uuid, created_by_name),
                        "created_at": when(moment(created_at), tz),
                        "status": Assignment.status_of(submitted_at).value,
                        "response": response,
                        "submitted_at": when(moment(submitted_at), tz),
                        "feedback": feedback,
                    },
                )
            )
        if feedback_uuid is not None:
            feedback.append(
                {
                    "id": uid(feedback_uuid),
                    "author": person(author_uuid, author_name),
                    "body": body,
                    "created_at": when(moment(feedback_at), tz),
                }
            )
    return answers


def _messages(rows, tz):
    return [
        (
            session_id,
            {
                "id": uid(uuid),
                "author": author(provider_uuid, client_uuid, name),
                "body": body,
                "created_at": when(moment(created_at), tz),
            },
        )
        for session_id, uuid, provider_uuid, client_uuid, name, body, created_at in rows
    ]


def _grouped(pairs):
    """{key: [value, ...]} from (key, value) pairs, in their order."""
    groups = {}
    for key, value in pairs:
        groups.setdefault(key, []).append(value)
    return groups

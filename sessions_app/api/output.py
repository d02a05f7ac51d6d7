"""The API's answers as plain dicts from the selectors' rows, cheaper than DRF serializers;
serializers.py describes them for the schema, and tests hold the two to the same JSON."""

import datetime as dt
import functools
from uuid import UUID

from django.utils import timezone, translation

from sessions_app import instruments
from sessions_app.models import Assignment, Session


def uid(text):
    """A UUID read as text: PostgreSQL writes it with dashes, SQLite keeps 32 hex digits."""
    return text if len(text) == 36 else str(UUID(text))


def moment(text):
    """A time read as text: PostgreSQL writes its offset, SQLite keeps UTC without one."""
    if text is None:
        return None
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# Offsets with seconds (local mean time) ended in 1972 (Liberia); after, every zone's offset is
# whole minutes.
_WHOLE_MINUTES_FROM = 1973


def when(value, tz):
    """A time on `tz`'s clock, for renderers.py to write as DRF's DateTimeField does."""
    if value is None:
        return None
    local = value.astimezone(tz)
    if local.year < _WHOLE_MINUTES_FROM and local.utcoffset().seconds % 60:
        # A local mean time offset with seconds: orjson would drop them, isoformat() keeps them.
        return local.isoformat()
    return local


def at(text, tz):
    """when(moment(text), tz): a time read as text, on `tz`'s clock."""
    if text is None:
        return None
    value = dt.datetime.fromisoformat(text)
    local = value.astimezone(tz) if value.tzinfo else value.replace(tzinfo=dt.UTC).astimezone(tz)
    if local.year < _WHOLE_MINUTES_FROM and local.utcoffset().seconds % 60:
        return local.isoformat()
    return local


def person(uuid, name):
    return {"id": uid(uuid), "name": name}


def author(provider_id, client_id, name):
    """A message's author (AuthorSerializer): their profile, and User.role."""
    if provider_id is not None:
        return {"id": uid(provider_id), "name": name, "role": "provider"}
    if client_id is not None:
        return {"id": uid(client_id), "name": name, "role": "client"}
    return {"id": None, "name": name, "role": ""}


def sessions(rows, *, now=None):
    """SessionSerializer's dicts for ApiSessionRows, in their order."""
    tz = timezone.get_current_timezone()
    now = now or timezone.now()
    providers = _people(rows.providers)
    assignments = _grouped(
        _assignments(rows.assignments, providers, tz, translation.get_language())
    )
    messages = _grouped(_messages(rows.messages, tz))
    answers = []
    for (
        pk,
        uuid,
        series_id,
        sequence,
        number,
        client_uuid,
        client_name,
        provider_id,
        created_by_id,
        starts_at,
        ends_at,
        meeting_starts_at,
        meeting_minutes,
        meeting_place,
        meeting_video_url,
        status,
        closed_at,
        closed_by_id,
        close_note,
        cancelled_at,
        cancelled_by_id,
        cancel_reason,
    ) in rows.sessions:
        starts_at, ends_at = moment(starts_at), moment(ends_at)
        answers.append(
            {
                "id": uid(uuid),
                "series_id": uid(series_id),
                "sequence": sequence,
                "number": number,
                "client": person(client_uuid, client_name),
                "provider": providers[provider_id],
                "created_by": providers[created_by_id],
                "starts_at": when(starts_at, tz),
                "ends_at": when(ends_at, tz),
                "meeting": None
                if meeting_starts_at is None
                else {
                    "starts_at": at(meeting_starts_at, tz),
                    "minutes": meeting_minutes,
                    "place": meeting_place,
                    "video_url": meeting_video_url,
                },
                "status": status,
                "timing": Session.timing_of(status, starts_at, ends_at, now).value,
                "closed_at": at(closed_at, tz),
                "closed_by": None if closed_by_id is None else providers[closed_by_id],
                "close_note": close_note,
                "cancelled_at": at(cancelled_at, tz),
                "cancelled_by": None if cancelled_by_id is None else providers[cancelled_by_id],
                "cancel_reason": cancel_reason,
                "assignments": assignments.get(pk, []),
                "messages": messages.get(pk, []),
            }
        )
    return answers


def assignment(rows):
    """AssignmentSerializer's dict for the ApiSessionRows of one homework item."""
    [(_, answer)] = _assignments(
        rows.assignments,
        _people(rows.providers),
        timezone.get_current_timezone(),
        translation.get_language(),
    )
    return answer


def _people(providers):
    """{provider pk: their person dict}, each made once a page (the dicts are only serialized:
    one serves each place that names the provider)."""
    return {pk: person(uuid, name) for pk, (uuid, name) in providers.items()}


def _assignments(rows, providers, tz, language):
    """(session pk, AssignmentSerializer's dict) for each assignment of the rows; `providers`
    from _people."""
    answers, last = [], None
    for (
        session_id,
        pk,
        uuid,
        title,
        instructions,
        due_at,
        created_by_id,
        created_at,
        response,
        submitted_at,
        kind,
        item_answers,
        total,
        band,
        flagged_at,
        acknowledged_at,
        feedback_uuid,
        author_id,
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
                        "due_at": at(due_at, tz),
                        "created_by": providers[created_by_id],
                        "created_at": at(created_at, tz),
                        "status": Assignment.status_of(submitted_at).value,
                        "response": response,
                        "submitted_at": at(submitted_at, tz),
                        "kind": kind,
                        "questionnaire": questionnaire(
                            kind, item_answers, total, band, flagged_at, acknowledged_at, language
                        ),
                        "feedback": feedback,
                    },
                )
            )
        if feedback_uuid is not None:
            feedback.append(
                {
                    "id": uid(feedback_uuid),
                    "author": providers[author_id],
                    "body": body,
                    "created_at": at(feedback_at, tz),
                }
            )
    return answers


def questionnaire(kind, answers, total, band, flagged_at, acknowledged_at, language=None):
    """QuestionnaireSerializer's dict: the items with the answers given (None before), the
    stored total and band; None for free-text homework."""
    if instruments.instrument(kind) is None:
        return None
    scored = band is not None
    return _questionnaire(
        kind,
        language or translation.get_language(),
        tuple(answers or ()),
        total if scored else None,
        band if scored else None,
        flagged_at is not None,
        flagged_at is not None and acknowledged_at is None,
    )


# A page of sessions holds dozens of questionnaires of two instruments, many alike (none
# answered yet, or the same answers): each kept per process by all it is written from. The
# dicts are only serialized, never changed.
@functools.lru_cache(maxsize=4096)
def _questionnaire(code, language, answers, total, band, flagged, needs_attention):
    instrument = instruments.instrument(code)
    band_of = instrument.band_named(band) if band is not None else None
    return {
        "instrument": instrument.code,
        "name": instrument.name,
        "instructions": str(instrument.instructions),
        "scale": [{"value": value, "label": str(label)} for value, label in instruments.SCALE],
        "items": [
            {
                "number": number,
                "text": str(text),
                "answer": answers[number - 1] if number <= len(answers) else None,
            }
            for number, text in enumerate(instrument.items, start=1)
        ],
        "total": total,
        "band": band,
        "band_label": str(band_of.label) if band_of else None,
        "flagged": flagged,
        "needs_attention": needs_attention,
    }


def _messages(rows, tz):
    return [
        (
            session_id,
            {
                "id": uid(uuid),
                "author": author(provider_uuid, client_uuid, name),
                "body": body,
                "created_at": at(created_at, tz),
            },
        )
        for session_id, uuid, provider_uuid, client_uuid, name, body, created_at in rows
    ]


def _grouped(pairs):
    groups = {}
    for key, value in pairs:
        groups.setdefault(key, []).append(value)
    return groups

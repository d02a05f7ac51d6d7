"""Reads of the session pages and the API, from scoped querysets: what one may not see is not
found. Compiled queries' stand-in values stay here (machinery: clinic/compiled.py)."""

import dataclasses
import datetime as dt
import functools
import uuid
from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    TextField,
    Value,
    Window,
)
from django.db.models.expressions import Star
from django.db.models.functions import Cast, Coalesce
from django.utils.functional import cached_property

from clinic import compiled
from clinic.compiled import CompiledQuery, Constant, ReadByIds
from clinic.models import CareProvider, CareTeamMembership, Client
from sessions_app import measures
from sessions_app.models import (
    MEETING_MINUTES,
    Assignment,
    Feedback,
    Message,
    QuestionnaireResponse,
    ReadPosition,
    Session,
    SessionChange,
    SessionRow,
)

DASHBOARD_LIMIT = 10
SESSION_LIST_PAGE_SIZE = 25
LIST_ORDER = ("-starts_at", "-sequence", "-pk")
# Past any list's end (a typed page number), and within the database's OFFSET.
MAX_OFFSET = 2**62

_LISTS_USER, _LISTS_PROVIDER, _LISTS_CLINIC = -1_000_001, -1_000_002, -1_000_005
_LISTS_IDS = [-1_000_003, -1_000_004]
_LISTS_NOW = dt.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=dt.UTC)


def page_with_total(sessions, order, size, offset):
    """The ids of a page of `sessions`, each with how many match in all: one query."""
    # COUNT(*) as a plain function (an aggregate would group), which an index-only scan answers.
    total = (
        sessions.order_by()
        .annotate(n=Func(Star(), function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    return (
        sessions.order_by(*order)
        .annotate(total=Subquery(total))
        .values_list("pk", "total")[offset : offset + size]
    )


def ids_and_total(read, offset):
    """The ids and the total of page_with_total's rows, read by `read()`; ([], 0) past the end."""
    rows = read() if offset <= MAX_OFFSET else []
    return [pk for pk, _ in rows], rows[0][1] if rows else 0


def _waiting_for_feedback(user):
    return (
        Assignment.objects.visible_to(user)
        .waiting_for_feedback()
        .filter(session__status=Constant(Session.Status.OPEN.value))
    )


def _lists_visible(provider_id):
    return Session.objects.visible_to(compiled.viewer(_LISTS_USER, provider_id=provider_id))


def _first(sessions, limit):
    return sessions.annotate(_total=Window(Count("pk"))).values_list("pk", "_total")[:limit]


_dashboard_in_progress = compiled.CompiledQuery(
    lambda provider_id, now, limit: _first(
        open_sessions_constant(_lists_visible(provider_id).in_progress(now)).order_by(
            "ends_at", "pk"
        ),
        limit,
    ),
    _LISTS_PROVIDER,
    _LISTS_NOW,
)
_dashboard_overdue = compiled.CompiledQuery(
    lambda provider_id, now, limit: _first(
        open_sessions_constant(_lists_visible(provider_id).overdue(now)).order_by("ends_at", "pk"),
        limit,
    ),
    _LISTS_PROVIDER,
    _LISTS_NOW,
)
_dashboard_unread = compiled.CompiledQuery(
    lambda user_id, provider_id, limit: _first(
        _lists_visible(provider_id)
        .exclude(status=Constant(Session.Status.CANCELLED.value))
        .with_unread(compiled.viewer(user_id))
        .order_by("-starts_at", "-pk"),
        limit,
    ),
    _LISTS_USER,
    _LISTS_PROVIDER,
)
_dashboard_waiting = compiled.CompiledQuery(
    lambda provider_id, limit: (
        _waiting_for_feedback(compiled.viewer(_LISTS_USER, provider_id=provider_id))
        .select_related("session__client__user")
        .only(
            "uuid",
            "title",
            "submitted_at",
            "session__uuid",
            "session__number",
            "session__client__user__full_name",
        )
        .annotate(_total=Window(Count("pk")))
        .order_by("submitted_at", "pk")[:limit]
    ),
    _LISTS_PROVIDER,
)
_session_rows = compiled.CompiledQuery(
    lambda user_id, ids: Session.objects.list_rows(compiled.viewer(user_id)).filter(
        compiled.AnyOf("pk", ids)
    ),
    _LISTS_USER,
    _LISTS_IDS,
)


def session_rows_in_order(*, viewer, ids):
    """The SessionRows of the sessions `ids` (from a scoped read), in that order."""
    if not ids:
        return []
    # The scope is not applied again: with it, PostgreSQL's generic plan walked the caseload.
    by_pk = {row[0]: SessionRow(*row) for row in _session_rows(viewer.pk, list(ids))}
    return [by_pk[pk] for pk in ids if pk in by_pk]


@dataclasses.dataclass(frozen=True)
class ListSection:
    rows: list
    total: int


def provider_dashboard(*, viewer, now):
    """ListSections in_progress, overdue, unread (SessionRows) and waiting (assignments)."""
    provider_id = viewer.provider_profile.pk
    firsts = {
        "in_progress": _dashboard_in_progress(provider_id, now, limit=DASHBOARD_LIMIT),
        "overdue": _dashboard_overdue(provider_id, now, limit=DASHBOARD_LIMIT),
        "unread": _dashboard_unread(viewer.pk, provider_id, limit=DASHBOARD_LIMIT),
    }
    ids = list({pk: None for first in firsts.values() for pk, _ in first})
    shown = {row.pk: row for row in session_rows_in_order(viewer=viewer, ids=ids)}
    sections = {
        name: ListSection(
            rows=[shown[pk] for pk, _ in first if pk in shown],
            total=first[0][1] if first else 0,
        )
        for name, first in firsts.items()
    }
    waiting = _dashboard_waiting(provider_id, limit=DASHBOARD_LIMIT)
    sections["waiting"] = ListSection(rows=waiting, total=waiting[0]._total if waiting else 0)
    return sections


_TIMELESS = (Session.Timing.CLOSED, Session.Timing.CANCELLED)
_LIST_LOOKUPS = {
    "client": "client_id",
    "provider": "provider_id",
    "status": "status",
    "starts_after": "starts_at__gte",
    "starts_before": "starts_at__lt",
}
_LIST_PROVIDER = -3_000_001
_LIST_STAND_INS = {
    "client": -3_000_002,
    "provider": -3_000_003,
    "status": "stand-in status",
    "starts_after": dt.datetime(1903, 4, 5, 6, 7, 8, 9, tzinfo=dt.UTC),
    "starts_before": dt.datetime(1904, 5, 6, 7, 8, 9, 10, tzinfo=dt.UTC),
    "user": -3_000_004,
    "now": dt.datetime(1905, 6, 7, 8, 9, 10, 11, tzinfo=dt.UTC),
}


def _list_filtered(sessions, user, filters, now):
    for name, lookup in _LIST_LOOKUPS.items():
        if name in filters:
            sessions = sessions.filter(**{lookup: filters[name]})
    if "timing" in filters:
        sessions = timing_constant(sessions.with_timing(filters["timing"], now), filters["timing"])
    if filters.get("unread"):
        sessions = sessions.with_unread(user)
    if filters.get("waiting"):
        sessions = sessions.filter(pk__in=_waiting_for_feedback(user).values("session_id"))
    return sessions


# One query per shape (filters given, values that change the SQL), size and offset.
@functools.lru_cache(maxsize=256)
def _compiled_list_page(shape, size, offset):
    given = dict(shape)
    slots = (
        *(name for name in _LIST_LOOKUPS if name in given),
        *(("user",) if given.get("unread") else ()),
        # Closed and cancelled do not depend on `now`.
        *(("now",) if given.get("timing", Session.Timing.CLOSED) not in _TIMELESS else ()),
    )

    def build(provider_id, *values):
        values = dict(zip(slots, values, strict=True))
        user = compiled.viewer(values.pop("user", _LIST_STAND_INS["user"]), provider_id=provider_id)
        now = values.pop("now", None)
        return page_with_total(
            _list_filtered(Session.objects.visible_to(user), user, given | values, now),
            LIST_ORDER,
            size,
            offset,
        )

    query = compiled.CompiledQuery(
        build, _LIST_PROVIDER, *(_LIST_STAND_INS[slot] for slot in slots)
    )
    return query, slots


def session_list_ids(*, viewer, filters, now, size, offset):
    """(ids of a page of `viewer`'s session list, total); filters as _list_filtered reads them."""
    shape = tuple(
        sorted((name, None if name in _LIST_LOOKUPS else value) for name, value in filters.items())
    )
    query, slots = _compiled_list_page(shape, size, offset)
    values = {**filters, "user": viewer.pk, "now": now}
    return ids_and_total(
        lambda: query(viewer.provider_profile.pk, *(values[slot] for slot in slots)), offset
    )


class _SessionPaginator(Paginator):
    """Reads a page's ids, then only their rows: a deep page costs what the first does."""

    def __init__(self, page_ids, per_page, *, viewer):
        super().__init__((), per_page)
        self.page_ids = page_ids
        self.viewer = viewer

    def _ids(self, number):
        return self.page_ids(size=self.per_page, offset=(number - 1) * self.per_page)

    @cached_property
    def count(self):
        return self._ids(1)[1]

    def page(self, number):
        number = self.validate_number(number)
        return self._get_page(self._ids(number)[0], number, self)

    def get_page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        if number >= 1:
            ids, total = self._ids(number)
            if ids or number == 1:
                self.count = total
                return self._get_page(ids, number, self)
        return super().get_page(number)

    def _get_page(self, ids, number, paginator):
        rows = session_rows_in_order(viewer=self.viewer, ids=list(ids))
        return super()._get_page(rows, number, paginator)


def session_list_page(*, viewer, filters, page, now):
    """Page `page` (as typed: get_page's) of SessionRows matching `filters`, newest first."""
    paginator = _SessionPaginator(
        functools.partial(session_list_ids, viewer=viewer, filters=filters, now=now),
        SESSION_LIST_PAGE_SIZE,
        viewer=viewer,
    )
    return paginator.get_page(page)


def _names(people):
    return people.order_by("user__full_name", "pk").values_list("uuid", "user__full_name")


_filter_clients = compiled.CompiledQuery(
    lambda provider_id: _names(
        Client.objects.visible_to(compiled.viewer(_LISTS_USER, provider_id=provider_id))
    ),
    _LISTS_PROVIDER,
)
_filter_providers = compiled.CompiledQuery(
    lambda clinic_id: _names(CareProvider.objects.filter(clinic_id=clinic_id)), _LISTS_CLINIC
)


def filter_choices(*, provider):
    """The (UUID, name) pairs the list's client and provider filters offer `provider`."""
    return {
        "client": _filter_clients(provider.pk),
        "provider": _filter_providers(provider.clinic_id),
    }


def _next_session(now, field):
    return Subquery(
        Session.objects.filter(client=OuterRef("pk"), status=Session.Status.OPEN, ends_at__gt=now)
        .order_by("starts_at", "pk")
        .values(field)[:1]
    )


def _open_homework_count(now):
    # Started sessions only: a series copies homework into sessions weeks ahead.
    assignments = (
        Assignment.objects.filter(
            session__client=OuterRef("pk"),
            session__status=Session.Status.OPEN,
            session__starts_at__lte=now,
            submitted_at__isnull=True,
        )
        .order_by()
        .values("session__client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(assignments), Value(0))


def client_list(*, viewer, now):
    return list(
        Client.objects.visible_to(viewer)
        .select_related("user")
        .annotate(
            next_uuid=_next_session(now, "uuid"),
            next_starts_at=_next_session(now, "starts_at"),
            next_ends_at=_next_session(now, "ends_at"),
            open_homework=_open_homework_count(now),
            **_score_columns(),
        )
        .order_by("user__full_name", "pk")
    )


def _score(instrument, *, latest):
    order = ("-submitted_at", "-pk") if latest else ("submitted_at", "pk")
    return Subquery(
        QuestionnaireResponse.objects.filter(client=OuterRef("pk"), instrument=instrument)
        .order_by(*order)
        .values("total")[:1]
    )


def _score_columns():
    """A client row's latest and first score per questionnaire, and whether a flag waits."""
    columns = {
        "needs_attention": Exists(
            QuestionnaireResponse.objects.needing_attention().filter(client=OuterRef("pk"))
        )
    }
    for code in Assignment.Kind.values:
        if code != Assignment.Kind.TEXT:
            columns[f"{code}_latest"] = _score(code, latest=True)
            columns[f"{code}_first"] = _score(code, latest=False)
    return columns


@dataclasses.dataclass(frozen=True)
class SessionSeries:
    """A series of a client's page; alike by value (its rendered section is kept)."""

    id: uuid.UUID
    starts_at: dt.datetime
    sessions: tuple

    def timings(self, now):
        return tuple(row.timing_at(now) for row in self.sessions)


@dataclasses.dataclass(frozen=True)
class ClientTimeline:
    client: Client
    team: list
    series: list
    session_count: int
    trends: list = dataclasses.field(default_factory=list)


def _timeline_client_of(viewer, client_id):
    return (
        Client.objects.visible_to(viewer)
        .select_related("user")
        .annotate(has_scores=Exists(QuestionnaireResponse.objects.filter(client=OuterRef("pk"))))
        .filter(uuid=client_id)
    )


def _timeline_rows_of(viewer, client_pk):
    return (
        Session.objects.visible_to(viewer)
        .filter(client_id=client_pk)
        .list_rows(viewer)
        .order_by("starts_at", "sequence", "pk")
    )


def _care_team_of(client_pk):
    return (
        CareProvider.objects.filter(memberships__client_id=client_pk)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def _trend_rows_of(viewer, client_pk):
    return (
        QuestionnaireResponse.objects.visible_to(viewer)
        .filter(client_id=client_pk)
        .order_by("submitted_at", "pk")
        .values_list(
            "instrument",
            "total",
            "band",
            "submitted_at",
            "assignment__session__uuid",
            "assignment__session__number",
        )
    )


_PAGES_USER, _PAGES_PERSON = -4_000_001, -4_000_002
_PAGES_SESSION = uuid.UUID(int=4_000_003)
_PAGES_NOW = dt.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=dt.UTC)


def _role_of(user):
    """(role, profile id) for compiled.viewer, or None for anyone whose scope is empty."""
    if not user.is_authenticated:
        return None
    if user.provider_profile is not None:
        return "provider", user.provider_profile.pk
    if user.client_profile is not None:
        return "client", user.client_profile.pk
    return None


def _person(role, person_id, user_id=_PAGES_USER):
    return compiled.viewer(user_id, **{f"{role}_id": person_id})


def _per_role(build, *stand_ins, user_id=False):
    """`build(viewer, *values)` compiled once per role: run as [role](person_id, *values), or
    [role](user_id, person_id, *values) where the read uses the user's own id too."""

    def compiled_for(role):
        def read(*values):
            user, person, *rest = values if user_id else (_PAGES_USER, *values)
            return build(_person(role, person, user), *rest)

        head = (_PAGES_USER, _PAGES_PERSON) if user_id else (_PAGES_PERSON,)
        return CompiledQuery(read, *head, *stand_ins)

    return {role: compiled_for(role) for role in ("provider", "client")}


_CLIENT_PK, _CLIENT_UUID = -4_000_101, uuid.UUID(int=4_000_102)
# A client's page reads a client, their two years of sessions and scores: compiled once per
# role (building these cost as much CPU as running them). The rows count the viewer's unread
# messages: the user's id is a value too.
_timeline_client = _per_role(_timeline_client_of, _CLIENT_UUID)
_trend_rows = _per_role(_trend_rows_of, _CLIENT_PK)
_timeline_rows = _per_role(_timeline_rows_of, _CLIENT_PK, user_id=True)
_care_team = CompiledQuery(_care_team_of, _CLIENT_PK)


def client_timeline(*, viewer, client_id):
    """The client's SessionRows by series, newest series first; None if not `viewer`'s."""
    role = _role_of(viewer)
    if role is None:
        return None
    found = _timeline_client[role[0]](role[1], client_id)
    if not found:
        return None
    [client] = found
    by_series = {}
    for row in _timeline_rows[role[0]](viewer.pk, role[1], client.pk):
        session = SessionRow(*row)
        by_series.setdefault(session.series_id, []).append(session)
    series = sorted(
        (
            SessionSeries(id=key, starts_at=sessions[0].starts_at, sessions=tuple(sessions))
            for key, sessions in by_series.items()
        ),
        key=lambda group: group.starts_at,
        reverse=True,
    )
    return ClientTimeline(
        client=client,
        team=_care_team(client.pk),
        series=series,
        session_count=sum(len(group.sessions) for group in series),
        # Read only where there is something to draw.
        trends=client_trends(viewer=viewer, client=client) if client.has_scores else [],
    )


# Compiled once (here and below): building these reads cost more CPU than running them.
_session_by_uuid = _per_role(
    lambda viewer, session_id: Session.objects.visible_to(viewer).filter(uuid=session_id),
    _PAGES_SESSION,
)


def visible_session(*, viewer, session_id):
    role = _role_of(viewer)
    if role is None:
        return Session.objects.visible_to(viewer).filter(uuid=session_id).first()
    found = _session_by_uuid[role[0]](role[1], session_id)
    return found[0] if found else None


def session_to_change(*, viewer, session_id):
    return (
        Session.objects.visible_to(viewer)
        .select_related("client", "clinic")
        .filter(uuid=session_id)
        .first()
    )


def assignment_to_change(*, viewer, assignment_id):
    """The homework item with its session as session_to_change reads it, or None."""
    assignment = Assignment.objects.visible_to(viewer).filter(uuid=assignment_id).first()
    if assignment is None:
        return None
    session = (
        Session.objects.visible_to(viewer)
        .select_related("client", "clinic")
        .filter(pk=assignment.session_id)
        .first()
    )
    if session is None:
        return None
    assignment.session = session
    return assignment


def session_with_people(*, viewer, session_id):
    return Session.objects.visible_to(viewer).with_people().filter(uuid=session_id).first()


def sessions_with_details(*, viewer):
    return (
        Session.objects.visible_to(viewer)
        .with_people()
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("created_by__user").prefetch_related(
                    Prefetch("feedback", queryset=Feedback.objects.select_related("author__user"))
                ),
            ),
            Prefetch("messages", queryset=Message.objects.with_authors()),
        )
    )


# Only what the pages show: a whole User row also carries a password hash.
_PEOPLE = {
    "client_uuid": "client__uuid",
    "client_name": "client__user__full_name",
    "provider_name": "provider__user__full_name",
    "provider_title": "provider__title",
    "created_by_name": "created_by__user__full_name",
    "closed_by_name": "closed_by__user__full_name",
    "cancelled_by_name": "cancelled_by__user__full_name",
}
_people_of = ReadByIds(Session.objects.order_by(), "pk", _PEOPLE.values())
_read_positions_of = ReadByIds(
    ReadPosition.objects.all(), "session_id", ("user_id", "last_read_message_id")
)
_ASSIGNMENT_COLUMNS = [field.attname for field in Assignment._meta.concrete_fields]
_assignments_of = ReadByIds(
    Assignment.objects.all(),
    "session_id",
    (*_ASSIGNMENT_COLUMNS, "created_by__user__full_name"),
)
_feedback_of = ReadByIds(
    Feedback.objects.all(),
    "assignment__session_id",
    ("assignment_id", "author__user__full_name", "created_at", "body"),
)
_thread_of = ReadByIds(
    Message.objects.all(),
    "session_id",
    (
        "id",
        "author_id",
        "author__full_name",
        "author__careprovider__id",
        "author__careprovider__title",
        "created_at",
        "body",
    ),
)
_team_of = ReadByIds(
    CareTeamMembership.objects.order_by("provider__user__full_name"),
    "client_id",
    ("provider__user__full_name",),
)


@dataclasses.dataclass
class SessionPageData:
    """What a session's page shows, as plain rows rather than model instances."""

    session: Session
    people: dict
    assignments: list
    feedback: dict
    thread: list
    upto: int
    read_upto: int | None

    @property
    def ready_to_close(self):
        return all(a.is_completed and self.feedback[a.pk] for a in self.assignments)


def session_page_data(*, session, viewer):
    db = session._state.db
    [people] = _people_of([session.pk])
    assignments = []
    for *columns, given_by in _assignments_of([session.pk]):
        assignment = Assignment.from_db(db, _ASSIGNMENT_COLUMNS, columns)
        assignment.session = session
        assignment.given_by = given_by
        assignments.append(assignment)
    _attach_scores(assignments)
    feedback = defaultdict(list)
    for assignment_id, author_name, created_at, body in _feedback_of([session.pk]):
        feedback[assignment_id].append(
            {"author_name": author_name, "created_at": created_at, "body": body}
        )
    thread = [
        {
            "id": pk,
            "mine": author_id == viewer.pk,
            "author_name": author_name,
            "by_client": provider is None,
            "provider_title": title,
            "created_at": created_at,
            "body": body,
        }
        for pk, author_id, author_name, provider, title, created_at, body in _thread_of(
            [session.pk]
        )
    ]
    return SessionPageData(
        session=session,
        people=dict(zip(_PEOPLE, people, strict=True)),
        assignments=assignments,
        feedback=feedback,
        thread=thread,
        upto=thread[-1]["id"] if thread else 0,
        read_upto=dict(_read_positions_of([session.pk])).get(viewer.pk),
    )


def session_page(*, viewer, session_id):
    session = visible_session(viewer=viewer, session_id=session_id)
    return None if session is None else session_page_data(session=session, viewer=viewer)


def care_team_names(*, client_id):
    return [name for (name,) in _team_of([client_id])]


@dataclasses.dataclass
class SessionClosePage:
    session: Session
    unfinished: list  # homework not completed or without feedback, oldest first


def session_close_page(*, viewer, session_id):
    """The session with its details and unfinished homework, or None if not visible."""
    session = sessions_with_details(viewer=viewer).filter(uuid=session_id).first()
    if session is None:
        return None
    unfinished = [
        a for a in session.assignments.all() if not a.is_completed or not a.feedback.all()
    ]
    return SessionClosePage(session=session, unfinished=unfinished)


def care_team_map(*, viewer):
    """{client UUID: [provider UUIDs]} as text, for the schedule form's script."""
    teams = defaultdict(list)
    memberships = CareTeamMembership.objects.filter(
        client__in=Client.objects.visible_to(viewer).values("pk")
    ).values_list("client__uuid", "provider__uuid")
    for client_uuid, provider_uuid in memberships:
        teams[str(client_uuid)].append(str(provider_uuid))
    return dict(teams)


def series_sessions(*, viewer, series_id):
    """The SessionRows of a series, in order; None when `viewer` sees none of it."""
    rows = [
        SessionRow(*row)
        for row in Session.objects.visible_to(viewer)
        .filter(series_id=series_id)
        .list_rows(viewer)
        .order_by("sequence", "pk")
    ]
    return rows or None


@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    """A change or cancellation of a session; `fields` {name: (before, after)}."""

    kind: str
    changed_at: dt.datetime
    changed_by_name: str
    fields: dict
    reason: str

    @property
    def is_cancel(self):
        return self.kind == SessionChange.Kind.CANCEL


_history_of = ReadByIds(
    SessionChange.objects.order_by("changed_at", "pk"),
    "session_id",
    ("kind", "changed_at", "changed_by__user__full_name", "fields", "reason"),
)
# Times in the history are kept as ISO 8601 text (services._value).
_HISTORY_TIMES = ("starts_at", "ends_at", "meeting_starts_at")


def _history_value(name, value):
    if name in _HISTORY_TIMES and value:
        return dt.datetime.fromisoformat(value)
    return value


def session_history(*, session):
    """The session's changes and cancellation, oldest first: one query."""
    return [
        HistoryEntry(
            kind=kind,
            changed_at=changed_at,
            changed_by_name=name,
            fields={
                field: (_history_value(field, before), _history_value(field, after))
                for field, (before, after) in fields.items()
            },
            reason=reason,
        )
        for kind, changed_at, name, fields, reason in _history_of([session.pk])
    ]


def session_after_in_series(*, session):
    """The series' next non-cancelled session, or None: "schedule the next session" links to it."""
    return (
        Session.objects.filter(series_id=session.series_id, sequence__gt=session.sequence)
        .not_cancelled()
        .order_by("sequence")
        .values("uuid", "number", "starts_at", "ends_at")
        .first()
    )


def later_open_in_series(*, session):
    """How many later sessions of `session`'s series are open (apply_to "following")."""
    return (
        Session.objects.filter(
            series_id=session.series_id,
            sequence__gt=session.sequence,
            status=Session.Status.OPEN,
        )
        .order_by()
        .count()
    )


def session_for_change(*, viewer, session_id):
    """A session with its people, to change or cancel, or None if not `viewer`'s."""
    return session_with_people(viewer=viewer, session_id=session_id)


def care_team_of(*, client_id):
    """The client's care team (CareProviders with names), by name."""
    return list(
        CareProvider.objects.filter(memberships__client_id=client_id)
        .select_related("user")
        .only("uuid", "user__full_name")
        .order_by("user__full_name", "pk")
    )


LATEST_FEEDBACK = 5


def _client(client_id, user_id=_PAGES_USER):
    return _person("client", client_id, user_id)


def _open_homework(client_id):
    return Assignment.objects.visible_to(_client(client_id)).filter(
        session__status=Constant(Session.Status.OPEN.value), submitted_at__isnull=True
    )


# Earliest open, unended session: the one in progress if any, else the next upcoming.
_portal_current = CompiledQuery(
    lambda client_id, user_id, now: (
        open_sessions_constant(Session.objects.visible_to(_client(client_id)).open())
        .filter(ends_at__gt=now)
        .select_related("provider__user")
        .with_counts(_client(client_id, user_id))
        .only(
            "uuid",
            "number",
            "starts_at",
            "ends_at",
            "status",
            "meeting_starts_at",
            "meeting_minutes",
            "meeting_place",
            "meeting_video_url",
            "provider__user__full_name",
        )
        .order_by("starts_at", "pk")[:1]
    ),
    _PAGES_PERSON,
    _PAGES_USER,
    _PAGES_NOW,
)
# Started sessions only: a series copies homework into later sessions, not yet "to do".
_portal_to_do = CompiledQuery(
    lambda client_id, now: (
        _open_homework(client_id)
        .filter(session__starts_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("uuid", "title", "due_at", "session__uuid", "session__number")
    ),
    _PAGES_PERSON,
    _PAGES_NOW,
)
_portal_later = CompiledQuery(
    lambda client_id, now: (
        _open_homework(client_id)
        .filter(session__starts_at__gt=now)
        .annotate(_total=Window(Count("pk")))
        .order_by()
        .values_list("_total")[:1]
    ),
    _PAGES_PERSON,
    _PAGES_NOW,
)
_portal_unread = CompiledQuery(
    lambda client_id, user_id: (
        Session.objects.visible_to(_client(client_id))
        .exclude(status=Constant(Session.Status.CANCELLED.value))
        .with_unread(_client(client_id, user_id))
        .with_counts(_client(client_id, user_id))
        .order_by("-starts_at", "-pk")
        .values_list(
            "uuid", "number", "starts_at", "ends_at", "provider__user__full_name", "unread"
        )
    ),
    _PAGES_PERSON,
    _PAGES_USER,
)
# Chosen before joining names, else PostgreSQL joins them for all the client's feedback.
_portal_latest_feedback = CompiledQuery(
    lambda client_id, limit: (
        Feedback.objects.filter(
            pk__in=Feedback.objects.visible_to(_client(client_id))
            .order_by("-created_at", "-pk")
            .values("pk")[:limit]
        )
        .order_by("-created_at", "-pk")
        .values_list(
            "author__user__full_name",
            "assignment__uuid",
            "assignment__title",
            "assignment__session__uuid",
            "created_at",
            "body",
        )
    ),
    _PAGES_PERSON,
)


@dataclasses.dataclass
class PortalDashboard:
    now: dt.datetime
    current: Session | None
    homework_to_do: list
    homework_later: int
    unread_sessions: list
    latest_feedback: list
    next_meeting: Session | None


def _portal_next_meeting(viewer, now):
    """The open session whose meeting ends next after `now` (under way or to come)."""
    longest = MEETING_MINUTES[1]
    since = now - dt.timedelta(minutes=longest)
    sessions = (
        Session.objects.visible_to(viewer)
        .filter(status=Session.Status.OPEN, ends_at__gt=since, meeting_starts_at__gt=since)
        .select_related("provider__user")
        .only(
            "uuid",
            "number",
            "clinic_id",
            "meeting_starts_at",
            "meeting_minutes",
            "meeting_place",
            "meeting_video_url",
            "provider__user__full_name",
        )
        .order_by("meeting_starts_at", "pk")
    )
    # No meeting lasts longer than `longest`: of those begun since, some may be over.
    return next((s for s in sessions[:8] if s.meeting_ends_at > now), None)


def portal_dashboard(*, viewer, now):
    user_id, client_id = viewer.pk, viewer.client_profile.pk
    current = _portal_current(client_id, user_id, now)
    later = _portal_later(client_id, now)
    return PortalDashboard(
        now=now,
        next_meeting=_portal_next_meeting(viewer, now),
        current=current[0] if current else None,
        homework_to_do=_portal_to_do(client_id, now),
        homework_later=later[0][0] if later else 0,
        unread_sessions=_portal_unread(client_id, user_id),
        latest_feedback=_portal_latest_feedback(client_id, limit=LATEST_FEEDBACK),
    )


def portal_session_list(*, viewer, now):
    """A client's sessions: "current" (in progress or past due but open) and "upcoming"
    soonest first, "past" (closed) latest first; cancelled ones by their dates."""
    groups = {"current": [], "upcoming": [], "past": []}
    sessions = (
        Session.objects.visible_to(viewer)
        .with_names()
        .with_counts(viewer)
        .order_by("starts_at", "pk")
    )
    for session in sessions:
        timing = session.timing_at(now)
        if timing == Session.Timing.CANCELLED:
            # Kept where its dates put it, struck through: a cancelled week is news too.
            groups["upcoming" if session.starts_at > now else "past"].append(session)
        elif timing == Session.Timing.UPCOMING:
            groups["upcoming"].append(session)
        elif timing == Session.Timing.CLOSED:
            groups["past"].append(session)
        else:
            groups["current"].append(session)
    groups["past"].reverse()
    return groups


# Status also in the SQL text: for `status = $1` the generic plan skips the status index.


def open_sessions_constant(sessions):
    return sessions.filter(status=Constant(Session.Status.OPEN.value))


def timing_constant(sessions, timing):
    status = timing if timing in _TIMELESS else Session.Status.OPEN
    return sessions.filter(status=Constant(Session.Status(status).value))


_API_PERSON = -2_000_002
_API_FILTERS = {
    "status": ("status", "stand-in status"),
    "client": ("client__uuid", uuid.UUID(int=2_000_003)),
    "provider": ("provider__uuid", uuid.UUID(int=2_000_004)),
    "starts_after": ("starts_at__gte", dt.datetime(1901, 2, 3, 4, 5, 6, 7, tzinfo=dt.UTC)),
    "starts_before": ("starts_at__lt", dt.datetime(1902, 3, 4, 5, 6, 7, 8, tzinfo=dt.UTC)),
}


def _api_page(sessions, filters, ordering, size, offset):
    sessions = sessions.filter(**{_API_FILTERS[name][0]: value for name, value in filters})
    tie = "sequence" if ordering == "starts_at" else "-sequence"
    return page_with_total(sessions, (ordering, tie, "pk"), size, offset)


# Bounded: an unbounded number of pages must not hold an unbounded number of queries.
@functools.lru_cache(maxsize=256)
def _api_compiled_page(role, names, ordering, size, offset):
    return CompiledQuery(
        lambda person_id, *values: _api_page(
            Session.objects.visible_to(_person(role, person_id)),
            zip(names, values, strict=True),
            ordering,
            size,
            offset,
        ),
        _API_PERSON,
        *(_API_FILTERS[name][1] for name in names),
    )


def api_session_page(*, viewer, filters, ordering, page_size, offset):
    """(ids of a page of `viewer`'s sessions matching `filters`, total); ([], 0) past the end."""
    role = _role_of(viewer)
    if role is None:
        sessions = Session.objects.visible_to(viewer)
        return ids_and_total(
            lambda: list(_api_page(sessions, filters.items(), ordering, page_size, offset)),
            offset,
        )
    query = _api_compiled_page(role[0], tuple(filters), ordering, page_size, offset)
    return ids_and_total(lambda: query(role[1], *filters.values()), offset)


def api_session_id(*, viewer, session_id):
    session = visible_session(viewer=viewer, session_id=session_id)
    return None if session is None else session.pk


def _api_text(column):
    # As text: fromisoformat (C) beats Django's pure-Python timestamptz loader; see api/output.py.
    return Cast(column, output_field=TextField())


# The columns of each kind of row, in the order api/output.py unpacks them.
_API_SESSION = (
    "pk",
    _api_text("uuid"),
    _api_text("series_id"),
    "sequence",
    "number",
    _api_text("client__uuid"),
    "client__user__full_name",
    "provider_id",
    "created_by_id",
    _api_text("starts_at"),
    _api_text("ends_at"),
    _api_text("meeting_starts_at"),
    "meeting_minutes",
    "meeting_place",
    "meeting_video_url",
    "status",
    _api_text("closed_at"),
    "closed_by_id",
    "close_note",
    _api_text("cancelled_at"),
    "cancelled_by_id",
    "cancel_reason",
)
_API_ASSIGNMENT = (
    "session_id",
    "pk",
    _api_text("uuid"),
    "title",
    "instructions",
    _api_text("due_at"),
    "created_by_id",
    _api_text("created_at"),
    "response",
    _api_text("submitted_at"),
    "kind",
    "questionnaire__answers",
    "questionnaire__total",
    "questionnaire__band",
    "questionnaire__flagged_at",
    "questionnaire__acknowledged_at",
    _api_text("feedback__uuid"),
    "feedback__author_id",
    "feedback__body",
    _api_text("feedback__created_at"),
)
_API_MESSAGE = (
    "session_id",
    _api_text("uuid"),
    _api_text("author_provider"),
    _api_text("author_client"),
    "author__full_name",
    "body",
    _api_text("created_at"),
)
_api_sessions_by_pk = ReadByIds(Session.objects.order_by(), "pk", _API_SESSION)
_API_ASSIGNMENTS = Assignment.objects.order_by(
    "created_at", "pk", "feedback__created_at", "feedback__pk"
)
_api_assignments_by_session = ReadByIds(_API_ASSIGNMENTS, "session_id", _API_ASSIGNMENT)
_api_assignments_by_pk = ReadByIds(_API_ASSIGNMENTS, "pk", _API_ASSIGNMENT)
_api_providers_by_pk = ReadByIds(
    CareProvider.objects.order_by(), "pk", ("pk", _api_text("uuid"), "user__full_name")
)
# Profiles by subquery: as joins, PostgreSQL hashed the whole provider table.
_api_messages_by_session = ReadByIds(
    Message.objects.annotate(
        author_provider=Subquery(
            CareProvider.objects.filter(user_id=OuterRef("author_id")).order_by().values("uuid")
        ),
        author_client=Subquery(
            Client.objects.filter(user_id=OuterRef("author_id")).order_by().values("uuid")
        ),
    ),
    "session_id",
    _API_MESSAGE,
)


@dataclasses.dataclass(frozen=True)
class ApiSessionRows:
    """Tuples of _API_SESSION's, _API_ASSIGNMENT's (one per feedback) and _API_MESSAGE's
    columns, and {provider pk: (uuid, name)} of the providers the rows name by id."""

    sessions: list
    assignments: list
    messages: list
    providers: dict


# Where the rows name a provider by id (positions in _API_SESSION and _API_ASSIGNMENT).
_SESSION_PROVIDERS = tuple(
    _API_SESSION.index(name)
    for name in ("provider_id", "created_by_id", "closed_by_id", "cancelled_by_id")
)
_ASSIGNMENT_PROVIDERS = tuple(
    _API_ASSIGNMENT.index(name) for name in ("created_by_id", "feedback__author_id")
)


def _providers_of(sessions, assignments):
    """{pk: (uuid, name)} of the providers the rows name: each read once, not joined to each
    row (a page's hundred homework rows joined a provider and a user twice)."""
    ids = {row[i] for row in sessions for i in _SESSION_PROVIDERS}
    ids.update(row[i] for row in assignments for i in _ASSIGNMENT_PROVIDERS)
    ids.discard(None)
    return {pk: (uuid, name) for pk, uuid, name in _api_providers_by_pk(list(ids))}


def api_session_rows(*, session_ids):
    """ApiSessionRows in `session_ids`' order: ids from a scoped read or just written."""
    by_pk = {row[0]: row for row in _api_sessions_by_pk(session_ids)}
    rows = [by_pk[pk] for pk in session_ids if pk in by_pk]
    pks = [row[0] for row in rows]
    assignments = _api_assignments_by_session(pks)
    return ApiSessionRows(
        sessions=rows,
        assignments=assignments,
        messages=_api_messages_by_session(pks),
        providers=_providers_of(rows, assignments),
    )


def api_assignment_rows(*, assignment_id):
    """ApiSessionRows of `assignment_id` (visible or just written): its rows alone."""
    assignments = _api_assignments_by_pk([assignment_id])
    return ApiSessionRows(
        sessions=[], assignments=assignments, messages=[], providers=_providers_of([], assignments)
    )


def api_calendar(*, viewer, start, end):
    """The requester's meetings starting in [start, end), by start: a provider's in the
    sessions they hold, a client's in their own; cancelled ones too (marked by status)."""
    sessions = Session.objects.visible_to(viewer).filter(
        meeting_starts_at__gte=start, meeting_starts_at__lt=end
    )
    if viewer.provider_profile is not None:
        sessions = sessions.filter(provider=viewer.provider_profile)
    return list(
        sessions.select_related("client__user", "provider__user").order_by(
            "meeting_starts_at", "pk"
        )
    )


def api_clients(*, viewer):
    return (
        Client.objects.visible_to(viewer)
        .select_related("user")
        .prefetch_related("care_team__user")
        .order_by("user__full_name", "pk")
    )


def api_client(*, viewer, client_id):
    return Client.objects.visible_to(viewer).select_related("clinic").filter(uuid=client_id).first()


def api_provider(*, viewer, provider_id):
    return CareProvider.objects.visible_to(viewer).filter(uuid=provider_id).first()


def api_messages(*, session):
    return session.messages.with_authors().order_by("pk")


ATTENTION_LIMIT = 10


def _attach_scores(assignments):
    """Each questionnaire's answers as `assignment.scored`, read only if there is one."""
    questionnaires = [a.pk for a in assignments if a.is_questionnaire]
    scored = {}
    if questionnaires:
        scored = {
            response.assignment_id: response
            for response in QuestionnaireResponse.objects.filter(
                assignment_id__in=questionnaires
            ).select_related("acknowledged_by__user")
        }
    for assignment in assignments:
        assignment.scored = scored.get(assignment.pk)


@dataclasses.dataclass(frozen=True)
class AttentionRow:
    instrument: str
    flagged_at: dt.datetime
    assignment_uuid: uuid.UUID
    session_uuid: uuid.UUID
    session_number: int
    client_uuid: uuid.UUID
    client_name: str


_needs_attention = compiled.CompiledQuery(
    lambda provider_id, limit: (
        QuestionnaireResponse.objects.visible_to(
            compiled.viewer(_LISTS_USER, provider_id=provider_id)
        )
        .needing_attention()
        .annotate(_total=Window(Count("pk")))
        .order_by("flagged_at", "pk")
        .values_list(
            "instrument",
            "flagged_at",
            "assignment__uuid",
            "assignment__session__uuid",
            "assignment__session__number",
            "client__uuid",
            "client__user__full_name",
            "_total",
        )[:limit]
    ),
    _LISTS_PROVIDER,
)


def needs_attention(*, viewer, limit=ATTENTION_LIMIT):
    """Flagged questionnaires of `viewer`'s care teams (a provider's) not yet acknowledged,
    oldest first."""
    rows = _needs_attention(viewer.provider_profile.pk, limit=limit)
    return ListSection(
        rows=[AttentionRow(*row[:-1]) for row in rows], total=rows[0][-1] if rows else 0
    )


def client_trends(*, viewer, client):
    """measures.Trend of each questionnaire `client` has answered, scores oldest first."""
    role = _role_of(viewer)
    if role is None:
        return []
    return measures.trends(_trend_rows[role[0]](role[1], client.pk))


def client_measures(*, viewer, client_id):
    """(client, trends) of a client `viewer` may see, by UUID; None otherwise."""
    client = Client.objects.visible_to(viewer).select_related("user").filter(uuid=client_id)
    client = client.first()
    if client is None:
        return None
    return client, client_trends(viewer=viewer, client=client)

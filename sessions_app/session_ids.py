"""A page of session ids and how many match in all, read in one query whose SQL is written
once per shape (clinic/compiled.py): the provider's session list and the API's list.

Building and compiling a scoped, filtered count and page of ids with the ORM cost about
1.5 ms of CPU a request, more than PostgreSQL takes to run them; only the person, the
filters' values, the time and the page change between requests. Each shape is compiled
from the ORM's queryset, for stand-in values."""

import datetime as dt
import functools

from django.db.models import Func, IntegerField, Subquery
from django.db.models.expressions import Star

from clinic.compiled import CompiledQuery, Constant, viewer
from sessions_app.models import Assignment, Session

LIST_ORDER = ("-starts_at", "-sequence", "-pk")
# Past this many rows no list has a page: a larger offset (a page number typed into the
# address) is past the end without asking the database, whose OFFSET is a 64-bit integer.
MAX_OFFSET = 2**62


def page_with_total(sessions, order, size, offset):
    """The ids of a page of `sessions` in `order`, each with how many match in all (one
    query; no row past the last page)."""
    # COUNT as a plain function: as an aggregate it would group the subquery's rows. Of
    # `*`, which an index-only scan answers, not of a column, which PostgreSQL reads.
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
    """The ids and the total of the rows `read()` gives (page_with_total's, for `offset`);
    ([], 0) past the last page, and without reading past any list's end."""
    rows = read() if offset <= MAX_OFFSET else []
    return [pk for pk, _ in rows], rows[0][1] if rows else 0


def waiting_for_feedback(user):
    """Submitted homework without feedback in open sessions: feedback can still be given."""
    return (
        Assignment.objects.visible_to(user)
        .waiting_for_feedback()
        .filter(session__status=Constant(Session.Status.OPEN.value))
    )


# The session list's filters that compare a column with a value, and their lookups.
_LOOKUPS = {
    "client": "client_id",
    "provider": "provider_id",
    "status": "status",
    "starts_after": "starts_at__gte",
    "starts_before": "starts_at__lt",
}
# Stand-ins for the values the list's SQL takes: those filters', the person's (whose
# messages are unread) and the time (that a timing compares with).
_PROVIDER = -3_000_001
_STAND_INS = {
    "client": -3_000_002,
    "provider": -3_000_003,
    "status": "stand-in status",
    "starts_after": dt.datetime(1903, 4, 5, 6, 7, 8, 9, tzinfo=dt.UTC),
    "starts_before": dt.datetime(1904, 5, 6, 7, 8, 9, 10, tzinfo=dt.UTC),
    "user": -3_000_004,
    "now": dt.datetime(1905, 6, 7, 8, 9, 10, 11, tzinfo=dt.UTC),
}


def list_filtered(sessions, user, filters, now):
    """`sessions` that match the session list's `filters` at `now`: by name, the value of
    each one given (client and provider ids, a status, the datetimes that bound the start,
    a Session.Timing, True for unread and waiting)."""
    for name, lookup in _LOOKUPS.items():
        if name in filters:
            sessions = sessions.filter(**{lookup: filters[name]})
    if "timing" in filters:
        sessions = sessions.with_timing(filters["timing"], now)
    if filters.get("unread"):
        sessions = sessions.with_unread(user)
    if filters.get("waiting"):
        sessions = sessions.filter(pk__in=waiting_for_feedback(user).values("session_id"))
    return sessions


# A shape per set of filters (each timing its own), page size and offset: see the API's
# (sessions_app/api/scoped.py) for why the offset is part of it and the cache is bounded.
@functools.lru_cache(maxsize=256)
def _compiled_list_page(shape, size, offset):
    """The query of a shape: the filters given, by name, with the value of those that
    change the SQL (timing, unread, waiting) and None for the others; and the names of the
    values it takes after the provider's id."""
    given = dict(shape)
    slots = (
        *(name for name in _LOOKUPS if name in given),
        *(("user",) if given.get("unread") else ()),
        # A closed session is closed whenever it is looked at.
        *(("now",) if given.get("timing", Session.Timing.CLOSED) != Session.Timing.CLOSED else ()),
    )

    def build(provider_id, *values):
        values = dict(zip(slots, values, strict=True))
        user = viewer(values.pop("user", _STAND_INS["user"]), provider_id=provider_id)
        now = values.pop("now", None)
        return page_with_total(
            list_filtered(Session.objects.visible_to(user), user, given | values, now),
            LIST_ORDER,
            size,
            offset,
        )

    return CompiledQuery(build, _PROVIDER, *(_STAND_INS[slot] for slot in slots)), slots


def list_page(user, filters, *, now, size, offset):
    """The ids of a page of the session list of `user`, a provider (the sessions they may
    see that match `filters`, as list_filtered takes them, at `now`, in LIST_ORDER), and
    how many match in all; ([], 0) past the last page."""
    shape = tuple(
        sorted((name, None if name in _LOOKUPS else value) for name, value in filters.items())
    )
    compiled, slots = _compiled_list_page(shape, size, offset)
    values = {**filters, "user": user.pk, "now": now}
    return ids_and_total(
        lambda: compiled(user.provider_profile.pk, *(values[slot] for slot in slots)), offset
    )

"""The sessions that the API's list and detail and the session pages read from a person's
scope, with SQL written once per shape (clinic/compiled.py).

Building and compiling these scoped, filtered querysets with the ORM cost more CPU than
PostgreSQL takes to run them (about 1.5 ms for the list's count and page, 0.8 ms for a
detail's lookup); only the person, the filter values and the page change between requests.
The scope is still `visible_to`'s: each shape is compiled from it, for a stand-in person."""

import datetime as dt
import functools
import uuid

from clinic.compiled import CompiledQuery, viewer
from sessions_app.models import Session
from sessions_app.session_ids import ids_and_total, page_with_total

# Stand-ins for the values of the compiled queries.
_USER, _PERSON = -2_000_001, -2_000_002
# A filter: its lookup, and the stand-in for its value.
_FILTERS = {
    "status": ("status", "stand-in status"),
    "client": ("client__uuid", uuid.UUID(int=2_000_003)),
    "provider": ("provider__uuid", uuid.UUID(int=2_000_004)),
    "starts_after": ("starts_at__gte", dt.datetime(1901, 2, 3, 4, 5, 6, 7, tzinfo=dt.UTC)),
    "starts_before": ("starts_at__lt", dt.datetime(1902, 3, 4, 5, 6, 7, 8, tzinfo=dt.UTC)),
}


def _role(user):
    """('provider' or 'client', the profile's id) as `viewer` takes them, or None."""
    if user.provider_profile is not None:
        return "provider", user.provider_profile.pk
    if user.client_profile is not None:
        return "client", user.client_profile.pk
    return None


def _scoped(role, person_id):
    return Session.objects.visible_to(viewer(_USER, **{f"{role}_id": person_id}))


def _page(sessions, filters, ordering, size, offset):
    """page_with_total of `sessions` that match `filters`, in `ordering`."""
    sessions = sessions.filter(**{_FILTERS[name][0]: value for name, value in filters})
    tie = "sequence" if ordering == "starts_at" else "-sequence"
    return page_with_total(sessions, (ordering, tie, "pk"), size, offset)


# A shape per role, filters given, order and page: the pages people read again are few,
# and an unbounded number of pages must not hold an unbounded number of queries.
@functools.lru_cache(maxsize=256)
def _compiled_page(role, names, ordering, size, offset):
    return CompiledQuery(
        lambda person_id, *values: _page(
            _scoped(role, person_id), zip(names, values, strict=True), ordering, size, offset
        ),
        _PERSON,
        *(_FILTERS[name][1] for name in names),
    )


def page_ids(user, filters, *, ordering, size, offset):
    """The ids of the page of the sessions `user` may see that match `filters` (name:
    value, of SessionFilterSerializer), and how many match in all; ([], 0) past the end."""
    role = _role(user)
    if role is None:  # nobody's records: visible_to says so without a query
        sessions = Session.objects.visible_to(user)
        return ids_and_total(
            lambda: list(_page(sessions, filters.items(), ordering, size, offset)), offset
        )
    compiled = _compiled_page(role[0], tuple(filters), ordering, size, offset)
    return ids_and_total(lambda: compiled(role[1], *filters.values()), offset)


_by_uuid = {
    role: CompiledQuery(
        lambda person_id, session_id, role=role: _scoped(role, person_id).filter(uuid=session_id),
        _PERSON,
        uuid.UUID(int=2_000_005),
    )
    for role in ("provider", "client")
}


def visible_session(user, session_id):
    """The session `session_id` (a UUID) if `user` may see it, else None: the API's detail
    and both session pages."""
    role = _role(user)
    if role is None:
        return Session.objects.visible_to(user).filter(uuid=session_id).first()
    found = _by_uuid[role[0]](role[1], session_id)
    return found[0] if found else None


def session_pk(user, session_id):
    """The id of the session `session_id` (a UUID) if `user` may see it, else None."""
    session = visible_session(user, session_id)
    return None if session is None else session.pk

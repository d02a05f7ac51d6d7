"""clinic.jinja2.kept: a list row kept per process reads exactly as one rendered afresh, and
whatever it is written from changes it (issue 13, point 2)."""

import dataclasses
import datetime as dt
import uuid as uuids
import zoneinfo

import pytest
from django.template import engines
from django.urls import set_script_prefix
from django.utils import timezone, translation

from clinic import jinja2 as env
from sessions_app.models import Session, SessionRow

from .sessions_helpers import weekly_series

NOW = dt.datetime(2026, 12, 4, 12, tzinfo=dt.UTC)
SESSION_ID, CLIENT_ID = uuids.UUID(int=7), uuids.UUID(int=8)
ROW_TEMPLATE = "sessions_app/provider/includes/session_rows.html"
TABLE_TEMPLATE = "sessions_app/provider/includes/session_table.html"


@dataclasses.dataclass
class Values:
    pk: int = 7
    uuid: uuids.UUID = SESSION_ID
    sequence: int = 1
    number: int = 3
    series_id: int | None = None
    starts_at: dt.datetime = NOW - dt.timedelta(days=2)
    ends_at: dt.datetime = NOW + dt.timedelta(days=5)
    status: str = "open"
    client_uuid: uuids.UUID = CLIENT_ID
    client_name: str = "Chloe <b>Client</b>"
    provider_name: str = "Ben Provider"
    homework_done: int = 1
    homework_total: int = 4
    unread: int = 2
    meeting_starts_at: dt.datetime | None = NOW + dt.timedelta(days=1)
    meeting_minutes: int = 50
    needs_attention: bool = False

    def row(self):
        return SessionRow(*dataclasses.astuple(self))


# A new value for each column a row shows, and for one it doesn't (kept apart all the same).
CHANGES = {
    "uuid": uuids.UUID(int=9),
    "number": 4,
    "starts_at": NOW - dt.timedelta(days=3),
    "ends_at": NOW + dt.timedelta(days=6),
    "status": "cancelled",
    "client_uuid": uuids.UUID(int=10),
    "client_name": "Dylan Client",
    "provider_name": "Cara Provider",
    "homework_done": 2,
    "homework_total": 5,
    "unread": 0,
    "meeting_starts_at": NOW + dt.timedelta(days=2),
    "meeting_minutes": 30,
    "needs_attention": True,
}


def macros():
    jinja = engines["jinja2"].env
    rows = jinja.get_template(ROW_TEMPLATE).module
    table = jinja.get_template(TABLE_TEMPLATE).module
    return [
        lambda row, kept: kept(rows.session_item, row, row.timing_at(NOW), row.ends_at <= NOW),
        lambda row, kept: kept(table.session_tr, row, row.timing_at(NOW), True),
    ]


def fresh(macro, *args):
    return macro(*args)


@pytest.fixture(autouse=True)
def _clean():
    env._kept.cache_clear()
    with translation.override("en"), timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        yield
    env._kept.cache_clear()
    set_script_prefix("/")


@pytest.mark.parametrize("which", [0, 1])
def test_kept_row_is_the_fresh_row_and_is_kept(which):
    render = macros()[which]
    row = Values().row()
    first = render(row, env.kept)
    assert first == render(row, fresh)
    assert "Chloe &lt;b&gt;Client&lt;/b&gt;" in first
    hits = env._kept.cache_info().hits
    assert render(Values().row(), env.kept) == first  # an equal row from another read
    assert env._kept.cache_info().hits == hits + 1


@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize("column", sorted(CHANGES))
def test_each_column_changes_the_kept_row(which, column):
    render = macros()[which]
    before = render(Values().row(), env.kept)
    changed = dataclasses.replace(Values(), **{column: CHANGES[column]}).row()
    after = render(changed, env.kept)
    assert after == render(changed, fresh)
    if column != "client_uuid" or which == 1:  # only the table links the client
        assert after != before


@pytest.mark.parametrize("which", [0, 1])
def test_language_zone_script_prefix_and_timing_change_the_kept_row(which):
    render = macros()[which]
    row = Values().row()
    english = render(row, env.kept)
    with translation.override("es"):
        spanish = render(row, env.kept)
        assert spanish == render(row, fresh) != english
    with timezone.override(zoneinfo.ZoneInfo("Europe/Madrid")):
        madrid = render(row, env.kept)
        assert madrid == render(row, fresh) != english
    set_script_prefix("/clinic-a/")
    prefixed = render(row, env.kept)
    assert prefixed == render(row, fresh) != english
    assert 'href="/clinic-a/' in prefixed
    set_script_prefix("/")
    ended = SessionRow(*dataclasses.astuple(Values(ends_at=NOW - dt.timedelta(hours=1))))
    overdue = render(ended, env.kept)
    assert overdue == render(ended, fresh)
    assert f'data-timing="{Session.Timing.OVERDUE.value}"' in overdue
    assert 'data-timing="in_progress"' in english


def test_rows_are_alike_by_value():
    assert Values().row() == Values().row()
    assert hash(Values().row()) == hash(Values().row())
    assert Values().row() != Values(unread=5).row()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/provider/",
        "/provider/sessions/",
        "/provider/calendar/?view=week",
        "/provider/calendar/?view=month",
    ],
)
def test_pages_keep_their_rows_from_one_request_to_the_next(login, provider, client_profile, path):
    """A macro made anew on each render (one defined in a page rather than in an imported
    template) would never be found again and would fill the memo: each page's second
    request must be answered from it."""
    # One session overdue, one in progress, one to come: every dashboard section but unread.
    weekly_series(provider, client_profile, start=timezone.now() - dt.timedelta(days=10), repeat=3)
    client = login(provider.user)
    assert client.get(path).status_code == 200
    kept = env._kept.cache_info()
    assert kept.currsize > 0
    assert client.get(path).status_code == 200
    again = env._kept.cache_info()
    assert again.currsize == kept.currsize
    assert again.hits > kept.hits


@pytest.mark.django_db
def test_a_clients_page_keeps_its_series_from_one_request_to_the_next(
    login, provider, client_profile
):
    weekly_series(provider, client_profile, start=timezone.now() - dt.timedelta(days=10), repeat=3)
    client = login(provider.user)
    path = f"/provider/clients/{client_profile.uuid}/"
    assert client.get(path).status_code == 200
    kept = env._kept.cache_info()
    assert client.get(path).status_code == 200
    again = env._kept.cache_info()
    assert again.currsize == kept.currsize
    assert again.hits > kept.hits


def series_section():
    return engines["jinja2"].env.get_template(TABLE_TEMPLATE).module.series_section


def test_a_kept_series_is_the_fresh_series_and_changes_with_its_rows_and_timings():
    from sessions_app.selectors import SessionSeries

    def series(*rows):
        return SessionSeries(id=uuids.UUID(int=11), starts_at=NOW, sessions=tuple(rows))

    group = series(Values().row(), Values(pk=8, uuid=uuids.UUID(int=12), number=4).row())
    timings = group.timings(NOW)
    first = env.kept(series_section(), group, timings)
    assert first == series_section()(group, timings)
    assert "Sessions 3 to 4" in first
    # Time passes: the first session has ended and is overdue.
    later = group.timings(NOW + dt.timedelta(days=6))
    overdue = env.kept(series_section(), group, later)
    assert overdue == series_section()(group, later) != first
    assert f'data-timing="{Session.Timing.OVERDUE.value}"' in overdue
    # A row changes: a message arrives.
    changed = series(Values(unread=7).row(), group.sessions[1])
    fresh = series_section()(changed, changed.timings(NOW))
    assert env.kept(series_section(), changed, changed.timings(NOW)) == fresh != first

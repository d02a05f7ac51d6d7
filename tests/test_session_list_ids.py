"""The provider's session list reads a page of ids and the total with SQL compiled once per
shape (selectors.session_list_ids, session_list_page): each page is the one the ORM's
scoped, filtered queryset and Django's paginator give, for the filters the form reads from
the query."""

import datetime as dt
import itertools

import pytest
from bs4 import BeautifulSoup
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions_app import selectors, services
from sessions_app.list_forms import SessionListFilterForm, start_of_day
from sessions_app.models import Assignment, Session

from .factories import ClientFactory
from .sessions_helpers import complete, schedule

SESSION_LIST = reverse("sessions_app:provider-session-list")
DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(weeks=1)


def submit(session):
    assignment = session.assignments.get()
    services.assignment_submit(actor=session.client.user, assignment=assignment, response="Done.")


@pytest.fixture
def caseload(clinic, clinic_admin, provider, client_profile, other_client):
    """Ben's 58 sessions (three pages) of every timing (one cancelled), of two clients and two
    holders, with unread messages and homework waiting; and a client on Ava's care team only."""
    start = timezone.now() - 20 * WEEK
    bens = schedule(by=provider, client=client_profile, start=start, repeat=30, homework=["J"])
    # Ava's series starts a week after Ben's: at the same starts, the order falls to the
    # sequence (Ben's is one ahead), not the id (Ava's are the later ones).
    # Ben's client sees Ava the same weeks: asked for explicitly, as the service requires.
    avas = schedule(
        by=clinic_admin,
        client=client_profile,
        start=bens[1].starts_at,
        repeat=12,
        allow_overlap=True,
    )
    # A session at midnight on the clinic's clock: the first of its day, the last of none;
    # after Dylan's series with Ben (day 3 to day 108), which it may not overlap.
    midnight = start_of_day(start.astimezone(clinic.tzinfo).date() + 110 * DAY, clinic.tzinfo)
    schedule(by=provider, client=other_client, start=midnight)
    dylans = schedule(
        by=provider,
        client=other_client,
        start=start + dt.timedelta(days=3),
        repeat=15,
        homework=["W"],
    )
    outsider = ClientFactory(clinic=clinic, care_team=[clinic_admin])
    hidden = schedule(by=clinic_admin, client=outsider, start=start, repeat=10)
    for session in (bens[3], bens[25], dylans[2], avas[5], hidden[1]):
        services.message_post(actor=session.client.user, session=session, body="Hello")
    services.message_post(actor=provider.user, session=bens[4], body="Mine")  # read
    services.session_mark_read(user=provider.user, session=bens[25])
    # Homework opens when its session starts: bens[19] is the one in progress (bens[20] starts
    # about now, an hour either side with daylight saving time, so it may not have started).
    for session in (bens[1], bens[2], bens[19], dylans[7]):
        submit(session)
    complete(dylans[8], client=other_client, provider=provider)  # answered
    for session in (bens[2], bens[5], avas[0], dylans[0]):  # bens[2]'s homework waits no more
        services.session_close(actor=provider.user, session=session, note="Done.", force=True)
    services.session_cancel(actor=provider.user, session=bens[27], reason="Away.")  # cancelled
    return {"start": start, "bens": bens, "avas": avas, "dylans": dylans, "hidden": hidden}


def cleaned(**given):
    """The filter form's cleaned data with `given` (a bound form's blanks for the rest)."""
    blank = {
        "client": None,
        "provider": None,
        "status": "",
        "starts_after": None,
        "starts_before": None,
        "timing": "",
        "unread": False,
        "waiting": False,
    }
    return blank | given


def orm_sessions(provider, data, now):
    """The list's sessions as the view's ORM queryset gave them before it was compiled."""
    user, tz = provider.user, provider.clinic.tzinfo
    queryset = Session.objects.visible_to(user)
    for field in ("client", "provider", "status"):
        if data.get(field):
            queryset = queryset.filter(**{field: data[field]})
    if data.get("starts_after"):
        queryset = queryset.filter(starts_at__gte=start_of_day(data["starts_after"], tz))
    if data.get("starts_before"):
        end = start_of_day(data["starts_before"] + dt.timedelta(days=1), tz)
        queryset = queryset.filter(starts_at__lt=end)
    if data.get("timing"):
        queryset = queryset.with_timing(data["timing"], now)
    if data.get("unread"):
        queryset = queryset.with_unread(user)
    if data.get("waiting"):
        waiting = Assignment.objects.visible_to(user).filter(
            submitted_at__isnull=False, feedback__isnull=True, session__status="open"
        )
        queryset = queryset.filter(pk__in=waiting.values("session_id"))
    return queryset.order_by("-starts_at", "-sequence", "-pk").values_list("pk", flat=True)


def filters_of(provider, data):
    """The filters for `data` (cleaned data's kind of values), as the form gives them
    (test_the_form_gives_the_filters), whether the form would accept them or not."""
    tz = provider.clinic.tzinfo
    filters = {
        name: data[name] for name in ("status", "timing", "unread", "waiting") if data.get(name)
    }
    for name in ("client", "provider"):
        if data.get(name):
            filters[name] = data[name].pk
    if data.get("starts_after"):
        filters["starts_after"] = start_of_day(data["starts_after"], tz)
    if data.get("starts_before"):
        filters["starts_before"] = start_of_day(data["starts_before"] + DAY, tz)
    return filters


def test_the_form_gives_the_filters(provider, client_profile, clinic_admin):
    query = {
        "client": str(client_profile.uuid),
        "provider": str(clinic_admin.uuid),
        "status": "open",
        "starts_after": "2026-03-07",
        "starts_before": "2026-03-08",  # the whole day on the clinic's clock: before the 9th
        "timing": "overdue",
        "unread": "on",
        "waiting": "on",
    }
    form = SessionListFilterForm(query, provider=provider)
    tz = provider.clinic.tzinfo
    assert form.filters() == {
        "client": client_profile.pk,
        "provider": clinic_admin.pk,
        "status": "open",
        "starts_after": dt.datetime(2026, 3, 7, tzinfo=tz),
        "starts_before": dt.datetime(2026, 3, 9, tzinfo=tz),
        "timing": "overdue",
        "unread": True,
        "waiting": True,
    }
    assert filters_of(provider, form.cleaned_data) == form.filters()
    # A value the form refuses is left out, the others kept; no filter, no query.
    form = SessionListFilterForm({**query, "client": "nobody", "status": "lost"}, provider=provider)
    assert set(form.filters()) == set(query) - {"client", "status"}
    assert SessionListFilterForm.for_query({"page": "2"}, provider=provider).filters() == {}


def compiled_page(provider, data, now, size, offset):
    return selectors.session_list_ids(
        viewer=provider.user,
        filters=filters_of(provider, data),
        now=now,
        size=size,
        offset=offset,
    )


def assert_pages_match(provider, data, now, size=25):
    """Every page of the compiled query, and one past the end, is the ORM's."""
    expected = list(orm_sessions(provider, data, now))
    for offset in range(0, len(expected) + 2 * size, size):
        page = expected[offset : offset + size]
        found = compiled_page(provider, data, now, size, offset)
        assert found == ((page, len(expected)) if page else ([], 0)), (data, now, offset)
    return expected


def filter_values(caseload, client_profile, other_client, clinic_admin, provider):
    """Each filter's values, by name: the clients and holders, every status, dates (on the
    clinic's clock) at the series' ends and middle and around the midnight session, every
    timing, unread, waiting."""
    start = caseload["start"].astimezone(provider.clinic.tzinfo).date()
    return {
        "client": [client_profile, other_client],
        "provider": [provider, clinic_admin],
        "status": ["open", "closed", "cancelled"],
        "starts_after": [start + 3 * DAY, start + 110 * DAY, start + 15 * WEEK],
        "starts_before": [start, start + 109 * DAY, start + 15 * WEEK],
        "timing": [choice for choice, _ in Session.Timing.choices],
        "unread": [True],
        "waiting": [True],
    }


def test_no_filter_gives_the_orms_pages(caseload, provider):
    shown = assert_pages_match(provider, cleaned(), timezone.now())
    assert len(shown) == 58  # three pages
    assert_pages_match(provider, cleaned(), timezone.now(), size=4)


def test_each_filter_alone_and_every_pair_give_the_orms_pages(
    caseload, client_profile, other_client, clinic_admin, provider
):
    values = filter_values(caseload, client_profile, other_client, clinic_admin, provider)
    now = timezone.now()
    for name, choices in values.items():
        for value in choices:
            assert assert_pages_match(provider, cleaned(**{name: value}), now, size=4)
    for first, second in itertools.combinations(values, 2):
        for a, b in itertools.product(values[first], values[second]):
            assert_pages_match(provider, cleaned(**{first: a, second: b}), now, size=4)


def test_many_filters_together_give_the_orms_pages(
    caseload, client_profile, other_client, clinic_admin, provider
):
    values = filter_values(caseload, client_profile, other_client, clinic_admin, provider)
    now = timezone.now()
    for names in itertools.combinations(values, 4):
        assert_pages_match(provider, cleaned(**{name: values[name][0] for name in names}), now, 4)
    every = cleaned(**{name: choices[0] for name, choices in values.items()})
    assert_pages_match(provider, every | {"timing": "overdue"}, now, size=1)


def test_timings_follow_the_time_given(caseload, provider):
    session = caseload["bens"][10]
    nows = [
        caseload["start"] - WEEK,  # all to come
        session.starts_at,  # a start and an end are the same instant
        session.starts_at + dt.timedelta(hours=1),
        timezone.now(),
        caseload["start"] + 40 * WEEK,  # all past
    ]
    for now, (timing, _) in itertools.product(nows, Session.Timing.choices):
        for data in (cleaned(timing=timing), cleaned(timing=timing, client=session.client)):
            assert_pages_match(provider, data, now, size=4)
    # The same compiled query, with each time its own answer.
    counts = {
        now: compiled_page(provider, cleaned(timing="upcoming"), now, 25, 0)[1] for now in nows
    }
    assert counts[nows[0]] == 58 - 4 - 1  # the closed ones and the cancelled one
    assert counts[nows[-1]] == 0


def test_another_providers_client_never_appears(caseload, provider, clinic_admin):
    hidden = {session.pk for session in caseload["hidden"]}
    now = timezone.now()
    outsider = caseload["hidden"][0].client
    for data in (cleaned(), cleaned(unread=True), cleaned(client=outsider), cleaned(status="open")):
        ids, _ = compiled_page(provider, data, now, 100, 0)
        assert not hidden & set(ids)
    assert compiled_page(provider, cleaned(client=outsider), now, 25, 0) == ([], 0)
    # Ava, on that client's care team, sees them: the scope is the person's.
    assert hidden <= set(compiled_page(clinic_admin, cleaned(), now, 100, 0)[0])
    assert_pages_match(clinic_admin, cleaned(unread=True), now, size=2)


def test_unread_and_waiting_are_the_persons(caseload, provider):
    now = timezone.now()
    bens, avas, dylans = caseload["bens"], caseload["avas"], caseload["dylans"]
    unread, _ = compiled_page(provider, cleaned(unread=True), now, 25, 0)
    assert set(unread) == {bens[3].pk, dylans[2].pk, avas[5].pk}
    waiting, _ = compiled_page(provider, cleaned(waiting=True), now, 25, 0)
    assert set(waiting) == {bens[1].pk, bens[19].pk, dylans[7].pk}


# The page: the paginator's numbers, as Django's paginator gives them.


def shown(page, ids):
    paginator = page.paginator
    return {
        "ids": ids,
        "number": page.number,
        "count": paginator.count,
        "num_pages": paginator.num_pages,
        "is_paginated": page.has_other_pages(),
        "page_range": list(paginator.get_elided_page_range(page.number)),
        "has_next": page.has_next(),
        "has_previous": page.has_previous(),
    }


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "open"},
        {"timing": "overdue"},
        {"provider": "ben", "unread": "on"},
        {"waiting": "on"},
        {"client": "chloe", "starts_before": "2099-01-01"},
        {"status": "finished"},  # a bad value is left out
    ],
)
@pytest.mark.parametrize("number", [None, "1", "2", "3", "4", "999", "0", "-1", "abc", "2.0", ""])
def test_each_page_is_the_one_djangos_paginator_gives(
    caseload, provider, client_profile, params, number
):
    people = {"ben": provider.uuid, "chloe": client_profile.uuid}
    query = {name: str(people.get(value, value)) for name, value in params.items()}
    form = SessionListFilterForm.for_query(query, provider=provider)
    now = timezone.now()
    page = selectors.session_list_page(
        viewer=provider.user, filters=form.filters(), page=number, now=now
    )
    data = form.cleaned_data if form.is_bound else {}
    expected = Paginator(orm_sessions(provider, data, now), 25).get_page(number)
    rows = [row.pk for row in page.object_list]
    assert shown(page, rows) == shown(expected, list(expected.object_list))


@pytest.mark.parametrize("number", [None, "2"])
def test_no_match_shows_0_sessions(login, caseload, provider, number):
    query = {"starts_before": "2000-01-01"} | ({"page": number} if number else {})
    response = login(provider.user).get(SESSION_LIST, query)
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert soup.select_one("[role=status]").get_text(strip=True) == "0 sessions"
    assert soup.select("main table") == []
    assert soup.find("nav", attrs={"aria-label": "Session list pages"}) is None
    assert "No sessions match these filters." in soup.get_text()


@pytest.mark.parametrize(("number", "reads"), [("2", 1), ("3", 1), ("9", 3), ("abc", 1)])
def test_a_page_that_exists_is_read_in_one_query_with_its_count(
    login, caseload, provider, number, reads
):
    http_client = login(provider.user)
    http_client.get(SESSION_LIST)
    with CaptureQueriesContext(connection) as queries:
        http_client.get(SESSION_LIST, {"page": number})
    # Past the end the page's query finds no row: then the count, and the last page.
    assert [q["sql"].count('"total"') for q in queries.captured_queries].count(1) == reads


@pytest.mark.parametrize("page_number", ["368934881474191034", str(2**70)])
def test_a_page_number_past_any_list_shows_the_last_page_and_the_api_says_404(
    login, provider, client_profile, page_number
):
    # Found by Hypothesis: such a page's OFFSET overflowed PostgreSQL's bigint (a 500).
    schedule(by=provider, client=client_profile, provider=provider, repeat=30)
    page = login(provider.user).get(SESSION_LIST, {"page": page_number})
    assert page.status_code == 200
    soup = BeautifulSoup(page.content.decode(), "html.parser")
    nav = soup.find("nav", attrs={"aria-label": "Session list pages"})
    assert nav.select_one("[aria-current=page]").get_text(" ", strip=True) == "Page 2 2"
    assert len(soup.select("main table tbody tr")) == 5
    api = login(provider.user).get(reverse("api:session-list"), {"page": page_number})
    assert api.status_code == 404
    assert (api.json()["code"], api.json()["detail"]) == ("not_found", "Invalid page.")

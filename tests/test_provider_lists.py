"""Care providers' overview pages: dashboard, session list, clients, a client's timeline."""

import datetime as dt
import uuid
import zoneinfo
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from sessions_app import services
from sessions_app.models import Session

from .factories import ClientFactory
from .queries import REQUEST_QUERIES
from .sessions_helpers import complete, schedule

NY = zoneinfo.ZoneInfo("America/New_York")

DASHBOARD = reverse("sessions_app:provider-dashboard")
SESSION_LIST = reverse("sessions_app:provider-session-list")
CLIENT_LIST = reverse("sessions_app:provider-client-list")
SCHEDULE = reverse("sessions_app:provider-session-schedule")

# What each page costs, whatever the number of rows (pinned at 1 and 20 rows below).
# All pages: the log-in session and the user (with role profile and clinic), 2 queries.
# Per session section its first ids and its total (one query), then the sessions shown with
# their people and counts (one query); the homework waiting, with its total (one query);
# the questionnaires needing attention, with their total (one query).
DASHBOARD_QUERIES = REQUEST_QUERIES + 6
SESSION_LIST_QUERIES = (
    REQUEST_QUERIES + 2 + 2
)  # filter choices (clients, providers); the page's ids with the count; its sessions
CLIENT_LIST_QUERIES = (
    REQUEST_QUERIES + 1
)  # the clients, each with next session and homework annotated
TIMELINE_QUERIES = REQUEST_QUERIES + 3  # the client; their sessions; the care team


def timeline_url(client):
    return reverse("sessions_app:provider-client-detail", args=[client.uuid])


def detail_url(session):
    return reverse("sessions_app:provider-session-detail", args=[session.uuid])


def page(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def session_ids(links):
    """The ids of the sessions the links (to session pages) lead to."""
    uuids = [urlsplit(link["href"]).path.rstrip("/").rsplit("/", 1)[-1] for link in links]
    by_uuid = dict(Session.objects.filter(uuid__in=uuids).values_list("uuid", "pk"))
    return [by_uuid[uuid.UUID(value)] for value in uuids]


def rows(response):
    """The table rows of a list page (its current page)."""
    return page(response).select("main table tbody tr")


def listed(response):
    """The sessions a list page shows (its current page)."""
    return set(session_ids(row.find("a") for row in rows(response)))


SECTIONS = {"in_progress": "in-progress", "overdue": "overdue", "unread": "unread"}


def section(response, name):
    """The sessions a dashboard section shows."""
    items = page(response).select(f"#{SECTIONS.get(name, name)} li.list-group-item")
    return set(session_ids(item.find("a") for item in items))


def total(response, name):
    """The number a dashboard section's heading shows."""
    badge = page(response).select_one(f"#{SECTIONS.get(name, name)} h2 .badge")
    return int(badge.find(attrs={"aria-hidden": "true"}).get_text())


def client_names(response):
    return [row.find("th").get_text(strip=True) for row in rows(response)]


def invalid_fields(response):
    """The names of the filters the page marks as not usable."""
    return {field["name"] for field in page(response).select("form [aria-invalid=true]")}


def days_ago(days, hours=0):
    return timezone.now() - dt.timedelta(days=days, hours=hours)


def in_progress(by, client, **kwargs):
    return schedule(by=by, client=client, start=days_ago(1), **kwargs)[0]


def overdue(by, client, **kwargs):
    return schedule(by=by, client=client, start=days_ago(9), **kwargs)[0]


def upcoming(by, client, **kwargs):
    return schedule(by=by, client=client, start=days_ago(-7), **kwargs)[0]


def closed(by, client, **kwargs):
    session = schedule(by=by, client=client, start=days_ago(20), **kwargs)[0]
    return services.session_close(actor=by.user, session=session, note="Done.", force=True)


def submit(session, client, title=None):
    assignment = (
        session.assignments.get(title=title) if title else session.assignments.order_by("pk")[0]
    )
    return services.assignment_submit(actor=client.user, assignment=assignment, response="Done.")


@pytest.fixture
def scenery(client_profile, other_client, other_clinic_client, provider, other_clinic_provider):
    """A session of each client: chloe (ava and ben's), dylan (ben's only), erin (another
    clinic's). Ava sees chloe's only."""
    return {
        "chloe": in_progress(provider, client_profile, homework=["Journal"]),
        "dylan": in_progress(provider, other_client, homework=["Journal"]),
        "erin": in_progress(other_clinic_provider, other_clinic_client, homework=["Journal"]),
    }


# Who may see the pages.


def pages(client):
    return {
        "dashboard": DASHBOARD,
        "sessions": SESSION_LIST,
        "clients": CLIENT_LIST,
        "timeline": timeline_url(client),
    }


@pytest.mark.parametrize("name", ["dashboard", "sessions", "clients", "timeline"])
def test_each_page_is_shown_to_a_care_team_provider(login, provider, client_profile, session, name):
    response = login(provider.user).get(pages(client_profile)[name])
    assert response.status_code == 200
    assert client_profile.user.full_name in response.content.decode()


@pytest.mark.parametrize("name", ["dashboard", "sessions", "clients", "timeline"])
def test_each_page_is_forbidden_to_a_client(login, client_profile, name):
    response = login(client_profile.user).get(pages(client_profile)[name])
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["dashboard", "sessions", "clients", "timeline"])
def test_each_page_sends_anonymous_people_to_log_in(client, client_profile, name):
    url = pages(client_profile)[name]
    response = client.get(url)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/accounts/login/"
    assert parse_qs(target.query)["next"] == [url]


def test_timeline_is_not_found_for_a_provider_off_the_care_team(
    login, off_team_provider, client_profile, session
):
    assert login(off_team_provider.user).get(timeline_url(client_profile)).status_code == 404


def test_timeline_is_not_found_for_another_clinics_provider(
    login, other_clinic_provider, client_profile, session
):
    assert login(other_clinic_provider.user).get(timeline_url(client_profile)).status_code == 404


def test_timeline_of_an_unknown_client_is_not_found(login, provider):
    url = reverse(
        "sessions_app:provider-client-detail", args=["00000000-0000-0000-0000-0000000000aa"]
    )
    assert login(provider.user).get(url).status_code == 404


# Only what the provider may see.


def test_session_list_shows_only_sessions_of_my_care_team_clients(login, clinic_admin, scenery):
    response = login(clinic_admin.user).get(SESSION_LIST)
    assert listed(response) == {scenery["chloe"].pk}
    content = response.content.decode()
    assert detail_url(scenery["chloe"]) in content
    assert detail_url(scenery["dylan"]) not in content
    assert detail_url(scenery["erin"]) not in content


def test_dashboard_shows_only_sessions_of_my_care_team_clients(
    login, clinic_admin, client_profile, other_client, other_clinic_client, scenery
):
    for key, person in [
        ("chloe", client_profile),
        ("dylan", other_client),
        ("erin", other_clinic_client),
    ]:
        submit(scenery[key], person)
        services.message_post(actor=person.user, session=scenery[key], body="Hello")
    response = login(clinic_admin.user).get(DASHBOARD)
    assert section(response, "in_progress") == {scenery["chloe"].pk}
    assert section(response, "unread") == {scenery["chloe"].pk}
    assert section(response, "waiting") == {scenery["chloe"].pk}
    content = response.content.decode()
    assert "Dylan Other" not in content
    assert "Erin Elsewhere" not in content


def test_client_list_shows_only_my_care_team_clients(
    login, provider, clinic_admin, client_profile, other_client, scenery
):
    response = login(provider.user).get(CLIENT_LIST)
    assert client_names(response) == ["Chloe Client", "Dylan Other"]
    assert "Erin Elsewhere" not in response.content.decode()
    # Ava is on chloe's care team only.
    response = login(clinic_admin.user).get(CLIENT_LIST)
    assert client_names(response) == ["Chloe Client"]


def test_timeline_shows_only_that_clients_sessions(login, provider, client_profile, scenery):
    response = login(provider.user).get(timeline_url(client_profile))
    assert listed(response) == {scenery["chloe"].pk}


# Session list filters.


@pytest.fixture
def spread(clinic_admin, provider, client_profile, other_client):
    """Sessions of every timing, for two clients and two holders (all visible to ben)."""
    return {
        "in_progress": in_progress(clinic_admin, client_profile),
        "overdue": overdue(provider, other_client),
        "upcoming": upcoming(clinic_admin, client_profile, provider=provider),
        "closed": closed(provider, client_profile),
    }


def test_filter_by_client(login, provider, client_profile, spread):
    response = login(provider.user).get(SESSION_LIST, {"client": client_profile.uuid})
    assert listed(response) == {spread[k].pk for k in ("in_progress", "upcoming", "closed")}


def test_filter_by_provider(login, provider, clinic_admin, spread):
    response = login(provider.user).get(SESSION_LIST, {"provider": clinic_admin.uuid})
    assert listed(response) == {spread["in_progress"].pk}
    response = login(provider.user).get(SESSION_LIST, {"provider": provider.uuid})
    assert listed(response) == {spread[k].pk for k in ("overdue", "upcoming", "closed")}


@pytest.mark.parametrize(
    ("status", "expected"),
    [("open", {"in_progress", "overdue", "upcoming"}), ("closed", {"closed"})],
)
def test_filter_by_status(login, provider, spread, status, expected):
    response = login(provider.user).get(SESSION_LIST, {"status": status})
    assert listed(response) == {spread[k].pk for k in expected}


@pytest.mark.parametrize("timing", ["in_progress", "overdue", "upcoming", "closed"])
def test_filter_by_timing(login, provider, spread, timing):
    response = login(provider.user).get(SESSION_LIST, {"timing": timing})
    assert listed(response) == {spread[timing].pk}


def test_filter_by_dates_uses_whole_days_on_the_clinics_clock(login, provider, client_profile):
    # 23:30 in New York on 10 March is already 11 March in UTC.
    hour = dt.timedelta(hours=1)  # one after the other: the same provider never overlaps
    late = schedule(
        by=provider,
        client=client_profile,
        start=dt.datetime(2025, 3, 10, 23, 30, tzinfo=NY),
        length=hour,
    )[0]
    early = schedule(
        by=provider,
        client=client_profile,
        start=dt.datetime(2025, 3, 11, 0, 30, tzinfo=NY),
        length=hour,
    )[0]
    later = schedule(
        by=provider, client=client_profile, start=dt.datetime(2025, 3, 20, 9, 0, tzinfo=NY)
    )[0]
    http_client = login(provider.user)
    on_the_10th = {"starts_after": "2025-03-10", "starts_before": "2025-03-10"}
    assert listed(http_client.get(SESSION_LIST, on_the_10th)) == {late.pk}
    from_the_11th = {"starts_after": "2025-03-11"}
    assert listed(http_client.get(SESSION_LIST, from_the_11th)) == {early.pk, later.pk}
    until_the_19th = {"starts_before": "2025-03-19"}
    assert listed(http_client.get(SESSION_LIST, until_the_19th)) == {late.pk, early.pk}


def test_filter_by_unread_messages(login, provider, client_profile, spread):
    services.message_post(actor=client_profile.user, session=spread["upcoming"], body="Hi")
    response = login(provider.user).get(SESSION_LIST, {"unread": "on"})
    assert listed(response) == {spread["upcoming"].pk}
    # The unread count, in the last column.
    assert [row.find_all("td")[-1].get_text(strip=True) for row in rows(response)] == ["1"]


def test_filter_by_homework_waiting_for_feedback(
    login, provider, client_profile, other_client, clinic_admin
):
    waiting = in_progress(clinic_admin, client_profile, homework=["Journal"])
    answered = in_progress(provider, other_client, homework=["Journal"])
    complete(answered, client=other_client, provider=provider)
    overdue(clinic_admin, client_profile, homework=["Journal"])  # not submitted
    submit(waiting, client_profile)
    response = login(provider.user).get(SESSION_LIST, {"waiting": "on"})
    assert listed(response) == {waiting.pk}


def test_filters_combine(login, provider, client_profile, spread):
    response = login(provider.user).get(
        SESSION_LIST, {"client": client_profile.uuid, "status": "open", "timing": "upcoming"}
    )
    assert listed(response) == {spread["upcoming"].pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"client": "not-a-uuid"}, "client"),
        ({"client": "00000000-0000-0000-0000-0000000000aa"}, "client"),
        ({"provider": "42"}, "provider"),
        ({"status": "finished"}, "status"),
        ({"timing": "soon"}, "timing"),
        ({"starts_after": "31/02/2025"}, "starts_after"),
        ({"starts_before": "yesterday"}, "starts_before"),
        ({"starts_after": "2025-03-10", "starts_before": "2025-03-01"}, "starts_before"),
    ],
)
def test_bad_filter_value_gives_a_clear_message_not_an_error(
    login, provider, spread, params, field
):
    response = login(provider.user).get(SESSION_LIST, params)
    assert response.status_code == 200
    soup = page(response)
    alert = soup.select_one("[data-testid=filter-errors]")
    assert alert is not None
    assert "could not be used" in alert.get_text()
    # The field is marked, its error tied to it, and named in the alert by its label.
    assert invalid_fields(response) == {field}
    control = soup.find(attrs={"name": field})
    error = soup.find(id=control["aria-describedby"])
    assert error.get_text(strip=True)
    label = soup.find("label", attrs={"for": control["id"]}).get_text(strip=True)
    assert f"{label}: {error.get_text(strip=True)}" in alert.get_text()
    # The bad filter is left out; nothing else is hidden.
    assert len(listed(response)) >= 1


def test_client_of_another_clinic_is_not_a_filter_choice(
    login, provider, spread, other_clinic_client, other_clinic_provider
):
    erin = in_progress(other_clinic_provider, other_clinic_client)
    response = login(provider.user).get(SESSION_LIST, {"client": other_clinic_client.uuid})
    assert invalid_fields(response) == {"client"}
    assert erin.pk not in listed(response)
    assert "Erin Elsewhere" not in response.content.decode()


# Pagination.


def test_session_list_shows_25_a_page(login, provider, client_profile):
    sessions = schedule(by=provider, client=client_profile, start=days_ago(200), repeat=26)
    http_client = login(provider.user)
    first = http_client.get(SESSION_LIST)
    assert len(rows(first)) == 25
    assert "26 sessions · page 1 of 2" in page(first).select_one("[role=status]").get_text()
    # Newest first: the earliest session is the one left for page 2.
    assert sessions[0].pk not in listed(first)
    second = http_client.get(SESSION_LIST, {"page": 2})
    assert listed(second) == {sessions[0].pk}


def test_pagination_links_keep_the_filters(login, provider, client_profile, other_client):
    schedule(by=provider, client=client_profile, start=days_ago(200), repeat=30)
    schedule(by=provider, client=other_client, start=days_ago(200), repeat=3)
    response = login(provider.user).get(SESSION_LIST, {"client": client_profile.uuid})
    nav = page(response).find("nav", attrs={"aria-label": "Session list pages"})
    assert nav is not None
    assert nav.select_one("[aria-current=page]").get_text(strip=True).endswith("1")
    next_link = nav.find("a", rel="next")
    query = parse_qs(urlsplit(next_link["href"]).query)
    assert query == {"client": [str(client_profile.uuid)], "page": ["2"]}
    second = login(provider.user).get(SESSION_LIST + next_link["href"])
    assert len(rows(second)) == 5
    assert {row.find_all("td")[1].get_text(strip=True) for row in rows(second)} == {"Chloe Client"}


@pytest.mark.parametrize("number", ["abc", "999", "-1"])
def test_bad_page_number_shows_a_page_not_an_error(login, provider, client_profile, number):
    schedule(by=provider, client=client_profile, start=days_ago(200), repeat=30)
    response = login(provider.user).get(SESSION_LIST, {"page": number})
    assert response.status_code == 200
    assert len(rows(response)) in (25, 5)


def test_session_list_rows_show_client_provider_timing_homework_and_unread(
    login, provider, clinic_admin, client_profile
):
    session = in_progress(clinic_admin, client_profile, provider=provider, homework=["A", "B"])
    submit(session, client_profile, title="A")
    services.message_post(actor=client_profile.user, session=session, body="One")
    services.message_post(actor=client_profile.user, session=session, body="Two")
    response = login(clinic_admin.user).get(SESSION_LIST)
    row = page(response).select("table tbody tr")[0]
    cells = [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
    assert row.find("a")["href"] == detail_url(session)
    assert cells[1] == "Chloe Client"
    assert cells[2] == "Ben Provider"
    assert "EST" in cells[3] or "EDT" in cells[3]
    assert cells[4] == "In progress"
    assert cells[5] == "1/2"
    assert cells[6] == "2"


# Dashboard sections.


def test_dashboard_puts_each_session_in_its_section(login, provider, clinic_admin, client_profile):
    now_on = in_progress(clinic_admin, client_profile, homework=["Journal"])
    late = overdue(clinic_admin, client_profile, homework=["Journal"])
    soon = upcoming(clinic_admin, client_profile, homework=["Journal"])
    done = schedule(by=clinic_admin, client=client_profile, start=days_ago(20), homework=["J"])[0]
    # Waiting for feedback: submitted without feedback, in an open session.
    submit(late, client_profile)
    # Not waiting: answered and given feedback, or in a closed session.
    complete(now_on, client=client_profile, provider=provider)
    submit(done, client_profile)
    services.session_close(actor=provider.user, session=done, note="Moved.", force=True)
    # Unread for the providers: the client wrote in the upcoming session.
    services.message_post(actor=client_profile.user, session=soon, body="Question")

    response = login(provider.user).get(DASHBOARD)
    assert section(response, "in_progress") == {now_on.pk}
    assert section(response, "overdue") == {late.pk}
    assert section(response, "waiting") == {late.pk}
    assert section(response, "unread") == {soon.pk}
    assert total(response, "unread") == 1
    content = response.content.decode()
    for session in (now_on, late, soon):
        assert detail_url(session) in content
    assert detail_url(done) not in content


def test_dashboard_unread_section_empties_once_the_provider_reads_the_thread(
    login, provider, client_profile, session
):
    services.message_post(actor=client_profile.user, session=session, body="Hello")
    http_client = login(provider.user)
    assert section(http_client.get(DASHBOARD), "unread") == {session.pk}
    http_client.get(detail_url(session))
    assert section(http_client.get(DASHBOARD), "unread") == set()


def test_dashboard_own_messages_are_not_unread(login, provider, session):
    services.message_post(actor=provider.user, session=session, body="Hello")
    assert section(login(provider.user).get(DASHBOARD), "unread") == set()


def test_dashboard_lists_are_bounded_with_a_see_all_link(login, provider, clinic):
    for _ in range(12):
        in_progress(provider, ClientFactory(clinic=clinic, care_team=[provider]))
    response = login(provider.user).get(DASHBOARD)
    assert len(section(response, "in_progress")) == 10
    assert total(response, "in_progress") == 12
    [see_all] = [
        a for a in page(response).select("#in-progress a") if a.get_text().startswith("See all 12")
    ]
    href = see_all["href"]
    assert href == f"{SESSION_LIST}?timing=in_progress"
    assert see_all["aria-label"] == "See all 12 sessions in progress"
    assert len(rows(login(provider.user).get(href))) == 12


def test_dashboard_has_a_schedule_button(login, provider, client_profile):
    # A provider on no care team is told who adds them instead (tests/test_rough_edges.py).
    response = login(provider.user).get(DASHBOARD)
    assert page(response).find("a", href=SCHEDULE, string="Schedule sessions") is not None


# Clients and timeline.


def test_client_list_shows_next_session_and_open_homework(
    login, provider, client_profile, other_client
):
    past = closed(provider, client_profile, homework=["Old"])
    current = in_progress(provider, client_profile, homework=["A", "B"])
    upcoming(provider, client_profile, homework=["C"])
    submit(current, client_profile, title="A")
    overdue(provider, other_client)  # ended: not a next session
    response = login(provider.user).get(CLIENT_LIST)
    chloe, dylan = rows(response)
    chloe_next, chloe_homework = chloe.find_all("td")[:2]
    assert chloe_next.find("a")["href"] == detail_url(current)
    assert chloe_next.find("time")["datetime"] == current.starts_at.astimezone(NY).isoformat()
    assert "In progress" in chloe_next.get_text()
    # B in the current session; C's session has not started (DESIGN.md section 9, rule 7)
    # and the closed session's is not open.
    assert chloe_homework.get_text(" ", strip=True) == "1 1 item not submitted"
    assert past.assignments.filter(submitted_at__isnull=True).exists()
    dylan_next, dylan_homework = dylan.find_all("td")[:2]
    assert dylan_next.get_text(strip=True) == "None scheduled"
    assert dylan_homework.get_text(" ", strip=True) == "0 0 items not submitted"
    soup = page(response)
    assert soup.find("a", attrs={"aria-label": "Timeline of Chloe Client"})["href"] == (
        timeline_url(client_profile)
    )
    assert soup.find("a", href=timeline_url(client_profile)) is not None
    assert soup.find("a", href=f"{SCHEDULE}?client={client_profile.uuid}") is not None
    assert soup.find("a", href=detail_url(current)) is not None
    assert "None scheduled" in soup.get_text()


def test_timeline_groups_sessions_by_series(login, provider, clinic_admin, client_profile):
    first = schedule(by=provider, client=client_profile, start=days_ago(30), repeat=3)
    second = schedule(
        by=clinic_admin, client=client_profile, start=days_ago(5), repeat=2, homework=["A"]
    )
    submit(second[0], client_profile)
    response = login(provider.user).get(timeline_url(client_profile))
    soup = page(response)
    groups = soup.select("main section")
    # Newest series first, each in order.
    assert [session_ids(g.select("tbody tr td:first-child a")) for g in groups] == [
        [s.pk for s in second],
        [s.pk for s in first],
    ]
    assert (
        groups[1].select_one("h2 time")["datetime"] == first[0].starts_at.astimezone(NY).isoformat()
    )
    homework = [row.find_all("td")[4].get_text() for row in groups[0].select("tbody tr")]
    assert homework == ["1/1", "0/1"]
    headings = [h.get_text(" ", strip=True) for h in soup.select("main h2")]
    assert len(headings) == 2
    # Numbers continue across the series: 1 to 3, then 4 and 5.
    assert headings[0].startswith("Series of 2 from") and headings[0].endswith("Sessions 4 to 5")
    assert headings[1].startswith("Series of 3 from") and headings[1].endswith("Sessions 1 to 3")
    assert soup.find("a", href=detail_url(first[0])) is not None
    assert soup.find("a", href=f"{SCHEDULE}?client={client_profile.uuid}") is not None


def test_timeline_shows_sessions_whoever_scheduled_and_held_them(
    login, provider, clinic_admin, client_profile
):
    by_ava = schedule(by=clinic_admin, client=client_profile)[0]
    by_ben_for_ava = schedule(
        by=provider, client=client_profile, provider=clinic_admin, start=by_ava.ends_at
    )[0]
    response = login(provider.user).get(timeline_url(client_profile))
    assert listed(response) == {by_ava.pk, by_ben_for_ava.pk}


def test_names_with_markup_are_shown_as_text_on_every_page(
    login, provider, clinic_admin, client_profile
):
    hostile = 'Chloé <b>&</b> "Client"'
    client_profile.user.full_name = hostile
    client_profile.user.save()
    clinic_admin.user.full_name = "Ava <i>Admin</i>"
    clinic_admin.user.save()
    session = in_progress(provider, client_profile, provider=clinic_admin, homework=["J"])
    services.message_post(actor=client_profile.user, session=session, body="Hello")
    http_client = login(provider.user)
    for url in pages(client_profile).values():
        response = http_client.get(url)
        content = response.content.decode()
        assert "<b>&</b>" not in content and "<i>Admin</i>" not in content, url
        assert hostile in page(response).get_text(), url
    # In an attribute too: the session link's accessible name.
    link = page(http_client.get(SESSION_LIST)).select_one("tbody tr a")
    assert link["aria-label"].startswith(f"Session 1 with {hostile}, ")
    assert link.get_text() == "Session 1"
    timeline = page(http_client.get(timeline_url(client_profile)))
    assert "Care team: Ava <i>Admin</i>, Ben Provider" in timeline.get_text()


def test_counts_are_written_in_words_singular_and_plural(login, provider, client_profile):
    first = in_progress(provider, client_profile)
    schedule(by=provider, client=client_profile, start=days_ago(40), repeat=2)
    services.message_post(actor=client_profile.user, session=first, body="One")
    http_client = login(provider.user)
    unread = page(http_client.get(DASHBOARD)).find(id="unread")
    assert unread.select_one("h2").get_text(" ", strip=True) == "Unread messages 1 1 session"
    assert "· 1 unread message" in unread.select_one("li").get_text(" ", strip=True)
    services.message_post(actor=client_profile.user, session=first, body="Two")
    unread = page(http_client.get(DASHBOARD)).find(id="unread")
    assert unread.select_one("li").get_text(" ", strip=True).endswith("· 2 unread messages")
    headings = [
        h.get_text(" ", strip=True)
        for h in page(http_client.get(timeline_url(client_profile))).select("main h2")
    ]
    assert headings[0].endswith("· Session 1") and headings[1].startswith("Series of 2 from")
    status = page(http_client.get(SESSION_LIST)).select_one("[role=status]")
    assert status.get_text(strip=True) == "3 sessions"


def test_provider_removed_from_the_care_team_loses_the_timeline_at_once(
    login, provider, client_profile, session
):
    http_client = login(provider.user)
    assert http_client.get(timeline_url(client_profile)).status_code == 200
    client_profile.memberships.filter(provider=provider).delete()
    assert http_client.get(timeline_url(client_profile)).status_code == 404
    assert session.pk not in listed(http_client.get(SESSION_LIST))


# Query counts: the same at 1 and 20 rows, with the page rendered inside the block.


def rendered(response):
    # The test client hands back the response after its template is rendered, so every
    # lookup the page makes has run by now.
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("size", [1, 20])
def test_dashboard_query_count_does_not_grow(
    login, provider, clinic, size, django_assert_num_queries
):
    for _ in range(size):
        person = ClientFactory(clinic=clinic, care_team=[provider])
        current = in_progress(provider, person, homework=["Journal"])
        submit(current, person)
        services.message_post(actor=person.user, session=current, body="Hello")
        overdue(provider, person)
    http_client = login(provider.user)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        content = rendered(http_client.get(DASHBOARD))
    shown = min(size, 10)
    assert len(section(http_client.get(DASHBOARD), "overdue")) == shown
    # In progress, overdue and unread rows each show homework; waiting rows their client.
    assert content.count("· homework ") == 3 * shown
    assert content.count("· submitted") == shown


@pytest.mark.parametrize("size", [1, 20])
def test_session_list_query_count_does_not_grow(
    login, provider, clinic, size, django_assert_num_queries
):
    for _ in range(size):
        person = ClientFactory(clinic=clinic, care_team=[provider])
        session = in_progress(provider, person, homework=["Journal"])
        services.message_post(actor=person.user, session=session, body="Hello")
    http_client = login(provider.user)
    with django_assert_num_queries(SESSION_LIST_QUERIES):
        response = http_client.get(SESSION_LIST, {"status": "open"})
        content = rendered(response)
    assert len(rows(response)) == size
    assert content.count("In progress</span>") == size


@pytest.mark.parametrize("size", [1, 20])
def test_client_list_query_count_does_not_grow(
    login, provider, clinic, size, django_assert_num_queries
):
    for _ in range(size):
        person = ClientFactory(clinic=clinic, care_team=[provider])
        in_progress(provider, person, homework=["Journal"])
    http_client = login(provider.user)
    with django_assert_num_queries(CLIENT_LIST_QUERIES):
        response = http_client.get(CLIENT_LIST)
        content = rendered(response)
    assert len(rows(response)) == size
    assert content.count("In progress</span>") == size


@pytest.mark.parametrize("size", [1, 20])
def test_timeline_query_count_does_not_grow(
    login, provider, clinic_admin, client_profile, size, django_assert_num_queries
):
    # Half the sessions in one series, the rest one series each, held by either provider.
    schedule(by=provider, client=client_profile, start=days_ago(400), repeat=max(size // 2, 1))
    for index in range(size - max(size // 2, 1)):
        holder = clinic_admin if index % 2 else provider
        schedule(
            by=provider,
            client=client_profile,
            provider=holder,
            start=days_ago(index),
            length=dt.timedelta(hours=1),
        )
    http_client = login(provider.user)
    with django_assert_num_queries(TIMELINE_QUERIES):
        response = http_client.get(timeline_url(client_profile))
        content = rendered(response)
    assert len(rows(response)) == size
    assert content.count(' data-timing="') == size


def test_a_page_number_alone_shows_the_filters_as_no_query_does(login, provider, client_profile):
    schedule(by=provider, client=client_profile, start=days_ago(200), repeat=30)
    http_client = login(provider.user)

    def filters(response):
        return str(page(response).find("form", attrs={"aria-label": "Filter sessions"}))

    plain = http_client.get(SESSION_LIST)
    second = http_client.get(SESSION_LIST, {"page": 2})
    assert filters(second) == filters(plain)
    assert invalid_fields(second) == set()
    # A filter given with a page number is still a filter.
    closed = http_client.get(SESSION_LIST, {"page": 1, "status": "closed"})
    chosen = page(closed).select_one("select[name=status] option[selected]")
    assert chosen is not None and chosen["value"] == "closed"
    assert listed(closed) == set()
    assert "No sessions match these filters." in closed.content.decode()

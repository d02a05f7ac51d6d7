"""The session list's filter form and page links, and the dashboard's homework waiting, as a
person (and a screen reader) finds them on the page: values shown back, choices offered,
what is marked invalid, where each link leads, everything typed escaped."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from sessions_app import selectors, services

from .sessions_helpers import schedule

pytestmark = pytest.mark.django_db

SESSION_LIST = reverse("sessions_app:provider-session-list")
DASHBOARD = reverse("sessions_app:provider-dashboard")


def page(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def filter_form(response):
    return page(response).find("form", attrs={"aria-label": "Filter sessions"})


def test_every_filter_has_a_label_and_nothing_is_chosen_at_first(login, provider, client_profile):
    form = filter_form(login(provider.user).get(SESSION_LIST))
    names = [control["name"] for control in form.select("select, input")]
    assert names == [
        "client",
        "provider",
        "status",
        "starts_after",
        "starts_before",
        "timing",
        "unread",
        "waiting",
    ]
    for control in form.select("select, input"):
        label = form.find("label", attrs={"for": control["id"]})
        assert label is not None and label.get_text(strip=True), control["name"]
        assert not control.has_attr("aria-invalid")
        assert not control.has_attr("checked")
        assert not control.has_attr("value") or control["value"] == ""
    for select in form.select("select"):
        assert select.select_one("option[selected]")["value"] == ""
    labels = {
        c["name"]: form.find("label", attrs={"for": c["id"]}).get_text()
        for c in form.select("select, input")
    }
    assert labels["timing"] == "Timing"
    assert labels["unread"] == "With unread messages"
    assert [o.get_text() for o in form.select("select[name=timing] option")] == [
        "Any timing",
        "Upcoming",
        "In progress",
        "Overdue",
        "Closed",
        "Cancelled",
    ]


def test_the_selects_offer_my_clients_and_my_clinics_providers(
    login,
    provider,
    clinic_admin,
    off_team_provider,
    client_profile,
    other_client,
    other_clinic_client,
):
    form = filter_form(login(clinic_admin.user).get(SESSION_LIST))

    def offered(name):
        return [(o["value"], o.get_text()) for o in form.select(f"select[name={name}] option")]

    # Ava is on Chloe's care team only; every provider of the clinic may be chosen.
    assert offered("client") == [("", "All clients"), (str(client_profile.uuid), "Chloe Client")]
    assert offered("provider") == [
        ("", "All providers"),
        (str(clinic_admin.uuid), "Ava Admin"),
        (str(provider.uuid), "Ben Provider"),
        (str(off_team_provider.uuid), "Cara Offteam"),
    ]


def test_chosen_values_are_shown_back(login, provider, client_profile, other_client):
    query = {
        "client": other_client.uuid,
        "provider": provider.uuid,
        "status": "closed",
        "timing": "overdue",
        "starts_after": "2026-01-31",
        "unread": "on",
    }
    form = filter_form(login(provider.user).get(SESSION_LIST, query))
    for name in ("client", "provider", "status", "timing"):
        assert form.select_one(f"select[name={name}] option[selected]")["value"] == str(query[name])
        assert len(form.select(f"select[name={name}] option[selected]")) == 1
    assert form.find("input", attrs={"name": "starts_after"})["value"] == "2026-01-31"
    assert not form.find("input", attrs={"name": "starts_before"}).has_attr("value")
    assert form.find("input", attrs={"name": "unread"}).has_attr("checked")
    assert not form.find("input", attrs={"name": "waiting"}).has_attr("checked")
    assert form.find(attrs={"aria-invalid": "true"}) is None


def test_a_bad_value_is_marked_named_and_shown_back_escaped(login, provider, client_profile):
    hostile = '"><script>alert(1)</script>'
    response = login(provider.user).get(
        SESSION_LIST, {"starts_after": "not a date", "starts_before": hostile, "status": "lost"}
    )
    assert "<script>alert(1)" not in response.content.decode()
    soup = page(response)
    form = filter_form(response)
    before = form.find("input", attrs={"name": "starts_before"})
    assert before["value"] == hostile  # as typed, an attribute's text
    assert "is-invalid" in before["class"]
    assert soup.find(id=before["aria-describedby"]).get_text(strip=True) == "Enter a valid date."
    invalid = {control["name"] for control in form.select("[aria-invalid=true]")}
    assert invalid == {"starts_after", "starts_before", "status"}
    alert = soup.select_one("[data-testid=filter-errors]").get_text(" ", strip=True)
    assert "From: Enter a valid date." in alert
    assert "Until: Enter a valid date." in alert
    assert "Status: Select a valid choice." in alert


def test_an_end_before_the_start_is_explained(login, provider, client_profile):
    response = login(provider.user).get(
        SESSION_LIST, {"starts_after": "2026-03-10", "starts_before": "2026-03-01"}
    )
    alert = page(response).select_one("[data-testid=filter-errors]").get_text(" ", strip=True)
    assert "Until: The end of the date range is before its start." in alert


def test_a_client_name_with_markup_is_an_option_s_text(login, provider, client_profile):
    client_profile.user.full_name = 'Chloé <b>&</b> "Client"'
    client_profile.user.save()
    response = login(provider.user).get(SESSION_LIST)
    assert "<b>&</b>" not in response.content.decode()
    options = filter_form(response).select("select[name=client] option")
    assert options[1].get_text() == 'Chloé <b>&</b> "Client"'


# Page links.


@pytest.fixture
def fifteen_pages(monkeypatch, provider, client_profile):
    monkeypatch.setattr(selectors, "SESSION_LIST_PAGE_SIZE", 1)
    schedule(by=provider, client=client_profile, start=timezone.now(), repeat=15)


def page_nav(response):
    return page(response).find("nav", attrs={"aria-label": "Session list pages"})


def link_pages(nav):
    """Each page link's text, and the page and other values its query asks for."""
    found = []
    for link in nav.select("a.page-link"):
        query = parse_qs(urlsplit(link["href"]).query)
        found.append((link.get_text(strip=True), query.pop("page"), query))
    return found


def test_the_first_page_links_to_the_next_and_elides_the_middle(login, provider, fifteen_pages):
    nav = page_nav(login(provider.user).get(SESSION_LIST))
    items = [item.get_text(" ", strip=True) for item in nav.select("li")]
    assert items == [
        "Previous",
        "Page 1 1",
        "2",
        "3",
        "4",
        "…",
        "14",
        "15",
        "Next",
    ]
    assert nav.select_one("[aria-current=page]").get_text(" ", strip=True) == "Page 1 1"
    # Nothing before the first page: Previous is not a link.
    assert "disabled" in nav.select("li")[0]["class"]
    assert nav.find("a", rel="prev") is None
    assert nav.find("a", rel="next")["href"] == "?page=2"
    assert nav.find("a", attrs={"aria-label": "Page 14"})["href"] == "?page=14"


def test_a_middle_page_links_both_ways_and_keeps_every_value(login, provider, fifteen_pages):
    response = login(provider.user).get(SESSION_LIST + "?a=1&a=2&b=<x>&status=open&page=8")
    assert "<x>" not in response.content.decode()
    nav = page_nav(response)
    pages = link_pages(nav)
    assert [text for text, _, _ in pages] == [
        "Previous", "1", "2", "5", "6", "7", "9", "10", "11", "14", "15", "Next"
    ]  # fmt: skip
    for _, number, others in pages:
        assert others == {"a": ["1", "2"], "b": ["<x>"], "status": ["open"]}
        assert len(number) == 1
    assert nav.find("a", rel="prev")["href"].endswith("page=7")
    assert nav.find("a", rel="next")["href"].endswith("page=9")
    assert nav.select_one("[aria-current=page]").get_text(" ", strip=True) == "Page 8 8"
    assert len(nav.select("li.disabled")) == 2  # the two ellipses


def test_the_last_page_has_no_next(login, provider, fifteen_pages):
    nav = page_nav(login(provider.user).get(SESSION_LIST, {"page": 15}))
    assert nav.find("a", rel="next") is None
    assert "disabled" in nav.select("li")[-1]["class"]
    assert nav.find("a", rel="prev")["href"] == "?page=14"


def test_one_page_has_no_page_links(login, provider, client_profile, session):
    response = login(provider.user).get(SESSION_LIST)
    assert page_nav(response) is None
    assert page(response).select_one("[role=status]").get_text(strip=True) == "1 session"


# The dashboard's homework waiting for feedback.


def test_waiting_homework_links_to_its_item_with_texts_escaped(login, provider, client_profile):
    client_profile.user.full_name = 'Chloé <b>&</b> "Client"'
    client_profile.user.save()
    sessions = schedule(
        by=provider,
        client=client_profile,
        # Both started: homework opens when its session starts.
        start=timezone.now() - dt.timedelta(days=10),
        repeat=2,
        homework=["Walk <daily>", "Journal & breathe"],
    )
    for session in sessions:
        for assignment in session.assignments.order_by("pk"):
            services.assignment_submit(
                actor=client_profile.user, assignment=assignment, response="x"
            )
    response = login(provider.user).get(DASHBOARD)
    content = response.content.decode()
    assert "<daily>" not in content and "<b>&</b>" not in content
    waiting = page(response).find(id="waiting")
    assert waiting.select_one("h2 .badge").get_text(" ", strip=True) == "4 4 items"
    items = waiting.select("li")
    assert len(items) == 4
    first = items[0]
    assignment = sessions[0].assignments.order_by("submitted_at", "pk")[0]
    detail = reverse("sessions_app:provider-session-detail", args=[sessions[0].uuid])
    assert first.find("a")["href"] == f"{detail}#hw-{assignment.uuid}"
    assert first.find("a").get_text() == assignment.title
    line = first.find("div").get_text(" ", strip=True)
    assert line.startswith('Chloé <b>&</b> "Client" · session 1 · submitted ')
    assert first.find("time").has_attr("datetime")
    see_all = waiting.find("a", attrs={"aria-label": True})
    assert see_all["href"] == f"{SESSION_LIST}?waiting=on"
    assert see_all["aria-label"] == "See all sessions with homework waiting for feedback"

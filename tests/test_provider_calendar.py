"""The provider's calendar page (issue 15, point 1)."""

import datetime as dt
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from sessions_app import services

from .factories import ClientFactory
from .queries import REQUEST_QUERIES
from .sessions_helpers import weekly_series

NY = zoneinfo.ZoneInfo("America/New_York")
URL = reverse("calendars:provider-calendar")
# A Monday a week before the US clocks go forward (2027-03-14).
MONDAY = dt.datetime(2027, 3, 8, 9, 0, tzinfo=NY)

# The page's own reads: the provider choices and the sessions of the range.
PAGE_QUERIES = REQUEST_QUERIES + 2


def page(login, user, **query):
    response = login(user).get(URL, query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def series(provider, client_profile):
    return weekly_series(provider, client_profile, start=MONDAY, repeat=2)


def test_week_shows_the_meeting_of_the_week_in_the_clinic_zone(login, provider, series):
    html = page(login, provider.user, view="week", date="2027-03-09")
    assert 'datetime="2027-03-09T10:00:00-05:00"' in html
    assert 'datetime="2027-03-16T10:00:00-04:00"' not in html
    assert "Chloe Client" in html


def test_month_shows_meetings_across_the_dst_change_at_the_same_wall_time(login, provider, series):
    html = page(login, provider.user, view="month", date="2027-03-20")
    assert 'datetime="2027-03-09T10:00:00-05:00"' in html
    assert 'datetime="2027-03-16T10:00:00-04:00"' in html
    assert "<table" in html and '<th scope="col">' in html


def test_day_view_uses_the_clinic_zone_not_utc(login, provider, client_profile):
    # A meeting at 23:30 in New York is 04:30 the next day in UTC.
    weekly_series(provider, client_profile, start=MONDAY.replace(hour=22, minute=30), repeat=1)
    tuesday = page(login, provider.user, view="day", date="2027-03-09")
    wednesday = page(login, provider.user, view="day", date="2027-03-10")
    assert 'datetime="2027-03-09T23:30:00-05:00"' in tuesday
    assert "T23:30:00" not in wednesday


def test_day_view_is_a_table_of_one_day_with_its_name_as_column_header(
    login, provider, client_profile
):
    weekly_series(provider, client_profile, start=MONDAY, repeat=1)
    html = BeautifulSoup(page(login, provider.user, view="day", date="2027-03-09"), "html.parser")
    table = html.find("table", attrs={"data-calendar-grid": True})
    assert [th.get_text() for th in table.select("thead th[scope=col]")] == ["Tue"]
    cells = table.select("tbody td.cal-cell")
    assert [cell["data-day"] for cell in cells] == ["2027-03-09"]
    assert cells[0].select_one("a.cal-event time")["datetime"] == "2027-03-09T10:00:00-05:00"


def test_today_is_marked(login, provider):
    html = page(login, provider.user)
    assert 'aria-current="date"' in html


def test_cancelled_meeting_is_struck_through_and_named_cancelled(login, provider, series):
    services.session_cancel(actor=provider.user, session=series[0], reason="Ill.")
    html = page(login, provider.user, view="week", date="2027-03-09")
    assert "<del>" in html
    assert "Cancelled: session" in html
    assert '<span class="visually-hidden">cancelled</span>' in html


def test_every_event_links_to_the_provider_session_page(login, provider, series):
    html = page(login, provider.user, view="month", date="2027-03-09")
    for session in series:
        detail = reverse("sessions_app:provider-session-detail", args=[session.uuid])
        assert f'href="{detail}"' in html
    assert "Session 1 with Chloe Client at" in html or "with Chloe Client at" in html


def test_provider_filter_shows_a_colleague_on_my_clients_team(
    login, provider, clinic_admin, client_profile
):
    weekly_series(clinic_admin, client_profile, start=MONDAY, repeat=1)
    mine = page(login, provider.user, view="week", date="2027-03-09")
    assert "T10:00:00-05:00" not in mine
    theirs = page(
        login, provider.user, view="week", date="2027-03-09", provider=str(clinic_admin.uuid)
    )
    assert 'datetime="2027-03-09T10:00:00-05:00"' in theirs


def test_provider_filter_refuses_another_clinics_provider(
    login, provider, other_clinic_provider, off_team_provider
):
    client = login(provider.user)
    assert client.get(URL, {"provider": str(other_clinic_provider.uuid)}).status_code == 404
    assert client.get(URL, {"provider": str(off_team_provider.uuid)}).status_code == 404
    assert client.get(URL, {"provider": "not-a-uuid"}).status_code == 404


def test_bad_view_and_date_fall_back_with_a_message(login, provider):
    html = page(login, provider.user, view="year", date="2027-02-31")
    assert "Unknown calendar view" in html
    assert "Unknown date" in html
    assert 'aria-current="date"' in html  # the week of today


def test_other_clinics_sessions_are_never_shown(
    login, provider, other_clinic_provider, other_clinic_client
):
    weekly_series(other_clinic_provider, other_clinic_client, start=MONDAY, repeat=1)
    html = page(login, provider.user, view="week", date="2027-03-09")
    assert "Erin Elsewhere" not in html


def test_client_gets_what_other_provider_pages_give_clients(login, client_profile):
    client = login(client_profile.user)
    assert (
        client.get(URL).status_code
        == client.get(reverse("sessions_app:provider-session-list")).status_code
    )


def test_place_and_client_name_are_escaped(login, clinic, provider):
    client = ClientFactory(clinic=clinic, user__full_name="<i>Eve</i>", care_team=[provider])
    weekly_series(provider, client, start=MONDAY, repeat=1, place="<b>Room</b>")
    html = page(login, provider.user, view="week", date="2027-03-09")
    assert "&lt;i&gt;Eve&lt;/i&gt;" in html and "<i>Eve</i>" not in html
    assert "&lt;b&gt;Room&lt;/b&gt;" in html and "<b>Room</b>" not in html


@pytest.mark.parametrize("count", [1, 20])
def test_query_count_is_fixed(login, provider, clinic, count, django_assert_num_queries):
    for index in range(count):
        client = ClientFactory(clinic=clinic, care_team=[provider])
        weekly_series(provider, client, start=MONDAY + dt.timedelta(minutes=index), repeat=1)
    browser = login(provider.user)
    with django_assert_num_queries(PAGE_QUERIES):
        response = browser.get(URL, {"view": "week", "date": "2027-03-09"})
    assert response.content.decode().count("cal-event") >= 2 * count

"""Issue 15's calendar journey: a provider moves through a week and a month, opens a session
from the calendar, uses only the keyboard once, and on a 375 px phone sees the agenda list."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.sessions_helpers import weekly_series

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_provider_moves_through_the_calendar(open_tab, clinic, provider, client_profile):
    tz = ZoneInfo(clinic.time_zone)
    today = dt.datetime.now(tz).date()
    monday = today + dt.timedelta(days=7 - today.weekday() + 7)
    weekly_series(
        provider,
        client_profile,
        start=dt.datetime.combine(monday, dt.time(9, 0), tzinfo=tz),
        repeat=2,
        place="Room 2",
    )
    first_meeting = re.compile(r"^Session \d+ with Chloe Client at")

    ben = open_tab("Ben")
    page = ben.page
    ben.log_in(provider.user, lands="provider dashboard")
    with ben.to("calendar, this week"):
        page.get_by_role("link", name="Calendar").click()
    with ben.to("calendar, next week"):
        page.get_by_role("link", name="Next").click()
    with ben.to("calendar, the week of the meeting"):
        page.get_by_role("link", name="Next").click()
    grid = page.locator("[data-calendar-grid]")
    expect(grid.get_by_role("link", name=first_meeting)).to_have_count(1)
    with ben.to("calendar, month"):
        page.get_by_role("link", name="Month", exact=True).click()
    expect(page.locator("table")).to_be_visible()

    # The keyboard alone: Tab to an event, an arrow to the next day, back, Enter.
    event = grid.get_by_role("link", name=first_meeting).first
    page.get_by_role("link", name="Month", exact=True).focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        if event.evaluate("element => element === document.activeElement"):
            break
    expect(event).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(event).not_to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(event).to_be_focused()
    with ben.to("session from the calendar"):
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/provider/sessions/"))

    # The same tab at 375 px (a second log-in would reuse the authenticator's code).
    page.set_viewport_size({"width": 375, "height": 812})
    ben.open(f"/provider/calendar/?view=week&date={monday.isoformat()}", "calendar agenda, 375 px")
    agenda = page.locator(".cal-agenda")
    expect(agenda).to_be_visible()
    expect(grid).to_be_hidden()
    expect(agenda.get_by_role("link", name=first_meeting)).to_be_visible()

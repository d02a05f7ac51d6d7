"""Issue 14's journey: a week a clinician runs on (meetings, a change, a cancellation, a refused
double booking), then what the client sees. From the log-in page, with clicks and typing."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from sessions_app.models import Session, SessionChange

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIDEO = "https://video.example.com/room/chloe"


def local_input(moment):
    """A wall-clock time as a datetime-local input takes it."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def shown(moment):
    """A time as the pages write it (English): "Tue 15 Dec 2026, 10:00"."""
    return f"{moment:%a} {moment.day} {moment:%b %Y}, {moment:%H:%M}"


def row_of(page, number):
    return page.locator("tbody tr").filter(
        has=page.get_by_role("link", name=re.compile(rf"^Session {number}\b"))
    )


def test_a_week_with_meetings_a_change_a_cancellation_and_no_double_booking(
    open_tab, clinic, provider, client_profile, session
):
    tz = ZoneInfo(clinic.time_zone)
    today = dt.datetime.now(tz).date()
    # Past the client's current session (session 1, held by Ben, ends in six days).
    monday = today + dt.timedelta(days=7 - today.weekday() + 7)
    starts = dt.datetime.combine(monday, dt.time(9, 0))
    tuesday_10 = starts + dt.timedelta(days=1, hours=1)
    week = dt.timedelta(days=7)

    ben = open_tab("Ben")
    page = ben.page
    ben.log_in(provider.user, lands="provider dashboard")
    with ben.to("schedule form"):
        page.get_by_role("link", name="Schedule sessions").click()
    page.get_by_label("Client").select_option(label="Chloe Client")
    page.get_by_label("Provider").select_option(label="Ben Provider")
    page.get_by_label(re.compile(r"^\s*Starts")).fill(local_input(starts))
    page.get_by_label(re.compile(r"^\s*Ends")).fill(local_input(starts + week))
    page.get_by_label("Repeat").fill("4")
    page.get_by_label("Meeting starts").fill(local_input(tuesday_10))
    page.get_by_label("Video link").fill(VIDEO)
    with ben.to("series scheduled"):
        page.get_by_role("button", name="Schedule", exact=True).click()

    expect(ben.flash()).to_contain_text("4 sessions scheduled for Chloe Client")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(4)
    # Numbers continue from her first session: 2 to 5.
    for k in range(4):
        expect(rows.nth(k)).to_contain_text(f"Session {k + 2}")
        expect(rows.nth(k)).to_contain_text(shown(tuesday_10 + k * week))
    series_url = page.url

    # Reloading the result schedules nothing again.
    with ben.to("series page reloaded"):
        page.reload()
    expect(page.locator("tbody tr")).to_have_count(4)
    assert Session.objects.filter(client=client_profile).count() == 5
    assert page.url == series_url

    # Week 3 (session 4): the meeting moves to Wednesday, for this session only.
    with ben.to("session 4"):
        row_of(page, 4).get_by_role("link", name=re.compile(r"^Session 4\b")).click()
    with ben.to("change form of session 4"):
        page.get_by_role("link", name="Change…").click()
    wednesday_10 = tuesday_10 + 2 * week + dt.timedelta(days=1)
    page.get_by_label("Meeting starts").fill(local_input(wednesday_10))
    expect(page.get_by_label("This session", exact=True)).to_be_checked()
    with ben.to("session 4 changed"):
        page.get_by_role("button", name="Save changes").click()
    expect(ben.flash()).to_contain_text("Session changed.")
    expect(page.locator("#meeting")).to_contain_text(shown(wednesday_10))
    expect(page.get_by_test_id("meeting-video")).to_have_attribute("href", VIDEO)
    assert SessionChange.objects.filter(session__number=4, kind="change").count() == 1
    later = Session.objects.get(client=client_profile, number=5)
    assert later.meeting_starts_at == (tuesday_10 + 3 * week).replace(tzinfo=tz)

    # Week 4 (session 5) is cancelled, with a reason.
    with ben.to("series page again"):
        page.goto(series_url)
    with ben.to("session 5"):
        row_of(page, 5).get_by_role("link", name=re.compile(r"^Session 5\b")).click()
    with ben.to("cancel form of session 5"):
        page.get_by_role("link", name="Cancel session…").click()
    page.get_by_label("Reason").fill("The clinic is closed that week.")
    with ben.to("session 5 cancelled"):
        page.get_by_role("button", name="Cancel the session").click()
    expect(ben.flash()).to_contain_text("1 session cancelled.")
    expect(page.get_by_test_id("cancelled-banner")).to_contain_text(
        "The clinic is closed that week."
    )
    expect(page.get_by_role("link", name="Change…")).to_have_count(0)

    # A week overlapping session 3 is refused, naming it; nothing is written.
    with ben.to("schedule form again"):
        page.get_by_role("link", name="Schedule", exact=True).click()
    page.get_by_label("Client").select_option(label="Chloe Client")
    page.get_by_label("Provider").select_option(label="Ben Provider")
    overlapping = starts + week + dt.timedelta(days=2)
    page.get_by_label(re.compile(r"^\s*Starts")).fill(local_input(overlapping))
    page.get_by_label(re.compile(r"^\s*Ends")).fill(local_input(overlapping + week))
    page.get_by_label("Repeat").fill("1")
    with ben.to("overlap refused"):
        page.get_by_role("button", name="Schedule", exact=True).click()
    expect(
        page.get_by_text(re.compile(r"This overlaps Session 3 .* with Ben Provider"))
    ).to_be_visible()
    assert Session.objects.filter(client=client_profile).count() == 5

    # What Chloe sees: the meetings, her numbers continuing, week 4 cancelled.
    chloe = open_tab("Chloe")
    page = chloe.page
    chloe.log_in(client_profile.user, lands="portal dashboard")
    with chloe.to("portal sessions"):
        page.get_by_role("link", name="My sessions", exact=True).click()
    upcoming = page.locator("section#upcoming")
    for number, meeting in ((2, tuesday_10), (3, tuesday_10 + week), (4, wednesday_10)):
        row = upcoming.locator("tr").filter(has=page.get_by_role("link", name=f"Session {number}"))
        expect(row).to_contain_text(f"Meeting {shown(meeting)}")
    cancelled = upcoming.locator("tr").filter(has=page.get_by_role("link", name="Session 5"))
    expect(cancelled.locator("s").first).to_contain_text("Session 5")
    expect(cancelled).to_contain_text("Cancelled")
    with chloe.to("portal session 4"):
        upcoming.get_by_role("link", name="Session 4", exact=True).click()
    expect(page.locator("#meeting")).to_contain_text(shown(wednesday_10))
    expect(page.get_by_test_id("meeting-video")).to_have_attribute("href", VIDEO)
    with chloe.to("portal sessions again"):
        page.get_by_role("link", name="My sessions").first.click()
    with chloe.to("portal session 5, cancelled"):
        upcoming.get_by_role("link", name="Session 5", exact=True).click()
    expect(page.get_by_test_id("cancelled-banner")).to_contain_text(
        "The clinic is closed that week."
    )
    expect(page.get_by_role("textbox", name="Message")).to_have_count(0)

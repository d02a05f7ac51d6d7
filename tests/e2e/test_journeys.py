"""The journeys of issue 5, each from the log-in page with clicks and typing, on a live server.

Every page reached is checked by axe-core and photographed (see support.py); run them with
`make e2e`. The data each journey starts from is made with the factories and the services.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from sessions_app import services
from tests.factories import PASSWORD
from tests.sessions_helpers import complete, schedule

from .support import check_focus_visible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def session_card(page, title):
    """A homework item's card on a session page."""
    return page.locator("article").filter(has=page.get_by_role("heading", name=title, exact=True))


def dashboard_section(page, heading):
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading))


# --- 1. A clinic admin invites a client -------------------------------------------------


def test_clinic_admin_invites_a_client_who_sets_a_password_and_lands_in_the_portal(
    open_tab, clinic_admin, provider
):
    ava = open_tab("Ava clinic admin")
    page = ava.page
    ava.log_in(clinic_admin.user, lands="provider dashboard")
    with ava.to("clinic people"):
        page.get_by_role("link", name="Clinic", exact=True).click()
    with ava.to("invite form"):
        page.get_by_role("link", name="Invite a person").click()

    # Inviting a client is the form's first choice; its fields are a client's only.
    expect(page.get_by_role("link", name="Invite a client")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_label("Job title")).to_have_count(0)
    page.get_by_label("Full name").fill("Fiona Newcomer")
    page.get_by_label("Email").fill("fiona@northside.test")
    page.get_by_label("Ava Admin").check()
    page.get_by_label("Ben Provider").check()
    with ava.to("clinic people after inviting"):
        page.get_by_role("button", name="Send invitation").click()
    expect(ava.flash()).to_contain_text("Invitation sent to fiona@northside.test")
    # Listed with the invitations until Fiona answers, whatever her address.
    row = page.get_by_role("row").filter(has_text="Fiona Newcomer")
    expect(row).to_contain_text("fiona@northside.test")
    expect(row.get_by_role("button", name="Re-send")).to_be_visible()
    ava.log_out()

    (email,) = mail.outbox
    assert email.to == ["fiona@northside.test"]
    link = re.search(r"https?://[^/\s]+(/invitation/[^\s]+/)", email.body)
    assert link, email.body

    fiona = open_tab("Fiona invited client")
    page = fiona.page
    fiona.open(link.group(1), "set-password page")
    expect(page.get_by_role("heading", name="Welcome, Fiona Newcomer")).to_be_visible()
    page.get_by_label(re.compile(r"New password(?! confirmation)")).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    with fiona.to("log-in page after setting the password"):
        page.get_by_role("button", name="Set password").click()
    expect(fiona.flash()).to_contain_text("Your password is set")

    # The address is filled in already.
    expect(page.get_by_label("Email")).to_have_value("fiona@northside.test")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    with fiona.to("portal dashboard"):
        page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("heading", name="Welcome, Fiona Newcomer")).to_be_visible()


# --- 2. A provider schedules a weekly series held by a colleague --------------------------


def test_provider_schedules_a_weekly_series_held_by_another_provider_with_two_homework_items(
    open_tab, clinic, clinic_admin, provider, client_profile
):
    tz = ZoneInfo(clinic.time_zone)
    today = dt.datetime.now(tz).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    starts = dt.datetime.combine(monday, dt.time(9, 0))

    ava = open_tab("Ava")
    page = ava.page
    ava.log_in(clinic_admin.user, lands="provider dashboard")
    with ava.to("schedule form"):
        page.get_by_role("link", name="Schedule sessions").click()

    page.get_by_label("Client").select_option(label="Chloe Client")
    page.get_by_label("Provider").select_option(label="Ben Provider")
    page.get_by_label(re.compile(r"^\s*Starts")).fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(re.compile(r"^\s*Ends")).fill(
        (starts + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("Repeat").fill("3")
    homework = page.locator(".homework-form")
    homework.nth(0).get_by_label("Title").fill("Mood diary")
    homework.nth(0).get_by_label("Instructions").fill("Three lines each evening.")
    page.get_by_role("button", name="Add another homework item").click()
    expect(homework.nth(1).get_by_label("Title")).to_be_focused()
    page.keyboard.type("Walk in daylight")
    expect(page.get_by_label("Every session of the series")).to_be_checked()
    ava.screenshot("Ava schedule form filled in")
    with ava.to("sessions scheduled"):
        page.get_by_role("button", name="Schedule", exact=True).click()

    expect(ava.flash()).to_contain_text("3 sessions scheduled for Chloe Client")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    for number in range(3):
        day = monday + dt.timedelta(weeks=number)
        expect(rows.nth(number)).to_contain_text(f"Session {number + 1}")
        expect(rows.nth(number)).to_contain_text(f"{day:%a} {day.day} {day:%b %Y}, 09:00")
        expect(rows.nth(number)).to_contain_text("Ben Provider")
        # Homework done: none of the two items yet.
        expect(rows.nth(number).locator("td").nth(-2)).to_have_text("0/2")

    with ava.to("provider session detail"):
        page.get_by_role("link", name="Session 2").click()
    expect(page.get_by_text("Held by Ben Provider · scheduled by Ava Admin")).to_be_visible()
    expect(page.get_by_role("heading", name="Mood diary")).to_be_visible()
    expect(page.get_by_role("heading", name="Walk in daylight")).to_be_visible()
    expect(page.locator("[data-timing]").first).to_have_text("Upcoming")


# --- 3. The client does the homework and writes to the care team --------------------------


def answer_and_write(tab, titles):
    """On the client's session page: answer each homework item, then send a message."""
    page = tab.page
    for title in titles:
        card = session_card(page, title)
        card.get_by_label("Your answer").fill(f"My answer to {title.lower()}.")
        with tab.to(f"session after answering {title}"):
            card.get_by_role("button", name="Submit answer").click()
        expect(tab.flash()).to_contain_text("Your answer is saved.")
        expect(session_card(page, title).locator(".badge")).to_have_text("Completed")
    page.get_by_role("textbox", name="Message").fill("Done both. The walk helped a lot.")
    with tab.to("session after sending a message"):
        page.get_by_role("button", name="Send message").click()
    expect(tab.flash()).to_contain_text("Message sent.")
    expect(page.locator("#messages li")).to_contain_text("The walk helped a lot.")


def test_client_submits_both_homework_items_and_a_message_and_providers_see_it_unread(
    open_tab, session, client_profile, clinic_admin, provider
):
    chloe = open_tab("Chloe client")
    page = chloe.page
    chloe.log_in(client_profile.user, lands="portal dashboard")
    expect(dashboard_section(page, "Homework to do").get_by_role("listitem")).to_have_count(2)
    with chloe.to("portal session detail"):
        page.get_by_role("link", name="Open this session").click()
    answer_and_write(chloe, ["Journal", "Walk"])

    for who, person in [("Ben", provider), ("Ava", clinic_admin)]:
        tab = open_tab(who)
        tab.log_in(person.user, lands="provider dashboard")
        unread = dashboard_section(tab.page, "Unread messages")
        expect(unread.get_by_role("heading")).to_contain_text("1 session")
        expect(unread.get_by_role("listitem")).to_contain_text("1 unread message")
        expect(unread.get_by_role("link", name="Chloe Client · session 1")).to_be_visible()


# --- 4. The second provider reads, replies and gives feedback -----------------------------


def test_second_provider_reads_the_message_replies_and_gives_feedback_on_both_items(
    open_tab, session, client_profile, provider
):
    for assignment in session.assignments.all():
        services.assignment_submit(
            actor=client_profile.user, assignment=assignment, response=f"Did {assignment.title}."
        )
    services.message_post(actor=client_profile.user, session=session, body="Both are done!")

    ben = open_tab("Ben")
    page = ben.page
    ben.log_in(provider.user, lands="provider dashboard", doc="provider-dashboard")
    unread = dashboard_section(page, "Unread messages")
    with ben.to("session from the unread list"):
        unread.get_by_role("link", name="Chloe Client · session 1").click()
    expect(page.locator("#messages li")).to_contain_text("Both are done!")
    expect(session_card(page, "Journal")).to_contain_text("Did Journal.")

    page.get_by_role("textbox", name="Message").fill("Thank you, Chloe. Well done this week.")
    with ben.to("session after replying"):
        page.get_by_role("button", name="Send message").click()
    expect(ben.flash()).to_contain_text("Message sent.")
    expect(page.locator("#messages li").last).to_contain_text("Well done this week.")

    for title in ["Journal", "Walk"]:
        card = session_card(page, title)
        card.get_by_role("textbox", name="Feedback").fill(f"Good work on the {title.lower()}.")
        with ben.to(f"session after feedback on {title}"):
            card.get_by_role("button", name="Give feedback").click()
        expect(ben.flash()).to_contain_text("Feedback given.")
        expect(session_card(page, title)).to_contain_text(f"Good work on the {title.lower()}.")
    expect(page.get_by_text("this session is ready to close")).to_be_visible()
    ben.screenshot("Ben session ready to close", doc="provider-session-detail")

    with ben.to("dashboard after the replies"):
        page.get_by_role("link", name="Dashboard").click()
    expect(dashboard_section(page, "Unread messages")).to_contain_text("No unread messages.")
    expect(dashboard_section(page, "Homework waiting for feedback")).to_contain_text(
        "No submitted homework is waiting for feedback."
    )


# --- 5. Closing: refused when unready, done when ready; then the next session -------------


def test_provider_sees_what_is_unfinished_closes_a_ready_session_and_schedules_the_next(
    open_tab, session, client_profile, other_client, clinic_admin, provider
):
    complete(session, client=client_profile, provider=provider)
    schedule(by=provider, client=other_client, homework=["Breathing exercise"])

    ben = open_tab("Ben")
    page = ben.page
    ben.log_in(provider.user, lands="provider dashboard")
    in_progress = dashboard_section(page, "In progress")
    with ben.to("unready session"):
        in_progress.get_by_role("link", name="Dylan Other · session 1").click()
    with ben.to("close confirmation of the unready session"):
        page.get_by_role("link", name="Close session…").click()
    expect(page.get_by_role("heading", name="This session is not ready to close")).to_be_visible()
    expect(page.get_by_test_id("unfinished")).to_have_text("Breathing exercise — not submitted")

    page.get_by_label("Close anyway, with the homework unfinished").check()
    with ben.to("close confirmation without a note"):
        page.get_by_role("button", name="Close session").click()
    note = page.get_by_label("Note")
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(note).to_have_accessible_description(re.compile("needs a note saying why"))
    with ben.to("unready session after cancelling"):
        page.get_by_role("link", name="Cancel").click()
    expect(page.locator("[data-timing]").first).to_have_text("In progress")

    with ben.to("dashboard"):
        page.get_by_role("link", name="Dashboard").click()
    with ben.to("ready session"):
        in_progress.get_by_role("link", name="Chloe Client · session 1").click()
    expect(page.get_by_text("this session is ready to close")).to_be_visible()
    with ben.to("close confirmation of the ready session"):
        page.get_by_role("link", name="Close session…").click()
    expect(page.get_by_text("All homework is completed and has feedback.")).to_be_visible()
    with ben.to("closed session"):
        page.get_by_role("button", name="Close session").click()
    expect(ben.flash()).to_contain_text("Session closed.")
    expect(page.get_by_text("This session is closed")).to_be_visible()
    expect(page.get_by_role("textbox", name="Message")).to_have_count(0)

    with ben.to("schedule the next session"):
        page.get_by_role("link", name="Schedule the next session").click()
    expect(page.get_by_role("heading", name="Schedule the next session")).to_be_visible()
    expect(page.get_by_label("Client")).to_have_value(str(client_profile.uuid))
    expect(page.get_by_label("Provider")).to_have_value(str(provider.uuid))
    # The end of the session just closed, to the next minute (the form shows minutes).
    ends = session.ends_at.astimezone(ZoneInfo(session.clinic.time_zone))
    if ends.second or ends.microsecond:
        ends = ends.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    expect(page.get_by_label(re.compile(r"^\s*Starts"))).to_have_value(
        ends.strftime("%Y-%m-%dT%H:%M")
    )
    with ben.to("next session scheduled"):
        page.get_by_role("button", name="Schedule", exact=True).click()
    expect(ben.flash()).to_contain_text("1 session scheduled for Chloe Client")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("Ben Provider")


# --- 6. Outsiders get the 404 page --------------------------------------------------------


def test_providers_off_the_care_team_or_of_another_clinic_get_the_404_page(
    open_tab, session, off_team_provider, other_clinic_provider
):
    url = f"/provider/sessions/{session.uuid}/"
    for who, outsider in [("Cara off the team", off_team_provider), ("Dan", other_clinic_provider)]:
        tab = open_tab(who)
        tab.log_in(outsider.user, lands="provider dashboard")
        expect(tab.page.get_by_text("Chloe Client")).to_have_count(0)
        response = tab.open(url, "session of another team")
        assert response.status == 404
        expect(tab.page.get_by_role("heading", name="Page not found")).to_be_visible()
        expect(tab.page.get_by_text("Chloe Client")).to_have_count(0)
        response = tab.open(url + "close/", "close page of another team")
        assert response.status == 404


# --- 7. The client journey on a phone -----------------------------------------------------


def test_client_journey_on_a_phone(open_tab, session, client_profile):
    chloe = open_tab("Chloe phone", phone=True)
    page = chloe.page
    chloe.log_in(client_profile.user, lands="portal dashboard", doc="portal-phone")
    expect(page.get_by_role("link", name="My sessions", exact=True)).to_be_hidden()
    chloe.open_menu()
    with chloe.to("portal session list"):
        page.get_by_role("link", name="My sessions", exact=True).tap()
    current = page.locator("section#current")
    with chloe.to("portal session detail"):
        current.get_by_role("link").first.tap()
    answer_and_write(chloe, ["Journal", "Walk"])
    chloe.log_out()


# --- The client journey with the keyboard alone -------------------------------------------


def tab_to(page, target, *, limit=60):
    """Press Tab until the target has the focus; every stop on the way must show it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        check_focus_visible(page)
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached with {limit} presses of Tab")


def test_client_journey_with_the_keyboard_alone(open_tab, session, client_profile):
    chloe = open_tab("Chloe keyboard")
    page = chloe.page
    chloe.open("/accounts/login/", "log-in page")
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(client_profile.user.email)
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(PASSWORD)
    with chloe.to("portal dashboard"):
        page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Open this session"))
    with chloe.to("portal session detail"):
        page.keyboard.press("Enter")

    for title in ["Journal", "Walk"]:
        card = session_card(page, title)
        tab_to(page, card.get_by_label("Your answer"))
        page.keyboard.type(f"Typed answer to {title.lower()}.")
        tab_to(page, card.get_by_role("button", name="Submit answer"))
        with chloe.to(f"session after answering {title}"):
            page.keyboard.press("Enter")
        expect(chloe.flash()).to_contain_text("Your answer is saved.")
    tab_to(page, page.get_by_role("textbox", name="Message"))
    page.keyboard.type("Sent without a mouse.")
    tab_to(page, page.get_by_role("button", name="Send message"))
    with chloe.to("session after sending a message"):
        page.keyboard.press("Enter")
    expect(page.locator("#messages li")).to_contain_text("Sent without a mouse.")
    for title in ["Journal", "Walk"]:
        expect(session_card(page, title).locator(".badge")).to_have_text("Completed")


# --- The API, from a provider's account menu --------------------------------------------


def test_provider_creates_an_api_token_and_reads_the_api_docs(open_tab, provider):
    tab = open_tab("Ben")
    page = tab.page
    tab.log_in(provider.user, lands="provider dashboard")
    page.get_by_test_id("who").click()
    with tab.to("API token page"):
        page.get_by_role("link", name="API token").click()
    page.get_by_label("Name").fill("Reports script")
    # A token outlives the log-in: making one asks for the password again.
    with tab.to("password asked again"):
        page.get_by_role("button", name="Create a token").click()
    page.get_by_label("Password").fill(PASSWORD)
    with tab.to("API token created"):
        page.get_by_role("button", name="Confirm").click()
    key = page.get_by_label("Token", exact=True).input_value()
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    expect(page.get_by_role("rowheader", name="Reports script")).to_be_visible()
    with tab.to("API docs"):
        page.get_by_role("link", name="the API docs").click()
    # Swagger UI builds the page from the schema after loading: check it once it has.
    expect(page.get_by_text("/api/v1/sessions/").first).to_be_visible()
    tab.check("API docs with the operations")


# --- The client portal in Spanish ---------------------------------------------------------


def spanish(text, **values):
    with translation.override("es"):
        return gettext(text) % values if values else gettext(text)


def test_client_portal_in_spanish(open_tab, session, client_profile):
    chloe = open_tab("Chloe en español", locale="es-ES")
    page = chloe.page
    chloe.log_in(client_profile.user, lands="portal dashboard")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name=spanish("Homework to do"))).to_be_visible()
    expect(page.get_by_role("link", name=spanish("My sessions"), exact=True)).to_be_visible()
    with chloe.to("portal session detail"):
        page.get_by_role("link", name=spanish("Open this session")).click()
    card = session_card(page, "Journal")
    card.get_by_label(spanish("Your answer")).fill("Mi respuesta al diario.")
    with chloe.to("session after answering"):
        card.get_by_role(
            "button", name=spanish("Submit answer to %(title)s", title="Journal")
        ).click()
    expect(chloe.flash()).to_contain_text(spanish("Your answer is saved."))
    expect(session_card(page, "Journal").locator(".badge")).to_have_text(spanish("Completed"))
    page.get_by_role("textbox", name=spanish("Message")).fill("Gracias por la sesión.")
    with chloe.to("session after sending a message"):
        page.get_by_role("button", name=spanish("Send message")).click()
    expect(chloe.flash()).to_contain_text(spanish("Message sent."))
    # Her own choice outlasts the browser's: English on the account page.
    chloe.open("/accounts/settings/", "account settings")
    page.get_by_label("English").check()
    with chloe.to("account settings in English"):
        page.get_by_role("button", name=spanish("Save")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(chloe.flash()).to_contain_text("Your settings are saved.")

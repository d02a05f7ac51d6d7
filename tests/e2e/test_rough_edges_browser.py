"""Issue 18 in the browser: nothing typed is lost to the idle log-out (point 7), the
provider's session list on a phone (point 9) and long answers folded (point 13)."""

import re
import time
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session as LoginSession
from playwright.sync_api import expect

from sessions_app import services
from tests.sessions_helpers import schedule

from .test_journeys import session_card

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Seconds: the dialog shows 4 s before the log-out, typing keeps alive every 2 s at most.
SHORT_TIMEOUT = 8


@pytest.fixture
def short_idle_timeout(settings):
    settings.SESSION_IDLE_TIMEOUT = SHORT_TIMEOUT


def open_session(tab, session):
    tab.open(f"/portal/sessions/{session.uuid}/", "portal session detail")


def test_typing_keeps_the_log_in_alive_and_the_answer_is_saved(
    open_tab, short_idle_timeout, session, client_profile
):
    chloe = open_tab("Chloe typing slowly")
    page = chloe.page
    chloe.log_in(client_profile.user, lands="portal dashboard")
    open_session(chloe, session)
    box = session_card(page, "Journal").get_by_label("Your answer")
    # Twice the time-out of typing, a word a second: the keep-alive requests hold the log-in.
    for word in range(2 * SHORT_TIMEOUT):
        box.press_sequentially(f"word{word} ")
        time.sleep(1)
    expect(page.locator("#idle-dialog")).not_to_be_visible()
    with chloe.to("session after answering slowly"):
        session_card(page, "Journal").get_by_role("button", name="Submit answer").click()
    expect(chloe.flash()).to_contain_text("Your answer is saved.")
    assert "word15" in session.assignments.get(title="Journal").response


def test_stay_logged_in_is_offered_before_the_idle_log_out(
    open_tab, short_idle_timeout, session, client_profile
):
    chloe = open_tab("Chloe idle")
    page = chloe.page
    chloe.log_in(client_profile.user, lands="portal dashboard")
    open_session(chloe, session)
    dialog = page.locator("#idle-dialog")
    expect(dialog).to_be_visible(timeout=SHORT_TIMEOUT * 1000)
    chloe.check("stay-logged-in dialog", context="#idle-dialog")
    dialog.get_by_role("button", name="Stay logged in").click()
    expect(dialog).not_to_be_visible()
    # Past the first time-out, yet logged in: the click was activity.
    time.sleep(SHORT_TIMEOUT - 3)
    with chloe.to("session page still logged in"):
        page.reload()
    expect(page).to_have_url(re.compile(rf"/portal/sessions/{session.uuid}/$"))

    # Left alone, the page goes to the log-in; logging in returns to it.
    with chloe.to("log-in page after the idle log-out"):
        page.wait_for_url(re.compile(r"/accounts/login/"), timeout=3 * SHORT_TIMEOUT * 1000)
    expect(page.get_by_role("heading", name="Log in to CareSessions")).to_be_visible()
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_label("Email").fill(client_profile.user.email)
    with chloe.to("session page after logging in again"):
        page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(rf"/portal/sessions/{session.uuid}/$"))


def test_a_form_sent_after_the_log_out_returns_to_its_page_not_to_its_action(
    open_tab, session, client_profile
):
    chloe = open_tab("Chloe logged out elsewhere")
    page = chloe.page
    chloe.log_in(client_profile.user, lands="portal dashboard")
    open_session(chloe, session)
    session_card(page, "Journal").get_by_label("Your answer").fill("Written before the log-out.")
    # The log-in ends on the server while the form is open (as the idle log-out does): through
    # the session engine, so that a copy kept in Redis (cached_db) goes too.
    for key in LoginSession.objects.values_list("session_key", flat=True):
        SessionStore(session_key=key).delete()
    with chloe.to("log-in page after sending the form"):
        session_card(page, "Journal").get_by_role("button", name="Submit answer").click()
    page.get_by_label("Email").fill(client_profile.user.email)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    with chloe.to("session page, not the submit address"):
        page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(rf"/portal/sessions/{session.uuid}/$"))
    expect(session_card(page, "Journal").get_by_label("Your answer")).to_be_visible()


def test_the_session_list_on_a_phone_stacks_rows_and_folds_the_filters(
    open_tab, clinic_admin, provider, client_profile
):
    schedule(by=provider, client=client_profile, repeat=3)
    ben = open_tab("Ben phone", phone=True)
    page = ben.page
    ben.log_in(provider.user, lands="provider dashboard")
    ben.open("/provider/sessions/", "session list on a phone")
    form = page.locator("#session-filters")
    expect(form).to_be_hidden()
    page.get_by_role("button", name="Filters").tap()
    expect(form).to_have_class(re.compile(r"\bshow\b"))  # unfolded, its transition done
    row = page.locator("table.table-stack tbody tr").first
    # A card: the row is a block as wide as the screen, its header row hidden.
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    expect(page.locator("table.table-stack thead")).to_have_css("position", "absolute")
    dates = row.locator("td[data-label='Dates']")
    assert dates.evaluate("td => td.getBoundingClientRect().height") < 120
    ben.check("session list with the filters open")


def test_a_long_answer_is_folded_with_show_all(open_tab, session, client_profile, provider):
    assignment = session.assignments.get(title="Journal")
    services.assignment_submit(
        actor=client_profile.user, assignment=assignment, response="A long day. " * 340
    )
    ben = open_tab("Ben reads a long answer")
    page = ben.page
    ben.log_in(provider.user, lands="provider dashboard")
    ben.open(f"/provider/sessions/{session.uuid}/", "session with a long answer")
    card = session_card(page, "Journal")
    answer = card.locator("[data-answer]")
    folded = answer.evaluate("a => a.getBoundingClientRect().height")
    assert folded < 400, folded
    card.get_by_text("Show all").click()
    opened = answer.evaluate("a => a.getBoundingClientRect().height")
    assert opened > 2 * folded
    ben.check("long answer shown in full")

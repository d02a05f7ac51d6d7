"""Issue 17's journey: a client answers a PHQ-9 with the keyboard alone, sees the crisis
contacts after a risk answer; the provider finds it first on the dashboard, acknowledges it
and sees the trend on the client's page. axe-core checks every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from sessions_app import services
from sessions_app.models import Assignment, QuestionnaireResponse
from tests.sessions_helpers import schedule
from tests.test_questionnaires import weekly_scores

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("mfa_not_required"),
]


def test_a_client_answers_a_phq9_by_keyboard_and_the_provider_sees_the_trend(
    open_tab, clinic, provider, clinic_admin, client_profile
):
    clinic.crisis_contacts = "988 Suicide & Crisis Lifeline: call or text 988"
    clinic.save()
    # Two earlier weeks of scores, then this week's questionnaire to answer.
    weekly_scores(provider, client_profile, [16, 12])
    [session] = schedule(
        by=provider, client=client_profile, provider=clinic_admin, allow_overlap=True
    )
    assignment = services.assignment_add(
        actor=provider.user, session=session, kind=Assignment.Kind.PHQ9
    )

    chloe = open_tab("Chloe")
    page = chloe.page
    chloe.log_in(client_profile.user, lands="portal dashboard")
    chloe.open(f"/portal/sessions/{session.uuid}/", "session with a PHQ-9")
    card = page.locator(f"#hw-{assignment.uuid}")
    groups = card.locator("fieldset")
    expect(groups).to_have_count(9)

    # The keyboard alone: Tab into each question's radio group, an arrow to choose
    # "Several days" (1), Tab on; the last question too, then Enter on the button.
    first = groups.first.locator("input[type=radio]").first
    for _ in range(80):
        page.keyboard.press("Tab")
        if first.evaluate("element => element === document.activeElement"):
            break
    for number in range(1, 10):
        if number > 1:
            page.keyboard.press("Tab")
        expect(groups.nth(number - 1).locator("input[type=radio]").first).to_be_focused()
        page.keyboard.press("ArrowRight")
    expect(groups.nth(8).locator("input[value='1']")).to_be_checked()
    page.keyboard.press("Tab")
    expect(card.get_by_role("button", name=re.compile("^Submit answers"))).to_be_focused()
    with chloe.to("answers saved, crisis contacts shown"):
        page.keyboard.press("Enter")
    contacts = page.get_by_test_id("crisis-contacts")
    expect(contacts).to_contain_text("988 Suicide & Crisis Lifeline")
    scored = QuestionnaireResponse.objects.get(assignment=assignment)
    assert scored.total == 9 and scored.needs_attention
    chloe.open("/portal/measures/", "my progress")
    expect(page.locator("#trend-phq9 svg circle")).to_have_count(3)

    ben = open_tab("Ben")
    page = ben.page
    ben.log_in(provider.user, lands="provider dashboard with a questionnaire needing attention")
    attention = page.locator("#needs-attention")
    expect(attention).to_contain_text("Chloe Client")
    with ben.to("session with the flagged questionnaire"):
        attention.get_by_role("link").first.click()
    with ben.to("questionnaire acknowledged"):
        page.get_by_role("button", name=re.compile("^Acknowledge")).click()
    expect(page.get_by_test_id("risk-marker")).to_have_count(0)

    ben.open(f"/provider/clients/{client_profile.uuid}/", "client page with the trend")
    trend = page.locator("#trend-phq9")
    expect(trend.locator("svg circle")).to_have_count(3)
    expect(trend.locator("table tbody tr")).to_have_count(3)
    expect(trend).to_contain_text("First score 16, latest 9")

"""The clinical records in the Django admin (DESIGN.md section 9, rule 9 of the issue): read
only, times on the clinic's clock with the zone named, the new fields shown."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions_app import services
from sessions_app.models import (
    Assignment,
    IdempotencyRecord,
    QuestionnaireResponse,
    Session,
    SessionChange,
)

from .sessions_helpers import after, before, schedule

pytestmark = pytest.mark.usefixtures("mfa_not_required")


def text(response):
    return " ".join(BeautifulSoup(response.content.decode(), "html.parser").get_text(" ").split())


def local(value, clinic, fmt="%Y-%m-%d %H:%M %Z"):
    return timezone.localtime(value, clinic.tzinfo).strftime(fmt)


@pytest.fixture
def admin_browser(login, superuser):
    return login(superuser)


@pytest.fixture
def changed_and_cancelled(session, client_profile, provider, clinic_admin):
    """The fixture session with a meeting moved to a room; the week after it cancelled."""
    meeting = services.MeetingSpec(
        starts_at=session.starts_at + dt.timedelta(days=1), place="Room 2"
    )
    services.session_change(actor=provider.user, session=session, meeting=meeting)
    [later] = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        start=after(session),
        homework=["Read"],
    )
    services.session_cancel(actor=provider.user, session=later, reason="Away that week")
    session.refresh_from_db()
    later.refresh_from_db()
    return session, later


def test_session_changelist_shows_numbers_and_clinic_times_with_the_zone(
    admin_browser, changed_and_cancelled, clinic
):
    session, cancelled = changed_and_cancelled
    response = admin_browser.get(reverse("admin:sessions_app_session_changelist"))
    assert response.status_code == 200
    shown = text(response)
    for column in ("Starts (clinic time)", "Ends (clinic time)", "Meeting (clinic time)"):
        assert column in shown
    assert local(session.starts_at, clinic) in shown
    assert local(session.meeting_starts_at, clinic) in shown
    assert local(cancelled.ends_at, clinic) in shown
    assert local(session.starts_at, clinic).rsplit(" ", 1)[1] in ("EST", "EDT")
    assert "Cancelled" in shown
    # No add button: the admin reads.
    assert reverse("admin:sessions_app_session_add") not in response.content.decode()


def test_session_change_form_is_read_only_with_meeting_cancellation_and_history(
    admin_browser, changed_and_cancelled, clinic
):
    session, cancelled = changed_and_cancelled
    response = admin_browser.get(reverse("admin:sessions_app_session_change", args=[session.pk]))
    assert response.status_code == 200
    shown = text(response)
    assert local(session.starts_at, clinic) in shown
    assert local(session.meeting_starts_at, clinic) in shown
    assert "Room 2" in shown
    # The change is listed inline, its time on the clinic's clock.
    [change] = SessionChange.objects.filter(session=session)
    assert local(change.changed_at, clinic) in shown
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert not soup.select("form input[name=starts_at], form textarea, [name=_save]")

    response = admin_browser.get(reverse("admin:sessions_app_session_change", args=[cancelled.pk]))
    shown = text(response)
    assert "Away that week" in shown
    assert local(cancelled.cancelled_at, clinic) in shown

    before = Session.objects.get(pk=session.pk).starts_at
    refused = admin_browser.post(
        reverse("admin:sessions_app_session_change", args=[session.pk]), {"status": "closed"}
    )
    assert refused.status_code == 403
    assert Session.objects.get(pk=session.pk).starts_at == before


def test_session_change_pages_render_read_only(admin_browser, changed_and_cancelled, clinic):
    _session, cancelled = changed_and_cancelled
    response = admin_browser.get(reverse("admin:sessions_app_sessionchange_changelist"))
    assert response.status_code == 200
    shown = text(response)
    assert "Changed" in shown and "Cancelled" in shown
    change = SessionChange.objects.get(session=cancelled)
    assert local(change.changed_at, clinic) in shown
    response = admin_browser.get(
        reverse("admin:sessions_app_sessionchange_change", args=[change.pk])
    )
    assert response.status_code == 200
    assert "Away that week" in text(response)
    assert local(change.changed_at, clinic) in text(response)
    assert admin_browser.get(reverse("admin:sessions_app_sessionchange_add")).status_code == 403
    refused = admin_browser.post(
        reverse("admin:sessions_app_sessionchange_delete", args=[change.pk]), {"post": "yes"}
    )
    assert refused.status_code == 403
    assert SessionChange.objects.filter(pk=change.pk).exists()


def test_homework_times_are_on_the_clinics_clock(admin_browser, session, clinic):
    assignment = Assignment.objects.filter(session=session).first()
    response = admin_browser.get(reverse("admin:sessions_app_assignment_changelist"))
    assert local(assignment.due_at, clinic) in text(response)
    response = admin_browser.get(reverse("admin:sessions_app_session_change", args=[session.pk]))
    assert local(assignment.due_at, clinic) in text(response)
    page = text(
        admin_browser.get(reverse("admin:sessions_app_assignment_change", args=[assignment.pk]))
    )
    assert local(assignment.due_at, clinic) in page
    assert local(assignment.created_at, clinic) in page


def test_idempotency_keys_can_be_read_not_edited(admin_browser, provider):
    record = IdempotencyRecord.objects.create(
        user=provider.user, key="key-1", fingerprint="f" * 64, status_code=201, body=b"{}"
    )
    listed = admin_browser.get(reverse("admin:sessions_app_idempotencyrecord_changelist"))
    assert listed.status_code == 200
    assert "key-1" in text(listed)
    url = reverse("admin:sessions_app_idempotencyrecord_change", args=[record.pk])
    page = admin_browser.get(url)
    assert page.status_code == 200
    assert record.created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") in text(page)
    assert admin_browser.post(url, {"key": "other", "status_code": "200"}).status_code == 403
    assert admin_browser.get(reverse("admin:sessions_app_idempotencyrecord_add")).status_code == 403
    record.refresh_from_db()
    assert (record.key, record.status_code) == ("key-1", 201)


def test_the_session_changelist_query_count_does_not_grow(
    admin_browser, client_profile, provider, clinic_admin
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = admin_browser.get(reverse("admin:sessions_app_session_changelist"))
        assert response.status_code == 200
        return len(captured)

    [first] = schedule(by=clinic_admin, client=client_profile, provider=provider)
    one = queries()
    schedule(
        by=clinic_admin, client=client_profile, provider=provider, start=after(first), repeat=19
    )
    assert Session.objects.count() == 20
    assert queries() == one


# --- questionnaire answers (DESIGN.md section 12) ---

QUESTIONNAIRES = reverse("admin:sessions_app_questionnaireresponse_changelist")
RISK = [0] * 8 + [1]  # PHQ-9 total 1, minimal; item 9 above 0 flags it
MODERATE = [2] * 6 + [0] * 3  # PHQ-9 total 12, moderate; no risk


def answer(provider, client, answers, *, kind=Assignment.Kind.PHQ9, start=None):
    """A session of `client` with a questionnaire, answered through the services."""
    [session] = schedule(by=provider, client=client, start=start)
    assignment = services.assignment_add(actor=provider.user, session=session, kind=kind)
    return services.questionnaire_submit(actor=client.user, assignment=assignment, answers=answers)


def result_rows(response):
    """The changelist's rows as {column: text}, by the admin's field-<name> classes; a
    yes/no column gives its icon's alt text ("True" or "False")."""
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    rows = []
    for tr in soup.select("#result_list tbody tr"):
        row = {}
        for cell in tr.find_all(["th", "td"]):
            for name in cell.get("class", []):
                if name.startswith("field-"):
                    icon = cell.find("img")
                    value = icon["alt"] if icon else " ".join(cell.get_text(" ").split())
                    row[name.removeprefix("field-")] = value
        rows.append(row)
    return rows


@pytest.fixture
def answers(client_profile, provider):
    """The client's PHQ-9 answers in three sessions, oldest last: flagged and acknowledged by
    the provider, flagged and waiting, and one without a risk answer."""
    acknowledged = answer(provider, client_profile, RISK)
    services.questionnaire_acknowledge(actor=provider.user, assignment=acknowledged.assignment)
    waiting = answer(provider, client_profile, RISK, start=before(acknowledged.assignment.session))
    calm = answer(provider, client_profile, MODERATE, start=before(waiting.assignment.session))
    return [QuestionnaireResponse.objects.get(pk=r.pk) for r in (acknowledged, waiting, calm)]


def test_questionnaire_changelist_shows_scores_flags_and_clinic_times(
    admin_browser, answers, clinic
):
    acknowledged, waiting, calm = answers
    rows = result_rows(admin_browser.get(QUESTIONNAIRES))
    by_session = {row["session"]: row for row in rows}
    assert len(rows) == 3 and len(by_session) == 3
    row = by_session[str(acknowledged.assignment.session.number)]
    assert row["client"] == "Chloe Client"
    assert (row["instrument"], row["total"], row["severity"]) == ("PHQ-9", "1", "Minimal")
    assert row["needs_attention"] == "False"
    assert row["flagged"] == local(acknowledged.flagged_at, clinic)
    assert row["acknowledged_by"] == "Ben Provider"
    assert row["acknowledged"] == local(acknowledged.acknowledged_at, clinic)
    assert row["submitted"] == local(acknowledged.submitted_at, clinic)
    assert row["submitted"].rsplit(" ", 1)[1] in ("EST", "EDT")

    row = by_session[str(waiting.assignment.session.number)]
    assert row["needs_attention"] == "True"
    assert row["flagged"] == local(waiting.flagged_at, clinic)
    assert (row["acknowledged_by"], row["acknowledged"]) == ("-", "-")

    row = by_session[str(calm.assignment.session.number)]
    assert (row["total"], row["severity"], row["needs_attention"]) == ("12", "Moderate", "False")
    assert (row["flagged"], row["acknowledged_by"], row["acknowledged"]) == ("-", "-", "-")
    # Newest first.
    assert [row["session"] for row in rows] == [
        str(r.assignment.session.number)
        for r in sorted(answers, key=lambda r: r.submitted_at, reverse=True)
    ]
    # No add button: the admin reads.
    add = reverse("admin:sessions_app_questionnaireresponse_add")
    assert add not in admin_browser.get(QUESTIONNAIRES).content.decode()


def test_questionnaire_change_page_is_read_only(admin_browser, answers, clinic):
    acknowledged, _waiting, calm = answers
    url = reverse("admin:sessions_app_questionnaireresponse_change", args=[acknowledged.pk])
    response = admin_browser.get(url)
    assert response.status_code == 200
    shown = text(response)
    session = acknowledged.assignment.session
    assert str(session.uuid) in shown
    assert "Chloe Client" in shown and "Northside Therapy" in shown
    assert "PHQ-9" in shown and "Minimal" in shown
    assert "[0, 0, 0, 0, 0, 0, 0, 0, 1]" in shown
    assert local(acknowledged.flagged_at, clinic) in shown
    assert local(acknowledged.acknowledged_at, clinic) in shown
    assert "Ben Provider" in shown
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert not soup.select("form input[name=total], form textarea, [name=_save]")

    calm_page = admin_browser.get(
        reverse("admin:sessions_app_questionnaireresponse_change", args=[calm.pk])
    )
    assert calm_page.status_code == 200
    assert "Moderate" in text(calm_page)

    assert admin_browser.post(url, {"total": "0", "band": "minimal"}).status_code == 403
    assert (
        admin_browser.get(reverse("admin:sessions_app_questionnaireresponse_add")).status_code
        == 403
    )
    delete = reverse("admin:sessions_app_questionnaireresponse_delete", args=[acknowledged.pk])
    assert admin_browser.post(delete, {"post": "yes"}).status_code == 403
    kept = QuestionnaireResponse.objects.get(pk=acknowledged.pk)
    assert (kept.total, kept.band, kept.acknowledged_at) == (
        acknowledged.total,
        acknowledged.band,
        acknowledged.acknowledged_at,
    )


def test_questionnaire_filters_and_search(admin_browser, answers, client_profile, provider):
    acknowledged, waiting, calm = answers
    anxious = answer(
        provider,
        client_profile,
        [3, 3, 3, 3, 3, 0, 0],  # GAD-7 total 15, severe
        kind=Assignment.Kind.GAD7,
        start=before(calm.assignment.session),
    )

    def listed(**params):
        rows = result_rows(admin_browser.get(QUESTIONNAIRES, params))
        return sorted(row["session"] for row in rows)

    def sessions(*responses):
        return sorted(str(r.assignment.session.number) for r in responses)

    assert listed() == sessions(acknowledged, waiting, calm, anxious)
    assert listed(instrument="gad7") == sessions(anxious)
    assert listed(instrument="phq9") == sessions(acknowledged, waiting, calm)
    assert listed(band="moderate") == sessions(calm)
    assert listed(band="severe") == sessions(anxious)
    assert listed(band="minimal", instrument="phq9") == sessions(acknowledged, waiting)
    assert listed(attention="waiting") == sessions(waiting)
    assert listed(attention="acknowledged") == sessions(acknowledged)
    assert listed(attention="unflagged") == sessions(calm, anxious)
    assert listed(q=str(waiting.assignment.session.uuid)) == sessions(waiting)
    assert listed(q="chloe@northside.test") == sessions(acknowledged, waiting, calm, anxious)
    assert listed(q="nobody@northside.test") == []
    # The severity filter names every band, mildest first, whichever questionnaire has it.
    soup = BeautifulSoup(admin_browser.get(QUESTIONNAIRES).content.decode(), "html.parser")
    choices = [a.get_text(strip=True) for a in soup.select("#changelist-filter a[href*='band=']")]
    assert choices == ["Minimal", "Mild", "Moderate", "Moderately severe", "Severe"]


def test_questionnaire_answers_are_shown_on_their_homework_page(
    admin_browser, answers, client_profile, provider
):
    acknowledged, _waiting, calm = answers
    page = admin_browser.get(
        reverse("admin:sessions_app_assignment_change", args=[acknowledged.assignment_id])
    )
    assert page.status_code == 200
    soup = BeautifulSoup(page.content.decode(), "html.parser")
    [inline] = soup.select(".inline-group")
    shown = " ".join(inline.get_text(" ").split())
    assert "Questionnaire answers" in shown and "Minimal" in shown and "Ben Provider" in shown
    change = reverse("admin:sessions_app_questionnaireresponse_change", args=[acknowledged.pk])
    assert inline.select(f'a[href="{change}"]')
    # Free-text homework has no answers to show.
    [session] = schedule(
        by=provider,
        client=client_profile,
        start=before(calm.assignment.session),
        homework=["Journal"],
    )
    journal = session.assignments.get()
    page = admin_browser.get(reverse("admin:sessions_app_assignment_change", args=[journal.pk]))
    assert page.status_code == 200
    assert not BeautifulSoup(page.content.decode(), "html.parser").select(".inline-group")


def test_the_questionnaire_changelist_query_count_does_not_grow(
    admin_browser, client_profile, provider, clinic_admin
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = admin_browser.get(QUESTIONNAIRES)
        rows = result_rows(response)
        # Every row shows its client and acknowledging provider by name and its clinic's times.
        assert all(row["client"] == "Chloe Client" for row in rows)
        assert all(row["acknowledged_by"] in ("Ben Provider", "Ava Admin") for row in rows)
        return len(captured), len(rows)

    start = timezone.now() - dt.timedelta(weeks=20)
    sessions = schedule(
        by=clinic_admin, client=client_profile, provider=provider, start=start, repeat=20
    )

    def answered(session, by):
        assignment = services.assignment_add(
            actor=provider.user, session=session, kind=Assignment.Kind.PHQ9
        )
        services.questionnaire_submit(
            actor=client_profile.user, assignment=assignment, answers=RISK
        )
        services.questionnaire_acknowledge(actor=by.user, assignment=assignment)

    answered(sessions[0], provider)
    one, rows = queries()
    assert rows == 1
    for index, session in enumerate(sessions[1:]):
        answered(session, provider if index % 2 else clinic_admin)
    assert queries() == (one, 20)

"""PHQ-9 and GAD-7 as homework (DESIGN.md section 12): scoring and bands, the client's form,
bad input, the risk flag from submit to acknowledgement, the trend, the lists."""

import datetime as dt
import itertools

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from clinic.models import Clinic
from notifications.models import Notification
from sessions_app import instruments, services
from sessions_app.instruments import gad7, phq9
from sessions_app.models import Assignment, QuestionnaireResponse

from .portal_helpers import detail_url, submit_url
from .queries import REQUEST_QUERIES
from .sessions_helpers import schedule
from .test_provider_lists import DASHBOARD_QUERIES
from .test_provider_meetings import DETAIL_QUERIES as PROVIDER_SESSION_QUERIES

pytestmark = pytest.mark.django_db

PHQ9, GAD7 = phq9.INSTRUMENT, gad7.INSTRUMENT
DASHBOARD = reverse("sessions_app:provider-dashboard")
CLIENT_LIST = reverse("sessions_app:provider-client-list")
MEASURES = reverse("sessions_app:portal-measures")


def page(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def answers_summing_to(instrument, total):
    """Answers to every item of `instrument` adding up to `total`, the risk item last to be
    used (only a PHQ-9 total above 24 needs it)."""
    order = [n for n in range(len(instrument.items)) if n + 1 != instrument.risk_item]
    if instrument.risk_item:
        order.append(instrument.risk_item - 1)
    answers = [0] * len(instrument.items)
    for index in order:
        answers[index] = min(3, total)
        total -= answers[index]
    assert total == 0
    return answers


def form_data(instrument, answers):
    return {instrument.field_name(n): str(v) for n, v in enumerate(answers, start=1)}


def questionnaire(provider, client, kind=Assignment.Kind.PHQ9, **kwargs):
    [session] = schedule(by=provider, client=client, **kwargs)
    assignment = services.assignment_add(actor=provider.user, session=session, kind=kind)
    return session, assignment


# --- scoring ---

PHQ9_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "moderately_severe"),
    (19, "moderately_severe"),
    (20, "severe"),
    (27, "severe"),
]
GAD7_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "severe"),
    (21, "severe"),
]


@pytest.mark.parametrize(("total", "band"), PHQ9_BANDS)
def test_phq9_band_boundaries(total, band):
    score = PHQ9.score(answers_summing_to(PHQ9, total))
    assert (score.total, score.band.code) == (total, band)


@pytest.mark.parametrize(("total", "band"), GAD7_BANDS)
def test_gad7_band_boundaries(total, band):
    score = GAD7.score(answers_summing_to(GAD7, total))
    assert (score.total, score.band.code) == (total, band)


@pytest.mark.parametrize(("total", "band"), PHQ9_BANDS)
def test_submitting_stores_the_phq9_total_and_band(client_profile, provider, total, band):
    _, assignment = questionnaire(provider, client_profile)
    response = services.questionnaire_submit(
        actor=client_profile.user, assignment=assignment, answers=answers_summing_to(PHQ9, total)
    )
    response.refresh_from_db()
    assert (response.total, response.band) == (total, band)
    assert Assignment.objects.get(pk=assignment.pk).is_completed


@pytest.mark.parametrize(("total", "band"), GAD7_BANDS)
def test_submitting_stores_the_gad7_total_and_band(client_profile, provider, total, band):
    _, assignment = questionnaire(provider, client_profile, kind=Assignment.Kind.GAD7)
    response = services.questionnaire_submit(
        actor=client_profile.user, assignment=assignment, answers=answers_summing_to(GAD7, total)
    )
    response.refresh_from_db()
    assert (response.total, response.band) == (total, band)


def test_the_stored_score_is_history_not_recomputed(login, client_profile, provider):
    session, assignment = questionnaire(provider, client_profile)
    services.questionnaire_submit(
        actor=client_profile.user, assignment=assignment, answers=[1] * 8 + [0]
    )
    # As if the bands had been drawn differently when it was scored: the stored score stands.
    QuestionnaireResponse.objects.filter(assignment=assignment).update(total=9, band="mild")
    url = reverse("sessions_app:provider-session-detail", args=[session.uuid])
    card = page(login(provider.user).get(url)).select_one(f"#hw-{assignment.uuid}")
    assert "Total: 9 of 27, Mild" in card.get_text(" ", strip=True)


# --- the client's form ---


def test_the_portal_shows_a_fieldset_per_item_with_four_radios(login, client_profile, provider):
    session, assignment = questionnaire(provider, client_profile)
    html = page(login(client_profile.user).get(detail_url(session)))
    card = html.select_one(f"#hw-{assignment.uuid}")
    fieldsets = card.select("fieldset")
    assert len(fieldsets) == 9
    for number, fieldset in enumerate(fieldsets, start=1):
        assert str(PHQ9.items[number - 1]) in fieldset.legend.get_text(" ", strip=True)
        radios = fieldset.select("input[type=radio]")
        assert [r["value"] for r in radios] == ["0", "1", "2", "3"]
        # Each radio has its own label, for screen readers and a larger target.
        for radio in radios:
            assert card.select_one(f"label[for={radio['id']}]") is not None
        assert len({r["name"] for r in radios}) == 1
    assert str(PHQ9.instructions) in card.get_text(" ", strip=True)
    assert "Not at all" in card.get_text(" ", strip=True)


def test_the_client_submits_through_the_portal(login, client_profile, provider):
    session, assignment = questionnaire(provider, client_profile)
    http = login(client_profile.user)
    response = http.post(submit_url(assignment), form_data(PHQ9, [2] * 8 + [0]))
    assert response.status_code == 302
    scored = QuestionnaireResponse.objects.get(assignment=assignment)
    assert (scored.total, scored.band, scored.flagged_at) == (16, "moderately_severe", None)
    card = page(http.get(detail_url(session))).select_one(f"#hw-{assignment.uuid}")
    # Editable until feedback, with the answers given checked.
    assert len(card.select("input[type=radio][checked]")) == 9
    assert not card.select('[data-testid="crisis-contacts"]')


def test_a_missing_item_is_named_and_nothing_is_saved(login, client_profile, provider):
    _session, assignment = questionnaire(provider, client_profile)
    data = form_data(PHQ9, [1] * 9)
    del data["item_4"]
    response = login(client_profile.user).post(submit_url(assignment), data)
    text = page(response).select_one(f"#hw-{assignment.uuid}").get_text(" ", strip=True)
    assert "Question 4 has no answer" in text
    assert not QuestionnaireResponse.objects.exists()
    assert not Assignment.objects.get(pk=assignment.pk).is_completed


@pytest.mark.parametrize("value", ["4", "-1", "x", "1.5"])
def test_a_value_outside_the_scale_is_refused(login, client_profile, provider, value):
    _session, assignment = questionnaire(provider, client_profile)
    data = form_data(PHQ9, [1] * 9) | {"item_2": value}
    response = login(client_profile.user).post(submit_url(assignment), data)
    text = page(response).select_one(f"#hw-{assignment.uuid}").get_text(" ", strip=True)
    assert "Question 2: the answer must be 0, 1, 2 or 3." in text
    assert not QuestionnaireResponse.objects.exists()


def test_a_text_answer_to_a_questionnaire_is_refused(login, client_profile, provider):
    _session, assignment = questionnaire(provider, client_profile)
    response = login(client_profile.user).post(submit_url(assignment), {"response": "Fine"})
    assert "Question 1 has no answer" in page(response).get_text(" ", strip=True)
    assert not QuestionnaireResponse.objects.exists()
    with pytest.raises(services.ValidationError):
        services.assignment_submit(actor=client_profile.user, assignment=assignment, response="x")
    assert not Assignment.objects.get(pk=assignment.pk).is_completed


def test_questionnaire_answers_to_a_text_homework_are_refused(login, client_profile, provider):
    [session] = schedule(by=provider, client=client_profile, homework=["Journal"])
    assignment = session.assignments.get()
    response = login(client_profile.user).post(submit_url(assignment), form_data(PHQ9, [1] * 9))
    assert page(response).select_one(f"#hw-{assignment.uuid} .is-invalid") is not None
    with pytest.raises(services.ValidationError):
        services.questionnaire_submit(
            actor=client_profile.user, assignment=assignment, answers=[1] * 9
        )
    assert not Assignment.objects.get(pk=assignment.pk).is_completed
    assert not QuestionnaireResponse.objects.exists()


def test_a_forged_post_for_another_clients_questionnaire_is_not_found(
    login, client_profile, other_client, provider
):
    _, assignment = questionnaire(provider, other_client)
    response = login(client_profile.user).post(submit_url(assignment), form_data(PHQ9, [3] * 9))
    assert response.status_code == 404
    assert not QuestionnaireResponse.objects.exists()


def test_answers_cannot_change_once_feedback_is_given(client_profile, provider):
    _, assignment = questionnaire(provider, client_profile)
    services.questionnaire_submit(actor=client_profile.user, assignment=assignment, answers=[1] * 9)
    services.feedback_give(actor=provider.user, assignment=assignment, body="Thanks")
    with pytest.raises(services.FeedbackExists):
        services.questionnaire_submit(
            actor=client_profile.user, assignment=assignment, answers=[0] * 9
        )
    assert QuestionnaireResponse.objects.get().total == 9


def test_a_questionnaire_counts_for_closing_like_any_homework(client_profile, provider):
    session, assignment = questionnaire(provider, client_profile)
    assert not services.ready_to_close(session)
    services.questionnaire_submit(actor=client_profile.user, assignment=assignment, answers=[0] * 9)
    services.feedback_give(actor=provider.user, assignment=assignment, body="Thanks")
    assert services.ready_to_close(session)


# --- scheduling ---


def test_the_schedule_form_gives_a_questionnaire_to_every_session_of_a_series(
    login, client_profile, provider
):
    start = timezone.localtime(timezone.now() + dt.timedelta(days=1), client_profile.clinic.tzinfo)
    data = {
        "client": client_profile.uuid,
        "provider": provider.uuid,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "repeat": 3,
        "homework_applies_to": "all",
        "homework-TOTAL_FORMS": 2,
        "homework-INITIAL_FORMS": 0,
        "homework-0-kind": "phq9",
        "homework-0-title": "",
        "homework-1-kind": "text",
        "homework-1-title": "Journal",
    }
    response = login(provider.user).post(reverse("sessions_app:provider-session-schedule"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    kinds = sorted(Assignment.objects.values_list("kind", "title"))
    assert kinds == [("phq9", "PHQ-9")] * 3 + [("text", "Journal")] * 3


def test_a_free_text_row_still_needs_a_title(login, client_profile, provider):
    start = timezone.localtime(timezone.now() + dt.timedelta(days=1), client_profile.clinic.tzinfo)
    data = {
        "client": client_profile.uuid,
        "provider": provider.uuid,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "repeat": 1,
        "homework_applies_to": "all",
        "homework-TOTAL_FORMS": 1,
        "homework-INITIAL_FORMS": 0,
        "homework-0-kind": "text",
        "homework-0-instructions": "Write daily",
    }
    response = login(provider.user).post(reverse("sessions_app:provider-session-schedule"), data)
    assert "This field is required." in page(response).get_text(" ", strip=True)
    assert not Assignment.objects.exists()


# --- risk ---


def flag(client_profile, provider, **kwargs):
    session, assignment = questionnaire(provider, client_profile, **kwargs)
    response = services.questionnaire_submit(
        actor=client_profile.user, assignment=assignment, answers=[0] * 8 + [1]
    )
    return session, assignment, response


def test_item_9_alert_end_to_end(login, client, client_profile, provider, clinic_admin, clinic):
    clinic.crisis_contacts = "988 Suicide & Crisis Lifeline: call or text 988"
    clinic.save()
    session, assignment = questionnaire(provider, client_profile)
    http = login(client_profile.user)
    response = http.post(submit_url(assignment), form_data(PHQ9, [0] * 8 + [1]), follow=True)
    # The client sees the clinic's crisis contacts right away.
    contacts = page(response).select_one('[data-testid="crisis-contacts"]')
    assert "988 Suicide & Crisis Lifeline" in contacts.get_text(" ", strip=True)
    scored = QuestionnaireResponse.objects.get()
    assert scored.flagged_at is not None and scored.needs_attention
    # Every provider of the care team is notified at once.
    notified = Notification.objects.filter(kind="questionnaire_risk")
    assert sorted(notified.values_list("user_id", flat=True)) == sorted(
        [provider.user_id, clinic_admin.user_id]
    )
    # Every provider of the care team sees it first on the dashboard, and on the session.
    for member in (provider, clinic_admin):
        http = login(member.user)
        main = page(http.get(DASHBOARD)).select_one("main")
        first = main.select_one("section")
        assert first["id"] == "needs-attention"
        assert client_profile.user.full_name in first.get_text(" ", strip=True)
        # The marker says that it needs attention, never the answers.
        assert "Several days" not in first.get_text(" ", strip=True)
        detail = page(
            http.get(reverse("sessions_app:provider-session-detail", args=[session.uuid]))
        )
        assert detail.select('[data-testid="risk-marker"]')
        row = page(http.get(CLIENT_LIST)).find("a", string=client_profile.user.full_name)
        assert row.find_parent("tr").select('[data-testid="risk-marker"]')
    # One acknowledges: who and when are kept; the marker goes from every dashboard.
    http = login(provider.user)
    ack = reverse("sessions_app:provider-questionnaire-acknowledge", args=[assignment.uuid])
    assert http.post(ack).status_code == 302
    scored.refresh_from_db()
    assert scored.acknowledged_by == provider and scored.acknowledged_at is not None
    for member in (provider, clinic_admin):
        html = page(login(member.user).get(DASHBOARD))
        assert html.select_one("#needs-attention") is None
        assert not page(login(member.user).get(CLIENT_LIST)).select('[data-testid="risk-marker"]')
    # The audit trail holds each step.
    actions = list(
        AuditEvent.objects.filter(object_id=str(assignment.uuid))
        .order_by("pk")
        .values_list("action", "user_email")
    )
    assert ("questionnaire.submit", client_profile.user.email) in actions
    assert ("questionnaire.flag", client_profile.user.email) in actions
    assert ("questionnaire.acknowledge", provider.user.email) in actions


def rows_marked(html, sessions):
    """{session uuid: whether its row (table row or dashboard item) carries the risk marker}."""
    marked = {}
    for session in sessions:
        links = html.select(f'main a[href$="/sessions/{session.uuid}/"]')
        # The session's own row: the one with its timing badge (a trend table links scores).
        [row] = [
            row
            for row in (link.find_parent(["tr", "li"]) for link in links)
            if row is not None and row.select("[data-timing]")
        ]
        marked[session.uuid] = bool(row.select('[data-testid="risk-marker"]'))
    return marked


def test_a_flagged_session_is_marked_in_every_list_of_sessions_until_acknowledged(
    login, client_profile, provider
):
    earlier = schedule(
        by=provider, client=client_profile, start=timezone.now() - dt.timedelta(days=15)
    )[0]
    session, assignment, _ = flag(client_profile, provider)
    http = login(provider.user)
    lists = [
        DASHBOARD,
        reverse("sessions_app:provider-session-list"),
        reverse("sessions_app:provider-client-detail", args=[client_profile.uuid]),
    ]
    for url in lists:
        html = page(http.get(url))
        assert rows_marked(html, [session, earlier]) == {session.uuid: True, earlier.uuid: False}
    services.questionnaire_acknowledge(actor=provider.user, assignment=assignment)
    for url in lists:
        html = page(http.get(url))
        assert rows_marked(html, [session, earlier]) == {session.uuid: False, earlier.uuid: False}


def test_a_flagged_answer_is_not_shown_to_providers_off_the_team(
    login, client_profile, provider, off_team_provider
):
    flag(client_profile, provider)
    assert page(login(off_team_provider.user).get(DASHBOARD)).select_one("#needs-attention") is None


def test_acknowledging_twice_says_so_and_keeps_the_first(
    login, client_profile, provider, clinic_admin
):
    _, assignment, _ = flag(client_profile, provider)
    services.questionnaire_acknowledge(actor=provider.user, assignment=assignment)
    with pytest.raises(services.AlreadyAcknowledged):
        services.questionnaire_acknowledge(actor=clinic_admin.user, assignment=assignment)
    assert QuestionnaireResponse.objects.get().acknowledged_by == provider


def test_a_client_cannot_acknowledge(client_profile, provider):
    _, assignment, _ = flag(client_profile, provider)
    with pytest.raises(services.PermissionDenied):
        services.questionnaire_acknowledge(actor=client_profile.user, assignment=assignment)
    assert QuestionnaireResponse.objects.get().needs_attention


def test_an_unflagged_answer_cannot_be_acknowledged(login, client_profile, provider):
    _, assignment = questionnaire(provider, client_profile)
    services.questionnaire_submit(
        actor=client_profile.user, assignment=assignment, answers=[1] * 8 + [0]
    )
    ack = reverse("sessions_app:provider-questionnaire-acknowledge", args=[assignment.uuid])
    response = login(provider.user).post(ack, follow=True)
    assert "has not been flagged" in page(response).get_text(" ", strip=True)
    assert QuestionnaireResponse.objects.get().acknowledged_at is None


def test_gad7_never_flags(client_profile, provider):
    _, assignment = questionnaire(provider, client_profile, kind=Assignment.Kind.GAD7)
    response = services.questionnaire_submit(
        actor=client_profile.user, assignment=assignment, answers=[3] * 7
    )
    assert response.flagged_at is None


def test_changing_a_flagged_answer_to_0_keeps_the_flag(client_profile, provider):
    _, assignment, _ = flag(client_profile, provider)
    services.questionnaire_submit(actor=client_profile.user, assignment=assignment, answers=[0] * 9)
    assert QuestionnaireResponse.objects.get().needs_attention


def test_a_waiting_flag_notifies_once_and_a_new_one_after_acknowledgement_again(
    client_profile, provider
):
    _, assignment, _ = flag(client_profile, provider)
    risk = Notification.objects.filter(kind="questionnaire_risk", user=provider.user)
    services.questionnaire_submit(
        actor=client_profile.user, assignment=assignment, answers=[1] * 8 + [2]
    )
    assert risk.count() == 1
    services.questionnaire_acknowledge(actor=provider.user, assignment=assignment)
    services.questionnaire_submit(
        actor=client_profile.user, assignment=assignment, answers=[1] * 8 + [1]
    )
    assert risk.count() == 2
    assert QuestionnaireResponse.objects.get().needs_attention


# --- trends ---


def weekly_scores(provider, client, totals=(), kind=Assignment.Kind.PHQ9, **more):
    """A session a week, the latest in progress now, each with a questionnaire of `kind`
    answered to add up to the next of `totals`; `more`: totals of other kinds, alike."""
    by_kind = {kind: list(totals), **more}
    weeks = max(len(values) for values in by_kind.values())
    now = timezone.now()
    for week in range(weeks):
        start = now - dt.timedelta(weeks=weeks - week, hours=1) + dt.timedelta(days=6)
        [session] = schedule(by=provider, client=client, start=start)
        for code, values in by_kind.items():
            if week >= len(values):
                continue
            assignment = services.assignment_add(actor=provider.user, session=session, kind=code)
            services.questionnaire_submit(
                actor=client.user,
                assignment=assignment,
                answers=answers_summing_to(instruments.instrument(code), values[week]),
            )
            submitted_at = start + dt.timedelta(hours=2)
            QuestionnaireResponse.objects.filter(assignment=assignment).update(
                submitted_at=submitted_at
            )
            Assignment.objects.filter(pk=assignment.pk).update(submitted_at=submitted_at)


def client_page(http, client):
    return page(http.get(reverse("sessions_app:provider-client-detail", args=[client.uuid])))


def trend_section(html, code):
    return html.select_one(f"#trend-{code}")


def labels(section):
    return [li.get_text(strip=True) for li in section.select('[data-testid="trend-labels"] li')]


def test_a_trend_drawn_once_is_drawn_anew_when_a_score_or_the_language_changes(
    login, client_profile, provider
):
    # Each trend's section is kept per process by its value (clinic.jinja2.kept_large).
    weekly_scores(provider, client_profile, [18, 15])
    http = login(provider.user)
    text = trend_section(client_page(http, client_profile), "phq9").get_text(" ", strip=True)
    assert "First score 18, latest 15 (Moderately severe)." in text
    latest = QuestionnaireResponse.objects.order_by("submitted_at").last()
    QuestionnaireResponse.objects.filter(pk=latest.pk).update(total=9, band="mild")
    text = trend_section(client_page(http, client_profile), "phq9").get_text(" ", strip=True)
    assert "First score 18, latest 9 (Mild)." in text
    provider.user.language = "es"
    provider.user.save()
    text = trend_section(client_page(http, client_profile), "phq9").get_text(" ", strip=True)
    assert "latest 9" not in text and "18" in text and "9" in text


def test_an_improving_phq9_is_labelled_improvement_response_and_remission(
    login, client_profile, provider
):
    weekly_scores(provider, client_profile, [18, 15, 12, 9, 7, 6, 5, 4])
    section = trend_section(client_page(login(provider.user), client_profile), "phq9")
    text = section.get_text(" ", strip=True)
    assert "First score 18, latest 4 (Minimal)." in text
    assert "14 points down since the first score." in text
    assert labels(section) == ["Reliable improvement", "Response", "Remission"]
    # The chart and the table show the same eight scores.
    assert len(section.select("svg circle")) == 8
    rows = section.select("table tbody tr")
    assert [row.select("td")[2].get_text(strip=True) for row in rows] == [
        "18",
        "15",
        "12",
        "9",
        "7",
        "6",
        "5",
        "4",
    ]
    # The severity bands are drawn behind the line.
    assert len(section.select("svg rect")) == len(PHQ9.bands)
    assert section.select_one("svg")["role"] == "img"


@pytest.mark.parametrize(
    ("kind", "totals", "expected"),
    [
        # PHQ-9: 6 points is reliable, 5 is not.
        ("phq9", [12, 6], ["Reliable improvement", "Response"]),
        ("phq9", [10, 4], ["Reliable improvement", "Response", "Remission"]),
        ("phq9", [10, 5], ["Response"]),
        ("phq9", [10, 16], ["Reliable deterioration"]),
        ("phq9", [10, 15], []),
        # GAD-7: 4 points is reliable, 3 is not; under 5 from 5 or more is remission.
        ("gad7", [8, 4], ["Reliable improvement", "Response", "Remission"]),
        ("gad7", [8, 5], []),
        ("gad7", [5, 4], ["Remission"]),
        ("gad7", [4, 2], ["Response"]),
        ("gad7", [6, 10], ["Reliable deterioration"]),
        ("gad7", [6, 9], []),
    ],
)
def test_change_labels_at_their_thresholds(login, client_profile, provider, kind, totals, expected):
    weekly_scores(provider, client_profile, totals, kind=kind)
    section = trend_section(client_page(login(provider.user), client_profile), kind)
    assert labels(section) == expected


def test_a_client_without_scores_has_no_measures_section(login, client_profile, provider):
    schedule(by=provider, client=client_profile)
    assert client_page(login(provider.user), client_profile).select_one("#measures") is None


# The client's page: the client with their scores (one query, EXISTS), the sessions, the
# care team, the scores.
TREND_PAGE_QUERIES = REQUEST_QUERIES + 4


@pytest.mark.parametrize("size", [1, 20])
def test_trend_page_query_count_does_not_grow(
    login, client_profile, provider, size, django_assert_num_queries
):
    weekly_scores(provider, client_profile, [(n * 7) % 28 for n in range(size)])
    http = login(provider.user)
    url = reverse("sessions_app:provider-client-detail", args=[client_profile.uuid])
    with django_assert_num_queries(TREND_PAGE_QUERIES):
        html = page(http.get(url))
    assert len(trend_section(html, "phq9").select("table tbody tr")) == size


@pytest.mark.parametrize("size", [1, 20])
def test_portal_progress_query_count_does_not_grow(
    login, client_profile, provider, size, django_assert_num_queries
):
    weekly_scores(provider, client_profile, [(n * 5) % 22 for n in range(size)], kind="gad7")
    http = login(client_profile.user)
    with django_assert_num_queries(REQUEST_QUERIES + 1):
        html = page(http.get(MEASURES))
    assert len(trend_section(html, "gad7").select("svg circle")) == size


def test_the_client_sees_their_own_chart_only(login, client_profile, other_client, provider):
    weekly_scores(provider, client_profile, [12, 8])
    weekly_scores(provider, other_client, [20, 25, 27])
    section = trend_section(page(login(client_profile.user).get(MEASURES)), "phq9")
    assert len(section.select("svg circle")) == 2
    assert "First score 12, latest 8" in section.get_text(" ", strip=True)
    assert trend_section(page(login(client_profile.user).get(MEASURES)), "gad7") is None


def test_the_client_list_shows_latest_scores_and_change(login, client_profile, provider):
    weekly_scores(provider, client_profile, [18, 11], gad7=[9, 12])
    html = page(login(provider.user).get(CLIENT_LIST))
    row = html.find("a", string=client_profile.user.full_name).find_parent("tr")
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert "11 (down 7 since the first)" in cells
    assert "12 (up 3 since the first)" in cells


@pytest.mark.parametrize("size", [1, 20])
def test_dashboard_attention_query_count_does_not_grow(
    login, clinic, provider, size, django_assert_num_queries
):
    from .factories import ClientFactory

    for _ in range(size):
        person = ClientFactory(clinic=clinic, care_team=[provider])
        flag(person, provider)
    http = login(provider.user)
    # The dashboard's reads, the attention section's among them (tests/test_provider_lists.py).
    with django_assert_num_queries(DASHBOARD_QUERIES):
        html = page(http.get(DASHBOARD))
    assert len(html.select('#needs-attention [data-testid="risk-marker"]')) == min(size, 10)


# --- escaping ---


def test_names_titles_and_contacts_are_escaped(login, clinic, provider, client_profile):
    evil = '<script>alert("x")</script>'
    clinic.crisis_contacts = evil
    clinic.save()
    client_profile.user.full_name = evil
    client_profile.user.save()
    session, assignment = questionnaire(provider, client_profile)
    Assignment.objects.filter(pk=assignment.pk).update(title=evil)
    services.questionnaire_submit(actor=client_profile.user, assignment=assignment, answers=[1] * 9)
    # Each page read by its own person: `login` logs the one test client in as them.
    for person, url in [
        (client_profile, detail_url(session)),
        (client_profile, MEASURES),
        (provider, DASHBOARD),
        (provider, CLIENT_LIST),
        (provider, reverse("sessions_app:provider-session-detail", args=[session.uuid])),
        (provider, reverse("sessions_app:provider-client-detail", args=[client_profile.uuid])),
    ]:
        content = login(person.user).get(url).content.decode()
        assert evil not in content, url
        assert "&lt;script&gt;" in content, url


# --- demo data ---


@pytest.mark.usefixtures("mfa_not_required")
def test_the_demo_has_chloes_improving_scores_and_dylans_flag():
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    for code in ("phq9", "gad7"):
        scores = list(
            QuestionnaireResponse.objects.filter(
                client__user__email="chloe@northside.example", instrument=code
            )
            .order_by("submitted_at")
            .values_list("total", "submitted_at")
        )
        assert len(scores) == 8
        totals = [total for total, _ in scores]
        assert totals == sorted(totals, reverse=True) and totals[0] - totals[-1] >= 10
        weeks = [(b - a).days for (_, a), (_, b) in itertools.pairwise(scores)]
        assert weeks == [7] * 7
    [dylan] = QuestionnaireResponse.objects.filter(client__user__email="dylan@northside.example")
    assert dylan.instrument == "phq9" and dylan.answers[8] == 1
    assert dylan.needs_attention
    # The clinics' crisis contacts.
    contacts = dict(Clinic.objects.values_list("slug", "crisis_contacts"))
    assert "988" in contacts["northside"]
    assert "116 123" in contacts["riverside"]


def test_a_provider_adds_a_questionnaire_on_the_session_page(login, session, provider):
    url = reverse("sessions_app:provider-assignment-add", args=[session.uuid])
    response = login(provider.user).post(url, {"kind": "gad7", "title": ""})
    assert response.status_code == 302
    added = session.assignments.get(kind="gad7")
    assert added.title == "GAD-7"


def test_an_unknown_kind_is_refused(login, session, provider):
    url = reverse("sessions_app:provider-assignment-add", args=[session.uuid])
    before = session.assignments.count()
    response = login(provider.user).post(url, {"kind": "beck", "title": "BDI"})
    assert "Select a valid choice" in page(response).get_text(" ", strip=True)
    assert session.assignments.count() == before


# The session page's reads (tests/test_provider_meetings.py), its questionnaires' answers, and
# the bell counted again (the first visit read the provider's notifications of the answers).
SESSION_PAGE_QUERIES = PROVIDER_SESSION_QUERIES + 1 + 1


@pytest.mark.parametrize("size", [1, 20])
def test_session_page_query_count_with_questionnaires_does_not_grow(
    login, client_profile, provider, size, django_assert_num_queries
):
    [session] = schedule(by=provider, client=client_profile)
    for index in range(size):
        assignment = services.assignment_add(
            actor=provider.user, session=session, kind=("phq9", "gad7")[index % 2]
        )
        answers = [1] * len(assignment.instrument.items)
        services.questionnaire_submit(
            actor=client_profile.user, assignment=assignment, answers=answers
        )
    http = login(provider.user)
    url = reverse("sessions_app:provider-session-detail", args=[session.uuid])
    http.get(url)
    with django_assert_num_queries(SESSION_PAGE_QUERIES):
        html = page(http.get(url))
    # Every other one is a PHQ-9, flagged (item 9 is 1): a banner and a badge on its card each.
    flagged = (size + 1) // 2
    assert len(html.select('[data-testid="risk-marker"]')) == 2 * flagged

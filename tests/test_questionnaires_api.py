"""The API's questionnaires (DESIGN.md section 12): items, answers, total and band in the
session's assignments; submitting answers, validated as the portal's form is; a client's
scores over time."""

import pytest
from rest_framework.renderers import JSONRenderer

from sessions_app import selectors, services
from sessions_app.api import output
from sessions_app.api.serializers import AssignmentSerializer
from sessions_app.models import Assignment, QuestionnaireResponse

from .api_helpers import API, schedule_body, token_client
from .sessions_helpers import schedule
from .test_questionnaires import PHQ9, flag, questionnaire, weekly_scores

pytestmark = pytest.mark.django_db


def submit(api, assignment, body):
    return api.post(f"{API}/assignments/{assignment.uuid}/submit/", body, format="json")


def test_a_provider_gives_a_questionnaire_through_the_api(ben, session):
    response = ben.post(
        f"{API}/sessions/{session.uuid}/assignments/", {"kind": "gad7"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["title"]) == ("gad7", "GAD-7")
    assert [item["number"] for item in body["questionnaire"]["items"]] == list(range(1, 8))
    assert all(item["answer"] is None for item in body["questionnaire"]["items"])
    assert body["questionnaire"]["total"] is None


def test_scheduling_through_the_api_gives_questionnaires_to_every_session(ben, client_profile):
    body = schedule_body(client_profile, repeat=3, homework=[{"kind": "phq9"}, {"title": "Walk"}])
    response = ben.post(f"{API}/sessions/", body, format="json")
    assert response.status_code == 201, response.json()
    for session in response.json()["sessions"]:
        kinds = [(a["kind"], a["title"]) for a in session["assignments"]]
        assert sorted(kinds) == [("phq9", "PHQ-9"), ("text", "Walk")]


def test_free_text_homework_through_the_api_still_needs_a_title(ben, session):
    before = Assignment.objects.count()
    response = ben.post(f"{API}/sessions/{session.uuid}/assignments/", {}, format="json")
    assert response.status_code == 400
    assert Assignment.objects.count() == before


def test_the_client_answers_and_the_session_shows_items_answers_total_and_band(
    chloe, ben, client_profile, provider
):
    session, assignment = questionnaire(provider, client_profile)
    response = submit(chloe, assignment, {"answers": [2, 2, 1, 1, 1, 1, 1, 1, 0]})
    assert response.status_code == 200, response.json()
    answer = response.json()["questionnaire"]
    assert (answer["total"], answer["band"], answer["band_label"]) == (10, "moderate", "Moderate")
    assert answer["flagged"] is False
    [homework] = ben.get(f"{API}/sessions/{session.uuid}/").json()["assignments"]
    items = homework["questionnaire"]["items"]
    assert [item["answer"] for item in items] == [2, 2, 1, 1, 1, 1, 1, 1, 0]
    assert items[8]["text"] == str(PHQ9.items[8])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answers": [1] * 8}, "answers"),
        ({"answers": [1] * 8 + [4]}, "item_9"),
        ({"answers": [1] * 8 + [-1]}, "item_9"),
        ({"answers": [1] * 8 + [None]}, "item_9"),
        ({"answers": [1] * 8 + [True]}, "item_9"),
        ({"answers": [1] * 8 + [1.5]}, "item_9"),
        ({"answers": [1] * 8 + ["1"]}, "item_9"),
        ({"answers": [1] * 8 + ["\u00b2"]}, "item_9"),
        ({"answers": "111111111"}, "answers"),
        ({"response": "I feel fine"}, "answers"),
        ({}, "answers"),
    ],
)
def test_bad_answers_are_refused_with_a_message_and_change_nothing(
    chloe, client_profile, provider, body, field
):
    _, assignment = questionnaire(provider, client_profile)
    response = submit(chloe, assignment, body)
    assert response.status_code == 400
    assert field in str(response.json())
    assert not QuestionnaireResponse.objects.exists()
    assert not Assignment.objects.get(pk=assignment.pk).is_completed


def test_answers_to_free_text_homework_are_refused(chloe, client_profile, provider):
    [session] = schedule(by=provider, client=client_profile, homework=["Journal"])
    assignment = session.assignments.get()
    response = submit(chloe, assignment, {"answers": [1] * 9})
    assert response.status_code == 400
    assert not Assignment.objects.get(pk=assignment.pk).is_completed


def test_another_clients_questionnaire_is_not_found(chloe, other_client, provider):
    _, assignment = questionnaire(provider, other_client)
    assert submit(chloe, assignment, {"answers": [1] * 9}).status_code == 404
    assert not QuestionnaireResponse.objects.exists()


def test_a_flag_shows_in_the_api_until_acknowledged(ben, client_profile, provider):
    session, assignment, _ = flag(client_profile, provider)
    [homework] = ben.get(f"{API}/sessions/{session.uuid}/").json()["assignments"]
    assert homework["questionnaire"]["needs_attention"] is True
    services.questionnaire_acknowledge(actor=provider.user, assignment=assignment)
    [homework] = ben.get(f"{API}/sessions/{session.uuid}/").json()["assignments"]
    assert homework["questionnaire"]["needs_attention"] is False
    assert homework["questionnaire"]["flagged"] is True


def test_the_assignment_is_what_the_serializer_gives(client_profile, provider):
    """output.py's dict for a questionnaire equals the serializer's (the schema's source)."""
    _, assignment, _ = flag(client_profile, provider)
    rows = selectors.api_assignment_rows(assignment_id=assignment.pk)
    assignment = Assignment.objects.get(pk=assignment.pk)
    expected = AssignmentSerializer(assignment).data
    renderer = JSONRenderer()
    assert renderer.render(output.assignment(rows)) == renderer.render(expected)


def test_measures_give_a_clients_scores_over_time(ben, client_profile, provider):
    weekly_scores(provider, client_profile, [18, 12, 9, 4], gad7=[12, 9])
    response = ben.get(f"{API}/clients/{client_profile.uuid}/measures/")
    assert response.status_code == 200
    body = response.json()
    assert body["client"]["id"] == str(client_profile.uuid)
    phq9, gad7 = body["measures"]
    assert [score["total"] for score in phq9["scores"]] == [18, 12, 9, 4]
    assert phq9["scores"][-1]["band"] == "minimal"
    assert (phq9["change"], phq9["reliable_improvement"], phq9["remission"]) == (-14, True, True)
    assert (gad7["instrument"], gad7["change"], gad7["response"]) == ("gad7", -3, False)


def test_measures_are_for_the_care_team_and_the_client_alone(
    client_profile, provider, off_team_provider, other_client, chloe
):
    weekly_scores(provider, client_profile, [10])
    url = f"{API}/clients/{client_profile.uuid}/measures/"
    assert token_client(off_team_provider.user).get(url).status_code == 404
    assert token_client(other_client.user).get(url).status_code == 404
    assert chloe.get(url).status_code == 200
    assert chloe.get(f"{API}/clients/not-a-uuid/measures/").status_code == 404


def test_the_wording_follows_each_requests_language(ben, client_profile, provider):
    """The questionnaires are kept per language (output._questionnaire): English, then Spanish,
    then English again, each in its own."""
    session, _ = questionnaire(provider, client_profile)
    path = f"{API}/sessions/{session.uuid}/"

    def wording(language):
        [homework] = ben.get(path, HTTP_ACCEPT_LANGUAGE=language).json()["assignments"]
        found = homework["questionnaire"]
        return found["instructions"], found["scale"][0]["label"], found["items"][0]["text"]

    english = wording("en")
    assert english[1:] == ("Not at all", "Little interest or pleasure in doing things")
    spanish = wording("es")
    assert spanish[1] == "Ningún día"
    assert all(a != b for a, b in zip(spanish, english, strict=True))
    assert wording("en") == english

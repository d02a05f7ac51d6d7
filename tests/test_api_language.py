"""The API's error texts are in the requester's language: the one chosen on their account
(User.language), known only once DRF has read their token, else the browser's
Accept-Language. Error codes stay the same English identifiers in every language."""

import pytest

from sessions_app import services

from .api_helpers import API, invalid_fields, problem_of, schedule_body, token_client
from .sessions_helpers import schedule


@pytest.fixture
def closed(provider, client_profile):
    [session] = schedule(by=provider, client=client_profile)
    services.session_close(actor=provider.user, session=session, note="Done.", force=True)
    return session


def speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return token_client(user)


def test_a_spanish_speaker_gets_a_spanish_409(provider, closed):
    api = speaking(provider.user, "es")
    response = api.post(f"{API}/sessions/{closed.uuid}/close/", {}, format="json")
    body = problem_of(response, 409)
    assert (body["detail"], body["code"]) == ("Esta sesión ya está cerrada.", "already_closed")
    assert response["Content-Language"] == "es"


def test_a_spanish_speaker_gets_spanish_400s(provider, client_profile):
    api = speaking(provider.user, "es")
    missing = api.post(f"{API}/sessions/", {"client": str(client_profile.uuid)}, format="json")
    assert invalid_fields(missing)["starts_at"] == ["Este campo es requerido."]  # DRF's own
    backwards = schedule_body(client_profile, starts_at="2027-03-08T09:00")
    backwards["ends_at"] = "2027-03-01T09:00"
    refused = api.post(f"{API}/sessions/", backwards, format="json")
    assert invalid_fields(refused) == {"ends_at": ["La sesión debe terminar después de empezar."]}
    assert problem_of(refused, 400)["detail"] == "La sesión debe terminar después de empezar."


def test_a_spanish_speaker_gets_a_spanish_403(client_profile):
    api = speaking(client_profile.user, "es")
    response = api.post(f"{API}/sessions/", schedule_body(client_profile), format="json")
    body = problem_of(response, 403)
    assert body["detail"] == "Solo los profesionales de atención pueden hacer esto."
    assert body["code"] == "permission_denied"


def test_the_chosen_language_wins_over_the_browsers(provider, closed):
    path = f"{API}/sessions/{closed.uuid}/close/"
    english = speaking(provider.user, "en").post(path, {}, format="json", HTTP_ACCEPT_LANGUAGE="es")
    assert english.json()["detail"] == "This session is already closed."
    assert english["Content-Language"] == "en"


def test_without_a_choice_the_browsers_language_is_used(provider, closed):
    api = speaking(provider.user, "")
    path = f"{API}/sessions/{closed.uuid}/close/"
    spanish = api.post(path, {}, format="json", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.json()["detail"] == "Esta sesión ya está cerrada."
    english = api.post(path, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == "This session is already closed."

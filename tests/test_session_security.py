"""Log-in sessions: automatic logoff, logout and deactivation end them on the server, a
password change ends the person's other sessions."""

import time

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session as StoredSession
from django.test import Client as HttpClient

from clinic.backends import AuthenticationBackend
from clinic.security import LAST_SEEN, LOGIN_AT

from .api_helpers import new_token_key
from .factories import PASSWORD

LOGIN_URL = "/accounts/login/"


def _logged_in(user):
    http_client = HttpClient()
    http_client.force_login(user)
    return http_client


def _move_clock(http_client, **seconds_ago):
    """Pretend the log-in (login_at) or the last request (last_seen) was that long ago."""
    session = http_client.session
    now = int(time.time())
    if "login_at" in seconds_ago:
        session[LOGIN_AT] = now - seconds_ago["login_at"]
    if "last_seen" in seconds_ago:
        session[LAST_SEEN] = now - seconds_ago["last_seen"]
    session.save()


def _is_sent_to_login(response, url):
    return response.status_code == 302 and response["Location"] == f"{LOGIN_URL}?next={url}"


def _session_cookie(http_client):
    return http_client.cookies[settings.SESSION_COOKIE_NAME].value


def _replay(cookie_value):
    thief = HttpClient()
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie_value
    return thief


# Automatic logoff


def test_defaults_are_fifteen_minutes_idle_and_twelve_hours_in_all():
    assert settings.SESSION_IDLE_TIMEOUT == 15 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 3600


def test_session_ends_after_the_idle_time(provider):
    http_client = _logged_in(provider.user)
    old_key = http_client.session.session_key
    _move_clock(http_client, last_seen=settings.SESSION_IDLE_TIMEOUT + 1)
    response = http_client.get("/provider/")
    assert _is_sent_to_login(response, "/provider/")
    assert SESSION_KEY not in http_client.session
    assert not StoredSession.objects.filter(session_key=old_key).exists()
    page = http_client.get(response["Location"])
    assert "You were logged out after 15 minutes without activity." in page.content.decode()


def test_activity_keeps_the_session_alive(provider):
    http_client = _logged_in(provider.user)
    _move_clock(http_client, last_seen=settings.SESSION_IDLE_TIMEOUT - 60)
    assert http_client.get("/provider/").status_code == 200
    # The request counts as activity: the idle clock starts again.
    assert int(time.time()) - http_client.session[LAST_SEEN] < 5
    assert http_client.get("/provider/").status_code == 200


def test_activity_is_written_at_most_once_a_minute(provider):
    # Writing the session on every request would add a query to every page.
    http_client = _logged_in(provider.user)
    _move_clock(http_client, last_seen=30)
    before = http_client.session[LAST_SEEN]
    http_client.get("/provider/")
    assert http_client.session[LAST_SEEN] == before


def test_session_ends_after_the_absolute_limit_whatever_the_activity(provider):
    http_client = _logged_in(provider.user)
    _move_clock(http_client, login_at=settings.SESSION_ABSOLUTE_TIMEOUT + 1, last_seen=10)
    response = http_client.get("/provider/")
    assert _is_sent_to_login(response, "/provider/")
    page = http_client.get(response["Location"])
    assert "You were logged out 12 hours after logging in." in page.content.decode()


def test_timeouts_follow_the_settings(provider, settings):
    settings.SESSION_IDLE_TIMEOUT = 120
    http_client = _logged_in(provider.user)
    _move_clock(http_client, last_seen=100)
    assert http_client.get("/provider/").status_code == 200
    _move_clock(http_client, last_seen=121)
    assert _is_sent_to_login(http_client.get("/provider/"), "/provider/")


def test_a_real_log_in_starts_both_clocks(client, client_profile):
    client.post(LOGIN_URL, {"login": client_profile.user.email, "password": PASSWORD})
    now = int(time.time())
    assert now - client.session[LOGIN_AT] < 5
    assert now - client.session[LAST_SEEN] < 5


def test_api_by_session_answers_401_after_the_idle_time(provider):
    http_client = _logged_in(provider.user)
    assert http_client.get("/api/v1/me/").status_code == 200
    _move_clock(http_client, last_seen=settings.SESSION_IDLE_TIMEOUT + 1)
    assert http_client.get("/api/v1/me/").status_code == 401
    assert http_client.get("/api/v1/me/").status_code == 401


# Logout, deactivation, password change


def test_logout_ends_the_session_on_the_server(provider):
    http_client = _logged_in(provider.user)
    cookie = _session_cookie(http_client)
    assert _replay(cookie).get("/provider/").status_code == 200
    http_client.post("/accounts/logout/")
    assert not StoredSession.objects.filter(session_key=cookie).exists()
    assert _is_sent_to_login(_replay(cookie).get("/provider/"), "/provider/")
    assert _replay(cookie).get("/api/v1/me/").status_code == 401


def test_log_in_goes_through_the_projects_backend():
    # The deactivation tests below test this backend, not only Django's.
    assert settings.AUTHENTICATION_BACKENDS == ["clinic.backends.AuthenticationBackend"]


def test_deactivating_a_person_ends_all_their_sessions(provider):
    laptop, phone = _logged_in(provider.user), _logged_in(provider.user)
    assert laptop.session[BACKEND_SESSION_KEY] == "clinic.backends.AuthenticationBackend"
    token = new_token_key(provider.user)
    provider.user.is_active = False
    provider.user.save()
    assert AuthenticationBackend().get_user(provider.user.pk) is None
    for http_client in (laptop, phone):
        assert _is_sent_to_login(http_client.get("/provider/"), "/provider/")
    api = HttpClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert api.status_code == 401

    # Ended for good: reactivating the person does not bring the old sessions back.
    provider.user.is_active = True
    provider.user.save()
    assert _is_sent_to_login(laptop.get("/provider/"), "/provider/")


def test_deactivated_session_cookie_no_longer_exists_on_the_server(provider):
    http_client = _logged_in(provider.user)
    cookie = _session_cookie(http_client)
    provider.user.is_active = False
    provider.user.save()
    http_client.get("/provider/")
    assert not StoredSession.objects.filter(session_key=cookie).exists()


@pytest.mark.parametrize("via", ["password change", "password reset"])
def test_a_password_change_ends_the_persons_other_sessions(client_profile, via, mailoutbox):
    user = client_profile.user
    here, elsewhere = _logged_in(user), _logged_in(user)
    new_password = "a-brand-new-passphrase-7"
    if via == "password change":
        response = here.post(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
        )
        assert response.status_code == 302
        # The session that changed it goes on.
        assert here.get("/portal/").status_code == 200
    else:
        HttpClient().post("/accounts/password/reset/", {"email": user.email})
        link = next(w for w in mailoutbox[-1].body.split() if "/password/reset/key/" in w)
        stranger = HttpClient()
        form_url = stranger.get(link)["Location"]
        stranger.post(form_url, {"password1": new_password, "password2": new_password})
        assert _is_sent_to_login(here.get("/portal/"), "/portal/")
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert _is_sent_to_login(elsewhere.get("/portal/"), "/portal/")


def test_the_logoff_reason_is_one_sentence_in_the_persons_language(provider, settings):
    provider.user.language = "es"
    provider.user.save(update_fields=["language"])
    http_client = _logged_in(provider.user)
    _move_clock(http_client, last_seen=settings.SESSION_IDLE_TIMEOUT + 1)
    response = http_client.get("/provider/")
    page = http_client.get(response["Location"], headers={"accept-language": "es"})
    assert "Se cerró tu sesión tras 15 minutos sin actividad. Vuelve a iniciar sesión." in (
        page.content.decode()
    )


@pytest.mark.parametrize(
    ("idle", "absolute", "clock", "reason"),
    [
        (60, 12 * 3600, {"last_seen": 61}, "after 1 minute without activity"),
        (3600, 12 * 3600, {"last_seen": 3601}, "after 1 hour without activity"),
        (15 * 60, 3600, {"login_at": 3601, "last_seen": 10}, "1 hour after logging in"),
        (60, 90, {"login_at": 91, "last_seen": 10}, "1 minute after logging in"),
    ],
)
def test_the_logoff_reason_counts_in_whole_hours_or_minutes(
    provider, settings, idle, absolute, clock, reason
):
    settings.SESSION_IDLE_TIMEOUT = idle
    settings.SESSION_ABSOLUTE_TIMEOUT = absolute
    http_client = _logged_in(provider.user)
    _move_clock(http_client, **clock)
    response = http_client.get("/provider/")
    page = http_client.get(response["Location"]).content.decode()
    assert f"You were logged out {reason}. Please log in again." in page

"""Brute force: allauth's rate limits per account, in a cache every process shares, and
answers that never tell whether an email address has an account."""

import os
import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client as HttpClient

from .factories import PASSWORD
from .mfa_helpers import MFA_URL

LOGIN_URL = "/accounts/login/"
RESET_URL = "/accounts/password/reset/"
RESET_DONE_URL = "/accounts/password/reset/done/"
TOO_MANY = "Too many failed login attempts. Try again later."


def _attempt(email, password, *, ip):
    # Each attempt from another address: the per-account limit must hold on its own, not
    # only through the per-IP one.
    return HttpClient(REMOTE_ADDR=ip).post(LOGIN_URL, {"login": email, "password": password})


def _fail_five_times(email):
    for n in range(5):
        response = _attempt(email, "wrong-password", ip=f"203.0.113.{n + 1}")
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()


def _page_text(response, email):
    """The page without what differs by nature: the typed address and the CSRF token."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return text.replace(email, "EMAIL")


def test_sixth_failed_login_for_an_account_is_refused_even_with_the_right_password(provider):
    _fail_five_times(provider.user.email)
    http_client = HttpClient(REMOTE_ADDR="198.51.100.7")
    response = http_client.post(LOGIN_URL, {"login": provider.user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert SESSION_KEY not in http_client.session
    # Refused before the password was even checked: no second step was offered.
    assert MFA_URL not in response.content.decode()


def test_the_lockout_is_per_account(provider, clinic_admin):
    _fail_five_times(provider.user.email)
    response = _attempt(clinic_admin.user.email, PASSWORD, ip="198.51.100.7")
    assert response.status_code == 302
    assert response["Location"] == MFA_URL


def test_lockout_answers_a_known_and_an_unknown_email_alike(provider):
    unknown = "nobody@northside.test"
    _fail_five_times(provider.user.email)
    _fail_five_times(unknown)
    known_page = _attempt(provider.user.email, "wrong-password", ip="198.51.100.7")
    unknown_page = _attempt(unknown, "wrong-password", ip="198.51.100.8")
    assert known_page.status_code == unknown_page.status_code == 200
    assert TOO_MANY in unknown_page.content.decode()
    assert _page_text(known_page, provider.user.email) == _page_text(unknown_page, unknown)


def test_sixth_password_reset_for_an_account_is_refused(provider):
    for n in range(5):
        response = HttpClient(REMOTE_ADDR=f"203.0.113.{n + 1}").post(
            RESET_URL, {"email": provider.user.email}
        )
        assert response.status_code == 302
        assert response["Location"] == RESET_DONE_URL
    assert len(mail.outbox) == 5
    response = HttpClient(REMOTE_ADDR="198.51.100.7").post(
        RESET_URL, {"email": provider.user.email}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert len(mail.outbox) == 5


def test_password_reset_answers_a_known_and_an_unknown_email_alike(provider):
    unknown = "nobody@northside.test"
    answers = {}
    for email in (provider.user.email, unknown):
        http_client = HttpClient()
        response = http_client.post(RESET_URL, {"email": email})
        done = http_client.get(response["Location"])
        answers[email] = (response.status_code, response["Location"], _page_text(done, email))
    assert answers[provider.user.email] == answers[unknown]
    # Only the mailbox tells, and only its owner reads it.
    assert {tuple(message.to) for message in mail.outbox} == {(provider.user.email,), (unknown,)}


def test_password_reset_lockout_answers_a_known_and_an_unknown_email_alike(provider):
    unknown = "nobody@northside.test"
    refusals = []
    for email in (provider.user.email, unknown):
        for n in range(5):
            HttpClient(REMOTE_ADDR=f"203.0.113.{n + 1}").post(RESET_URL, {"email": email})
        response = HttpClient(REMOTE_ADDR="198.51.100.9").post(RESET_URL, {"email": email})
        refusals.append((response.status_code, _page_text(response, email)))
    assert refusals[0] == refusals[1]
    assert refusals[0][0] == 429


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is unset")
def test_rate_limits_are_counted_in_redis_when_redis_url_is_set(provider):
    import redis

    assert settings.CACHES["default"]["BACKEND"] == "clinic.cache.RedisCache"
    _fail_five_times(provider.user.email)
    # Another connection, as another web process would have, sees the count.
    server = redis.Redis.from_url(os.environ["REDIS_URL"])
    assert any(b"login_failed" in key for key in server.scan_iter(match="*allauth:rl:*"))
    response = _attempt(provider.user.email, PASSWORD, ip="198.51.100.7")
    assert TOO_MANY in response.content.decode()


def test_the_too_many_attempts_page_reads_in_the_browsers_language(provider):
    for n in range(5):
        HttpClient(REMOTE_ADDR=f"203.0.113.{n + 1}").post(RESET_URL, {"email": provider.user.email})
    response = HttpClient(REMOTE_ADDR="198.51.100.7", headers={"accept-language": "es"}).post(
        RESET_URL, {"email": provider.user.email}
    )
    assert response.status_code == 429
    page = response.content.decode()
    assert "<h1>Demasiados intentos</h1>" in page
    assert 'href="/accounts/login/">Volver a la página de inicio de sesión</a>' in page

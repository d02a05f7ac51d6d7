"""The database goes away (issue 20): pages answer the product's 503 page, the API problem
details with code "unavailable", both with Retry-After; log-ins tried meanwhile count no
lock-out; one log line per failed request; and all is well again without a restart.

The outage is real for the driver: the test's connection is pointed at a closed port
(PostgreSQL) or at a file in a folder that does not exist (SQLite), so every request that
reaches the database fails to connect, as when the server is stopped. Transactional tests,
since the connection of an atomic test could not be closed.
"""

import logging
import socket
from contextlib import contextmanager

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connections
from django.test import Client as HttpClient
from django.test import override_settings

from clinic import failures

from .api_helpers import API, new_token_key
from .factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN_URL = "/accounts/login/"


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free once closed: nothing listens there


@contextmanager
def database_down():
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    else:
        connection.settings_dict["NAME"] = "/nonexistent-caresessions/down.sqlite3"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.fixture(autouse=True)
def _fresh_traceback_clock(monkeypatch):
    # Each test sees the first traceback of an outage, whatever ran in this process before.
    monkeypatch.setattr(failures, "_last_traceback", {})


def _browser(user=None, **defaults):
    # Django's client re-raises a request's exception by default; a server answers it.
    http = HttpClient(raise_request_exception=False, **defaults)
    if user is not None:
        http.force_login(user)
    return http


def _api(user):
    return HttpClient(
        raise_request_exception=False, headers={"authorization": f"Token {new_token_key(user)}"}
    )


def _assert_unavailable_page(response):
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == str(failures.RETRY_AFTER)
    assert response["Content-Type"].startswith("text/html")
    assert response["X-Request-ID"]
    page = response.content.decode()
    assert "<h1>Temporarily unavailable</h1>" in page
    assert "Traceback" not in page and "OperationalError" not in page


def _assert_unavailable_problem(response):
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == str(failures.RETRY_AFTER)
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "unavailable" and body["status"] == 503
    assert body["detail"] and body["title"]


def test_pages_answer_the_products_503_page_with_retry_after(provider, client_profile):
    pages = {
        "/provider/": _browser(provider.user),
        "/provider/sessions/": _browser(provider.user),
        "/portal/": _browser(client_profile.user),
    }
    with database_down():
        for path, http in pages.items():
            _assert_unavailable_page(http.get(path))
        # A form sent meanwhile too.
        _assert_unavailable_page(pages["/provider/"].post("/accounts/settings/", {"language": ""}))


def test_the_503_page_reads_in_the_browsers_language(provider):
    http = _browser(provider.user, headers={"accept-language": "es"})
    with database_down():
        response = http.get("/provider/")
    assert response.status_code == 503
    assert '<html lang="es">' in response.content.decode()


def test_the_api_answers_503_problem_details(provider):
    by_token = _api(provider.user)
    by_session = _browser(provider.user)
    with database_down():
        _assert_unavailable_problem(by_token.get(f"{API}/sessions/"))
        _assert_unavailable_problem(by_token.get(f"{API}/me/"))
        _assert_unavailable_problem(by_session.get(f"{API}/sessions/"))
        _assert_unavailable_problem(
            by_token.post(f"{API}/sessions/", data={}, content_type="application/json")
        )


def test_log_ins_tried_during_an_outage_count_towards_no_lock_out(client_profile):
    email = client_profile.user.email
    http = _browser(REMOTE_ADDR="198.51.100.7")
    with database_down():
        # Past both limits: 5 per account and 20 per address in 5 minutes.
        for password in [PASSWORD, "wrong-password"] * 11:
            response = http.post(LOGIN_URL, {"login": email, "password": password})
            _assert_unavailable_page(response)
    response = http.post(LOGIN_URL, {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    assert http.session[SESSION_KEY] == str(client_profile.user.pk)


def test_everything_recovers_without_a_restart(provider):
    page, api = _browser(provider.user), _api(provider.user)
    with database_down():
        assert page.get("/provider/").status_code == 503
        assert api.get(f"{API}/sessions/").status_code == 503
        assert page.get("/readyz").status_code == 503
    assert page.get("/provider/").status_code == 200
    assert api.get(f"{API}/sessions/").status_code == 200
    assert page.get("/readyz").content == b"ok"


def test_readyz_names_the_database_and_healthz_stays_up(db):
    http = _browser()
    assert http.get("/readyz").status_code == 200
    with database_down():
        ready = http.get("/readyz")
        alive = http.get("/healthz")
    assert ready.status_code == 503
    assert ready["Retry-After"]
    # What is down, by name only: no host, port, driver message or version.
    assert ready.content.decode() == "unavailable: database"
    assert alive.status_code == 200 and alive.content == b"ok"


def test_readyz_names_redis_when_it_does_not_answer(db):
    away = {
        "default": {
            "BACKEND": "clinic.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25},
        }
    }
    http = _browser()
    with override_settings(CACHES=away):
        ready = http.get("/readyz")
        assert ready.status_code == 503
        assert ready.content.decode() == "unavailable: redis"
        with database_down():
            both = http.get("/readyz")
        assert both.content.decode() == "unavailable: database, redis"


def test_an_outage_logs_one_line_per_failed_request_and_one_traceback(
    provider, client_profile, caplog
):
    page, api, anonymous = _browser(provider.user), _api(provider.user), _browser()
    caplog.set_level(logging.INFO)
    with database_down():
        responses = [page.get("/provider/") for _ in range(8)]
        responses += [api.get(f"{API}/sessions/") for _ in range(8)]
        responses += [
            anonymous.post(LOGIN_URL, {"login": client_profile.user.email, "password": "x"})
            for _ in range(4)
        ]
    assert [r.status_code for r in responses] == [503] * 20
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 20, [r.getMessage() for r in records]
    ids = set()
    for record, response in zip(records, responses, strict=True):
        message = record.getMessage()
        assert "\n" not in message
        assert "exception=django.db.utils.OperationalError" in message
        rid = response["X-Request-ID"]
        assert f"id={rid} " in message
        ids.add(rid)
    assert len(ids) == 20
    assert sum(1 for r in records if r.exc_info) == 1


def test_any_other_failure_is_a_500_page_and_one_line_too(provider, caplog, monkeypatch):
    from clinic import selectors as clinic_selectors

    def broken(**kwargs):
        raise RuntimeError("boom")

    # The dashboard of a provider on no care team asks for the clinic's admins: it breaks.
    monkeypatch.setattr(clinic_selectors, "has_clients", lambda **kwargs: False)
    monkeypatch.setattr(clinic_selectors, "clinic_admins", broken)
    http = _browser(provider.user)
    caplog.set_level(logging.INFO)
    responses = [http.get("/provider/") for _ in range(3)]
    assert [r.status_code for r in responses] == [500] * 3
    assert "Something went wrong" in responses[0].content.decode()
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.levelno for r in records] == [logging.ERROR] * 3
    assert all("exception=builtins.RuntimeError" in r.getMessage() for r in records)
    assert [bool(r.exc_info) for r in records] == [True, False, False]

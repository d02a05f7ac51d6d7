"""API tokens (command and account page), throttling, the OpenAPI schema and its docs."""

import concurrent.futures
import io
import json
import re
import threading
import time

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import UserRateThrottle

from sessions_app.api.schema import SchemaView

from .api_helpers import API, token_client

TOKEN_PAGE = "/accounts/api-token/"


def with_key(key):
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return caller


def me_status(key):
    return with_key(key).get(f"{API}/me/").status_code


# --- tokens ----------------------------------------------------------------------------------


def test_drf_create_token_command_makes_a_working_token(provider):
    out = io.StringIO()
    call_command("drf_create_token", "ben@northside.test", stdout=out)
    key = re.search(r"Generated token (\w+) for user", out.getvalue()).group(1)
    assert key == Token.objects.get(user=provider.user).key
    assert with_key(key).get(f"{API}/me/").json()["id"] == str(provider.uuid)


@pytest.fixture
def page(login, provider):
    return login(provider.user)


def new_key(response):
    field = BeautifulSoup(response.content, "html.parser").find(id="new-token")
    return field["value"] if field else None


def test_token_page_shows_a_new_key_once(page, provider):
    assert page.get(TOKEN_PAGE).status_code == 200
    assert not Token.objects.filter(user=provider.user).exists()

    created = page.post(TOKEN_PAGE, {"action": "create"})
    assert created.status_code == 200
    key = new_key(created)
    assert key == Token.objects.get(user=provider.user).key
    assert me_status(key) == 200
    # The key is a secret: nothing may keep a copy of the page.
    assert "no-store" in created["Cache-Control"]

    later = page.get(TOKEN_PAGE)
    assert new_key(later) is None
    assert key not in later.content.decode()
    assert "You have a token" in later.content.decode()


def test_revoking_makes_the_token_fail(page, provider):
    key = new_key(page.post(TOKEN_PAGE, {"action": "create"}))
    response = page.post(TOKEN_PAGE, {"action": "revoke"}, follow=True)
    assert response.redirect_chain[-1][0] == TOKEN_PAGE
    assert "revoked" in response.content.decode()
    assert not Token.objects.filter(user=provider.user).exists()
    assert me_status(key) == 401


def test_replacing_makes_the_old_token_fail(page):
    old = new_key(page.post(TOKEN_PAGE, {"action": "create"}))
    new = new_key(page.post(TOKEN_PAGE, {"action": "create"}))
    assert old != new
    assert me_status(old) == 401
    assert me_status(new) == 200


def test_a_client_gets_a_token_too(login, client_profile):
    key = new_key(login(client_profile.user).post(TOKEN_PAGE, {"action": "create"}))
    assert with_key(key).get(f"{API}/me/").json()["role"] == "client"


def test_token_page_needs_a_log_in(client, db):
    response = client.get(TOKEN_PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.post(TOKEN_PAGE, {"action": "create"}).status_code == 302
    assert not Token.objects.exists()


def test_one_persons_token_page_never_touches_anothers_token(login, provider, clinic_admin):
    theirs = Token.objects.create(user=clinic_admin.user)
    page = login(provider.user)
    page.post(TOKEN_PAGE, {"action": "create"})
    page.post(TOKEN_PAGE, {"action": "revoke"})
    assert me_status(theirs.key) == 200


# --- throttling ------------------------------------------------------------------------------


def test_too_many_requests_are_429(monkeypatch, provider, client_profile):
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "3/minute")
    ben = token_client(provider.user)
    assert [ben.get(f"{API}/me/").status_code for _ in range(3)] == [200, 200, 200]
    refused = ben.get(f"{API}/me/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"].lower()
    # Per user: someone else is not held back.
    assert token_client(client_profile.user).get(f"{API}/me/").status_code == 200


def test_throttle_limit_is_in_the_docs(settings, provider):
    schema = token_client(provider.user).get("/api/schema/?format=json").json()
    assert settings.API_THROTTLE_USER in schema["info"]["description"]


# --- the schema ------------------------------------------------------------------------------


@pytest.fixture
def schema(provider):
    response = token_client(provider.user).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_needs_a_log_in(db):
    assert APIClient().get("/api/schema/").status_code == 401


def test_schema_is_served_and_validates(provider, tmp_path):
    yaml = token_client(provider.user).get("/api/schema/")
    assert yaml.status_code == 200
    assert yaml.content.startswith(b"openapi: 3.0.3")
    # drf-spectacular's own validation, failing on any warning as well.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")


def test_schema_generations_in_one_process_run_one_at_a_time(monkeypatch):
    # drf-spectacular's first generation in a process writes onto its extension classes;
    # two threads generating at once could read that half-written and answer 500.
    running, most = 0, 0
    count_lock = threading.Lock()

    def generate(self, request=None, public=False):
        nonlocal running, most
        with count_lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with count_lock:
            running -= 1
        return {"openapi": "3.0.3"}

    monkeypatch.setattr(SchemaView.generator_class, "get_schema", generate)
    view = SchemaView.as_view(authentication_classes=[], permission_classes=[])
    request = APIRequestFactory().get("/api/schema/", {"format": "json"})
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda _: view(request).status_code, range(4)))

    assert statuses == [200] * 4
    assert most == 1


def test_schema_has_every_endpoint_of_the_design(schema):
    operations = {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert operations == {
        ("GET", "/api/v1/me/"),
        ("GET", "/api/v1/calendar/"),
        ("GET", "/api/v1/clients/"),
        ("GET", "/api/v1/sessions/"),
        ("POST", "/api/v1/sessions/"),
        ("GET", "/api/v1/sessions/{id}/"),
        ("PATCH", "/api/v1/sessions/{id}/"),
        ("POST", "/api/v1/sessions/{id}/close/"),
        ("POST", "/api/v1/sessions/{id}/cancel/"),
        ("POST", "/api/v1/sessions/{id}/assignments/"),
        ("POST", "/api/v1/assignments/{id}/submit/"),
        ("POST", "/api/v1/assignments/{id}/feedback/"),
        ("GET", "/api/v1/sessions/{id}/messages/"),
        ("POST", "/api/v1/sessions/{id}/messages/"),
    }


def test_schema_documents_every_body_and_error_status(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            where = f"{method.upper()} {path}"
            assert {"401", "403", "429"} <= statuses, where
            assert any(s.startswith("2") for s in statuses), where
            if "{id}" in path:
                assert "404" in statuses, where
            if method in {"post", "patch"}:
                assert operation["requestBody"]["content"]["application/json"]["schema"], where
                # Every write: its state conflicts, the Idempotency-Key and its reuse (422).
                assert {"400", "409", "422"} <= statuses, where
                headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
                assert headers == ["Idempotency-Key"], where
            for status, response in operation["responses"].items():
                assert response["description"], (where, status)
                assert response["content"]["application/json"]["schema"], (where, status)


def test_schema_describes_the_session_shape(schema):
    session = schema["components"]["schemas"]["Session"]["properties"]
    assert set(session) == {
        "id", "series_id", "sequence", "number", "client", "provider", "created_by",
        "starts_at", "ends_at", "meeting", "status", "timing", "closed_at", "closed_by",
        "close_note", "cancelled_at", "cancelled_by", "cancel_reason", "assignments",
        "messages",
    }  # fmt: skip
    timing = session["timing"]["allOf"][0]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][timing]["enum"]) == {
        "upcoming",
        "in_progress",
        "overdue",
        "closed",
        "cancelled",
    }
    status = session["status"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][status]["enum"]) == {"open", "closed", "cancelled"}
    meeting = session["meeting"]["allOf"][0]["$ref"].rsplit("/", 1)[1]
    assert session["meeting"]["nullable"] is True
    assert set(schema["components"]["schemas"][meeting]["properties"]) == {
        "starts_at",
        "minutes",
        "place",
        "video_url",
    }


# --- the docs --------------------------------------------------------------------------------


def test_docs_render_from_local_assets_only(login, provider):
    page = login(provider.user)
    response = page.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    soup = BeautifulSoup(response.content, "html.parser")
    assets = [tag["src"] for tag in soup.find_all("script", src=True)] + [
        tag["href"] for tag in soup.find_all("link", href=True)
    ]
    assert any("swagger-ui-bundle.js" in url for url in assets)
    assert any("swagger-ui.css" in url for url in assets)
    for url in assets:
        assert url.startswith("/") and not url.startswith("//"), url
        assert url.startswith("/static/") or url.startswith("/api/docs/"), url
        asset = page.get(url)
        assert asset.status_code == 200, url
        if url.startswith("/api/docs/"):  # the page's own set-up script
            assert not re.search(rb"https?://", asset.content), url
    assert not re.search(rb"https?://", response.content)
    assert not soup.find_all("script", src=False, string=True)

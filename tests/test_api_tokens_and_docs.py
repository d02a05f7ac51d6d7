"""API tokens (command and account page), throttling, the OpenAPI schema and its docs."""

import concurrent.futures
import io
import json
import re
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client as HttpClient
from django.utils import timezone
from knox.crypto import hash_token
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import UserRateThrottle

from clinic import settings as clinic_settings
from clinic.models import ApiToken
from sessions_app.api.schema import SchemaView

from .api_helpers import API, new_token_key, token_client
from .factories import PASSWORD

TOKEN_PAGE = "/accounts/api-token/"
CREATE_URL = "/accounts/api-token/new/"
REAUTH_URL = "/accounts/reauthenticate/"


def with_key(key):
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return caller


def me_status(key):
    return with_key(key).get(f"{API}/me/").status_code


# --- tokens ----------------------------------------------------------------------------------


def test_create_api_token_command_prints_a_working_key_once(provider):
    out = io.StringIO()
    call_command("create_api_token", "ben@northside.test", "--name", "Reports", stdout=out)
    key = re.search(r"^([0-9a-f]{64})$", out.getvalue(), re.M).group(1)
    token = ApiToken.objects.get(user=provider.user)
    assert token.name == "Reports"
    assert key not in token.digest and token.digest != key  # only a hash is kept
    assert with_key(key).get(f"{API}/me/").json()["id"] == str(provider.uuid)


@pytest.fixture
def page(login, provider):
    page = login(provider.user)
    page.post(REAUTH_URL, {"password": PASSWORD})
    return page


def new_key(response):
    field = BeautifulSoup(response.content, "html.parser").find(id="new-token")
    return field["value"] if field else None


def create(page, name="Reports script"):
    return page.post(CREATE_URL, {"name": name})


def test_token_page_shows_a_new_key_once(page, provider):
    assert page.get(TOKEN_PAGE).status_code == 200
    assert not ApiToken.objects.filter(user=provider.user).exists()

    created = create(page)
    assert created.status_code == 200
    key = new_key(created)
    assert key and ApiToken.objects.get(user=provider.user).name == "Reports script"
    assert me_status(key) == 200
    # The key is a secret: nothing may keep a copy of the page.
    assert "no-store" in created["Cache-Control"]

    later = page.get(TOKEN_PAGE)
    assert new_key(later) is None
    assert key not in later.content.decode()
    assert "Reports script" in later.content.decode()


def test_only_a_hash_of_the_key_is_stored(page, provider):
    key = new_key(create(page))
    stored = ApiToken.objects.values().get(user=provider.user)
    assert key not in " ".join(str(value) for value in stored.values())
    assert stored["digest"] == hash_token(key)


def test_a_token_needs_a_name(page, provider):
    response = create(page, name="  ")
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=provider.user).exists()


def test_making_a_token_asks_for_the_password_again(login, provider):
    stale = login(provider.user)  # logged in, but not just now
    response = create(stale)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTH_URL)
    assert not ApiToken.objects.filter(user=provider.user).exists()
    # The password given, the suspended request goes on and the key is shown.
    resumed = stale.post(response["Location"], {"password": PASSWORD})
    assert me_status(new_key(resumed)) == 200


def test_several_named_tokens_each_work_and_are_listed(page, provider):
    first = new_key(create(page, "Laptop"))
    second = new_key(create(page, "Reports"))
    assert me_status(first) == me_status(second) == 200
    listed = BeautifulSoup(page.get(TOKEN_PAGE).content, "html.parser")
    names = [th.get_text() for th in listed.select("tbody th")]
    assert sorted(names) == ["Laptop", "Reports"]


def test_tokens_expire_after_the_ttl(page, provider, settings):
    settings.API_TOKEN_TTL = 3600
    key = new_key(create(page))
    token = ApiToken.objects.get(user=provider.user)
    assert abs((token.expiry - token.created).total_seconds() - 3600) < 5
    assert me_status(key) == 200
    later = timezone.now() + timedelta(seconds=3601)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert me_status(key) == 401


def test_the_default_ttl_is_90_days():
    assert clinic_settings.API_TOKEN_TTL == 90 * 24 * 3600


def test_last_use_is_noted_and_listed(page, provider):
    key = new_key(create(page))
    assert ApiToken.objects.get(user=provider.user).last_used_at is None
    me_status(key)
    used = ApiToken.objects.get(user=provider.user).last_used_at
    assert used is not None
    # At most one write a minute: a second request does not move it.
    me_status(key)
    assert ApiToken.objects.get(user=provider.user).last_used_at == used


def test_deleting_makes_the_token_fail(page, provider):
    key = new_key(create(page))
    kept = new_key(create(page, "Kept"))
    token = ApiToken.objects.get(user=provider.user, name="Reports script")
    response = page.post(TOKEN_PAGE, {"token": token.digest}, follow=True)
    assert response.redirect_chain[-1][0] == TOKEN_PAGE
    assert "deleted" in response.content.decode()
    assert me_status(key) == 401
    assert me_status(kept) == 200


def test_a_client_gets_a_token_too(login, client_profile):
    page = login(client_profile.user)
    page.post(REAUTH_URL, {"password": PASSWORD})
    key = new_key(create(page))
    assert with_key(key).get(f"{API}/me/").json()["role"] == "client"


def test_token_page_needs_a_log_in(client, db):
    response = client.get(TOKEN_PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.post(CREATE_URL, {"name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_one_persons_token_page_never_touches_anothers_token(page, clinic_admin):
    theirs = new_token_key(clinic_admin.user)
    digest = ApiToken.objects.get(user=clinic_admin.user).digest
    page.post(TOKEN_PAGE, {"token": digest})
    assert me_status(theirs) == 200


def test_bearer_and_token_schemes_both_work(provider):
    key = new_token_key(provider.user)
    for scheme in ("Token", "Bearer", "bearer"):
        caller = APIClient()
        caller.credentials(HTTP_AUTHORIZATION=f"{scheme} {key}")
        assert caller.get(f"{API}/me/").status_code == 200, scheme
    caller = APIClient()
    wrong = key[:-1] + ("1" if key[-1] == "0" else "0")
    caller.credentials(HTTP_AUTHORIZATION=f"Bearer {wrong}")
    assert caller.get(f"{API}/me/").status_code == 401


def test_schema_declares_bearer_and_token_schemes(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerAuth"]["description"],
    }
    assert schemes["tokenAuth"]["type"] == "apiKey"
    operation = schema["paths"]["/api/v1/me/"]["get"]
    assert {"bearerAuth": []} in operation["security"]
    assert {"tokenAuth": []} in operation["security"]


def test_a_password_change_deletes_the_persons_tokens(provider, client_profile):
    new_token_key(provider.user)
    others = new_token_key(client_profile.user)
    user = provider.user
    user.set_password("another-long-passphrase-42")
    user.save()
    assert not ApiToken.objects.filter(user=user).exists()
    assert me_status(others) == 200


def test_a_password_change_through_the_account_page_deletes_tokens(page, provider):
    key = new_key(create(page))
    response = page.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "another-long-passphrase-42",
            "password2": "another-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert me_status(key) == 401
    assert not ApiToken.objects.filter(user=provider.user).exists()


def test_a_rehash_of_the_same_password_keeps_tokens(provider):
    key = new_token_key(provider.user)
    user = provider.user
    # What check_password() does when a hasher upgrades the stored hash at log-in.
    user.password = "upgraded-hash"
    user.save(update_fields=["password"])
    assert me_status(key) == 200


def test_deactivation_deletes_tokens_and_reactivation_does_not_bring_them_back(provider):
    key = new_token_key(provider.user)
    user = provider.user
    # Any code that flips is_active: the admin, the people page, a shell.
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not ApiToken.objects.filter(user=user).exists()
    user.is_active = True
    user.save()
    assert me_status(key) == 401


@pytest.fixture
def admin_client(login, superuser):
    return login(superuser)


def test_staff_cannot_make_a_token_for_someone_in_the_admin(admin_client, provider):
    add = admin_client.get("/admin/clinic/apitoken/add/")
    assert add.status_code == 403
    admin_client.post("/admin/clinic/apitoken/add/", {"user": provider.user.pk, "name": "x"})
    assert not ApiToken.objects.exists()


def test_the_admin_lists_tokens_without_their_keys_and_can_delete_them(admin_client, provider):
    key = new_token_key(provider.user, name="Laptop")
    token = ApiToken.objects.get()
    listing = admin_client.get("/admin/clinic/apitoken/").content.decode()
    assert "Laptop" in listing
    # The hash is the token's id in the admin's URLs; no part of the key is shown.
    assert key not in listing and key[:15] not in listing
    change = admin_client.get(f"/admin/clinic/apitoken/{token.pk}/change/").content.decode()
    assert key[:15] not in change
    admin_client.post(f"/admin/clinic/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert me_status(key) == 401


def test_the_drf_authtoken_admin_is_gone(admin_client):
    assert admin_client.get("/admin/authtoken/tokenproxy/").status_code == 404


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
        ("GET", "/api/v1/clients/{id}/measures/"),
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


PROBLEM = "application/problem+json"
# The GET operations that take query parameters able to fail (filters, pages): only they 400.
GETS_THAT_PARSE = {
    "/api/v1/calendar/",
    "/api/v1/clients/",
    "/api/v1/sessions/",
    "/api/v1/sessions/{id}/messages/",
}


def _schema_ref(content):
    return content["schema"]["$ref"].rsplit("/", 1)[1]


def test_schema_documents_every_body_and_error_status(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            statuses = set(responses)
            where = f"{method.upper()} {path}"
            assert {"401", "403", "429"} <= statuses, where
            [success] = [s for s in statuses if s.startswith("2")]
            assert responses[success]["content"]["application/json"]["examples"], where
            if "{id}" in path:
                assert "404" in statuses, where
            if method in {"post", "patch"}:
                body = operation["requestBody"]["content"]["application/json"]
                assert body["schema"] and body["examples"], where
                # Every write: its state conflicts, a body not JSON, the Idempotency-Key's reuse.
                assert {"400", "409", "415", "422"} <= statuses, where
                headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
                assert headers == ["Idempotency-Key"], where
            else:
                assert ("400" in statuses) == (path in GETS_THAT_PARSE), where
            for status, response in responses.items():
                assert response["description"], (where, status)
                if status.startswith("2"):
                    continue
                # Errors: problem details only, each with examples of its own status.
                [(media_type, content)] = response["content"].items()
                assert media_type == PROBLEM, (where, status)
                expected = "ValidationProblem" if status == "400" else "Problem"
                assert _schema_ref(content) == expected, (where, status)
                assert content["examples"], (where, status)
                for example in content["examples"].values():
                    assert example["value"]["status"] == int(status), (where, status)


def test_schema_declares_location_and_rate_limit_headers(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                headers = set(response.get("headers", {}))
                where = (method, path, status)
                if status == "401":
                    assert not headers, where  # refused before the throttle counts
                    continue
                assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= headers
                assert ("Location" in headers) == (status == "201"), where
                assert ("Retry-After" in headers) == (status == "429"), where
    assert schema["components"]["headers"]["Location"]["required"] is True


def test_schema_errors_share_one_problem_component(schema):
    components = schema["components"]["schemas"]
    problem = components["Problem"]
    assert problem["required"] == ["type", "title", "status", "detail", "code"]
    validation = components["ValidationProblem"]
    assert set(validation["required"]) == {"type", "title", "status", "detail", "code", "errors"}
    field_error = components[validation["properties"]["errors"]["items"]["$ref"].rsplit("/")[-1]]
    assert field_error["required"] == ["field", "code", "message"]
    assert field_error["properties"]["field"]["nullable"] is True


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
    # Nullable references as strict OpenAPI 3.0 validators accept null: oneOf it or Null.
    meeting_ref, null_ref = session["meeting"]["oneOf"]
    assert session["closed_by"]["oneOf"][1] == null_ref == {"$ref": "#/components/schemas/Null"}
    assert schema["components"]["schemas"]["Null"]["enum"] == [None]
    meeting = meeting_ref["$ref"].rsplit("/", 1)[1]
    # Every member the server always sends is required, for generated clients.
    assert set(schema["components"]["schemas"]["Session"]["required"]) == set(session)
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


def test_a_tokens_name_is_text_on_the_page_and_in_the_admin(page, provider, superuser):
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    create(page, payload)
    staff = HttpClient()
    staff.force_login(superuser)
    for response in (page.get(TOKEN_PAGE), staff.get("/admin/clinic/apitoken/")):
        soup = BeautifulSoup(response.content, "html5lib")
        assert not [s for s in soup.find_all("script") if "alert" in s.text]
        assert not soup.find_all(attrs={"onerror": True})
        assert payload in soup.get_text()


def test_the_audit_trail_names_the_token_not_its_name_or_key(page, provider):
    from audit.models import AuditEvent

    key = new_key(create(page, "Private name"))
    [event] = AuditEvent.objects.filter(action="api_token.create")
    token = ApiToken.objects.get(user=provider.user)
    assert event.object_id == token.digest[:16]
    assert "Private name" not in str(event.__dict__) and key not in str(event.__dict__)

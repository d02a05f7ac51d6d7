"""Headers and cookies: the production settings pass Django's deploy checks, every answer
carries the Content-Security-Policy and no-store, and no page needs inline script or style."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.test import Client as HttpClient
from django.urls import reverse

from sessions_app import services

from .api_helpers import new_token_key
from .factories import PASSWORD
from .mfa_helpers import log_in

BASE_DIR = Path(__file__).resolve().parent.parent
CSP = "Content-Security-Policy"
# The header django-csp writes from settings, for a page that used no nonce.
POLICY = (
    "default-src 'self'; script-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def directives(header):
    """A policy's directives by name (django-csp writes them in no fixed order)."""
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


# Production settings, in a fresh process with a production environment


def _production_env(**overrides):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "postgres://caresessions:secret@db.example.org:5432/caresessions",
        "REDIS_URL": "redis://cache.example.org:6379/0",
        "EMAIL_URL": "smtp+tls://caresessions:secret@mail.example.org:587",
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def _run(args, **env_overrides):
    return subprocess.run(  # noqa: S603 - this Python, our manage.py, fixed arguments
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=_production_env(**env_overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _manage(*args, **env_overrides):
    return _run(["manage.py", *args], **env_overrides)


def _production_settings(*names, **env_overrides):
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = _run(["-c", script], **env_overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_deploy_check_passes_with_production_settings_and_nothing_silenced():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deploy_check_fails_in_production_without_mfa():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", MFA_REQUIRED="0")
    assert result.returncode != 0
    assert "clinic.E001" in result.stderr


@pytest.mark.parametrize("email_url", ["consolemail://", "filemail:///tmp/mail", None])
def test_deploy_check_fails_when_production_email_stays_on_the_server(email_url):
    # None: EMAIL_URL unset, so its console default.
    result = _manage("check", "--deploy", EMAIL_URL=email_url)
    assert result.returncode != 0
    assert "clinic.E002" in result.stderr


def test_deploy_check_warns_of_a_per_process_cache_in_production():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", REDIS_URL="")
    assert result.returncode != 0
    assert "clinic.W001" in result.stderr


def test_production_cookies_are_secure_host_only_httponly_and_samesite():
    assert _production_settings(
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SAMESITE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
    ) == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
    }


def test_debug_keeps_plain_cookie_names_for_plain_http():
    # Browsers refuse __Host- cookies without HTTPS, which the local demo does not have.
    assert _production_settings("SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", DEBUG="1") == {
        "SESSION_COOKIE_NAME": "sessionid",
        "CSRF_COOKIE_NAME": "csrftoken",
    }


# Cookies and headers as a browser receives them (the tests run with DEBUG off)


def test_login_sets_host_only_secure_httponly_samesite_cookies(client, client_profile):
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/", {"login": client_profile.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    for name in ("__Host-sessionid", "__Host-csrftoken"):
        cookie = response.cookies.get(name) or client.cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name
        assert cookie["path"] == "/", name
        assert not cookie["domain"], name


def test_https_answers_carry_hsts_for_a_year_with_subdomains(client, db):
    response = client.get("/accounts/login/", secure=True)
    hsts = response["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts


def test_the_security_headers_are_on_pages_and_api(login, provider):
    http_client = login(provider.user)
    for url in ("/accounts/login/", "/provider/", "/api/v1/me/", "/api/docs/", "/no-such-page/"):
        response = http_client.get(url)
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Frame-Options"] == "DENY", url
        assert directives(response[CSP]) == directives(POLICY), url


def test_the_demo_enforces_the_policy_too(client, db, settings):
    # A report-only demo would hide what production blocks (Django's own debug pages for
    # 404 and 500 are let through by django-csp under DEBUG).
    settings.DEBUG = True
    response = client.get("/accounts/login/")
    assert directives(response[CSP]) == directives(POLICY)
    assert f"{CSP}-Report-Only" not in response


def _production_policies(**env_overrides):
    """Which of the two policies the production settings set: (enforced, report-only)."""
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(bool(s.CONTENT_SECURITY_POLICY), bool(s.CONTENT_SECURITY_POLICY_REPORT_ONLY))"
    )
    result = _run(["-c", script], **env_overrides)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_report_only_is_a_setting():
    assert _production_policies() == ["True", "False"]
    assert _production_policies(CSP_REPORT_ONLY="1") == ["False", "True"]


def test_report_only_sends_the_same_policy_as_a_report(client, db, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client.get("/accounts/login/")
    assert CSP not in response
    assert directives(response[f"{CSP}-Report-Only"]) == directives(POLICY)


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere():
    policy = directives(POLICY)
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    # Scripts: this site's files, and inline ones only with the response's nonce.
    assert policy["script-src"] == "'self'"
    assert "style-src" not in policy  # style falls back to default-src
    assert "unsafe" not in POLICY
    assert "http" not in POLICY


def test_an_inline_script_runs_only_with_the_responses_nonce(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def page(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">go()</script>')

    request = rf.get("/")
    response = CSPMiddleware(page)(request)
    nonce = request.csp_nonce
    assert directives(response[CSP])["script-src"] == f"'self' 'nonce-{nonce}'"
    assert len(nonce) >= 22  # 16 random bytes
    other = rf.get("/")
    assert CSPMiddleware(page)(other)[CSP] != response[CSP]


def test_every_answer_to_a_logged_in_person_is_no_store(login, provider, client_profile, session):
    provider_client = login(provider.user)
    urls = ["/provider/", f"/provider/sessions/{session.uuid}/", "/api/v1/sessions/"]
    urls += [f"/api/v1/sessions/{session.uuid}/", "/api/v1/sessions/not-a-uuid/"]
    for url in urls:
        assert provider_client.get(url)["Cache-Control"] == "no-store", url
    token = new_token_key(client_profile.user)
    by_token = HttpClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert by_token["Cache-Control"] == "no-store"
    posted = HttpClient().post(
        f"/api/v1/sessions/{session.uuid}/messages/",
        {"body": "Hello"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert posted.status_code == 201
    assert posted["Cache-Control"] == "no-store"


def test_static_files_keep_their_own_caching(client, db):
    # Served by whitenoise above the middleware: no health data, and worth caching.
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.get("Cache-Control") != "no-store"


# No page needs what the policy forbids


def _inline_violations(html):
    """Everything in the page that `default-src 'self'` without 'unsafe-inline' blocks."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for script in soup.find_all("script"):
        if script.get("src"):
            if not script["src"].startswith("/"):
                found.append(f"script from elsewhere: {script['src']}")
        elif script.get("type") != "application/json":
            found.append(f"inline script: {script.text[:60]!r}")
    for link in soup.find_all("link", rel="stylesheet"):
        if not link["href"].startswith("/"):
            found.append(f"style sheet from elsewhere: {link['href']}")
    found += [f"inline style element: {s.text[:60]!r}" for s in soup.find_all("style")]
    for tag in soup.find_all(True):
        for attribute, value in tag.attrs.items():
            if attribute == "style":
                found.append(f"style attribute on <{tag.name}>: {value!r}")
            elif attribute.startswith("on"):
                found.append(f"event handler on <{tag.name}>: {attribute}")
            elif attribute in ("href", "src", "action") and str(value).startswith("javascript:"):
                found.append(f"javascript: URL on <{tag.name}>")
    return found


def _assert_csp_clean(http_client, urls):
    for url in urls:
        response = http_client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert directives(response[CSP]) == directives(POLICY), url
        assert _inline_violations(response.content.decode()) == [], url


@pytest.fixture
def full_session(session, client_profile, provider):
    """The session with an answered and commented homework item and a message each way."""
    assignment = session.assignments.first()
    services.assignment_submit(actor=client_profile.user, assignment=assignment, response="Done")
    services.feedback_give(actor=provider.user, assignment=assignment, body="Well done")
    services.message_post(actor=client_profile.user, session=session, body="Hello")
    services.message_post(actor=provider.user, session=session, body="Hello back")
    return session


def test_provider_pages_need_no_inline_script_or_style(login, clinic_admin, full_session):
    http_client = login(clinic_admin.user)
    sid, cid = full_session.uuid, full_session.client.uuid
    _assert_csp_clean(
        http_client,
        [
            "/provider/",
            "/provider/sessions/",
            "/provider/sessions/new/",
            f"/provider/sessions/{sid}/",
            f"/provider/sessions/{sid}/close/",
            "/provider/clients/",
            f"/provider/clients/{cid}/",
            "/provider/clinic/",
            "/provider/clinic/invite/",
            f"/provider/clinic/clients/{cid}/care-team/",
            "/accounts/api-token/",
            "/accounts/password/change/",
            "/accounts/email/",
            "/accounts/2fa/",
        ],
    )


def test_portal_pages_need_no_inline_script_or_style(login, client_profile, full_session):
    _assert_csp_clean(
        login(client_profile.user),
        ["/portal/", "/portal/sessions/", f"/portal/sessions/{full_session.uuid}/"],
    )


def test_log_in_and_mfa_pages_need_no_inline_script_or_style(client, provider):
    _assert_csp_clean(client, ["/accounts/login/", "/accounts/password/reset/"])
    client.post("/accounts/login/", {"login": provider.user.email, "password": PASSWORD})
    _assert_csp_clean(client, ["/accounts/2fa/authenticate/"])
    client.logout()
    log_in(client, provider.user.email)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.post("/accounts/2fa/recovery-codes/generate/")
    _assert_csp_clean(
        client,
        [
            "/accounts/2fa/",
            "/accounts/2fa/recovery-codes/",
            "/accounts/2fa/recovery-codes/generate/",
            "/accounts/2fa/totp/deactivate/",
        ],
    )


def test_mfa_activation_page_needs_no_inline_script_or_style(client, client_profile):
    log_in(client, client_profile.user.email)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    _assert_csp_clean(client, ["/accounts/2fa/totp/activate/"])
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    # The QR code is a data: image, which the policy allows for images only.
    assert 'src="data:image/svg+xml;base64,' in page


def test_admin_pages_need_no_inline_script_or_style(login, superuser, full_session):
    urls = ["/admin/", f"/admin/clinic/user/{superuser.pk}/change/", "/admin/clinic/user/add/"]
    urls += [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    _assert_csp_clean(login(superuser), urls)


def test_api_docs_work_under_the_policy(login, provider):
    http_client = login(provider.user)
    _assert_csp_clean(http_client, ["/api/docs/"])
    page = BeautifulSoup(http_client.get("/api/docs/").content, "html.parser")
    # Swagger UI's set-up comes as a script file from this site (the split view), and
    # every file the page loads is there.
    sources = [tag["src"] for tag in page.find_all("script")]
    sources += [tag["href"] for tag in page.find_all("link", rel="stylesheet")]
    assert any("script" in src and src.startswith("/api/docs/") for src in sources)
    for src in sources:
        response = http_client.get(src)
        assert response.status_code == 200, src
        if src.startswith("/api/docs/"):
            assert response["Content-Type"].startswith("application/javascript")
            assert "SwaggerUIBundle" in response.content.decode()


def test_makemigrations_runs_without_a_secret_key_and_nothing_else_does(tmp_path):
    database = f"sqlite:///{tmp_path / 'bare.sqlite3'}"
    checked = _manage(
        "makemigrations", "--check", "--dry-run", SECRET_KEY="", DATABASE_URL=database
    )
    assert checked.returncode == 0, checked.stderr
    assert "No changes detected" in checked.stdout
    for command in (["check"], ["migrate", "--check"]):
        refused = _manage(*command, SECRET_KEY="", DATABASE_URL=database)
        assert refused.returncode != 0
        assert "SECRET_KEY must be set when DEBUG is off." in refused.stderr

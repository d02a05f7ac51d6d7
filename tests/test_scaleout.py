"""Scale-out (issue 7): nothing lives in a web process. Two gunicorn servers over the same
PostgreSQL database and Redis answer as one: what one writes the other reads at once, a
log-in on one holds on the other, and log-in rate limits are counted across both.

Needs PostgreSQL (the servers share pytest's test database, so the test commits) and Redis:
the test worker's own database (tests/settings.py gives each worker one; REDIS_URL, else
redis://127.0.0.1:6379/15), which it empties: another worker's cache must not share it."""

# Requests go to the two local servers this test starts, nowhere else.
# ruff: noqa: S310

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone

from clinic.models import User

from .api_helpers import new_token_key
from .factories import ClientFactory, ClinicFactory, ProviderFactory
from .mfa_helpers import MFA_URL, totp_code

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
REDIS_URL = (
    os.environ.get("SCALEOUT_REDIS_URL")
    or os.environ.get("REDIS_URL")
    or "redis://127.0.0.1:6379/15"
)
PASSWORD = "scale-out-pass-123"
PUBLIC_HOST = "clinic.test"


def _redis_answers():
    parts = urllib.parse.urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _skip_reason():
    if connection.vendor != "postgresql":
        return "two servers share one database: PostgreSQL only (CI runs PostgreSQL)"
    if not _redis_answers():
        return f"no Redis at {REDIS_URL}"
    return None


# In CI a missing Redis is a failure, not a skip.
pytestmark = [
    pytest.mark.skipif(
        _skip_reason() is not None and os.environ.get("CI") != "true",
        reason=str(_skip_reason()),
    ),
    pytest.mark.django_db(transaction=True),
]


def _database_url():
    db = connection.settings_dict
    auth = urllib.parse.quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn instance with production settings over plain http."""

    def __init__(self):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(
            os.environ,
            DATABASE_URL=_database_url(),
            REDIS_URL=REDIS_URL,
            DEBUG="0",
            SECRET_KEY=settings.SECRET_KEY,
            ALLOWED_HOSTS=f"{PUBLIC_HOST},127.0.0.1",
            SECURE_SSL_REDIRECT="0",
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            MFA_REQUIRED="0",
            STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
            LOG_LEVEL="WARNING",
        )
        env.pop("DJANGO_SETTINGS_MODULE", None)  # clinic.wsgi: the production settings
        self.process = subprocess.Popen(  # noqa: S603 - the project's own server
            [str(GUNICORN), "clinic.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "1"],
            cwd=ROOT,
            env=env,
        )

    def wait(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn exited"
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=2).close()
                return self
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not answer within 30 s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept across both servers, as a load balancer's client would."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(self, url, data=None, headers=None):
        # One public name for both, as behind a load balancer (allauth's log-in limits are
        # keyed by the site's host name as well as the account).
        headers = {"Host": PUBLIC_HOST, **(headers or {})}
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def form_token(self, url):
        _, _, page = self.request(url)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post_form(self, url, fields):
        body = urllib.parse.urlencode(
            {**fields, "csrfmiddlewaretoken": self.form_token(url)}
        ).encode()
        status, headers, self.page = self.request(url, data=body, headers={"Referer": url})
        return status, headers.get("Location", "")

    def log_in(self, server, email, password):
        """The log-in form, then the authenticator code when the account has one; True when
        it logs in."""
        status, location = self.post_form(
            f"{server.base}/accounts/login/", {"login": email, "password": password}
        )
        if status == 302 and location == MFA_URL:
            code = totp_code(User.objects.get(email=email))
            status, location = self.post_form(server.base + MFA_URL, {"code": code})
        return status == 302 and "/accounts/" not in location


def api(server, method, path, token, body=None):
    request = urllib.request.Request(
        server.base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.fixture
def servers():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    pair = [Server(), Server()]
    try:
        yield [server.wait() for server in pair]
    finally:
        for server in pair:
            server.stop()
        redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture
def people(db):
    # The servers run the production hasher; a cheap PBKDF2 hash is one they can check.
    password = PBKDF2PasswordHasher().encode(PASSWORD, "scaleoutsalt", iterations=1000)
    clinic = ClinicFactory(time_zone="Europe/London")
    provider = ProviderFactory(clinic=clinic, user__email="pat@scale.test")
    client = ClientFactory(clinic=clinic, user__email="cleo@scale.test", care_team=[provider])
    for user in (provider.user, client.user):
        user.password = password
        user.save(update_fields=["password"])
    return provider, client


def test_two_servers_share_writes_log_ins_and_rate_limits(servers, people):
    a, b = servers
    provider, client = people
    token = new_token_key(provider.user)

    # A session scheduled through A is read through B at once.
    starts = timezone.now() + timedelta(days=1)
    status, created = api(
        a,
        "POST",
        "/api/v1/sessions/",
        token,
        {
            "client": str(client.uuid),
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(days=7)).isoformat(),
            "homework": [{"title": "Mood diary"}],
        },
    )
    assert status == 201, created
    session_id = created["sessions"][0]["id"]
    status, read = api(b, "GET", f"/api/v1/sessions/{session_id}/", token)
    assert status == 200
    assert [item["title"] for item in read["assignments"]] == ["Mood diary"]

    # A log-in on A is valid on B.
    browser = Browser()
    assert browser.log_in(a, provider.user.email, PASSWORD)
    status, _, page = browser.request(f"{b.base}/provider/sessions/{session_id}/")
    assert status == 200
    assert "Mood diary" in page

    # Five failed log-ins on A: the sixth try, on B, is refused as one too many.
    stranger = Browser()
    for _ in range(5):
        assert not stranger.log_in(a, provider.user.email, "wrong-password")
        assert "Too many failed login attempts" not in stranger.page
    assert not stranger.log_in(b, provider.user.email, "wrong-password")
    assert "Too many failed login attempts" in stranger.page
    # The limit is on that account: another person still logs in, on either server.
    assert Browser().log_in(b, client.user.email, PASSWORD)

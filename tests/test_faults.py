"""Faults (issue 20): Redis is an accelerator, not a single point of failure.

Each test starts a private redis-server on a free port of its own, points the cache, the
sessions and the job queue at it, and stops it (SIGTERM: stopped, its data gone) or hangs it
(SIGSTOP: connections open, no answer) under real requests: pages, log-in, log-out and the API
go on from the database, rate limits keep refusing (per process), a hung server costs a request
at most a socket timeout, nothing is logged per request, and everything takes Redis back when
it answers again, without a restart.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest
import redis
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.test import Client as HttpClient
from django.utils import timezone
from kombu import pools as kombu_pools

from clinic import cache as resilient
from clinic.celery import app as celery_app
from notifications import tasks
from notifications.models import EmailStatus, Kind, Notification
from sessions_app import services

from .api_helpers import API, token_client
from .factories import PASSWORD
from .mfa_helpers import log_in, totp_code

REDIS_SERVER = shutil.which("redis-server")
LOGIN_URL = "/accounts/login/"
LOGOUT_URL = "/accounts/logout/"
TOO_MANY = "Too many failed login attempts. Try again later."
# Far above the socket timeouts (0.25 s to connect, 0.5 s to read), far below "hangs".
HUNG_BOUND = 2.0

pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own: no persistence, so a stop loses what it held."""

    def __init__(self, folder):
        self.folder = folder
        self.port = _free_port()
        self.process = None
        self.paused = False

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def direct(self):
        return redis.Redis(port=self.port, socket_timeout=2, socket_connect_timeout=2)

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - the machine's own redis-server
            [
                *(REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--dir", self.folder, "--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if self.direct().ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise AssertionError(f"redis-server did not answer on port {self.port} within 15 s")

    def stop(self):
        self.resume()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.process = None

    def pause(self):
        os.kill(self.process.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self):
        if self.paused:
            os.kill(self.process.pid, signal.SIGCONT)
            self.paused = False


@pytest.fixture
def private_redis(settings, monkeypatch):
    """The cache (clinic.cache.RedisCache), cached_db sessions and the broker on a private
    Redis; the breaker's pause shortened so that recovery is quick to see."""
    folder = tempfile.mkdtemp(prefix="caresessions-faults-")
    server = PrivateRedis(folder)
    server.start()
    monkeypatch.setattr(resilient, "RETRY_AFTER", 0.3)
    monkeypatch.setattr(resilient, "_outages", {})
    monkeypatch.setattr(resilient, "_pending", {})
    monkeypatch.setattr(resilient.Outage, "_warned", {})
    settings.CACHES = {
        "default": {
            "BACKEND": "clinic.cache.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.CELERY_BROKER_URL = server.url
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def _log_in(http_client, user, code=None):
    """Both steps: password, then the authenticator's code (a provider's log-in)."""
    response = log_in(http_client, user.email, code=code)
    assert response.status_code == 302, response.content[:500]
    assert SESSION_KEY in http_client.session, response["Location"]
    return response


def _cached_sessions(server):
    return list(server.direct().scan_iter(match="*sessions.cached_db*"))


def _wait_for_the_breaker():
    time.sleep(resilient.RETRY_AFTER + 0.1)


def _timed(fn, *args, **kwargs):
    started = time.monotonic()
    result = fn(*args, **kwargs)
    return result, time.monotonic() - started


# --- Redis stopped ------------------------------------------------------------------------


def test_with_redis_hung_the_many_key_calls_keep_limits_here_and_drop_stale_copies_after(
    private_redis,
):
    """get_many, set_many, delete_many, has_key and touch while Redis hangs: the limits'
    keys live in the process, the others are left, and the copies they would have changed
    are deleted once Redis answers."""
    cache.set_many({"stale-written": "old", "stale-deleted": "old"})
    private_redis.pause()
    # The first call waits for the socket's timeout and opens the breaker; the rest don't try.
    skipped = cache.set_many({"throttle_x": 1, "stale-written": "new"})
    assert skipped == ["stale-written"]
    cache.delete_many(["stale-deleted"])
    assert cache.get_many(["throttle_x", "stale-written"]) == {"throttle_x": 1}
    assert cache.has_key("throttle_x") and not cache.has_key("stale-written")
    assert cache.touch("throttle_x", 60) and not cache.touch("stale-written", 60)
    cache.delete_many(["throttle_x"])
    assert not cache.has_key("throttle_x")
    private_redis.resume()
    _wait_for_the_breaker()
    # The next call tries Redis again and first deletes the copies the outage left stale.
    assert cache.get_many(["stale-written", "stale-deleted"]) == {}
    assert not list(private_redis.direct().scan_iter(match="*stale-*"))


@pytest.mark.django_db
def test_with_redis_stopped_pages_log_in_and_log_out_work_from_the_database(
    private_redis, provider
):
    browser = HttpClient()
    _log_in(browser, provider.user)
    assert browser.get("/provider/").status_code == 200
    [key] = _cached_sessions(private_redis)  # kept in Redis while it answers, for a while
    assert 0 < private_redis.direct().ttl(key) <= resilient.SESSION_SECONDS

    private_redis.stop()
    # The log-in made before the outage goes on: its session is read from the database.
    assert browser.get("/provider/").status_code == 200
    assert browser.get("/provider/sessions/").status_code == 200
    stolen = browser.cookies[settings.SESSION_COOKIE_NAME].value

    response = browser.post(LOGOUT_URL)
    assert response.status_code == 302
    assert browser.get("/provider/").status_code == 302
    # The session is gone everywhere, not only from this browser: its cookie is worth nothing.
    replay = HttpClient()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert replay.get("/provider/").status_code == 302

    # A new log-in while Redis is away.
    again = HttpClient()
    _log_in(again, provider.user)
    assert again.get("/provider/").status_code == 200

    # Redis back: the cache is used again without a restart.
    private_redis.start()
    _wait_for_the_breaker()
    assert again.get("/provider/").status_code == 200
    assert _cached_sessions(private_redis), "sessions are kept in Redis again"
    cache.set("faults:back", "yes", 60)
    assert private_redis.direct().exists(cache.make_key("faults:back"))
    assert replay.get("/provider/").status_code == 302


@pytest.mark.django_db
def test_with_redis_stopped_the_log_in_limits_still_refuse(private_redis, provider):
    private_redis.stop()
    # Per account: five failures (each from another address), then the right password too
    # is refused.
    for n in range(5):
        response = HttpClient(REMOTE_ADDR=f"203.0.113.{n + 1}").post(
            LOGIN_URL, {"login": provider.user.email, "password": "wrong-password"}
        )
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()
    refused = HttpClient(REMOTE_ADDR="198.51.100.7")
    response = refused.post(LOGIN_URL, {"login": provider.user.email, "password": PASSWORD})
    assert TOO_MANY in response.content.decode()
    assert SESSION_KEY not in refused.session

    # Per address: twenty failures for twenty addresses, then the address is refused.
    for n in range(20):
        HttpClient(REMOTE_ADDR="198.51.100.50").post(
            LOGIN_URL, {"login": f"nobody{n}@northside.test", "password": "wrong-password"}
        )
    refused = HttpClient(REMOTE_ADDR="198.51.100.50")
    response = refused.post(LOGIN_URL, {"login": provider.user.email, "password": PASSWORD})
    assert TOO_MANY in response.content.decode()
    assert SESSION_KEY not in refused.session


@pytest.mark.django_db
def test_with_redis_stopped_drfs_throttle_counts_per_process(private_redis, provider, monkeypatch):
    """What the API's throttle falls back to while Redis is away: DRF's own, in the cache."""
    from rest_framework.test import APIRequestFactory
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "3/minute")
    private_redis.stop()
    request = APIRequestFactory().get(f"{API}/sessions/")
    request.user = provider.user
    answers = [UserRateThrottle().allow_request(request, None) for _ in range(4)]
    assert answers == [True, True, True, False]


@pytest.mark.django_db
def test_with_redis_stopped_the_api_answers_and_its_throttle_still_refuses(
    private_redis, provider, session, monkeypatch
):
    from rest_framework.throttling import UserRateThrottle

    api = token_client(provider.user)
    assert api.get(f"{API}/sessions/").status_code == 200
    private_redis.stop()
    response = api.get(f"{API}/sessions/")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "3/minute")
    answers = [api.get(f"{API}/sessions/").status_code for _ in range(4)]
    assert answers[-1] == 429


# --- Redis hung ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_with_redis_hung_requests_finish_within_a_bound_and_a_log_out_holds(
    private_redis, provider
):
    browser = HttpClient()
    _log_in(browser, provider.user)
    stolen = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert _cached_sessions(private_redis)

    private_redis.pause()
    response, took = _timed(browser.get, "/provider/")
    assert response.status_code == 200
    assert took < HUNG_BOUND
    # Once one request has waited, the others do not: the breaker skips Redis a while.
    started = time.monotonic()
    for _ in range(5):
        assert browser.get("/provider/").status_code == 200
    assert time.monotonic() - started < HUNG_BOUND

    response, took = _timed(browser.post, LOGOUT_URL)
    assert response.status_code == 302
    assert took < HUNG_BOUND
    other = HttpClient()
    code = totp_code(provider.user)
    _response, took = _timed(_log_in, other, provider.user, code)
    assert took < HUNG_BOUND

    # Redis answers again, still holding the copy of the session logged out meanwhile: that
    # copy is deleted before Redis is used again, so the log-out holds.
    private_redis.resume()
    _wait_for_the_breaker()
    replay = HttpClient()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert replay.get("/provider/").status_code == 302
    assert other.get("/provider/").status_code == 200
    keys = {key.decode() for key in _cached_sessions(private_redis)}
    assert not any(key.endswith(stolen) for key in keys)
    assert any(key.endswith(other.cookies[settings.SESSION_COOKIE_NAME].value) for key in keys)


@pytest.mark.django_db
def test_with_redis_hung_the_api_answers_within_a_bound(private_redis, provider, session):
    api = token_client(provider.user)
    private_redis.pause()
    started = time.monotonic()
    for _ in range(3):
        assert api.get(f"{API}/sessions/").status_code == 200
    assert time.monotonic() - started < HUNG_BOUND


# --- What is logged -----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_outage_is_one_warning_not_one_per_request(private_redis, provider, caplog):
    browser = HttpClient()
    _log_in(browser, provider.user)
    private_redis.stop()
    caplog.set_level("INFO", logger="clinic.cache")
    # Long enough for the breaker to try Redis again (and fail) several times.
    deadline = time.monotonic() + 4 * resilient.RETRY_AFTER
    requests = 0
    while time.monotonic() < deadline or requests < 10:
        assert browser.get("/provider/").status_code == 200
        requests += 1
    warnings = [r for r in caplog.records if r.name == "clinic.cache" and r.levelname == "WARNING"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert f"127.0.0.1:{private_redis.port}" in warnings[0].getMessage()
    assert not [r for r in caplog.records if r.levelname == "ERROR" or r.exc_info]

    private_redis.start()
    _wait_for_the_breaker()
    assert browser.get("/provider/").status_code == 200
    assert any("answers again" in r.getMessage() for r in caplog.records)


# --- Background jobs ----------------------------------------------------------------------


@pytest.fixture
def real_broker(private_redis):
    """Celery publishing to the private Redis, as a web process does (not in-process)."""
    conf = celery_app.conf
    before = {"task_always_eager": conf.task_always_eager, "broker_url": conf.broker_url}
    conf.update(task_always_eager=False, broker_url=private_redis.url)
    _drop_broker_connections()
    yield private_redis
    conf.update(before)
    _drop_broker_connections()


def _drop_broker_connections():
    # kombu keeps its pools by connection: close them and forget them, and the app's too.
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.django_db
def test_notifications_are_kept_while_the_broker_is_away_and_sent_once_it_is_back(
    real_broker, session, provider, client_profile, django_capture_on_commit_callbacks, caplog
):
    real_broker.stop()
    caplog.set_level("WARNING")
    for body in ("First", "Second"):
        with django_capture_on_commit_callbacks(execute=True):
            services.message_post(actor=provider.user, session=session, body=body)
    rows = Notification.objects.filter(user=client_profile.user, kind=Kind.MESSAGE_POSTED)
    assert rows.count() == 2
    assert set(rows.values_list("email_status", flat=True)) == {EmailStatus.PENDING}
    assert mail.outbox == []
    assert len([r for r in caplog.records if r.name == "clinic.cache"]) == 1

    # Back: publishing works again without a restart (the job lands in the queue) ...
    real_broker.start()
    _wait_for_the_breaker()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(actor=provider.user, session=session, body="Third")
    assert real_broker.direct().llen("celery") == 1
    # ... and the beat's sweep sends what was never queued, each once.
    # (At midday on the clinic's clock: no quiet hours hold the emails.)
    celery_app.conf.task_always_eager = True
    with time_machine.travel(timezone.now().replace(hour=17, minute=0), tick=True):
        tasks.deliver_due()
        tasks.deliver_due()
    messages = [m for m in mail.outbox if m.subject == "Your care team sent you a message"]
    assert len(messages) == 3
    assert set(rows.values_list("email_status", flat=True)) == {EmailStatus.SENT}
    assert not Notification.objects.filter(email_status=EmailStatus.PENDING).exists()


@pytest.mark.django_db
def test_a_hung_broker_costs_a_request_at_most_a_timeout(
    real_broker, session, provider, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(resilient, "RETRY_AFTER", 10)  # no second try within the test
    real_broker.pause()
    took = []
    for body in ("First", "Second", "Third"):
        with django_capture_on_commit_callbacks(execute=True):
            took.append(
                _timed(services.message_post, actor=provider.user, session=session, body=body)[1]
            )
    # The first waits for the timeouts (the cache's and the broker's), the others do not.
    assert took[0] < HUNG_BOUND, took
    assert sum(took[1:]) < 0.5, took

#!/usr/bin/env python3
"""The load benchmark of issue 7: `make bench` (see README, "Benchmark").

`bench.py load --sessions N` makes the load database (caresessions_load unless
BENCH_DATABASE_URL says otherwise), migrates it and fills it with `seed_load`.
`bench.py run` serves the app with gunicorn and production settings on that database and
Redis, logs in the featured provider and client, and drives each URL with wrk at 16
connections: one run of a few seconds per URL, the URLs interleaved, three rounds. It prints
per URL the median requests/s, p50 and p99 latency, queries per request (the X-Query-Count
header that QUERY_COUNT_HEADER turns on) and the ratio to /healthz from the same rounds, checks
the targets, and writes the same as JSON to bench-results/. Needs `wrk` (Debian package)."""

# A local tool: it runs the project's own programs and opens only its own server's URLs.
# ruff: noqa: S603, S310

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sessions_app import loadprofile as profile  # noqa: E402

# The virtualenv the server runs in: `make bench` makes one on the system's CPython
# (Makefile, BENCH_PYTHON); without BENCH_VENV, the project's own.
VENV_BIN = Path(os.environ.get("BENCH_VENV", ROOT / ".venv")) / "bin"
PYTHON = VENV_BIN / "python"
GUNICORN = VENV_BIN / "gunicorn"
RESULTS = ROOT / "bench-results"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/caresessions_load"
DEFAULT_REDIS = "redis://127.0.0.1:6379/1"
DEFAULT_COMPARE_DB = "postgres://postgres@127.0.0.1:5432/caresessions_load10k"

# Targets (issue 7), checked on every run.
P99_MS = 150
PAGE_RATIO, API_RATIO = 0.05, 0.06
MAX_QUERIES = 10
MAX_RSS_MB = 200
PAGE40_SPREAD = 0.10
SCALE_SPREAD = 0.10

SESSION = profile.SESSION_UUID
# (name, path, who): who is None (no log-in), "provider", "client" or "client in Spanish"
# (the client's log-in, asking for Spanish pages).
URLS = [
    ("healthz", "/healthz", None),
    ("provider dashboard", "/provider/", "provider"),
    ("session list p1", "/provider/sessions/", "provider"),
    ("session list p40", "/provider/sessions/?page=40", "provider"),
    ("session detail", f"/provider/sessions/{SESSION}/", "provider"),
    ("client page", f"/provider/clients/{profile.CLIENT_UUID}/", "provider"),
    ("portal dashboard", "/portal/", "client"),
    ("portal session", f"/portal/sessions/{SESSION}/", "client"),
    ("portal session (es)", f"/portal/sessions/{SESSION}/", "client in Spanish"),
    ("calendar week", "/provider/calendar/?view=week", "provider"),
    ("calendar month", "/provider/calendar/?view=month", "provider"),
    ("calendar feed", f"/calendar/{profile.FEED_SECRET}.ics", None),
    ("api session list", "/api/v1/sessions/", "provider"),
    ("api session detail", f"/api/v1/sessions/{SESSION}/", "provider"),
]

# wrk prints this JSON line when a run is done (latencies in microseconds).
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout))
end
"""


def server_env(args):
    """Production settings, over plain http on the loopback."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1",
        # Plain http locally: no redirect to https, no Secure (nor __Host-) cookies.
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        # The bench users have no authenticator app.
        MFA_REQUIRED="0",
        # The API's per-user throttle stays on (it costs a Redis round trip), out of reach.
        API_THROTTLE_USER="10000000/minute",
        CALENDAR_FEED_FETCHES_PER_HOUR="100000000",
        QUERY_COUNT_HEADER="1",
        CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
    )
    return env


def manage(args, *command, env=None):
    subprocess.run([str(PYTHON), "manage.py", *command], cwd=ROOT, env=env, check=True)


def create_database(url):
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def tune_database(url):
    """Plan as a production PostgreSQL on SSD storage is set to (docs/scaling.md): a random
    page read costs little more than a sequential one. The default (4, for spinning disks)
    made the planner scan a 2,400-row table rather than look up 30 rows by key."""
    import psycopg

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')


def load(args):
    create_database(args.database_url)
    tune_database(args.database_url)
    env = server_env(args)
    manage(args, "migrate", "--noinput", "-v0", env=env)
    t0 = time.monotonic()
    manage(
        args,
        "seed_load",
        "--flush",
        "--sessions",
        str(args.sessions),
        "--password",
        args.password,
        env=env,
    )
    print(f"seed_load --sessions {args.sessions}: {time.monotonic() - t0:.0f} s")


# --- the server -------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env, port, workers, threads):
    proc = subprocess.Popen(
        [
            str(GUNICORN),
            "clinic.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--backlog",
            "256",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn did not start: see its output above.")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    stop(proc)
    raise SystemExit("gunicorn did not answer /healthz within 30 s.")


def stop(proc):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def cpu_seconds(pids):
    """User + system CPU time of these processes so far (gone ones count as 0)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(master_pid, database_url):
    """The gunicorn workers, and the PostgreSQL backends serving the benchmark's database."""
    import psycopg

    workers = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    with psycopg.connect(database_url) as conn:
        backends = conn.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(pid) for pid in workers], [pid for (pid,) in backends]


def worker_rss_mb(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    rss = {}
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss[int(pid)] = int(line.split()[1]) / 1024
    return rss


# --- logging in -------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def log_in(base, email, password):
    """A real log-in: GET the form, POST it with its CSRF token; returns the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("No CSRF token on the log-in page.")
    data = urllib.parse.urlencode(
        {"login": email, "password": password, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    try:
        response = opener.open(request)
        status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 302:
        raise SystemExit(
            f"Logging in as {email} failed (HTTP {status}). Did `make load-data` run on this "
            "database, with the same --password?"
        )
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def fetch(base, path, headers):
    """One GET: (status, query count, language of the answer)."""
    request = urllib.request.Request(base + path, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            response.read()
            answer = response
    except urllib.error.HTTPError as error:
        answer = error
    return answer.status, answer.headers.get("X-Query-Count"), answer.headers["Content-Language"]


# --- wrk ---------------------------------------------------------------------------------


def wrk(url, headers, seconds, connections, script):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script, "--timeout", "5s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    report = json.loads(out.strip().splitlines()[-1])
    return {
        "rps": report["requests"] / (report["duration_us"] / 1e6),
        "p50_ms": report["p50_us"] / 1000,
        "p99_ms": report["p99_us"] / 1000,
        "errors": report["errors"],
    }


def give_feed(database_url):
    """The featured provider's calendar feed, at the load profile's fixed secret."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO calendars_calendarfeed (user_id, secret, created_at)"
            " SELECT id, %s, now() FROM clinic_user WHERE email = %s"
            " ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret",
            [profile.FEED_SECRET, profile.PROVIDER_EMAIL],
        )


def count_sessions(database_url):
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT count(*) FROM sessions_app_session").fetchone()[0]


def database_exists(url):
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            return conn.execute("SELECT to_regclass('sessions_app_session')").fetchone()[0]
    except psycopg.OperationalError:
        return False


class Target:
    """One load database, served by its own gunicorn."""

    def __init__(self, args, database_url, redis_url):
        self.args = args
        self.database_url = database_url
        self.env = server_env(args) | {"DATABASE_URL": database_url, "REDIS_URL": redis_url}
        self.sessions = None
        self.server = None
        self.headers = {}
        self.queries = {}
        self.runs = {}

    def prepare(self):
        # Whatever changed since the last run (migrations) is brought up to date.
        manage(self.args, "migrate", "--noinput", "-v0", env=self.env)
        tune_database(self.database_url)
        give_feed(self.database_url)
        self.sessions = count_sessions(self.database_url)

    def start(self):
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        args = self.args
        kind = "sync workers" if args.threads == 1 else f"workers x {args.threads} threads"
        print(f"{self.sessions:,} sessions; gunicorn, {args.workers} {kind} on {self.base}")
        self.server = start_gunicorn(self.env, port, args.workers, args.threads)
        client = {"Cookie": log_in(self.base, profile.CLIENT_EMAIL, args.password)}
        self.headers = {
            None: {},
            "provider": {"Cookie": log_in(self.base, profile.PROVIDER_EMAIL, args.password)},
            "client": client,
            "client in Spanish": client | {"Accept-Language": "es"},
        }

    def warm_up(self, urls, script):
        for name, path, who in urls:
            headers = self.headers[who]
            # The first visit writes read positions and marks the page's notifications read,
            # which drops the bell's cached count: the next visit counts it again (once a
            # minute, or after a change, per person). Queries are counted on the visit after.
            for _ in range(2):
                fetch(self.base, path, headers)
            status, count, language = fetch(self.base, path, headers)
            if status != 200:
                raise SystemExit(f"{name}: {path} answered {status}, not 200.")
            if language != headers.get("Accept-Language", "en"):
                raise SystemExit(f"{name}: {path} answered in {language!r}.")
            self.queries[name] = int(count) if count is not None else None
            wrk(self.base + path, headers, 1, self.args.connections, script)
        self.runs = {name: [] for name, _, _ in urls}

    def measure(self, round_, name, path, who, script):
        args = self.args
        workers, backends = server_pids(self.server.pid, self.database_url)
        before = cpu_seconds(workers), cpu_seconds(backends)
        result = wrk(self.base + path, self.headers[who], args.seconds, args.connections, script)
        after = cpu_seconds(workers), cpu_seconds(backends)
        # CPU per request, in the app and in PostgreSQL: unlike requests/s, it does not
        # depend on what else the machine is running.
        done = max(result["rps"] * args.seconds, 1)
        result["app_cpu_ms"] = (after[0] - before[0]) * 1000 / done
        result["db_cpu_ms"] = (after[1] - before[1]) * 1000 / done
        self.runs[name].append(result)
        print(
            f"  round {round_} {self.sessions:>9,} {name:<20} {result['rps']:8.1f} req/s "
            f"p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms"
            + (f"  ERRORS {result['errors']}" if result["errors"] else ""),
            flush=True,
        )


def interpreter():
    """Which CPython serves: its version and where its executable really is."""
    code = "import os, sys; print(sys.version.split()[0], os.path.realpath(sys.executable))"
    return subprocess.run(
        [str(PYTHON), "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def run(args):
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (make bench does it).")
    args.load_before = os.getloadavg()
    args.python = interpreter()
    targets = [Target(args, args.database_url, args.redis_url)]
    # The smaller database, measured in the same rounds, URL by URL: what the machine does
    # meanwhile weighs on both alike, and the comparison shows what the data size costs.
    compare_with = args.compare_with
    if compare_with and compare_with != args.database_url:
        if database_exists(compare_with):
            redis = urllib.parse.urlsplit(args.redis_url)
            number = int(redis.path.lstrip("/") or 0) + 1
            targets.append(
                Target(
                    args,
                    compare_with,
                    urllib.parse.urlunsplit(redis._replace(path=f"/{number}")),
                )
            )
        else:
            print(
                f"No load data at {compare_with}: the comparison of data sizes is made with "
                "the latest saved run on another size (README, Benchmark)."
            )
    manage(args, "collectstatic", "--noinput", "-v0", env=targets[0].env)
    for target in targets:
        target.prepare()
    urls = [u for u in URLS if not args.only or u[0] == "healthz" or args.only in u[0]]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    rss = {}
    try:
        for target in targets:
            target.start()
            target.warm_up(urls, script.name)
        for round_ in range(1, args.rounds + 1):
            for name, path, who in urls:
                for target in targets:
                    target.measure(round_, name, path, who, script.name)
        for target in targets:
            rss[target] = worker_rss_mb(target.server.pid)
    finally:
        for target in targets:
            if target.server is not None:
                stop(target.server)
        with contextlib.suppress(OSError):
            os.unlink(script.name)
    scan = None if args.only else reminder_scan(args, targets[0].env)
    reports = []
    for target in targets:
        report = summarize(
            args, target.sessions, urls, target.runs, target.queries, rss.get(target, {})
        )
        if scan is not None and target is targets[0]:
            report["checks"][f"reminder scan < {REMINDER_SCAN_S} s"] = scan
            report["all_targets_met"] = report["all_targets_met"] and scan["ok"]
        if reports:
            # Issue 7's targets are the large database's; the small one is for comparison.
            print("\n(the comparison database: its targets are shown, not required)")
        show(report)
        save(report)
        reports.append(report)
    ok = compare(reports[0], reports[1] if len(reports) == 2 else None)
    return 0 if reports[0]["all_targets_met"] and ok is not False else 1


# Issue 16: a day's reminders found and recorded by one worker within a minute.
REMINDER_SCAN_S = 60
REMINDER_SCAN = """
import json, time
from notifications.services import reminders_record
started = time.monotonic()
made = reminders_record()
seconds = time.monotonic() - started
again = reminders_record()
print(json.dumps({"seconds": seconds, "made": made, "again": again}))
"""


def reminder_scan(args, env):
    """The reminder scan run as a worker runs it, twice: the seconds of the first, the rows
    each made (the second makes none: each reminder is recorded once)."""
    out = subprocess.run(
        [str(PYTHON), "manage.py", "shell", "-c", REMINDER_SCAN],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    print(
        f"reminder scan: {found['seconds']:.1f} s, {found['made']:,} reminders recorded; "
        f"again: {found['again']:,}"
    )
    ok = found["seconds"] < REMINDER_SCAN_S and found["again"] == 0
    return {"value": round(found["seconds"], 1), "made": found["made"], "ok": ok}


def cpu_ms(result):
    return result["app_cpu_ms"] + result["db_cpu_ms"]


def paired(runs, others, measure=lambda result: result["rps"]):
    """The median over rounds of `runs`' measure over `others`' in the same round."""
    return statistics.median(
        measure(run) / max(measure(other), 1e-9) for run, other in zip(runs, others, strict=True)
    )


def summarize(args, sessions, urls, runs, queries, rss):
    rows = []
    healthz = statistics.median(r["rps"] for r in runs["healthz"])
    healthz_cpu = statistics.median(r["app_cpu_ms"] + r["db_cpu_ms"] for r in runs["healthz"])
    for name, path, _ in urls:
        results = runs[name]
        rps = statistics.median(r["rps"] for r in results)
        ratio = rps / healthz
        row = {
            "url": name,
            "path": path,
            "rps": round(rps, 1),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in results), 1),
            "p99_ms": round(statistics.median(r["p99_ms"] for r in results), 1),
            "app_cpu_ms": round(statistics.median(r["app_cpu_ms"] for r in results), 2),
            "db_cpu_ms": round(statistics.median(r["db_cpu_ms"] for r in results), 2),
            # The throughput ratio as costs: healthz's CPU per request over this URL's. On
            # a machine that other work keeps busy, the more stable of the two.
            "cpu_ratio": round(
                healthz_cpu
                / max(statistics.median(r["app_cpu_ms"] + r["db_cpu_ms"] for r in results), 1e-6),
                3,
            ),
            "worst_p99_ms": round(max(r["p99_ms"] for r in results), 1),
            "queries": queries[name],
            "ratio": round(ratio, 3),
            "errors": sum(r["errors"] for r in results),
            "runs": results,
        }
        failed = []
        if name != "healthz":
            minimum = API_RATIO if path.startswith("/api/") else PAGE_RATIO
            if ratio < minimum:
                failed.append(f"ratio < {minimum}")
        if row["p99_ms"] >= P99_MS:
            failed.append(f"p99 >= {P99_MS} ms")
        if queries[name] is None or queries[name] > MAX_QUERIES:
            failed.append(f"queries > {MAX_QUERIES}")
        if row["errors"]:
            failed.append("errors")
        row["failed"] = failed
        rows.append(row)
    by_name = {row["url"]: row for row in rows}
    checks = {}
    if "session list p1" in by_name and "session list p40" in by_name:
        # Each round's page 40 against the page 1 measured just before it, the median of
        # those: the machine's drift between rounds weighs on neither.
        spread = paired(by_name["session list p40"]["runs"], by_name["session list p1"]["runs"])
        checks["page 40 within 10 % of page 1"] = {
            "value": round(spread, 3),
            "ok": spread >= 1 - PAGE40_SPREAD,
        }
    worst_rss = max(rss.values()) if rss else 0
    checks[f"worker RSS < {MAX_RSS_MB} MB"] = {
        "value": round(worst_rss, 1),
        "ok": worst_rss < MAX_RSS_MB,
    }
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sessions": sessions,
        "workers": args.workers,
        "connections": args.connections,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "python": args.python,
        "load_average_after": os.getloadavg(),
        "load_average_before": args.load_before,
        "healthz_rps": round(healthz, 1),
        "urls": rows,
        "checks": checks,
        "worker_rss_mb": {str(pid): round(mb, 1) for pid, mb in rss.items()},
        "all_targets_met": all(not r["failed"] for r in rows)
        and all(c["ok"] for c in checks.values()),
    }


def show(report):
    print()
    print(
        f"{report['sessions']:,} sessions, {report['connections']} connections, "
        f"{report['rounds']} rounds of {report['seconds']} s, {report['workers']} workers"
        f" on CPython {report['python']}"
    )
    print(
        "load average before and after: "
        + " / ".join(
            ", ".join(f"{x:.1f}" for x in la)
            for la in (report["load_average_before"], report["load_average_after"])
        )
    )
    header = (
        f"{'URL':<20} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'queries':>7} {'ratio':>6} "
        f"{'app cpu':>8} {'db cpu':>7} {'cpu ratio':>9}  "
    )
    print(header + "targets")
    for row in report["urls"]:
        print(
            f"{row['url']:<20} {row['rps']:>8.1f} {row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f} "
            f"{row['queries'] if row['queries'] is not None else '?':>7} {row['ratio']:>6.3f} "
            f"{row['app_cpu_ms']:>8.2f} {row['db_cpu_ms']:>7.2f} {row['cpu_ratio']:>9.3f}  "
            + ("FAIL: " + ", ".join(row["failed"]) if row["failed"] else "ok")
        )
    print("(cpu: milliseconds of CPU per request in the gunicorn workers and in PostgreSQL)")
    for label, check in report["checks"].items():
        print(f"{label}: {check['value']} {'ok' if check['ok'] else 'FAIL'}")
    print(f"worker RSS (MB): {', '.join(str(v) for v in report['worker_rss_mb'].values())}")
    print("ALL TARGETS MET" if report["all_targets_met"] else "SOME TARGETS MISSED")


def save(report):
    RESULTS.mkdir(exist_ok=True)
    stamp = report["at"].replace(":", "").replace("+0000", "Z")
    for name in (f"bench-{report['sessions']}-{stamp}.json", f"latest-{report['sessions']}.json"):
        (RESULTS / name).write_text(json.dumps(report, indent=2) + "\n")
    latest = RESULTS / f"latest-{report['sessions']}.json"
    print(f"written to {latest}")


def compare(report, other):
    """Costs must not grow with the data: each URL's throughput on the larger database within
    10 % of the smaller's. `other` is the smaller database measured in the same rounds, or
    None for the latest saved run on another size. True or False, None if there is nothing
    to compare with."""
    same_run = other is not None
    if other is None:
        others = []
        for path in RESULTS.glob("latest-*.json"):
            saved = json.loads(path.read_text())
            if saved["sessions"] != report["sessions"]:
                others.append(saved)
        if not others:
            return None
        other = min(others, key=lambda o: o["sessions"])
    small, large = sorted([other, report], key=lambda o: o["sessions"])
    when = "in the same rounds" if same_run else f"against the saved run of {small['at']}"
    print(
        f"\nthroughput on {large['sessions']:,} sessions / on {small['sessions']:,}, "
        f"{when} (target >= {1 - SCALE_SPREAD:.1f}):"
    )
    small_rows = {row["url"]: row for row in small["urls"]}
    print(f"  {'URL':<20} {'req/s':>6} {'cpu':>6}  (cpu: CPU per request on the smaller / larger)")
    ok = True
    for row in large["urls"]:
        other_row = small_rows.get(row["url"])
        if other_row:
            if same_run:  # each round's pair, measured back to back
                ratio = paired(row["runs"], other_row["runs"])
            else:
                ratio = row["rps"] / other_row["rps"]
            ok = ok and ratio >= 1 - SCALE_SPREAD
            flags = "ok" if ratio >= 1 - SCALE_SPREAD else "FAIL"
            cpu_text = "     -"
            if "app_cpu_ms" in row and "app_cpu_ms" in other_row:
                if same_run:
                    cpu = paired(other_row["runs"], row["runs"], cpu_ms)
                else:
                    cpu = cpu_ms(other_row) / max(cpu_ms(row), 1e-6)
                cpu_text = f"{cpu:6.3f}"
                flags += "/" + ("ok" if cpu >= 1 - SCALE_SPREAD else "FAIL")
            print(f"  {row['url']:<20} {ratio:6.3f} {cpu_text}  {flags}")
    print("COSTS FLAT ACROSS DATA SIZES" if ok else "SOME COSTS GREW WITH THE DATA")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--password", default=profile.DEFAULT_PASSWORD)
    sub = parser.add_subparsers(dest="command", required=True)
    loader = sub.add_parser("load", help="create, migrate and fill the load database")
    loader.add_argument("--sessions", type=int, default=1_000_000)
    runner = sub.add_parser("run", help="serve with gunicorn and measure with wrk")
    runner.add_argument("--seconds", type=int, default=5, help="one wrk run (default 5)")
    runner.add_argument("--rounds", type=int, default=3)
    runner.add_argument("--connections", type=int, default=16)
    runner.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    runner.add_argument(
        "--threads", type=int, default=1, help="threads per worker (default 1: sync workers)"
    )
    runner.add_argument(
        "--compare-with",
        default=os.environ.get("BENCH_COMPARE_DATABASE_URL", DEFAULT_COMPARE_DB),
        help="a smaller load database measured in the same rounds (default: caresessions_load10k"
        " if it holds load data); '' to compare with the latest saved run instead",
    )
    runner.add_argument("--only", help="only the URLs whose name contains this (and /healthz)")
    args = parser.parse_args()
    if args.command == "load":
        load(args)
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

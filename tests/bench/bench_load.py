"""Load test of the main pages: gunicorn as in production, wrk with 50 connections for 30 s.

    make bench                                        # or:
    .venv/bin/python tests/bench/bench_load.py [--scale province] [--duration 30]
        [--connections 50] [--timeout 60] [--workers N] [--conn-max-age S]
        [--writes-per-second 4] [--logins-per-second 1] [--output var/bench/load.md]

On the PostgreSQL database that bench_pages.py fills for ``--scale`` (``fdi_bench_<scale>`` on
``BENCH_POSTGRES_URL``; filled by bench_pages.py's own code when it is missing or holds another
scale), it serves the portal with gunicorn on a free port of 127.0.0.1, DEBUG off, static files
collected into var/bench/static and the workers gunicorn.conf.py chooses (``--workers`` or
WEB_CONCURRENCY to change). It logs in as the demo staff member and the province viewer by
POSTing the login form (CSRF token and all), then runs wrk against each page with that session's
cookie: the login page as a baseline, the staff home and its attention panel, the figures grid
and the project list, and the province viewer's project list. After each page it waits until the
server has worked off the requests still queued, so that one page's backlog does not slow the
next; before it, each worker serves the page twice (not measured).

While the pages are loaded the province writes (``--writes-per-second``, 0 for none): a
process of its own verifies figures through the grid's write path
(``assessments.figures.set_monthly_figure``) in random regions of every city, and after each
write reads that city's grid through the server as the administrator and checks that it shows
the new figure (a page read after a write shows it); and people log in through the login page
(``--logins-per-second``, the demo accounts, CSRF token and all). The shared cache is a Redis
of the bench's own (``redis-server`` on a free port, 256 MB, allkeys-lru), as in production
beside the job queue's.

For each page: requests/s, latency p50/p95/p99 as wrk measured it (queueing included), responses
other than 200 (a redirect to the login page would be one), socket errors and timeouts, and the
median and 95th percentile of the time gunicorn spent on the request (its access log, queueing
excluded). Bounded: wrk's ``--timeout`` for each request, a time limit for each wrk, for the wait
after it and for the whole run (``--limit``); gunicorn is stopped in every case.

Without PostgreSQL it says so and measures nothing. The table is printed and written to
``--output``. Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import os
import platform
import random
import re
import runpy
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import bench_pages
import redis
from bench_pages import BENCH_DIR, ROLES, ROOT, database_url, postgres_answers

#: The load target (docs/performance.md): at province scale, p95 at most this, and no errors.
TARGET_P95_MS = 500
SECRET_KEY = "bench-only-not-a-secret"
#: The dashboard cache of the served portal: a Redis database of the bench's own.
CACHE_URL = "redis://127.0.0.1:6379/12"
#: The pages under load: (name in bench_pages.main_pages(), role).
PAGES = [
    ("home", "staff"),
    ("home's attention panel", "staff"),
    ("figures grid", "staff"),
    ("project list", "staff"),
]
PAGES_PROVINCE = [("project list", "province")]

#: wrk's script: counts the responses other than 200 in each thread and prints one JSON line.
WRK_SCRIPT = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  not_ok = 0
end
function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end
function done(summary, latency, requests)
  local not_ok_total = 0
  for _, thread in ipairs(threads) do
    not_ok_total = not_ok_total + thread:get("not_ok")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %.0f, "p95_us": %.0f, '
    .. '"p99_us": %.0f, "max_us": %.0f, "not_ok": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, not_ok_total, e.connect, e.read, e.write, e.status,
    e.timeout))
end
"""

#: gunicorn's access log, one request a line: status, time taken in µs, request line.
ACCESS_LOG_FORMAT = '%(s)s %(D)s "%(r)s"'
ACCESS_LINE = re.compile(r'^(\d{3}) (\d+) "GET (\S+) HTTP')


class RunTimeLimit(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="province", help="small, city or province")
    parser.add_argument("--duration", type=int, default=30, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=50, help="wrk's open connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument(
        "--timeout", type=int, default=60, help="seconds wrk waits for one response"
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config's)")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="seconds each worker keeps its database connection (CONN_MAX_AGE; default: the "
        "settings' 60; 0 opens one per request)",
    )
    parser.add_argument(
        "--cache",
        choices=["on", "off"],
        default="on",
        help="the shared dashboard cache (FIGURES_CACHE_URL), on a Redis database of the "
        "bench's own, emptied first (default: on)",
    )
    parser.add_argument(
        "--limit", type=int, help="seconds for the whole run (default: enough for every page)"
    )
    parser.add_argument(
        "--pages", default="", help="only pages whose name contains one of these, e.g. grid,login"
    )
    parser.add_argument(
        "--writes-per-second",
        type=float,
        default=4,
        help="figures verified through the grid's write path while the pages are loaded "
        "(default 4; 0: none)",
    )
    parser.add_argument(
        "--logins-per-second",
        type=float,
        default=1,
        help="logins through the login page while the pages are loaded (default 1; 0: none)",
    )
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "load.md")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--writer", help=argparse.SUPPRESS)  # the server's URL
    args = parser.parse_args()
    if args.prepare:
        prepare(args.scale)
        return
    if args.writer:
        write_figures(args.writer, args.writes_per_second)
        return

    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: scripts/install-system-packages installs it.")
    if not postgres_answers():
        print(f"No PostgreSQL answers on {bench_pages.POSTGRES_URL}: no load test.")
        return
    pages = 1 + len(PAGES) + len(PAGES_PROVINCE)
    limit = args.limit or 900 + pages * (args.duration + 2 * args.timeout + 120)
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.alarm(limit)

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url("postgresql", args.scale),
        "DEBUG": "off",
        "SECRET_KEY": SECRET_KEY,
        "STATIC_ROOT": str(BENCH_DIR / "static"),
        "STATIC_COLLECTED": "on",
        "GUNICORN_ACCESS_LOG": str(BENCH_DIR / "load-access.log"),
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    print(f"== PostgreSQL, {args.scale} scale: data and static files", flush=True)
    prepared = subprocess.run(
        [sys.executable, __file__, "--prepare", f"--scale={args.scale}"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    info = json.loads(prepared.stdout.strip().splitlines()[-1])
    workers = gunicorn_workers(env)
    if args.conn_max_age is not None:
        env["CONN_MAX_AGE"] = str(args.conn_max_age)
    kept = int(env.get("CONN_MAX_AGE", "60"))
    connections = (
        f"database connections kept {kept} s (CONN_MAX_AGE)"
        if kept
        else "a database connection per request"
    )
    cache_server = None
    if args.cache == "on":
        cache_server, env["FIGURES_CACHE_URL"] = start_cache_redis()
        redis.Redis.from_url(env["FIGURES_CACHE_URL"]).flushdb()
        connections += "; the shared dashboard cache on (emptied first; " + (
            "a redis-server of its own, 256 MB, allkeys-lru)" if cache_server else "Redis db 12)"
        )
    else:
        env["FIGURES_CACHE_URL"] = "off"
        connections += "; the shared dashboard cache off"
    load_before = os.getloadavg()[0]
    results = []
    server = writer = logins = None
    try:
        server, base = start_gunicorn(env, workers)
        print(f"gunicorn on {base}, {workers} sync workers", flush=True)
        cookies = {
            role: login(base, ROLES[role], info["password"]) for role in ("staff", "province")
        }
        if args.writes_per_second > 0:
            writer = start_writer(env, base, args)
        if args.logins_per_second > 0:
            logins = Logins(base, info["password"], args.logins_per_second)
            logins.start()
        runs = [("login page", "anonymous", "/login/", "")]
        runs += [
            (page, role, info["urls"][page], cookies[role]) for page, role in PAGES + PAGES_PROVINCE
        ]
        if args.pages:
            runs = [run for run in runs if any(part in run[0] for part in args.pages.split(","))]
        pages = len(runs)
        for page, role, path, cookie in runs:
            check_page(base, path, cookie, workers)
            log = Path(env["GUNICORN_ACCESS_LOG"])
            start_at = log.stat().st_size
            print(f"-- {page} ({role}): {path}", flush=True)
            result = run_wrk(base + path, cookie, args)
            drained_s = wait_until_idle(base, args.timeout * 2)
            result.update(server_times(log, start_at, path))
            result.update(page=page, role=role, path=path, drained_s=drained_s)
            results.append(result)
            print(line(result), flush=True)
    except RunTimeLimit:
        print(f"Stopped: the run took longer than {limit} s (--limit).", flush=True)
    finally:
        writes = stop_writer(writer) if writer is not None else None
        if logins is not None:
            logins.stop()
        if server is not None:
            stop(server)
        if cache_server is not None:
            stop(cache_server)
        signal.alarm(0)

    header = (
        f"Load measured {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} on "
        f"{platform.node()} ({platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}): PostgreSQL, {args.scale} scale ({info['counts']}); "
        f"gunicorn with gunicorn.conf.py, {workers} sync workers, DEBUG off, {connections}, "
        "on 127.0.0.1; "
        f"wrk {args.threads} threads, {args.connections} connections, {args.duration} s per "
        f"page, {args.timeout} s timeout, on the same machine. Load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after (other work on the machine "
        f"slows every figure). Target: p95 ≤ {TARGET_P95_MS} ms and no errors."
    )
    mixed = []
    if writes is not None:
        mixed.append(
            f"Writes: {writes['written']} figures verified through set_monthly_figure in "
            f"{writes['seconds']:.0f} s ({writes['written'] / max(writes['seconds'], 1):.1f}/s, "
            f"asked {args.writes_per_second}/s, {writes['cities']} cities), "
            f"{writes['refused']} refused (a locked month), {writes['failed']} failed; "
            f"the city's grid read after the latest write showed it {writes['fresh']} times "
            f"of {writes['checked']} (stale: {writes['stale']}, read errors: "
            f"{writes['read_errors']}), the grid's read p50 {_ms(writes['read_p50'])} / p95 "
            f"{_ms(writes['read_p95'])} ms."
        )
    if logins is not None:
        mixed.append(
            f"Logins: {logins.done} through the login page ({logins.rate()}/s, asked "
            f"{args.logins_per_second}/s), {logins.failed} failed."
        )
    text = f"{header}\n\n{table(results)}\n\n{LEGEND}\n"
    if mixed:
        text += "\n" + "\n".join(mixed) + "\n"
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"Written to {args.output}")
    if len(results) < pages:
        sys.exit(1)
    if writes is not None and (writes["stale"] or writes["failed"] or writes["read_errors"]):
        sys.exit("A page read after a write did not show it, or a write failed.")
    if logins is not None and logins.failed:
        sys.exit("A login through the login page failed.")


LEGEND = (
    "req/s, p50, p95, p99: as wrk measured them, waiting in gunicorn's queue included "
    "(requests that timed out are not in the percentiles). not 200: responses with another "
    "status. socket errors: connect / read / write / timeout. server p50 / p95: the time "
    "gunicorn's worker spent on the request (access log), without the queue. drained: seconds "
    "the server then took to answer quickly again."
)


def _out_of_time(signum: int, frame: object) -> None:
    raise RunTimeLimit


# --------------------------------------------------------------------------- the server


def gunicorn_workers(env: dict[str, str]) -> int:
    """The workers gunicorn.conf.py chooses in this environment."""
    saved = os.environ.copy()
    os.environ.update(env)
    try:
        return int(runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"])
    finally:
        os.environ.clear()
        os.environ.update(saved)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict[str, str], workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    output = (BENCH_DIR / "load-gunicorn.log").open("w")
    Path(env["GUNICORN_ACCESS_LOG"]).write_text("")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            f"--access-logformat={ACCESS_LOG_FORMAT}",
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, killed whole by stop()
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: see {output.name}")
        try:
            with urllib.request.urlopen(base + "/login/", timeout=5):
                return server, base
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    stop(server)
    raise RuntimeError(f"gunicorn did not answer within 60 s: see {output.name}")


def stop(server: subprocess.Popen) -> None:
    """Gunicorn's graceful stop, then SIGKILL to its whole process group after 10 s."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    except ProcessLookupError:
        pass


def start_cache_redis() -> tuple[subprocess.Popen | None, str]:
    """A Redis of the page cache's own, as production runs it beside the job queue's: bounded
    (256 MB) and evicting the least recently used pages, nothing saved to disk. Redis db 12 of
    the server on 6379 when redis-server is not installed."""
    executable = shutil.which("redis-server")
    if executable is None:
        return None, CACHE_URL
    port = free_port()
    server = subprocess.Popen(
        [
            executable,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--maxmemory",
            "256mb",
            "--maxmemory-policy",
            "allkeys-lru",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            redis.Redis.from_url(url).ping()
            return server, url
        except redis.ConnectionError:
            time.sleep(0.1)
    stop(server)
    raise RuntimeError("redis-server did not answer within 10 s")


# --------------------------------------------------------------------------- mixed load


def start_writer(env: dict[str, str], base: str, args: argparse.Namespace) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            __file__,
            f"--writer={base}",
            f"--scale={args.scale}",
            f"--writes-per-second={args.writes_per_second}",
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def stop_writer(writer: subprocess.Popen) -> dict:
    os.killpg(writer.pid, signal.SIGTERM)
    try:
        output, _ = writer.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(writer.pid, signal.SIGKILL)
        output, _ = writer.communicate()
    found = re.search(r"^WRITES_JSON (.*)$", output or "", re.MULTILINE)
    if found is None:
        raise RuntimeError(f"the writer printed no summary:\n{output}")
    return json.loads(found.group(1))


def write_figures(base: str, per_second: float) -> None:
    """In a child with Django: verify a figure every 1/``per_second`` s through the grid's
    write path, in a random assessed region of a random city, until SIGTERM. Beside the
    writes, a reader reads the city's grid of the latest write through the server as the
    administrator and checks that it shows the figure (unless a later write changed that cell
    meanwhile): the reads wait in the server's queue with the load, the writes keep their pace.
    Prints a summary line (WRITES_JSON)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fdi_portal.settings")
    import django

    django.setup()
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.db import connection
    from django.utils import timezone

    from assessments.figures import set_monthly_figure
    from fdi_portal.demo import DEMO_PASSWORD
    from fdi_portal.lib.money import format_wan
    from fdi_portal.models import Region

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    admin = get_user_model().objects.get(username=ROLES["admin"])
    cookie = login(base, admin.username, DEMO_PASSWORD)
    regions = list(Region.objects.filter(assessed=True).select_related("city"))
    today = timezone.localdate()
    picker = random.Random(2026)
    counts = dict.fromkeys(
        ("written", "refused", "failed", "checked", "fresh", "stale", "read_errors"), 0
    )
    reads: list[float] = []
    #: (region, month) → the amount last written; the write the reader checks next.
    latest: dict[tuple[int, int], Decimal] = {}
    pending: list[tuple[Region, int, Decimal]] = []
    lock = threading.Lock()

    def read_back() -> None:
        opener = urllib.request.build_opener(_NoRedirect)
        while not stopping.is_set():
            with lock:
                job = pending.pop() if pending else None
                pending.clear()
            if job is None:
                stopping.wait(0.05)
                continue
            region, month, amount = job
            url = f"{base}/figures/{region.city.admin_code}/{today.year}/"
            request = urllib.request.Request(url, headers={"Cookie": cookie})
            asked = time.monotonic()
            try:
                with opener.open(request, timeout=60) as response:
                    page = response.read().decode()
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                counts["read_errors"] += 1
                continue
            reads.append((time.monotonic() - asked) * 1000)
            with lock:
                overwritten = latest.get((region.pk, month)) != amount
            if format_wan(amount) in page:
                counts["checked"] += 1
                counts["fresh"] += 1
            elif not overwritten:
                counts["checked"] += 1
                counts["stale"] += 1

    reader = threading.Thread(target=read_back, daemon=True)
    reader.start()
    started = time.monotonic()
    next_at = started
    while not stopping.is_set():
        next_at += 1 / per_second
        region = picker.choice(regions)
        month = picker.randint(1, today.month)
        # A figure unlikely to stand anywhere else on the grid (checked there after the write).
        amount = Decimal(picker.randint(1_000_000, 99_999_999)) * 100 + 1
        try:
            set_monthly_figure(
                region=region,
                year=today.year,
                month=month,
                amount_usd=amount,
                user=admin,
                reason="bench: mixed load",
                confirmed=True,
            )
            counts["written"] += 1
            with lock:
                latest[(region.pk, month)] = amount
                pending.append((region, month, amount))
        except ValidationError:
            counts["refused"] += 1  # a locked month
        except Exception:  # noqa: BLE001 — counted and reported
            counts["failed"] += 1
            connection.close()
        stopping.wait(max(0.0, next_at - time.monotonic()))
    reader.join(timeout=60)
    quantiles = statistics.quantiles(reads, n=20) if len(reads) >= 2 else None
    summary = {
        **counts,
        "seconds": time.monotonic() - started,
        "cities": len({r.city_id for r in regions}),
        "read_p50": statistics.median(reads) if reads else None,
        "read_p95": quantiles[-1] if quantiles else None,
    }
    print("WRITES_JSON " + json.dumps(summary), flush=True)


class Logins(threading.Thread):
    """Starts a login through the login page ``per_second`` times a second, round the demo
    accounts of 防城港 and 广西, each in a thread of its own (a login waits in the server's
    queue with the load; the pace holds), until stopped."""

    def __init__(self, base: str, password: str, per_second: float) -> None:
        super().__init__(daemon=True)
        self.base, self.password, self.per_second = base, password, per_second
        self.done = self.failed = 0
        self.stopping = threading.Event()
        self.started_at = self.stopped_at = time.monotonic()
        self.lock = threading.Lock()

    def one(self, username: str) -> None:
        try:
            login(self.base, username, self.password)
            ok = True
        except (RuntimeError, OSError):
            ok = False
        with self.lock:
            if ok:
                self.done += 1
            else:
                self.failed += 1

    def run(self) -> None:
        names = [ROLES[role] for role in ("staff", "county", "leader", "province")]
        started: list[threading.Thread] = []
        next_at = self.started_at = time.monotonic()
        while not self.stopping.is_set():
            next_at += 1 / self.per_second
            login_thread = threading.Thread(
                target=self.one, args=(names[len(started) % len(names)],), daemon=True
            )
            login_thread.start()
            started.append(login_thread)
            self.stopping.wait(max(0.0, next_at - time.monotonic()))
        for login_thread in started:
            login_thread.join(timeout=60)
        self.stopped_at = time.monotonic()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=120)

    def rate(self) -> str:
        return f"{self.done / max(self.stopped_at - self.started_at, 1):.1f}"


# --------------------------------------------------------------------------- the client


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def login(base: str, username: str, password: str) -> str:
    """Log in through the login form; the Cookie header of the session it opened."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    with opener.open(base + "/login/", timeout=30) as response:
        html = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(
        base + "/login/", data=form, headers={"Referer": base + "/login/"}
    )
    try:
        opener.open(request, timeout=30)
        raise RuntimeError(f"the login of {username} did not redirect: wrong password?")
    except urllib.error.HTTPError as redirect:
        if redirect.code != 302 or "/login/" in redirect.headers["Location"]:
            raise RuntimeError(f"the login of {username} answered {redirect.code}") from None
    session = {cookie.name: cookie.value for cookie in jar}
    return f"sessionid={session['sessionid']}"


def check_page(base: str, path: str, cookie: str, workers: int) -> None:
    """Before the load: the page answers 200 to this session, and every worker has served it
    once (compiled its templates, loaded its translations) — as many requests at once as
    there are workers, twice."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})

    def get(_: int) -> None:
        try:
            with opener.open(request, timeout=300) as response:
                response.read()
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{path} answered {error.code} before the load test") from None

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(get, range(2 * workers)))


def run_wrk(url: str, cookie: str, args: argparse.Namespace) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={args.duration}s",
        f"--timeout={args.timeout}s",
        f"--script={script.name}",
    ]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    wrk = subprocess.Popen(
        [*command, url], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        output, _ = wrk.communicate(timeout=args.duration + args.timeout + 30)
    except subprocess.TimeoutExpired:
        os.killpg(wrk.pid, signal.SIGKILL)
        wrk.communicate()
        raise RuntimeError(f"wrk did not finish in time on {url}") from None
    finally:
        if wrk.poll() is None:
            os.killpg(wrk.pid, signal.SIGKILL)
            wrk.wait()
        os.unlink(script.name)
    found = re.search(r"^WRK_JSON (.*)$", output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    summary = json.loads(found.group(1))
    return {
        "requests": summary["requests"],
        "rps": summary["requests"] / (summary["duration_us"] / 1e6),
        "p50": summary["p50_us"] / 1000,
        "p95": summary["p95_us"] / 1000,
        "p99": summary["p99_us"] / 1000,
        "max": summary["max_us"] / 1000,
        "not_ok": summary["not_ok"],
        "socket": [summary[kind] for kind in ("connect", "read", "write", "timeout")],
    }


def wait_until_idle(base: str, limit: int) -> float:
    """Seconds until the login page answers within 0.5 s: the queue left by wrk is gone."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        asked = time.monotonic()
        try:
            with urllib.request.urlopen(base + "/login/", timeout=limit) as response:
                response.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
            continue
        if time.monotonic() - asked < 0.5:
            return time.monotonic() - started
    raise RuntimeError(f"the server was still busy {limit} s after the load")


def server_times(log: Path, offset: int, path: str) -> dict:
    """p50 and p95 of the time gunicorn spent on ``path`` (in ms), from its access log."""
    with log.open(encoding="utf-8", errors="replace") as lines:
        lines.seek(offset)
        taken = [
            int(found.group(2)) / 1000
            for found in map(ACCESS_LINE.match, lines)
            if found and found.group(3) == path
        ]
    if len(taken) < 2:
        return {"server_p50": None, "server_p95": None}
    return {
        "server_p50": statistics.median(taken),
        "server_p95": statistics.quantiles(taken, n=20)[-1],
    }


# --------------------------------------------------------------------------- the report


def line(r: dict) -> str:
    return (
        f"{r['requests']:>7} requests {r['rps']:>8.1f}/s p50 {r['p50']:>8.0f} ms "
        f"p95 {r['p95']:>8.0f} ms not 200: {r['not_ok']} socket: {r['socket']} "
        f"server p50 {_ms(r['server_p50'])} ms"
    )


def table(results: list[dict]) -> str:
    lines = [
        "| page | role | req/s | p50 ms | p95 ms | p99 ms | not 200 | socket errors | "
        "server p50 / p95 ms | drained s | target |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for r in results:
        met = r["p95"] <= TARGET_P95_MS and r["not_ok"] == 0 and not any(r["socket"])
        lines.append(
            f"| {r['page']} | {r['role']} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | "
            f"{r['p99']:.0f} | {r['not_ok']} | {' / '.join(map(str, r['socket']))} | "
            f"{_ms(r['server_p50'])} / {_ms(r['server_p95'])} | {r['drained_s']:.0f} | "
            f"{'met' if met else 'missed'} |"
        )
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


# --------------------------------------------------------------------------- the data


def prepare(scale: str) -> None:
    """In a child (Django binds its database at start): fill the database as bench_pages.py
    does, collect the static files, and print the pages' URLs and the data's size as JSON."""
    # bench_pages.child() migrates and fills the database when it does not hold this scale;
    # a page filter that matches no page makes it measure nothing.
    bench_pages.child(
        argparse.Namespace(
            scales=scale, fresh=False, roles="staff", pages="\t", backend="postgresql", repeat=1
        )
    )
    from django.core.management import call_command

    from fdi_portal.demo import DEMO_PASSWORD
    from projects.models import Arrival, Project

    call_command("collectstatic", interactive=False, verbosity=0)
    urls = bench_pages.main_pages()
    counts = f"{Project.objects.count():,} projects, {Arrival.objects.count():,} arrivals"
    names = {page for page, _role in PAGES + PAGES_PROVINCE}
    urls = {name: urls[name] for name in names}
    print(json.dumps({"urls": urls, "counts": counts, "password": DEMO_PASSWORD}))


if __name__ == "__main__":
    main()

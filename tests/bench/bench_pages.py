"""Benchmark of the main pages: every page for every demo role, on generated demo data.

    make bench                                        # or:
    .venv/bin/python tests/bench/bench_pages.py [--scales small,city,province]
        [--backends sqlite,postgresql] [--repeat 20] [--fresh] [--output var/bench/pages.md]

For each backend and scale it fills a database of its own with ``generate_demo_data`` (SQLite:
``var/bench/pages-<scale>.sqlite3``; PostgreSQL: database ``fdi_bench_<scale>`` on
``BENCH_POSTGRES_URL``, default ``postgres://postgres@127.0.0.1:5432``), reused by the next run
while it holds the same scale (``--fresh`` regenerates). It never touches another database.
Then, with Django's test client and each demo account, it requests every page once to count
its queries and measure its size, once under tracemalloc for the peak Python memory, and
``--repeat`` times for the median (p50) and 95th percentile (p95) in milliseconds.

By default: SQLite at small scale, and PostgreSQL at city and province scale when a server
answers. Each backend and scale runs in a child process (Django binds its database at start).
The table is printed and written to ``--output``. Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "var" / "bench"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
SEED = 2026
#: A page slower than this (its first request, in ms) is timed SLOW_REPEAT times only.
SLOW_MS = 2000
SLOW_REPEAT = 3

#: The demo accounts, one per role (fdi_portal/demo.py).
ROLES = {
    "staff": "fcg_staff",
    "county": "fcg_shangsi",
    "department": "fcg_invest",
    "leader": "fcg_leader",
    "province": "gx_viewer",
    "admin": "admin",
}


# --------------------------------------------------------------------------- the parent


def postgres_answers() -> bool:
    try:
        import psycopg2

        psycopg2.connect(f"{POSTGRES_URL}/postgres", connect_timeout=3).close()
    except Exception:  # noqa: BLE001 — any failure means: no PostgreSQL to measure on
        return False
    return True


def database_url(backend: str, scale: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{BENCH_DIR / f'pages-{scale}.sqlite3'}"
    import psycopg2

    name = f"fdi_bench_{scale}"
    connection = psycopg2.connect(f"{POSTGRES_URL}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return f"{POSTGRES_URL}/{name}"


def table(results: list[dict]) -> str:
    """Every measurement, one line each."""
    lines = [
        "| backend | scale | page | role | runs | queries | p50 ms | p95 ms | KB | peak MiB |",
        "|---|---|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        lines.append(
            f"| {r['backend']} | {r['scale']} | {r['page']} | {r['role']} | {r['runs']} | "
            f"{r['queries']} | {r['p50']:.0f} | {r['p95']:.0f} | {r['kb']:.0f} | "
            f"{r['peak_mib']:.1f} |"
        )
    return "\n".join(lines)


def summary(results: list[dict]) -> str:
    """One table per backend and scale: a line per page, a column per role, each cell
    ``p50 / p95 ms (queries)``; — where the role may not use the page."""
    out = []
    runs = dict.fromkeys((r["backend"], r["scale"]) for r in results)
    for backend, scale in runs:
        mine = [r for r in results if (r["backend"], r["scale"]) == (backend, scale)]
        roles = list(dict.fromkeys(r["role"] for r in mine))
        pages = list(dict.fromkeys(r["page"] for r in mine))
        cells = {(r["page"], r["role"]): r for r in mine}
        out.append(f"**{backend}, {scale} scale** — p50 / p95 ms (queries)\n")
        out.append("| page | " + " | ".join(roles) + " |")
        out.append("|---|" + "--:|" * len(roles))
        for page in pages:
            row = []
            for role in roles:
                r = cells.get((page, role))
                row.append(f"{r['p50']:.0f} / {r['p95']:.0f} ({r['queries']})" if r else "—")
            out.append(f"| {page} | " + " | ".join(row) + " |")
        out.append("")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="", help="sqlite,postgresql (default: both)")
    parser.add_argument("--scales", default="", help="small,city,province")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="regenerate the data")
    parser.add_argument(
        "--pages", default="", help="only pages whose name contains one of these (comma-separated)"
    )
    parser.add_argument("--roles", default="", help="only these roles, e.g. staff,province")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "pages.md")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    backends = args.backends.split(",") if args.backends else ["sqlite", "postgresql"]
    if "postgresql" in backends and not postgres_answers():
        print(f"No PostgreSQL answers on {POSTGRES_URL}: SQLite only.")
        backends.remove("postgresql")
    runs = []
    for backend in backends:
        default = "small" if backend == "sqlite" else "city,province"
        runs += [(backend, scale) for scale in (args.scales or default).split(",")]
    results: list[dict] = []
    load_before = os.getloadavg()[0]
    for backend, scale in runs:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(backend, scale),
            # What a page costs to compute, as after every write: the dashboard cache (which
            # serves a page again at a few ms) is measured by the load test, bench_load.py.
            "FIGURES_CACHE_URL": "off",
            # The export's own work, not the redirect to a background job's progress page.
            "EXPORT_JOB_ROWS": str(10**9),
        }
        command = [
            sys.executable,
            __file__,
            "--child",
            f"--backend={backend}",
            f"--scales={scale}",
            f"--repeat={args.repeat}",
            f"--pages={args.pages}",
            f"--roles={args.roles}",
        ] + (["--fresh"] if args.fresh else [])
        print(f"== {backend}, {scale} scale", flush=True)
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=True)
        results += [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    header = (
        f"Pages measured {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} on "
        f"{platform.node()} ({platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}); {args.repeat} timed requests per page and role "
        f"({SLOW_REPEAT} for a page slower than {SLOW_MS} ms), Django test client, DEBUG off; "
        f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (other work on "
        "the machine slows every figure)."
    )
    text = f"{header}\n\n{summary(results)}\n{table(results)}\n"
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"Written to {args.output}")


# --------------------------------------------------------------------------- the child


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fdi_portal.settings")
    os.environ["DEBUG"] = "off"
    # Static URLs from the source folders, as in the test suite: nothing to collect first.
    os.environ.setdefault("STATIC_COLLECTED", "off")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.signals import request_finished
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from dashboards.demo_scale import SCALES
    from projects.models import Project

    setup_test_environment()
    # As Django's TestCase does: keep the connection between requests, so that each
    # request's queries can be counted and no request pays for a new connection.
    request_finished.disconnect(close_old_connections)
    settings.ALLOWED_HOSTS = ["testserver"]
    scale = SCALES[args.scales]
    log = sys.stderr
    call_command("migrate", verbosity=0)
    if args.fresh or Project.objects.filter(is_demo=True).count() != scale.projects + 7:
        started = time.perf_counter()
        call_command("load_seed", verbosity=0)
        call_command("generate_demo_data", scale=scale.name, seed=SEED, force=True, stdout=log)
        print(f"generated in {time.perf_counter() - started:.0f} s", file=log)

    pages = main_pages()
    roles = args.roles.split(",") if args.roles else list(ROLES)
    for role in roles:
        client = Client()
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username=ROLES[role]))
        for name, url in pages.items():
            if args.pages and not any(part in name for part in args.pages.split(",")):
                continue
            result = measure(client, url, args.repeat, connection)
            if result is None:
                continue  # a page this role may not use (403) or cannot see (404)
            result.update(backend=args.backend, scale=scale.name, page=name, role=role)
            print(json.dumps(result), flush=True)
            print(
                f"{role:10} {name:32} {result['queries']:>4} q {result['p50']:>8.1f} ms "
                f"p95 {result['p95']:>8.1f} ms {result['kb']:>8.0f} KB",
                file=log,
                flush=True,
            )


def main_pages() -> dict[str, str]:
    """The main pages of 防城港市 (every role but the administrator is of 防城港 or of 广西),
    in the current year as the generated data leads up to today."""
    from django.urls import reverse
    from django.utils import timezone

    from projects.models import Project
    from tasks.models import Plan

    today = timezone.localdate()
    year = today.year
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    quarter_end = (today.month - 1) // 3 * 3
    review = (year, quarter_end // 3) if quarter_end else (year - 1, 4)
    city = "450600"
    plan = Plan.objects.filter(city__admin_code=city).order_by("pk").first()
    project = (
        Project.objects.filter(city__admin_code=city, region__name="上思县", is_demo=True)
        .order_by("pk")
        .first()
    )
    pages = {
        "home": reverse("home"),
        # The home's lowest panels, loaded when scrolled to (dashboards.views.attention).
        "home's attention panel": reverse("dashboards:attention", args=[city]),
        "city dashboard": reverse("dashboards:city_dashboard", args=[city]),
        "region page (上思县)": reverse("dashboards:region_page", args=[city, "450621"]),
        "organisation": reverse("city_organisation", args=[city]),
        "figures grid": reverse("assessments:figure_grid", args=[city, year]),
        "figures history": reverse("assessments:figure_history", args=[city, year]),
        "figures export": reverse("assessments:export_grid", args=[city, year]),
        "monthly notice": reverse(
            "assessments:notice_detail", args=[city, last_month.year, last_month.month]
        ),
        "quarterly review": reverse("assessments:quarterly_review", args=[city, *review]),
        "annual assessment": reverse("assessments:assessment_detail", args=[city, year - 1]),
        "plan goals": reverse("assessments:plan_goals", args=[city, year]),
        "project list": reverse("projects:project_list"),
        "project list, last page": reverse("projects:project_list") + "?page=100000",
        "project list, rule filter": reverse("projects:project_list")
        + "?flag=major_project_leader",
        "project alerts": reverse("projects:project_list") + "?alerts=yes",
        "project export": reverse("projects:project_export"),
        "difficulties list": reverse("projects:difficulty_list"),
        "promotion events": reverse("projects:event_list") + f"?year={year}",
    }
    if project is not None:
        pages["project page"] = reverse("projects:project_detail", args=[project.pk])
    if plan is not None:
        pages["plan"] = reverse("tasks:plan_detail", args=[plan.pk])
        pages["task-division table"] = reverse("tasks:plan_table", args=[plan.pk])
        pages["plan progress"] = reverse("tasks:plan_progress", args=[plan.pk])
    return pages


def _body(response: Any) -> int:
    """The size of the response, reading a streamed one to its end (that is its cost)."""
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
        response.close()
        return size
    return len(response.content)


def measure(client: Any, url: str, repeat: int, connection: Any) -> dict | None:
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        size = _body(response)
    first_ms = (time.perf_counter() - started) * 1000
    # Now: the next request clears the query log this context reads from. Not counted: the
    # session's save (the idle timeout's clock is written once a minute, on whichever request
    # comes), which is no query of the page.
    query_count = sum(1 for query in queries.captured_queries if not _session_write(query["sql"]))
    if response.status_code != 200:
        return None
    if first_ms > SLOW_MS:
        repeat = min(repeat, SLOW_REPEAT)
    timings = [_timed(lambda: _body(client.get(url))) for _ in range(repeat)]
    tracemalloc.start()
    try:
        _body(client.get(url))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
    return {
        "runs": len(timings),
        "status": response.status_code,
        "queries": query_count,
        "p50": statistics.median(timings),
        "p95": p95,
        "kb": size / 1024,
        "peak_mib": peak / 2**20,
    }


def _session_write(sql: str) -> bool:
    if sql in ("BEGIN", "COMMIT") or sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
        return True
    return '"django_session"' in sql and not sql.startswith('SELECT "django_session"')


def _timed(step: Callable[[], Any]) -> float:
    start = time.perf_counter()
    step()
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    main()

"""Benchmark: how long the main pages take, and how many queries they make, as data grows.

Run with `make bench` (or `.venv/bin/python tests/bench/bench_pages.py [--regions N]`). It builds
a throw-away SQLite database (or uses DATABASE_URL when set to a scratch PostgreSQL database),
loads the seed fixtures, adds N assessed regions to 防城港市 with six years of monthly figures,
and times each page over several requests with the test client. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=40, help="extra assessed regions")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("STATIC_COLLECTED", "off")  # never collected here
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fdi_portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    # As Django's TestCase does: keep the connection open between requests so that the
    # queries of one request can be counted.
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("loaddata", "fangchenggang_2021", "wuwei_2023", verbosity=0)

    from django.contrib.auth import get_user_model

    from assessments.models import MonthlyFigure
    from fdi_portal.models import City, Membership, Region, Role

    city = City.objects.get(admin_code="450600")
    regions = Region.objects.bulk_create(
        Region(city=city, name=f"基准县{i}", kind=Region.Kind.COUNTY, assessed=True)
        for i in range(args.regions)
    )
    regions += list(Region.objects.in_city(city).assessed().exclude(pk__in=[r.pk for r in regions]))
    MonthlyFigure.objects.bulk_create(
        MonthlyFigure(region=r, year=y, month=m, amount_usd=Decimal(100000 + m))
        for r in regions
        for y in range(2016, 2022)
        for m in range(1, 13)
    )
    user = get_user_model().objects.create_user("bench")
    Membership.objects.create(user=user, role=Role.COMMERCE_STAFF, city=city)
    client = Client()
    client.force_login(user)

    from projects.demo import load_demo_projects
    from tasks.models import Plan

    load_demo_projects(date(2021, 12, 31))
    plan = Plan.objects.get(city=city)
    pages = {
        "home": "/",
        "organisation": "/organisation/450600/",
        "figures grid 2021": "/figures/450600/2021/",
        "figures export 2021": "/figures/450600/2021/export/",
        "figures history 2021": "/figures/450600/2021/history/",
        "notice 2021-06 (draft)": "/figures/450600/notices/2021/6/",
        "quarterly review 2021 Q2": "/figures/450600/reviews/2021/2/",
        "annual assessment 2021": "/figures/450600/assessments/2021/",
        "plan goals 2021": "/figures/450600/goals/2021/",
        "plan": f"/plans/{plan.pk}/",
        "task-division table": f"/plans/{plan.pk}/table/",
        "project list": "/projects/",
        "promotion events": "/projects/events/?year=2021",
    }
    print(
        f"{len(regions)} assessed regions, {MonthlyFigure.objects.count()} monthly figures, "
        f"database {connection.vendor}"
    )
    print(f"{'page':28} {'status':>6} {'queries':>7} {'median ms':>10} {'max ms':>8}")
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        query_count = len(queries)  # before the timed requests reset the query log
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        print(
            f"{name:28} {response.status_code:>6} {query_count:>7} "
            f"{statistics.median(timings):>10.1f} {max(timings):>8.1f}"
        )


if __name__ == "__main__":
    main()

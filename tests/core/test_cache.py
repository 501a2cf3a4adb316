"""The shared cache of computed pages (fdi_portal/cache.py), on a real Redis database of its own.

What a leader must be able to rely on: a page served from the cache shows what the database
holds once a write has committed, whatever wrote it (a form's save, a bulk import, a queryset
update, raw SQL however written), and a cache that does not answer changes nothing but the speed.
What the portal relies on: a write retires only its own city's pages (and the views of several
cities), and logging in retires none.
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
import redis
from axes.models import AccessLog
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import translation
from simple_history.utils import bulk_create_with_history

from assessments import pages
from assessments.models import MonthlyFigure
from dashboards.pages import supervision_panel
from fdi_portal import cache
from fdi_portal.models import City, PageVersion, Region
from tests.conftest import TEST_PASSWORD

REDIS_URL = "redis://127.0.0.1:6379/14"
#: Keys of this test process only: a SQLite and a PostgreSQL run may share the Redis database.
PREFIX = f"test-cache-{os.getpid()}"
FIGURES = {
    "BACKEND": "fdi_portal.cache_backend.SharedRedisCache",
    "LOCATION": REDIS_URL,
    "KEY_PREFIX": PREFIX,
    "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.5},
}
CLOSED = {**FIGURES, "LOCATION": "redis://127.0.0.1:1/0"}
LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def redis_answers() -> bool:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.2).ping()
    except redis.RedisError:
        return False
    return True


pytestmark = [
    pytest.mark.skipif(not redis_answers(), reason="Redis does not answer on 127.0.0.1:6379"),
    pytest.mark.django_db(transaction=True),
]


def forget_this_process_keys() -> None:
    server = redis.Redis.from_url(REDIS_URL)
    for key in server.scan_iter(f"{PREFIX}:*"):
        server.delete(key)


@pytest.fixture(autouse=True)
def shared_cache():
    forget_this_process_keys()
    with override_settings(CACHES={"default": LOCMEM, "figures": FIGURES}):
        yield caches["figures"]
    forget_this_process_keys()


@pytest.fixture
def city(seed) -> City:
    return City.objects.get(admin_code="450600")


def shangsi(city: City) -> Region:
    return Region.objects.get(city=city, name="上思县")


def shangsi_june(city: City) -> Decimal | None:
    """上思县's June 2026 figure as the (possibly cached) grid shows it."""
    grid = pages.figure_grid(city, 2026)
    row = next(row for row in grid.rows if row.region.name == "上思县")
    return row.cells[5].amount_usd


def test_a_second_request_is_served_with_one_query(city, django_assert_num_queries):
    MonthlyFigure.objects.create(region=shangsi(city), year=2026, month=6, amount_usd=100)
    assert shangsi_june(city) == 100
    with django_assert_num_queries(1):  # the versions of the city's pages
        assert shangsi_june(city) == 100


def test_a_saved_figure_shows_at_once(city):
    figure = MonthlyFigure.objects.create(region=shangsi(city), year=2026, month=6, amount_usd=100)
    assert shangsi_june(city) == 100
    figure.amount_usd = 250
    figure.save()
    assert shangsi_june(city) == 250


def test_bulk_writes_and_queryset_updates_and_raw_sql_retire_the_page(city):
    """An import writes in bulk, with no model signals: the cache must see it all the same."""
    region = shangsi(city)
    assert shangsi_june(city) is None
    bulk_create_with_history(
        [MonthlyFigure(region=region, year=2026, month=6, amount_usd=100)], MonthlyFigure
    )
    assert shangsi_june(city) == 100
    MonthlyFigure.objects.filter(region=region).update(amount_usd=300)
    assert shangsi_june(city) == 300
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {MonthlyFigure._meta.db_table} SET amount_usd = 400 WHERE region_id = %s",
            [region.pk],
        )
    assert shangsi_june(city) == 400
    MonthlyFigure.objects.filter(region=region).delete()
    assert shangsi_june(city) is None


def every_version() -> dict[str, str]:
    return dict(PageVersion.objects.values_list("scope", "token"))


def city_versions(city) -> dict[str, str]:
    return cache.versions(cache.scopes_for([city]))


def test_the_page_changes_when_the_write_commits_not_before(city):
    """Inside the writing transaction other readers still see the old data, so the version is
    changed after the commit: a page computed in between is keyed under the old version."""
    before = city_versions(city)
    with transaction.atomic():
        MonthlyFigure.objects.create(region=shangsi(city), year=2026, month=6, amount_usd=100)
        MonthlyFigure.objects.create(region=shangsi(city), year=2026, month=7, amount_usd=100)
        assert city_versions(city) == before
    assert city_versions(city) != before


def test_a_rolled_back_write_keeps_the_pages(city):
    before = every_version()
    with transaction.atomic():
        MonthlyFigure.objects.create(region=shangsi(city), year=2026, month=6, amount_usd=100)
        transaction.set_rollback(True)
    assert every_version() == before


def test_sessions_and_the_audit_log_do_not_retire_pages(city, client, clerk):
    """Reading the pages writes sessions and audit entries only, and must not empty the cache
    for everyone."""
    client.force_login(clerk)
    before = every_version()
    for _ in range(2):
        assert client.get("/").status_code == 200
    assert every_version() == before


def test_each_language_and_each_argument_has_its_entry(city, django_assert_num_queries):
    MonthlyFigure.objects.create(region=shangsi(city), year=2026, month=6, amount_usd=100)
    with translation.override("en"):
        english = supervision_panel(city)
    with translation.override("zh-hans"):
        chinese = supervision_panel(city)
    assert english == chinese
    v = {"all": "v"}
    assert cache.key_for("x", v, (city,), {}) != cache.key_for("x", v, (city,), {"year": 1})
    with translation.override("en"):
        english_key = cache.key_for("x", v, (city,), {})
    with translation.override("zh-hans"):
        assert cache.key_for("x", v, (city,), {}) != english_key
    wuwei = City.objects.get(admin_code="620600")
    assert cache.key_for("x", v, (city,), {}) != cache.key_for("x", v, (wuwei,), {})
    assert cache.key_for("x", v, (city,), {}) != cache.key_for("x", {"all": "w"}, (city,), {})


def test_the_key_holds_the_code_release(city, settings):
    """A deploy of new code never reads the fragments and pickled objects of the old one."""
    v = {"all": "v"}
    settings.RELEASE = "2026.12.1"
    cache.release.cache_clear()
    try:
        old = cache.key_for("x", v, (city,), {})
        settings.RELEASE = "2026.12.2"
        cache.release.cache_clear()
        assert cache.key_for("x", v, (city,), {}) != old
        settings.RELEASE = ""
        cache.release.cache_clear()
        assert len(cache.release()) == 16  # a digest of the code itself
    finally:
        cache.release.cache_clear()


def test_a_cache_that_does_not_answer_changes_nothing_but_the_speed(city, client, clerk):
    with override_settings(CACHES={"default": LOCMEM, "figures": CLOSED}):
        MonthlyFigure.objects.create(region=shangsi(city), year=2026, month=6, amount_usd=100)
        assert shangsi_june(city) == 100
        client.force_login(clerk)
        assert client.get("/").status_code == 200


def test_a_write_while_the_cache_does_not_answer_shows_once_it_answers_again(city, client, clerk):
    """The versions live in the database: a write made while Redis is away still retires
    the pages kept before, which Redis holds again when it comes back."""
    figure = MonthlyFigure.objects.create(
        region=shangsi(city), year=2026, month=6, amount_usd=1_234_500
    )
    client.force_login(clerk)
    assert shangsi_june(city) == 1_234_500
    assert "123.45" in client.get("/figures/450600/2026/").content.decode()
    with override_settings(CACHES={"default": LOCMEM, "figures": CLOSED}):
        figure.amount_usd = 2_345_600
        figure.save()
    assert shangsi_june(city) == 2_345_600
    page = client.get("/figures/450600/2026/").content.decode()
    assert "234.56" in page
    assert "123.45" not in page


def test_a_page_fragment_shows_the_figure_written_since(city, client, clerk):
    """The grid's table is rendered once and kept (``{% remembered %}``) until a write."""
    figure = MonthlyFigure.objects.create(
        region=shangsi(city), year=2026, month=6, amount_usd=1_234_500
    )
    client.force_login(clerk)
    assert "123.45" in client.get("/figures/450600/2026/").content.decode()
    assert "123.45" in client.get("/figures/450600/2026/").content.decode()
    figure.amount_usd = 2_345_600
    figure.save()
    page = client.get("/figures/450600/2026/").content.decode()
    assert "234.56" in page
    assert "123.45" not in page


def test_a_fragment_is_kept_per_reader(city, shangsi_official, dongxing_official):
    """Two county officials see a grid of their own region each, though both only submit.
    (Both log in first: a login writes the user's last login, which retires every page.)"""
    dongxing, shangsi = Client(), Client()
    dongxing.force_login(dongxing_official)
    shangsi.force_login(shangsi_official)
    assert "东兴市" in dongxing.get("/figures/450600/2026/").content.decode()
    grid = shangsi.get("/figures/450600/2026/").content.decode().split('id="figure-grid"', 1)[1]
    assert "上思县" in grid
    assert "东兴市" not in grid


def test_the_home_dashboard_is_kept_and_retired(city, client, clerk):
    MonthlyFigure.objects.create(region=shangsi(city), year=2026, month=6, amount_usd=1_234_500)
    client.force_login(clerk)
    first = client.get("/").content.decode()
    assert "123.45" in first
    MonthlyFigure.objects.filter(region=shangsi(city)).update(amount_usd=2_345_600)
    assert "234.56" in client.get("/").content.decode()


def test_the_project_list_page_is_kept_per_reader_and_retired(
    city, clerk, shangsi_official, django_assert_max_num_queries
):
    """A page of the list is kept for its reader: a county official never gets the staff's
    page, and a renamed project shows at once."""
    from tests.projects.conftest import make_project

    project = make_project(city, "东兴市", name="东兴的项目")
    staff, county = Client(), Client()
    staff.force_login(clerk)
    county.force_login(shangsi_official)
    assert "东兴的项目" in staff.get("/projects/").content.decode()
    # The session, the reader with their role, the versions: no more.
    with django_assert_max_num_queries(3):
        assert "东兴的项目" in staff.get("/projects/").content.decode()
    assert "东兴的项目" not in county.get("/projects/").content.decode()
    project.name = "改名的项目"
    project.save()
    assert "改名的项目" in staff.get("/projects/").content.decode()


def test_a_request_reads_the_versions_once_and_sees_its_own_writes(
    city, client, clerk, django_assert_max_num_queries
):
    client.force_login(clerk)
    client.get("/")
    reads = []
    with django_assert_max_num_queries(20) as queries:
        client.get("/")  # the dashboard, its panels and its fragment: four cached parts
    reads = [q for q in queries.captured_queries if "fdi_portal_pageversion" in q["sql"]]
    assert len(reads) == 1
    cache.request_started()
    try:
        before = city_versions(city)
        with transaction.atomic():
            MonthlyFigure.objects.create(region=shangsi(city), year=2026, month=6, amount_usd=1)
        assert city_versions(city) != before
        assert city_versions(city) == {
            scope: every_version().get(scope, "") for scope in cache.scopes_for([city])
        }
    finally:
        cache.request_finished()


def test_an_import_loaded_with_copy_retires_the_page(city):
    """PostgreSQL loads an import's cells with COPY, which no execute wrapper sees."""
    from fdi_portal.imports import insert_rows

    assert shangsi_june(city) is None
    with transaction.atomic():
        insert_rows(
            MonthlyFigure,
            ["region", "year", "month", "amount_usd", "is_demo"],
            [(shangsi(city).pk, 2026, 6, Decimal("700"), False)],
        )
    assert shangsi_june(city) == 700


def _figures_prefix(database_url: str) -> str:
    import subprocess
    import sys

    from django.conf import settings

    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['figures']['KEY_PREFIX'])"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FIGURES_CACHE_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "fdi_portal.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def test_two_portals_on_one_redis_never_read_each_others_pages():
    """A staging and a production portal may share a Redis: their keys differ by database."""
    production = _figures_prefix("postgres://postgres@127.0.0.1:5432/fdi_portal")
    staging = _figures_prefix("postgres://postgres@127.0.0.1:5432/fdi_staging")
    assert production.startswith("fdi:")
    assert production != staging
    assert production == _figures_prefix("postgres://postgres@127.0.0.1:5432/fdi_portal")


def test_a_kept_page_s_forms_post_with_each_session_s_own_token(city, clerk):
    """The figures grid is kept per reader with its posting forms (the city target, the month
    locks): two sessions of one clerk each get their own CSRF token in them, never the other's,
    and each one's form is accepted; a token from the kept page of nobody's session is not."""
    import re

    MonthlyFigure.objects.create(region=shangsi(city), year=2026, month=1, amount_usd=100)
    url = "/figures/450600/2026/"
    browsers = [Client(enforce_csrf_checks=True) for _session in range(2)]
    for browser in browsers:
        browser.force_login(clerk)
    pages_seen, tokens = [], []
    for browser in browsers:
        page = browser.get(url).content.decode()
        assert "csrfPlaceholder" not in page
        form = re.search(r'action="/figures/450600/2026/lock/1/">.*?value="([^"]+)"', page, re.S)
        tokens.append(form.group(1))
        pages_seen.append((browser, page))
    assert tokens[0] != tokens[1]
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(clerk)
    forger.get("/")  # its own CSRF cookie
    lock = "/figures/450600/2026/lock/1/"
    assert forger.post(lock, {"csrfmiddlewaretoken": tokens[0]}).status_code == 403
    browser, _page = pages_seen[1]
    assert browser.post(lock, {"csrfmiddlewaretoken": tokens[1]}).status_code in (200, 302)
    from assessments.models import PeriodLock

    assert PeriodLock.objects.filter(city=city, year=2026, month=1).exists()


def test_a_login_retires_no_page(city, client, clerk, leader):
    """A login writes its time to the user's row: that changes no figure, and the morning's
    logins must not recompute every dashboard. Another change of the user's row does."""
    client.force_login(clerk)
    before = every_version()
    Client().force_login(leader)
    assert every_version() == before
    leader.first_name = "新名字"
    leader.save()
    assert every_version()["all"] != before.get("all")


def test_logins_through_the_login_page_with_lockout_on_retire_no_page(
    city, clerk, settings, django_assert_max_num_queries
):
    """The real login: django-axes records the wrong passwords (axes_accessattempt) and the
    successful login (axes_accesslog, then forgets the failures), Django writes the session
    and the login's time. None of it retires a page: the kept staff home stays kept."""
    settings.AXES_ENABLED = True
    MonthlyFigure.objects.create(region=shangsi(city), year=2026, month=6, amount_usd=1_234_500)
    reader = Client()
    reader.force_login(clerk)
    assert "123.45" in reader.get("/").content.decode()
    before = every_version()
    for password in ("wrong", "wrong-again", TEST_PASSWORD):
        Client().post("/login/", {"username": "clerk", "password": password})
    another = Client()
    response = another.post("/login/", {"username": "clerk", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert AccessLog.objects.exists()
    another.get("/logout/")
    assert every_version() == before
    with django_assert_max_num_queries(4):  # the session, the reader, the versions, the city
        assert "123.45" in reader.get("/").content.decode()


def test_a_write_retires_its_own_city_s_pages_and_its_province_s_view_only(
    city, clerk, wuwei_clerk
):
    """A figure of 武威 (甘肃) retires 武威's pages and the views that show 武威; 防城港's
    pages and the view of 广西 stay kept."""
    from assessments.figures import set_monthly_figure

    wuwei = City.objects.get(admin_code="620600")
    guangxi = list(City.objects.filter(province="广西壮族自治区"))
    gansu = list(City.objects.filter(province=wuwei.province))
    MonthlyFigure.objects.create(region=shangsi(city), year=2026, month=6, amount_usd=100)
    kept = {
        "防城港": city_versions(city),
        "广西": cache.versions(cache.scopes_for(guangxi)),
        "武威": city_versions(wuwei),
        "甘肃": cache.versions(cache.scopes_for(gansu)),
        "全部": cache.versions(cache.scopes_for(None)),
    }
    region = Region.objects.in_city(wuwei).assessed().first()
    set_monthly_figure(
        region=region,
        year=2026,
        month=3,
        amount_usd=Decimal(500),
        user=wuwei_clerk,
        reason="",
        confirmed=True,
    )
    assert city_versions(city) == kept["防城港"]
    assert cache.versions(cache.scopes_for(guangxi)) == kept["广西"]
    assert city_versions(wuwei) != kept["武威"]
    assert cache.versions(cache.scopes_for(gansu)) != kept["甘肃"]
    assert cache.versions(cache.scopes_for(None)) != kept["全部"]
    # And 武威's grid shows it at once.
    grid = pages.figure_grid(wuwei, 2026)
    row = next(row for row in grid.rows if row.region.pk == region.pk)
    assert row.cells[2].amount_usd == 500


def test_a_write_outside_the_write_services_retires_every_page(city):
    """What no service declared (the admin, a shell, a command) cannot be placed: it retires
    everything rather than miss a page."""
    before = every_version()
    Region.objects.filter(pk=shangsi(city).pk).update(name="上思县")
    assert every_version()["all"] != before.get("all")


@pytest.mark.parametrize(
    "sql",
    [
        "WITH moved AS (SELECT 1) UPDATE {table} SET amount_usd = 400 WHERE region_id = %s",
        "/* a comment */ UPDATE {table} SET amount_usd = 400 WHERE region_id = %s",
        "-- a comment\nupdate {table} set amount_usd = 400 where region_id = %s",
        "  UPDATE {table} SET amount_usd = 400 WHERE region_id = %s;",
    ],
)
def test_raw_sql_however_written_retires_the_page(city, sql):
    region = shangsi(city)
    MonthlyFigure.objects.create(region=region, year=2026, month=6, amount_usd=100)
    assert shangsi_june(city) == 100
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=MonthlyFigure._meta.db_table), [region.pk])
    assert shangsi_june(city) == 400


@pytest.mark.parametrize(
    "sql",
    [
        "WITH gone AS (DELETE FROM t RETURNING id) SELECT count(*) FROM gone",
        "with x as (update t set a = 1 returning a) select * from x",
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a",
        'TRUNCATE "assessments_monthlyfigure"',
        "/* x */ UPDATE t SET a = 1",
        "/* UPDATE */ DELETE FROM t",
        "insert or replace into t values (1)",
        "SELECT 1; UPDATE t SET a = 1",
        'UPDATE public."assessments_monthlyfigure" SET amount_usd = 1',
        "COPY t FROM STDIN",
        "ALTER TABLE t ADD COLUMN b int",
        "CALL refresh()",
        'UPDATE "auth_user" SET "is_superuser" = %s WHERE "auth_user"."id" = %s',
        'UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"."id" = %s OR 1 = 1',
        'DELETE FROM "axes_accessattempt_x" WHERE 1',
    ],
)
def test_every_kind_of_write_is_seen(sql):
    assert cache.writes_data(sql)


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "x" FROM "assessments_monthlyfigure" FOR UPDATE',
        'SAVEPOINT "s1"',
        'RELEASE SAVEPOINT "s1"',
        'INSERT INTO "django_session" ("session_key") VALUES (%s)',
        'UPDATE "django_session" SET "expire_date" = %s WHERE 1',
        'INSERT INTO "axes_accessattempt" ("username") VALUES (%s)',
        'INSERT INTO "axes_accesslog" ("username") VALUES (%s)',
        'DELETE FROM "axes_accessattempt" WHERE "username" = %s',
        'INSERT INTO "axes_accessfailurelog" ("username") VALUES (%s)',
        'INSERT INTO "axes_accessattemptexpiration" ("expires_at") VALUES (%s)',
        'INSERT INTO "notifications_notification" ("user_id") VALUES (%s)',
        'INSERT INTO "fdi_portal_auditevent" ("kind") VALUES (%s)',
        'UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"."id" = %s',
    ],
)
def test_reads_and_writes_no_page_shows_retire_nothing(sql):
    assert not cache.writes_data(sql)


@pytest.mark.parametrize("url", ["/", "/figures/450600/2026/"])
def test_a_kept_home_or_grid_reads_only_the_session_and_the_reader(
    url, city, client, clerk, django_assert_max_num_queries
):
    """Kept, the staff home and the figures grid page read nothing they show from the database:
    their dashboards and grids are read only when the fragment is missing."""
    MonthlyFigure.objects.create(region=shangsi(city), year=2026, month=6, amount_usd=1_234_500)
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    # The session, the reader, the versions, the page's city or cities.
    with django_assert_max_num_queries(4):
        assert "123.45" in client.get(url).content.decode()


def test_user_text_is_never_taken_for_the_kept_csrf_placeholder(city, client, clerk):
    """The placeholder of a kept fragment's CSRF token is drawn at random with the fragment:
    a region named like the placeholder of old shows as written, not as the reader's token."""
    region = shangsi(city)
    region.name = "csrfPlaceholderOfAKeptFragment"
    region.save()
    MonthlyFigure.objects.create(region=region, year=2026, month=1, amount_usd=100)
    client.force_login(clerk)
    for _ in range(2):
        page = client.get("/figures/450600/2026/").content.decode()
        assert "csrfPlaceholderOfAKeptFragment" in page
        token = client.cookies["csrftoken"].value
        assert page.count(token) <= page.count('name="csrfmiddlewaretoken"')


def test_the_project_list_keeps_no_page_per_arbitrary_query_string(city, client, clerk):
    """Padded, repeated or unknown parameters and deep pages are computed, not kept: a reader
    cannot fill the cache by varying the query string."""
    from tests.projects.conftest import make_project

    make_project(city, "东兴市", name="东兴的项目")
    client.force_login(clerk)
    server = redis.Redis.from_url(REDIS_URL)

    def kept() -> int:
        return sum(1 for _ in server.scan_iter(f"{PREFIX}:*projects.list*"))

    assert client.get("/projects/").status_code == 200
    assert client.get("/projects/?sort=name&page=2").status_code == 200
    assert kept() == 2
    for query in (
        "?stage=" + "x" * 500,
        "?padding=1",
        "?sort=name&sort=name",
        "?page=6",
        "?page=01",
        "?sort=" + " " * 100,
        "?region=99999",
    ):
        assert client.get("/projects/" + query).status_code == 200
    assert kept() == 2


def test_a_figure_keeps_the_project_lists_and_a_project_write_retires_them(city, clerk):
    """The projects' pages read no assessments table (the apps depend one way): a figure leaves
    the project lists and the alerts panel kept; an arrival of a project retires them."""
    from assessments.figures import set_monthly_figure
    from projects.services import set_arrival
    from tests.projects.conftest import make_project

    project = make_project(city, "上思县", name="上思的项目")
    lists = cache.scopes_for(None, cache.PROJECTS) | cache.scopes_for([city], cache.PROJECTS)
    before = cache.versions(lists)
    set_monthly_figure(
        region=shangsi(city),
        year=2026,
        month=3,
        amount_usd=Decimal(500),
        user=clerk,
        reason="",
        confirmed=True,
    )
    assert cache.versions(lists) == before
    set_arrival(project=project, year=2026, month=3, amount_usd=Decimal(100), confirmed=True)
    after = cache.versions(lists)
    assert after != before
    assert after[f"city:{city.pk}:projects"] != before[f"city:{city.pk}:projects"]
    assert after["any:projects"] != before["any:projects"]


def test_the_dashboards_lower_part_is_kept_and_retired_by_a_project_write(
    city, client, clerk, django_assert_max_num_queries
):
    """Kept, the attention panel reads nothing it shows; a difficulty raised since shows."""
    import datetime as dt

    from django.utils import timezone

    from projects.models import Difficulty
    from tests.projects.conftest import make_project

    project = make_project(city, name="受困项目")
    url = "/figures/450600/dashboard/attention/"
    recent = '<span>30天以内</span><span class="fw-semibold">%d</span>'
    client.force_login(clerk)
    assert recent % 0 in client.get(url).content.decode()
    with django_assert_max_num_queries(4):
        assert recent % 0 in client.get(url).content.decode()
    Difficulty.objects.create(
        project=project,
        raised_on=timezone.localdate() - dt.timedelta(days=3),
        category=Difficulty.Category.LAND,
        text="用地",
    )
    assert recent % 1 in client.get(url).content.decode()

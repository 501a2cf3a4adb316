"""The project export as a background job (projects.jobs): a large export goes to a progress
page and is downloaded from there; a small one, or one without Redis or a worker, downloads at
once. Real Redis on 127.0.0.1:6379, database 15, on a queue named after the test process (so
two suites on one server never take each other's jobs); only that queue's keys are removed.
Jobs run at once (a synchronous queue) except in the test that runs a real worker."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import socket
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.job import Job

from fdi_portal.models import AuditEvent, Region
from projects import jobs
from projects.models import Arrival, Difficulty, Project

TEST_REDIS_URL = "redis://127.0.0.1:6379/15"
#: More projects than this export as a job in these tests (the setting's default is 10 000).
THRESHOLD = 100


@pytest.fixture
def redis_connection():
    connection = Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except RedisError:
        if os.environ.get("CI"):
            pytest.fail("Redis does not answer on 127.0.0.1:6379")
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    return connection


@pytest.fixture
def queue_name(redis_connection, settings, monkeypatch, tmp_path):
    """A queue of this test process's own, synchronous unless a test says otherwise; export
    files in a temporary folder. Afterwards, the queue's jobs (and their results) and the queue
    itself are deleted, and the records of the workers the tests started; nothing else."""
    name = f"test-exports-{os.getpid()}"
    monkeypatch.setattr(jobs, "QUEUE", name)
    settings.RQ_QUEUES = {name: {"URL": TEST_REDIS_URL, "ASYNC": False}}
    settings.EXPORT_DIR = tmp_path / "exports"
    settings.EXPORT_JOB_ROWS = THRESHOLD
    yield name
    queue = Queue(name, connection=redis_connection)
    registries = (
        queue.finished_job_registry,
        queue.failed_job_registry,
        queue.started_job_registry,
        queue.deferred_job_registry,
        queue.scheduled_job_registry,
        queue.canceled_job_registry,
    )
    ids = set(queue.job_ids)
    for registry in registries:
        ids.update(registry.get_job_ids(cleanup=False))
    for job in Job.fetch_many(list(ids), connection=redis_connection):
        if job is not None:
            job.delete(remove_from_queue=True)
    for registry in registries:
        redis_connection.delete(registry.key)
    queue.delete(delete_jobs=True)
    # The tests' workers are named after the queue; rq would expire their records in a minute.
    for key in redis_connection.scan_iter(f"rq:worker:{name}-*"):
        redis_connection.delete(key)


@pytest.fixture
def province(fangchenggang):
    """150 projects of 防城港市 (all a province viewer of 广西 sees) in turn over its four
    counties (上思县: 项目002, 项目006 … 项目146, 37 of them), each with one arrival of
    25 000 USD = 2.5 万美元."""
    names = ["港口区", "防城区", "上思县", "东兴市"]
    regions = [Region.objects.get(city=fangchenggang, name=name) for name in names]
    projects = Project.objects.bulk_create(
        Project(city=fangchenggang, region=regions[i % 4], name=f"项目{i:03d}", stage="signed")
        for i in range(150)
    )
    Arrival.objects.bulk_create(
        Arrival(project=p, year=2021, month=3, amount_usd=Decimal("25000")) for p in projects
    )
    Project.objects.filter(pk__in=[p.pk for p in projects]).recount_arrivals()  # bulk writes
    return projects


def rows_of(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_large_export_runs_as_a_job_whose_file_has_the_rows_of_the_direct_download(
    client, province_viewer, province, queue_name, settings
):
    client.force_login(province_viewer)
    response = client.get(reverse("projects:project_export"))

    assert response.status_code == 302
    job_id = response.url.rstrip("/").rsplit("/", 1)[-1]
    assert response.url == reverse("projects:export_job", args=[job_id])
    page = client.get(response.url)
    assert page.context["status"]["state"] == "finished"
    file_url = reverse("projects:export_job_file", args=[job_id])
    assert f'href="{file_url}"' in page.content.decode()
    download = client.get(file_url)
    assert download["Content-Disposition"] == 'attachment; filename="projects.xlsx"'
    from_job = rows_of(b"".join(download.streaming_content))

    settings.EXPORT_JOB_ROWS = 1000  # the same export, directly
    direct = client.get(reverse("projects:project_export"))
    assert direct.status_code == 200
    assert from_job == rows_of(b"".join(direct.streaming_content))
    assert len(from_job) == 2 + 150  # title, header, every project
    assert {row[2] for row in from_job[2:]} == {f"项目{i:03d}" for i in range(150)}
    assert {row[14] for row in from_job[2:]} == {2.5}


def test_the_job_exports_with_the_lists_filters(
    client, province_viewer, province, queue_name, settings
):
    settings.EXPORT_JOB_ROWS = 20
    shangsi = Region.objects.get(name="上思县")
    client.force_login(province_viewer)
    response = client.get(reverse("projects:project_export"), {"region": shangsi.pk})

    job_id = response.url.rstrip("/").rsplit("/", 1)[-1]
    download = client.get(reverse("projects:export_job_file", args=[job_id]))
    rows = rows_of(b"".join(download.streaming_content))
    assert len(rows) == 2 + 37
    assert {row[1] for row in rows[2:]} == {"上思县"}


def test_a_small_export_downloads_at_once_without_a_job(
    client, province_viewer, province, queue_name, redis_connection
):
    shangsi = Region.objects.get(name="上思县")
    client.force_login(province_viewer)
    response = client.get(reverse("projects:project_export"), {"region": shangsi.pk})

    assert response.status_code == 200  # 37 projects, not more than 100
    assert len(rows_of(b"".join(response.streaming_content))) == 2 + 37
    assert Queue(queue_name, connection=redis_connection).finished_job_registry.count == 0


def test_a_real_worker_runs_the_job_and_the_status_follows_it(
    client, province_viewer, province, queue_name, settings, redis_connection
):
    settings.RQ_QUEUES[queue_name]["ASYNC"] = True
    queue = Queue(queue_name, connection=redis_connection)
    # A worker listens (registered as `manage.py rqworker` registers), but takes no job yet.
    listening = SimpleWorker([queue], connection=redis_connection, name=f"{queue_name}-idle")
    listening.register_birth()
    client.force_login(province_viewer)
    try:
        response = client.get(reverse("projects:project_export"))
    finally:
        listening.register_death()
    job_id = response.url.rstrip("/").rsplit("/", 1)[-1]
    status_url = reverse("projects:export_job_status", args=[job_id])

    waiting = client.get(status_url).json()
    assert (waiting["state"], waiting["done"], waiting["total"], waiting["percent"]) == (
        "queued",
        0,
        150,
        0,
    )
    assert waiting["file_url"] == ""
    page = client.get(reverse("projects:export_job", args=[job_id]))
    assert 'data-state="queued"' in page.content.decode()
    assert page.context["status"]["state"] == "queued"

    worker = SimpleWorker([queue], connection=redis_connection, name=f"{queue_name}-burst")
    assert worker.work(burst=True)

    done = client.get(status_url).json()
    assert (done["state"], done["done"], done["total"], done["percent"]) == (
        "finished",
        150,
        150,
        100,
    )
    download = client.get(done["file_url"])
    rows = rows_of(b"".join(download.streaming_content))
    assert len(rows) == 2 + 150
    assert rows[2][:3] == ("防城港市", "港口区", "项目000")  # the list's order: region, name
    assert (settings.EXPORT_DIR / f"{job_id}.xlsx").exists()


def test_a_queued_job_without_a_worker_says_so(
    client, province_viewer, province, queue_name, settings, redis_connection
):
    settings.RQ_QUEUES[queue_name]["ASYNC"] = True
    queue = Queue(queue_name, connection=redis_connection)
    listening = SimpleWorker([queue], connection=redis_connection, name=f"{queue_name}-gone")
    listening.register_birth()
    client.force_login(province_viewer)
    response = client.get(reverse("projects:project_export"))
    listening.register_death()  # the worker stops before it takes the job

    job_id = response.url.rstrip("/").rsplit("/", 1)[-1]
    status = client.get(reverse("projects:export_job_status", args=[job_id])).json()
    assert status["state"] == "queued"
    assert status["message"] == gettext(
        "The export is waiting, but no background worker is running. Tell the administrator."
    )


def test_only_the_user_who_started_the_job_sees_it_or_its_file(
    client, province_viewer, clerk, leader, province, queue_name
):
    client.force_login(province_viewer)
    response = client.get(reverse("projects:project_export"))
    job_id = response.url.rstrip("/").rsplit("/", 1)[-1]
    urls = [
        reverse(name, args=[job_id])
        for name in (
            "projects:export_job",
            "projects:export_job_status",
            "projects:export_job_file",
        )
    ]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]

    # Colleagues who may export the same projects, with the job's address in hand: not found.
    for other in (clerk, leader):
        client.force_login(other)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert AuditEvent.objects.filter(user__in=[clerk, leader]).count() == 0


def test_an_address_that_is_not_an_export_job_is_not_found(
    client, province_viewer, queue_name, redis_connection
):
    other = Queue(queue_name, connection=redis_connection, is_async=False).enqueue(len, "abc")
    client.force_login(province_viewer)
    for job_id in (other.id, "f" * 32, "no-such-job"):
        assert client.get(reverse("projects:export_job_status", args=[job_id])).status_code == 404


def test_the_download_of_a_jobs_file_is_audited_with_its_sha256(
    client, province_viewer, province, queue_name
):
    client.force_login(province_viewer)
    response = client.get(reverse("projects:project_export"))
    assert not AuditEvent.objects.exists()  # starting the job sends no file

    job_id = response.url.rstrip("/").rsplit("/", 1)[-1]
    sent = b"".join(
        client.get(reverse("projects:export_job_file", args=[job_id])).streaming_content
    )

    event = AuditEvent.objects.get()
    # As for the direct export: the user's city (a province viewer has none).
    assert (event.kind, event.user, event.city) == ("export", province_viewer, None)
    assert event.file_name == "projects.xlsx"
    assert event.sha256 == hashlib.sha256(sent).hexdigest()


def test_without_redis_a_large_export_downloads_at_once(
    client, province_viewer, province, queue_name, settings, caplog
):
    settings.RQ_QUEUES[queue_name]["URL"] = f"redis://127.0.0.1:{closed_port()}/15"
    client.force_login(province_viewer)
    with caplog.at_level(logging.WARNING, logger="projects.views"):
        started = time.monotonic()
        response = client.get(reverse("projects:project_export"))
        content = b"".join(response.streaming_content)
    assert time.monotonic() - started < 5

    assert response.status_code == 200
    assert len(rows_of(content)) == 2 + 150
    assert "Exporting 150 projects without a background job" in caplog.text
    assert AuditEvent.objects.get().sha256 == hashlib.sha256(content).hexdigest()


def test_without_a_worker_a_large_export_downloads_at_once(
    client, province_viewer, province, queue_name, settings, redis_connection, caplog
):
    settings.RQ_QUEUES[queue_name]["ASYNC"] = True
    client.force_login(province_viewer)
    with caplog.at_level(logging.WARNING, logger="projects.views"):
        response = client.get(reverse("projects:project_export"))

    assert response.status_code == 200
    assert len(rows_of(b"".join(response.streaming_content))) == 2 + 150
    assert "no worker listens" in caplog.text
    assert Queue(queue_name, connection=redis_connection).count == 0


def test_a_failed_job_shows_the_error_and_no_download(
    client, province_viewer, province, queue_name, settings, tmp_path
):
    # The export folder cannot be made: a file stands in its place.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.EXPORT_DIR = blocker / "exports"
    client.force_login(province_viewer)
    response = client.get(reverse("projects:project_export"))
    job_id = response.url.rstrip("/").rsplit("/", 1)[-1]

    status = client.get(reverse("projects:export_job_status", args=[job_id])).json()
    assert (status["state"], status["file_url"]) == ("failed", "")
    page = client.get(reverse("projects:export_job", args=[job_id])).content.decode()
    assert status["message"] in page
    assert "data-export-error>" + status["message"] in page
    assert client.get(reverse("projects:export_job_file", args=[job_id])).status_code == 404


def test_a_file_older_than_a_day_is_removed_and_its_job_says_so(
    client, province_viewer, province, queue_name, settings
):
    client.force_login(province_viewer)
    response = client.get(reverse("projects:project_export"))
    job_id = response.url.rstrip("/").rsplit("/", 1)[-1]
    path = settings.EXPORT_DIR / f"{job_id}.xlsx"
    fresh = settings.EXPORT_DIR / "fresh.xlsx"
    fresh.write_bytes(b"")
    day_and_a_minute_ago = time.time() - 24 * 3600 - 60
    os.utime(path, (day_and_a_minute_ago, day_and_a_minute_ago))

    assert jobs.remove_old_exports() == 1
    assert not path.exists()
    assert fresh.exists()
    status = client.get(reverse("projects:export_job_status", args=[job_id])).json()
    assert status["state"] == "expired"
    assert client.get(reverse("projects:export_job_file", args=[job_id])).status_code == 404


class FakeJob:
    """What ``_counted`` uses of an rq job: its meta and the saving of it."""

    def __init__(self) -> None:
        self.meta: dict = {}
        self.saved: list[int] = []

    def save_meta(self) -> None:
        self.saved.append(self.meta["done"])


def test_progress_is_saved_every_thousand_projects_and_at_the_end_not_per_row():
    job = FakeJob()
    rows = [["header"], *([i] for i in range(2500))]

    assert list(jobs._counted(rows, job)) == rows
    assert job.saved == [1000, 2000, 2500]
    assert (job.meta["done"], job.meta["total"]) == (2500, 2500)


def test_the_percentage_stays_below_100_until_the_file_is_written():
    assert jobs.ExportProgress("started", 0, 0).percent == 0
    assert jobs.ExportProgress("started", 333, 1000).percent == 33
    assert jobs.ExportProgress("started", 1000, 1000).percent == 99
    assert jobs.ExportProgress("finished", 1000, 1000).percent == 100


def export_queries(client, queue: Queue, redis_connection: Redis) -> tuple[int, int, int]:
    """The queries of starting an export job, of one poll of its status, and of the job."""
    listening = SimpleWorker([queue], connection=redis_connection, name=f"{queue.name}-idle")
    listening.register_birth()
    # Counted as soon as each is done: the next request empties the connection's query log.
    try:
        with CaptureQueriesContext(connection) as start:
            response = client.get(reverse("projects:project_export"))
    finally:
        listening.register_death()
    started = len(start)
    job_id = response.url.rstrip("/").rsplit("/", 1)[-1]
    with CaptureQueriesContext(connection) as poll:
        assert client.get(reverse("projects:export_job_status", args=[job_id])).status_code == 200
    polled = len(poll)
    worker = SimpleWorker([queue], connection=redis_connection, name=f"{queue.name}-burst")
    with CaptureQueriesContext(connection) as job:
        assert worker.work(burst=True)
    ran = len(job)
    assert client.get(reverse("projects:export_job_status", args=[job_id])).json()["state"] == (
        "finished"
    )
    return started, polled, ran


def test_starting_polling_and_running_the_job_take_a_fixed_number_of_queries(
    client, province_viewer, province, queue_name, settings, redis_connection, fangchenggang
):
    settings.RQ_QUEUES[queue_name]["ASYNC"] = True
    queue = Queue(queue_name, connection=redis_connection)
    client.force_login(province_viewer)
    client.get(reverse("projects:project_list"))  # the first request after a login saves it
    at_150 = export_queries(client, queue, redis_connection)

    more = Project.objects.bulk_create(
        Project(city=fangchenggang, region=province[0].region, name=f"新{i:03d}", stage="signed")
        for i in range(150)
    )
    Arrival.objects.bulk_create(
        Arrival(project=p, year=2021, month=4, amount_usd=Decimal("1000")) for p in more
    )
    Project.objects.filter(pk__in=[p.pk for p in more]).recount_arrivals()
    Difficulty.objects.bulk_create(
        Difficulty(project=p, raised_on=dt.date(2021, 2, 1), category="land", text="用地")
        for p in more
    )
    at_300 = export_queries(client, queue, redis_connection)

    # Starting: the session, the user with their membership, the rules' codes, the count; a
    # poll: the first two; the job: the user, then the queries of the direct export without its
    # login (ten in all).
    assert at_150 == (4, 2, 10)
    assert at_300 == at_150

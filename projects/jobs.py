"""The project export as a background job (rq on Redis; README, "Background jobs").

An export of more than ``settings.EXPORT_JOB_ROWS`` projects (the province-wide one: 50 000
rows, about 10 s) is written by a worker into ``settings.EXPORT_DIR``, while the user watches
its progress; the view that started it sends the file (projects.views). The job writes the
rows of the direct download (projects.exports), with the filters (projects.filters), language
and access of the user who asked.

A job and its file are the user's alone (:func:`own_export`), and last a day: the job's record
expires from Redis after ``KEEP_FOR``, and each new export job removes the files older than
that. Where Redis does not answer, or no worker listens, :func:`start_export` raises
:class:`QueueUnavailable` and the view downloads directly instead.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django_rq
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from fdi_portal.lib.private_files import open_private, private_folder
from fdi_portal.lib.spreadsheets import write_xlsx
from projects.alerts import stream_reports
from projects.exports import export_rows
from projects.filters import filtered_projects

#: The queue of settings.RQ_QUEUES the export jobs go to (the tests use one of their own).
QUEUE = "default"
#: How long a finished job's record and its file are kept.
KEEP_FOR = dt.timedelta(days=1)
#: Rows written between two progress updates (each is one write to Redis).
PROGRESS_EVERY = 1000


class QueueUnavailable(Exception):
    """Redis does not answer, or no worker listens on the queue."""


@dataclass(frozen=True)
class ExportProgress:
    """Where an export job stands. ``state`` is queued, started, finished, failed or expired
    (finished, but its file is gone); ``done`` and ``total`` count projects."""

    state: str
    done: int
    total: int
    path: Path | None = None
    waiting_for_worker: bool = False

    @property
    def percent(self) -> int:
        if self.state == "finished":
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    @property
    def over(self) -> bool:
        return self.state in ("finished", "failed", "expired")


def export_queue() -> Queue:
    """The export queue, on a connection that gives up within seconds when Redis is away."""
    url = settings.RQ_QUEUES[QUEUE]["URL"]
    redis = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10)
    # Enqueued at once, not when the request's transaction commits: the view needs the job's
    # id, and the job only reads.
    return django_rq.get_queue(QUEUE, connection=redis, commit_mode="auto")


def start_export(*, user: Any, params: QueryDict, total: int) -> str:
    """Enqueue the export of the projects ``user`` sees under the list's filters ``params``
    (``total`` of them); returns the job's id. Run at once where the queue is synchronous
    (RQ_ASYNC off, the tests). Raises :class:`QueueUnavailable`."""
    try:
        queue = export_queue()
        if queue.is_async and not Worker.count(queue=queue):
            raise QueueUnavailable(f"no worker listens on the queue {QUEUE!r}")
        job = queue.enqueue(
            export_projects,
            user_id=user.pk,
            query=params.urlencode(),
            language=translation.get_language(),
            database=connection.settings_dict["NAME"],
            meta={"user_id": user.pk, "done": 0, "total": total},
            result_ttl=int(KEEP_FOR.total_seconds()),
            failure_ttl=int(KEEP_FOR.total_seconds()),
        )
    except RedisError as error:
        raise QueueUnavailable(str(error)) from error
    return job.id


def own_export(job_id: str, user: Any) -> ExportProgress | None:
    """The progress of the export job ``job_id`` if ``user`` started it, else None (the caller
    answers 404, as for a job that never existed). Raises :class:`QueueUnavailable`."""
    try:
        queue = export_queue()
        try:
            job = Job.fetch(job_id, connection=queue.connection)
        except NoSuchJobError:
            return None
        if job.func_name != f"{__name__}.export_projects" or job.meta.get("user_id") != user.pk:
            return None
        status = job.get_status()
        waiting = status == JobStatus.QUEUED and not Worker.count(queue=queue)
    except RedisError as error:
        raise QueueUnavailable(str(error)) from error
    done, total = job.meta.get("done", 0), job.meta.get("total", 0)
    if status == JobStatus.FINISHED:
        path = export_path(job.id)
        if not path.exists():
            return ExportProgress("expired", done, total)
        return ExportProgress("finished", done, total, path=path)
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        return ExportProgress("failed", done, total)
    state = "started" if status == JobStatus.STARTED else "queued"
    return ExportProgress(state, done, total, waiting_for_worker=waiting)


def export_path(job_id: str) -> Path:
    return Path(settings.EXPORT_DIR) / f"{job_id}.xlsx"


def remove_old_exports(*, now: float | None = None) -> int:
    """Delete the export files older than ``KEEP_FOR``; returns how many."""
    folder = Path(settings.EXPORT_DIR)
    if not folder.is_dir():
        return 0
    limit = (time.time() if now is None else now) - KEEP_FOR.total_seconds()
    removed = 0
    for path in folder.glob("*.xlsx*"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def export_projects(*, user_id: int, query: str, language: str, database: str) -> str:
    """The job: write the export to ``EXPORT_DIR/<job id>.xlsx``, recording in the job's meta
    how many projects are written every ``PROGRESS_EVERY``; returns the file's name. The file
    appears complete or not at all (written beside it, then renamed)."""
    job = get_current_job()
    if connection.settings_dict["NAME"] != database:
        # A worker started for another database (another checkout, the benchmarks') must not
        # export its projects under this user's id.
        raise RuntimeError(f"the job is for database {database!r}, this worker serves another")
    remove_old_exports()
    user = get_user_model().objects.get(pk=user_id)
    path = export_path(job.id)
    private_folder(path.parent)
    partial = path.with_suffix(".xlsx.part")
    with translation.override(language):
        _form, projects = filtered_projects(user, QueryDict(query))
        today = timezone.localdate()
        reports = stream_reports(projects, year=today.year, today=today)
        with open_private(partial) as file:  # the projects' personal data: owner only
            rows = _counted(export_rows(reports), job)
            write_xlsx(rows, title=_("Foreign-investment projects"), target=file)
    os.replace(partial, path)
    return path.name


def _counted(rows: Iterable[list[Any]], job: Job) -> Iterator[list[Any]]:
    """Pass the rows through (header first), saving the number of projects passed in the job's
    meta every ``PROGRESS_EVERY`` rows and at the end."""
    done = -1  # the header is not a project
    for row in rows:
        yield row
        done += 1
        if done and done % PROGRESS_EVERY == 0:
            job.meta["done"] = done
            job.save_meta()
    job.meta["done"] = max(done, 0)
    # The list may have changed since it was counted: the end is the true total.
    job.meta["total"] = max(done, 0)
    job.save_meta()

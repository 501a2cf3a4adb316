"""Two app servers on one PostgreSQL (README "Production"): two gunicorn processes, DEBUG off,
serve the same database. A login made through one is a session the other knows; a write made
through one is read through the other; an edit form opened on one and saved on the other is
accepted (one SECRET_KEY), and a stale save is refused whichever server it reaches.

Runs on PostgreSQL only (DATABASE_URL=postgres://…); skipped on SQLite."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from fdi_portal.models import Region
from projects.models import Difficulty, Project
from tests.conftest import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The test database, as the gunicorn processes reach it."""
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def servers(tmp_path) -> Iterator[list[str]]:
    if connection.vendor != "postgresql":
        pytest.skip("two app servers share a PostgreSQL database")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "off",
        "SECRET_KEY": "two-servers-one-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_COLLECTED": "off",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
        "IMPORT_DIR": str(tmp_path / "imports"),
    }
    bin_dir = Path(sys.executable).parent
    urls, processes = [], []
    for _ in range(2):
        port = free_port()
        processes.append(
            subprocess.Popen(
                [
                    str(bin_dir / "gunicorn"),
                    "-c",
                    "gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=(tmp_path / f"gunicorn-{port}.log").open("wb"),
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(url + "/login/", timeout=2)
                    break
                except (urllib.error.URLError, ConnectionError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


class Browser:
    """One person's cookies, sent to whichever server is asked."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url: str) -> tuple[int, str]:
        try:
            with self.opener.open(url, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, url: str, data: dict[str, str]) -> tuple[int, str, str]:
        """(status, final URL, page) after following the redirect."""
        token = next(c.value for c in self.cookies if c.name == settings.CSRF_COOKIE_NAME)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        try:
            with self.opener.open(url, body, timeout=30) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()


def staff(city) -> object:
    """A clerk whose password the servers can check: hashed as in production (the tests' own
    fast hasher is not one the servers know)."""
    user = make_user("twoserver", role="commerce_staff", city=city)
    user.password = PBKDF2PasswordHasher().encode(TEST_PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    return user


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def test_a_login_and_a_write_through_one_server_are_seen_through_the_other(servers, fangchenggang):
    one, other = servers
    clerk = staff(fangchenggang)
    project = Project.objects.create(
        city=fangchenggang,
        region=Region.objects.get(city=fangchenggang, name="上思县"),
        name="两台服务器项目",
    )
    browser = Browser()

    browser.get(one + "/login/")  # the CSRF cookie
    status, landed, _page = browser.post(
        one + "/login/", {"username": clerk.username, "password": TEST_PASSWORD}
    )
    assert (status, urllib.parse.urlparse(landed).path) == (200, "/")

    # The session made by the first server is known to the second.
    status, page = browser.get(other + "/")
    assert status == 200
    assert 'data-testid="whoami"' in page

    # A write through the second server ...
    form = f"/projects/{project.pk}/difficulties/new/"
    browser.get(other + form)
    status, landed, _page = browser.post(
        other + form,
        {"raised_on": "2021-04-01", "category": "power", "text": "跨服务器写入", "status": "open"},
    )
    assert urllib.parse.urlparse(landed).path == f"/projects/{project.pk}/"
    # ... is read through the first.
    status, page = browser.get(one + f"/projects/{project.pk}/")
    assert status == 200
    assert "跨服务器写入" in page


def test_an_edit_opened_on_one_server_saves_on_the_other_and_a_stale_one_is_refused(
    servers, fangchenggang
):
    one, other = servers
    clerk = staff(fangchenggang)
    project = Project.objects.create(
        city=fangchenggang,
        region=Region.objects.get(city=fangchenggang, name="上思县"),
        name="两台服务器项目",
    )
    difficulty = Difficulty.objects.create(
        project=project, raised_on="2021-04-01", category="land", text="原文"
    )
    browser = Browser()
    browser.get(one + "/login/")
    browser.post(one + "/login/", {"username": clerk.username, "password": TEST_PASSWORD})
    edit = f"/projects/difficulties/{difficulty.pk}/edit/"
    _status, page = browser.get(one + edit)
    seen = hidden(page, "row_state")
    fields = {
        "raised_on": "2021-04-01",
        "category": "land",
        "status": "open",
        "row_state": seen,
    }

    _status, landed, _page = browser.post(other + edit, {**fields, "text": "第一次保存"})
    assert urllib.parse.urlparse(landed).path == f"/projects/{project.pk}/"
    status, _landed, page = browser.post(one + edit, {**fields, "text": "过时的保存"})

    assert status == 200  # the form again, with the message
    difficulty.refresh_from_db()
    assert difficulty.text == "第一次保存"

"""Group robots (企业微信, 钉钉): the reminders of a city's people as one markdown message,
posted by a background job to a real local HTTP server that checks the body and, for 钉钉,
the signature (HMAC-SHA256 as 钉钉's documentation prescribes); retries; a failure reported
on the reminders page and never raised."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import urllib.parse
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from assessments.models import MonthlyFigure
from fdi_portal.models import Region, Role
from notifications import jobs, robots
from notifications.models import ChatRobot
from notifications.services import send_reminders
from tests.conftest import make_user
from tests.projects.conftest import make_project

SECRET = "SEC0123456789abcdef-test-secret"
D = dt.date


class RobotServer:
    """A local webhook: records each POST, checks it, answers as the robots do. ``fail`` is
    the number of requests to answer with HTTP 500 first."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.fail = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 — http.server's name
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                url = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(url.query)
                server.received.append({"path": url.path, "query": query, "body": body})
                if server.fail:
                    server.fail -= 1
                    self.send_response(500)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(server.answer(url.path, query, body)).encode())

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, path: str, query: dict, body: dict) -> dict:
        if body.get("msgtype") != "markdown":
            return {"errcode": 40008, "errmsg": "invalid message type"}
        if path == "/robot/send":  # 钉钉
            if query.get("access_token") != ["dt-token"]:
                return {"errcode": 300001, "errmsg": "token is not exist"}
            timestamp, sign = query["timestamp"][0], query["sign"][0]
            # The server's own computation, from 钉钉's documentation: timestamp + "\n" +
            # secret, HMAC-SHA256 keyed by the secret, base64. (parse_qs has URL-decoded it.)
            expected = base64.b64encode(
                hmac.new(
                    SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256
                ).digest()
            ).decode()
            if sign != expected:
                return {"errcode": 310000, "errmsg": "sign not match"}
            if not {"title", "text"} <= set(body["markdown"]):
                return {"errcode": 40035, "errmsg": "missing parameter"}
            return {"errcode": 0, "errmsg": "ok"}
        if query.get("key") != ["wecom-key"]:  # 企业微信
            return {"errcode": 93000, "errmsg": "invalid webhook url"}
        if len(body["markdown"]["content"].encode()) > robots.WECOM_MAX_BYTES:
            return {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"}
        return {"errcode": 0, "errmsg": "ok"}


@pytest.fixture
def server() -> Iterator[RobotServer]:
    robot_server = RobotServer()
    thread = threading.Thread(target=robot_server.httpd.serve_forever, daemon=True)
    thread.start()
    yield robot_server
    robot_server.httpd.shutdown()
    robot_server.httpd.server_close()


@pytest.fixture(autouse=True)
def no_pause_between_tries(monkeypatch) -> None:
    monkeypatch.setattr(jobs, "RETRY_DELAYS", (0, 0))


@pytest.fixture
def fcg_robots(fangchenggang, server) -> tuple[ChatRobot, ChatRobot]:
    return (
        ChatRobot.objects.create(
            city=fangchenggang,
            kind=ChatRobot.Kind.WECOM,
            name="全市招商工作群",
            webhook_url=f"{server.url}/cgi-bin/webhook/send?key=wecom-key",
        ),
        ChatRobot.objects.create(
            city=fangchenggang,
            kind=ChatRobot.Kind.DINGTALK,
            webhook_url=f"{server.url}/robot/send?access_token=dt-token",
            secret=SECRET,
        ),
    )


@pytest.fixture
def june_missing_shangsi(fangchenggang) -> None:
    for region in Region.objects.in_city(fangchenggang).assessed().exclude(name="上思县"):
        MonthlyFigure.objects.create(region=region, year=2021, month=6, amount_usd=Decimal(1))


def test_the_dingtalk_signature_is_the_documented_one():
    # Worked with 钉钉's documented steps by hand for timestamp 1577262236757 and secret
    # "SECxyz": base64(HMAC-SHA256("SECxyz", "1577262236757\nSECxyz")), then URL-encoded.
    digest = hmac.new(b"SECxyz", b"1577262236757\nSECxyz", hashlib.sha256).digest()
    assert robots.dingtalk_sign("SECxyz", 1577262236757) == urllib.parse.quote_plus(
        base64.b64encode(digest)
    )
    url = robots.signed_url("https://oapi.dingtalk.com/robot/send?access_token=t", "SECxyz", 7)
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=7&sign=")


def test_the_city_s_reminders_reach_both_robots_as_markdown(
    june_missing_shangsi, fcg_robots, clerk, shangsi_official, server, settings
):
    settings.PORTAL_BASE_URL = "https://fdi.example.gov.cn"
    sent = send_reminders(today=D(2021, 7, 7))
    assert sent
    assert len(server.received) == 2
    by_path = {request["path"]: request for request in server.received}
    wecom = by_path["/cgi-bin/webhook/send"]["body"]["markdown"]["content"]
    dingtalk = by_path["/robot/send"]["body"]["markdown"]
    for text in (wecom, dingtalk["text"]):
        assert "上思县" in text
        assert "2021-07-10" in text
        assert "https://fdi.example.gov.cn/" in text
    assert "2021-07-07" in dingtalk["title"]
    wecom_robot, dingtalk_robot = (ChatRobot.objects.get(pk=r.pk) for r in fcg_robots)
    for robot in (wecom_robot, dingtalk_robot):
        assert robot.last_sent_at is not None
        assert robot.last_failed_at is None
    # Nothing again the second time: the reminders went out once.
    send_reminders(today=D(2021, 7, 7))
    assert len(server.received) == 2


def test_a_reminder_sent_to_several_people_is_posted_once(
    june_missing_shangsi, fcg_robots, clerk, leader, shangsi_official, server
):
    make_user("shangsi2", Role.REGION_OFFICIAL, city=clerk.membership.city,
              region=shangsi_official.membership.region)  # fmt: skip
    send_reminders(today=D(2021, 7, 7))
    content = server.received[0]["body"]["markdown"]
    text = content.get("content") or content["text"]
    # The two officials' reminder of 上思县 is one line, and the staff's one more.
    assert text.count("- **") == 2


def test_another_city_s_reminders_do_not_reach_this_city_s_robots(
    wuwei, fcg_robots, wuwei_clerk, server
):
    send_reminders(today=D(2023, 7, 7))
    assert server.received == []


def test_a_wrong_signature_is_refused_and_reported_on_the_reminders_page(
    june_missing_shangsi, fcg_robots, clerk, shangsi_official, server, client
):
    wecom, dingtalk = fcg_robots
    ChatRobot.objects.filter(pk=dingtalk.pk).update(secret="SEC-wrong")
    send_reminders(today=D(2021, 7, 7))  # never raises
    dingtalk.refresh_from_db()
    assert dingtalk.last_error == "errcode 310000: sign not match"
    assert len([r for r in server.received if r["path"] == "/robot/send"]) == jobs.ATTEMPTS
    client.force_login(clerk)
    page = client.get(reverse("notifications:list"))
    assert page.status_code == 200
    (failed,) = page.context["failing_robots"]
    assert failed.pk == dingtalk.pk
    assert "sign not match" in page.content.decode()
    # A county official is not shown the bureau's robots.
    client.force_login(shangsi_official)
    assert client.get(reverse("notifications:list")).context["failing_robots"] == []


def test_a_robot_that_fails_twice_then_answers_is_delivered_by_the_retries(fangchenggang, server):
    robot = ChatRobot.objects.create(
        city=fangchenggang,
        kind=ChatRobot.Kind.WECOM,
        webhook_url=f"{server.url}/cgi-bin/webhook/send?key=wecom-key",
        last_failed_at=dt.datetime(2021, 7, 1, tzinfo=dt.UTC),
        last_error="HTTP 500",
    )
    server.fail = 2
    assert jobs.deliver(robot.pk, "标题", "- 内容") is True
    assert len(server.received) == 3
    robot.refresh_from_db()
    assert robot.last_sent_at > robot.last_failed_at
    assert not ChatRobot.objects.failing().exists()


def test_an_unreachable_robot_is_recorded_not_raised(fangchenggang):
    robot = ChatRobot.objects.create(
        city=fangchenggang, kind=ChatRobot.Kind.WECOM, webhook_url="http://127.0.0.1:9/x?key=k"
    )
    assert jobs.deliver(robot.pk, "标题", "内容") is False
    robot.refresh_from_db()
    assert robot.last_failed_at is not None
    assert robot.last_error


def test_a_long_message_is_cut_to_wecom_s_4096_bytes(fangchenggang, server):
    robot = ChatRobot.objects.create(
        city=fangchenggang,
        kind=ChatRobot.Kind.WECOM,
        webhook_url=f"{server.url}/cgi-bin/webhook/send?key=wecom-key",
    )
    assert jobs.deliver(robot.pk, "标题", "- 上思县未报送\n" * 400) is True
    content = server.received[0]["body"]["markdown"]["content"]
    assert len(content.encode()) <= 4096
    assert content.endswith("…")


def test_the_weekly_digest_reaches_the_robot_under_the_leader_s_name(
    fangchenggang, fcg_robots, leader, server
):
    make_project(fangchenggang, "东兴市", name="东兴跨境项目", leader=leader)
    send_reminders(today=D(2021, 7, 5))
    texts = [
        r["body"]["markdown"].get("content") or r["body"]["markdown"]["text"]
        for r in server.received
    ]
    assert len(texts) == 2
    assert all("leader：" in text and "东兴跨境项目" in text for text in texts)


def test_without_redis_the_message_is_posted_directly(
    june_missing_shangsi, fcg_robots, clerk, server, monkeypatch
):
    def no_redis(*args: object, **kwargs: object) -> None:
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(jobs.django_rq, "get_queue", no_redis)
    send_reminders(today=D(2021, 7, 7))
    assert len(server.received) == 2


def test_a_clerk_names_the_city_s_robots_and_tests_one(clerk, fangchenggang, server, client):
    client.force_login(clerk)
    url = reverse("notifications:robots")
    assert client.get(url).status_code == 200
    webhook = f"{server.url}/robot/send?access_token=dt-token"
    response = client.post(
        url,
        {
            "kind": "dingtalk",
            "dingtalk-name": "招商工作群",
            "dingtalk-webhook_url": webhook,
            "dingtalk-secret": SECRET,
            "dingtalk-is_active": "on",
        },
    )
    assert response.status_code == 302
    robot = ChatRobot.objects.get(city=fangchenggang, kind="dingtalk")
    assert (robot.name, robot.webhook_url, robot.secret) == ("招商工作群", webhook, SECRET)
    # Saved again without a secret: the stored one is kept (it is never shown again).
    client.post(
        url,
        {
            "kind": "dingtalk",
            "dingtalk-name": "全市招商工作群",
            "dingtalk-webhook_url": webhook,
            "dingtalk-is_active": "on",
        },
    )
    robot.refresh_from_db()
    assert (robot.name, robot.secret) == ("全市招商工作群", SECRET)
    assert SECRET not in client.get(url).content.decode()
    client.post(url, {"kind": "dingtalk", "test": "1"})
    assert len(server.received) == 1
    robot.refresh_from_db()
    assert robot.last_sent_at is not None
    client.post(url, {"kind": "dingtalk", "remove": "1"})
    assert not ChatRobot.objects.exists()


def test_a_webhook_must_be_a_web_address(clerk, client):
    client.force_login(clerk)
    client.post(
        reverse("notifications:robots"),
        {"kind": "wecom", "wecom-webhook_url": "ftp://x/y", "wecom-is_active": "on"},
    )
    assert not ChatRobot.objects.exists()

"""The two group robots' protocols: a markdown message to a 企业微信 group robot or a 钉钉
custom robot, posted as JSON to its webhook.

* 企业微信: ``{"msgtype": "markdown", "markdown": {"content": …}}``, content at most 4096
  bytes (UTF-8).
* 钉钉: ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``; with a signing secret
  (加签) the URL gets ``&timestamp=<ms>&sign=<sign>``, where sign is the URL-encoded base64 of
  HMAC-SHA256(key = secret, message = timestamp + "\\n" + secret), as 钉钉's documentation
  prescribes.

Both answer HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}``; any other errcode is a failure
(a wrong key, a bad signature, a rate limit).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

#: 企业微信's limit on a markdown message, in bytes; 钉钉's is larger, we keep to 18 000.
WECOM_MAX_BYTES = 4096
DINGTALK_MAX_BYTES = 18000
TIMEOUT_SECONDS = 10
WECOM = "wecom"
DINGTALK = "dingtalk"


class RobotError(Exception):
    """The robot did not take the message: unreachable, an HTTP error, or an errcode."""


@dataclass(frozen=True)
class Message:
    """A markdown message: ``title`` (钉钉 shows it in the chat list) and ``text``."""

    title: str
    text: str


def truncate_bytes(text: str, limit: int, ellipsis: str = "\n…") -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes (on a character boundary)."""
    if len(text.encode()) <= limit:
        return text
    room = limit - len(ellipsis.encode())
    return text.encode()[:room].decode(errors="ignore") + ellipsis


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉's signature of ``timestamp_ms``: base64(HMAC-SHA256(secret, "ts\\nsecret")),
    URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The 钉钉 webhook with ``timestamp`` and ``sign`` appended (unchanged without a secret)."""
    if not secret:
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def payload(kind: str, message: Message) -> dict:
    """The JSON body of ``message`` for a robot of ``kind``."""
    if kind == WECOM:
        text = truncate_bytes(f"**{message.title}**\n{message.text}", WECOM_MAX_BYTES)
        return {"msgtype": "markdown", "markdown": {"content": text}}
    text = truncate_bytes(f"#### {message.title}\n{message.text}", DINGTALK_MAX_BYTES)
    return {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}


def post(
    kind: str, url: str, message: Message, *, secret: str = "", now_ms: int | None = None
) -> None:
    """Post ``message`` to the robot; :class:`RobotError` unless it answers errcode 0."""
    if kind == DINGTALK:
        url = signed_url(url, secret, now_ms if now_ms is not None else int(time.time() * 1000))
    body = json.dumps(payload(kind, message), ensure_ascii=False).encode()
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = response.read(65536)
    except urllib.error.HTTPError as error:
        raise RobotError(f"HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        raise RobotError(str(getattr(error, "reason", error))) from None
    try:
        result = json.loads(answer)
    except ValueError:
        raise RobotError(f"not JSON: {answer[:100]!r}") from None
    if not isinstance(result, dict) or result.get("errcode") != 0:
        errcode = result.get("errcode") if isinstance(result, dict) else None
        errmsg = result.get("errmsg", "") if isinstance(result, dict) else ""
        raise RobotError(f"errcode {errcode}: {errmsg}")

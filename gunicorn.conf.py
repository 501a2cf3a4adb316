"""Gunicorn settings for serving the portal (`make serve`, README "Production").

Every value can be changed from the environment; the defaults suit one server with a few
dozen users. Gunicorn also reads ``GUNICORN_CMD_ARGS`` and, for the addresses whose
X-Forwarded-* headers it trusts, ``FORWARDED_ALLOW_IPS`` (default: 127.0.0.1) by itself.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import environ

# The same .env as the settings (the environment wins), so one file configures both.
if (Path(__file__).resolve().parent / ".env").exists():
    environ.Env.read_env(Path(__file__).resolve().parent / ".env")


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "fdi_portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Synchronous workers: every request is short database work or an xlsx import, CPU-bound.
# Two per core plus one is gunicorn's own rule of thumb.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# An import preview of the largest file allowed (UPLOAD_MAX_BYTES) takes well under a
# minute; a request that runs longer is stuck, and its worker is replaced.
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak (or the memory one big import took) is given
# back; the jitter (half the interval) keeps them from restarting together: with a jitter of
# 100, all five workers restarted within 2 s under the load test and p95 rose to 3.9 s.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)

# Bounded request lines and headers (gunicorn's defaults, stated): the body is bounded by
# Django (DATA_UPLOAD_MAX_MEMORY_SIZE, UPLOAD_MAX_BYTES).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# No control socket in the service user's home directory: the service is managed by its
# supervisor (systemd, `make serve`), not by gunicornc.
control_socket_disable = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Load the application once in the master: workers start fast and a broken configuration
# (no SECRET_KEY, say) stops the server at once instead of in every worker.
preload_app = True


def when_ready(server) -> None:
    """In the master, after the app is loaded and before the first worker is forked: build what
    every worker would otherwise build again after each recycling (fdi_portal/warm.py)."""
    from fdi_portal.warm import warm_up

    warm_up()

"""Hooks of django-axes (settings.py, "Login protection"): who the client is, what a locked-out
visitor sees."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The address a login attempt came from.

    REMOTE_ADDR, unless the portal sits behind ``PROXY_COUNT`` reverse proxies: then the
    address the outermost proxy saw, which is the ``PROXY_COUNT``-th entry of X-Forwarded-For
    from the right (each proxy appends the address it received the request from). Entries
    further left were written by the client and are never trusted.
    """
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The lockout page, in the portal's layout, with HTTP 429 (Too Many Requests)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=429,
    )

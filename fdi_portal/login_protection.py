"""Hooks of django-axes (settings.py, "Login protection"): who the client is, what a locked-out
visitor sees."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
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


class CheckedPasswordChangeForm(PasswordChangeForm):
    """Django's password change, the old password checked through ``authenticate``: wrong old
    passwords count towards django-axes' lockout as wrong logins do, and a locked-out user
    cannot try more (else a stolen session could guess the password here without limit)."""

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class CheckedPasswordChangeView(PasswordChangeView):
    """/password/: the lockout page (429, as the login's) once the old password was wrong
    ``AXES_FAILURE_LIMIT`` times in a row."""

    form_class = CheckedPasswordChangeForm
    template_name = "registration/password_change.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form: CheckedPasswordChangeForm) -> HttpResponse:
        if getattr(self.request, "axes_locked_out", False):
            return lockout_response(self.request)
        return super().form_invalid(form)

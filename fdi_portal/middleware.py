"""Request and response middleware: the language the user chose, private caching of pages, the
lifetime of a session, control characters out of submitted text."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from fdi_portal.lib.text import clean_text


class ChosenLanguageMiddleware:
    """Activate the language the user chose with the language switch, else zh-hans.

    Django's LocaleMiddleware would also follow the browser's Accept-Language header; bureau
    machines often run English-language browsers, and the portal's users expect the Chinese
    interface unless they switch it themselves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every response to a logged-in user.

    Pages and exports hold figures before they are published: no shared proxy may keep them, and
    the browser must not either (a bureau PC is shared; the back button after logging out must
    not show the last page). Static files never reach this middleware (whitenoise answers them
    first), so they keep their long caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


LOGIN_AT_KEY = "login_at"
SEEN_AT_KEY = "seen_at"
# The last request's time is written to the session at most this often: a write on every
# request would cost every page three queries for a timeout that needs no such precision.
SEEN_AT_RESOLUTION_SECONDS = 60


@receiver(user_logged_in)
def _remember_login_time(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    # Connected here, beside the middleware that reads it, so that the two cannot be separated.
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = request.session[SEEN_AT_KEY] = int(time.time())


class SessionLifetimeMiddleware:
    """Log out a session idle for ``SESSION_IDLE_MINUTES``, or ``SESSION_MAX_HOURS`` after its
    login however busy it has been (a stolen session cookie kept alive, say).

    The login time is stored in the session at login, the time of the last request at most once
    a minute; a session without them (from before this middleware) starts counting now. The
    session cookie itself lasts ``SESSION_MAX_HOURS`` (SESSION_COOKIE_AGE). Must come after the
    authentication and message middleware: it logs out before LoginRequiredMiddleware (a view
    middleware) sends the visitor to the login page, where a message says why.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.setdefault(LOGIN_AT_KEY, now)
            seen_at = session.setdefault(SEEN_AT_KEY, now)
            idle = now - seen_at > settings.SESSION_IDLE_MINUTES * 60
            if idle or now - login_at > settings.SESSION_MAX_HOURS * 3600:
                logout(request)
                messages.info(request, _("Your session has expired. Please log in again."))
            elif now - seen_at >= SEEN_AT_RESOLUTION_SECONDS:
                session[SEEN_AT_KEY] = now
        return self.get_response(request)


class CleanTextInputMiddleware:
    """Remove control characters from every submitted form value (fdi_portal.lib.text).

    One place for every form of every app, the admin's included, so that no text field can
    store what cannot be shown or exported (a pasted vertical tab from Word used to make the
    任务分工表 export fail). Line breaks are normalised to LF, tabs are kept. Passwords are left
    exactly as typed. Runs as a view middleware, after CsrfViewMiddleware has already parsed
    the form, so that nothing is parsed earlier than before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        if request.method != "POST" or not request.POST:
            return
        cleaned = request.POST.copy()
        changed = False
        for key, values in request.POST.lists():
            if "password" in key:
                continue
            new_values = [clean_text(value) for value in values]
            if new_values != values:
                cleaned.setlist(key, new_values)
                changed = True
        if changed:
            cleaned._mutable = False
            request.POST = cleaned

"""Request and response middleware: the language the user chose, private caching of pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


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

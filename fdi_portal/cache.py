"""The shared cache of computed pages: what a dashboard computed stays valid until the next write.

The dashboards (the city dashboard, its supervision and alerts panels, a region's page, the
province view, the figures grid) are pure functions of their arguments and of the database. The
portal keeps their results in the ``figures`` cache (Redis: shared by every app server and
worker, never per-process memory) under a key that holds the *data version*, a random token.

Any write to the portal's data changes the token once the write commits (:func:`watch_writes`
sees every INSERT, UPDATE and DELETE a connection sends, bulk imports and raw SQL included), so
a page computed before it is never read again. Writes that change no figure (sessions, login
attempts, a login's time, the audit log, notifications, the cache itself) leave the token
alone. The token is written after the commit, never before: a reader that computed from the
old data keys it under the old token. Entries also expire after ``FIGURES_CACHE_SECONDS``,
which bounds what a write made outside the portal (psql) could leave stale.

When the cache server does not answer, pages are computed as if nothing were cached.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language

log = logging.getLogger(__name__)

ALIAS = "figures"
VERSION_KEY = "data-version"

#: Tables whose writes change no computed figure.
UNWATCHED = re.compile(
    r"^(django_session|django_admin_log|axes_|notifications_notification|fdi_portal_auditevent)\b"
)
#: Statements of watched tables that change no figure either: a login's only write (Django's
#: update_last_login), without which each of the morning's logins would recompute every page.
UNWATCHED_STATEMENTS = re.compile(
    r'^\s*UPDATE\s+"?auth_user"?\s+SET\s+"?last_login"?\s*=\s*%s\s+WHERE\b'
)
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)

P = ParamSpec("P")
R = TypeVar("R")


def _cache():
    return caches[ALIAS]


#: Within a request the token is read once (request_started to request_finished): a page's
#: cached parts then agree with one another, and a cached dashboard costs one read less per part.
_request = threading.local()
_UNREAD = object()


def request_started(**kwargs: Any) -> None:
    _request.version = _UNREAD


def request_finished(**kwargs: Any) -> None:
    _request.__dict__.pop("version", None)


def data_version() -> str | None:
    """The current token, or ``None`` when the cache server does not answer."""
    memo = getattr(_request, "version", None)
    if memo is not None and memo is not _UNREAD:
        return memo
    version = _read_version()
    if memo is _UNREAD and version is not None:
        _request.version = version
    return version


def _read_version() -> str | None:
    try:
        cache = _cache()
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
        return version
    except Exception:  # noqa: BLE001 — a cache that does not answer is a cache miss
        log.warning("The figures cache does not answer; computing pages uncached.", exc_info=True)
        return None


def data_changed() -> None:
    """Retire every cached page (called after a write commits)."""
    token = uuid.uuid4().hex
    if "version" in _request.__dict__:
        _request.version = token  # the rest of this request reads what it wrote
    try:
        _cache().set(VERSION_KEY, token, timeout=None)
    except Exception:  # noqa: BLE001
        log.warning("The figures cache does not answer; its pages expire on their own.")


def _part(value: Any) -> str:
    if isinstance(value, models.Model):
        return f"{value._meta.label_lower}#{value.pk}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}={_part(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return "[" + ",".join(_part(v) for v in value) + "]"
    return repr(value)


def key_for(name: str, version: str, args: tuple, kwargs: dict) -> str:
    """``name``, the data version, the language (pages hold translated text), today's date (pages
    count days) and the arguments."""
    today = timezone.localdate().isoformat()
    parts = ":".join([get_language() or "", today, _part(args), _part(kwargs)])
    return f"{name}:{version}:{hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()}"


def remembered(name: str, parts: tuple, compute: Callable[[], R]) -> R:
    """What ``compute`` returns for ``parts``, from the shared cache while the data has not
    changed since it was kept; computed (and kept) otherwise, or when the cache is away."""
    version = data_version()
    if version is None:
        return compute()
    key = key_for(name, version, parts, {})
    try:
        found = _cache().get(key)
    except Exception:  # noqa: BLE001
        found = None
    if found is not None:
        return found
    result = compute()
    try:
        _cache().set(key, result, timeout=settings.FIGURES_CACHE_SECONDS)
    except Exception:  # noqa: BLE001 — unpicklable or unreachable: served uncached
        log.warning("Could not cache %s.", name, exc_info=True)
    return result


def shared(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Keep what the decorated function returns in the shared cache until the data changes.
    The function must depend only on its arguments (model instances count by their id) and on
    the database, and return something that pickles."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            return remembered(name, (args, kwargs), lambda: function(*args, **kwargs))

        wrapper.uncached = function  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _retires_pages(sql: str) -> bool:
    """Whether ``sql`` writes data a page may show."""
    match = _WRITE.match(sql)
    return (
        match is not None
        and not UNWATCHED.match(match.group(1))
        and not UNWATCHED_STATEMENTS.match(sql)
    )


def data_written(connection: Any) -> None:
    """Retire the cached pages once the transaction commits (or now, outside one): one token
    change for the transaction. The writes a connection executes are seen on their own
    (:func:`watch_writes`); call this after a write that passes by them, such as COPY."""
    if any(callback is data_changed for _, callback, _ in connection.run_on_commit):
        return
    transaction.on_commit(data_changed, using=connection.alias)


def watch_writes(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: wrap the connection so its writes retire the pages."""

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if _retires_pages(sql):
            data_written(connection)
        return result

    connection.execute_wrappers.append(wrapper)

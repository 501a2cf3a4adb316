"""The shared cache of computed pages: what a dashboard computed stays valid until a write that
can change it.

The dashboards (the city dashboard, its supervision and alerts panels, a region's page, the
province view, the figures grid) are pure functions of their arguments and of the database. The
portal keeps their results in the ``figures`` cache (Redis: shared by every app server and
worker, never per-process memory) under a key that holds the code release and the *versions* of
the data they were computed from: one per city (``city:<id>``), one for pages of several cities
(``any``) and one for everything (``all``). A city's page is kept under ``all`` and its city's
version; a page of several cities (the province view, a province viewer's project list) under
``all``, ``any`` and, where the cities are known, each of theirs.

Which versions a write replaces:

- a write inside :func:`retiring` (the write services: a figure, a submission, an import, a
  notice, a project…) replaces its cities' versions and ``any``: the other cities' pages stay;
- every other write any connection sends replaces ``all``: nothing is missed. :func:`writes_data`
  reads each statement (comments, WITH, MERGE, TRUNCATE, DDL included) and counts as a write
  everything but a read or a write to a table that no page shows (sessions, login attempts and
  lockouts, a login's time, notifications, the audit log, these versions).

The versions live in the database (``fdi_portal.PageVersion``), written right after the commit
(one statement): a reader that read a version before it computed from data at least as new, so a
page is never kept under a version newer than its data, and a write is never lost to a Redis
that did not answer. A request reads the versions it needs once (one query). Entries expire
after ``FIGURES_CACHE_SECONDS`` in any case, which bounds what a write made outside the portal
(psql) could leave stale. When the cache server does not answer, pages are computed as if nothing
were cached.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import logging
import re
import threading
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import django
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.utils import timezone
from django.utils.translation import get_language

log = logging.getLogger(__name__)

ALIAS = "figures"
#: Every page depends on it; a write the portal cannot place replaces it.
ALL = "all"
#: Pages of several cities (the province view, a province viewer's project list) depend on it;
#: every write of a city replaces it (``any:<kind>``).
ANY = "any"
#: The kinds of data a city's versions are kept for: what the assessments app writes (figures,
#: targets, submissions, notices, interviews, assessments) and what the projects app writes.
#: The projects' pages (the project list, the alerts panel) read no assessments table — the
#: apps depend one way — so a figure never retires them. A page depends on both by default.
FIGURES = ("figures",)
PROJECTS = ("projects",)
KINDS = FIGURES + PROJECTS

#: Tables whose writes change no page.
UNWATCHED = re.compile(
    r"^(django_session|django_admin_log"
    r"|axes_(accessattempt|accessattemptexpiration|accesslog|accessfailurelog)"
    r"|notifications_notification|fdi_portal_auditevent|fdi_portal_pageversion)$"
)
#: A login's only write to a watched table (Django's update_last_login), without which each of
#: the morning's logins would retire every page.
UNWATCHED_STATEMENTS = re.compile(
    r'^UPDATE\s+"?auth_user"?\s+SET\s+"?last_login"?\s*=\s*%s\s+WHERE\s+"?auth_user"?\."?id"?'
    r"\s*=\s*%s$"
)
_COMMENT = re.compile(r"/\*.*?\*/|--[^\n]*", re.DOTALL)
_READS = re.compile(
    r"^(SELECT|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SET|SHOW|PRAGMA|FETCH|CLOSE|DECLARE)\b",
    re.IGNORECASE,
)
_TABLE_WRITE = re.compile(
    r'^(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?'
    r"(?:\s|\(|$)",
    re.IGNORECASE,
)
_MODIFYING = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|COPY)\b", re.IGNORECASE)

P = ParamSpec("P")
R = TypeVar("R")


def _cache():
    return caches[ALIAS]


def _enabled() -> bool:
    return not isinstance(_cache(), DummyCache)


# ------------------------------------------------------------------------------------------
# The code release: a deploy of new code never reads the pages (or the pickled objects) of
# the old one.
# ------------------------------------------------------------------------------------------

_SOURCE_DIRS = ("fdi_portal", "tasks", "projects", "assessments", "notifications", "dashboards")


@functools.cache
def release() -> str:
    """``settings.RELEASE`` when set (a deploy's tag), else a digest of the code that makes the
    pages: the Python and templates of the apps, the compiled catalogues, Django's version."""
    if getattr(settings, "RELEASE", ""):
        return str(settings.RELEASE)
    digest = hashlib.blake2b(django.get_version().encode(), digest_size=8)
    base = Path(settings.BASE_DIR)
    folders = [base / name for name in _SOURCE_DIRS] + [base / "templates", base / "locale"]
    for folder in folders:
        files = sorted(
            p for p in folder.rglob("*") if p.suffix in (".py", ".html", ".mo") and p.is_file()
        )
        for path in files:
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------
# Versions
# ------------------------------------------------------------------------------------------

#: Within a request each version is read once (request_started to request_finished): a page's
#: cached parts then agree with one another, and the versions cost one query.
_request = threading.local()
#: The scopes the writes of this thread belong to (:func:`retiring`), innermost last.
_scopes = threading.local()


def request_started(**kwargs: Any) -> None:
    _request.versions = {}


def request_finished(**kwargs: Any) -> None:
    _request.__dict__.pop("versions", None)


def city_scope(city: Any, kind: str) -> str:
    return f"city:{getattr(city, 'pk', city)}:{kind}"


def versions(scopes: Collection[str]) -> dict[str, str]:
    """The current token of each scope ("" for a scope never written)."""
    from fdi_portal.models import PageVersion

    memo: dict[str, str] | None = getattr(_request, "versions", None)
    missing = [s for s in scopes if memo is None or s not in memo]
    found: dict[str, str] = {}
    if missing:
        rows = dict(PageVersion.objects.filter(scope__in=missing).values_list("scope", "token"))
        found = {scope: rows.get(scope, "") for scope in missing}
        if memo is not None:
            memo.update(found)
    return {scope: found[scope] if scope in found else memo[scope] for scope in scopes}


def _replace(scopes: Iterable[str], using: Any = None) -> None:
    """Give ``scopes`` new tokens (after a commit: the pages kept under the old ones are never
    read again)."""
    from fdi_portal.models import PageVersion

    scopes = sorted(set(scopes))
    if not scopes:
        return
    memo = getattr(_request, "versions", None)
    if memo is not None:
        for scope in scopes:
            memo.pop(scope, None)  # the rest of this request reads what it wrote
    # One statement, no transaction of its own: it may run inside the wrapper of the write
    # (autocommit), right after it. ``using``: the connection (or its alias) that wrote.
    connection = using if hasattr(using, "cursor") else connections[using or DEFAULT_DB_ALIAS]
    if connection.alias not in settings.DATABASES:  # a maintenance connection (CREATE DATABASE)
        return
    table = connection.ops.quote_name(PageVersion._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(scopes))
    params = [value for scope in scopes for value in (scope, uuid.uuid4().hex)]
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (scope, token) VALUES {rows} "
                "ON CONFLICT (scope) DO UPDATE SET token = excluded.token",
                params,
            )
    except DatabaseError as error:  # the write is committed; say what was not retired
        if PageVersion._meta.db_table not in connection.introspection.table_names():
            return  # migrating a new database: no page was kept before the table existed
        log.warning("Could not retire the cached pages of %s: %s", ", ".join(scopes), error)


class _Retirement:
    """The on-commit callback of a transaction's writes: the scopes they replace, once."""

    def __init__(self, using: Any) -> None:
        self.using = using
        self.scopes: set[str] = set()

    def __call__(self) -> None:
        _replace(self.scopes, self.using)


def data_changed() -> None:
    """Retire every cached page now (after a restore)."""
    _replace([ALL])


def _current_scopes() -> frozenset[str]:
    stack = getattr(_scopes, "stack", None)
    return stack[-1] if stack else frozenset([ALL])


@contextlib.contextmanager
def retiring(*, cities: Iterable[Any], kinds: Iterable[str] = KINDS) -> Iterator[None]:
    """The writes inside change the ``kinds`` of data of ``cities`` (City instances or ids)
    only: once they commit, the pages that read them and the pages of several cities that read
    them are retired, no other.

    Declared by the write services around what they write (``set_monthly_figure``, an import, a
    notice, a project); a write outside any retires every page. The caller vouches that the
    writes inside change nothing any other city's page, or a page of another kind, shows."""
    kinds = tuple(kinds)
    cities = list(cities)
    scopes = frozenset(
        {f"{ANY}:{kind}" for kind in kinds}
        | {city_scope(city, kind) for city in cities for kind in kinds}
    )
    stack = _scopes.__dict__.setdefault("stack", [])
    stack.append(scopes)
    try:
        yield
    finally:
        stack.pop()


def data_written(connection: Any, scopes: Iterable[str] | None = None) -> None:
    """Retire the pages a write on ``connection`` changed once its transaction commits (or now,
    outside one): the scopes of the enclosing :func:`retiring`, else every page. The writes a
    connection executes are seen on their own (:func:`watch_writes`); call this after a write
    that passes by them, such as COPY."""
    scopes = frozenset(scopes) if scopes is not None else _current_scopes()
    if not connection.in_atomic_block:
        _replace(scopes, connection)
        return
    pending = next(
        (c for _, c, _ in connection.run_on_commit if isinstance(c, _Retirement)),
        None,
    )
    if pending is None:
        pending = _Retirement(connection)
        transaction.on_commit(pending, using=connection.alias)
    pending.scopes |= scopes


def writes_data(sql: str) -> bool:
    """Whether ``sql`` may change data a page shows. Anything not known to be a read or a write
    to an unwatched table counts as a write: a statement wrongly counted retires pages for
    nothing, one wrongly missed would show stale pages."""
    text = _COMMENT.sub(" ", sql).strip().rstrip(";").strip()
    if ";" in text:  # several statements
        return True
    if _READS.match(text):
        return False
    if text.upper().startswith("WITH"):
        return bool(_MODIFYING.search(text))
    if UNWATCHED_STATEMENTS.match(text):
        return False
    match = _TABLE_WRITE.match(text)
    if match is None:  # MERGE, TRUNCATE, COPY, DDL, a function call…
        return True
    return not UNWATCHED.match(match.group(1).lower())


def watch_writes(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: wrap the connection so its writes retire the pages."""

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if writes_data(sql):
            data_written(connection)
        return result

    connection.execute_wrappers.append(wrapper)


# ------------------------------------------------------------------------------------------
# Keeping and reading pages
# ------------------------------------------------------------------------------------------


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


def cities_in(value: Any) -> set[int] | None:
    """The ids of the cities named in ``value`` (a City, or lists, tuples and dicts holding
    some); None when it names none."""
    from fdi_portal.models import City

    found: set[int] = set()

    def walk(item: Any) -> None:
        if isinstance(item, City):
            found.add(item.pk)
        elif isinstance(item, dict):
            for v in item.values():
                walk(v)
        elif isinstance(item, list | tuple | set | frozenset):
            for v in item:
                walk(v)

    walk(value)
    return found or None


def scopes_for(cities: Iterable[Any] | None, kinds: Iterable[str] = KINDS) -> frozenset[str]:
    """What a page of ``cities`` (of any city when None) that reads ``kinds`` depends on."""
    kinds = tuple(kinds)
    named = frozenset(
        city_scope(city, kind) for city in (cities if cities is not None else ()) for kind in kinds
    )
    if not named:
        named = frozenset(f"{ANY}:{kind}" for kind in kinds)
    return frozenset({ALL, *named})


def key_for(name: str, tokens: dict[str, str], args: tuple, kwargs: dict) -> str:
    """``name``, the code release, the data versions, the language (pages hold translated
    text), today's date (pages count days) and the arguments."""
    today = timezone.localdate().isoformat()
    parts = ":".join(
        [
            release(),
            _part(tokens),
            get_language() or "",
            today,
            _part(args),
            _part(kwargs),
        ]
    )
    return f"{name}:{hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()}"


def remembered(
    name: str,
    parts: tuple,
    compute: Callable[[], R],
    *,
    cities: Iterable[Any] | None = None,
    kinds: Iterable[str] = KINDS,
) -> R:
    """What ``compute`` returns for ``parts``, from the shared cache while no write since has
    changed the ``kinds`` of data of ``cities`` (Cities or ids; None: of any city); computed
    (and kept) otherwise, or when the cache is away."""
    if not _enabled():
        return compute()
    key = key_for(name, versions(scopes_for(cities, kinds)), parts, {})
    try:
        found = _cache().get(key)
    except Exception:  # noqa: BLE001 — a cache that does not answer is a cache miss
        log.warning("The figures cache does not answer; computing %s uncached.", name)
        return compute()
    if found is not None:
        return found
    result = compute()
    try:
        _cache().set(key, result, timeout=settings.FIGURES_CACHE_SECONDS)
    except Exception:  # noqa: BLE001 — unpicklable or unreachable: served uncached
        log.warning("Could not cache %s.", name, exc_info=True)
    return result


def shared(
    name: str, *, kinds: Iterable[str] = KINDS
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Keep what the decorated function returns in the shared cache until a write changes the
    ``kinds`` of data of its cities (the cities among its arguments; any city's when it names
    none).
    The function must depend only on its arguments (model instances count by their id) and on
    the database, and return something that pickles."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            return remembered(
                name,
                (args, kwargs),
                lambda: function(*args, **kwargs),
                cities=cities_in((args, kwargs)),
                kinds=kinds,
            )

        wrapper.uncached = function  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _city_of(value: Any) -> Any:
    """A City's id from a City, or from a row of one city: its ``city_id`` (a region, a project,
    an interview) or its region's (a submission)."""
    from fdi_portal.models import City

    if isinstance(value, City):
        return value.pk
    city_id = getattr(value, "city_id", None)
    if city_id is None and getattr(value, "region", None) is not None:
        city_id = value.region.city_id
    if city_id is None:
        raise TypeError(f"{value!r} names no city")
    return city_id


def retires(
    argument: str | Callable[..., Iterable[Any]], *, kinds: Iterable[str] = KINDS
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a write service whose writes change the pages of its city only: the city named
    by its keyword argument ``argument`` (a City, or a row with a ``city_id``: a region, a
    project; or with a region: a submission), or the cities ``argument(*args, **kwargs)``
    returns. See :func:`retiring`."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if callable(argument):
                cities = list(argument(*args, **kwargs))
            else:
                cities = [_city_of(kwargs[argument])]
            with retiring(cities=cities, kinds=kinds):
                return function(*args, **kwargs)

        return wrapper

    return decorate

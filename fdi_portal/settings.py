"""Settings for the FDI target-tracking portal.

Every setting that differs between machines comes from the environment (or a `.env` file next to
`manage.py`) through django-environ; `.env.example` and the README document each variable.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    UPLOAD_MAX_BYTES=(int, 20 * 1024 * 1024),
)
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)

DEBUG = env("DEBUG")

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the portal refuses to start without one: "
            "set SECRET_KEY in the environment or in .env (see .env.example)."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "csp",
    "axes",
    "fdi_portal",
    "tasks",
    "projects",
    "assessments",
    "notifications",
    # The top layer: the home pages and dashboards, built on the portal apps listed before it.
    "dashboards",
    # The read API for other systems (/api/v1/, token only; docs/api.md), above everything.
    "api",
    "rest_framework",
    "drf_spectacular",
    # Background jobs: `manage.py rqworker` (README, "Background jobs").
    "django_rq",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files before anything that needs a session or a login.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fdi_portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store on whatever a logged-in user is sent.
    "fdi_portal.middleware.PrivatePagesMiddleware",
    # Deny by default: every view needs a login unless it is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Logs out a session older than SESSION_MAX_HOURS (before LoginRequiredMiddleware's check).
    "fdi_portal.middleware.SessionLifetimeMiddleware",
    # Records who made each change in the history of targets and figures.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Logs every download (exports, notices, templates) with its file name and SHA-256.
    "fdi_portal.audit.AuditExportsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Control characters out of every submitted value (after the CSRF check has parsed them).
    "fdi_portal.middleware.CleanTextInputMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fdi_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "fdi_portal.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "fdi_portal.wsgi.application"
ASGI_APPLICATION = "fdi_portal.asgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not SQLite's in-memory default, for the test database: the browser tests' live
    # server answers from other threads, which cannot share an in-memory connection.
    # One file per test process, in the temporary directory.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"fdi_portal_test_{os.getpid()}.sqlite3")
    }
    # A transaction takes the write lock when it begins, and a second writer waits for it (up
    # to 20 s) instead of failing at once with "database is locked" when both upgrade a read
    # lock: two clerks issuing one notice at once get "already issued", not a 500.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    # One test database per test process, so two suites on one server never drop each other's.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
    # No JIT compilation: it spends 0.1–0.8 s compiling a list query (its many correlated
    # subqueries look costly to the planner) to save milliseconds running it. No parallel
    # workers: a page's queries take milliseconds, and a worker cost more to start than it
    # saved (7 → 4 ms for the goals' landed arrivals) while taking a core from another request.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c max_parallel_workers_per_gather=0"
    )
    # Keep a worker's connection for a minute instead of opening one per request (6–14 ms
    # each here), checked before reuse so a restarted server costs one error-free reconnect.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite has no covering indexes: it builds projects.Arrival's index without its INCLUDE
# column, which only PostgreSQL, the production database, reads.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# What a county official sees of the other regions before the month's notice is issued:
# "own" (their own figures; the others as the last issued notice published them) or "all"
# (the live ranking). README, "Who sees unpublished figures"; assessments/publication.py.
UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = env(
    "UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS", default="own"
).lower()
if UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS not in ("own", "all"):
    raise ImproperlyConfigured('UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS must be "own" or "all".')

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login protection (django-axes). A username is locked out *from one address* after
# AXES_FAILURE_LIMIT wrong passwords in a row, for AXES_COOLOFF_MINUTES, and every further
# failure during the lockout starts the cool-off again. Locking the pair rather than the
# address alone keeps the rest of an office behind one NAT address working; locking the pair
# rather than the username alone keeps an attacker from locking a colleague out. Locks are
# listed (and lifted by deleting them) in the admin under "Axes".
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # checks the lock; must come first
    # Django's ModelBackend, reading the user with their membership in one query. (Sessions
    # opened before it was named here end once: they name the backend that logged them in.)
    "fdi_portal.backends.PortalBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "fdi_portal.login_protection.lockout_response"
AXES_CLIENT_IP_CALLABLE = "fdi_portal.login_protection.client_ip"
# Reverse proxies in front of gunicorn that append the client's address to X-Forwarded-For
# (nginx: proxy_add_x_forwarded_for). 0: the client is REMOTE_ADDR. Too high a number lets a
# client choose its own address, and with it escape the lockout.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# Sessions end after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after the
# login however busy (fdi_portal.middleware.SessionLifetimeMiddleware); the cookie lasts no
# longer than that either.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=60)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("Simplified Chinese")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The seed fixtures are loaded by name (`loaddata fangchenggang_2021 wuwei_2023`): loaddata reads
# the file of that name in every directory below, in this order, so each layer can refer to the
# ones before it by natural key: the registry, then the plans, then targets and project rules.
FIXTURE_DIRS = [
    BASE_DIR / "fixtures",
    BASE_DIR / "fixtures" / "plans",
    BASE_DIR / "fixtures" / "targets",
    BASE_DIR / "fixtures" / "projects",
]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# With STATIC_COLLECTED (the default when DEBUG is off) the portal serves what `collectstatic`
# gathered into STATIC_ROOT: names carry a hash of the content (cached for a year by browsers)
# and gzip copies sit beside them (whitenoise). Off (DEBUG, the test suite: tests/env.py), it
# serves the source folders below as they are, so nothing has to be collected first.
STATIC_COLLECTED = env.bool("STATIC_COLLECTED", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_COLLECTED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
WHITENOISE_AUTOREFRESH = not STATIC_COLLECTED
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Third-party front-end packages come from npm (package.json), never from a CDN:
    # the portal runs on bureau intranets without internet access.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    ("vendor/swagger-ui", BASE_DIR / "node_modules" / "swagger-ui-dist"),
]

# Largest spreadsheet or document a user may upload, in bytes.
UPLOAD_MAX_BYTES = env("UPLOAD_MAX_BYTES")
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# HTTPS. Bureau intranets often serve plain HTTP, so everything below is off by default; a
# server reached over HTTPS turns it on (README, "Production"; `check --deploy` is then clean).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto (so a request that
# reached the proxy over HTTPS counts as secure) and, if it rewrites the host, X-Forwarded-Host.
# Only when the proxy sets these headers itself and clients cannot reach the portal directly.
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles, images and requests from the portal's
# own origin only, nothing inline (templates load static/js/portal.js instead of on…=""
# handlers and use classes instead of style=""). data: images are Bootstrap's icons in its
# CSS (select arrows, check marks). CSP_REPORT_ONLY=on sends the same policy as
# Content-Security-Policy-Report-Only: browsers then only report violations in the console.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# (Not named CSP_REPORT_ONLY in the settings: django-csp takes CSP_* settings for its old format.)
CONTENT_SECURITY_POLICY_ENFORCED = not env.bool("CSP_REPORT_ONLY", default=False)
if CONTENT_SECURITY_POLICY_ENFORCED:
    CONTENT_SECURITY_POLICY = _CSP
else:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Uploaded spreadsheets wait here between their preview and the user's confirmation.
IMPORT_DIR = env.path("IMPORT_DIR", default=str(BASE_DIR / "var" / "imports"))

# Background jobs (README, "Background jobs"): rq on Redis, run by `manage.py rqworker`, which
# `make run` and `make serve` start. RQ_ASYNC=off (the test suite: tests/env.py) runs a job at
# once in the process that enqueues it (Redis must still answer). Without Redis, or without a
# worker, a large export downloads directly instead.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
RQ_QUEUES = {
    "default": {
        "URL": REDIS_URL,
        "ASYNC": env.bool("RQ_ASYNC", default=True),
        "DEFAULT_TIMEOUT": 30 * 60,
    }
}
# No link to django-rq's dashboard in the admin: its pages are not mounted.
RQ_SHOW_ADMIN_LINK = False
# A project export of more rows than this runs as a background job with a progress page
# (about 2 s of work at this size); a smaller one downloads at once.
EXPORT_JOB_ROWS = env.int("EXPORT_JOB_ROWS", default=10_000)
# Exports made by background jobs wait here for their download, for a day.
EXPORT_DIR = env.path("EXPORT_DIR", default=str(BASE_DIR / "var" / "exports"))
# PDFs of issued documents, made once by LibreOffice and kept here; at most PDF_CONVERSIONS
# conversions run at once on the server (assessments/documents.py).
PDF_DIR = env.path("PDF_DIR", default=str(BASE_DIR / "var" / "documents"))
PDF_CONVERSIONS = env.int("PDF_CONVERSIONS", default=2)

# The shared cache of computed dashboards (fdi_portal/cache.py; README, "Performance"): Redis,
# so that every app server reads the same entries and a write retires them all at once. "off"
# (the test suite: tests/env.py) computes every page. Without Redis, pages are computed uncached.
FIGURES_CACHE_URL = env("FIGURES_CACHE_URL", default="redis://127.0.0.1:6379/1")
FIGURES_CACHE_SECONDS = env.int("FIGURES_CACHE_SECONDS", default=600)
# The code release the cached pages belong to (a deploy's tag or commit); by default a digest
# of the code (fdi_portal.cache.release): a deploy never serves the pages of the code before.
RELEASE = env("RELEASE", default="")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": (
        {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        if FIGURES_CACHE_URL == "off"
        else {
            "BACKEND": "fdi_portal.cache_backend.SharedRedisCache",
            "LOCATION": FIGURES_CACHE_URL,
            # One database's pages never served for another's (two portals, one Redis).
            "KEY_PREFIX": "fdi:"
            + hashlib.sha256(
                "|".join(
                    str(DATABASES["default"].get(k, "")) for k in ("ENGINE", "HOST", "PORT", "NAME")
                ).encode()
            ).hexdigest()[:12],
            # A cache that does not answer must not hold a page up (fdi_portal/cache.py).
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.5},
        }
    ),
}

# The read API (api/, docs/api.md): token authentication only (``Authorization: Token KEY``),
# read-only, paginated, JSON; each token limited to API_TOKEN_RATE requests (per minute, hour
# or day); the schema is OpenAPI 3 (drf-spectacular).
API_TOKEN_RATE = env("API_TOKEN_RATE", default="600/hour")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasMembership"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": API_TOKEN_RATE},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FDI target-tracking portal API",
    "DESCRIPTION": "Read-only. Send `Authorization: Token KEY` (manage.py create_api_token).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# Percentages in a notice's words and tables: 1 or 2 decimals, half-up, as the bureau prints
# them (「完成年度目标的16.14%」 or 「16.1%」).
NOTICE_PERCENT_PLACES = env.int("NOTICE_PERCENT_PLACES", default=2)

# Email (reminders): EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.gov.cn:587; without it
# emails are printed on the console (development). DEFAULT_FROM_EMAIL is the sender;
# PORTAL_BASE_URL (https://fdi.example.gov.cn) makes the links in emails absolute.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="fdi-portal@localhost")
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="")

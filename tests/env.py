"""Loaded by pytest (``-p tests.env`` in pyproject.toml) before Django's settings are imported.

The settings refuse to start without a SECRET_KEY when DEBUG is off, as production must; the
test suite runs with DEBUG off and a throw-away key.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
# Static files from their source folders: the suite never runs collectstatic.
os.environ.setdefault("STATIC_COLLECTED", "off")
# Background jobs run at once, in the test's own process, on a Redis database of their own.
os.environ.setdefault("RQ_ASYNC", "off")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
# Dashboards computed afresh on every request (fdi_portal/cache.py); tests/core/test_cache.py
# turns the shared cache on, on a Redis database of its own.
os.environ.setdefault("FIGURES_CACHE_URL", "off")

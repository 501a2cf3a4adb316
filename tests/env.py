"""Loaded by pytest (``-p tests.env`` in pyproject.toml) before Django's settings are imported.

The settings refuse to start without a SECRET_KEY when DEBUG is off, as production must; the
test suite runs with DEBUG off and a throw-away key.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
# Static files from their source folders: the suite never runs collectstatic.
os.environ.setdefault("STATIC_COLLECTED", "off")

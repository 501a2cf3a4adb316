"""gunicorn's master builds what every worker needs before it forks them (fdi_portal/warm.py): a
recycled worker then compiles no template on its first requests."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

import pytest
from django.db import connection
from django.template import engines

from fdi_portal.warm import template_names

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cold_templates():
    engine = engines["django"].engine
    [cached] = engine.template_loaders
    cached.reset()
    yield cached.get_template_cache
    gc.unfreeze()


def test_the_gunicorn_master_compiles_every_template_and_opens_no_connection(cold_templates):
    connection.close()
    when_ready = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["when_ready"]
    when_ready(server=None)
    names = template_names()
    assert "base.html" in names
    assert "projects/_project_list.html" in names
    assert set(names) <= set(cold_templates)
    assert connection.connection is None  # a fork must not share its master's connection
    assert gc.get_freeze_count() > 0

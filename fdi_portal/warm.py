"""What every worker would otherwise build on its first requests, built once before the workers
are forked (gunicorn.conf.py, ``when_ready``).

gunicorn recycles each worker after about a thousand requests (``max_requests``). A new worker is
a fork of the master: without this, it compiles every template it renders, loads both languages'
catalogues and fills the URL resolver again, and the requests queued behind it wait (the load
test saw a page's p95 double while workers were replaced). Built in the master, a fork inherits
them, and ``gc.freeze()`` then keeps the collector from walking them in every worker (which also
keeps their memory pages shared).
"""

from __future__ import annotations

import gc
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import engines
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation


def template_names() -> list[str]:
    """The names of the portal's own templates (its templates folder): those its pages render."""
    names = []
    for engine in engines.all():
        for folder in engine.engine.dirs:
            root = Path(folder)
            names += [str(path.relative_to(root)) for path in sorted(root.rglob("*.html"))]
    return names


def warm_up() -> None:
    """Compile the templates, load the catalogues, fill the URL resolver; then freeze what was
    built out of the garbage collector's reach. Opens no database connection (a forked worker
    must not share one with its master), and closes any a caller opened."""
    for name in template_names():
        get_template(name)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            reverse("home")
            translation.gettext("Home")
    connections.close_all()
    gc.freeze()

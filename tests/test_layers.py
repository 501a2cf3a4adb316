"""Apps depend one way: the core, then plans, projects, figures, then the pages that combine them.

``fdi_portal`` (organisations, access, audit, cache, ``lib``) < ``tasks`` < ``projects`` <
``assessments`` < ``notifications`` < ``dashboards`` < ``api``. No module of an app imports a module of
an app above it — at module level, inside a function or under ``TYPE_CHECKING`` alike. Where a
lower app needs a higher one's work, the higher one connects a receiver to the lower one's
signals in its ``AppConfig.ready()`` (``tasks/signals.py``, ``projects/signals.py``). The
root URLconf includes each app's URLs by module path.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Each app's layer: an app may import from its own layer's app and every layer below.
LAYERS: dict[str, int] = {
    "fdi_portal": 0,
    "tasks": 1,
    "projects": 2,
    "assessments": 3,
    "notifications": 4,
    "dashboards": 5,
    "api": 6,
}


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in ``source``, wherever it stands."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def upward_imports(app: str, source: str) -> list[str]:
    """The imports in a module of ``app`` that name an app above it."""
    return [
        f"line {line}: {module}"
        for line, module in imported_modules(source)
        if LAYERS.get(module.split(".")[0], -1) > LAYERS[app]
    ]


def test_an_import_inside_a_function_counts_as_much_as_one_at_the_top():
    source = (
        "from fdi_portal.models import City\n"
        "def f():\n"
        "    from assessments.models import Notice\n"
        "    import projects.selectors\n"
        "if TYPE_CHECKING:\n"
        "    from dashboards.views import home\n"
    )
    assert upward_imports("tasks", source) == [
        "line 3: assessments.models",
        "line 4: projects.selectors",
        "line 6: dashboards.views",
    ]
    assert upward_imports("dashboards", source) == []


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_imports_an_app_above_it(app):
    modules = sorted((ROOT / app).rglob("*.py"))
    assert modules, f"{app} has no modules: is LAYERS out of date?"
    offences = [
        f"{path.relative_to(ROOT)} {offence}"
        for path in modules
        for offence in upward_imports(app, path.read_text(encoding="utf-8"))
    ]
    assert offences == []


def test_every_installed_portal_app_has_a_layer():
    from django.conf import settings

    ours = {
        name.split(".")[0]
        for name in settings.INSTALLED_APPS
        if (ROOT / name.split(".")[0]).is_dir()
    }
    assert ours <= set(LAYERS)

"""The interface is Chinese: every user-facing string in the code has a zh-hans translation."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.test_layers import LAYERS

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
needs_gettext = pytest.mark.skipif(
    shutil.which("xgettext") is None and not os.environ.get("CI"),
    reason="GNU gettext is not installed (scripts/install-system-packages installs it)",
)


def untranslated(po_text: str) -> list[str]:
    """The msgids of entries with an empty msgstr or marked fuzzy (the header excepted)."""
    missing = []
    for block in po_text.split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            keyword = re.match(r"^(msgid|msgstr)(?:\[\d+\])? ", line)
            if keyword:
                current = keyword.group(1)
                line = line[keyword.end() :]
            if current and line.startswith('"'):
                fields[current] = fields.get(current, "") + line[1:-1]
        if fields.get("msgid") and (not fields.get("msgstr") or "#, fuzzy" in block):
            missing.append(fields["msgid"])
    return missing


def test_the_zh_hans_catalogue_has_no_untranslated_or_fuzzy_entry():
    assert untranslated(CATALOGUE.read_text(encoding="utf-8")) == []


@needs_gettext
def test_every_string_in_the_code_is_in_the_zh_hans_catalogue(tmp_path, settings, monkeypatch):
    """Re-extract the strings from a copy of the code into a copy of the catalogue: nothing
    new may appear. (makemessages writes into every locale directory it finds above the
    files it reads, so it must never run on the real tree here.)"""
    project = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.mo", "migrations")
    for part in (*LAYERS, "templates", "locale"):  # every app of the portal
        shutil.copytree(Path(settings.BASE_DIR) / part, project / part, ignore=ignore)
    settings.LOCALE_PATHS = [project / "locale"]
    monkeypatch.chdir(project)
    call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, verbosity=0)
    catalogue = project / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    assert untranslated(catalogue.read_text(encoding="utf-8")) == []

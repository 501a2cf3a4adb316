"""Backup and restore of the whole database, the engine's own way (README, "Backup and restore").

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --single-transaction`` (the
client programs must be installed: Debian's postgresql-client, scripts/install-system-packages).
SQLite: the online backup API, which copies a consistent database page by page while the
portal keeps running. A backup is one file; which engine wrote it is read from its first bytes,
so a file of the other engine is refused before anything is touched.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

from fdi_portal.lib.private_files import open_private

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """What went wrong, for the person running the command."""


def backup(target: Path, *, alias: str = "default") -> None:
    """Write a backup of database ``alias`` to ``target`` (replaced if it exists)."""
    settings = connections[alias].settings_dict
    # The backup holds every user's personal data: readable by its owner only.
    open_private(target).close()
    if _is_sqlite(settings):
        _sqlite_copy(Path(settings["NAME"]), target)
    else:
        _run(
            "pg_dump",
            ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
            settings,
        )


def restore(source: Path, *, alias: str = "default") -> None:
    """Replace every table of database ``alias`` with the backup ``source``.

    The database may be empty (freshly created) or hold data: what the backup holds replaces
    it whole, in one transaction on PostgreSQL (a failed restore changes nothing).
    """
    settings = connections[alias].settings_dict
    kind = backup_kind(source)
    engine = "sqlite" if _is_sqlite(settings) else "postgresql"
    if kind != engine:
        raise BackupError(
            f"{source} is a {kind or 'unknown'} backup; this portal's database is {engine}."
        )
    connections[alias].close()  # nothing of ours holds the database during the restore
    if engine == "sqlite":
        _sqlite_copy(source, Path(settings["NAME"]))
    else:
        _run(
            "pg_restore",
            ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"],
            settings,
            source=source,
        )


def backup_kind(path: Path) -> str | None:
    """``"sqlite"``, ``"postgresql"`` or ``None``, from the file's first bytes."""
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}") from error
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    return None


def _is_sqlite(settings: dict[str, Any]) -> bool:
    return settings["ENGINE"] == "django.db.backends.sqlite3"


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while others write."""
    if not source.exists():
        raise BackupError(f"{source} does not exist.")
    source_db = sqlite3.connect(source)
    target_db = sqlite3.connect(target)
    try:
        source_db.backup(target_db)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite backup from {source} to {target} failed: {error}") from error
    finally:
        target_db.close()
        source_db.close()


def _run(
    program: str, arguments: list[str], settings: dict[str, Any], *, source: Path | None = None
) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not installed: install Debian's postgresql-client "
            "(scripts/install-system-packages does)."
        )
    environment = {**os.environ}
    # The password goes through the environment, never the command line (visible in ps).
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings["PASSWORD"])
    connection = [f"--dbname={settings['NAME']}"]
    if settings.get("HOST"):
        connection.append(f"--host={settings['HOST']}")
    if settings.get("PORT"):
        connection.append(f"--port={settings['PORT']}")
    if settings.get("USER"):
        connection.append(f"--username={settings['USER']}")
    command = [executable, *arguments, *connection, "--no-password"]
    if source is not None:
        command.append(str(source))
    result = subprocess.run(
        command, env=environment, capture_output=True, text=True, check=False, umask=0o077
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fdi_portal.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database to FILE: pg_dump's custom format on PostgreSQL, SQLite's "
        "online backup on SQLite. Safe while the portal runs. Restore with `manage.py restore`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("The backup file to write."))
        parser.add_argument("--database", default="default", help=_("Database alias."))

    def handle(self, *args, file: Path, database: str, **options) -> None:
        try:
            backup(file, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = file.stat().st_size / 1024 / 1024
        self.stdout.write(
            _("Backed up to %(file)s (%(size).1f MB).") % {"file": file, "size": size}
        )

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fdi_portal.backups import BackupError, restore
from fdi_portal.cache import data_changed


class Command(BaseCommand):
    help = (
        "Replace the whole database with the backup FILE made by `manage.py backup` (into an "
        "empty database or over the current one; on PostgreSQL all or nothing). Stop the "
        "portal first. Asks for confirmation unless --noinput."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("The backup file to restore."))
        parser.add_argument("--database", default="default", help=_("Database alias."))
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help=_("Do not ask for confirmation."),
        )

    def handle(self, *args, file: Path, database: str, interactive: bool = True, **options) -> None:
        if not file.is_file():
            raise CommandError(_("%(file)s is not a file.") % {"file": file})
        if interactive:
            answer = input(
                _("Every table of the database will be replaced by %(file)s. Type 'yes' to go on: ")
                % {"file": file}
            )
            if answer.strip().lower() != "yes":
                raise CommandError(_("Restore cancelled."))
        try:
            restore(file, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        # Another process wrote every table: no page computed before may be shown again.
        data_changed()
        self.stdout.write(_("Restored from %(file)s.") % {"file": file})

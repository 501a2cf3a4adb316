"""manage.py create_api_token USERNAME [--name NAME] [--expires DAYS]: a new API token of the
user; its key is printed once, on the last line (only its hash is kept)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from api.services import create_api_token


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print its key (on the last line)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="Which system uses it (default: username).")
        parser.add_argument(
            "--expires", type=int, default=None, metavar="DAYS", help="Expires after DAYS days."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            token, key = create_api_token(
                username=options["username"],
                name=options["name"],
                expires_days=options["expires"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        expires = (
            f"expires {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}"
            if token.expires_at
            else "never expires"
        )
        self.stderr.write(
            f"Token «{token.name}» ({token.prefix}…) of {token.user.username}, {expires}. "
            "The key is shown once; only its hash is kept:"
        )
        self.stdout.write(key)

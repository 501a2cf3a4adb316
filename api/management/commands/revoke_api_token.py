"""manage.py revoke_api_token (--prefix PREFIX | --name NAME | --user USERNAME): revoke tokens."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.models import ApiToken
from api.services import revoke_api_tokens


class Command(BaseCommand):
    help = "Revoke API tokens by key prefix, by name or every token of a user."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--prefix", help="The key's first 8 characters (listed in the admin).")
        which.add_argument("--name", help="The token's name.")
        which.add_argument("--user", help="Every token of this username.")

    def handle(self, *args: Any, **options: Any) -> None:
        tokens = ApiToken.objects.all()
        if options["prefix"]:
            tokens = tokens.filter(prefix=options["prefix"])
        elif options["name"]:
            tokens = tokens.filter(name=options["name"])
        else:
            tokens = tokens.filter(user__username=options["user"])
        if not tokens.exists():
            raise CommandError("No such token.")
        count = revoke_api_tokens(tokens)
        self.stdout.write(f"{count} token(s) revoked.")

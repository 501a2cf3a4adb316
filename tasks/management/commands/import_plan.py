from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fdi_portal.models import City
from tasks.documents import UnreadableDocument, document_text
from tasks.plan_revision import preview_revision, revise_plan, revised_plan
from tasks.plan_text import parse_plan
from tasks.services import import_plan, plan_json, preview_plan


class Command(BaseCommand):
    help = (
        "Import a policy document (plain text, UTF-8) as a plan of a city: goals, tasks and "
        "the units that lead or support them. Without --city it only parses and prints."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The document as UTF-8 plain text.")
        parser.add_argument("--city", help="The city's six-digit code, e.g. 450600.")
        parser.add_argument("--title", help="The plan's title, when the document's is not wanted.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and resolve units, store nothing."
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--revise",
            action="store_true",
            help=(
                "The text revises the city's stored plan of the same title (or --title): print "
                "what changes and, unless --dry-run, update that plan in place."
            ),
        )
        parser.add_argument(
            "--replace-city-target",
            action="store_true",
            help="Let the plan's goals replace a different city target stored for its year.",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            text = document_text(path.read_bytes())
        except (OSError, UnreadableDocument) as error:
            raise CommandError(
                _("Cannot read %(file)s as a Word document or plain text: %(error)s")
                % {"file": path, "error": error}
            ) from error

        if options["city"] is None:
            parsed = parse_plan(text)
            data = plan_json(parsed)
            if not options["dry_run"] and options["format"] != "json":
                self.stderr.write(_("No --city given: nothing is stored."))
            self._report(data, options["format"], stored=None)
            return

        try:
            city = City.objects.get(admin_code=options["city"])
        except City.DoesNotExist:
            raise CommandError(
                _("No city has the code %(code)s.") % {"code": options["city"]}
            ) from None
        if options["revise"]:
            self._revise(city, text, options)
            return
        try:
            preview = import_plan(
                city=city,
                text=text,
                title=options["title"],
                dry_run=options["dry_run"],
                replace_city_target=options["replace_city_target"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self._report(preview.as_json(), options["format"], stored=preview.plan)

    def _revise(self, city: City, text: str, options: dict) -> None:
        """Print the diff of a revised text against the stored plan; store it unless dry."""
        preview = preview_plan(city=city, text=text, title=options["title"])
        plan = revised_plan(city=city, title=preview.title)
        if plan is None:
            raise CommandError(
                _("%(city)s has no plan titled “%(title)s” to revise.")
                % {"city": city.name, "title": preview.title}
            )
        if options["dry_run"]:
            revision = preview_revision(plan=plan, preview=preview)
        else:
            try:
                revision = revise_plan(
                    plan=plan,
                    text=text,
                    title=options["title"],
                    replace_city_target=options["replace_city_target"],
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        for row in revision.added:
            self.stdout.write(f"+ {row.number} {row.parsed.title}")
        for removed in revision.removed:
            self.stdout.write(f"- {removed.number} {removed.task.title}")
        for change in revision.retitled:
            self.stdout.write(
                f"~ {change.new_number} {change.task.title} → {change.row.parsed.title}"
            )
        for change in revision.moved:
            self.stdout.write(f"# {change.old_number} → {change.new_number} {change.task.title}")
        for change in revision.units_changed:
            for unit in change.units:
                self.stdout.write(
                    f"@ {change.new_number} {unit.role}: {'、'.join(unit.before) or '—'} → "
                    f"{'、'.join(unit.after) or '—'}"
                )
        self.stdout.write(
            _(
                "%(unchanged)s tasks unchanged; progress reports kept: %(kept)s, deleted: "
                "%(dropped)s."
            )
            % {
                "unchanged": revision.unchanged,
                "kept": revision.reports_kept,
                "dropped": revision.reports_dropped,
            }
        )

    def _report(self, data: dict, output_format: str, *, stored) -> None:
        if output_format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for task in data["tasks"]:
            units = "；".join(
                f"{role}: {'、'.join(data_units)}"
                for role in ("lead", "support", "shared")
                if (data_units := task[role])
            )
            if task["lead_rule"]:  # the document's rule that made the lead
                units += f"（{task['lead_rule']}）"
            indent = "  " * (len(task["path"]) - 1)
            self.stdout.write(f"{indent}{task['label']} {task['title']}  {units}")
        for warning in data["warnings"]:
            self.stderr.write(
                _("Line %(line)s: %(message)s")
                % {"line": warning["line"], "message": warning["message"]}
            )
        if stored is not None:
            self.stdout.write(
                _("Stored plan “%(title)s”: %(count)s tasks.")
                % {"title": stored.title, "count": len(data["tasks"])}
            )

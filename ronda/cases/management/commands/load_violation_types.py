"""Load a country's violation-type taxonomy (``ronda.cases.taxonomy``), as the system.

    manage.py load_violation_types --country EC     # Ecuador (also CR, MX)
    manage.py load_violation_types                  # every country with a taxonomy and an org unit

Idempotent: types whose code exists in the country are left as they are.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ronda.cases import taxonomy
from ronda.territory.models import Level, OrgUnit


class Command(BaseCommand):
    help = "Create the violation types of a country's taxonomy that are missing (EC, CR, MX)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--country", choices=sorted(taxonomy.TAXONOMIES), help="The country's code (default: all of them)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        codes = [options["country"]] if options["country"] else sorted(taxonomy.TAXONOMIES)
        for code in codes:
            country = OrgUnit.objects.filter(code=code, level=Level.COUNTRY).first()
            if country is None:
                if options["country"]:
                    raise CommandError(f"No country with the code {code}.")
                continue
            created = taxonomy.load_taxonomy(country, code)
            total = len(taxonomy.TAXONOMIES[code])
            self.stdout.write(f"{code}: {len(created)} created, {total - len(created)} already there.")

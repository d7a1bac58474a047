"""Load a country's protection catalogues (``ronda.protection.catalogues``), as the system.

    manage.py load_protection_catalogues --country MX    # Mexico (also EC, CR)
    manage.py load_protection_catalogues                 # every country with a catalogue and an org unit

Idempotent: measure types and standards whose code exists in the country are left as they are.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ronda.protection import catalogues
from ronda.territory.models import Level, OrgUnit


class Command(BaseCommand):
    help = "Create the protective-measure types and supervision standards a country lacks (MX, EC, CR)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--country", choices=catalogues.COUNTRIES, help="The country's code (default: all of them)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        codes = [options["country"]] if options["country"] else list(catalogues.COUNTRIES)
        for code in codes:
            country = OrgUnit.objects.filter(code=code, level=Level.COUNTRY).first()
            if country is None:
                if options["country"]:
                    raise CommandError(f"No country with the code {code}.")
                continue
            loaded = catalogues.load(code, country)
            total = len(catalogues.MEASURES[code]) + len(catalogues.STANDARDS[code])
            self.stdout.write(
                f"{code}: {len(loaded.measure_types)} measure types and {len(loaded.standards)} standards created, "
                f"{total - loaded.created} already there."
            )

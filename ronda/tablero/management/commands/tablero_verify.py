"""Check the Tablero's aggregates against the data values, and repair them (``ronda.tablero.verify``).

    manage.py tablero_verify                  # every country; exit status 1 if any cell differs
    manage.py tablero_verify --country A      # one country, by its code
    manage.py tablero_verify --fix            # rewrite the differing cells (one transaction per
                                              # country, audited as the system "tablero_verify")

Each differing cell is printed (the first ``--show`` of them, 50 by default) with what is stored
and what the values give, then a line per country with the counts.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ronda.tablero import verify
from ronda.tablero.models import CategoryOptionCombo, DataElement
from ronda.territory.models import OrgUnit


def _cell(cell: verify.Cell | None) -> str:
    if cell is None:
        return "-"
    total, count, last_total, low, high = cell.as_tuple()
    return f"total={total} count={count} last={last_total} min={low} max={high}"


class Command(BaseCommand):
    help = "Recompute the aggregates from the data values and report (or, with --fix, repair) every difference."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--country", help="Only the country with this code.")
        parser.add_argument("--fix", action="store_true", help="Rewrite the cells that differ.")
        parser.add_argument("--show", type=int, default=50, help="How many differences to print (default 50).")

    def handle(self, *args: Any, **options: Any) -> None:
        countries = verify.countries(options["country"])
        if not countries:
            raise CommandError(f"No country with the code {options['country']!r}.")
        fix = bool(options["fix"])
        show = max(0, int(options["show"]))
        shown = 0
        names: dict[tuple[str, int], str] = {}

        def name(kind: str, pk: int) -> str:
            if (kind, pk) not in names:
                model: Any = {"element": DataElement, "combo": CategoryOptionCombo, "unit": OrgUnit}[kind]
                found = model.objects.filter(pk=pk).values_list("code", flat=True).first()
                names[(kind, pk)] = str(found or pk)
            return names[(kind, pk)]

        def print_difference(difference: verify.Difference) -> None:
            nonlocal shown
            shown += 1
            if shown > show:
                return
            de, coc, unit, iso = difference.key
            self.stdout.write(
                f"{difference.kind}: element {name('element', de)} / {name('combo', coc)}, unit {name('unit', unit)},"
                f" period {iso}: stored [{_cell(difference.stored)}], values give [{_cell(difference.expected)}]"
            )

        different = 0
        for country in countries:
            report = verify.verify_country(country, fix=fix, on_difference=print_difference)
            different += report.different
            verdict = f"{report.fixed} cells rewritten" if fix else f"{report.different} cells differ"
            self.stdout.write(f"{country.code}: {report.values} values, {report.cells} cells recomputed, {verdict}.")
        if shown > show:
            self.stdout.write(f"({shown - show} more differences not printed.)")
        if different and not fix:
            raise CommandError(f"{different} aggregate cells differ from the values; run with --fix to repair them.")

"""Delete generated report PDFs (rows and files) asked for more than --days ago (default 30).

A generated report is a copy of figures anybody allowed can render again, so it is kept only for
a while; run this daily beside ``prune_db_task_results`` (docs/operations.md §7).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ronda.accountability.services import prune_reports


class Command(BaseCommand):
    help = "Delete generated report PDFs older than --days (default 30)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        count = prune_reports(older_than=dt.timedelta(days=max(days, 0)))
        self.stdout.write(f"{count} generated report(s) deleted.")

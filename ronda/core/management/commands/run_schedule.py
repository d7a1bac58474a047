"""`manage.py run_schedule [--once] [--interval SECONDS]`: enqueue the periodic jobs whose time has come.

It reads the jobs the apps declare (``ronda.core.schedule``; each app's ``schedules`` module) and
enqueues each one when it is due; a job worker (``db_worker``) runs it. Without ``--once`` it looks
again every ``--interval`` seconds until Ctrl+C or SIGTERM; with ``--once`` it looks once and exits,
for cron or a systemd timer. Any number may run, on any number of machines: a run is enqueued by
one of them only (decision 0016, "Periodic jobs").
"""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, reset_queries

from ronda.core import schedule


class Command(BaseCommand):
    help = "Enqueue the periodic jobs that are due; with --once look once, else keep looking."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="look once and exit (for cron or a timer)")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between two looks (default 30)")

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        schedule.autodiscover()
        verbosity = int(options.get("verbosity", 1))
        if verbosity >= 2:
            for job in schedule.registry.jobs():
                self.stdout.write(f"{job.name}: {job.spec}")
        if once:
            self._look(verbosity)
            return
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                # A long-lived loop, like a worker: drop connections past their age or broken.
                close_old_connections()
                self._look(verbosity)
                reset_queries()
                slept = 0.0
                while slept < interval and not stopping:
                    time.sleep(min(1.0, interval - slept))
                    slept += 1.0
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            close_old_connections()

    def _look(self, verbosity: int) -> None:
        for name in schedule.run_due():
            if verbosity >= 1:
                self.stdout.write(f"Enqueued {name}")

"""`manage.py serve [addr:port]`: the development server, a job worker and the scheduler, as one command (`make run`).

It starts ``runserver``, ``db_worker`` and ``run_schedule`` (which enqueues the periodic jobs) as
child processes and waits. Ctrl+C (or SIGTERM) stops them all; if one ends by itself, the others
are stopped too and ``serve`` exits with its status, so a worker that crashed is never left
unnoticed behind a working web page. With the immediate task backend (RONDA_TASKS_IMMEDIATE)
there is no worker, and no scheduler, to start.

This is for a laptop. A server runs gunicorn and the workers as separate services
(docs/operations.md §4 and §7).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

# How long a child may take to stop after being asked before it is killed.
STOP_TIMEOUT_SECONDS = 10.0
POLL_SECONDS = 0.2


def _stop(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_together(commands: Sequence[Sequence[str]]) -> int:
    """Run ``commands`` side by side until one ends or we are interrupted; stop the rest; return its status."""
    processes: list[subprocess.Popen[bytes]] = []

    def interrupted(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        for command in commands:
            processes.append(subprocess.Popen(list(command)))  # noqa: S603 - our own manage.py, no shell
        while True:
            for process in processes:
                status = process.poll()
                if status is not None:
                    return status
            time.sleep(POLL_SECONDS)
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(processes)
        signal.signal(signal.SIGTERM, previous)


def uses_worker() -> bool:
    backends = getattr(settings, "TASKS", {})
    return any(str(b.get("BACKEND", "")).startswith("django_tasks_db.") for b in backends.values())


class Command(BaseCommand):
    help = "Run the development web server, a background-job worker and the scheduler; Ctrl+C stops them."
    requires_system_checks: list[str] = []  # runserver runs them

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="address:port for runserver")

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        commands = [[*manage, "runserver", addrport]]
        if uses_worker():
            # Reloads on code changes under DEBUG, like runserver.
            commands.append([*manage, "db_worker", "--queue-name", "*", "--interval", "1"])
            # The periodic jobs it enqueues are run by that worker (decision 0016, "Periodic jobs").
            commands.append([*manage, "run_schedule"])
        status = run_together(commands)
        if status:
            sys.exit(status)

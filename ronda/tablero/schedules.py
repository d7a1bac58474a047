"""The Tablero's periodic jobs (ronda.core.schedule; decision 0016, "Periodic jobs").

- ``tablero.dhis2_push``: every 15 minutes, the automatic pushes to the ministries' DHIS2 whose
  hour has come (``PushTarget.daily_push_hour``, in the country's time zone: every real offset is
  a multiple of 15 minutes, so a push starts within seconds of its hour).

They are Ronda's own work: plain tasks that act as ``SYSTEM``, never a person's job.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from ronda.core import schedule
from ronda.core.tenancy import SYSTEM
from ronda.tablero import push

PUSH_SWEEP_EVERY = dt.timedelta(minutes=15)


@task()
def push_due_targets() -> int:
    """Queue the automatic pushes that are due; how many were queued."""
    return len(push.push_due())


@task()
def push_as_ronda(log_id: int) -> None:
    """One automatic push, asked for by Ronda itself (``push.push_due``): sent as ``SYSTEM``."""
    push.run(actor=SYSTEM, log_id=log_id)


schedule.register("tablero.dhis2_push", push_due_targets, every=PUSH_SWEEP_EVERY)

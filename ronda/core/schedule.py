"""Periodic jobs: Ronda's own work that runs by itself, every so often or every day at a time.

A periodic job is a django-tasks task that takes no arguments, declared with a schedule. It is
Ronda's own work (a reminder sweep, a nightly push), so it runs as ``SYSTEM`` and is a plain task,
never a ``person_job``: there is no person whose rights it could borrow. An app declares its jobs
in a ``schedules`` module (found by :func:`autodiscover`) or in its ``AppConfig.ready``::

    @task()
    def send_reminders() -> None:
        ...

    schedule.register("reminders.meetings", send_reminders, daily_at=dt.time(7, 0))
    schedule.register("referrals.overdue", mark_overdue, every=dt.timedelta(minutes=15))

``manage.py run_schedule`` (a loop, or ``--once`` from cron) enqueues each job when its time
comes, through the task's own ``enqueue`` on the configured backend; a job worker runs it.

What it promises (decision 0016, "Periodic jobs"):

- **One enqueue per run, however many schedulers run.** Each job has one row
  (:class:`~ronda.core.models.ScheduledJob`) with the time it runs next. A scheduler takes a due
  run by a compare-and-set ``UPDATE … WHERE next_run_at = <what it read>``: of two processes that
  read the same due row, the database lets exactly one update it (on PostgreSQL the second
  ``UPDATE`` waits for the first and then matches nothing; SQLite serialises writers). No lock is
  held while the task is enqueued, and it works alike on both databases (SQLite has no
  ``SELECT … FOR UPDATE``).
- **A run missed is not replayed.** After a scheduler was down for three days, a daily job runs
  once, and its next run is computed from now.
- **A new job waits for its first slot**: a job seen for the first time (a new deployment, a new
  release) is first enqueued at its next slot, not at once. Changing a job's schedule in code
  recomputes its next run the same way.
- **Every-N jobs are aligned** on multiples of N since 2000-01-01 00:00 UTC (every 15 minutes: at
  :00, :15, :30, :45), so that every scheduler computes the same slots; **daily jobs** run at a
  wall-clock time in a time zone (``settings.TIME_ZONE`` unless given), daylight saving included.
- **Enqueued after the claim commits**, like every job (decision 0016): a process killed in the
  instant between the two loses that one run; the next slot runs as usual.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks.base import Task

logger = logging.getLogger("ronda.schedule")

# Every-N slots are counted from here (any fixed instant would do; all schedulers must share it).
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
MIN_INTERVAL = dt.timedelta(minutes=1)
NAME_LIMIT = 100


def next_daily(at: dt.time, zone: str, *, after: dt.datetime) -> dt.datetime:
    """The first moment strictly after ``after`` when the clocks of ``zone`` show ``at`` (in UTC).

    On the night a daylight-saving change skips ``at`` (02:30 when clocks jump from 02:00 to
    03:00), the moment given is the one zoneinfo maps it to (an hour later on the wall clock).
    """
    tz = zoneinfo.ZoneInfo(zone)
    day = after.astimezone(tz).date()
    for offset in range(3):  # today, or tomorrow; a third day only around a skipped hour
        candidate = dt.datetime.combine(day + dt.timedelta(days=offset), at, tzinfo=tz).astimezone(dt.UTC)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a later day always has the time")  # pragma: no cover


def next_every(interval: dt.timedelta, *, after: dt.datetime) -> dt.datetime:
    """The first multiple of ``interval`` since :data:`EPOCH` strictly after ``after``."""
    elapsed = after - EPOCH
    return EPOCH + (elapsed // interval + 1) * interval


@dataclass(frozen=True)
class PeriodicJob:
    """A task that the scheduler enqueues every ``every``, or every day at ``daily_at`` in ``time_zone``."""

    name: str
    task: Task[[], Any]
    every: dt.timedelta | None = None
    daily_at: dt.time | None = None
    time_zone: str = ""

    @property
    def spec(self) -> str:
        """The schedule in words, stored beside the next run: a change in code reschedules the job."""
        if self.every is not None:
            return f"every {int(self.every.total_seconds())}s"
        assert self.daily_at is not None
        return f"daily {self.daily_at.isoformat(timespec='minutes')} {self.zone}"

    @property
    def zone(self) -> str:
        return self.time_zone or settings.TIME_ZONE

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        if self.every is not None:
            return next_every(self.every, after=moment)
        assert self.daily_at is not None
        return next_daily(self.daily_at, self.zone, after=moment)


class Registry:
    """The periodic jobs declared by the apps, by name."""

    def __init__(self) -> None:
        self._jobs: dict[str, PeriodicJob] = {}

    def register(
        self,
        name: str,
        task: Task[[], Any],
        *,
        every: dt.timedelta | None = None,
        daily_at: dt.time | None = None,
        time_zone: str = "",
    ) -> PeriodicJob:
        """Declare ``task`` as periodic. Declaring the same job again (a module imported twice) is
        harmless; another task or schedule under a name already taken is a configuration error."""
        if not name or len(name) > NAME_LIMIT:
            raise ImproperlyConfigured(f"a periodic job needs a name of 1 to {NAME_LIMIT} characters")
        if not isinstance(task, Task):
            raise ImproperlyConfigured(f"periodic job {name}: the job must be a task (@task), not {task!r}")
        if (every is None) == (daily_at is None):
            raise ImproperlyConfigured(f"periodic job {name}: give either every= or daily_at=")
        if every is not None and every < MIN_INTERVAL:
            raise ImproperlyConfigured(f"periodic job {name}: every= is at least one minute")
        if daily_at is not None and daily_at.tzinfo is not None:
            raise ImproperlyConfigured(f"periodic job {name}: daily_at= is a wall-clock time; name the zone apart")
        if time_zone and time_zone not in zoneinfo.available_timezones():
            raise ImproperlyConfigured(f"periodic job {name}: unknown time zone {time_zone}")
        job = PeriodicJob(name=name, task=task, every=every, daily_at=daily_at, time_zone=time_zone)
        known = self._jobs.get(name)
        if known is not None and (known.task.module_path != task.module_path or known.spec != job.spec):
            raise ImproperlyConfigured(f"periodic job {name} is declared twice, differently")
        self._jobs[name] = job
        return job

    def jobs(self) -> list[PeriodicJob]:
        return sorted(self._jobs.values(), key=lambda job: job.name)


registry = Registry()


def register(
    name: str,
    task: Task[[], Any],
    *,
    every: dt.timedelta | None = None,
    daily_at: dt.time | None = None,
    time_zone: str = "",
) -> PeriodicJob:
    """Declare a periodic job in the registry ``run_schedule`` reads (see :meth:`Registry.register`)."""
    return registry.register(name, task, every=every, daily_at=daily_at, time_zone=time_zone)


def autodiscover() -> None:
    """Import every installed app's ``schedules`` module, where apps declare their periodic jobs."""
    autodiscover_modules("schedules")


# --- The scheduler --------------------------------------------------------------------------------


def _enqueue(job: PeriodicJob) -> None:
    from ronda.core.models import ScheduledJob

    try:
        result = job.task.enqueue()
    except Exception:
        # One job's broken backend or task must not stop the others; its next run is already set.
        logger.exception("periodic job %s could not be enqueued", job.name)
        return
    ScheduledJob.objects.filter(name=job.name).update(last_task_id=str(result.id)[:64])
    logger.info("periodic job %s enqueued (task %s)", job.name, result.id)


def run_due(*, now: dt.datetime | None = None, jobs: Iterable[PeriodicJob] | None = None) -> list[str]:
    """Enqueue every job (of the registry, or ``jobs``) whose run is due at ``now``; their names.

    Safe to call from any number of processes at once: each run is claimed by one of them only.
    """
    from ronda.core.models import ScheduledJob

    now = now or timezone.now()
    wanted = list(registry.jobs() if jobs is None else jobs)
    states = {state.name: state for state in ScheduledJob.objects.filter(name__in=[job.name for job in wanted])}
    claimed: list[str] = []
    for job in wanted:
        state = states.get(job.name)
        if state is None:
            # First seen: its first run is its next slot. get_or_create copes with a rival's insert.
            ScheduledJob.objects.get_or_create(
                name=job.name, defaults={"spec": job.spec, "next_run_at": job.next_after(now)}
            )
            continue
        if state.spec != job.spec:
            ScheduledJob.objects.filter(pk=state.pk, spec=state.spec).update(
                spec=job.spec, next_run_at=job.next_after(now)
            )
            continue
        if state.next_run_at > now:
            continue
        with transaction.atomic():
            # The claim: only the process whose UPDATE still finds the value it read wins the run.
            won = ScheduledJob.objects.filter(pk=state.pk, spec=state.spec, next_run_at=state.next_run_at).update(
                next_run_at=job.next_after(now), last_run_at=now
            )
            if won:
                transaction.on_commit(functools.partial(_enqueue, job))
        if won:
            claimed.append(job.name)
    return claimed

"""Periodic jobs (ronda.core.schedule, ``manage.py run_schedule``): a due run is enqueued once,
however many schedulers look, and nothing is enqueued before its time."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from ronda.core import schedule
from ronda.core.management.commands import serve
from ronda.core.models import ScheduledJob
from ronda.core.tests.test_jobs import DATABASE_BACKEND, ROOT

UTC = dt.UTC


@task()
def tick() -> None:
    """A periodic job of the tests (module level: the worker finds a task by its import path)."""


@task()
def tock() -> None:
    """Another one."""


def enqueued(job: Any = tick) -> int:
    return DBTaskResult.objects.filter(task_path=job.module_path).count()


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[schedule.Registry]:
    """A registry of the test's own jobs, and the database backend: an enqueued job is a row to count."""
    schedule.autodiscover()  # the apps' jobs go to the real registry, whichever test imports them first
    fresh = schedule.Registry()
    monkeypatch.setattr(schedule, "registry", fresh)
    settings.TASKS = DATABASE_BACKEND
    yield fresh


# --- When a run is due ----------------------------------------------------------------------------


def test_every_n_slots_are_aligned_so_every_scheduler_computes_the_same() -> None:
    quarter = dt.timedelta(minutes=15)
    assert schedule.next_every(quarter, after=dt.datetime(2026, 3, 10, 15, 7, 12, tzinfo=UTC)) == dt.datetime(
        2026, 3, 10, 15, 15, tzinfo=UTC
    )
    # Strictly after: at a slot, the next one.
    assert schedule.next_every(quarter, after=dt.datetime(2026, 3, 10, 15, 15, tzinfo=UTC)) == dt.datetime(
        2026, 3, 10, 15, 30, tzinfo=UTC
    )
    day = dt.timedelta(days=1)
    assert schedule.next_every(day, after=dt.datetime(2026, 3, 10, 23, 59, tzinfo=UTC)) == dt.datetime(
        2026, 3, 11, tzinfo=UTC
    )


def test_a_daily_job_runs_at_the_wall_clock_time_of_its_zone() -> None:
    two = dt.time(2, 0)
    # Guayaquil is UTC-5 all year: 02:00 there is 07:00 UTC.
    after = dt.datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    assert schedule.next_daily(two, "America/Guayaquil", after=after) == dt.datetime(2026, 3, 11, 7, tzinfo=UTC)
    assert schedule.next_daily(two, "America/Guayaquil", after=dt.datetime(2026, 3, 11, 6, 59, tzinfo=UTC)) == (
        dt.datetime(2026, 3, 11, 7, tzinfo=UTC)
    )
    # Madrid leaves summer time on 25 October 2026: 02:00 is 00:00 UTC that night, 01:00 UTC after.
    first = schedule.next_daily(two, "Europe/Madrid", after=dt.datetime(2026, 10, 24, 12, tzinfo=UTC))
    second = schedule.next_daily(two, "Europe/Madrid", after=first)
    assert (first, second) == (dt.datetime(2026, 10, 25, 0, tzinfo=UTC), dt.datetime(2026, 10, 26, 1, tzinfo=UTC))
    # The night 02:30 does not exist (29 March 2026, 02:00 → 03:00), it still runs once, that night.
    skipped = schedule.next_daily(dt.time(2, 30), "Europe/Madrid", after=dt.datetime(2026, 3, 28, 12, tzinfo=UTC))
    assert dt.datetime(2026, 3, 29, 0, tzinfo=UTC) < skipped < dt.datetime(2026, 3, 29, 2, tzinfo=UTC)


def test_a_job_is_declared_with_one_schedule_and_one_task() -> None:
    registry = schedule.Registry()
    every = dt.timedelta(minutes=5)
    job = registry.register("test.tick", tick, every=every)
    assert registry.register("test.tick", tick, every=every) == job  # a module imported twice: harmless
    assert job.spec == "every 300s"
    with pytest.raises(ImproperlyConfigured):
        registry.register("test.tick", tock, every=every)  # another task under a name taken
    with pytest.raises(ImproperlyConfigured):
        registry.register("test.tick", tick, every=dt.timedelta(minutes=10))  # another schedule
    for wrong in (
        {},
        {"every": every, "daily_at": dt.time(2)},
        {"every": dt.timedelta(seconds=10)},
        {"daily_at": dt.time(2), "time_zone": "Mars/Olympus"},
        {"daily_at": dt.time(2, tzinfo=UTC)},
    ):
        with pytest.raises(ImproperlyConfigured):
            registry.register("test.other", tick, **wrong)
    with pytest.raises(ImproperlyConfigured):
        registry.register("test.not_a_task", print, every=every)  # type: ignore[arg-type]
    daily = registry.register("test.daily", tock, daily_at=dt.time(2), time_zone="America/Guayaquil")
    assert daily.spec == "daily 02:00 America/Guayaquil"
    assert [j.name for j in registry.jobs()] == ["test.daily", "test.tick"]


# --- Enqueued once --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_job_waits_for_its_slot_then_is_enqueued_once(
    registry: schedule.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    registry.register("test.tick", tick, every=dt.timedelta(minutes=15))
    start = dt.datetime(2026, 3, 10, 15, 7, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.run_due(now=start) == []  # first seen: its first run is 15:15
        assert schedule.run_due(now=start + dt.timedelta(minutes=7)) == []  # 15:14: not due
    state = ScheduledJob.objects.get(name="test.tick")
    assert state.next_run_at == dt.datetime(2026, 3, 10, 15, 15, tzinfo=UTC) and state.last_run_at is None
    assert enqueued() == 0

    at = dt.datetime(2026, 3, 10, 15, 15, 20, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.run_due(now=at) == ["test.tick"]
        assert schedule.run_due(now=at) == []  # a second scheduler, or the same one again
        assert schedule.run_due(now=at + dt.timedelta(minutes=5)) == []
    assert enqueued() == 1
    state.refresh_from_db()
    assert state.next_run_at == dt.datetime(2026, 3, 10, 15, 30, tzinfo=UTC) and state.last_run_at == at
    assert state.last_task_id == str(DBTaskResult.objects.get().id)


@pytest.mark.django_db
def test_a_missed_run_is_made_once_not_replayed(
    registry: schedule.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    registry.register("test.tick", tick, every=dt.timedelta(hours=1))
    start = dt.datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    schedule.run_due(now=start)
    three_days_later = start + dt.timedelta(days=3, minutes=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.run_due(now=three_days_later) == ["test.tick"]
        assert schedule.run_due(now=three_days_later) == []
    assert enqueued() == 1
    assert ScheduledJob.objects.get().next_run_at == dt.datetime(2026, 3, 13, 16, 0, tzinfo=UTC)


@dataclass(frozen=True)
class RacedJob(schedule.PeriodicJob):
    """A job whose claim is raced: between our scheduler's read of the due row and its UPDATE,
    a second scheduler reads the same row (still due) and claims the run."""

    rival: list[bool] | None = None

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        if self.rival is not None and not self.rival:
            self.rival.append(True)
            plain = schedule.PeriodicJob(name=self.name, task=self.task, every=self.every)
            assert schedule.run_due(now=moment, jobs=[plain]) == [self.name]  # the rival wins
        return super().next_after(moment)


@pytest.mark.django_db
def test_two_schedulers_that_read_the_same_due_run_enqueue_it_once(
    registry: schedule.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    every = dt.timedelta(minutes=15)
    start = dt.datetime(2026, 3, 10, 15, 7, tzinfo=UTC)
    schedule.run_due(now=start, jobs=[schedule.PeriodicJob(name="test.tick", task=tick, every=every)])
    raced = RacedJob(name="test.tick", task=tick, every=every, rival=[])
    with django_capture_on_commit_callbacks(execute=True):
        # Ours read the row as due, then lost it: its UPDATE no longer finds what it read.
        assert schedule.run_due(now=start + dt.timedelta(minutes=10), jobs=[raced]) == []
    assert raced.rival == [True]  # the race did happen
    assert enqueued() == 1


@pytest.mark.django_db
def test_a_changed_schedule_is_recomputed_not_run(
    registry: schedule.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    start = dt.datetime(2026, 3, 10, 15, 7, tzinfo=UTC)
    schedule.run_due(now=start, jobs=[schedule.PeriodicJob(name="test.tick", task=tick, every=dt.timedelta(days=1))])
    # The next release runs it hourly: the stored run (tomorrow) is recomputed for the new schedule.
    hourly = schedule.PeriodicJob(name="test.tick", task=tick, every=dt.timedelta(hours=1))
    later = start + dt.timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.run_due(now=later, jobs=[hourly]) == []
        assert schedule.run_due(now=dt.datetime(2026, 3, 10, 16, 0, 5, tzinfo=UTC), jobs=[hourly]) == ["test.tick"]
    state = ScheduledJob.objects.get()
    assert state.spec == "every 3600s" and state.next_run_at == dt.datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
    assert enqueued() == 1


@pytest.mark.django_db
def test_a_job_that_cannot_be_enqueued_does_not_stop_the_others(
    registry: schedule.Registry, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry.register("test.a_broken", tock, every=dt.timedelta(minutes=15))
    registry.register("test.tick", tick, every=dt.timedelta(minutes=15))
    schedule.run_due(now=dt.datetime(2026, 3, 10, 15, 7, tzinfo=UTC))
    real = DatabaseBackend.enqueue

    def enqueue(self: DatabaseBackend, task: Any, args: Any, kwargs: Any) -> Any:
        if task.module_path == tock.module_path:
            raise RuntimeError("backend down")
        return real(self, task, args, kwargs)

    monkeypatch.setattr(DatabaseBackend, "enqueue", enqueue)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.run_due(now=dt.datetime(2026, 3, 10, 15, 15, tzinfo=UTC)) == ["test.a_broken", "test.tick"]
    assert enqueued(tick) == 1 and enqueued(tock) == 0


# --- The command, and make run --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_run_schedule_once_enqueues_the_due_jobs_through_the_backend(registry: schedule.Registry) -> None:
    registry.register("test.tick", tick, every=dt.timedelta(minutes=1))
    out = io.StringIO()
    call_command("run_schedule", "--once", stdout=out)  # first seen
    assert enqueued() == 0 and out.getvalue() == ""
    ScheduledJob.objects.filter(name="test.tick").update(next_run_at=dt.datetime(2026, 1, 1, tzinfo=UTC))
    call_command("run_schedule", "--once", stdout=out)
    call_command("run_schedule", "--once", stdout=out)  # cron ran it twice within the minute
    assert enqueued() == 1
    assert out.getvalue() == "Enqueued test.tick\n"
    row = DBTaskResult.objects.get()
    assert row.status == "READY" and row.args_kwargs == {"args": [], "kwargs": {}}


@pytest.mark.django_db
def test_run_schedule_finds_the_apps_jobs() -> None:
    out = io.StringIO()
    call_command("run_schedule", "--once", "--verbosity", "2", stdout=out)
    # The Tablero's automatic DHIS2 push is declared in its schedules module.
    assert "tablero.dhis2_push: every 900s" in out.getvalue()
    assert ScheduledJob.objects.filter(name="tablero.dhis2_push").exists()


def test_serve_starts_the_scheduler_beside_the_worker(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    seen: list[list[list[str]]] = []

    def run_together(commands: list[list[str]]) -> int:
        seen.append([list(c) for c in commands])
        return 0

    monkeypatch.setattr(serve, "run_together", run_together)
    settings.TASKS = DATABASE_BACKEND
    call_command("serve")
    assert [command[1:3] for command in seen[0]] == [
        [str(ROOT / "manage.py"), "runserver"],
        [str(ROOT / "manage.py"), "db_worker"],
        [str(ROOT / "manage.py"), "run_schedule"],
    ]

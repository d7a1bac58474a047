"""core.jobs: a job is enqueued on commit, carries ids, runs as its person again or not at all.

Also what lets many workers share one deployment: the shared cache, and `manage.py serve`.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction
from django.http import Http404
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from ronda.accounts.models import BreakGlassGrant, Membership
from ronda.core import jobs
from ronda.core.management.commands import serve
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.testing import World

ROOT = Path(__file__).resolve().parents[3]
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
IMMEDIATE_BACKEND = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# What the probe jobs saw, and which refusals their hook was told about (module level: a worker
# finds a job by its import path, so jobs live at module level, and so does what they report).
ran_jobs: list[dict[str, Any]] = []
refused_jobs: list[int] = []


def _refused(marker: int) -> None:
    refused_jobs.append(marker)


@jobs.person_job(on_refused=_refused)
def probe_job(actor: Actor, marker: int) -> str:
    ran_jobs.append(
        {
            "marker": marker,
            "user": actor.user.pk,
            "membership": actor.membership.pk if actor.membership else None,
            "role": actor.role,
            "second_factor": actor.second_factor,
            "break_glass_paths": actor.break_glass_paths,
        }
    )
    return "done"


@jobs.person_job(on_refused=_refused)
def policy_job(actor: Actor, marker: int) -> None:
    # What a job's own policy check does when the actor may not see its object.
    raise Http404


@pytest.fixture(autouse=True)
def _clean(settings: Any) -> None:
    ran_jobs.clear()
    refused_jobs.clear()
    settings.TASKS = IMMEDIATE_BACKEND  # as in RONDA_ENV=test; the database backend where a test says so


def person(user: Any) -> Actor:
    membership = Membership.objects.filter(user=user, is_active=True).select_related("org_unit").first()
    return actor_for(user, membership, second_factor=True)


def run_one_task() -> None:
    """What ``manage.py db_worker`` does for one task: claim the next ready row, run it, record the outcome."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


# --- Through the database backend: what a deployment does ---------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_job_is_enqueued_on_commit_and_a_worker_runs_it_as_its_person(world: World, settings: Any) -> None:
    settings.TASKS = DATABASE_BACKEND
    coordinator = person(world.home["coordinator"])
    with transaction.atomic():
        jobs.enqueue_on_commit(probe_job, coordinator, 7)
        assert DBTaskResult.objects.count() == 0  # nothing a worker could pick up before the commit
    row = DBTaskResult.objects.get()
    assert row.status == TaskResultStatus.READY
    # Ids and a flag, as JSON: never a pickled actor, a role or a scope.
    assert row.args_kwargs == {
        "args": [{"user": coordinator.user.pk, "membership": coordinator.membership.pk, "second_factor": True}, 7],  # type: ignore[union-attr]
        "kwargs": {},
    }
    assert ran_jobs == []
    run_one_task()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert ran_jobs == [
        {
            "marker": 7,
            "user": coordinator.user.pk,
            "membership": coordinator.membership.pk,  # type: ignore[union-attr]
            "role": "coordinator",
            "second_factor": True,
            "break_glass_paths": (),
        }
    ]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_request_enqueues_nothing(world: World, settings: Any) -> None:
    settings.TASKS = DATABASE_BACKEND
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue_on_commit(probe_job, person(world.home["coordinator"]), 1)
        raise RuntimeError
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_membership_ended_before_the_worker_ran_fails_the_job_closed(
    world: World, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.TASKS = DATABASE_BACKEND
    coordinator = person(world.home["coordinator"])
    with transaction.atomic():
        jobs.enqueue_on_commit(probe_job, coordinator, 3)
    Membership.objects.filter(pk=coordinator.membership.pk).update(is_active=False)  # type: ignore[union-attr]
    with caplog.at_level(logging.WARNING, logger="ronda.jobs"):
        run_one_task()
    row = DBTaskResult.objects.get()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "ronda.core.jobs.JobRefused"
    assert ran_jobs == []  # the job's code never ran, as the system or as anybody
    assert refused_jobs == [3]
    assert f"user {coordinator.user.pk}, membership {coordinator.membership.pk}" in caplog.text  # type: ignore[union-attr]
    assert world.home["coordinator"].username not in caplog.text  # ids only in the log


# --- The rules, with the immediate backend of the tests ------------------------------------------
def _run_now(actor: Actor, marker: int, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(probe_job, actor, marker)


@pytest.mark.django_db
def test_a_deactivated_or_deleted_user_gets_nothing(world: World, django_capture_on_commit_callbacks: Any) -> None:
    user = world.home["analyst"]
    actor = person(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    _run_now(actor, 1, django_capture_on_commit_callbacks)
    other = world.home["secretariat"]
    other_actor = person(other)
    other.delete()
    _run_now(other_actor, 2, django_capture_on_commit_callbacks)
    assert ran_jobs == []
    assert refused_jobs == [1, 2]


@pytest.mark.django_db
def test_a_membership_moved_to_another_user_is_refused(world: World, django_capture_on_commit_callbacks: Any) -> None:
    actor = person(world.home["coordinator"])
    Membership.objects.filter(pk=actor.membership.pk).update(user=world.home["analyst"])  # type: ignore[union-attr]
    _run_now(actor, 4, django_capture_on_commit_callbacks)
    assert ran_jobs == [] and refused_jobs == [4]


@pytest.mark.django_db
def test_the_exact_membership_or_nothing(world: World, django_capture_on_commit_callbacks: Any) -> None:
    """A page falls back to another active membership; a job never does."""
    user = world.home["coordinator"]
    first = Membership.objects.get(user=user)
    Membership.objects.create(user=user, role="analyst", org_unit=world.municipality)
    actor = actor_for(user, first, second_factor=True)
    first.is_active = False
    first.save(update_fields=["is_active"])
    _run_now(actor, 5, django_capture_on_commit_callbacks)
    assert ran_jobs == [] and refused_jobs == [5]


@pytest.mark.django_db
def test_the_worker_reads_break_glass_again(world: World, django_capture_on_commit_callbacks: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    admin = world.home["admin"]
    actor = person(admin)
    now = timezone.now()
    BreakGlassGrant.objects.create(
        user=admin,
        org_unit=world.municipality,
        reason="Caso urgente",
        started_at=now - dt.timedelta(minutes=5),
        expires_at=now + dt.timedelta(minutes=30),
    )
    _run_now(actor, 6, django_capture_on_commit_callbacks)
    assert ran_jobs[0]["break_glass_paths"] == (world.municipality.path,)
    BreakGlassGrant.objects.update(ended_at=now)
    _run_now(actor, 7, django_capture_on_commit_callbacks)
    assert ran_jobs[1]["break_glass_paths"] == ()


@pytest.mark.django_db
def test_the_jobs_own_policy_refusal_fails_closed(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(policy_job, person(world.home["analyst"]), 8)
    assert refused_jobs == [8]


@pytest.mark.django_db
def test_only_a_person_with_a_membership_can_start_a_job(world: World) -> None:
    with pytest.raises(TypeError):
        jobs.enqueue_on_commit(probe_job, SYSTEM, 1)
    with pytest.raises(TypeError):
        jobs.enqueue_on_commit(probe_job, None, 1)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        jobs.enqueue_on_commit(probe_job, actor_for(world.home["analyst"], None), 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload", [None, "1", {}, {"user": True, "membership": True}, {"user": "1", "membership": 1}, [1, 2]]
)
def test_a_payload_that_names_nobody_is_refused(world: World, payload: Any) -> None:
    with pytest.raises(jobs.JobRefused):
        probe_job.call(payload, 9)
    assert ran_jobs == [] and refused_jobs == [9]


@pytest.mark.django_db
def test_a_loader_that_answers_for_someone_else_is_refused(world: World, settings: Any) -> None:
    settings.RONDA_JOB_ACTOR_LOADER = "ronda.core.tests.test_jobs.wrong_loader"
    actor = person(world.home["coordinator"])
    with pytest.raises(jobs.JobRefused):
        probe_job.call(jobs.ActorRef.of(actor).as_payload(), 10)
    assert ran_jobs == []


def wrong_loader(**kwargs: Any) -> Actor:
    from ronda.accounts.models import User

    user = User.objects.get(username="analyst.home")
    return actor_for(user, Membership.objects.get(user=user))


# --- One cache for every process ----------------------------------------------------------------
@pytest.mark.django_db
def test_the_default_cache_is_the_database_table_the_test_runner_created() -> None:
    from django.conf import settings

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    cache.set("ronda-probe", {"n": 1}, 30)
    assert cache.get("ronda-probe") == {"n": 1}
    call_command("createcachetable", verbosity=0)  # idempotent: make run and every deploy run it


def _settings_in_subprocess(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"RONDA_ENV", "DATABASE_URL", "RONDA_CACHE_URL"}}
    base.update(DJANGO_SETTINGS_MODULE="ronda.settings", RONDA_ENV="test", **env)
    return subprocess.run(  # noqa: S603 - this interpreter, with code written here
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_redis_is_chosen_by_url_and_anything_else_is_refused() -> None:
    show = "from django.conf import settings; c = settings.CACHES['default']; print(c['BACKEND'], c['LOCATION'])"
    redis = _settings_in_subprocess({"RONDA_CACHE_URL": "redis://cache.internal:6379/1"}, show)
    assert redis.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "redis://cache.internal:6379/1"]
    wrong = _settings_in_subprocess({"RONDA_CACHE_URL": "memcached://x"}, show)
    assert wrong.returncode != 0 and "RONDA_CACHE_URL" in wrong.stderr


# --- make run: one command, a web server and a worker --------------------------------------------
def test_serve_stops_the_other_process_when_one_ends() -> None:
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    started = time.monotonic()
    status = serve.run_together([sleeper, [sys.executable, "-c", "raise SystemExit(3)"]])
    assert status == 3
    assert time.monotonic() - started < 30  # the sleeper was stopped, not waited for


def test_serve_starts_runserver_and_a_worker(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    seen: list[list[list[str]]] = []
    monkeypatch.setattr(serve, "run_together", lambda commands: seen.append([list(c) for c in commands]) or 0)
    settings.TASKS = DATABASE_BACKEND
    call_command("serve", "127.0.0.1:8123")
    web, worker, *_ = seen[0]  # and the scheduler: test_schedule.py
    assert web[1:] == [str(ROOT / "manage.py"), "runserver", "127.0.0.1:8123"]
    assert worker[1:4] == [str(ROOT / "manage.py"), "db_worker", "--queue-name"]
    settings.TASKS = IMMEDIATE_BACKEND
    call_command("serve")
    assert [c[2] for c in seen[1]] == ["runserver"]  # jobs run in the request: no worker to start

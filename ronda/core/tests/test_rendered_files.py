"""core.rendered_files: the steps every file rendered by a job takes, on a real domain's model.

The kernel's ``RenderedFile`` is exercised here on accountability's ``GeneratedReport`` with a spec
of its own (a probe job, a probe log name), so that what is tested is the kernel, not the domain's
layout; the domains' own tests (accountability, evaluation) run the same steps end to end.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation

from ronda.accountability.models import GeneratedReport, SituationReport
from ronda.accountability.tests.test_accountability import YEAR, make_plan
from ronda.accounts.selectors import active_memberships
from ronda.core import audit, jobs
from ronda.core.models import AuditEvent
from ronda.core.rendered_files import IN_PROGRESS, STALE_AFTER, RenderedFile, RenderStatus
from ronda.core.tenancy import Actor, actor_for
from ronda.evaluation.models import EvaluationReport
from ronda.planning.models import LocalPlan
from ronda.testing import World

pytestmark = pytest.mark.django_db

PROBE_LOG = "ronda.tests.rendered_files"
PROBES = RenderedFile(
    model=GeneratedReport,
    org_unit=lambda report: report.org_unit,
    related=("org_unit",),
    audited=("plan_id", "kind", "year", "language"),
    stored_name="probe.pdf",
    logger=logging.getLogger(PROBE_LOG),
    what="probe file",
)

# What the probe job was asked to do (module level: a job is found by its import path).
probe_runs: list[int] = []


@jobs.person_job(on_refused=PROBES.mark_failed)
def probe_job(actor: Actor, row_id: int) -> None:
    probe_runs.append(row_id)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    probe_runs.clear()
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def plan(world: World) -> LocalPlan:
    return make_plan(world)


def coordinator(world: World) -> Actor:
    user = world.home["coordinator"]
    return actor_for(user, active_memberships(user)[0], second_factor=True)


def ask(actor: Actor, plan: LocalPlan, *, kind: str = "annual") -> GeneratedReport:
    return PROBES.request(
        actor=actor,
        waiting_in=GeneratedReport.objects.filter(owner=actor.user),
        same={"plan_id": plan.pk, "kind": kind, "year": YEAR},
        job=probe_job,
        owner=actor.user,
        org_unit_id=plan.org_unit_id,
    )


def trail(row: GeneratedReport) -> list[tuple[str, Any, Any, Any]]:
    events = AuditEvent.objects.filter(target_type="accountability.generatedreport", target_id=str(row.pk))
    return [(e.action, e.actor_id, e.org_unit_id, (e.changes or {}).get("status")) for e in events.order_by("id")]


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_domains_rows_use_the_kernels_statuses() -> None:
    """The kernel writes RenderStatus's values into each domain's own ``status`` choices."""
    for model in (GeneratedReport, EvaluationReport, SituationReport):
        status = model._meta.get_field("status")
        assert [value for value, _label in status.choices] == RenderStatus.values, model
        assert status.default == RenderStatus.PENDING, model
        for name in ("language", "file", "download_name", "created_at", "finished_at"):
            model._meta.get_field(name)  # raises FieldDoesNotExist for a row the steps cannot write


# --- In the request -------------------------------------------------------------------------------
def test_asking_records_a_pending_row_audits_it_and_enqueues_the_job_on_commit(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any
) -> None:
    actor = coordinator(world)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = ask(actor, plan)
    assert (row.status, row.language, row.owner_id, row.file.name) == ("pending", "en", actor.user.pk, "")
    assert len(callbacks) == 1 and probe_runs == []  # nothing runs before the commit
    event = AuditEvent.objects.get(target_type="accountability.generatedreport")
    assert (event.action, event.actor_id, event.org_unit_id) == ("create", actor.user.pk, plan.org_unit_id)
    assert event.changes == {
        "plan_id": [None, plan.pk],
        "kind": [None, "annual"],
        "year": [None, YEAR],
        "language": [None, "en"],
    }
    for callback in callbacks:
        callback()
    assert probe_runs == [row.pk]  # the job ran as the person, with the row's id


def test_the_same_request_in_progress_is_returned_not_queued_twice(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any
) -> None:
    actor = coordinator(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = ask(actor, plan)
        assert ask(actor, plan) == first
        other = ask(actor, plan, kind="semester")  # another report: its own row and job
        with translation.override("en"):
            in_english = ask(actor, plan)  # another language: its own row too
    assert len({first.pk, other.pk, in_english.pk}) == 3
    assert len(callbacks) == 3 and GeneratedReport.objects.count() == 3


@pytest.mark.parametrize("status", ["ready", "failed"])
def test_a_finished_or_stale_request_is_asked_for_again(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, status: str
) -> None:
    actor = coordinator(world)
    with django_capture_on_commit_callbacks(execute=False):
        finished = ask(actor, plan)
        GeneratedReport.objects.filter(pk=finished.pk).update(status=status)
        assert ask(actor, plan) != finished
        stale = GeneratedReport.objects.exclude(pk=finished.pk).get()
        GeneratedReport.objects.filter(pk=stale.pk).update(
            created_at=timezone.now() - STALE_AFTER - dt.timedelta(minutes=1)
        )
        assert stale.status in IN_PROGRESS
        assert ask(actor, plan) not in (finished, stale)
    assert GeneratedReport.objects.count() == 3


def test_asking_only_looks_among_the_rows_given(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any
) -> None:
    """The domain's policy says which rows may be handed back: never someone else's."""
    actor = coordinator(world)
    analyst = world.home["analyst"]
    with django_capture_on_commit_callbacks(execute=False):
        theirs = ask(actor_for(analyst, active_memberships(analyst)[0]), plan)
        mine = ask(actor, plan)
    assert mine != theirs and mine.owner_id == actor.user.pk


# --- In the job -------------------------------------------------------------------------------------
def pending(world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any) -> GeneratedReport:
    with django_capture_on_commit_callbacks(execute=False):
        return ask(coordinator(world), plan)


def test_rendering_stores_the_file_with_its_row_in_the_language_asked_in(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, media_root: Path
) -> None:
    actor = coordinator(world)
    with translation.override("en"):
        row = pending(world, plan, django_capture_on_commit_callbacks)
    languages: list[str | None] = []

    def make() -> tuple[bytes, str]:
        languages.append(translation.get_language())
        return b"%PDF-1.7 probe", "municipio-a-probe.pdf"

    with translation.override("es"):
        ready = PROBES.render(actor=actor, row=row, make=make)
    assert ready is not None and languages == ["en"]
    row.refresh_from_db()
    assert (row.status, row.download_name) == ("ready", "municipio-a-probe.pdf")
    assert row.finished_at is not None and ready.pk == row.pk
    with row.file.open("rb") as stored:
        assert stored.read() == b"%PDF-1.7 probe"
    assert "probe" not in Path(row.file.name).name  # the stored name is random
    assert len(stored_files(media_root)) == 1
    user, unit = actor.user.pk, plan.org_unit_id
    assert trail(row) == [
        ("create", user, unit, None),
        ("update", user, unit, ["pending", "running"]),
        ("update", user, unit, ["running", "ready"]),
    ]


def test_a_second_run_of_the_same_job_does_nothing(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any
) -> None:
    actor = coordinator(world)
    row = pending(world, plan, django_capture_on_commit_callbacks)
    made: list[int] = []

    def make() -> tuple[bytes, str]:
        made.append(1)
        return b"%PDF-1.7 probe", "probe.pdf"

    assert PROBES.render(actor=actor, row=row, make=make) is not None
    assert PROBES.render(actor=actor, row=row, make=make) is None
    assert made == [1] and len(trail(row)) == 3


def test_a_rendering_error_fails_the_row_is_logged_and_raised_again(
    world: World,
    plan: LocalPlan,
    django_capture_on_commit_callbacks: Any,
    media_root: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    actor = coordinator(world)
    row = pending(world, plan, django_capture_on_commit_callbacks)

    def make() -> tuple[bytes, str]:
        raise OSError("no fonts")

    with caplog.at_level(logging.ERROR, logger=PROBE_LOG), pytest.raises(OSError, match="no fonts"):
        PROBES.render(actor=actor, row=row, make=make)
    row.refresh_from_db()
    assert row.status == "failed" and row.finished_at is not None and not row.file
    assert trail(row)[-1] == ("update", None, plan.org_unit_id, ["running", "failed"])  # as Ronda itself
    assert [r.getMessage() for r in caplog.records if r.name == PROBE_LOG] == [
        f"probe file {row.pk} could not be rendered"
    ]
    assert stored_files(media_root) == []


def test_a_failure_while_storing_leaves_no_file_and_fails_the_row(
    world: World,
    plan: LocalPlan,
    django_capture_on_commit_callbacks: Any,
    media_root: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    actor = coordinator(world)
    row = pending(world, plan, django_capture_on_commit_callbacks)
    record = audit.record

    def refusing(**kwargs: Any) -> Any:
        if (kwargs.get("changes") or {}).get("status") == ["running", "ready"]:
            raise RuntimeError("the trail is unavailable")
        return record(**kwargs)

    monkeypatch.setattr(audit, "record", refusing)
    with pytest.raises(RuntimeError):
        PROBES.render(actor=actor, row=row, make=lambda: (b"%PDF-1.7 probe", "probe.pdf"))
    row.refresh_from_db()
    # The file and the row that names it are dropped together: the row failed, no file anywhere.
    assert (row.status, row.file.name, row.download_name) == ("failed", "", "")
    assert stored_files(media_root) == []


def test_marking_failed_touches_only_a_row_in_progress(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any
) -> None:
    row = pending(world, plan, django_capture_on_commit_callbacks)
    PROBES.mark_failed(row.pk)
    row.refresh_from_db()
    assert row.status == "failed"
    assert trail(row)[-1] == ("update", None, plan.org_unit_id, ["pending", "failed"])
    events = len(trail(row))
    PROBES.mark_failed(row.pk)  # already over: nothing changes, nothing is recorded
    PROBES.mark_failed(0)  # no such row
    assert len(trail(row)) == events


def test_a_refused_job_marks_its_row_failed(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any
) -> None:
    """``mark_failed`` is the job's ``on_refused``: a person who lost the membership gets nothing."""
    actor = coordinator(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = ask(actor, plan)
    assert actor.membership is not None
    type(actor.membership).objects.filter(pk=actor.membership.pk).update(is_active=False)
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.status == "failed" and probe_runs == []

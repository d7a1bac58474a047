"""Asking for a report's PDF, and the job's steps that render and store it (decision 0016).

``request_report`` runs in the request: it checks the plan policy and the period, records a
pending ``GeneratedReport`` (audited) and enqueues the job when that commits. ``render_report``
runs in the worker as the same person, asks the policies again, lays the PDF out and stores the
file with the row that names it (``core.files.save_in_transaction``).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation

from ronda.accountability import documents, policies, selectors
from ronda.accountability.models import GeneratedReport, ReportStatus
from ronda.accountability.selectors import ReportKind
from ronda.core import audit, files, jobs
from ronda.core.http import download_name
from ronda.core.tenancy import SYSTEM, Actor
from ronda.planning import policies as planning_policies

if TYPE_CHECKING:
    from ronda.planning.contracts import PlanRef

logger = logging.getLogger(__name__)

# A report still waiting after this long is taken as lost (a worker stopped, say): asking again
# starts a new one instead of waiting for it.
STALE_AFTER = dt.timedelta(minutes=15)


def _normalised(kind: str, year: int | None, semester: int | None) -> tuple[int | None, int | None]:
    """Only what the kind of report uses: the mid-term report has no year, only a semester report a semester."""
    if kind == ReportKind.MIDTERM:
        return None, None
    return year, semester if kind == ReportKind.SEMESTER else None


@transaction.atomic
def request_report(
    *, actor: Actor, plan: PlanRef, kind: str, year: int | None, semester: int | None
) -> GeneratedReport:
    """Ask for the PDF of a report; the same request still in progress is returned instead of a second job.

    Raises ``PermissionDenied`` when the actor may not read the plan and ``selectors.PeriodError``
    for a period outside the plan, before anything is written.
    """
    if not planning_policies.visible_plans(actor).filter(pk=plan.pk).exists():
        raise PermissionDenied
    year, semester = _normalised(kind, year, semester)
    selectors.report_period(plan, kind, year, semester)
    language = translation.get_language() or "es"
    waiting = (
        policies.visible_reports(actor)
        .filter(
            plan_id=plan.pk,
            kind=kind,
            year=year,
            semester=semester,
            language=language,
            status__in=(ReportStatus.PENDING, ReportStatus.RUNNING),
            created_at__gte=timezone.now() - STALE_AFTER,
        )
        .first()
    )
    if waiting is not None:
        return waiting
    report = GeneratedReport.objects.create(
        owner=actor.user,
        org_unit_id=plan.org_unit_id,
        plan_id=plan.pk,
        kind=kind,
        year=year,
        semester=semester,
        language=language,
    )
    # What was asked for; the file does not exist yet (and its stored name is random: never in the trail).
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        target=report,
        org_unit=report.org_unit,
        changes=audit.diff({}, audit.snapshot(report, ("plan_id", "kind", "year", "semester", "language"))),
    )
    from ronda.accountability.jobs import render_report as render_job  # the job module imports this one

    jobs.enqueue_on_commit(render_job, actor, report.pk)
    return report


def _claim(actor: Actor, report: GeneratedReport) -> bool:
    """Pending → running; False when another run already took it (or it is over)."""
    with transaction.atomic():
        locked = GeneratedReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.PENDING:
            return False
        locked.status = ReportStatus.RUNNING
        locked.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action=audit.AuditAction.UPDATE,
            target=locked,
            org_unit=report.plan.org_unit,
            changes={"status": [ReportStatus.PENDING, ReportStatus.RUNNING]},
        )
    return True


@transaction.atomic
def mark_report_failed(report_id: int) -> None:
    """The job could not render the report (or was refused): the page says so and offers to ask again."""
    report = (
        GeneratedReport.objects.select_for_update()
        .select_related("org_unit")
        .filter(pk=report_id, status__in=(ReportStatus.PENDING, ReportStatus.RUNNING))
        .first()
    )
    if report is None:
        return
    before = report.status
    report.status = ReportStatus.FAILED
    report.finished_at = timezone.now()
    report.save(update_fields=["status", "finished_at"])
    audit.record(
        actor=SYSTEM,
        action=audit.AuditAction.UPDATE,
        target=report,
        org_unit=report.org_unit,
        changes={"status": [before, ReportStatus.FAILED]},
    )


def report_name(unit_name: str, data: selectors.ReportData, extension: str) -> str:
    """The download name of a report: "municipio-a-informe-anual-año-2026.pdf", each word once."""
    return download_name(unit_name, data.kind_label, data.period.label, extension=extension, default="informe")


def render_report(*, actor: Actor, report_id: int) -> GeneratedReport | None:
    """The job's work: render the PDF as ``actor`` and store it. 404 when the actor may no longer see it."""
    report = policies.get_report(actor, report_id)  # the owner, and the plan policy asked again
    if not _claim(actor, report):
        return None
    try:
        with translation.override(report.language):
            data = selectors.report_data(report.plan, report.kind, report.year, report.semester)
            pdf = documents.render_pdf(data)
            name = report_name(report.plan.org_unit.name, data, "pdf")
        with transaction.atomic():
            locked = GeneratedReport.objects.select_for_update().get(pk=report.pk)
            # The file and the row that names it are kept or dropped together.
            files.save_in_transaction(locked.file, "report.pdf", pdf)
            locked.download_name = name
            locked.status = ReportStatus.READY
            locked.finished_at = timezone.now()
            locked.save(update_fields=["file", "download_name", "status", "finished_at"])
            # The stored name is random and the file is the plan's report: neither goes in the trail.
            audit.record(
                actor=actor,
                action=audit.AuditAction.UPDATE,
                target=locked,
                org_unit=report.plan.org_unit,
                changes={"status": [ReportStatus.RUNNING, ReportStatus.READY]},
            )
    except Exception:
        logger.exception("report %s could not be rendered", report.pk)
        mark_report_failed(report.pk)
        raise
    return locked


def prune_reports(*, older_than: dt.timedelta) -> int:
    """Delete finished reports asked for more than ``older_than`` ago, files once the deletion commits."""
    count = 0
    with transaction.atomic():
        old = GeneratedReport.objects.filter(created_at__lt=timezone.now() - older_than).select_for_update()
        for report in old.select_related("org_unit").iterator():
            files.delete_on_commit(report.file)
            audit.record(actor=SYSTEM, action=audit.AuditAction.DELETE, target=report, org_unit=report.org_unit)
            report.delete()
            count += 1
    return count

"""Asking for a report's PDF, and the job's steps that render and store it (decision 0016).

``request_report`` runs in the request: it checks the plan policy and the period, records a
pending ``GeneratedReport`` (audited) and enqueues the job when that commits. ``render_report``
runs in the worker as the same person, asks the policies again, lays the PDF out and stores the
file with the row that names it. The steps every rendered file shares (the statuses, the audit
events, storing the file with its row) are the kernel's ``core.rendered_files``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ronda.accountability import documents, policies, selectors
from ronda.accountability.models import GeneratedReport
from ronda.accountability.selectors import ReportKind
from ronda.core import audit, files, rendered_files
from ronda.core.http import download_name
from ronda.core.tenancy import SYSTEM, Actor
from ronda.planning import policies as planning_policies

if TYPE_CHECKING:
    from ronda.planning.contracts import PlanRef

logger = logging.getLogger(__name__)

# A report still waiting after this long is taken as lost (a worker stopped, say): asking again
# starts a new one instead of waiting for it.
STALE_AFTER = rendered_files.STALE_AFTER

# The plan's report as a file rendered by a job: the kernel's steps, this model and its org unit.
REPORTS = rendered_files.RenderedFile(
    model=GeneratedReport,
    org_unit=lambda report: report.org_unit,
    related=("org_unit",),
    audited=("plan_id", "kind", "year", "semester", "language"),
    stored_name="report.pdf",
    logger=logger,
    stale_after=STALE_AFTER,
)


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
    from ronda.accountability.jobs import render_report as render_job  # the job module imports this one

    return REPORTS.request(
        actor=actor,
        waiting_in=policies.visible_reports(actor),
        same={"plan_id": plan.pk, "kind": kind, "year": year, "semester": semester},
        job=render_job,
        owner=actor.user,
        org_unit_id=plan.org_unit_id,
    )


def mark_report_failed(report_id: int) -> None:
    """The job could not render the report (or was refused): the page says so and offers to ask again."""
    REPORTS.mark_failed(report_id)


def report_name(unit_name: str, data: selectors.ReportData, extension: str) -> str:
    """The download name of a report: "municipio-a-informe-anual-año-2026.pdf", each word once."""
    return download_name(unit_name, data.kind_label, data.period.label, extension=extension, default="informe")


def render_report(*, actor: Actor, report_id: int) -> GeneratedReport | None:
    """The job's work: render the PDF as ``actor`` and store it. 404 when the actor may no longer see it."""
    report = policies.get_report(actor, report_id)  # the owner, and the plan policy asked again

    def make() -> tuple[bytes, str]:
        data = selectors.report_data(report.plan, report.kind, report.year, report.semester)
        return documents.render_pdf(data), report_name(report.plan.org_unit.name, data, "pdf")

    return REPORTS.render(actor=actor, row=report, make=make)


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

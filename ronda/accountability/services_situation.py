"""Asking for a municipality's situation report as PDF, and the job's steps that render and store it.

The same two steps as a plan's report (``accountability.services``, decision 0016):
``request_situation_report`` runs in the request, checks the policy and the year, records a
pending ``SituationReport`` (audited) and enqueues the job on commit; ``render_situation_report``
runs in the worker as the same person, asks the policy again, builds the report
(``accountability.situation``), lays the PDF out and stores the file with its row.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ronda.accountability import documents_situation, policies_situation, situation
from ronda.accountability.models import ReportStatus, SituationReport
from ronda.accountability.selectors import PeriodError
from ronda.accountability.services import STALE_AFTER
from ronda.core import audit, files, jobs
from ronda.core.http import download_name
from ronda.core.tenancy import SYSTEM, Actor

if TYPE_CHECKING:
    from ronda.territory.models import OrgUnit

logger = logging.getLogger(__name__)

# The Tablero keeps no figures before the first CFCI cycle it was used for.
FIRST_YEAR = 2015


def check_year(year: int) -> int:
    """The last year of a report: from FIRST_YEAR to this year (``PeriodError`` otherwise)."""
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        raise PeriodError(_("Choose a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": this_year})
    return year


@transaction.atomic
def request_situation_report(*, actor: Actor, unit: OrgUnit, year: int) -> SituationReport:
    """Ask for the PDF; the same request still in progress is returned instead of a second job.

    ``PermissionDenied`` when the actor may not read the municipality, ``PeriodError`` for a year
    out of range, before anything is written.
    """
    if not policies_situation.situation_units(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied
    check_year(year)
    language = translation.get_language() or "es"
    waiting = (
        policies_situation.visible_situation_reports(actor)
        .filter(
            org_unit_id=unit.pk,
            year=year,
            language=language,
            status__in=(ReportStatus.PENDING, ReportStatus.RUNNING),
            created_at__gte=timezone.now() - STALE_AFTER,
        )
        .first()
    )
    if waiting is not None:
        return waiting
    report = SituationReport.objects.create(owner=actor.user, org_unit=unit, year=year, language=language)
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        target=report,
        org_unit=unit,
        changes=audit.diff({}, audit.snapshot(report, ("org_unit_id", "year", "language"))),
    )
    from ronda.accountability.jobs_situation import render_situation_report as render_job

    jobs.enqueue_on_commit(render_job, actor, report.pk)
    return report


def _set_status(actor: Actor | None, report: SituationReport, before: str, after: str) -> None:
    report.status = after
    fields = ["status"]
    if after in (ReportStatus.READY, ReportStatus.FAILED):
        report.finished_at = timezone.now()
        fields.append("finished_at")
    report.save(update_fields=fields)
    audit.record(
        actor=actor if actor is not None else SYSTEM,
        action=audit.AuditAction.UPDATE,
        target=report,
        org_unit=report.org_unit,
        changes={"status": [before, after]},
    )


def _claim(actor: Actor, report: SituationReport) -> bool:
    """Pending → running; False when another run already took it (or it is over)."""
    with transaction.atomic():
        locked = SituationReport.objects.select_for_update().select_related("org_unit").get(pk=report.pk)
        if locked.status != ReportStatus.PENDING:
            return False
        _set_status(actor, locked, ReportStatus.PENDING, ReportStatus.RUNNING)
    return True


@transaction.atomic
def mark_situation_report_failed(report_id: int) -> None:
    """The job could not render the report (or was refused): the page says so and offers to ask again."""
    report = (
        SituationReport.objects.select_for_update()
        .select_related("org_unit")
        .filter(pk=report_id, status__in=(ReportStatus.PENDING, ReportStatus.RUNNING))
        .first()
    )
    if report is not None:
        _set_status(None, report, report.status, ReportStatus.FAILED)


def report_name(unit: OrgUnit, year: int) -> str:
    """ "loja-estado-de-la-niñez-2024-2026.pdf" """
    first = situation.report_years(year)[0].iso
    return download_name(unit.name, _("Situation of children"), f"{first}-{year}", extension="pdf", default="informe")


def render_situation_report(*, actor: Actor, report_id: int) -> SituationReport | None:
    """The job's work: build and render the PDF as ``actor`` and store it. 404 when they may no longer see it."""
    report = policies_situation.get_situation_report(actor, report_id)
    if not _claim(actor, report):
        return None
    try:
        with translation.override(report.language):
            data = situation.situation_report(actor, report.org_unit, today=timezone.localdate(), year=report.year)
            pdf = documents_situation.render_pdf(data)
            name = report_name(report.org_unit, report.year)
        with transaction.atomic():
            locked = SituationReport.objects.select_for_update().select_related("org_unit").get(pk=report.pk)
            # The file and the row that names it are kept or dropped together; the stored name is
            # random and stays out of the trail.
            files.save_in_transaction(locked.file, "situation.pdf", pdf)
            locked.download_name = name
            locked.save(update_fields=["file", "download_name"])
            _set_status(actor, locked, ReportStatus.RUNNING, ReportStatus.READY)
    except Exception:
        logger.exception("situation report %s could not be rendered", report.pk)
        mark_situation_report_failed(report.pk)
        raise
    return locked

"""What accountability publishes to the apps above it (certification, issue #14): facts about the
reports a municipality produced, as counts. A report's file and who asked for it stay private."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ronda.accountability.models import GeneratedReport, ReportStatus, SituationReport
from ronda.territory.selectors import UnitKey


def _window(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def reports_produced(unit: UnitKey, start: dt.date, end: dt.date) -> int:
    """Plan reports (semester, annual, mid-term, final) of municipality ``unit`` finished from ``start``
    to ``end`` (both included)."""
    since, until = _window(start, end)
    return GeneratedReport.objects.filter(
        org_unit__path=unit.path, status=ReportStatus.READY, finished_at__gte=since, finished_at__lt=until
    ).count()


def situation_reports_produced(unit: UnitKey, start: dt.date, end: dt.date) -> int:
    """Situation reports of the children of municipality ``unit`` finished from ``start`` to ``end``."""
    since, until = _window(start, end)
    return SituationReport.objects.filter(
        org_unit__path=unit.path, status=ReportStatus.READY, finished_at__gte=since, finished_at__lt=until
    ).count()

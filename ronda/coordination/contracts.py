"""What the coordination body publishes to other domains: facts, as values, defined once.

Accountability reports (and the social management dashboard and certification to come) read
agreements through these, never through the models: "due", "fulfilled on time" and "overdue"
mean the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from ronda.coordination.models import (
    FULFILLED_LATE,
    FULFILLED_ON_TIME,
    IS_OPEN,
    Agreement,
    AgreementStatus,
    is_overdue_on,
)
from ronda.territory.models import OrgUnit


@dataclass(frozen=True)
class AgreementFigures:
    """The agreements of a municipality's body that fell due in a period, and how they ended."""

    due: int
    fulfilled_on_time: int
    fulfilled_late: int
    open_overdue: int
    open_not_due: int
    cancelled: int

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.fulfilled_on_time / self.due) if self.due else None


def agreement_figures(
    org_unit: OrgUnit, start: dt.date, end: dt.date, today: dt.date | None = None
) -> AgreementFigures:
    today = today or timezone.localdate()
    row = Agreement.objects.filter(body__org_unit=org_unit, due_date__gte=start, due_date__lte=end).aggregate(
        due=Count("id"),
        on_time=Count("id", filter=FULFILLED_ON_TIME),
        late=Count("id", filter=FULFILLED_LATE),
        overdue=Count("id", filter=is_overdue_on(today)),
        not_due=Count("id", filter=IS_OPEN & Q(due_date__gte=today)),
        cancelled=Count("id", filter=Q(status=AgreementStatus.CANCELLED)),
    )
    return AgreementFigures(
        due=row["due"],
        fulfilled_on_time=row["on_time"],
        fulfilled_late=row["late"],
        open_overdue=row["overdue"],
        open_not_due=row["not_due"],
        cancelled=row["cancelled"],
    )

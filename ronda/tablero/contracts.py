"""What the Tablero publishes to the apps above it (certification, issue #14): how much of the
catalogue a municipality reports, as counts of data elements, never values of people."""

from __future__ import annotations

import datetime as dt

from ronda.tablero.models import DataValue
from ronda.territory.selectors import UnitKey


def reported_elements(unit: UnitKey, start: dt.date, end: dt.date) -> int:
    """Data elements with at least one value (not deleted, not empty) stored for municipality ``unit``
    or a unit below it, for a period that lies within ``start`` .. ``end``."""
    return (
        DataValue.objects.filter(
            org_unit__path__startswith=unit.path,
            period__start_date__gte=start,
            period__end_date__lte=end,
            deleted=False,
            value__isnull=False,
        )
        .values("data_element_id")
        .distinct()
        .count()
    )

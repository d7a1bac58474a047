"""Export of data values to CSV and XLSX (issue #10 item 4), in the import's own columns.

A selection (a data set or data elements, an org unit and its subtree, a range of periods) is read
with ``iterator()`` in chunks and written row by row: the CSV as a generator for a
``StreamingHttpResponse`` (constant memory), the XLSX with openpyxl's write-only mode into a
temporary file that is streamed back. Every cell goes through ``ronda.core.spreadsheets`` (a text
starting with = + - @ tab or CR is neutralised; values are numeric cells).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db.models import QuerySet

from ronda.core.spreadsheets import XlsxRowStream, csv_writer
from ronda.core.tenancy import Acting
from ronda.tablero import periods as iso_periods
from ronda.tablero import policies
from ronda.tablero.imports import FIELDS
from ronda.tablero.models import DataElement, DataValue
from ronda.territory.models import OrgUnit

CHUNK_ROWS = 2000


@dataclass(frozen=True)
class Selection:
    elements: tuple[DataElement, ...]
    unit: OrgUnit
    start: iso_periods.Period
    end: iso_periods.Period


def values(actor: Acting, selection: Selection) -> QuerySet[DataValue]:
    """The stored values of the selection the actor may read, in a stable order."""
    return (
        policies.visible_values(actor)
        .filter(
            data_element__in=[e.pk for e in selection.elements],
            org_unit__path__startswith=selection.unit.path,
            period__start_date__gte=selection.start.start,
            period__end_date__lte=selection.end.end,
            deleted=False,
            value__isnull=False,
        )
        .order_by("data_element_id", "org_unit__path", "period__start_date", "period__end_date", "option_combo_id")
    )


def _number(value: Decimal | None) -> int | Decimal | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


def rows(actor: Acting, selection: Selection) -> Iterator[tuple[object, ...]]:
    """The header, then one tuple per value: codes, ISO period, the number, the comment."""
    yield FIELDS
    query = values(actor, selection).values_list(
        "data_element__code", "option_combo__code", "org_unit__code", "period__iso", "value", "comment"
    )
    for element, coc, unit, period, value, comment in query.iterator(chunk_size=CHUNK_ROWS):
        yield (element, coc, unit, period, _number(value), comment)


class _Line:
    """A write-only buffer: the CSV writer writes one line, the generator hands it on."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text


def csv_chunks(lines: Iterable[Iterable[object]]) -> Iterator[str]:
    """The CSV, line by line (UTF-8 with BOM first, so Excel reads the accents)."""
    yield "\ufeff"
    line = _Line()
    writer = csv_writer(line)
    for row in lines:
        writer.writerow(row)
        yield line.text
        line.text = ""


def xlsx_file(lines: Iterable[Iterable[object]], *, title: str) -> IO[bytes]:
    """The XLSX in a temporary file (in memory while small, on disk beyond), rewound."""
    book = XlsxRowStream(title)
    for index, row in enumerate(lines):
        book.append(row, bold=index == 0)
    out: Any = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (the response closes it)
    book.save(out)
    out.seek(0)
    return out  # type: ignore[no-any-return]

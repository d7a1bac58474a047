"""Spreadsheets and CSV files that are safe to open: a text is always text, never a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula, and drop a leading tab or carriage return first, so ``"\\t=1"`` is a formula too.
What Ronda exports is partly written by users (a focal point's progress justification, the
reason for a plan change, a unit's name), so every spreadsheet and CSV file is written through
this module (OWASP "CSV injection"):

- a text that starts with one of those characters gets a leading apostrophe;
- in XLSX every text is a string cell (``data_type == "s"``): this module never writes a formula;
- numbers, Decimals, dates and booleans stay what they are (a negative number is a number,
  not a text starting with ``-``).

Domain-free: it imports no Ronda app. ``ronda/core/tests/test_spreadsheets.py`` fails when
another module builds a workbook or a CSV writer by itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from django.utils import timezone

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# What an XLSX cell cannot hold (openpyxl raises IllegalCharacterError on it): C0 controls
# except tab, line feed and carriage return. Dropped rather than letting a report answer 500.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Sheet titles: at most 31 characters, none of these.
_TITLE_ILLEGAL = re.compile(r"[\\/*?:\[\]]")

_PLAIN = (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)  # dt.datetime is a dt.date

CellValue = str | bool | int | float | Decimal | dt.date | dt.time | dt.timedelta | None


def neutralise(text: str) -> str:
    """``text`` as it must be written to a cell: with a leading apostrophe if it could run."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def cell_value(value: object) -> CellValue:
    """What a cell holds: numbers, dates and ``None`` as they are; anything else as safe text.

    Lazy translations and model instances become their text, which is then neutralised.
    """
    if value is None or isinstance(value, _PLAIN):
        return value
    return neutralise(str(value))


def _xlsx_value(value: object) -> CellValue:
    clean = cell_value(value)
    if isinstance(clean, str):
        # Line breaks in a cell are "\n" (a bare "\r" would turn into one on reading anyway).
        return _XLSX_ILLEGAL.sub("", clean.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(clean, dt.datetime) and timezone.is_aware(clean):
        # XLSX has no time zones: write the local wall-clock time people expect to read.
        return timezone.make_naive(clean)
    return clean


class XlsxSheet:
    """One sheet: rows go in only through :meth:`append`, so no cell can escape the rules."""

    def __init__(self, worksheet: Worksheet) -> None:
        self._sheet = worksheet
        self._row = 0

    def append(self, values: Iterable[object], *, bold: bool = False) -> None:
        """Write the next row (an empty ``values`` leaves a blank row). ``bold`` for headers."""
        from openpyxl.styles import Font

        self._row += 1
        for column, raw in enumerate(values, start=1):
            value = _xlsx_value(raw)
            cell = self._sheet.cell(row=self._row, column=column)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # stored as text, whatever it looks like
            if bold:
                cell.font = Font(bold=True)


class XlsxWorkbook:
    """An XLSX file built sheet by sheet, then :meth:`to_bytes`."""

    def __init__(self) -> None:
        from openpyxl import Workbook  # imported here: only downloads need it

        self._book = Workbook()
        self._unused_first: Worksheet | None = self._book.active

    def sheet(self, title: str) -> XlsxSheet:
        title = _TITLE_ILLEGAL.sub(" ", str(title)).strip()[:31] or "-"
        if self._unused_first is not None:  # openpyxl starts with one sheet: use it first
            worksheet, self._unused_first = self._unused_first, None
            worksheet.title = title
        else:
            worksheet = self._book.create_sheet(title)
        return XlsxSheet(worksheet)

    def to_bytes(self, *, fit_columns: bool = True) -> bytes:
        if fit_columns:
            for worksheet in self._book.worksheets:
                for column in worksheet.columns:
                    width = max((len(str(cell.value)) for cell in column if cell.value is not None), default=8)
                    worksheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
        out = io.BytesIO()
        self._book.save(out)
        return out.getvalue()


class _TextStream(Protocol):
    def write(self, text: str, /) -> Any: ...


class CsvWriter:
    """``csv.writer`` whose every text is neutralised; numbers and dates are written as such."""

    def __init__(self, stream: _TextStream, **fmtparams: Any) -> None:
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, values: Iterable[object]) -> None:
        self._writer.writerow(["" if v is None else cell_value(v) for v in values])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: _TextStream, **fmtparams: Any) -> CsvWriter:
    """A safe CSV writer on ``stream`` (a file, a ``StringIO`` or a Django ``HttpResponse``)."""
    return CsvWriter(stream, **fmtparams)

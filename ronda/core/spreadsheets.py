"""Spreadsheets and CSV files that are safe to open: a text is always text, never a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula, and drop a leading tab or carriage return first, so ``"\\t=1"`` is a formula too.
What Ronda exports is partly written by users (a focal point's progress justification, the
reason for a plan change, a unit's name), so every spreadsheet and CSV file is written through
this module (OWASP "CSV injection"):

- a text that starts with one of those characters gets a leading apostrophe;
- in XLSX every text is a string cell (``data_type == "s"``): this module never writes a formula;
- numbers, Decimals, dates and booleans stay what they are (a negative number is a number,
  not a text starting with ``-``);
- a figure can say what it is — :class:`Money` (with its ISO 4217 currency), :class:`Count`,
  :class:`Number` with its decimals — and its XLSX cell then gets a real number format
  ("#,##0.00 \"USD\"", "#,##0"), so the spreadsheet shows it grouped in the reader's locale and still
  sums it. Dates get the ISO format ``yyyy-mm-dd``, one day in every spreadsheet locale.

Domain-free: it imports no Ronda app. ``ronda/core/tests/test_spreadsheets.py`` fails when
another module builds a workbook or a CSV writer by itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
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


# XLSX number formats are written in Excel's neutral syntax (``,`` groups, ``.`` decimals): each
# reader's spreadsheet shows them in its own locale ("22.000,00 USD" in Spanish). Pages format
# through ronda.core.formatting instead.
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"  # ISO: the same day in every spreadsheet locale
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _digits(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def money_format(currency: str, decimals: int = 2) -> str:
    """The number format of an amount in ``currency`` (ISO 4217): a number that sums, with its code."""
    return f'{_digits(decimals)} "{currency}"' if currency else _digits(decimals)


@dataclass(frozen=True)
class Money:
    """An amount of money in ``currency`` (ISO 4217; "" when unknown)."""

    amount: Decimal | float | int | None
    currency: str = ""
    decimals: int = 2


@dataclass(frozen=True)
class Count:
    """A whole number of things: an integer cell, grouped, no decimals."""

    n: int | None


@dataclass(frozen=True)
class Number:
    """A measured figure with a fixed number of decimals (a progress of 85.5 %, a rate)."""

    value: Decimal | float | int | None
    decimals: int = 0

    @classmethod
    def figure(cls, value: Decimal | float | int | None, max_decimals: int = 2) -> Number:
        """As many decimals as the value has (up to ``max_decimals``): 60000.00 shows "60,000"."""
        if value is None:
            return cls(None, 0)
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return cls(value, min(places, max_decimals))


def _typed(value: object) -> tuple[object, str | None]:
    """The raw value of a typed figure and its XLSX number format (None: the default)."""
    if isinstance(value, Money):
        amount = None if value.amount is None else float(value.amount)
        return amount, money_format(value.currency, value.decimals)
    if isinstance(value, Count):
        return (None if value.n is None else int(value.n)), COUNT_FORMAT
    if isinstance(value, Number):
        number = None if value.value is None else float(value.value)
        return number, _digits(value.decimals)
    if isinstance(value, dt.datetime):
        return value, DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    return value, None


def neutralise(text: str) -> str:
    """``text`` as it must be written to a cell: with a leading apostrophe if it could run."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def cell_value(value: object) -> CellValue:
    """What a cell holds: numbers, dates and ``None`` as they are; anything else as safe text.

    Lazy translations and model instances become their text, which is then neutralised; a
    :class:`Money`, :class:`Count` or :class:`Number` becomes its plain number.
    """
    value, _format = _typed(value)
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
            elif value is not None and (number_format := _typed(raw)[1]) is not None:
                cell.number_format = number_format
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


class XlsxRowStream:
    """A one-sheet XLSX written row by row (openpyxl's write-only mode: constant memory for a large
    export), under the same rules as :class:`XlsxSheet`; then :meth:`save` to a binary file."""

    def __init__(self, title: str) -> None:
        from openpyxl import Workbook

        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(_TITLE_ILLEGAL.sub(" ", str(title)).strip()[:31] or "-")

    def append(self, values: Iterable[object], *, bold: bool = False) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        cells = []
        for raw in values:
            value = _xlsx_value(raw)
            cell = WriteOnlyCell(self._sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif value is not None and (number_format := _typed(raw)[1]) is not None:
                cell.number_format = number_format
            if bold:
                cell.font = Font(bold=True)
            cells.append(cell)
        self._sheet.append(cells)

    def save(self, stream: Any) -> None:
        self._book.save(stream)


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


def machine_csv_writer(stream: _TextStream, **fmtparams: Any) -> Any:
    """A plain ``csv.writer`` for text read back by programs, never opened in a spreadsheet as a
    report: DHIS2's CSV exchange format (a value or comment must come back through an import byte
    for byte, docs/dhis2.md §6), a mapping shown in a form to be edited and parsed again. Cells are
    written as they are, **without** the formula guard of :func:`csv_writer`; choose it only for such
    formats, and say why where it is called."""
    return csv.writer(stream, **fmtparams)

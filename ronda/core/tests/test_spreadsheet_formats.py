"""XLSX figures are typed: money with its currency's number format, counts as integers, ISO dates."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from ronda.core import spreadsheets
from ronda.core.spreadsheets import Count, Money, Number


def _first_row(values: list[object]) -> tuple:  # type: ignore[type-arg]
    book = spreadsheets.XlsxWorkbook()
    book.sheet("Hoja").append(values)
    return tuple(load_workbook(io.BytesIO(book.to_bytes())).active[1])


def test_money_count_number_and_date_cells_have_real_number_formats() -> None:
    money, count, empty, number, day = _first_row(
        [
            Money(Decimal("22000.50"), "USD"),
            Count(60000),
            Count(None),
            Number(Decimal("85.5"), 1),
            dt.date(2026, 12, 21),
        ]
    )
    assert money.value == 22000.5 and money.data_type == "n"
    assert money.number_format == '#,##0.00 "USD"'
    assert count.value == 60000 and isinstance(count.value, int)
    assert count.number_format == "#,##0"
    assert number.value == 85.5 and number.number_format == "#,##0.0"
    assert day.number_format == "yyyy-mm-dd"
    assert empty.value is None


def test_money_without_a_currency_is_a_grouped_number() -> None:
    (cell,) = _first_row([Money(1500, "")])
    assert cell.value == 1500 and cell.number_format == "#,##0.00"


def test_typed_figures_are_plain_numbers_in_csv() -> None:
    assert spreadsheets.cell_value(Money(Decimal("12.5"), "CRC")) == 12.5
    assert spreadsheets.cell_value(Count(3)) == 3
    assert spreadsheets.cell_value(Number(None, 1)) is None


def test_a_figure_cell_has_only_the_decimals_its_value_has() -> None:
    whole, half = _first_row([Number.figure(Decimal("60000.00")), Number.figure(Decimal("12.50"))])
    assert (whole.value, whole.number_format) == (60000, "#,##0")
    assert (half.value, half.number_format) == (12.5, "#,##0.0")

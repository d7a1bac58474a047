"""The report's money carries the municipality's currency and every figure one format (issue 9, item 12)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from openpyxl import load_workbook

from ronda.accountability import charts, documents, selectors
from ronda.accountability.selectors import ReportKind
from ronda.accountability.tests.test_accountability import YEAR, make_council_and_body, make_plan
from ronda.territory.models import OrgUnit
from ronda.testing import World

pytestmark = pytest.mark.django_db
NBSP = "\xa0"


def _data(world: World) -> selectors.ReportData:
    OrgUnit.objects.filter(pk=world.country.pk).update(currency="USD")
    plan = make_plan(world)
    make_council_and_body(world)
    return selectors.report_data(plan, ReportKind.ANNUAL, YEAR)


def test_spanish_chart_labels_group_with_a_point() -> None:
    rows = [("Salud", Decimal("10000"), Decimal("2500"))]
    with translation.override("es"):
        svg = charts.planned_vs_executed(rows, title="t", planned_label="p", executed_label="e", currency="CRC")
        bars = charts.progress_bars([("Línea", Decimal("55"))], title="t")
    assert f"10.000{NBSP}CRC" in svg and f"2.500{NBSP}CRC" in svg
    assert "10,000" not in svg
    assert f"55{NBSP}%" in bars and f"100{NBSP}%" in bars
    with translation.override("en"):
        svg = charts.planned_vs_executed(rows, title="t", planned_label="p", executed_label="e", currency="CRC")
    assert f"CRC{NBSP}10,000" in svg


def test_pdf_amounts_show_the_currency_and_counts_no_decimals(world: World) -> None:
    data = _data(world)
    with translation.override("es"):
        html = render_to_string("accountability/report_pdf.html", documents.report_context(data))
    assert f"400{NBSP}USD" in html and f"250{NBSP}USD" in html  # the budget total, planned and executed
    assert f"52,0{NBSP}%" in html  # plan progress, one decimal, Spanish comma
    assert "floatformat" not in html and "400,00" not in html


def test_xlsx_money_cells_are_numbers_in_the_currency_and_counts_integers(world: World) -> None:
    data = _data(world)
    with translation.override("es"):
        book = load_workbook(io.BytesIO(documents.render_xlsx(data)))
    budget = book.worksheets[3]
    total = next(row for row in budget.iter_rows() if row[0].value == "Total")
    assert (total[1].value, total[2].value) == (400, 250)
    assert total[1].data_type == "n" and total[1].number_format == '#,##0.00 "USD"'
    body = {row[0].value: row[1] for row in book.worksheets[4].iter_rows()}
    due = next(cell for label, cell in body.items() if label.startswith("Acuerdos") or label.startswith("Agreements"))
    assert isinstance(due.value, int) and due.number_format == "#,##0"
    summary = {row[0].value: row[1].value for row in book.worksheets[0].iter_rows()}
    assert "USD" in summary.values()

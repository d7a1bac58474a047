"""The share of the municipal budget invested in children and the municipality's policy instruments,
in the periodic report and on the public page (issue #13 item 13)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from ronda.accountability import documents, selectors
from ronda.accountability.selectors import ReportKind
from ronda.accountability.tests.test_accountability import YEAR, make_council_and_body, make_plan
from ronda.core import formatting
from ronda.core.tenancy import SYSTEM
from ronda.planning import services
from ronda.testing import World

pytestmark = pytest.mark.django_db


def instrument(world: World, title: str, status: str, **dates: dt.date) -> None:
    services.create_instrument(
        actor=SYSTEM,
        org_unit=world.municipality,
        fields=services.InstrumentFields(
            kind="ordinance", title=title, status=status, notes=f"Nota interna de {title}", **dates
        ),
    )


def test_the_report_shows_the_share_of_the_municipal_budget(world: World) -> None:
    # make_plan: in 2026 Salud plans 300 and executes 150, Educación plans 100 and executes 100.
    plan = make_plan(world)
    make_council_and_body(world)
    services.create_municipal_budget(actor=SYSTEM, org_unit=world.municipality, year=YEAR, total=Decimal("40000"))
    data = selectors.report_data(plan, ReportKind.ANNUAL, YEAR)
    [year] = data.investment
    assert (year.year, year.planned_share, year.executed_share) == (YEAR, Decimal("1.00"), Decimal("0.62"))
    assert {a.label: a.executed_share for a in year.by_area} == {"Salud": Decimal("0.38"), "Educación": Decimal("0.25")}
    html = render_to_string("accountability/report_pdf.html", documents.report_context(data))
    assert gettext("Share of the municipal budget invested in children") in html
    assert formatting.percent(Decimal("0.62"), 2) in html and formatting.percent(Decimal("0.38"), 2) in html


def test_a_report_year_without_total_says_so(world: World) -> None:
    plan = make_plan(world)
    make_council_and_body(world)
    data = selectors.report_data(plan, ReportKind.ANNUAL, YEAR)
    [year] = data.investment
    assert year.total is None and year.planned_share is None
    html = render_to_string("accountability/report_pdf.html", documents.report_context(data))
    assert gettext("no municipal budget entered") in html
    assert (
        formatting.percent(Decimal("0"), 2)
        not in html.split(gettext("Share of the municipal budget invested in children"))[1]
    )
    # The spreadsheet says it too, instead of a 0.
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(documents.render_xlsx(data)))
    values = [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert gettext("no municipal budget entered") in values


def test_the_public_page_shows_approved_instruments_and_shares_only(client: Client, world: World) -> None:
    make_plan(world)
    services.create_municipal_budget(
        actor=SYSTEM, org_unit=world.municipality, year=YEAR, total=Decimal("40000"), source="Acuerdo 12"
    )
    instrument(
        world, "Ordenanza vigente", "in_force", approved_on=dt.date(2024, 3, 1), in_force_from=dt.date(2024, 4, 1)
    )
    instrument(world, "Acuerdo aprobado", "approved", approved_on=dt.date(2024, 6, 1))
    instrument(world, "Política en consulta", "consultation")
    instrument(world, "Decreto derogado", "repealed")
    response = client.get(reverse("accountability:public_plan", args=[world.municipality.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ordenanza vigente" in html and "Acuerdo aprobado" in html
    assert "Política en consulta" not in html and "Decreto derogado" not in html
    assert "Nota interna" not in html
    years = {y.year: y for y in response.context["investment"]}
    assert years[YEAR].planned_share == Decimal("1.00")
    assert formatting.percent(Decimal("1.00"), 2) in html
    # 2025, 2027 and 2028 have no total: their shares say so (two cells each).
    assert html.count(gettext("no municipal budget entered")) == 6

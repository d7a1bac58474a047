"""Issue #7, finding 4: users' text in the XLSX report is text, never a live formula."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from ronda.accountability import documents, selectors
from ronda.accountability.selectors import ReportKind
from ronda.accountability.tests.test_accountability import YEAR, make_plan
from ronda.accounts.selectors import active_memberships
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.planning.models import Measure, PlanChange
from ronda.planning.services import measures as measure_services
from ronda.planning.services import progress as progress_services
from ronda.planning.services.common import ChangeRecord
from ronda.testing import World, login

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
# What, why and who approved each change. Services strip the texts, so the tab and the carriage
# return (which spreadsheet programs drop before reading a formula) are stored directly.
THROUGH_SERVICE = ("+1+1", "-2", "@SUM(A1)")
STORED_AS_IS = [("\t=1", "\r=1", "=1+1"), ("\r=1", "\t=1", "-1")]
# The report day: inside YEAR, so that the changes recorded "today" fall in the annual report.
REPORT_DAY = dt.datetime(YEAR, 6, 15, 12, tzinfo=dt.UTC)


def _report_with_injections(world: World) -> bytes:
    with time_machine.travel(REPORT_DAY, tick=False):
        plan = make_plan(world)
        focal = world.home["area_focal"]
        measure = Measure.objects.get(plan=plan, code="M-1")  # Salud: the focal point's own area
        progress_services.record_progress(
            actor=actor_for(focal, active_memberships(focal)[0]),
            measure=measure,
            expected_version=measure.version,
            percent=50,
            justification=HYPERLINK,
            reported_on=REPORT_DAY.date(),
        )
        measure = Measure.objects.get(pk=measure.pk)
        what, why, approved_by = THROUGH_SERVICE
        measure_services.update_measure(
            actor=SYSTEM,
            measure=measure,
            expected_version=measure.version,
            change=ChangeRecord(what=what, why=why, approved_by=approved_by),
            title="Medida M-1 con otro nombre",
        )
        for what, why, approved_by in STORED_AS_IS:
            PlanChange.objects.create(
                plan=plan, measure=measure, changed_on=REPORT_DAY.date(), what=what, why=why, approved_by=approved_by
            )
        return documents.render_xlsx(selectors.report_data(plan, ReportKind.ANNUAL, YEAR))


def _sheet(book: Any, index: int) -> list[list[tuple[object, str]]]:
    worksheet = book.worksheets[index]
    return [[(cell.value, cell.data_type) for cell in row] for row in worksheet.iter_rows()]


def test_progress_justification_is_text_in_the_report(world: World) -> None:
    book = load_workbook(io.BytesIO(_report_with_injections(world)))
    rows = {row[2][0]: row for row in _sheet(book, 1)[1:]}  # by measure code
    justification = rows["M-1"][7]
    assert justification == ("'" + HYPERLINK, "s")
    assert rows["M-1"][6] == (50.0, "n")  # the percentage stays a number
    assert rows["M-2"][7] == ("Avance de prueba", "s")


def test_plan_change_texts_are_text_in_the_report(world: World) -> None:
    book = load_workbook(io.BytesIO(_report_with_injections(world)))
    changes = _sheet(book, 6)[1:]
    written = {tuple(value for value, _ in row[2:5]) for row in changes}
    expected = {THROUGH_SERVICE, *STORED_AS_IS}
    # Each text gets the apostrophe; in XLSX a carriage return is written as a line break.
    assert written == {tuple("'" + text.replace("\r", "\n") for text in row) for row in expected}
    assert all(data_type == "s" for row in changes for _, data_type in row[1:5])
    assert all(isinstance(row[0][0], dt.datetime) and row[0][1] == "d" for row in changes)  # dates stay dates
    # Nowhere in the whole workbook is there a formula.
    assert not [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_the_downloaded_report_is_the_safe_one(client, world: World) -> None:
    _report_with_injections(world)
    plan = Measure.objects.get(code="M-1").plan
    login(client, world.home["coordinator"])
    with time_machine.travel(REPORT_DAY, tick=False):
        response = client.get(
            reverse("accountability:report_download", args=[plan.pk, "xlsx"]) + f"?kind=annual&year={YEAR}"
        )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    assert ("'" + HYPERLINK, "s") in {cell for row in _sheet(book, 1) for cell in row}

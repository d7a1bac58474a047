"""Exporting values: CSV streamed with formulas neutralised, XLSX with numeric cells, both in the
import's columns so that an export comes back through the import unchanged."""

from __future__ import annotations

import csv
import io
import types
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from ronda.core.tenancy import SYSTEM
from ronda.tablero import exports, services
from ronda.tablero.models import DataValue, ImportStatus, ValueImport
from ronda.tablero.tests.test_imports_check import catalogue, client_for, coc_code, media_root
from ronda.testing import World

pytestmark = pytest.mark.django_db
__all__ = ["catalogue", "media_root"]  # fixtures


@pytest.fixture
def stored(world: World, catalogue: dict[str, Any]) -> None:
    coc = catalogue["cocs"][coc_code(catalogue, "Mujeres")]
    default = catalogue["rate"].category_combo.option_combos.get()
    services.save_values(
        actor=SYSTEM,
        values=[
            services.ValueInput(catalogue["children"], coc, world.municipality, "202401", 12, '=HYPERLINK("x")'),
            services.ValueInput(catalogue["rate"], default, world.community, "2024Q1", Decimal("85.5"), "+1 @a"),
            services.ValueInput(catalogue["rate"], default, world.other_municipality, "2024Q1", 3),  # another country
            services.ValueInput(catalogue["rate"], default, world.community, "2023Q1", 7),  # before the range
        ],
    )


def streamed(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def query(world: World, catalogue: dict[str, Any], fmt: str) -> dict[str, Any]:
    return {
        "org_unit": world.municipality.pk,
        "elements": [catalogue["children"].pk, catalogue["rate"].pk],
        "start": "202401",
        "end": "2024Q4",
        "format": fmt,
    }


def test_the_csv_is_streamed_with_formulas_neutralised(world: World, catalogue: dict[str, Any], stored: None) -> None:
    client = client_for(world.home["coordinator"])
    response = client.get(reverse("tablero:export"), query(world, catalogue, "csv"))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert isinstance(response.streaming_content, types.GeneratorType) or hasattr(
        response.streaming_content, "__next__"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="municipio-a-values-202401-2024q4.csv"')
    assert "no-store" in response["Cache-Control"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["data_element", "option_combo", "org_unit", "period", "value", "comment"]
    assert sorted(rows[1:]) == sorted(
        [
            ["NNA", coc_code(catalogue, "Mujeres"), world.municipality.code, "202401", "12", '\'=HYPERLINK("x")'],
            ["TASA", "default", world.community.code, "2024Q1", "85.5", "'+1 @a"],
        ]
    )


def test_the_csv_rows_are_generated_not_built(world: World, catalogue: dict[str, Any], stored: None) -> None:
    chunks = exports.csv_chunks(iter([("a", 1), ("b", 2)]))
    assert isinstance(chunks, types.GeneratorType)
    assert [next(chunks), next(chunks)] == ["\ufeff", "a,1\r\n"]


def test_an_export_comes_back_through_the_import_unchanged(
    world: World, catalogue: dict[str, Any], stored: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.home["coordinator"])
    body = streamed(client.get(reverse("tablero:export"), query(world, catalogue, "csv")))
    assert b"'=HYPERLINK" in body  # neutralised in the file, and read back as it was written
    before = {(v.pk, v.value, v.comment) for v in DataValue.objects.all()}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tablero:imports"), {"file": SimpleUploadedFile("export.csv", body)})
    value_import = ValueImport.objects.get()
    assert value_import.status == ImportStatus.CHECKED, value_import.report
    assert value_import.report["counts"] == {"imported": 0, "updated": 0, "deleted": 0, "unchanged": 2}
    assert {(v.pk, v.value, v.comment) for v in DataValue.objects.all()} == before


def test_the_xlsx_opens_with_numeric_cells(world: World, catalogue: dict[str, Any], stored: None) -> None:
    client = client_for(world.home["coordinator"])
    response = client.get(reverse("tablero:export"), query(world, catalogue, "xlsx"))
    assert response.status_code == 200 and isinstance(response, FileResponse)
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("data_element", "option_combo", "org_unit", "period", "value", "comment")
    values = {row[0]: row[4] for row in rows[1:]}
    assert values["NNA"] == 12 and isinstance(values["NNA"], int)
    assert values["TASA"] == pytest.approx(85.5) and isinstance(values["TASA"], float)
    comments = {row[0]: row[5] for row in rows[1:]}
    assert comments["NNA"] == '\'=HYPERLINK("x")'


def test_a_data_set_selects_its_elements_and_a_bad_period_is_explained(
    world: World, catalogue: dict[str, Any], stored: None
) -> None:
    data_set = services.create_data_set(
        actor=SYSTEM,
        owner=world.country,
        code="DS",
        name="Trimestral",
        period_type="Quarterly",
        level=4,
        data_elements=[catalogue["rate"]],
    )
    client = client_for(world.home["coordinator"])
    params: dict[str, Any] = {
        "org_unit": world.municipality.pk,
        "data_set": data_set.pk,
        "start": "2024Q1",
        "end": "2024",
        "format": "csv",
    }
    text = streamed(client.get(reverse("tablero:export"), params)).decode()
    assert "TASA" in text and "NNA" not in text
    wrong = client.get(reverse("tablero:export"), {**params, "start": "enero"})
    assert wrong.status_code == 200 and "Write a period such as" in wrong.content.decode()
    empty = client.get(reverse("tablero:export"), {**params, "data_set": ""})
    assert "Choose a data set or some data elements." in empty.content.decode()

"""Importing values: the upload is checked, a job checks every row (a dry run) and reports in Spanish,
a second job applies everything in one transaction, or nothing.

Jobs run with the immediate backend inside the commit that enqueues them
(``django_capture_on_commit_callbacks(execute=True)``), as in accountability's report tests.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.core.spreadsheets import XlsxWorkbook
from ronda.core.tenancy import SYSTEM
from ronda.tablero import imports, services
from ronda.tablero.models import (
    AggregationType,
    DataSetPeriod,
    DataValue,
    ImportStatus,
    PeriodStatus,
    ValueImport,
    ValueType,
)
from ronda.testing import World, login

pytestmark = pytest.mark.django_db

HEADER = "data_element,option_combo,org_unit,period,value,comment\n"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def catalogue(world: World) -> dict[str, Any]:
    sex = services.create_category(
        actor=SYSTEM, owner=world.country, code="SEXO", name="Sexo", options=[("F", "Mujeres"), ("M", "Hombres")]
    )
    combo = services.create_category_combo(
        actor=SYSTEM, owner=world.country, code="POR_SEXO", name="Por sexo", categories=[sex]
    )
    children = services.create_data_element(
        actor=SYSTEM,
        owner=world.country,
        code="NNA",
        name="Niñas y niños atendidos",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
        category_combo=combo,
    )
    rate = services.create_data_element(
        actor=SYSTEM,
        owner=world.country,
        code="TASA",
        name="Tasa de asistencia",
        value_type=ValueType.NUMBER,
        aggregation_type=AggregationType.AVERAGE,
    )
    cocs = {coc.code: coc for coc in children.category_combo.option_combos.all()}
    return {"children": children, "rate": rate, "cocs": cocs}


def client_for(user: Any, language: str = "en") -> Client:
    """Signed in, in English: the tests read the msgids (the Spanish ones are the lead's to merge)."""
    client = login(Client(), user)
    client.cookies["ronda_language"] = language
    return client


def coc_code(catalogue: dict[str, Any], word: str) -> str:
    return next(code for code, coc in catalogue["cocs"].items() if word in coc.name)


def upload(client: Client, content: bytes, name: str, captured: Any, *, execute: bool = True) -> Any:
    with captured(execute=execute):
        return client.post(reverse("tablero:imports"), {"file": SimpleUploadedFile(name, content)})


def apply(client: Client, value_import: ValueImport, captured: Any) -> Any:
    with captured(execute=True):
        return client.post(reverse("tablero:import_apply", args=[value_import.pk]))


def good_csv(world: World, catalogue: dict[str, Any]) -> bytes:
    f, m = coc_code(catalogue, "Mujeres"), coc_code(catalogue, "Hombres")
    unit = world.municipality.code
    return (
        HEADER
        + f"NNA,{f},{unit},202401,12,\n"
        + f"NNA,{m},{unit},202401,10,revisado\n"
        + f'TASA,,{world.community.code},2024Q1,"85,5",\n'
    ).encode()


# --- The whole path -------------------------------------------------------------------------------
def test_a_valid_file_is_checked_then_applied_atomically(
    world: World, catalogue: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.home["coordinator"])
    response = upload(client, good_csv(world, catalogue), "valores.csv", django_capture_on_commit_callbacks)
    value_import = ValueImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tablero:import_detail", args=[value_import.pk])
    assert value_import.status == ImportStatus.CHECKED
    assert value_import.total_rows == 3 and value_import.processed_rows == 3
    assert value_import.report["counts"] == {"imported": 3, "updated": 0, "deleted": 0, "unchanged": 0}
    assert not DataValue.objects.exists()  # the check writes nothing
    page = client.get(response["Location"]).content.decode()
    assert ">Apply</button>" in page and "hx-trigger" not in page
    assert apply(client, value_import, django_capture_on_commit_callbacks).status_code == 302
    value_import.refresh_from_db()
    assert value_import.status == ImportStatus.APPLIED
    assert value_import.report["applied"]["imported"] == 3
    assert DataValue.objects.get(data_element=catalogue["rate"]).value == Decimal("85.5")
    assert sorted(v.value or 0 for v in DataValue.objects.filter(data_element=catalogue["children"])) == [
        10,
        12,
    ]
    # The same file again: nothing to do.
    upload(client, good_csv(world, catalogue), "valores.csv", django_capture_on_commit_callbacks)
    again = ValueImport.objects.order_by("-pk").first()
    assert again is not None and again.report["counts"]["unchanged"] == 3


def test_dhis2_and_spanish_headers_a_semicolon_and_latin1(
    world: World, catalogue: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.home["coordinator"])
    f = catalogue["cocs"][coc_code(catalogue, "Mujeres")]
    dhis2 = (
        "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup\n"
        f"{catalogue['children'].uid},202401,{world.municipality.uid},{f.uid},HllvX50cXC0,7,admin,2024-02-01,,false\n"
    ).encode()
    upload(client, dhis2, "dhis2.csv", django_capture_on_commit_callbacks)
    spanish = f"elemento;desagregación;unidad;periodo;valor;comentario\nTASA;;{world.municipality.code};2024;3;año\n"
    upload(client, spanish.encode("latin-1"), "es.csv", django_capture_on_commit_callbacks)
    first, second = ValueImport.objects.order_by("pk")
    assert first.status == ImportStatus.CHECKED, first.report
    assert second.status == ImportStatus.CHECKED, second.report
    assert second.report["encoding"] in ("cp1252", "latin-1")
    apply(client, second, django_capture_on_commit_callbacks)
    assert DataValue.objects.get(data_element=catalogue["rate"]).comment == "año"


def test_an_xlsx_file_is_read_with_numeric_cells(
    world: World, catalogue: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    book = XlsxWorkbook()
    sheet = book.sheet("Valores")
    sheet.append(["data_element", "option_combo", "org_unit", "period", "value", "comment"])
    sheet.append(["TASA", None, world.municipality.code, 202401, 12.25, None])
    sheet.append(["NNA", coc_code(catalogue, "Mujeres"), world.municipality.code, "2024Q1", 4, "ok"])
    client = client_for(world.home["coordinator"])
    upload(client, book.to_bytes(), "valores.xlsx", django_capture_on_commit_callbacks)
    value_import = ValueImport.objects.get()
    assert value_import.format == "xlsx"
    assert value_import.status == ImportStatus.CHECKED, value_import.report
    apply(client, value_import, django_capture_on_commit_callbacks)
    assert DataValue.objects.get(data_element=catalogue["rate"]).value == Decimal("12.25")


# --- Rejected files and rows -----------------------------------------------------------------------
def test_every_bad_row_is_reported_in_spanish_and_nothing_is_written(
    world: World, catalogue: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    f = coc_code(catalogue, "Mujeres")
    unit = world.municipality.code
    content = (
        HEADER
        + f"NNA,{f},{unit},202401,12,\n"  # 2: fine
        + f"NOEXISTE,,{unit},202401,1,\n"  # 3: unknown element
        + f"NNA,ZZZ,{unit},202401,1,\n"  # 4: unknown disaggregation
        + f"NNA,{f},NOEXISTE,202401,1,\n"  # 5: unknown unit
        + f"NNA,{f},{world.other_municipality.code},202401,1,\n"  # 6: a unit of another country
        + f"NNA,{f},{unit},2024-01,1,\n"  # 7: wrong period
        + f"NNA,{f},{unit},202402,doce,\n"  # 8: text in a numeric cell
        + f"NNA,{f},{unit},202401,13,\n"  # 9: the same value as row 2
        + f"NNA,{f},{unit},209901,1,\n"  # 10: a period not started
        + f"NNA,,{unit},202401,1,\n"  # 11: disaggregated element without its disaggregation
    ).encode()
    client = client_for(world.home["coordinator"])
    upload(client, content, "malo.csv", django_capture_on_commit_callbacks)
    value_import = ValueImport.objects.get()
    assert value_import.status == ImportStatus.REJECTED
    by_row = {e["row"]: e["message"] for e in value_import.report["errors"]}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert value_import.report["rejected_rows"] == 9
    assert "NOEXISTE" in by_row[3] and "data element" in by_row[3]
    assert "ZZZ" in by_row[4]
    assert by_row[5] == by_row[6].replace(world.other_municipality.code, "NOEXISTE")  # no hint of other countries
    assert "2024-01" in by_row[7] and "not a period" in by_row[7]
    assert "doce" in by_row[8] and "not a number" in by_row[8]
    assert "twice" in by_row[9]
    assert "209901" in by_row[10]
    page = client.get(reverse("tablero:import_detail", args=[value_import.pk])).content.decode()
    assert "9 rows were rejected" in page and "Apply</button>" not in page
    assert not DataValue.objects.exists()
    # Applying a rejected import is refused.
    apply(client, value_import, django_capture_on_commit_callbacks)
    value_import.refresh_from_db()
    assert value_import.status == ImportStatus.REJECTED and not DataValue.objects.exists()


def test_a_value_in_an_approved_period_is_rejected(
    world: World, catalogue: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    data_set = services.create_data_set(
        actor=SYSTEM,
        owner=world.country,
        code="DS",
        name="Mensual",
        period_type="Monthly",
        level=3,
        data_elements=[catalogue["rate"]],
    )
    from ronda.tablero.aggregation import ensure_periods
    from ronda.tablero.periods import parse

    period = ensure_periods([parse("202401")])["202401"]
    DataSetPeriod.objects.create(
        data_set=data_set, org_unit=world.municipality, period=period, status=PeriodStatus.APPROVED
    )
    client = client_for(world.home["coordinator"])
    upload(
        client,
        (HEADER + f"TASA,,{world.municipality.code},202401,3,\n").encode(),
        "a.csv",
        django_capture_on_commit_callbacks,
    )
    value_import = ValueImport.objects.get()
    assert value_import.status == ImportStatus.REJECTED
    assert "approved" in value_import.report["errors"][0]["message"]


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"", "vacio.csv", "empty"),
        (b"\x00\x01\x02binary\x00", "raro.csv", "CSV"),
        (b"%PDF-1.4 not values", "doc.csv", "CSV"),
        (b"PK\x03\x04 not a workbook", "libro.xlsx", "damaged"),
    ],
)
def test_a_file_that_is_not_a_table_of_values_is_refused_at_once(
    world: World, django_capture_on_commit_callbacks: Any, content: bytes, name: str, words: str, media_root: Path
) -> None:
    client = client_for(world.home["coordinator"])
    response = upload(client, content, name, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not ValueImport.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_a_file_too_large_is_refused(world: World, django_capture_on_commit_callbacks: Any, settings: Any) -> None:
    settings.RONDA_IMPORT_MAX_BYTES = 1024 * 1024
    client = client_for(world.home["coordinator"])
    response = upload(client, HEADER.encode() + b"x" * (1024 * 1024), "grande.csv", django_capture_on_commit_callbacks)
    assert "1 MB" in response.content.decode()
    assert not ValueImport.objects.exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"codigo,nombre\nA,B\n", "Missing columns"),
        (b'data_element,org_unit,period,value\n"NNA,A-M,202401,1\n', "malformed"),
        (HEADER.encode(), "no data rows"),
    ],
)
def test_a_malformed_csv_is_rejected_with_a_reason(
    world: World, catalogue: dict[str, Any], django_capture_on_commit_callbacks: Any, content: bytes, words: str
) -> None:
    client = client_for(world.home["coordinator"])
    upload(client, content, "x.csv", django_capture_on_commit_callbacks)
    value_import = ValueImport.objects.get()
    assert value_import.status == ImportStatus.REJECTED
    assert words in value_import.report["file_error"]
    page = client.get(reverse("tablero:import_detail", args=[value_import.pk])).content.decode()
    assert "Nothing was imported." in page


# --- Progress and atomicity ---------------------------------------------------------------------------
def test_the_check_writes_its_progress_as_it_goes(
    world: World, catalogue: dict[str, Any], django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BATCH_ROWS", 2)
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    seen: list[tuple[int, int]] = []
    real = imports._progress

    def spy(value_import: ValueImport, **fields: int) -> None:
        real(value_import, **fields)
        row = ValueImport.objects.get(pk=value_import.pk)
        seen.append((row.processed_rows, row.total_rows))

    monkeypatch.setattr(imports, "_progress", spy)
    f = coc_code(catalogue, "Mujeres")
    lines = "".join(f"NNA,{f},{world.municipality.code},2024{month:02d},{month},\n" for month in range(1, 8))
    client = client_for(world.home["coordinator"])
    upload(client, (HEADER + lines).encode(), "p.csv", django_capture_on_commit_callbacks)
    assert seen == [(0, 7), (2, 7), (4, 7), (6, 7), (7, 7)]


def test_the_progress_page_polls_while_the_job_works(
    world: World, catalogue: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.home["coordinator"])
    upload(client, good_csv(world, catalogue), "v.csv", django_capture_on_commit_callbacks, execute=False)
    value_import = ValueImport.objects.get()
    ValueImport.objects.filter(pk=value_import.pk).update(
        status=ImportStatus.CHECKING, total_rows=3000, processed_rows=1000
    )
    url = reverse("tablero:import_detail", args=[value_import.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'aria-live="polite"' in page
    assert '<progress id="import-progress" max="3000" value="1000">' in page
    assert "1,000 of 3,000 rows checked." in page
    assert client.get(url + "?shown=checking:1000", HTTP_HX_REQUEST="true").status_code == 204
    partial = client.get(url + "?shown=checking:0", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()


def test_a_failure_in_the_middle_of_apply_leaves_nothing(
    world: World, catalogue: dict[str, Any], django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The portable apply (the file read again, written batch by batch through ``save_values``; on
    PostgreSQL the staged apply is taken out of the way): a batch fails after one was written.
    ``test_imports_staged`` fails the staged apply in the middle."""
    monkeypatch.setattr(imports, "BATCH_ROWS", 2)
    monkeypatch.setattr(imports, "_apply_staged", lambda _actor, _import: None)
    f = coc_code(catalogue, "Mujeres")
    lines = "".join(f"NNA,{f},{world.municipality.code},2024{month:02d},{month},\n" for month in range(1, 6))
    client = client_for(world.home["coordinator"])
    upload(client, (HEADER + lines).encode(), "p.csv", django_capture_on_commit_callbacks)
    value_import = ValueImport.objects.get()
    assert value_import.status == ImportStatus.CHECKED
    real = services.save_values
    calls: list[int] = []

    def flaky(**kwargs: Any) -> services.SaveResult:
        calls.append(len(kwargs["values"]))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(services, "save_values", flaky)
    apply(client, value_import, django_capture_on_commit_callbacks)
    value_import.refresh_from_db()
    assert calls == [2, 2]  # the first batch was written, then rolled back with the rest
    assert value_import.status == ImportStatus.FAILED
    assert "nothing was written" in value_import.report["failure"]
    assert not DataValue.objects.exists()
    page = client.get(reverse("tablero:import_detail", args=[value_import.pk])).content.decode()
    assert "nothing was written" in page


def test_the_report_is_in_the_language_of_the_person_who_uploaded(
    world: World, catalogue: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    f = coc_code(catalogue, "Mujeres")
    unit = world.municipality.code
    content = (
        HEADER + f"NNA,{f},{unit},202401,doce,\n" + f"NNA,{f},{unit},202402,1,\n" + f"NNA,{f},{unit},202402,2,\n"
    ).encode()
    client = client_for(world.home["coordinator"], "es")
    with translation.override("en"):  # whatever the worker's language, the report is the person's
        upload(client, content, "x.csv", django_capture_on_commit_callbacks)
    messages = [e["message"] for e in ValueImport.objects.get().report["errors"]]
    assert messages == ["«doce» no es un número.", "Este valor aparece dos veces."]


def test_the_report_keeps_the_first_problems_and_counts_the_rest(
    world: World, catalogue: dict[str, Any], django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "MAX_REPORTED_ERRORS", 3)
    monkeypatch.setattr(imports, "BATCH_ROWS", 2)
    lines = "".join(f"NOEXISTE,,{world.municipality.code},2024{month:02d},1,\n" for month in range(1, 8))
    client = client_for(world.home["coordinator"])
    upload(client, (HEADER + lines).encode(), "x.csv", django_capture_on_commit_callbacks)
    report = ValueImport.objects.get().report
    assert [e["row"] for e in report["errors"]] == [2, 3, 4]
    assert report["rejected_rows"] == 7 and report["more_errors"] == 4
    page = client.get(reverse("tablero:import_detail", args=[ValueImport.objects.get().pk])).content.decode()
    assert "And 4 more problems." in page and "7 rows were rejected" in page


def test_an_xlsx_with_macros_or_without_the_columns_is_refused(
    world: World, catalogue: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    import zipfile

    book = XlsxWorkbook()
    book.sheet("Valores").append(["codigo", "nombre"])
    plain = book.to_bytes()
    with_macros = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain)) as source, zipfile.ZipFile(with_macros, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProject.bin", b"macro")
    client = client_for(world.home["coordinator"])
    refused = upload(client, with_macros.getvalue(), "m.xlsx", django_capture_on_commit_callbacks)
    assert "contains macros" in refused.content.decode() and not ValueImport.objects.exists()
    upload(client, plain, "cols.xlsx", django_capture_on_commit_callbacks)
    value_import = ValueImport.objects.get()
    assert value_import.status == ImportStatus.REJECTED
    assert "Missing columns: data_element, org_unit, period, value" in value_import.report["file_error"]


# --- Rules between elements ------------------------------------------------------------------------
@pytest.fixture
def births(world: World) -> dict[str, Any]:
    """The two sides of an "of which" rule of tablero.rules: timely registrations ≤ live births."""
    made = {}
    for code, name in (("NAC_VIVOS", "Nacidos vivos"), ("INSC_OPORTUNA", "Inscripción oportuna")):
        made[code] = services.create_data_element(
            actor=SYSTEM,
            owner=world.country,
            code=code,
            name=name,
            value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
            aggregation_type=AggregationType.SUM,
        )
    return made


def test_a_rule_broken_across_batches_is_reported_with_its_rows(
    world: World, births: dict[str, Any], django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The total and its "of which" come in different batches: the rule is still checked, as the
    entry form and the DHIS2 API check it, and both rows are named."""
    monkeypatch.setattr(imports, "BATCH_ROWS", 1)
    unit = world.municipality.code
    content = (HEADER + f"NAC_VIVOS,,{unit},202401,10,\nINSC_OPORTUNA,,{unit},202401,12,\n").encode()
    upload(client_for(world.home["coordinator"]), content, "r.csv", django_capture_on_commit_callbacks)
    value_import = ValueImport.objects.get()
    assert value_import.status == ImportStatus.REJECTED
    rows = sorted(e["row"] for e in value_import.report["errors"])
    assert rows == [2, 3]
    assert "live births" in value_import.report["errors"][0]["message"]
    assert not DataValue.objects.exists()


def test_a_rule_broken_after_the_check_stops_the_apply(
    world: World, births: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """Checked against 20 stored births; someone lowers them to 5 before the apply: nothing is written."""
    unit = world.municipality
    services.save_values(
        actor=SYSTEM,
        values=[
            services.ValueInput(births["NAC_VIVOS"], services.default_combo().option_combos.get(), unit, "202401", 20)
        ],
    )
    client = client_for(world.home["coordinator"])
    upload(
        client,
        (HEADER + f"INSC_OPORTUNA,,{unit.code},202401,12,\n").encode(),
        "r.csv",
        django_capture_on_commit_callbacks,
    )
    value_import = ValueImport.objects.get()
    assert value_import.status == ImportStatus.CHECKED
    services.save_values(
        actor=SYSTEM,
        values=[
            services.ValueInput(births["NAC_VIVOS"], services.default_combo().option_combos.get(), unit, "202401", 5)
        ],
    )
    apply(client, value_import, django_capture_on_commit_callbacks)
    value_import.refresh_from_db()
    assert value_import.status == ImportStatus.REJECTED
    assert "nothing was written" in value_import.report["failure"]
    assert not DataValue.objects.filter(data_element=births["INSC_OPORTUNA"]).exists()

"""The one way Ronda writes spreadsheets and CSV files: user text never becomes a formula."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from ronda.core import spreadsheets

DANGEROUS = ["=1+1", '=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1"]
HARMLESS = ["Avance de prueba", "1+1", "a=b", "", "'=ya escapado", "Niñez, 2026"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_every_formula_prefix_is_neutralised(text: str) -> None:
    assert spreadsheets.neutralise(text) == "'" + text
    assert spreadsheets.cell_value(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_other_texts_are_left_alone(text: str) -> None:
    assert spreadsheets.neutralise(text) == text


@pytest.mark.parametrize(
    "value",
    [-2, 0, 3.5, -0.25, Decimal("-12.50"), dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 3, 4), True, None],
)
def test_numbers_dates_and_none_stay_what_they_are(value: object) -> None:
    assert spreadsheets.cell_value(value) is value


def test_lazy_translations_and_objects_become_neutralised_text() -> None:
    class Unit:
        def __str__(self) -> str:
            return "=Unidad"

    assert spreadsheets.cell_value(gettext_lazy("Summary")) in ("Summary", "Resumen")
    assert spreadsheets.cell_value(Unit()) == "'=Unidad"


def _read(data: bytes) -> list[list[tuple[object, str]]]:
    book = load_workbook(io.BytesIO(data))
    return [[(cell.value, cell.data_type) for cell in row] for row in book.worksheets[0].iter_rows()]


def test_xlsx_stores_dangerous_texts_as_text_and_numbers_as_numbers() -> None:
    book = spreadsheets.XlsxWorkbook()
    sheet = book.sheet("Prueba")
    sheet.append(DANGEROUS, bold=True)
    sheet.append([-2, Decimal("1.5"), dt.date(2026, 1, 2), "texto"])
    rows = _read(book.to_bytes())
    # In XLSX a line break is "\n": the carriage return of "\r=1" is written as one.
    assert rows[0] == [("'" + text.replace("\r", "\n"), "s") for text in DANGEROUS]
    assert rows[1][:4] == [(-2, "n"), (1.5, "n"), (dt.datetime(2026, 1, 2), "d"), ("texto", "s")]


def test_xlsx_drops_characters_a_cell_cannot_hold_and_writes_local_time() -> None:
    book = spreadsheets.XlsxWorkbook()
    sheet = book.sheet("Título: con [corchetes] y una barra / que Excel no admite en un nombre de hoja")
    aware = timezone.make_aware(dt.datetime(2026, 5, 1, 10, 30))
    sheet.append(["a\x00b\x0bc", aware])
    data = book.to_bytes()
    assert _read(data)[0] == [("abc", "s"), (dt.datetime(2026, 5, 1, 10, 30), "d")]
    title = load_workbook(io.BytesIO(data)).worksheets[0].title
    assert len(title) <= 31 and not set(title) & set("[]:/\\*?")


def test_csv_writer_neutralises_texts_only() -> None:
    out = io.StringIO()
    writer = spreadsheets.csv_writer(out)
    writer.writerow([*DANGEROUS, -2, Decimal("-1.5"), None])
    writer.writerows([["ok", dt.date(2026, 1, 2)]])
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert rows[0] == ["'" + text for text in DANGEROUS] + ["-2", "-1.5", ""]
    assert rows[1] == ["ok", "2026-01-02"]


# --- Every export uses the helper ----------------------------------------------------------
RONDA = Path(spreadsheets.__file__).resolve().parent.parent
HELPER = Path(spreadsheets.__file__).resolve()


def _writes_a_spreadsheet_by_itself(tree: ast.AST) -> list[str]:
    """Calls and imports that build a workbook or a CSV writer without ``core.spreadsheets``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split(".")[0]
            names = {alias.name for alias in node.names}
            if root in {"openpyxl", "xlsxwriter", "pyexcelerate"} and names & {"Workbook", "*"}:
                found.append(f"line {node.lineno}: from {node.module} import Workbook")
            if root == "csv" and names & {"writer", "DictWriter", "*"}:
                found.append(f"line {node.lineno}: from csv import writer")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in {"xlsxwriter", "pyexcelerate"}:
                    found.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            if name == "Workbook" or (owner == "csv" and name in {"writer", "DictWriter"}):
                found.append(f"line {node.lineno}: {owner + '.' if owner else ''}{name}(…)")
    return found


# For a file this Python cannot parse (say, newer syntax): the same look-ups, as text.
_AS_TEXT = re.compile(
    r"\bWorkbook\s*\(|\bcsv\.(?:writer|DictWriter)\s*\(|from\s+csv\s+import[^\n]*\b(?:writer|DictWriter)\b"
)


def test_no_module_writes_spreadsheets_or_csv_without_the_helper() -> None:
    offenders = []
    for path in sorted(RONDA.rglob("*.py")):
        if path == HELPER or "tests" in path.relative_to(RONDA).parts or "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        try:
            hits = _writes_a_spreadsheet_by_itself(ast.parse(source))
        except SyntaxError:
            hits = [match.group(0) for match in _AS_TEXT.finditer(source)]
        offenders += [f"{path.relative_to(RONDA.parent)} {hit}" for hit in hits]
    assert not offenders, "write spreadsheets and CSV through ronda.core.spreadsheets:\n" + "\n".join(offenders)


def test_the_scan_catches_an_export_of_its_own() -> None:
    bad = """
import csv
from openpyxl import Workbook

def export(rows, out):
    book = Workbook()
    csv.writer(out).writerows(rows)
"""
    assert len(_writes_a_spreadsheet_by_itself(ast.parse(bad))) == 3


def test_the_helper_imports_no_ronda_app() -> None:
    tree = ast.parse(HELPER.read_text(encoding="utf-8"))
    modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in modules if m.split(".")[0] == "ronda"]


def test_the_machine_writer_keeps_cells_as_they_are() -> None:
    """DHIS2's CSV and the push mapping are read back by programs: no formula guard there."""
    out = io.StringIO()
    spreadsheets.machine_csv_writer(out, lineterminator="\n").writerow(["=1+1", "-3", "@x", 5])
    assert out.getvalue() == "=1+1,-3,@x,5\n"
    guarded = io.StringIO()
    spreadsheets.csv_writer(guarded, lineterminator="\n").writerow(["=1+1"])
    assert guarded.getvalue() != "=1+1\n"

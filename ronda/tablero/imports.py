"""Import of data values from a CSV or XLSX file (issue #10 item 4): check first, then apply.

1. ``request_import`` (in the request) checks the upload's size and content — a CSV that is text
   (UTF-8, with or without BOM, or Excel's Windows-1252/Latin-1), an XLSX that openpyxl opens in
   read-only mode, with no macros — stores it with the row that names it
   (``core.files.save_in_transaction``), and enqueues the check job.
2. ``check_import`` (job) reads the file row by row (the ``csv`` module or openpyxl's
   ``iter_rows(values_only=True)``: never the whole file in memory), resolves each row by codes
   (or DHIS2 uids) with dictionaries loaded once, and asks ``services.save_values`` for a dry run
   in batches: unknown codes, repeated rows, wrong periods, text in numeric cells, periods not
   started, approved periods, units out of scope, and the rules between elements ("of which" ≤
   total, ``tablero.rules``, over the whole file) are collected row by row with their reason.
   ``processed_rows`` is written every ``PROGRESS_EVERY`` rows, in its own short transaction, for
   the page's progress bar. On PostgreSQL every row that passed is also written to a staging
   table of the import's own (``bulk``, decision 0017 "Third measurement").
3. ``request_apply`` (in the request, only for a checked file without rejected rows) enqueues
   ``apply_import`` (job), which writes everything inside **one** transaction, the rules checked
   again once everything is written: if anything fails, nothing is written and the report says
   why. On PostgreSQL it writes from the staging table in set-based statements, the permissions
   and the approved periods checked again in SQL (``_apply_staged``); elsewhere, or when the
   staging table is gone or the catalogue changed since the check, it reads the file again and
   writes it through ``save_values`` in batches (``_apply_file``, the portable path). Either way
   the staging table is dropped once the apply is over.

Columns: ``data_element, option_combo, org_unit, period, value, comment`` (codes; a blank
option_combo is the default one); DHIS2's CSV names (``dataelement, period, orgunit,
categoryoptioncombo, attributeoptioncombo, value, storedby, lastupdated, comment, followup``) and
Spanish ones (``elemento, desagregacion, unidad, periodo, valor, comentario``) are accepted too.
A cell that an export neutralised (``'=…``, ``core.spreadsheets``) is read back without its
apostrophe, so that an export comes back through the import unchanged.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ronda.core import audit, files, jobs, uploads
from ronda.core.models import AuditAction
from ronda.core.spreadsheets import FORMULA_PREFIXES
from ronda.core.tenancy import SYSTEM, Acting, Actor, is_person
from ronda.tablero import aggregation, bulk, entry, policies, policies_imports, rules, services
from ronda.tablero import periods as iso_periods
from ronda.tablero.models import (
    DEFAULT_OPTION_COMBO_UID,
    CategoryOptionCombo,
    DataElement,
    ImportFormat,
    ImportStatus,
    Period,
    TableroAction,
    ValueImport,
)
from ronda.tablero.selectors import LEAF_LEVEL
from ronda.territory.models import OrgUnit

logger = logging.getLogger(__name__)

# Rows per dry-run / write batch, and how often the progress is written.
BATCH_ROWS = 20_000
PROGRESS_EVERY = 20_000
# Rejected rows kept in the report (the count says how many more there were).
MAX_REPORTED_ERRORS = 5000
# An XLSX is a ZIP: what it may unpack to, at most (a "ZIP bomb" is refused before openpyxl reads it).
XLSX_UNPACKED_FACTOR = 20

FIELDS = ("data_element", "option_combo", "org_unit", "period", "value", "comment")
REQUIRED = ("data_element", "org_unit", "period", "value")
HEADER_ALIASES = {
    # Ronda's own names
    "data_element": "data_element",
    "option_combo": "option_combo",
    "org_unit": "org_unit",
    "period": "period",
    "value": "value",
    "comment": "comment",
    # DHIS2's CSV
    "dataelement": "data_element",
    "categoryoptioncombo": "option_combo",
    "orgunit": "org_unit",
    "attributeoptioncombo": "attribute_option_combo",
    # Spanish
    "elemento": "data_element",
    "elemento_de_datos": "data_element",
    "desagregacion": "option_combo",
    "unidad": "org_unit",
    "unidad_organizativa": "org_unit",
    "periodo": "period",
    "valor": "value",
    "comentario": "comment",
}
# What no text file holds (C0 controls but tab, line feed, carriage return): a binary file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv"


class FileProblem(Exception):
    """The file as a whole cannot be read (no header, missing columns, a broken CSV): nothing is imported."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- The upload -----------------------------------------------------------------------------
def _fold(text: str) -> str:
    normalized = unicodedata.normalize("NFKD", str(text).strip().lower())
    return "".join(c for c in normalized if not unicodedata.combining(c)).replace(" ", "_").replace("-", "_")


def _size(upload: IO[bytes] | Any) -> int:
    upload.seek(0, 2)
    size = int(upload.tell())
    upload.seek(0)
    return size


def _csv_encoding(upload: IO[bytes] | Any) -> str:
    """The encoding the CSV is written in (UTF-8 first), read in chunks; UploadRejected for binary data."""
    encodings = ["utf-8-sig", "cp1252", "latin-1"]
    for encoding in encodings:
        decoder = codecs.getincrementaldecoder(encoding)()
        upload.seek(0)
        try:
            while chunk := upload.read(uploads.CHUNK_BYTES):
                text = decoder.decode(chunk)
                if _CONTROL.search(text):
                    raise uploads.UploadRejected(
                        _("This is not a CSV text file. Save the sheet as CSV (UTF-8) and try again.")
                    )
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            upload.seek(0)
        return encoding
    raise uploads.UploadRejected(_("The file is not readable text. Save it as CSV UTF-8."))  # pragma: no cover


def _check_xlsx(upload: IO[bytes] | Any, name: str, size: int) -> None:
    damaged = _("%(name)s is damaged or incomplete: it cannot be opened.") % {"name": name}
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise uploads.UploadRejected(damaged) from exc
    finally:
        upload.seek(0)
    if "xl/workbook.xml" not in names:
        raise uploads.UploadRejected(_("%(name)s is not an Excel workbook (XLSX).") % {"name": name})
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise uploads.UploadRejected(
            _("%(name)s contains macros; save it as a plain Excel workbook (XLSX).") % {"name": name}
        )
    if unpacked > max(size, 1024 * 1024) * XLSX_UNPACKED_FACTOR:
        raise uploads.UploadRejected(damaged)
    from openpyxl import load_workbook

    try:
        book = load_workbook(upload, read_only=True, data_only=True)
        try:
            if not book.worksheets:
                raise uploads.UploadRejected(damaged)
        finally:
            book.close()
    except uploads.UploadRejected:
        raise
    except Exception as exc:  # whatever openpyxl cannot read is not a workbook
        raise uploads.UploadRejected(damaged) from exc
    finally:
        upload.seek(0)


def check_upload(upload: IO[bytes] | Any, *, name: str) -> tuple[str, str]:
    """The format of an uploaded file of values and, for a CSV, its encoding; UploadRejected otherwise."""
    limit = settings.RONDA_IMPORT_MAX_BYTES
    size = _size(upload)
    if size > limit:
        raise uploads.UploadRejected(
            _("%(name)s is larger than %(mb)d MB. Split it into smaller files.")
            % {"name": name, "mb": limit // (1024 * 1024)}
        )
    if size == 0:
        raise uploads.UploadRejected(_("The file is empty."))
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        _check_xlsx(upload, name, size)
        return ImportFormat.XLSX, ""
    if uploads.sniff(head) is not None or zipfile.is_zipfile(upload):
        upload.seek(0)
        raise uploads.UploadRejected(_("%(name)s is not a CSV or Excel (XLSX) file of values.") % {"name": name})
    upload.seek(0)
    return ImportFormat.CSV, _csv_encoding(upload)


@transaction.atomic
def request_import(*, actor: Actor, upload: IO[bytes] | Any, name: str) -> ValueImport:
    """Check the upload, store it and queue the check job (UploadRejected: nothing was stored)."""
    if not policies_imports.can_import(actor):
        raise PermissionDenied
    unit = actor.org_unit
    assert unit is not None
    file_format, encoding = check_upload(upload, name=name)
    value_import = ValueImport(
        org_unit=unit,
        requested_by=actor.user,
        file_name=name[:255],
        format=file_format,
        status=ImportStatus.QUEUED,
        report={"encoding": encoding, "language": translation.get_language() or settings.LANGUAGE_CODE},
    )
    extension = "xlsx" if file_format == ImportFormat.XLSX else "csv"
    upload.seek(0)
    files.save_in_transaction(value_import.file, f"valores.{extension}", File(upload))
    value_import.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=value_import,
        org_unit=unit,
        changes=audit.diff({}, audit.snapshot(value_import, ("file_name", "format", "status"))),
    )
    from ronda.tablero.jobs import check_import as check_job  # the job module imports this one

    jobs.enqueue_on_commit(check_job, actor, value_import.pk)
    return value_import


@transaction.atomic
def request_apply(*, actor: Actor, value_import: ValueImport) -> ValueImport:
    """Queue the apply job of a checked import without rejected rows (PermissionDenied otherwise)."""
    locked = policies_imports.get_import(actor, value_import.pk)
    locked = ValueImport.objects.select_for_update().get(pk=locked.pk)
    if locked.status != ImportStatus.CHECKED or locked.report.get("errors"):
        raise PermissionDenied
    _set_status(actor, locked, ImportStatus.APPLYING, processed_rows=0)
    from ronda.tablero.jobs import apply_import as apply_job

    jobs.enqueue_on_commit(apply_job, actor, locked.pk)
    return locked


def _set_status(actor: Acting, value_import: ValueImport, status: str, **fields: Any) -> None:
    before = value_import.status
    value_import.status = status
    for name, value in fields.items():
        setattr(value_import, name, value)
    if status in (ImportStatus.CHECKED, ImportStatus.APPLIED, ImportStatus.REJECTED, ImportStatus.FAILED):
        value_import.finished_at = timezone.now()
    value_import.version += 1
    value_import.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=value_import,
        org_unit=value_import.org_unit,
        changes={"status": [before, status]},
    )


def mark_failed(import_id: int) -> None:
    """The job could not run (or was refused): the page says so."""
    with transaction.atomic():
        found = (
            ValueImport.objects.select_for_update()
            .select_related("org_unit")
            .filter(pk=import_id, status__in=(ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.APPLYING))
            .first()
        )
        if found is not None:
            _set_status(SYSTEM, found, ImportStatus.FAILED)
    if bulk.available():
        bulk.drop_stage(import_id)  # a failed import is never applied


# --- Reading rows -----------------------------------------------------------------------------
@dataclass
class RawRow:
    number: int
    cells: dict[str, str]


def _text(value: object) -> str:
    """An XLSX cell as the text a CSV would hold (12.0 → "12", a date → its ISO day)."""
    if type(value) is str:  # every CSV cell: the common case first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return str(Decimal(repr(value)))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _plain(text: str) -> str:
    """A cell as it was before an export neutralised it ("'=1" → "=1"): an export comes back unchanged."""
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def _columns(header: Sequence[object]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        canonical = HEADER_ALIASES.get(_fold(_text(title)))
        if canonical and canonical not in columns:
            columns[canonical] = index
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise FileProblem(
            _("Missing columns: %(columns)s. The header must be: %(header)s.")
            % {"columns": ", ".join(missing), "header": ", ".join(FIELDS)}
        )
    return columns


def _rows_from(lines: Iterator[Sequence[object]]) -> Iterator[RawRow]:
    try:
        header = next(lines, None)
        if header is None:
            raise FileProblem(_("The file has no header row."))
        columns = _columns(header)
        for number, values in enumerate(lines, start=2):
            cells = {name: _plain(_text(values[i])) if i < len(values) else "" for name, i in columns.items()}
            if not any(cells.values()):
                continue
            yield RawRow(number, cells)
    except csv.Error as exc:
        raise FileProblem(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc


def _csv_lines(binary: IO[bytes], encoding: str) -> Iterator[list[str]]:
    text = io.TextIOWrapper(binary, encoding=encoding or "utf-8-sig", newline="")
    first = text.readline()
    text.seek(0)
    delimiter = max((";", ",", "\t"), key=first.count) if first else ","
    yield from csv.reader(text, delimiter=delimiter, strict=True)


def _xlsx_lines(binary: IO[bytes]) -> Iterator[Sequence[object]]:
    from openpyxl import load_workbook

    book = load_workbook(binary, read_only=True, data_only=True)
    try:
        yield from book.worksheets[0].iter_rows(values_only=True)
    finally:
        book.close()


def read_rows(value_import: ValueImport) -> Iterator[RawRow]:
    """The data rows of the import's file, one at a time (FileProblem for a file that cannot be read)."""
    with value_import.file.open("rb") as binary:
        if value_import.format == ImportFormat.XLSX:
            yield from _rows_from(iter(_xlsx_lines(binary)))
        else:
            yield from _rows_from(iter(_csv_lines(binary, value_import.report.get("encoding", ""))))


def count_rows(value_import: ValueImport) -> int:
    """How many data rows ``read_rows`` yields (for the progress bar), counted without building them."""
    if value_import.format == ImportFormat.XLSX:
        return sum(1 for _row in read_rows(value_import))
    with value_import.file.open("rb") as binary:
        lines = iter(_csv_lines(binary, value_import.report.get("encoding", "")))
        try:
            header = next(lines, None)
            if header is None:
                raise FileProblem(_("The file has no header row."))
            positions = list(_columns(header).values())
            return sum(1 for values in lines if any(values[i].strip() for i in positions if i < len(values)))
        except csv.Error as exc:
            raise FileProblem(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc


# --- Resolving codes ----------------------------------------------------------------------------
_AMBIGUOUS = object()


class Resolver:
    """The catalogue and the units an import may name, loaded once: codes and uids to objects."""

    def __init__(self, actor: Acting, unit: OrgUnit) -> None:
        self.elements: dict[str, Any] = {}
        elements: list[DataElement] = list(
            DataElement.objects.filter(policies.catalogue_owner_filter(actor), is_archived=False)
        )
        for element in elements:
            self.elements[element.uid] = element
        for element in elements:
            if element.code in self.elements and self.elements[element.code] is not element:
                self.elements[element.code] = _AMBIGUOUS
            else:
                self.elements[element.code] = element
        self.combos: dict[tuple[int, str], CategoryOptionCombo] = {}
        self.defaults: dict[int, CategoryOptionCombo] = {}
        combo_ids = {e.category_combo_id for e in elements}
        for coc in CategoryOptionCombo.objects.filter(combo_id__in=combo_ids):
            self.combos[(coc.combo_id, coc.uid)] = coc
            self.combos.setdefault((coc.combo_id, coc.code), coc)
            if coc.uid == DEFAULT_OPTION_COMBO_UID:
                self.defaults[coc.combo_id] = coc
        self.units: dict[str, OrgUnit] = {}
        # Only what the import reads of a unit (not its geometry or population): 50,000 communities.
        units = OrgUnit.objects.filter(path__startswith=unit.path, is_active=True).only(
            "id", "uid", "code", "name", "path", "level", "parent_id", "is_active"
        )
        for org_unit in units:
            self.units[org_unit.uid] = org_unit
            self.units.setdefault(org_unit.code, org_unit)

    def resolve(self, row: RawRow) -> tuple[services.ValueInput | None, list[services.RowError]]:
        cells = row.cells
        errors: list[services.RowError] = []

        def reject(name: str, message: str) -> None:
            errors.append(services.RowError(row.number, name, message))

        element = self.elements.get(cells["data_element"])
        if element is _AMBIGUOUS:
            reject(
                "data_element",
                _("The code %(code)s names two data elements: write its uid.") % {"code": cells["data_element"][:50]},
            )
            element = None
        elif element is None:
            reject(
                "data_element",
                _("There is no data element with the code “%(code)s”.") % {"code": cells["data_element"][:50]},
            )
        coc: CategoryOptionCombo | None = None
        if element is not None:
            code = cells.get("option_combo", "")
            coc = (
                self.combos.get((element.category_combo_id, code))
                if code
                else self.defaults.get(element.category_combo_id)
            )
            if coc is None and code.lower() == "default":
                coc = self.defaults.get(element.category_combo_id)
            if coc is None:
                if code:
                    reject(
                        "option_combo",
                        _("“%(code)s” is not a disaggregation of %(element)s.")
                        % {"code": code[:50], "element": element.code},
                    )
                else:
                    reject(
                        "option_combo",
                        _("%(element)s is disaggregated: write the disaggregation.") % {"element": element.code},
                    )
        attribute = cells.get("attribute_option_combo", "")
        if attribute and attribute != DEFAULT_OPTION_COMBO_UID and attribute.lower() != "default":
            reject("attribute_option_combo", _("Attribute option combinations are not used: leave the column empty."))
        unit = self.units.get(cells["org_unit"])
        if unit is None:
            reject(
                "org_unit",
                _("There is no org unit with the code “%(code)s” within your scope.")
                % {"code": cells["org_unit"][:50]},
            )
        try:
            iso_periods.parse(cells["period"])
        except iso_periods.InvalidPeriod:
            reject(
                "period",
                _("“%(period)s” is not a period (write 202403, 2024Q1, 2024S1 or 2024).")
                % {"period": cells["period"][:20]},
            )
        if errors or element is None or coc is None or unit is None:
            return None, errors
        item = services.ValueInput(
            data_element=element,
            option_combo=coc,
            org_unit=unit,
            period=cells["period"],
            value=cells["value"],
            comment=cells.get("comment", ""),
            row=row.number,
        )
        return item, errors


@dataclass
class Batch:
    values: list[services.ValueInput] = field(default_factory=list)
    errors: list[services.RowError] = field(default_factory=list)
    rows: int = 0


def batches(actor: Acting, value_import: ValueImport, *, size: int | None = None) -> Iterator[Batch]:
    """The file's rows resolved, ``size`` at a time, with the rows that could not be (and repeated ones)."""
    resolver = Resolver(actor, value_import.org_unit)
    size = size or BATCH_ROWS
    seen: set[int] = set()  # services.value_key of every value read so far
    batch = Batch()
    for row in read_rows(value_import):
        batch.rows += 1
        item, errors = resolver.resolve(row)
        batch.errors.extend(errors)
        if item is not None:
            key = services.value_key(
                item.data_element.id, item.option_combo.id, item.org_unit.id, iso_periods.parse(item.period)
            )
            if key in seen:
                batch.errors.append(services.RowError(row.number, "value", _("This value appears twice.")))
            else:
                seen.add(key)
                batch.values.append(item)
        if batch.rows >= size:
            yield batch
            batch = Batch()
    if batch.rows:
        yield batch


def _progress(value_import: ValueImport, **fields: int) -> None:
    # Its own short transaction: the page (another connection) sees it at once.
    with transaction.atomic():
        ValueImport.objects.filter(pk=value_import.pk).update(**fields)


def _error_order(error: services.RowError) -> tuple[int, int]:
    return (error.row or 0, FIELDS.index(error.field) if error.field in FIELDS else len(FIELDS))


def _errors_json(errors: Sequence[services.RowError]) -> list[dict[str, Any]]:
    ordered = sorted(errors, key=_error_order)
    return [{"row": e.row, "field": e.field, "message": e.message} for e in ordered[:MAX_REPORTED_ERRORS]]


def _claim(actor: Acting, value_import: ValueImport, expected: str, status: str) -> ValueImport | None:
    with transaction.atomic():
        locked = ValueImport.objects.select_for_update().select_related("org_unit").get(pk=value_import.pk)
        if locked.status != expected:
            return None
        if status != expected:
            _set_status(actor, locked, status)
        return locked


def _finish(actor: Acting, value_import: ValueImport, status: str, report: dict[str, Any], **fields: Any) -> None:
    with transaction.atomic():
        locked = ValueImport.objects.select_for_update().select_related("org_unit").get(pk=value_import.pk)
        _set_status(actor, locked, status, report={**locked.report, **report}, **fields)


# --- Rules between elements ----------------------------------------------------------------------
def _rule_rows(values: Sequence[services.ValueInput]) -> list[services.ValueInput]:
    """The rows a rule between elements reads ("of which" ≤ total, ``tablero.rules``): kept for the
    whole file, since the two sides of a rule may come in different batches."""
    codes = {code for rule in rules.RULES for code in rule.element_codes}
    return [item for item in values if item.data_element.code in codes]


# --- The check (dry run) ----------------------------------------------------------------------------
def check(*, actor: Actor, import_id: int) -> ValueImport | None:
    """The check job's work: every row resolved and dry-run through ``save_values``; the report."""
    value_import = policies_imports.get_import(actor, import_id)  # asks the policy again (404: refused)
    claimed = _claim(actor, value_import, ImportStatus.QUEUED, ImportStatus.CHECKING)
    if claimed is None:
        return None
    # The report is written in the language of the person who uploaded the file.
    with translation.override(claimed.report.get("language") or settings.LANGUAGE_CODE):
        return _check(actor, claimed)


class _Stager:
    """On PostgreSQL, the check writes every row it resolved and checked to the import's staging
    table (``bulk``: decision 0017, "Third measurement"), for the apply to write from in SQL: the
    batch and row, the ids the codes resolved to, the number the value stands for, the comment.
    It stops at the first rejected row (a rejected import is never applied) and the table is then
    dropped. The versions of the data elements are kept with it: if one changes before the apply
    (its type, its bounds, its disaggregation), the apply reads the file again instead."""

    def __init__(self, value_import: ValueImport) -> None:
        self.import_id = value_import.pk
        self.active = bulk.available()
        self.created = False
        self.rows = 0
        self.versions: dict[int, int] = {}
        self.period_ids: dict[str, int] = {}
        if self.active:
            try:
                with transaction.atomic():
                    bulk.create_stage(self.import_id)
            except DatabaseError:
                # A database role that may not create tables: the apply will read the file again.
                logger.warning("value import %s: no staging table", self.import_id, exc_info=True)
                self.active = False
            else:
                self.created = True

    def add(self, number: int, checked: Sequence[tuple[services.ValueInput, Decimal | None]]) -> None:
        if not self.active:
            return
        isos = {iso_periods.parse(item.period) for item, _value in checked}
        missing = [p for p in isos if p.iso not in self.period_ids]
        if missing:  # stored by the dry run already (``ensure_periods``): one query
            self.period_ids.update({iso: p.pk for iso, p in aggregation.ensure_periods(missing).items()})
        rows: list[bulk.StagedRow] = []
        for item, value in checked:
            element = item.data_element
            self.versions[element.id] = element.version
            assert item.row is not None  # every row of a file carries its number
            rows.append(
                (
                    number,
                    item.row,
                    element.id,
                    item.option_combo.id,
                    item.org_unit.id,
                    self.period_ids[iso_periods.parse(item.period).iso],
                    value,
                    item.comment.strip(),
                )
            )
        bulk.stage(self.import_id, rows)
        self.rows += len(rows)

    def stop(self) -> None:
        self.active = False

    def finish(self, checked: bool) -> dict[str, Any]:
        """What the report keeps of the staging (nothing when there is none)."""
        if not self.created:
            return {}
        if not (checked and self.active):
            bulk.drop_stage(self.import_id)
            return {}
        bulk.finish_stage(self.import_id)
        return {"staged": {"rows": self.rows, "elements": {str(pk): v for pk, v in sorted(self.versions.items())}}}

    def abandon(self) -> None:
        if self.created:
            bulk.drop_stage(self.import_id)


def _check(actor: Actor, claimed: ValueImport) -> ValueImport:
    stager: _Stager | None = None
    try:
        total = count_rows(claimed)
        if total == 0:
            raise FileProblem(_("The file has no data rows."))
        _progress(claimed, total_rows=total, processed_rows=0)
        stager = _Stager(claimed)
        counts = {"imported": 0, "updated": 0, "deleted": 0, "unchanged": 0}
        # The first MAX_REPORTED_ERRORS problems are kept (in row order), the rest only counted.
        kept: list[services.RowError] = []
        problems = 0
        rejected: set[int | None] = set()
        processed = 0
        ruled: list[services.ValueInput] = []
        for number, batch in enumerate(batches(actor, claimed)):
            ruled += _rule_rows(batch.values)
            found = list(batch.errors)
            if batch.values:
                result = services.save_values(
                    actor=actor,
                    values=batch.values,
                    atomic=False,
                    dry_run=True,
                    action=TableroAction.VALUES_IMPORTED,
                    keep_checked=stager.active,
                )
                found += result.errors
                found += entry.check_not_approved(batch.values)
                counts["imported"] += result.imported
                counts["updated"] += result.updated
                counts["deleted"] += result.deleted
                counts["unchanged"] += result.ignored
                if found:
                    stager.stop()
                else:
                    stager.add(number, result.checked)
            elif found:
                stager.stop()
            problems += len(found)
            rejected.update(e.row for e in found)
            if found and len(kept) < MAX_REPORTED_ERRORS:
                kept += sorted(found, key=_error_order)[: MAX_REPORTED_ERRORS - len(kept)]
            processed += batch.rows
            if processed % PROGRESS_EVERY < batch.rows or processed == total:
                _progress(claimed, processed_rows=min(processed, total))
        # The rules, over the whole file (what it holds over what is stored), as the entry form and
        # the DHIS2 API check them.
        broken = entry.rule_errors(ruled)
        problems += len(broken)
        rejected.update(e.row for e in broken)
        if broken and len(kept) < MAX_REPORTED_ERRORS:
            kept += sorted(broken, key=_error_order)[: MAX_REPORTED_ERRORS - len(kept)]
        report = {
            "counts": counts,
            "errors": _errors_json(kept),
            "rejected_rows": len(rejected),
            "more_errors": problems - len(kept),
        }
        status = ImportStatus.REJECTED if problems else ImportStatus.CHECKED
        report.update(stager.finish(status == ImportStatus.CHECKED))
        _finish(actor, claimed, status, report, total_rows=total, processed_rows=total)
    except FileProblem as exc:
        if stager is not None:
            stager.abandon()
        _finish(actor, claimed, ImportStatus.REJECTED, {"file_error": exc.message})
    except Exception:
        logger.exception("value import %s could not be checked", claimed.pk)
        if stager is not None:
            stager.abandon()
        _finish(actor, claimed, ImportStatus.FAILED, {"failure": _("The file could not be checked.")})
        raise
    claimed.refresh_from_db()
    return claimed


# --- Applying ------------------------------------------------------------------------------------------
def write_batch(actor: Acting, values: Sequence[services.ValueInput]) -> services.SaveResult:
    """One batch written (atomic; ``ValuesRejected`` when a row fails), never into an approved period:
    ``save_values`` locks the data set periods until the import commits, so an approval waits for it."""
    return services.save_values(actor=actor, values=values, atomic=True, action=TableroAction.VALUES_IMPORTED)


class _Refused(Exception):
    """Rows the apply refuses (permissions, approvals, rules): the first ones and how many in all."""

    def __init__(self, errors: list[services.RowError], rows: int) -> None:
        super().__init__(f"{rows} rows refused")
        self.errors = errors
        self.rows = rows


def apply(*, actor: Actor, import_id: int) -> ValueImport | None:
    """The apply job's work: every row written in one transaction, or none."""
    value_import = policies_imports.get_import(actor, import_id)
    claimed = _claim(actor, value_import, ImportStatus.APPLYING, ImportStatus.APPLYING)
    if claimed is None or "applied" in claimed.report:
        return None
    with translation.override(claimed.report.get("language") or settings.LANGUAGE_CODE):
        return _apply(actor, claimed)


def _apply(actor: Actor, claimed: ValueImport) -> ValueImport:
    path = "file"
    try:
        with transaction.atomic():
            counts = _apply_staged(actor, claimed) if bulk.available() else None
            if counts is not None:
                path = "staged"
            else:
                counts = _apply_file(actor, claimed)
    except (services.ValuesRejected, _Refused) as exc:
        if isinstance(exc, _Refused):
            errors, rows = exc.errors, exc.rows
        else:
            errors, rows = exc.result.errors, len({e.row for e in exc.result.errors})
        _finish(
            actor,
            claimed,
            ImportStatus.REJECTED,
            {
                "errors": _errors_json(errors),
                "rejected_rows": rows,
                "failure": _("The values changed since the check: nothing was written."),
            },
        )
    except FileProblem as exc:
        _finish(actor, claimed, ImportStatus.REJECTED, {"file_error": exc.message})
    except Exception:
        logger.exception("value import %s could not be applied", claimed.pk)
        _finish(
            actor, claimed, ImportStatus.FAILED, {"failure": _("The import could not be applied: nothing was written.")}
        )
        raise
    else:
        _finish(
            actor,
            claimed,
            ImportStatus.APPLIED,
            {"applied": counts, "applied_from": path},
            processed_rows=claimed.total_rows,
        )
    finally:
        # Applied, refused or failed, the import is done with: its staging table goes (the apply
        # that committed dropped it already).
        if bulk.available():
            bulk.drop_stage(claimed.pk)
    claimed.refresh_from_db()
    return claimed


def _apply_file(actor: Actor, claimed: ValueImport) -> dict[str, int]:
    """The portable path (SQLite; an import without staging): the file read and resolved again,
    written through ``save_values`` batch by batch, the rules checked again at the end."""
    counts = {"imported": 0, "updated": 0, "deleted": 0, "unchanged": 0}
    ruled: list[services.ValueInput] = []
    for batch in batches(actor, claimed):
        if batch.errors:
            raise services.ValuesRejected(services.SaveResult(errors=batch.errors))
        if batch.values:
            ruled += _rule_rows(batch.values)
            result = write_batch(actor, batch.values)
            counts["imported"] += result.imported
            counts["updated"] += result.updated
            counts["deleted"] += result.deleted
            counts["unchanged"] += result.ignored
    # Once everything is written (in this transaction): the rules still hold, whatever
    # changed since the check.
    broken = entry.rule_errors(ruled)
    if broken:
        raise services.ValuesRejected(services.SaveResult(errors=broken))
    return counts


def _apply_staged(actor: Actor, claimed: ValueImport) -> dict[str, int] | None:
    """PostgreSQL: the values and their cells written from the staging table the check filled, in
    set-based statements, with what ``save_values`` checks at write time checked again in SQL: the
    actor's permission on every unit, the approved periods (under their row locks), then, once the
    values are written, the rules between elements. None (nothing done) when the staging table is
    missing or incomplete, or the catalogue or the units changed since the check: the caller reads
    the file again (``_apply_file``), which reports row by row what changed."""
    staged = claimed.report.get("staged")
    if not staged or bulk.staged_rows(claimed.pk) != staged.get("rows"):
        return None  # checked before staging existed, or emptied by a crash of the database
    work = bulk.StagedApply(claimed.pk, leaf_level=LEAF_LEVEL)
    element_ids = work.elements()
    versions = dict(
        DataElement.objects.filter(policies.catalogue_owner_filter(actor), is_archived=False, pk__in=element_ids)
        .order_by()
        .values_list("pk", "version")
    )
    if versions != {int(pk): version for pk, version in staged.get("elements", {}).items()}:
        return None
    scope = claimed.org_unit.path
    refused: dict[int, str] = {}
    for pk, unit_path, name, active in work.units():
        if not active or not unit_path.startswith(scope):
            return None  # a unit deactivated or moved away: the file's codes resolve differently now
        if not policies.can_enter_values(actor, OrgUnit(pk=pk, path=unit_path, name=name)):
            refused[pk] = name
    if refused:
        rows, total = work.rows_of_units(list(refused), MAX_REPORTED_ERRORS)
        message = _("You cannot enter values for %(unit)s.")
        raise _Refused(
            [services.RowError(row, "org_unit", message % {"unit": refused[unit]}) for row, unit in rows], total
        )
    approved, total = work.approved(MAX_REPORTED_ERRORS)
    if approved:
        message = _("The period %(period)s of %(unit)s is approved: reopen it to change its values.")
        raise _Refused(
            [services.RowError(row, "period", message % {"period": iso, "unit": name}) for row, iso, name in approved],
            total,
        )
    counts = work.prepare()
    containing, within, single = _period_map(work.periods())
    involved = work.remember_before(within, single_period=single)
    user = actor.user if is_person(actor) else None
    work.write_values(stored_by_id=user.pk if user is not None else None, now=timezone.now())
    # Once the values are written (in this transaction): the rules still hold, whatever changed
    # since the check.
    specs = _rule_specs(element_ids)
    broken, total = work.rule_breaks(specs, MAX_REPORTED_ERRORS)
    if broken:
        messages = {index: str(rule.message) for index, rule in enumerate(rules.RULES)}
        raise _Refused([services.RowError(row, "value", messages[index]) for row, index in broken], total)
    work.write_cells(containing=containing, involved=involved > 0, single_period=single)
    units: dict[int, OrgUnit | None] = {}
    for _batch, imported, updated, deleted, written, low, high in work.batches():
        audit.record(
            actor=actor,
            action=TableroAction.VALUES_IMPORTED,
            target=None,
            org_unit=_deepest_common_unit(low, high, units),
            changes={"imported": imported, "updated": updated, "deleted": deleted, "values": written},
        )
    work.close()
    return counts


def _period_map(period_ids: Sequence[int]) -> tuple[list[tuple[int, int]], list[int], bool]:
    """For the staged periods: (period, itself or a coarser period it counts in) pairs, the stored
    periods inside the span of those, and whether there is only one staged period."""
    stored = {p.pk: p for p in Period.objects.filter(pk__in=period_ids)}
    wanted: dict[int, tuple[iso_periods.Period, ...]] = {}
    for pk, period in stored.items():
        wanted[pk] = iso_periods.containing(
            iso_periods.Period(
                start=period.start_date, end=period.end_date, period_type=period.period_type, iso=period.iso
            )
        )
    rows = aggregation.ensure_periods(p for group in wanted.values() for p in group)
    pairs = [(pk, rows[p.iso].pk) for pk, group in wanted.items() for p in group]
    if not wanted:
        return pairs, [], True
    start = min(p.start for group in wanted.values() for p in group)
    end = max(p.end for group in wanted.values() for p in group)
    within = list(Period.objects.filter(start_date__gte=start, end_date__lte=end).values_list("pk", flat=True))
    return pairs, within, len(wanted) == 1


def _rule_specs(element_ids: Sequence[int]) -> list[bulk.RuleSpec]:
    """The rules the staged elements take part in, as ``entry.rule_errors`` selects them: each side's
    elements by code, among those of the same owners."""
    staged = list(DataElement.objects.filter(pk__in=element_ids).values_list("code", "owner_id"))
    codes = {code for code, _owner in staged}
    candidates = [(i, rule) for i, rule in enumerate(rules.RULES) if codes & set(rule.element_codes)]
    if not candidates:
        return []
    wanted = {code for _i, rule in candidates for code in rule.element_codes}
    owners = {owner for _code, owner in staged}
    by_code: dict[str, list[int]] = {}
    for pk, code in DataElement.objects.filter(code__in=wanted, owner_id__in=owners).values_list("pk", "code"):
        by_code.setdefault(code, []).append(pk)
    specs: list[bulk.RuleSpec] = []
    for index, rule in candidates:
        left_code, left_combo = rule.side(rule.left)
        right_code, right_combo = rule.side(rule.right)
        specs.append(
            (index, by_code.get(left_code, []), left_combo, rule.operator, by_code.get(right_code, []), right_combo)
        )
    return specs


def _deepest_common_unit(low: str, high: str, found: dict[int, OrgUnit | None]) -> OrgUnit | None:
    """The deepest unit holding every path between ``low`` and ``high`` (``services.values._common_unit``:
    the common prefix of a set of paths is that of its lowest and its highest)."""
    prefix = low[
        : next((i for i, (a, b) in enumerate(zip(low, high, strict=False)) if a != b), min(len(low), len(high)))
    ]
    prefix = prefix[: prefix.rfind(".") + 1]
    if not prefix:
        return None
    pk = int(prefix.rstrip(".").split(".")[-1])
    if pk not in found:
        found[pk] = OrgUnit.objects.filter(pk=pk).first()
    return found[pk]

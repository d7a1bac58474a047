"""CSV import of org units: a dry run that reports every row, then an all-or-nothing apply.

Columns: code, name, level, parent_code (Spanish headers codigo, nombre, nivel, codigo_padre
are accepted too). Comma or semicolon separated, UTF-8 (Excel's Windows-1252 is accepted).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ronda.core import audit
from ronda.core.models import AuditAction, AuditEvent
from ronda.core.tenancy import Actor
from ronda.territory import policies
from ronda.territory.models import Level, OrgUnit, path_segment

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000

HEADER_ALIASES = {
    "code": "code",
    "codigo": "code",
    "name": "name",
    "nombre": "name",
    "level": "level",
    "nivel": "level",
    "parent_code": "parent_code",
    "parent": "parent_code",
    "codigo_padre": "parent_code",
    "padre": "parent_code",
}

LEVEL_ALIASES = {
    "1": Level.COUNTRY,
    "country": Level.COUNTRY,
    "pais": Level.COUNTRY,
    "2": Level.REGION,
    "region": Level.REGION,
    "provincia": Level.REGION,
    "estado": Level.REGION,
    "departamento": Level.REGION,
    "3": Level.MUNICIPALITY,
    "municipality": Level.MUNICIPALITY,
    "municipio": Level.MUNICIPALITY,
    "canton": Level.MUNICIPALITY,
    "4": Level.COMMUNITY,
    "community": Level.COMMUNITY,
    "comunidad": Level.COMMUNITY,
    "barrio": Level.COMMUNITY,
    "parroquia": Level.COMMUNITY,
    "distrito": Level.COMMUNITY,
}


class Status:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


STATUS_LABELS = {
    Status.CREATE: gettext_lazy("New"),
    Status.UPDATE: gettext_lazy("Name changes"),
    Status.UNCHANGED: gettext_lazy("No changes"),
    Status.ERROR: pgettext_lazy("import row", "Rejected"),
}


@dataclass
class ImportRow:
    line: int
    code: str
    name: str
    level_raw: str
    parent_code: str
    level: int | None = None
    status: str = Status.CREATE
    errors: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    def reject(self, message: str) -> None:
        self.status = Status.ERROR
        self.errors.append(message)


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def error_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.status == Status.ERROR]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.error_rows

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def created(self) -> int:
        return self.count(Status.CREATE)

    @property
    def updated(self) -> int:
        return self.count(Status.UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(Status.UNCHANGED)


def _fold(text: str) -> str:
    """Lower-case without accents: 'Cantón' and 'canton' name the same level."""
    normalized = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in normalized if not unicodedata.combining(c)).replace(" ", "_")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def parse_rows(data: bytes, report: ImportReport) -> list[ImportRow]:
    if len(data) > MAX_BYTES:
        report.file_errors.append(_("The file is larger than 5 MB. Split it into smaller files."))
        return []
    if b"\x00" in data:  # anywhere: PostgreSQL cannot store NUL in text
        report.file_errors.append(_("This is not a CSV text file. Save the sheet as CSV (UTF-8) and try again."))
        return []
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        report.file_errors.append(_("The file is not readable text. Save it as CSV UTF-8."))
        return []
    if not text.strip():
        report.file_errors.append(_("The file is empty."))
        return []
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        report.file_errors.append(_("The file has no header row."))
        return []
    columns = [HEADER_ALIASES.get(_fold(h), "") for h in header]
    missing = [c for c in ("code", "name", "level", "parent_code") if c not in columns]
    if missing:
        report.file_errors.append(
            _("Missing columns: %(columns)s. The header must be: code, name, level, parent_code.")
            % {"columns": ", ".join(missing)}
        )
        return []
    index = {name: columns.index(name) for name in ("code", "name", "level", "parent_code")}
    rows: list[ImportRow] = []
    try:
        for line_number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                report.file_errors.append(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
                return []

            def cell(name: str, values: list[str] = values) -> str:
                i = index[name]
                return values[i].strip() if i < len(values) else ""

            rows.append(
                ImportRow(
                    line=line_number,
                    code=cell("code"),
                    name=cell("name"),
                    level_raw=cell("level"),
                    parent_code=cell("parent_code"),
                )
            )
    except csv.Error as exc:
        report.file_errors.append(_("The CSV file is malformed: %(error)s") % {"error": exc})
        return []
    if not rows:
        report.file_errors.append(_("The file has no data rows."))
    return rows


def validate(actor: Actor, rows: list[ImportRow]) -> None:
    """Mark every row create / update / unchanged / error, with every reason in Spanish."""
    # 1. Each row on its own.
    for row in rows:
        if not row.code:
            row.reject(_("The code is empty."))
        elif len(row.code) > 50:
            row.reject(_("The code is longer than 50 characters."))
        if not row.name:
            row.reject(_("The name is empty."))
        elif len(row.name) > 200:
            row.reject(_("The name is longer than 200 characters."))
        row.level = LEVEL_ALIASES.get(_fold(row.level_raw)) if row.level_raw else None
        if row.level is None:
            row.reject(
                _("Unknown level “%(level)s”: use 1–4 or country, region, municipality, community.")
                % {"level": row.level_raw}
            )
        elif row.level == Level.COUNTRY and row.parent_code:
            row.reject(_("A country cannot have a parent."))
        elif row.level != Level.COUNTRY and not row.parent_code:
            row.reject(_("This level needs a parent code."))
        if row.code and row.code == row.parent_code:
            row.reject(_("A unit cannot be its own parent."))

    # 2. Duplicates inside the file: every occurrence is reported.
    seen: dict[str, list[ImportRow]] = {}
    for row in rows:
        if row.code:
            seen.setdefault(row.code, []).append(row)
    for code, same in seen.items():
        if len(same) > 1:
            lines = ", ".join(str(r.line) for r in same)
            for row in same:
                row.reject(
                    _("The code %(code)s appears more than once (lines %(lines)s).") % {"code": code, "lines": lines}
                )

    # 3. Against the database. Only the units the actor may see exist for the import: a code
    # elsewhere is reported exactly like an unknown one, with nothing about its level or parent.
    row_codes = {r.code for r in rows if r.code}
    codes = row_codes | {r.parent_code for r in rows if r.parent_code}
    existing = {u.code: u for u in policies.visible_org_units(actor).filter(code__in=codes).select_related("parent")}
    # Codes are unique in the whole tree, so one used out of sight still cannot be created here.
    taken_elsewhere = set(OrgUnit.objects.filter(code__in=row_codes - existing.keys()).values_list("code", flat=True))
    by_code = {r.code: r for r in rows if r.code and len(seen.get(r.code, [])) == 1}

    for row in rows:
        unit = existing.get(row.code)
        if unit is not None and row.level is not None:
            current_parent = unit.parent.code if unit.parent_id and unit.parent else ""
            if unit.level != row.level:
                row.reject(_("The unit %(code)s already exists with another level.") % {"code": row.code})
            elif current_parent != row.parent_code:
                row.reject(_("The unit %(code)s already exists under another parent.") % {"code": row.code})
            elif not policies.can_edit_org_unit(actor, unit):
                row.reject(_("You cannot change the unit %(code)s.") % {"code": row.code})
            elif row.status != Status.ERROR:
                row.status = Status.UNCHANGED if unit.name == row.name else Status.UPDATE

    # 4. Parents: known, of the right level, no cycles, within the actor's scope.
    for row in rows:
        if row.code in existing or row.level is None:
            continue
        if not row.parent_code:
            if row.level == Level.COUNTRY and not policies.can_create_child(actor, None, Level.COUNTRY):
                row.reject(_("You cannot add countries."))
            continue
        parent_unit = existing.get(row.parent_code)
        parent_row = by_code.get(row.parent_code)
        if parent_unit is not None:
            if parent_unit.level != row.level - 1:
                row.reject(
                    _("The parent %(parent)s is a %(parent_level)s; a %(level)s needs a %(expected)s.")
                    % {
                        "parent": row.parent_code,
                        "parent_level": parent_unit.get_level_display().lower(),
                        "level": Level(row.level).label.lower(),
                        "expected": Level(row.level - 1).label.lower(),
                    }
                )
            elif not policies.can_create_child(actor, parent_unit, row.level):
                row.reject(_("You cannot add units under %(parent)s.") % {"parent": row.parent_code})
        elif parent_row is not None and parent_row is not row:
            if _in_cycle(row, by_code):
                row.reject(_("The parent chain of this row loops back to itself (cycle)."))
            elif parent_row.level is not None and parent_row.level != row.level - 1:
                row.reject(
                    _("The parent %(parent)s (line %(line)d) has the wrong level for a %(level)s.")
                    % {"parent": row.parent_code, "line": parent_row.line, "level": Level(row.level).label.lower()}
                )
            elif not actor.is_admin and row.level != Level.COMMUNITY:
                row.reject(_("You cannot add units under %(parent)s.") % {"parent": row.parent_code})
        else:
            row.reject(_("The parent code %(parent)s does not exist.") % {"parent": row.parent_code})

    # A row that is otherwise fine but whose code is used out of sight: said the way the unit form
    # says it (the code is taken), and never where that unit lives, at which level or under what.
    for row in rows:
        if row.code in taken_elsewhere and row.status != Status.ERROR:
            row.reject(_("Another unit already uses the code %(code)s.") % {"code": row.code})

    # 5. A row whose parent row is rejected cannot be created either (repeat until stable).
    changed = True
    while changed:
        changed = False
        for row in rows:
            parent_row = by_code.get(row.parent_code)
            if row.status != Status.ERROR and parent_row is not None and parent_row.status == Status.ERROR:
                row.reject(_("Its parent (line %(line)d) was rejected.") % {"line": parent_row.line})
                changed = True


def _in_cycle(row: ImportRow, by_code: dict[str, ImportRow]) -> bool:
    visited = {row.code}
    current = by_code.get(row.parent_code)
    while current is not None:
        if current.code in visited:
            return True
        visited.add(current.code)
        current = by_code.get(current.parent_code)
    return False


def import_org_units(*, actor: Actor, data: bytes, apply: bool) -> ImportReport:
    """Validate the whole file; with ``apply`` and no errors, write it all in one transaction."""
    if not policies.can_import_org_units(actor):
        raise PermissionDenied
    report = ImportReport()
    rows = parse_rows(data, report)
    report.rows = rows
    if report.file_errors:
        return report
    if not apply:
        validate(actor, rows)
        return report
    try:
        with transaction.atomic():
            # Validate again inside the write transaction: another import may have run since the dry run.
            validate(actor, rows)
            if report.ok:
                _apply(actor, rows)
                report.applied = True
    except IntegrityError:
        report.applied = False
        report.file_errors.append(
            _("Another change to the same units was saved at the same time. Check the file again.")
        )
    return report


@transaction.atomic
def _apply(actor: Actor, rows: list[ImportRow]) -> None:
    codes = {r.code for r in rows} | {r.parent_code for r in rows if r.parent_code}
    units = {u.code: u for u in OrgUnit.objects.select_for_update().filter(code__in=codes)}
    events: list[AuditEvent] = []
    for level in Level.values:
        new_rows = [r for r in rows if r.status == Status.CREATE and r.level == level]
        if not new_rows:
            continue
        created = OrgUnit.objects.bulk_create(
            [OrgUnit(code=r.code, name=r.name, level=level, parent=units.get(r.parent_code), path="") for r in new_rows]
        )
        if any(u.pk is None for u in created):  # pragma: no cover - both supported databases return ids
            raise RuntimeError("bulk_create did not return primary keys")
        for unit in created:
            parent = units.get(unit.parent.code) if unit.parent_id and unit.parent else None
            unit.path = (parent.path if parent else "") + path_segment(unit.pk)
            units[unit.code] = unit
        OrgUnit.objects.bulk_update(created, ["path"], batch_size=1000)
        for unit in created:
            events.append(
                audit.build_event(
                    actor=actor,
                    action=AuditAction.CREATE,
                    target=unit,
                    org_unit=unit,
                    changes=audit.diff({}, audit.snapshot(unit)),
                )
            )
    for row in rows:
        if row.status == Status.UPDATE:
            unit = units[row.code]
            old_name = unit.name
            OrgUnit.objects.filter(pk=unit.pk).update(name=row.name, version=unit.version + 1)
            unit.name = row.name
            events.append(
                audit.build_event(
                    actor=actor,
                    action=AuditAction.UPDATE,
                    target=unit,
                    org_unit=unit,
                    changes={"name": [old_name, row.name]},
                )
            )
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    audit.record(
        actor=actor,
        action=AuditAction.IMPORT,
        target=None,
        org_unit=actor.org_unit,
        changes={
            "created": sum(1 for r in rows if r.status == Status.CREATE),
            "updated": sum(1 for r in rows if r.status == Status.UPDATE),
        },
    )

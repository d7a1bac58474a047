"""The staged apply of an import (PostgreSQL, decision 0017 "Third measurement"): the check writes
its resolved rows to a staging table of the import's own, the apply re-checks permissions and
approvals on it in SQL and writes the values, the rules' check and the cells from it.

On PostgreSQL these tests run the staged path (and compare it with the portable one, which reads
the file again through ``save_values``); on SQLite there is no staging and they run the portable
path: what the tests assert of the result (atomicity, refusals, the figures) holds for both.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import translation

from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.tablero import aggregation, bulk, imports, policies, services, verify
from ronda.tablero import periods as iso_periods
from ronda.tablero.models import (
    AggregateValue,
    AggregationType,
    DataSetPeriod,
    DataValue,
    ImportStatus,
    PeriodStatus,
    TableroAction,
    ValueImport,
    ValueType,
)
from ronda.territory.models import OrgUnit
from ronda.testing import World, make_unit

pytestmark = pytest.mark.django_db

HEADER = "data_element,option_combo,org_unit,period,value,comment\n"
STAGED = connection.vendor == "postgresql"  # the only database with a staged apply
# What the apply reports it read its rows from.
EXPECTED_PATH = "staged" if STAGED else "file"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def place(world: World) -> dict[str, Any]:
    """The world's country A with a second municipality (and its community) in the same region, a
    secretariat actor who imports for the whole country, and a catalogue: a count by sex, a rate,
    and the two sides of an "of which" rule (timely registrations ≤ live births)."""
    third = make_unit("A-M3", 3, world.region, "Municipio tres")
    make_unit("A-M3-C", 4, third, "Comunidad tres")
    user = world.home["secretariat"]
    actor = actor_for(user, user.memberships.get(), second_factor=True)
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
    made = {"NNA": children}
    for code, name, value_type, aggregation_type in (
        ("TASA", "Tasa de asistencia", ValueType.NUMBER, AggregationType.AVERAGE),
        ("NAC_VIVOS", "Nacidos vivos", ValueType.INTEGER_ZERO_OR_POSITIVE, AggregationType.SUM),
        ("INSC_OPORTUNA", "Inscripción oportuna", ValueType.INTEGER_ZERO_OR_POSITIVE, AggregationType.SUM),
    ):
        made[code] = services.create_data_element(
            actor=SYSTEM,
            owner=world.country,
            code=code,
            name=name,
            value_type=value_type,
            aggregation_type=aggregation_type,
        )
    cocs = {coc.code: coc for coc in children.category_combo.option_combos.all()}
    return {
        "actor": actor,
        "elements": made,
        "f": next(code for code, coc in cocs.items() if "Mujeres" in coc.name),
        "m": next(code for code, coc in cocs.items() if "Hombres" in coc.name),
        "cocs": cocs,
        "units": {
            u.code: u
            for u in OrgUnit.objects.filter(code__in=["A-R", "A-M", "A-M-C", "A-M2", "A-M2-C", "A-M3", "A-M3-C"])
        },
    }


def store(place: dict[str, Any], rows: list[tuple[str, str | None, str, str, Any]]) -> None:
    """Values stored before the import, through the service (element, option combination code or
    None for the default, unit code, period, value)."""
    items = []
    for code, coc, unit, period, value in rows:
        element = place["elements"][code]
        option = place["cocs"][place[coc]] if coc else services.default_combo().option_combos.get()
        items.append(services.ValueInput(element, option, place["units"][unit], period, value))
    services.save_values(actor=SYSTEM, values=items)


def checked(actor: Actor, content: str) -> ValueImport:
    """A file uploaded (by someone reading English: the tests read the msgids) and checked (the
    check job's work, run here)."""
    upload = SimpleUploadedFile("valores.csv", content.encode())
    with translation.override("en"):
        value_import = imports.request_import(actor=actor, upload=upload, name="valores.csv")
    done = imports.check(actor=actor, import_id=value_import.pk)
    assert done is not None
    return done


def applied(actor: Actor, value_import: ValueImport) -> ValueImport:
    """The apply asked for and run (the apply job's work)."""
    imports.request_apply(actor=actor, value_import=value_import)
    done = imports.apply(actor=actor, import_id=value_import.pk)
    assert done is not None
    return done


def snapshot() -> dict[str, Any]:
    """Everything an apply writes: the values, the cells, the import events of the trail."""
    values = sorted(
        DataValue.objects.values_list(
            "data_element_id",
            "option_combo_id",
            "org_unit_id",
            "period__iso",
            "value",
            "deleted",
            "comment",
            "stored_by_id",
        )
    )
    cells = sorted(
        AggregateValue.objects.values_list(
            "data_element_id",
            "option_combo_id",
            "org_unit_id",
            "period__iso",
            "total",
            "count",
            "last_total",
            "minimum",
            "maximum",
        )
    )
    events = list(
        AuditEvent.objects.filter(action=TableroAction.VALUES_IMPORTED)
        .order_by("pk")
        .values_list("org_unit_id", "changes", "actor_id")
    )
    return {"values": values, "cells": cells, "events": events}


def staged_rows(value_import: ValueImport) -> int | None:
    return bulk.staged_rows(value_import.pk) if STAGED else None


# Stored before the import: updated, deleted, unchanged, commented, shadowed and quarterly values.
BEFORE = [
    ("NNA", "f", "A-M-C", "202401", 5),
    ("NNA", "m", "A-M-C", "202401", 7),
    ("NNA", "f", "A-M2-C", "202401", 3),
    ("NNA", "f", "A-M", "202402", 4),
    ("TASA", None, "A-M-C", "202402", 50),
    ("TASA", None, "A-M3", "2024Q1", 20),
    ("NAC_VIVOS", None, "A-M", "202401", 20),
]
# The file: every kind of change (rows 2 …).
CHANGES = [
    ("NNA", "f", "A-M-C", "202401", "9", ""),  # up: the old value was the cells' minimum
    ("NNA", "m", "A-M-C", "202401", "", ""),  # deleted: the only value of its cells
    ("NNA", "f", "A-M2-C", "202401", "3", ""),  # unchanged
    ("NNA", "f", "A-M", "202402", "4", "revisado"),  # only the comment
    ("NNA", "m", "A-M2-C", "202402", "2", ""),  # new
    ("NNA", "f", "A-M-C", "202402", "1", ""),  # a second period of a changing series
    ("TASA", None, "A-M-C", "202401", "30", ""),  # new, before a later stored month
    ("TASA", None, "A-M3", "202403", "40", ""),  # new, the latest of a quarter holding a value
    ("TASA", None, "A-M3-C", "2024Q1", "12,5", ""),  # a quarterly value
    ("INSC_OPORTUNA", None, "A-M", "202401", "15", ""),  # ≤ the stored 20 births
    ("NAC_VIVOS", None, "A-M3", "202401", "8", ""),
    ("INSC_OPORTUNA", None, "A-M3", "202401", "8", ""),  # = the births of the same file
    ("TASA", None, "A-R", "202401", "70", ""),  # a region's own value
    ("NNA", "f", "A-M3-C", "202403", "0", ""),  # a zero that is no data: nothing to do
    ("NNA", "m", "A-M-C", "202403", "", ""),  # nothing to delete
]
# A new month: no value stored in its year (what a national monthly import is, and what the
# staged apply writes without reading any stored value).
NEW_MONTH = [
    ("NNA", "f", "A-M-C", "202505", "9", ""),
    ("NNA", "m", "A-M-C", "202505", "4", "nuevo"),
    ("NNA", "f", "A-M2-C", "202505", "3", ""),
    ("NNA", "m", "A-M3-C", "202505", "6", ""),
    ("NNA", "f", "A-M", "202505", "2", ""),
    ("TASA", None, "A-M3", "202505", "1,25", ""),
    ("NAC_VIVOS", None, "A-M2-C", "202505", "8", ""),
    ("INSC_OPORTUNA", None, "A-M2-C", "202505", "8", ""),
]

# The same with a region's own value (units of two levels), and over two months (distinct series).
SCENARIOS = {
    "changes": CHANGES,
    "new_month": NEW_MONTH,
    "new_month_two_levels": [*NEW_MONTH, ("TASA", None, "A-R", "202505", "7", "")],
    "two_new_months": [*NEW_MONTH[:4], *[(*r[:3], "202506", *r[4:]) for r in NEW_MONTH[4:]]],
}


def csv_of(place: dict[str, Any], rows: list[tuple[str, str | None, str, str, str, str]]) -> str:
    lines = [
        f'{code},{place[coc] if coc else ""},{unit},{period},"{value}",{comment}\n'
        for code, coc, unit, period, value, comment in rows
    ]
    return HEADER + "".join(lines)


def run(place: dict[str, Any], content: str, *, portable: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Check and apply ``content`` on a savepoint, take what was written, roll it back."""
    with monkeypatch.context() as patch:
        if portable:
            patch.setattr(imports, "_apply_staged", lambda _actor, _import: None)
        sid = transaction.savepoint()
        try:
            value_import = checked(place["actor"], content)
            assert value_import.status == ImportStatus.CHECKED, value_import.report
            staged = staged_rows(value_import)
            done = applied(place["actor"], value_import)
            assert done.status == ImportStatus.APPLIED, done.report
            taken = snapshot()
            taken["counts"] = done.report["applied"]
            taken["from"] = done.report["applied_from"]
            taken["staged"] = staged
            taken["left"] = staged_rows(done)
            taken["differences"] = verify.verify_country(place["units"]["A-R"].parent).different
        finally:
            transaction.savepoint_rollback(sid)
    return taken


# --- The same result as the portable path ------------------------------------------------------------
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("batch_rows", [4, imports.BATCH_ROWS])
def test_the_staged_apply_writes_what_the_portable_apply_writes(
    place: dict[str, Any], monkeypatch: pytest.MonkeyPatch, scenario: str, batch_rows: int
) -> None:
    """Values, cells (every figure), counts and the trail's import events (one per batch, as
    ``save_values`` writes them) are the same whichever way the rows are written."""
    monkeypatch.setattr(imports, "BATCH_ROWS", batch_rows)
    store(place, BEFORE)
    content = csv_of(place, SCENARIOS[scenario])
    before = snapshot()
    portable = run(place, content, portable=True, monkeypatch=monkeypatch)
    staged = run(place, content, portable=False, monkeypatch=monkeypatch)
    assert snapshot() == before  # both runs were rolled back
    assert portable["from"] == "file"
    assert staged["from"] == EXPECTED_PATH
    rows = len(SCENARIOS[scenario])
    if STAGED:
        assert staged["staged"] == rows  # every row checked is staged
    assert portable["left"] is None and staged["left"] is None  # no staging table left behind
    for key in ("values", "cells", "events", "counts"):
        assert staged[key] == portable[key], key
    assert staged["differences"] == 0  # the cells are the values' (tablero_verify)
    assert staged["values"] != before["values"]
    if scenario == "changes":
        assert staged["counts"] == {"imported": 9, "updated": 2, "deleted": 1, "unchanged": 3}
        assert len(staged["events"]) == (4 if batch_rows == 4 else 1)
    else:
        assert staged["counts"] == {"imported": rows, "updated": 0, "deleted": 0, "unchanged": 0}


# --- Atomicity ------------------------------------------------------------------------------------------
def test_a_failure_in_the_middle_of_the_apply_writes_nothing_and_leaves_no_staging(
    place: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The values are written, then writing the cells fails: nothing stays, not even the staging rows."""
    store(place, BEFORE)
    before = snapshot()
    value_import = checked(place["actor"], csv_of(place, CHANGES))
    assert value_import.status == ImportStatus.CHECKED
    assert staged_rows(value_import) == (len(CHANGES) if STAGED else None)
    written: list[int] = []

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        written.append(DataValue.objects.count())
        raise RuntimeError("disk full")

    if STAGED:
        monkeypatch.setattr(bulk.StagedApply, "write_cells", broken)
    else:
        monkeypatch.setattr(aggregation.AggregateUpdate, "apply", broken)
    with pytest.raises(RuntimeError):
        applied(place["actor"], value_import)
    value_import.refresh_from_db()
    assert value_import.status == ImportStatus.FAILED
    assert "nothing was written" in value_import.report["failure"]
    assert written and written[0] > len(before["values"])  # the values had been written when it failed
    assert snapshot() == before
    assert staged_rows(value_import) is None


def test_a_rejected_check_keeps_no_staging(place: dict[str, Any]) -> None:
    content = csv_of(place, NEW_MONTH) + "NOEXISTE,,A-M,202505,1,\n"
    value_import = checked(place["actor"], content)
    assert value_import.status == ImportStatus.REJECTED
    assert "staged" not in value_import.report
    assert staged_rows(value_import) is None


# --- Checked again at apply time -----------------------------------------------------------------------
def test_a_period_approved_between_the_check_and_the_apply_is_refused(place: dict[str, Any]) -> None:
    data_set = services.create_data_set(
        actor=SYSTEM,
        owner=place["units"]["A-R"].parent,
        code="DS",
        name="Mensual",
        period_type="Monthly",
        level=3,
        data_elements=[place["elements"]["TASA"]],
    )
    before = snapshot()
    value_import = checked(place["actor"], csv_of(place, NEW_MONTH))
    assert value_import.status == ImportStatus.CHECKED
    period = aggregation.ensure_periods([iso_periods.parse("202505")])["202505"]
    DataSetPeriod.objects.create(
        data_set=data_set, org_unit=place["units"]["A-M3"], period=period, status=PeriodStatus.APPROVED
    )
    done = applied(place["actor"], value_import)
    assert done.status == ImportStatus.REJECTED
    assert "nothing was written" in done.report["failure"]
    row = 2 + [r[2] for r in NEW_MONTH].index("A-M3")  # the file's row of the rate of A-M3
    assert [(e["row"], e["field"]) for e in done.report["errors"]] == [(row, "period")]
    assert "202505" in done.report["errors"][0]["message"] and "approved" in done.report["errors"][0]["message"]
    assert done.report["rejected_rows"] == 1
    assert snapshot() == before
    assert staged_rows(done) is None


def test_a_stored_value_changed_between_the_check_and_the_apply_breaks_a_rule_and_is_refused(
    place: dict[str, Any],
) -> None:
    """Checked against 20 stored births; they are lowered to 5 before the apply: the 15 timely
    registrations break the rule once written, and nothing is written."""
    store(place, BEFORE)
    value_import = checked(place["actor"], csv_of(place, CHANGES))
    assert value_import.status == ImportStatus.CHECKED
    store(place, [("NAC_VIVOS", None, "A-M", "202401", 5)])
    before = snapshot()
    done = applied(place["actor"], value_import)
    assert done.status == ImportStatus.REJECTED
    row = 2 + [(r[0], r[2]) for r in CHANGES].index(("INSC_OPORTUNA", "A-M"))
    assert [e["row"] for e in done.report["errors"]] == [row]
    assert "live births" in done.report["errors"][0]["message"]
    assert snapshot() == before
    assert staged_rows(done) is None


def test_the_permission_is_asked_again_for_every_unit_at_apply_time(
    place: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot()
    value_import = checked(place["actor"], csv_of(place, NEW_MONTH))
    assert value_import.status == ImportStatus.CHECKED
    real = policies.can_enter_values
    monkeypatch.setattr(
        policies,
        "can_enter_values",
        lambda actor, unit: unit.path != place["units"]["A-M3-C"].path and real(actor, unit),
    )
    done = applied(place["actor"], value_import)
    assert done.status == ImportStatus.REJECTED
    row = 2 + [r[2] for r in NEW_MONTH].index("A-M3-C")
    assert [(e["row"], e["field"]) for e in done.report["errors"]] == [(row, "org_unit")]
    assert "Comunidad tres" in done.report["errors"][0]["message"]
    assert snapshot() == before


def test_an_element_changed_since_the_check_sends_the_apply_back_to_the_file(place: dict[str, Any]) -> None:
    """The staged numbers were read under the element's rules of the check: once it is archived the
    apply reads the file again, which no longer resolves its code, and refuses."""
    value_import = checked(place["actor"], csv_of(place, NEW_MONTH))
    assert value_import.status == ImportStatus.CHECKED
    rate = place["elements"]["TASA"]
    services.set_archived(actor=SYSTEM, instance=rate, expected_version=rate.version)
    done = applied(place["actor"], value_import)
    assert done.status == ImportStatus.REJECTED
    assert not DataValue.objects.exists()
    assert staged_rows(done) is None


def test_a_staging_table_lost_since_the_check_is_replaced_by_the_file(place: dict[str, Any]) -> None:
    """An unlogged table is emptied by a crash of the database: the apply reads the file instead."""
    value_import = checked(place["actor"], csv_of(place, NEW_MONTH))
    if STAGED:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {connection.ops.quote_name(bulk.STAGE_PREFIX + str(value_import.pk))}")
    done = applied(place["actor"], value_import)
    assert done.status == ImportStatus.APPLIED
    assert done.report["applied_from"] == "file"
    assert done.report["applied"]["imported"] == len(NEW_MONTH)
    assert DataValue.objects.count() == len(NEW_MONTH)


def test_two_imports_checked_at_once_apply_their_own_rows(place: dict[str, Any]) -> None:
    first = checked(place["actor"], csv_of(place, NEW_MONTH[:3]))
    second = checked(place["actor"], csv_of(place, [(*r[:3], "202506", *r[4:]) for r in NEW_MONTH[3:]]))
    assert first.status == second.status == ImportStatus.CHECKED
    if STAGED:
        assert (staged_rows(first), staged_rows(second)) == (3, len(NEW_MONTH) - 3)
    done = applied(place["actor"], first)
    assert done.report["applied"]["imported"] == 3 and done.report["applied_from"] == EXPECTED_PATH
    assert set(DataValue.objects.values_list("period__iso", flat=True)) == {"202505"}
    assert DataValue.objects.count() == 3
    assert staged_rows(first) is None
    if STAGED:
        assert staged_rows(second) == len(NEW_MONTH) - 3
    done = applied(place["actor"], second)
    assert done.report["applied"]["imported"] == len(NEW_MONTH) - 3
    assert DataValue.objects.filter(period__iso="202506").count() == len(NEW_MONTH) - 3
    assert verify.verify_country(place["units"]["A-R"].parent).different == 0


def test_the_staged_numbers_are_the_parsed_ones(place: dict[str, Any]) -> None:
    """ "1,25" is 1.25 and a zero that is no data is not stored."""
    content = csv_of(place, [("TASA", None, "A-M3", "202505", "1,25", "ok"), ("NNA", "f", "A-M", "202505", "0", "")])
    done = applied(place["actor"], checked(place["actor"], content))
    assert done.status == ImportStatus.APPLIED
    stored = DataValue.objects.get()
    assert (stored.value, stored.comment) == (Decimal("1.25"), "ok")
    assert done.report["applied"] == {"imported": 1, "updated": 0, "deleted": 0, "unchanged": 1}

"""Issue #8 item 4: one way to write. The versioned update, the error collector, typed fields."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ronda.accounts.models import User
from ronda.core.errors import ConflictError, Errors
from ronda.core.models import AuditEvent
from ronda.core.services import VersionedUpdate, check_editable, event_by_new_value, versioned_update
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.territory import services as territory_services
from ronda.territory.models import Level, OrgUnit
from ronda.testing import World

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def updates_of(captured: CaptureQueriesContext, table: str) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith(f'UPDATE "{table}"')]


def events_of(target: Any) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).order_by("id")
    )


# --- The versioned update -----------------------------------------------------------------
def test_only_changed_columns_are_written_with_the_version_and_one_event(world: World) -> None:
    unit = world.community
    with CaptureQueriesContext(connection) as captured:
        fresh = versioned_update(
            actor=SYSTEM,
            instance=unit,
            expected_version=1,
            changes={"name": "Comunidad Norte", "code": unit.code, "is_active": True},
            org_unit=unit,
        )
    [sql] = updates_of(captured, "territory_orgunit")
    set_clause = sql.split(" SET ")[1].split(" WHERE ")[0]
    assert '"name"' in set_clause and '"version"' in set_clause and '"updated_at"' in set_clause
    assert '"code"' not in set_clause and '"is_active"' not in set_clause  # unchanged: not written
    assert fresh is not unit and (fresh.name, fresh.version) == ("Comunidad Norte", 2)
    assert OrgUnit.objects.get(pk=unit.pk).version == 2
    [event] = events_of(unit)
    assert event.action == "update" and event.changes == {"name": ["Comunidad A", "Comunidad Norte"]}
    assert (event.actor_username, event.org_unit_path) == ("system", unit.path)


def test_nothing_changed_writes_nothing(world: World) -> None:
    unit = world.community
    with CaptureQueriesContext(connection) as captured:
        versioned_update(actor=SYSTEM, instance=unit, expected_version=1, changes={"name": unit.name}, org_unit=unit)
    assert updates_of(captured, "territory_orgunit") == []
    assert OrgUnit.objects.get(pk=unit.pk).version == 1
    assert events_of(unit) == []


def test_a_stale_version_is_a_conflict_and_nothing_is_written(world: World) -> None:
    unit = world.community
    versioned_update(actor=SYSTEM, instance=unit, expected_version=1, changes={"name": "Primera"}, org_unit=unit)
    with pytest.raises(ConflictError):
        versioned_update(actor=SYSTEM, instance=unit, expected_version=1, changes={"name": "Otra"}, org_unit=unit)
    assert OrgUnit.objects.get(pk=unit.pk).name == "Primera"
    assert len(events_of(unit)) == 1


def test_validate_sees_the_changed_row_and_refuses_before_anything_is_written(world: World) -> None:
    unit = world.community
    seen: list[str] = []

    def refuse(row: OrgUnit) -> None:
        seen.append(row.name)
        raise ValidationError({"name": "no"})

    with pytest.raises(ValidationError):
        versioned_update(
            actor=SYSTEM, instance=unit, expected_version=1, changes={"name": "Nueva"}, org_unit=unit, validate=refuse
        )
    assert seen == ["Nueva"]
    stored = OrgUnit.objects.get(pk=unit.pk)
    assert (stored.name, stored.version, unit.name) == ("Comunidad A", 1, "Comunidad A")
    assert events_of(unit) == []


def test_personal_fields_are_redacted_by_the_helper_itself(world: World) -> None:
    user = world.home["coordinator"]
    user.email = "ana.secreta@example.org"
    user.save(update_fields=["email"])
    versioned_update(
        actor=SYSTEM,
        instance=user,
        expected_version=None,
        changes={"email": "otra.secreta@example.org", "first_name": "Ana"},
        org_unit=None,
    )
    assert User.objects.get(pk=user.pk).email == "otra.secreta@example.org"
    [event] = events_of(user)
    assert event.changes["email"] == ["[redacted]", "[redacted]"]  # User.PERSONAL_FIELDS
    assert event.changes["first_name"] == ["", "Ana"]
    assert "secreta" not in str(event.changes)


def test_the_action_follows_what_changed(world: World) -> None:
    choose = event_by_new_value("is_active", {False: "switched_off"}, other_change="switched_on")
    assert choose({"name": ["a", "b"]}) == "update"
    assert choose({"is_active": [True, False]}) == "switched_off"
    assert choose({"is_active": [False, True]}) == "switched_on"
    unit = world.community
    versioned_update(
        actor=SYSTEM, instance=unit, expected_version=1, changes={"is_active": False}, org_unit=unit, action=choose
    )
    assert [e.action for e in events_of(unit)] == ["switched_off"]


def test_state_beyond_the_columns_is_audited_and_bumps_the_version(world: World) -> None:
    unit = world.community
    links = {"partners": [1]}
    update = VersionedUpdate(unit, 1, state=lambda row: {"partners": list(links["partners"])})
    links["partners"] = [1, 2]  # e.g. a many-to-many written by the service
    with CaptureQueriesContext(connection) as captured:
        changes = update.save(actor=SYSTEM, org_unit=unit)
    assert changes == {"partners": [[1], [1, 2]]}
    [sql] = updates_of(captured, "territory_orgunit")
    assert '"name"' not in sql and '"version"' in sql
    assert OrgUnit.objects.get(pk=unit.pk).version == 2
    assert events_of(unit)[0].changes == {"partners": [[1], [1, 2]]}


def test_touch_moves_the_version_on_without_an_empty_event(world: World) -> None:
    unit = world.community
    assert VersionedUpdate(unit, 1).save(actor=SYSTEM, org_unit=unit, touch=True) == {}
    assert OrgUnit.objects.get(pk=unit.pk).version == 2
    assert events_of(unit) == []


@pytest.mark.parametrize("name", ["version", "updated_at", "id", "children", "no_such_field"])
def test_only_editable_columns_can_be_applied(world: World, name: str) -> None:
    with pytest.raises(ValueError, match="not an editable column"):
        VersionedUpdate(world.community, 1).apply({name: 1})


def test_an_update_is_saved_once(world: World) -> None:
    update = VersionedUpdate(world.community, 1)
    update.apply({"name": "Una vez"})
    update.save(actor=SYSTEM, org_unit=world.community)
    with pytest.raises(RuntimeError):
        update.save(actor=SYSTEM, org_unit=world.community)


def test_a_forgotten_actor_raises_before_the_row_is_locked(world: World) -> None:
    with pytest.raises(TypeError, match="never None"):
        versioned_update(
            actor=None,  # type: ignore[arg-type]
            instance=world.community,
            expected_version=1,
            changes={"name": "Nadie"},
            org_unit=world.community,
        )
    assert OrgUnit.objects.get(pk=world.community.pk).name == "Comunidad A"


@pytest.mark.django_db(transaction=True)
def test_an_update_outside_the_service_transaction_is_refused() -> None:
    with transaction.atomic():
        unit = territory_services.create_org_unit(
            actor=SYSTEM, code="T", name="País T", level=Level.COUNTRY, parent=None
        )
    with pytest.raises(transaction.TransactionManagementError):
        VersionedUpdate(unit, 1)


def test_the_update_services_lock_check_and_audit_through_the_helper(world: World) -> None:
    """A service that edits a record as a person would, end to end: the coordinator renames a unit."""
    coordinator = actor_for(world.home["coordinator"], world.home["coordinator"].memberships.get())
    territory_services.update_org_unit(actor=coordinator, unit=world.community, expected_version=1, name="Sur")
    [event] = events_of(world.community)
    assert event.changes == {"name": ["Comunidad A", "Sur"]} and event.actor_username == "coordinator.home"
    with pytest.raises(ConflictError):
        territory_services.update_org_unit(actor=coordinator, unit=world.community, expected_version=1, name="X")


# --- The error collector -----------------------------------------------------------------
def test_errors_are_collected_per_field_and_raised_together() -> None:
    errors = Errors()
    errors.raise_if_any()  # nothing found: nothing raised
    assert not errors and "title" not in errors
    errors.add("title", "Give it a title.")
    errors.add("__all__", "Not now.")
    errors.add("title", "Shorter, please.")
    assert errors and "title" in errors and "due" not in errors
    with pytest.raises(ValidationError) as exc:
        errors.raise_if_any()
    assert exc.value.message_dict == {"title": ["Give it a title.", "Shorter, please."], "__all__": ["Not now."]}


def test_a_key_that_is_not_editable_is_a_programming_error() -> None:
    check_editable({"name": "x"}, ("name", "code"))
    with pytest.raises(ValueError, match=r"not editable: \['level', 'path'\]"):
        check_editable({"name": "x", "path": "1.", "level": 2}, ("name", "code"))


# --- The shape of every service module ----------------------------------------------------
def _service_modules() -> list[Path]:
    return sorted(
        p for p in [*ROOT.glob("*/services.py"), *ROOT.glob("*/services/*.py")] if p != ROOT / "core" / "services.py"
    )


def test_no_service_writes_the_version_itself() -> None:
    """The lock / version / save / audit loop lives in core.services only."""
    offenders = []
    for module in _service_modules():
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            targets = [node.target] if isinstance(node, ast.AugAssign) else getattr(node, "targets", [])
            if any(isinstance(t, ast.Attribute) and t.attr == "version" for t in targets):
                offenders.append(str(module.relative_to(ROOT)))
    assert offenders == []


def test_no_service_takes_untyped_fields() -> None:
    """Editable fields are a TypedDict per model (``**fields: Unpack[...]``), never ``**fields: Any``."""
    untyped = []
    for module in _service_modules():
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.args.kwarg is not None:
                annotation = node.args.kwarg.annotation
                if annotation is None or "Unpack[" not in ast.unparse(annotation):
                    untyped.append(f"{module.relative_to(ROOT)}::{node.name}")
    assert untyped == []

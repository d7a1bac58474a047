"""Issue #8 item 1: Ronda acting by itself is an explicit SYSTEM actor; None is no longer "the system"."""

from __future__ import annotations

import pytest

from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM
from ronda.territory import services
from ronda.territory.models import AreaKind
from ronda.testing import World

pytestmark = pytest.mark.django_db


def test_the_system_actor_passes_service_checks_and_is_recorded_as_system(world: World) -> None:
    area = services.create_area(actor=SYSTEM, org_unit=world.municipality, kind=AreaKind.EDUCATION, name="Educación")
    event = AuditEvent.objects.get(target_type="territory.area", target_id=str(area.pk))
    assert (event.actor_id, event.actor_username, event.actor_role) == (None, "system", "")


def test_a_forgotten_actor_is_an_error_not_the_system(world: World) -> None:
    with pytest.raises(TypeError, match="never None"):
        services.create_area(
            actor=None,  # type: ignore[arg-type]
            org_unit=world.municipality,
            kind=AreaKind.EDUCATION,
            name="Educación",
        )
    assert not AuditEvent.objects.filter(target_type="territory.area").exists()


def test_every_service_checks_its_actor() -> None:
    """A public service that takes ``actor: Acting`` asks ``is_person`` (directly or through a
    ``_require…`` helper that does), so a None can never slip through as the system."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    modules = [
        *root.glob("*/services.py"),
        *root.glob("*/services/*.py"),
        root / "territory" / "importers.py",
        # The case route's services, by what they change (decision 0025).
        *root.glob("cases/route.py"),
        *root.glob("cases/casework.py"),
        *root.glob("cases/exports.py"),
    ]
    helpers_that_check: set[str] = set()
    unchecked: list[str] = []
    trees = {m: ast.parse(m.read_text(encoding="utf-8")) for m in modules}
    for tree in trees.values():
        for node in ast.walk(tree):
            is_helper = isinstance(node, ast.FunctionDef) and node.name.startswith("_require")
            if is_helper and "is_person(actor)" in ast.unparse(node):
                helpers_that_check.add(node.name)  # type: ignore[union-attr]
    for module, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            params = [*node.args.args, *node.args.kwonlyargs]
            if not any(
                p.arg == "actor" and p.annotation is not None and "Acting" in ast.unparse(p.annotation) for p in params
            ):
                continue
            body = ast.unparse(node)
            if "is_person(actor)" not in body and not any(f"{h}(actor" in body for h in helpers_that_check):
                unchecked.append(f"{module.relative_to(root)}::{node.name}")
    assert unchecked in ([], ["planning/services/common.py::record_change"]), unchecked

"""Measures are numbered line.objective.measure ("2.1.3") unless given a code; reports never show "": "."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.template.loader import render_to_string

from ronda.core.tenancy import SYSTEM
from ronda.planning import services
from ronda.planning.models import LocalPlan, Measure, Objective
from ronda.testing import World

pytestmark = pytest.mark.django_db


def add_measure(plan: LocalPlan, objective: Objective, world: World, code: str = "", **kwargs) -> Measure:  # type: ignore[no-untyped-def]
    plan.refresh_from_db()
    return services.create_measure(
        actor=SYSTEM,
        plan=plan,
        objective=objective,
        code=code,
        title=kwargs.pop("title", "Medida nueva"),
        responsible_area=world.area,
        horizon="short",
        start_date=dt.date(2025, 2, 1),
        end_date=dt.date(2025, 12, 31),
        **kwargs,
    )


def second_line(plan: LocalPlan) -> Objective:
    line = services.create_line(actor=SYSTEM, plan=plan, title="Participación", goal_area="participation")
    services.create_objective(actor=SYSTEM, line=line, title="Primero")
    return services.create_objective(actor=SYSTEM, line=line, title="Segundo")


def draft(world: World, education) -> LocalPlan:  # type: ignore[no-untyped-def]
    from ronda.planning.tests.conftest import build_plan

    return build_plan(world.municipality, world.area, education, approve=False)


def test_measures_without_a_code_are_numbered_by_line_and_objective(world: World, education) -> None:  # type: ignore[no-untyped-def]
    plan = draft(world, education)
    objective = second_line(plan)
    line_order, objective_order = objective.line.order, objective.order
    first = add_measure(plan, objective, world)
    second = add_measure(plan, objective, world, code="  ")
    given = add_measure(plan, objective, world, code="ESP-1")
    assert first.code == f"{line_order}.{objective_order}.1"
    assert second.code == f"{line_order}.{objective_order}.2"
    assert given.code == "ESP-1"
    assert re.fullmatch(r"\d+\.\d+\.\d+", first.code)
    # The first objective already holds the fixture's M-1 and M-2: its next measure is number 3.
    first_objective = plan.lines.order_by("order").first().objectives.order_by("order").first()  # type: ignore[union-attr]
    assert add_measure(plan, first_objective, world).code.endswith(".3")


def test_a_code_already_used_in_the_plan_is_skipped(world: World, education) -> None:  # type: ignore[no-untyped-def]
    plan = draft(world, education)
    objective = second_line(plan)
    prefix = f"{objective.line.order}.{objective.order}."
    add_measure(plan, objective, world, code=f"{prefix}1")
    assert add_measure(plan, objective, world).code == f"{prefix}2"
    assert add_measure(plan, objective, world, code=f"{prefix}3").code == f"{prefix}3"
    assert add_measure(plan, objective, world).code == f"{prefix}4"


def test_clearing_a_code_numbers_the_measure_again(world: World, education) -> None:  # type: ignore[no-untyped-def]
    plan = draft(world, education)
    objective = second_line(plan)
    measure = add_measure(plan, objective, world, code="X")
    updated = services.update_measure(actor=SYSTEM, measure=measure, expected_version=measure.version, code="")
    assert updated.code == f"{objective.line.order}.{objective.order}.1"


def test_the_migration_numbers_existing_measures(world: World, education) -> None:  # type: ignore[no-untyped-def]
    plan = draft(world, education)
    objective = second_line(plan)
    kept = add_measure(plan, objective, world, code="ESP-1")
    prefix = f"{objective.line.order}.{objective.order}."
    taken = add_measure(plan, objective, world, code=f"{prefix}2")
    empty = [add_measure(plan, objective, world, title=f"Sin código {n}") for n in range(2)]
    Measure.objects.filter(pk__in=[m.pk for m in empty]).update(code="")
    versions = {m.pk: m.version for m in Measure.objects.all()}
    migration = importlib.import_module("ronda.planning.migrations.0006_measure_codes")
    migration.number_measures(apps, None)
    codes = {m.pk: m.code for m in Measure.objects.all()}
    assert codes[kept.pk] == "ESP-1" and codes[taken.pk] == f"{prefix}2"
    # Two measures hold codes under this objective: the empty ones become 3 and 4 (2 is taken).
    assert [codes[m.pk] for m in empty] == [f"{prefix}3", f"{prefix}4"]
    assert {m.pk: m.version for m in Measure.objects.all()} == versions


def test_report_rows_have_no_stray_colon(world: World, plan: LocalPlan, measure: Measure) -> None:
    from ronda.accountability import documents, selectors
    from ronda.accountability.selectors import ReportKind
    from ronda.planning.services import ChangeRecord

    services.update_measure(
        actor=SYSTEM,
        measure=measure,
        expected_version=measure.version,
        title="Medida con título corregido",
        change=ChangeRecord(what="Título corregido", why="Errata", approved_by="Consejo"),
    )
    Measure.objects.filter(pk=measure.pk).update(code="")
    change_year = measure.plan.changes.get().changed_on.year
    data = selectors.report_data(plan, ReportKind.ANNUAL, change_year)
    html = render_to_string("accountability/report_pdf.html", documents.report_context(data))
    assert "Título corregido" in html
    assert "<td>: " not in html and ">: Título" not in html

"""Issue #8 item 3: accountability reads other domains only through what they publish.

Allowed from another Ronda app: its ``contracts`` (facts, as values), its ``policies`` (who may
read what) and its ``choices`` (published vocabularies); from territory also its ``selectors``
(the units every record belongs to), and ``territory.models`` for type annotations only (inside
``if TYPE_CHECKING:``). Never another domain's models, querysets, selectors or services, and no
way around the imports (``apps.get_model``, ``import_module``).

``PENDING`` lists the imports of files that other people are changing right now, each with its
replacement; it may only shrink: an entry that is no longer needed fails too.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Manager, Model, QuerySet
from django.template.loader import render_to_string

import ronda.accountability
from ronda.accountability import selectors
from ronda.accountability.selectors import ReportKind
from ronda.accountability.tests.test_accountability import YEAR, make_council_and_body, make_plan
from ronda.coordination import contracts as coordination_contracts
from ronda.council import contracts as council_contracts
from ronda.planning import contracts as planning_contracts
from ronda.testing import World

APP = "accountability"
ROOT = Path(ronda.accountability.__file__).parent
KERNEL = {"core"}
PUBLISHED = {"contracts", "policies", "choices"}
PUBLISHED_BY = {
    "territory": {"selectors"},
    # The Tablero sits below accountability (.importlinter): the situation report of children
    # (issue #10 item 9) is built from its read modules; never its services, pages or API.
    "tablero": {
        "analytics",
        "charts",
        "dashboards",
        "expressions",
        "models",
        "periods",
        "policies",
        "policies_dashboards",
        "policies_public",
        "publication",
        "selectors",
        "suppression",
    },
}
TYPE_ONLY = {"ronda.territory.models"}
# Vocabularies a models module defines: ``from ronda.territory.models import Level`` reads no row.
VOCABULARIES = {"ronda.territory.models": {"Level"}}
ESCAPES = {"get_model", "import_module", "__import__"}

# file -> {forbidden import: what replaces it}. Only ever remove entries.
PENDING: dict[str, dict[str, str]] = {}


def _sources() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in ("tests", "migrations"):
            continue
        yield path


def _type_checking_blocks(tree: ast.Module) -> set[int]:
    """Ids of the import nodes inside ``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else ""
            if name == "TYPE_CHECKING":
                inside.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return inside


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules an import brings in: ``from ronda.planning import policies`` is ``ronda.planning.policies``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: inside accountability
        return []
    module = node.module or ""
    if module.count(".") == 1 and module.startswith("ronda."):  # from ronda.planning import models
        return [f"{module}.{alias.name}" for alias in node.names]
    if module == "ronda":  # from ronda import planning
        return [f"ronda.{alias.name}" for alias in node.names]
    return [module]


def violations(source: str) -> list[str]:
    """Every import of ``source`` that breaks the rule, and every way around the imports."""
    tree = ast.parse(source)
    type_only = _type_checking_blocks(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in ESCAPES:
                found.append(f"{name}()")
            continue
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for module in _imported(node):
            parts = module.split(".")
            if parts[0] != "ronda" or len(parts) < 2 or parts[1] in (APP, *KERNEL):
                continue
            if len(parts) == 2 and parts[1] not in ("testing", "settings", "urls", "api"):
                found.append(module)  # the whole app: any of its modules could be reached
                continue
            app, submodule = parts[1], parts[2] if len(parts) > 2 else ""
            if submodule in PUBLISHED | PUBLISHED_BY.get(app, set()):
                continue
            if module in TYPE_ONLY and id(node) in type_only:
                continue
            names = {alias.name for alias in node.names} if isinstance(node, ast.ImportFrom) else set()
            if names and names <= VOCABULARIES.get(module, set()):
                continue
            found.append(module)
    return sorted(set(found))


def test_accountability_imports_only_what_other_domains_publish() -> None:
    problems = {}
    for path in _sources():
        name = str(path.relative_to(ROOT))
        extra = set(violations(path.read_text(encoding="utf-8"))) - set(PENDING.get(name, {}))
        if extra:
            problems[name] = sorted(extra)
    assert problems == {}, "accountability must read other domains through their contracts: " + str(problems)


def test_pending_exceptions_are_still_needed() -> None:
    for name, imports in PENDING.items():
        path = ROOT / name
        still = set(violations(path.read_text(encoding="utf-8"))) if path.exists() else set()
        stale = sorted(set(imports) - still)
        assert not stale, f"{name} no longer imports {stale}: remove them from PENDING"


def test_selectors_and_charts_import_no_exception_at_all() -> None:
    for name in ("selectors.py", "charts.py"):
        assert name not in PENDING
        assert violations((ROOT / name).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from ronda.planning.models import LocalPlan", ["ronda.planning.models"]),
        ("from ronda.planning import models", ["ronda.planning.models"]),
        ("import ronda.council.selectors", ["ronda.council.selectors"]),
        ("from ronda.coordination.selectors import body_summary", ["ronda.coordination.selectors"]),
        ("from ronda import planning", ["ronda.planning"]),
        ("from ronda.planning.services import plans", ["ronda.planning.services"]),
        ("from ronda.territory.models import OrgUnit", ["ronda.territory.models"]),
        ("from ronda.territory.models import Level", []),
        ("from ronda.territory.models import Level, OrgUnit", ["ronda.territory.models"]),
        ("from ronda.tablero import analytics, suppression", []),
        ("from ronda.tablero import services", ["ronda.tablero.services"]),
        ("from django.apps import apps\nM = apps.get_model('planning', 'LocalPlan')", ["get_model()"]),
        ("import importlib\nm = importlib.import_module('ronda.planning.models')", ["import_module()"]),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ronda.territory.models import OrgUnit", []),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ronda.planning.models import LocalPlan",
            ["ronda.planning.models"],
        ),
        ("from ronda.planning.contracts import plan_facts\nfrom ronda.planning import policies", []),
        ("from ronda.territory.selectors import UnitRef\nfrom ronda.core.tenancy import Actor", []),
        ("from ronda.accountability.models import GeneratedReport\nfrom .charts import line_progress", []),
    ],
)
def test_the_rule_tells_published_from_private(source: str, expected: list[str]) -> None:
    assert violations(source) == expected


# --- What the contracts hand out are values -------------------------------------------------------
PLAIN = (str, int, float, bool, Decimal, dt.date, type(None))


def assert_plain(value: object, where: str = "value") -> None:
    """Numbers, text, dates, tuples, lists, mappings and frozen dataclasses of those: never a model
    instance, a queryset or a manager (which could follow a relation or run a query)."""
    assert not isinstance(value, Model | QuerySet | Manager), f"{where} is {type(value).__name__}"
    if isinstance(value, PLAIN):
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        assert type(value).__dataclass_params__.frozen, f"{where}: {type(value).__name__} is not frozen"  # type: ignore[attr-defined]
        for f in dataclasses.fields(value):
            assert_plain(getattr(value, f.name), f"{where}.{f.name}")
        return
    if isinstance(value, tuple | list | frozenset | set):
        for i, item in enumerate(value):
            assert_plain(item, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            assert_plain(key, f"{where} key")
            assert_plain(item, f"{where}[{key!r}]")
        return
    raise AssertionError(f"{where} is a {type(value).__name__}, not a plain value")


@pytest.mark.django_db
def test_every_contract_hands_out_plain_values(world: World) -> None:
    plan = make_plan(world)
    make_council_and_body(world)
    unit, start, end = world.municipality, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    progress = planning_contracts.plan_progress(plan)
    results = {
        "plan_facts": planning_contracts.plan_facts(plan),
        "plan_in_force": planning_contracts.plan_in_force(unit, start, end),
        "published_plan": planning_contracts.published_plan(unit),
        "published_plan_units": planning_contracts.published_plan_units(),
        "plan_progress": progress,
        "budget_in_years": planning_contracts.budget_in_years(progress, [YEAR]),
        "budget_execution": planning_contracts.budget_execution(unit, YEAR),
        "measures_by_status": planning_contracts.measures_by_status(plan),
        "indicator_progress": planning_contracts.indicator_progress(plan),
        "plan_changes": planning_contracts.plan_changes(plan, start, end),
        "diagnosis_facts": planning_contracts.diagnosis_facts(unit),
        "body_facts": coordination_contracts.body_facts(unit),
        "body_activity": coordination_contracts.body_activity(unit, start, end),
        "agreement_figures": coordination_contracts.agreement_figures(unit, start, end),
        "council_facts": council_contracts.council_facts(unit),
        "member_figures": council_contracts.member_figures(unit),
        "published_members": council_contracts.member_figures(unit).published(),
        "session_figures": council_contracts.session_figures(unit, start, end),
        "request_figures": council_contracts.request_figures(unit, start, end),
        "council_activity": council_contracts.council_activity(unit, start, end),
        "public_answers": council_contracts.public_answers(unit),
    }
    assert results["plan_in_force"] is not None and results["council_activity"].exists
    for name, value in results.items():
        assert_plain(value, name)


@pytest.mark.django_db
def test_a_report_is_values_only(world: World) -> None:
    plan = make_plan(world)
    make_council_and_body(world)
    data = selectors.report_data(plan, ReportKind.ANNUAL, YEAR)
    for f in dataclasses.fields(data):
        assert_plain(getattr(data, f.name), f"report.{f.name}")
    assert data == selectors.report_data(planning_contracts.plan_facts(plan), ReportKind.ANNUAL, YEAR)


@pytest.mark.django_db
def test_the_public_pages_render_from_the_contracts(world: World) -> None:
    """What the public views will pass (``public_page``) renders the same templates: plan, lines,
    budget and answers, and never a child's name."""
    make_plan(world)
    make_council_and_body(world)
    unit = selectors.public_municipality(world.municipality.code)
    assert unit is not None and unit.pk == world.municipality.pk
    page = selectors.public_page(unit)
    assert page.plan is not None and page.overview is not None
    assert_plain(page.plan, "plan")
    assert_plain(page.overview, "overview")
    assert_plain(page.answers, "answers")
    context = {"unit": page.unit, "plan": page.plan, "overview": page.overview, "answers": page.answers}
    adults = render_to_string("accountability/public_plan.html", {**context, "share_url": "https://x"})
    for text in ("PLIA de prueba", "Línea uno", "Objetivo uno", "Sí, pondremos columpios.", "Concejo Municipal"):
        assert text in adults
    assert str(page.plan.get_status_display()) in adults
    lines = selectors.children_lines(page.overview)
    assert_plain(lines, "children's lines")
    children = render_to_string("accountability/public_children.html", {**context, "lines": lines})
    assert "Línea uno" in children and "Sí, pondremos columpios." in children
    for html in (adults, children):
        assert "Valentina" not in html and "Pedido sin responder" not in html
    assert [u.pk for u in selectors.public_municipalities()] == [world.municipality.pk]
    assert selectors.report_years(page.plan) == [2025, 2026, 2027, 2028]

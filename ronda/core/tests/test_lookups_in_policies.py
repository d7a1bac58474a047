"""Issue #8 item 1: a record is reached through one policy call, never looked up beside the policy.

Pages, API and selectors call ``policies.get_<thing>(actor, pk)`` / ``get_<thing>_for_<verb>``; only
``policies.py`` modules (and ``core/tenancy.py``, which defines it) call ``get_object_or_404_scoped``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.http import Http404

from ronda.accounts.selectors import active_memberships
from ronda.core.tenancy import actor_for
from ronda.testing import World

ROOT = Path(__file__).resolve().parents[2]  # the ronda package
# Lookups a module may not make itself: Django's shortcuts, and the scoped helper the policies wrap.
LOOKUP_FUNCTIONS = frozenset({"get_object_or_404_scoped", "get_object_or_404", "get_list_or_404"})
ONE_ROW = frozenset({"get", "first", "last"})


def _chain(node: ast.AST) -> list[ast.AST]:
    """``a.b(x).c(y).d`` as the nodes from the outermost inwards (attributes and calls)."""
    found = []
    while isinstance(node, ast.Attribute | ast.Call):
        found.append(node)
        node = node.func if isinstance(node, ast.Call) else node.value
    return found


def _names_a_row(call: ast.Call) -> bool:
    return any(k.arg is not None and (k.arg in ("pk", "id") or k.arg.startswith("pk__")) for k in call.keywords)


def lookup_offences(source: str) -> list[str]:
    """Where ``source`` looks a record up outside a policy: line number and what it does."""
    offences = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            offences += [f"{node.lineno}: imports {a.name}" for a in node.names if a.name in LOOKUP_FUNCTIONS]
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in LOOKUP_FUNCTIONS:
            offences.append(f"{node.lineno}: calls {name}")
            continue
        if not isinstance(func, ast.Attribute) or name not in ONE_ROW:
            continue
        inner = _chain(func.value)
        on_manager = name == "get" and any(
            isinstance(n, ast.Attribute) and n.attr in ("objects", "_default_manager") for n in inner
        )
        by_id = (name == "get" and _names_a_row(node)) or any(
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr == "filter"
            and _names_a_row(n)
            for n in inner
        )
        if on_manager or by_id:
            offences.append(f"{node.lineno}: {ast.unparse(node)}")
    return offences


def _reading_modules() -> list[Path]:
    patterns = ("*/views.py", "*/views/*.py", "*/views_*.py", "*/api.py", "*/api_*.py", "*/selectors.py")
    return sorted({path for pattern in patterns for path in ROOT.glob(pattern) if "tests" not in path.parts})


def test_the_detector_finds_every_kind_of_lookup_beside_a_policy() -> None:
    bad = """
from ronda.core.tenancy import get_object_or_404_scoped
from django.shortcuts import get_object_or_404
a = get_object_or_404_scoped(policies.visible_plans(actor), pk=pk)
b = Measure.objects.get(pk=pk)
c = Measure.objects.select_related("plan").get(code=code)
d = Area.objects.filter(pk=area_id, org_unit=unit).first()
e = policies.visible_agreements(actor).get(pk=agreement.pk)
f = council.sessions.filter(pk=session_id).first()
g = model.objects.filter(pk=pk, **scope).first()
"""
    assert len(lookup_offences(bad)) == 9, lookup_offences(bad)
    good = """
plan = policies.get_plan(actor, pk)
meeting = policies.get_meeting(actor, pk, shape=selectors.meeting_record)
raw = request.GET.get("consejo")
data = form.cleaned_data.get("approved_on")
own = bodies.filter(org_unit=unit).first()
next_one = Meeting.objects.filter(body=body).order_by("scheduled_at").first()
choice = policies.areas_of(plan).filter(pk=area_id).first()
"""
    assert lookup_offences(good) == ["8: policies.areas_of(plan).filter(pk=area_id).first()"]


def test_views_api_and_selectors_reach_records_only_through_policies() -> None:
    """``choices.filter(pk=…).first()`` on a policy's (or a service's) list of allowed values is the
    one lookup left outside: it answers 422 on the field named, not 404 (``_in_body``, ``_resolve``)."""
    allowed_choice = re.compile(
        r"^\d+: (choices|(policies\w*|services)\.\w+\([\w., ]*\))\.filter\(pk=[\w.]+\)\.first\(\)$"
    )
    found: dict[str, list[str]] = {}
    for path in _reading_modules():
        offences = [o for o in lookup_offences(path.read_text(encoding="utf-8")) if not allowed_choice.match(o)]
        if offences:
            found[str(path.relative_to(ROOT))] = offences
    assert found == {}


def test_get_object_or_404_scoped_is_called_only_in_policies() -> None:
    callers = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if any("get_object_or_404_scoped" in o for o in lookup_offences(path.read_text(encoding="utf-8"))):
            callers.add(str(path.relative_to(ROOT)))
    # An app's policies may be split in modules (``tablero/policies_entry.py``).
    policy_module = re.compile(r"(^|/)policies(_\w+)?\.py$")
    assert {c for c in callers if not policy_module.search(c) and c != "core/tenancy.py"} == set()


# --- Every get_<thing>: 404 for a missing and for a malformed id, never a 500 -------------------
POLICY_MODULES = ("accounts", "coordination", "council", "planning", "territory")


def _getters() -> list[tuple[str, Callable[..., Any]]]:
    getters = []
    for app in POLICY_MODULES:
        module = importlib.import_module(f"ronda.{app}.policies")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("get_") or function.__module__ != module.__name__:
                continue
            required = [
                p.name
                for p in inspect.signature(function).parameters.values()
                if p.default is inspect.Parameter.empty and p.kind is not inspect.Parameter.VAR_KEYWORD
            ]
            if required == ["actor", "pk"]:
                getters.append((f"{app}.{name}", function))
    return getters


def test_each_policy_module_offers_its_getters() -> None:
    names = {name for name, _ in _getters()}
    for app in POLICY_MODULES:
        assert any(n.startswith(f"{app}.get_") and not n.endswith("_for_edit") for n in names), app
        assert any(n.startswith(f"{app}.get_") and n.endswith("_for_edit") for n in names), app


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "getter"), _getters(), ids=[name for name, _ in _getters()])
@pytest.mark.parametrize("pk", [0, 2**62, "99999999999999999999999", "x", None])
def test_a_missing_or_malformed_id_is_404(world: World, name: str, getter: Callable[..., Any], pk: object) -> None:
    admin = world.home["admin"]
    actor = actor_for(admin, active_memberships(admin)[0], second_factor=True)
    with pytest.raises(Http404):
        getter(actor, pk)


# --- Write pages state their write permission in the decorator --------------------------------
def _decorator_check(callback: Callable[..., Any]) -> tuple[Any, Callable[..., Any]]:
    """The ``actor_required`` check of a view (None without one) and the view's own function."""
    check, func = None, callback
    while hasattr(func, "__wrapped__"):
        code = func.__code__
        if "check" in code.co_freevars and func.__closure__ is not None:
            check = func.__closure__[code.co_freevars.index("check")].cell_contents
        func = func.__wrapped__
    return check, func


# The protection files' pages (#12) say it as "work" (officers and supervisors write on a file) and
# "supervise" (approvals), never as a read.
WRITE_CHECKS = (
    "can_manage",
    "can_create",
    "can_edit",
    "can_follow_up",
    "can_record",
    "can_break_glass",
    "can_work",
    "can_supervise",
    "can_propose",  # a member of the coordination body proposes an agenda item (a write of their own)
)
# Answering the member questionnaire is decided by being a member of the body, whatever the role.
NO_ROLE_CHECK = {"coordination:round_answer": "get_round_to_answer: membership of the body is the permission"}


def test_pages_that_fetch_a_record_to_change_it_state_a_write_permission() -> None:
    """The review found the measure form behind ``can_read_plans``: a page that fetches a record
    ``_for_<verb>`` must say in its ``actor_required`` that it writes, not only reads."""
    from django.urls import get_resolver

    from ronda.testing import _walk

    wrong, seen = [], set()
    for name, (_route, callback) in _walk(get_resolver().url_patterns):
        check, view = _decorator_check(callback)
        try:
            source = inspect.getsource(view)
        except (OSError, TypeError):
            continue  # the API's mounted routers, Django's own views
        if not re.search(r"\.get_\w+?_(for|to)_\w+\(", source):
            continue
        seen.add(name)
        if name in NO_ROLE_CHECK:
            continue
        if not getattr(check, "__name__", "").startswith(WRITE_CHECKS):
            wrong.append(f"{name}: {getattr(check, '__name__', check)}")
    assert wrong == []
    assert {"planning:measure_edit", "planning:plan_edit", *NO_ROLE_CHECK} <= seen

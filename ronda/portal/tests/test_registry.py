"""How the portal finds what each app contributes (``portal.py`` and ``demo.py``)."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ronda.portal import registry

FAKE_DOMAIN = "ronda.portal.tests.fake_domain"


def test_the_installed_contributions_are_todays_apps_in_installed_apps_order() -> None:
    installed = registry.installed()
    assert [name for name, _loader in installed.demo_loaders] == [
        "ronda.territory",
        "ronda.accounts",
        "ronda.tablero",
        "ronda.coordination",
        "ronda.planning",
        "ronda.council",
        "ronda.defenders",
        "ronda.cases",
        "ronda.protection",
        "ronda.safeguarding",
        "ronda.training",
        "ronda.consultations",
        "ronda.evaluation",
        "ronda.improvement",
        "ronda.links",
        "ronda.certification",
    ]
    orders = [entry["order"] for entry in installed.navigation]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    assert installed.navigation[0]["url_name"] == "core:home"
    assert [panel["template"] for panel in installed.home_panels] == [
        "coordination/partials/home_overdue.html",
        "certification/_home_assignments.html",
        "council/partials/home_overdue.html",
        "cases/supervision/_home.html",
        "planning/coresp/_home.html",
        "defenders/partials/home.html",
        "protection/files/_home.html",
        "tablero/dashboards/_home_panel.html",
        "improvement/_home_panel.html",
        "certification/_home_cycles.html",
    ]


def test_a_new_app_is_found_by_its_portal_and_demo_modules() -> None:
    found = registry.collect([*settings.INSTALLED_APPS, FAKE_DOMAIN])
    assert (FAKE_DOMAIN, sys.modules[f"{FAKE_DOMAIN}.demo"].load_demo) in found.demo_loaders
    assert found.demo_loaders[-1][0] == FAKE_DOMAIN  # last, as it comes last in INSTALLED_APPS
    assert "core:healthz" in [entry["url_name"] for entry in found.navigation]
    assert found.home_panels[0]["template"] == "fake_domain/panel.html"  # order 5: before the others


def test_only_ronda_apps_are_asked_and_never_the_portal_itself() -> None:
    found = registry.collect(["django.contrib.auth", "ninja", "ronda.portal"])
    assert found.demo_loaders == ()
    # The portal's own entries (today's apps, portal/entries.py) are always there, once.
    assert found.navigation == registry.collect([]).navigation and len(found.navigation) == 13


@pytest.fixture
def fake_app() -> Iterator[types.ModuleType]:
    """A throw-away package ``ronda.zz_fake`` with a ``portal`` and a ``demo`` module."""
    package = types.ModuleType("ronda.zz_fake")
    package.__path__ = []
    portal = types.ModuleType("ronda.zz_fake.portal")
    demo = types.ModuleType("ronda.zz_fake.demo")
    package.portal = portal  # type: ignore[attr-defined]
    package.demo = demo  # type: ignore[attr-defined]
    modules = {"ronda.zz_fake": package, "ronda.zz_fake.portal": portal, "ronda.zz_fake.demo": demo}
    for module in modules.values():
        module.__spec__ = types.SimpleNamespace(name=module.__name__)  # type: ignore[assignment]
    sys.modules.update(modules)
    try:
        yield package
    finally:
        for name in modules:
            sys.modules.pop(name, None)


def test_an_entry_missing_a_key_is_refused_at_start_up(fake_app: types.ModuleType) -> None:
    fake_app.portal.NAVIGATION = [{"url_name": "core:home", "label": "Sin orden", "visible": bool}]
    with pytest.raises(ImproperlyConfigured, match=r"ronda\.zz_fake\.portal.*\['order'\]"):
        registry.collect(["ronda.zz_fake"])


def test_a_loader_re_exported_from_elsewhere_is_not_the_apps_own(fake_app: types.ModuleType) -> None:
    from ronda.portal.demo import load_demo

    fake_app.demo.load_demo = load_demo  # an alias of the orchestrator
    assert registry.collect(["ronda.zz_fake"]).demo_loaders == ()

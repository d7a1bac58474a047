"""Computed indicators: figures no one types, computed from the other domains' read contracts
(issue #10 item 7, decision 0019 §3).

A domain publishes its indicators in its own module ``ronda/<app>/indicators.py``::

    COMPUTED = [
        Computed(
            code="PLAN_AVANCE",
            name=gettext_lazy("Progress of the Local Plan"),
            unit="%",
            direction=Direction.HIGHER_IS_BETTER,
            period_types=(PeriodType.YEARLY,),
            compute=plan_progress,          # (unit, period) -> Ratio | None, from its contracts
        ),
    ]

The Tablero finds those modules the way the portal finds ``portal.py`` (it imports no domain),
keeps one catalogue ``Indicator`` per country for each (``computed_by`` = the code), and
``analytics.indicator_values`` asks the provider instead of evaluating a formula — so computed
indicators appear on dashboards, comparisons, the public page and the DHIS2 analytics like the
others. A provider receives a unit and computes over its whole subtree (a region's share of
agreements fulfilled on time is the region's fulfilled over the region's due, never a mean of
municipal percentages), and answers None for a period it has no figure for.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.apps import apps

from ronda.tablero import periods as iso_periods

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from ronda.tablero.models import Indicator
    from ronda.territory.models import OrgUnit

MODULE = "indicators"


@dataclass(frozen=True)
class Ratio:
    """numerator / denominator × factor; a count is ``Ratio(n)``."""

    numerator: Decimal
    denominator: Decimal = Decimal(1)
    factor: Decimal = Decimal(1)

    @property
    def value(self) -> Decimal | None:
        return None if not self.denominator else self.numerator / self.denominator * self.factor


@dataclass(frozen=True)
class Computed:
    code: str
    name: StrOrPromise
    compute: Callable[[OrgUnit, iso_periods.Period], Ratio | None]
    direction: str
    unit: StrOrPromise = ""
    decimals: int = 0
    goal_area: str = ""
    # The period types it has figures for (a budget execution is yearly).
    period_types: tuple[str, ...] = tuple(iso_periods.ORDER)
    description: StrOrPromise = ""

    def value(self, unit: OrgUnit, period: iso_periods.Period) -> Ratio | None:
        if period.period_type not in self.period_types:
            return None
        return self.compute(unit, period)


_REGISTRY: dict[str, Computed] = {}
_COLLECTED = False


def register(*indicators: Computed) -> None:
    for indicator in indicators:
        if indicator.code in _REGISTRY and _REGISTRY[indicator.code] is not indicator:
            raise ValueError(f"two computed indicators with the code {indicator.code}")
        _REGISTRY[indicator.code] = indicator


def _collect() -> None:
    """Import ``ronda.<app>.indicators`` of every installed Ronda app, once."""
    global _COLLECTED
    if _COLLECTED:
        return
    for config in apps.get_app_configs():
        if not config.name.startswith("ronda."):
            continue
        name = f"{config.name}.{MODULE}"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        register(*getattr(module, "COMPUTED", ()))
    _COLLECTED = True


def registered() -> dict[str, Computed]:
    _collect()
    return dict(_REGISTRY)


def get(code: str) -> Computed | None:
    return registered().get(code)


def values(
    indicator: Indicator, units: Sequence[OrgUnit], asked: Iterable[iso_periods.Period]
) -> dict[tuple[int, str], Ratio | None]:
    """The provider's figure for each unit × period ((unit id, ISO period) → Ratio or None)."""
    provider = get(indicator.computed_by)
    asked = list(asked)
    if provider is None:
        return {(u.pk, p.iso): None for u in units for p in asked}
    return {(u.pk, p.iso): provider.value(u, p) for u in units for p in asked}


def ensure_indicators(country: OrgUnit) -> list[Indicator]:
    """One catalogue indicator per registered computed indicator in ``country``'s national catalogue
    (created where missing, named in the current language; the coordinator may publish them)."""
    from ronda.core.tenancy import SYSTEM
    from ronda.tablero import services
    from ronda.tablero.models import Indicator

    out = []
    existing = {i.computed_by: i for i in Indicator.objects.filter(owner=country).exclude(computed_by="")}
    for code, provider in sorted(registered().items()):
        found = existing.get(code)
        if found is None:
            found = services.create_computed_indicator(actor=SYSTEM, owner=country, provider=provider)
        out.append(found)
    return out

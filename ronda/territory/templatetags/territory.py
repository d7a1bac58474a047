"""``{% load territory %}``: what a page needs to know of a unit to format its figures.

{% currency_of plan.org_unit as currency %}{{ row.planned|money:currency }}
"""

from __future__ import annotations

import contextlib

from django import template

from ronda.territory.selectors import UnitKey, currency_of

register = template.Library()

_CACHE_ATTRIBUTE = "_ronda_currency"


@register.simple_tag(name="currency_of")
def currency_of_tag(unit: UnitKey | None) -> str:
    """The ISO 4217 code of ``unit``'s money; looked up once per unit object and page (a page and
    the partials it includes share it)."""
    if unit is None or not getattr(unit, "path", ""):
        return ""
    cached = getattr(unit, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = currency_of(unit)
        with contextlib.suppress(AttributeError):  # a frozen value (UnitRef): looked up again next time
            setattr(unit, _CACHE_ATTRIBUTE, cached)
    return str(cached)

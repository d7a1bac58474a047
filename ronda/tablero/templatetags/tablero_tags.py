"""Template filters of the Tablero."""

from __future__ import annotations

from django import template

from ronda.tablero import periods

register = template.Library()


@register.filter
def period_name(period: periods.Period | str) -> str:
    """``{{ period|period_name }}``: "noviembre de 2026" for 202611 (a Period or its ISO code)."""
    try:
        parsed = periods.parse(period) if isinstance(period, str) else period
    except periods.InvalidPeriod:
        return str(period)
    return periods.name(parsed)

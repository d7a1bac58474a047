"""An indicator's trend as a small line and, always, as text ("2024: 12 · 2025: 15"): the line is
decoration (``aria-hidden``), the text is what a screen reader reads and what a printout keeps.

Used by the measure page, the reports and the public page (their points: anything with ``period``
(ISO) and ``value``, e.g. ``planning.contracts.TrendPoint``)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from ronda.core import formatting
from ronda.tablero import periods as iso_periods

register = template.Library()

WIDTH, HEIGHT, PAD = 96, 24, 3


def period_label(iso: str) -> str:
    try:
        return iso_periods.name(iso_periods.parse(iso))
    except iso_periods.InvalidPeriod:
        return iso


def _sparkline(values: Sequence[Decimal], target: Decimal | None) -> SafeString:
    scale = [*values, *([target] if target is not None else [])]
    low, high = min(scale), max(scale)
    span = (high - low) or Decimal(1)

    def y(v: Decimal) -> str:
        return f"{HEIGHT - PAD - float((v - low) / span) * (HEIGHT - 2 * PAD):.1f}"

    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    points = " ".join(f"{PAD + n * step:.1f},{y(v)}" for n, v in enumerate(values))
    goal = (
        format_html(
            '<line class="trend-target" x1="0" x2="{}" y1="{}" y2="{}" stroke="currentColor" '
            'stroke-dasharray="2 2" stroke-width="1" opacity=".5"/>',
            WIDTH,
            y(target),
            y(target),
        )
        if target is not None
        else ""
    )
    last_x = PAD + (len(values) - 1) * step
    return format_html(
        '<svg class="sparkline" aria-hidden="true" focusable="false" width="{w}" height="{h}" '
        'viewBox="0 0 {w} {h}">{goal}<polyline fill="none" stroke="currentColor" stroke-width="1.5" '
        'points="{points}"/><circle cx="{cx}" cy="{cy}" r="2" fill="currentColor"/></svg>',
        w=WIDTH,
        h=HEIGHT,
        goal=goal,
        points=points,
        cx=f"{last_x:.1f}",
        cy=y(values[-1]),
    )


@register.simple_tag
def indicator_trend(points: Sequence[Any], target: Decimal | None = None, sparkline: bool = True) -> SafeString:
    """The values, oldest first, as "2024: 12 · 2025: 15" (with a small line before them when there
    are two or more and ``sparkline``)."""
    if not points:
        return format_html('<span class="muted">{}</span>', gettext("No values yet"))
    text = format_html_join(
        " · ", "<span>{}: {}</span>", ((period_label(p.period), formatting.figure(p.value, 2)) for p in points)
    )
    line = _sparkline([p.value for p in points], target) if sparkline and len(points) > 1 else ""
    return format_html('<span class="trend">{}<span class="trend-values">{}</span></span>', line, text)


@register.filter
def period_name(iso: str) -> str:
    return period_label(iso)

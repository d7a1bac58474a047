"""Small SVG charts drawn on the server: the same markup serves the page and the PDF.

Each chart carries a <title> and an aria-label, and the figures are always in a table next
to it, so nobody depends on the picture alone. ``line_progress`` and ``budget_by_area`` draw the
values planning publishes (``planning.contracts``); ``progress_bars`` and ``planned_vs_executed``
draw any rows. Every figure on a chart is written by ``core.formatting`` in the language of the
request ("10.000" in Spanish, "10,000" in English), the same as the table next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from ronda.core import formatting
from ronda.planning.contracts import BudgetFigure, PlanProgress

BRAND = "#0b5563"
ACCENT = "#a3470d"
GRID = "#d5d9d0"
INK = "#1b2430"


def _num(value: Decimal | float | int | None) -> float:
    return float(value) if value is not None else 0.0


def progress_bars(rows: Sequence[tuple[str, Decimal | None]], *, title: str, width: int = 640) -> str:
    """Horizontal bars from 0 to 100 % for (label, percent) rows."""
    bar_h, gap, label_w = 22, 10, 230
    height = len(rows) * (bar_h + gap) + 30
    plot_w = width - label_w - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for tick in (0, 25, 50, 75, 100):
        x = label_w + plot_w * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 22}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6}" font-size="11" text-anchor="middle" fill="{INK}">'
            f"{formatting.percent(tick)}</text>"
        )
    for i, (label, value) in enumerate(rows):
        y = i * (bar_h + gap) + 4
        pct = max(0.0, min(100.0, _num(value)))
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}" font-size="12" text-anchor="end" fill="{INK}">'
            f"{escape(short)}</text>"
        )
        parts.append(f'<rect x="{label_w}" y="{y}" width="{plot_w * pct / 100:.1f}" height="{bar_h}" fill="{BRAND}"/>')
        shown = formatting.percent(None if value is None else pct)
        parts.append(
            f'<text x="{label_w + plot_w * pct / 100 + 6:.1f}" y="{y + bar_h * 0.7:.1f}" font-size="12" '
            f'fill="{INK}">{shown}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def planned_vs_executed(
    rows: Sequence[tuple[str, Decimal, Decimal]],
    *,
    title: str,
    planned_label: str,
    executed_label: str,
    currency: str = "",
    width: int = 640,
) -> str:
    """Paired horizontal bars (planned, executed) per row, scaled to the largest amount; the amounts
    are labelled in ``currency`` (ISO 4217), whole units."""
    pair_h, gap, label_w = 30, 14, 200
    height = len(rows) * (pair_h + gap) + 40
    plot_w = width - label_w - 90
    top = max([_num(p) for _, p, _ in rows] + [_num(e) for _, _, e in rows] + [1.0])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<rect x="{label_w}" y="4" width="12" height="12" fill="{BRAND}"/>'
        f'<text x="{label_w + 18}" y="14" font-size="12" fill="{INK}">{escape(planned_label)}</text>'
        f'<rect x="{label_w + 150}" y="4" width="12" height="12" fill="{ACCENT}"/>'
        f'<text x="{label_w + 168}" y="14" font-size="12" fill="{INK}">{escape(executed_label)}</text>',
    ]
    for i, (label, planned, executed) in enumerate(rows):
        y = 28 + i * (pair_h + gap)
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + pair_h * 0.6:.1f}" font-size="12" text-anchor="end" fill="{INK}">'
            f"{escape(short)}</text>"
        )
        for j, (value, colour) in enumerate(((planned, BRAND), (executed, ACCENT))):
            w = plot_w * _num(value) / top
            yy = y + j * (pair_h / 2)
            parts.append(
                f'<rect x="{label_w}" y="{yy:.1f}" width="{w:.1f}" height="{pair_h / 2 - 2:.1f}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{label_w + w + 4:.1f}" y="{yy + pair_h / 2 - 5:.1f}" font-size="10" fill="{INK}">'
                f"{escape(formatting.money(value, currency, decimals=0))}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def line_progress(progress: PlanProgress, *, title: str, width: int = 640) -> str:
    """The progress of each strategic line of a plan."""
    return progress_bars([(line.line.title, line.progress) for line in progress.lines], title=title, width=width)


def budget_by_area(
    rows: Sequence[BudgetFigure],
    *,
    title: str,
    planned_label: str,
    executed_label: str,
    currency: str = "",
    width: int = 640,
) -> str:
    """Planned and executed by area; empty (no chart at all) when there is no amount to draw."""
    if not rows:
        return ""
    return planned_vs_executed(
        [(row.label, row.planned, row.executed) for row in rows],
        title=title,
        planned_label=planned_label,
        executed_label=executed_label,
        currency=currency,
        width=width,
    )

"""The comparison of rounds as a small SVG drawn on the server: for each dimension, one bar per round
(0 to 100 %), the latest round darkest. It carries a <title> and an aria-label, and the same figures
are in the table next to it, so nobody depends on the picture alone. Figures are written by
``core.formatting`` in the request's language."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ronda.core import formatting
from ronda.improvement.selectors import RoundSummary

INK = "#1b2430"
GRID = "#d5d9d0"
# From the oldest round shown to the latest (the latest is the brand colour).
SHADES = ("#b9d3d6", "#8fb8bd", "#5f9aa1", "#377d86", "#1a6670", "#0b5563")


def _shade(index: int, count: int) -> str:
    return SHADES[len(SHADES) - count + index] if count <= len(SHADES) else SHADES[min(index, len(SHADES) - 1)]


def rounds_by_dimension(summaries: Sequence[RoundSummary], *, title: str, width: int = 640) -> str:
    if not summaries:
        return ""
    dims = summaries[0].dimensions
    count = len(summaries)
    bar_h, gap, label_w, legend_h = 12, 14, 150, 18 * count + 8
    group_h = count * bar_h + gap
    plot_w = width - label_w - 60
    height = legend_h + len(dims) * group_h + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, summary in enumerate(summaries):
        y = 4 + i * 18
        label = f"{summary.round.title} ({formatting.date(summary.round.held_on, 'SHORT_DATE_FORMAT')})"
        parts.append(f'<rect x="{label_w}" y="{y}" width="12" height="12" fill="{_shade(i, count)}"/>')
        parts.append(f'<text x="{label_w + 18}" y="{y + 10}" font-size="11" fill="{INK}">{escape(label)}</text>')
    for tick in (0, 25, 50, 75, 100):
        x = label_w + plot_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{legend_h}" x2="{x:.1f}" y2="{height - 20}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6}" font-size="11" text-anchor="middle" fill="{INK}">'
            f"{formatting.percent(tick)}</text>"
        )
    for d_index, dim in enumerate(dims):
        top = legend_h + d_index * group_h
        name = dim.dimension.name if len(dim.dimension.name) <= 24 else dim.dimension.name[:23] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{top + count * bar_h / 2 + 4:.1f}" font-size="12" text-anchor="end" '
            f'fill="{INK}">{escape(name)}</text>'
        )
        for r_index, summary in enumerate(summaries):
            cell = summary.dimensions[d_index]
            value = cell.percent
            pct = float(value) if value is not None else 0.0
            y = top + r_index * bar_h
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{plot_w * pct / 100:.1f}" height="{bar_h - 2}" '
                f'fill="{_shade(r_index, count)}"/>'
            )
            parts.append(
                f'<text x="{label_w + plot_w * pct / 100 + 4:.1f}" y="{y + bar_h - 3}" font-size="10" fill="{INK}">'
                f"{formatting.percent(value)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)

"""The Tablero's charts: SVG drawn on the server (decision 0020, after 0011).

The same markup serves the page, the SVG download and a PDF; no JavaScript. Every chart starts with
a ``<title>`` (its name and unit) and a ``<desc>`` (the one-sentence summary), and every mark (a
point, a bar, a shape) carries its own ``<title>`` with its name and value, so a pointer, a screen
reader and a test read the same figures. Figures are written by ``core.formatting`` in the
language of the request. Colours: Okabe–Ito for series (safe for every common colour-vision
deficiency) and viridis for the map's sequential scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

from django.utils.translation import gettext as _

from ronda.core import formatting

INK = "#1b2430"
GRID = "#d5d9d0"
MUTED = "#5c6670"
# Okabe & Ito (2008): distinguishable with protanopia, deuteranopia and tritanopia.
SERIES = "#0072B2"  # blue
TARGET = "#D55E00"  # vermilion
REFERENCE = "#009E73"  # bluish green
HIGHLIGHT = "#E69F00"  # orange
NO_DATA = "#e4e6e1"
# Viridis, five steps (light to dark reads "more"); text on the darker three is white.
VIRIDIS = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")


@dataclass(frozen=True)
class Mark:
    label: str
    value: Decimal | None


def _f(value: Decimal | float | int | None) -> float:
    return float(value) if value is not None else 0.0


def shown(value: Decimal | None, decimals: int) -> str:
    return formatting.number(value, decimals)


def _open(width: int, height: int, title: str, summary: str, chart_id: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        # Named by its title only: on a page the summary is the figure's caption, and a name that
        # held it too was read twice. The <desc> stays for the SVG downloaded alone.
        f'role="img" aria-labelledby="{chart_id}-t" class="tablero-chart" '
        f'font-family="system-ui, sans-serif">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(summary)}</desc>'
    )


def _nice_top(top: float) -> float:
    if top <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(top))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= top:
            return step * magnitude
    return 10 * magnitude


def trend(
    marks: Sequence[Mark],
    *,
    title: str,
    summary: str,
    decimals: int,
    targets: Sequence[Decimal | None] = (),
    target_label: str = "",
    chart_id: str = "trend",
    width: int = 520,
    height: int = 250,
) -> str:
    """A line over periods, a point per value, and the target as a dashed line (one per period)."""
    left, right, top_pad, bottom = 56, 16, 34, 46
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    values = [_f(m.value) for m in marks if m.value is not None] + [_f(t) for t in targets if t is not None]
    top = _nice_top(max(values, default=0.0))
    n = max(len(marks), 1)
    step = plot_w / n

    def x(i: int) -> float:
        return left + step * (i + 0.5)

    def y(v: Decimal | None) -> float:
        return top_pad + plot_h - plot_h * _f(v) / top

    parts = [_open(width, height, title, summary, chart_id)]
    for k in range(5):
        tick = top * k / 4
        yy = top_pad + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{width - right}" y2="{yy:.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{yy + 4:.1f}" font-size="11" text-anchor="end" fill="{MUTED}">'
            f"{escape(formatting.figure(Decimal(str(tick)), 2))}</text>"
        )
    every = max(1, (n + 5) // 6)  # at most about 6 labels on the axis
    for i, mark in enumerate(marks):
        if i % every == 0 or i == n - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 18}" font-size="11" text-anchor="middle" '
                f'fill="{MUTED}">{escape(mark.label)}</text>'
            )
    # The target: a dashed step per period, labelled once.
    if any(t is not None for t in targets):
        segments = []
        for i, t in enumerate(targets):
            if t is None:
                continue
            x0, x1 = left + step * i, left + step * (i + 1)
            segments.append(f"M{x0:.1f},{y(t):.1f}H{x1:.1f}")
        parts.append(
            f'<path d="{"".join(segments)}" fill="none" stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 4">'
            f"<title>{escape(target_label)}</title></path>"
        )
    # The line, broken where a period has no value.
    runs: list[list[str]] = [[]]
    for i, mark in enumerate(marks):
        if mark.value is None:
            runs.append([])
            continue
        runs[-1].append(f"{x(i):.1f},{y(mark.value):.1f}")
    for run in runs:
        if len(run) > 1:
            parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{SERIES}" stroke-width="2.5"/>')
    for i, mark in enumerate(marks):
        if mark.value is None:
            continue
        label = f"{mark.label}: {shown(mark.value, decimals)}"
        if i < len(targets) and targets[i] is not None:
            label += f" ({target_label}: {shown(targets[i], decimals)})"
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(mark.value):.1f}" r="4" fill="{SERIES}" stroke="#fff" stroke-width="1.5">'
            f"<title>{escape(label)}</title></circle>"
        )
    # Legend.
    parts.append(
        f'<line x1="{left}" y1="14" x2="{left + 22}" y2="14" stroke="{SERIES}" stroke-width="2.5"/>'
        f'<text x="{left + 28}" y="18" font-size="12" fill="{INK}">{escape(_("Value"))}</text>'
    )
    if any(t is not None for t in targets):
        parts.append(
            f'<line x1="{left + 110}" y1="14" x2="{left + 132}" y2="14" stroke="{TARGET}" stroke-width="2" '
            f'stroke-dasharray="6 4"/><text x="{left + 138}" y="18" font-size="12" fill="{INK}">'
            f"{escape(target_label)}</text>"
        )
    if not any(m.value is not None for m in marks):
        parts.append(
            f'<text x="{width / 2:.1f}" y="{top_pad + plot_h / 2:.1f}" font-size="14" text-anchor="middle" '
            f'fill="{MUTED}">{escape(_("No data for these periods"))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


LABEL_CHARS = 30
MAX_LABEL_WIDTH = 220


def bars(
    marks: Sequence[Mark],
    *,
    title: str,
    summary: str,
    decimals: int,
    references: Sequence[Mark] = (),
    highlight: str | None = None,
    chart_id: str = "bars",
    width: int = 520,
    label_width: int = 160,
) -> str:
    """Horizontal bars, one per row, scaled to the largest value; ``references`` are vertical lines
    (the region, the country) with their own label."""
    bar_h, gap, top_pad, bottom = 20, 6, 8, 28
    # The labels' column fits the longest label shown (about 6.6 px a character at 12 px), so that
    # "Adolescencia (12–17 años)" is not cut at the chart's left edge.
    shorts = [m.label if len(m.label) <= LABEL_CHARS else m.label[: LABEL_CHARS - 1] + "…" for m in marks]
    longest = max((len(text) for text in shorts), default=0)
    label_width = max(label_width, min(MAX_LABEL_WIDTH, round(6.6 * longest) + 12))
    refs = [r for r in references if r.value is not None]
    legend_h = 20 * len(refs)
    height = top_pad + len(marks) * (bar_h + gap) + bottom + legend_h
    plot_w = width - label_width - 56
    values = [_f(m.value) for m in marks if m.value is not None] + [_f(r.value) for r in refs]
    top = _nice_top(max(values, default=0.0))
    plot_bottom = top_pad + len(marks) * (bar_h + gap)
    parts = [_open(width, height, title, summary, chart_id)]
    for k in range(5):
        xx = label_width + plot_w * k / 4
        parts.append(f'<line x1="{xx:.1f}" y1="{top_pad}" x2="{xx:.1f}" y2="{plot_bottom}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{xx:.1f}" y="{plot_bottom + 16}" font-size="11" text-anchor="middle" fill="{MUTED}">'
            f"{escape(formatting.figure(Decimal(str(top * k / 4)), 2))}</text>"
        )
    for i, mark in enumerate(marks):
        yy = top_pad + i * (bar_h + gap)
        short = shorts[i]
        parts.append(
            f'<text x="{label_width - 6}" y="{yy + bar_h * 0.75:.1f}" font-size="12" text-anchor="end" '
            f'fill="{INK}">{escape(short)}</text>'
        )
        w = plot_w * _f(mark.value) / top
        colour = HIGHLIGHT if highlight is not None and mark.label == highlight else SERIES
        text = shown(mark.value, decimals)
        if mark.value is None:
            parts.append(
                f'<rect x="{label_width}" y="{yy}" width="2" height="{bar_h}" fill="{NO_DATA}">'
                f"<title>{escape(mark.label)}: {escape(_('no data'))}</title></rect>"
            )
        else:
            parts.append(
                f'<rect x="{label_width}" y="{yy}" width="{w:.1f}" height="{bar_h}" fill="{colour}">'
                f"<title>{escape(mark.label)}: {escape(text)}</title></rect>"
            )
        parts.append(
            f'<text x="{label_width + w + 4:.1f}" y="{yy + bar_h * 0.75:.1f}" font-size="11" fill="{INK}">'
            f"{escape(text)}</text>"
        )
    for j, ref in enumerate(refs):
        xx = label_width + plot_w * _f(ref.value) / top
        dash = "6 4" if j == 0 else "2 3"
        label = f"{ref.label}: {shown(ref.value, decimals)}"
        parts.append(
            f'<line x1="{xx:.1f}" y1="{top_pad}" x2="{xx:.1f}" y2="{plot_bottom}" stroke="{REFERENCE}" '
            f'stroke-width="2" stroke-dasharray="{dash}"><title>{escape(label)}</title></line>'
        )
        ly = plot_bottom + 30 + 20 * j
        parts.append(
            f'<line x1="{label_width}" y1="{ly - 4}" x2="{label_width + 22}" y2="{ly - 4}" stroke="{REFERENCE}" '
            f'stroke-width="2" stroke-dasharray="{dash}"/><text x="{label_width + 28}" y="{ly}" font-size="12" '
            f'fill="{INK}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- Maps -------------------------------------------------------------------------------------


def _rings(geometry: dict[str, Any] | None) -> list[list[list[float]]]:
    """The outer and inner rings of a GeoJSON Polygon or MultiPolygon (other shapes: none)."""
    if not isinstance(geometry, dict):
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    try:
        if kind == "Polygon":
            return [list(ring) for ring in coords]
        if kind == "MultiPolygon":
            return [list(ring) for polygon in coords for ring in polygon]
    except TypeError:
        return []
    return []


def classes(values: Sequence[Decimal]) -> list[Decimal]:
    """The upper bounds of five equal-width classes between the lowest and the highest value."""
    if not values:
        return []
    low, high = min(values), max(values)
    if low == high:
        return [high]
    width = (high - low) / len(VIRIDIS)
    return [low + width * (k + 1) for k in range(len(VIRIDIS))]


def _colour(value: Decimal | None, bounds: Sequence[Decimal]) -> str:
    if value is None:
        return NO_DATA
    for k, bound in enumerate(bounds):
        if value <= bound:
            return VIRIDIS[k if len(bounds) > 1 else len(VIRIDIS) // 2]
    return VIRIDIS[-1]


def choropleth(
    shapes: Sequence[tuple[str, dict[str, Any] | None, Decimal | None]],
    *,
    title: str,
    summary: str,
    decimals: int,
    chart_id: str = "map",
    width: int = 640,
) -> str:
    """Shapes (name, GeoJSON geometry, value) coloured on viridis, with a legend of the classes.

    Longitude and latitude are projected equirectangularly, with longitude scaled by the cosine of
    the middle latitude (good enough at a municipality's or a country's size)."""
    import math

    drawn = [(name, rings, value) for name, geometry, value in shapes if (rings := _rings(geometry))]
    points = [(float(p[0]), float(p[1])) for _n, rings, _v in drawn for ring in rings for p in ring if len(p) >= 2]
    legend_h = 40
    if not points:
        height = 120
        return (
            _open(width, height, title, summary, chart_id)
            + f'<text x="{width / 2}" y="60" font-size="14" text-anchor="middle" fill="{MUTED}">'
            + f"{escape(_('No shapes to draw for these units'))}</text></svg>"
        )
    min_x, max_x = min(p[0] for p in points), max(p[0] for p in points)
    min_y, max_y = min(p[1] for p in points), max(p[1] for p in points)
    k = math.cos(math.radians((min_y + max_y) / 2)) or 1.0
    span_x, span_y = max((max_x - min_x) * k, 1e-9), max(max_y - min_y, 1e-9)
    pad = 8
    inner_w = width - 2 * pad
    scale = inner_w / span_x
    map_h = min(span_y * scale, 520.0)
    scale = min(scale, map_h / span_y)
    off_x = pad + (inner_w - span_x * scale) / 2
    height = int(map_h + 2 * pad + legend_h)

    def project(p: list[float]) -> str:
        return f"{off_x + (float(p[0]) - min_x) * k * scale:.1f},{pad + (max_y - float(p[1])) * scale:.1f}"

    values = [v for _n, _r, v in drawn if v is not None]
    bounds = classes(values)
    parts = [_open(width, height, title, summary, chart_id)]
    for name, rings, value in drawn:
        d = "".join("M" + "L".join(project(p) for p in ring) + "Z" for ring in rings if ring)
        text = f"{name}: {shown(value, decimals) if value is not None else _('no data')}"
        parts.append(
            f'<path d="{d}" fill="{_colour(value, bounds)}" fill-rule="evenodd" stroke="#fff" stroke-width="1">'
            f"<title>{escape(text)}</title></path>"
        )
    # Legend: a swatch per class with its range, and "no data".
    ly = height - legend_h + 12
    lower = min(values) if values else None
    swatches: list[tuple[str, str]] = []
    if len(bounds) == 1:
        swatches.append((VIRIDIS[len(VIRIDIS) // 2], shown(bounds[0], decimals)))
    else:
        for i, bound in enumerate(bounds):
            swatches.append((VIRIDIS[i], f"{shown(lower, decimals)}–{shown(bound, decimals)}"))
            lower = bound
    swatches.append((NO_DATA, _("no data")))
    slot = (width - 2 * pad) / len(swatches)
    for i, (colour, label) in enumerate(swatches):
        lx = pad + slot * i
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly}" width="14" height="14" fill="{colour}" stroke="{GRID}"/>'
            f'<text x="{lx + 18:.1f}" y="{ly + 11}" font-size="10" fill="{INK}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)

"""The bar chart's label column fits its labels (they were cut at the chart's left edge)."""

from __future__ import annotations

import re
from decimal import Decimal

from ronda.tablero import charts


def test_long_labels_get_a_column_wide_enough_and_short_ones_keep_the_default() -> None:
    long_marks = [charts.Mark("Adolescencia (12–17 años)", Decimal(30)), charts.Mark("Niñez (6–11 años)", Decimal(2))]
    svg = charts.bars(long_marks, title="t", summary="s", decimals=0)
    (x,) = set(re.findall(r'<text x="([\d.]+)" y="[\d.]+" font-size="12" text-anchor="end"', svg))
    # Right-aligned at x: the 25 characters need about 6.6 px each at 12 px.
    assert float(x) >= 6.6 * len("Adolescencia (12–17 años)")
    short = charts.bars([charts.Mark("A", Decimal(1))], title="t", summary="s", decimals=0)
    assert '<text x="154" ' in short  # the default 160 px column, 6 px before the bars
    very_long = charts.bars([charts.Mark("x" * 80, Decimal(1))], title="t", summary="s", decimals=0)
    # Cut at 30 characters on the axis; the bar's own title keeps the whole label.
    assert re.findall(r'text-anchor="end" fill="[^"]+">([^<]*)</text>', very_long) == ["x" * 29 + "…"]
    assert "<title>" + "x" * 80 + ": 1</title>" in very_long

"""The demo's made-up figures have the trends the dashboards are meant to show (no database)."""

from __future__ import annotations

import datetime as dt

from ronda.tablero import demo
from ronda.tablero import periods as iso_periods

POPULATION = {sex: {"0-5": 40_000, "6-11": 40_000, "12-17": 40_000} for sex in ("female", "male")}


def _context(dataset_period: str, t: float, seed: str = "x", country: str = "EC") -> demo.Context:
    return demo.Context(
        country=country, population=POPULATION, period=iso_periods.parse(dataset_period), t=t, rng=demo._rng(seed)
    )


def test_the_window_is_the_months_ending_last_month() -> None:
    window = demo.monthly_window(dt.date(2026, 12, 1), 36)
    assert [window[0].iso, window[-1].iso, len(window)] == ["202312", "202611", 36]


def test_vaccination_rises_towards_the_target() -> None:
    def coverage(t: float) -> float:
        figures = demo._health(_context("202403", t))
        return sum(figures[("VAC_COMPLETA", s)] for s in "FM") / sum(figures[("POB_OBJ_VAC", s)] for s in "FM")

    first, last = coverage(0.0), coverage(1.0)
    assert 0.75 < first < last < 0.96


def test_school_drop_out_follows_the_school_calendar() -> None:
    def drop_outs(month: str) -> int:
        figures = demo._school_retention(_context(month, 0.5))
        return sum(n for (code, _coc), n in figures.items() if code == "ABANDONO")

    # Loja's school year ends in July: few leave in August, many in March.
    assert drop_outs("202408") * 4 < drop_outs("202403")


def test_violence_reports_are_small_counts_and_the_figures_repeat() -> None:
    small = {"female": {"0-5": 400, "6-11": 400, "12-17": 400}, "male": {"0-5": 400, "6-11": 400, "12-17": 400}}
    context = demo.Context(
        country="CR", population=small, period=iso_periods.parse("2024Q2"), t=0.5, rng=demo._rng("CR-102", "Q")
    )
    figures = demo._protection(context)
    reports = [n for (code, _coc), n in figures.items() if code == "DENUNCIAS_VIOL"]
    assert len(reports) == 6 and max(reports) < 5
    again = demo.Context(
        country="CR", population=small, period=iso_periods.parse("2024Q2"), t=0.5, rng=demo._rng("CR-102", "Q")
    )
    assert demo._protection(again) == figures

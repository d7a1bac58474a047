"""One format per language for numbers, money, counts, percentages and dates (issue 9, items 12–13)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from ronda.core import formatting

NBSP = "\xa0"
RONDA = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", f"22.000,00{NBSP}USD"), ("en", f"USD{NBSP}22,000.00")],
)
def test_money_carries_its_currency_and_the_language_grouping(language: str, expected: str) -> None:
    assert formatting.money(Decimal("22000"), "USD", language) == expected


def test_money_in_whole_units_and_without_a_known_currency() -> None:
    assert formatting.money(1500, "CRC", "es", decimals=0) == f"1.500{NBSP}CRC"
    assert formatting.money(Decimal("1500.5"), "", "es") == "1.500,50"
    assert formatting.money(None, "USD", "es") == formatting.EMPTY


def test_counts_have_no_decimals_and_group_thousands() -> None:
    assert formatting.count(60000, "es") == "60.000"  # never "60000,00"
    assert formatting.count(60000, "en") == "60,000"
    assert formatting.count(None, "es") == formatting.EMPTY


def test_numbers_and_percentages() -> None:
    assert formatting.number(Decimal("85.5"), 1, "es") == "85,5"
    assert formatting.number(10000, 0, "es") == "10.000"  # a Spanish chart never reads "10,000"
    assert formatting.number(10000, 0, "en") == "10,000"
    assert formatting.percent(55, 0, "es") == f"55{NBSP}%"
    assert formatting.percent(Decimal("55.25"), 1, "en") == "55.3%"


def test_a_figure_shows_only_the_decimals_it_has() -> None:
    assert formatting.figure(Decimal("60000.00"), locale="es") == "60.000"
    assert formatting.figure(Decimal("12.50"), locale="es") == "12,5"
    assert formatting.figure(Decimal("12.345"), locale="en") == "12.35"
    assert formatting.figure(None, locale="es") == formatting.EMPTY


def test_the_current_language_is_the_default() -> None:
    with translation.override("es"):
        assert formatting.count(10000) == "10.000"
    with translation.override("en"):
        assert formatting.count(10000) == "10,000"


def test_template_filters() -> None:
    template = Template(
        "{% load formatting %}{{ a|money:currency }}|{{ a|money0:currency }}|{{ n|count }}|{{ p|percent }}"
        "|{{ x|number:1 }}"
    )
    context = Context({"a": Decimal("22000"), "currency": "USD", "n": 60000, "p": 55, "x": Decimal("85.54")})
    with translation.override("es"):
        assert template.render(context) == f"22.000,00{NBSP}USD|22.000{NBSP}USD|60.000|55{NBSP}%|85,5"


@pytest.mark.parametrize(
    ("language", "long", "short", "month_day"),
    [
        ("es", "21 de diciembre de 2026", "21/12/2026", "15 dic"),
        ("en", "21 Dec 2026", "2026-12-21", "15 Dec"),
    ],
)
def test_one_long_and_one_short_date_per_language(language: str, long: str, short: str, month_day: str) -> None:
    template = Template('{{ d|date:"DATE_FORMAT" }}|{{ d|date:"SHORT_DATE_FORMAT" }}|{{ m|date:"MONTH_DAY_FORMAT" }}')
    with translation.override(language):
        rendered = template.render(Context({"d": dt.date(2026, 12, 21), "m": dt.date(2026, 12, 15)}))
    assert rendered == f"{long}|{short}|{month_day}"


def test_weekday_date() -> None:
    with translation.override("es"):
        assert formatting.weekday_date(dt.date(2026, 12, 21)) == "lunes, 21 de diciembre de 2026"
    with translation.override("en"):
        assert formatting.weekday_date(dt.date(2026, 12, 21)) == "Monday, 21 Dec 2026"


def test_english_inputs_accept_no_ambiguous_day_month_order() -> None:
    from ronda.core.formats.en import formats as en

    assert en.DATE_INPUT_FORMATS == ["%Y-%m-%d"]


# A day, a month and a year spelt out in a template (|date:"d/m/Y", "j F Y", "M d, Y" …) instead of
# a named format: each language's order and words would then differ from page to page. ISO
# ("Y-m-d", "c") is for machines (``<time datetime>``) and allowed.
HARD_CODED_DATE = re.compile(r"""\|date:["'](?![A-Z_]+["'])(?!Y-m-d["'])(?=[^"']*[dj])(?=[^"']*[mnbMFN])[^"']*["']""")


def test_templates_use_named_date_formats_only() -> None:
    offenders = []
    for template in RONDA.rglob("templates/**/*.html"):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
            offenders += [f"{template.relative_to(RONDA)}:{number}: {m}" for m in HARD_CODED_DATE.findall(line)]
    assert offenders == []

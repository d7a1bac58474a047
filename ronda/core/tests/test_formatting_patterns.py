"""Number patterns are parsed once per locale and currency, and formatting through them is Babel's
formatting exactly (issue 9: the plan page formats over a hundred amounts per render)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal

from ronda.core import formatting

LANGUAGES = ("es", "en", "fr", "de-ch", "pt-br", "hi")


def _values() -> list[object]:
    rnd = random.Random(9)  # noqa: S311 - test values, not secrets
    values: list[object] = [0, 1, -1, 999, 1000, -1000, 1234567, "0.005", "-0.005", "-0", 12.5, "999999.995", "1e3"]
    values += [Decimal(rnd.randint(-(10**9), 10**9)).scaleb(-rnd.randint(0, 4)) for _ in range(200)]
    values += [rnd.uniform(-1e6, 1e6) for _ in range(50)]
    return values


def _babel_money(value: Decimal, currency: str, language: str, decimals: int) -> str:
    locale = formatting._current(language)
    if not currency:
        return format_decimal(value, format=formatting._digits(decimals), locale=locale)
    pattern = formatting._money_pattern(locale)
    if decimals != 2:
        pattern = pattern.replace("#,##0.00", formatting._digits(decimals))
    return format_currency(value, currency, format=pattern, locale=locale, currency_digits=False)


@pytest.mark.parametrize("language", LANGUAGES)
def test_formatting_is_babels_and_parses_no_pattern_once_warm(monkeypatch: pytest.MonkeyPatch, language: str) -> None:
    values = _values()
    expected = {}
    for value in values:
        number = formatting._decimal(value)
        assert number is not None
        for currency in ("USD", "CRC", ""):
            for decimals in (0, 2):
                rounded = formatting._rounded(number, decimals)
                expected["money", str(value), currency, decimals] = _babel_money(rounded, currency, language, decimals)
        for decimals in (0, 1):
            expected["number", str(value), decimals] = format_decimal(
                formatting._rounded(number, decimals),
                format=formatting._digits(decimals),
                locale=formatting._current(language),
            )
        pattern = formatting._current(language).percent_formats[None].pattern.split(";")[0].replace("#,##0", "#,##0.0")
        expected["percent", str(value)] = format_decimal(
            formatting._rounded(number, 1) / 100, format=pattern, locale=formatting._current(language)
        )
        expected["figure", str(value)] = format_decimal(
            formatting._rounded(number, 2), format="#,##0.##", locale=formatting._current(language)
        )
    # Warm: each format once. Then no call may parse a pattern again.
    formatting.money(1, "USD", language, decimals=0)
    formatting.money(1, "USD", language)
    formatting.money(1, "CRC", language, decimals=0)
    formatting.money(1, "CRC", language)
    formatting.money(1, "", language, decimals=0)
    formatting.money(1, "", language)
    formatting.number(1, 0, language)
    formatting.number(1, 1, language)
    formatting.percent(1, 1, language)
    formatting.figure(1, 2, language)

    def parse_again(pattern: str) -> None:
        raise AssertionError(f"pattern {pattern!r} parsed again")

    monkeypatch.setattr(formatting, "parse_pattern", parse_again)
    for value in values:
        for currency in ("USD", "CRC", ""):
            for decimals in (0, 2):
                got = formatting.money(value, currency, language, decimals=decimals)  # type: ignore[arg-type]
                assert got == expected["money", str(value), currency, decimals], (value, currency, decimals)
        for decimals in (0, 1):
            assert formatting.number(value, decimals, language) == expected["number", str(value), decimals]  # type: ignore[arg-type]
        assert formatting.percent(value, 1, language) == expected["percent", str(value)]  # type: ignore[arg-type]
        assert formatting.figure(value, 2, language) == expected["figure", str(value)]  # type: ignore[arg-type]


def test_a_month_and_year_are_lowercase_in_spanish_and_capitalised_in_english() -> None:
    import datetime as dt

    from django.utils import translation

    from ronda.core import formatting

    with translation.override("es"):
        assert formatting.month_year(dt.date(2026, 11, 3)) == "nov 2026"
    with translation.override("en"):
        assert formatting.month_year(dt.date(2026, 11, 3)) == "Nov 2026"

"""One way to write numbers, amounts of money, counts, percentages and dates, per language.

Pages (``{% load formatting %}``), charts and PDFs all format through here, so a Spanish report
never shows "10,000" in a chart, "10 000" in a table and "22.000" in the change log. Spreadsheets
hold typed numbers instead, with real number formats (``core.spreadsheets.Money``, ``Count``).
The formats are CLDR's (Babel) for the language of the request: Spanish "10.000,50", English
"10,000.50". Money always carries its ISO 4217 code ("22.000,00 USD", "CRC 1,500.00"): "$" is a dollar
in Ecuador and a peso in Mexico. Counts have no decimals ("60.000", never "60000,00").

Domain-free: the currency is passed in (``territory.selectors.currency_of(unit)`` knows a unit's).
Dates use Django's named formats (``ronda/core/formats/<language>/formats.py``); :func:`date` and
:func:`weekday_date` are the same formats for Python code.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    NumberPattern,
    get_currency_symbol,
    get_decimal_quantum,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)
from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.translation import get_language

Numeric = Decimal | float | int

EMPTY = "—"  # what a missing figure shows, everywhere


@lru_cache(maxsize=16)
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language))
    except (ValueError, TypeError):
        return Locale.parse("es")


def _current(locale: str | None) -> Locale:
    return _locale(locale or translation.get_language() or "es")


@lru_cache(maxsize=16)
def _money_pattern(locale: Locale) -> str:
    """The locale's currency pattern with the ISO code (``¤¤``) in place of the symbol, and a
    no-break space between the code and the digits where the pattern puts none ("USD 5.00")."""
    pattern = locale.currency_formats["standard"].pattern.split(";")[0]
    pattern = pattern.replace("¤", "¤¤")
    if pattern.startswith("¤¤") and not pattern[2:3].isspace():
        pattern = "¤¤\xa0" + pattern[2:]
    elif pattern.endswith("¤¤") and not pattern[-3:-2].isspace():
        pattern = pattern[:-2] + "\xa0¤¤"
    return pattern


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _rounded(value: Decimal, decimals: int) -> Decimal:
    # Half up, as people round (and as Django's floatformat does): 55.25 → 55.3, not Babel's 55.2.
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _digits(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


_QUOTED = re.compile(r"'([^']*)'")


class _Format:
    """One number pattern of one locale (and currency), parsed once: what Babel's
    ``NumberPattern.apply`` does for the plain patterns of this module ("#,##0.00", the locale's
    currency and percent patterns), with the locale's symbols and the currency code looked up
    once instead of on every call. A plan page formats over a hundred amounts; parsing the pattern
    and reading the locale data each time was most of the time of each.

    Anything unusual (scientific or significant-digit patterns, the currency's name "¤¤¤", an
    infinite or not-a-number value) goes to Babel itself, so the output is always Babel's."""

    __slots__ = (
        "currency",
        "decimal",
        "frac",
        "group",
        "grouping",
        "locale",
        "min_int",
        "number",
        "pattern",
        "prefix",
        "quantum",
        "scale",
        "simple",
        "suffix",
    )

    def __init__(self, pattern: str, locale: Locale, currency: str | None) -> None:
        parsed: NumberPattern = parse_pattern(pattern)
        self.pattern, self.locale, self.currency = parsed, locale, currency
        self.scale = parsed.scale
        self.frac = parsed.frac_prec
        self.min_int = parsed.int_prec[0]
        self.grouping = parsed.grouping
        self.quantum = get_decimal_quantum(self.frac[1])
        self.group = get_group_symbol(locale, numbering_system="latn")
        self.decimal = get_decimal_symbol(locale, numbering_system="latn")
        self.number = parsed.number_pattern != ""
        self.prefix = tuple(self._affix(text) for text in parsed.prefix)
        self.suffix = tuple(self._affix(text) for text in parsed.suffix)
        self.simple = (
            not parsed.exp_prec and "@" not in parsed.pattern and "¤¤¤" not in "".join(parsed.prefix + parsed.suffix)
        )

    def _affix(self, text: str) -> str:
        if "¤" in text and self.currency is not None and "¤¤¤" not in text:
            text = text.replace("¤¤", self.currency.upper())
            if "¤" in text:
                text = text.replace("¤", get_currency_symbol(self.currency, self.locale))
        return text

    def __call__(self, value: Decimal) -> str:
        if not self.simple or not value.is_finite():
            return self.pattern.apply(value, self.locale, currency=self.currency, currency_digits=False)
        value = value.scaleb(self.scale)
        negative = int(value.is_signed())
        value = abs(value).normalize()
        whole, _, fraction = f"{value.quantize(self.quantum):f}".partition(".")
        if len(whole) < self.min_int:
            whole = "0" * (self.min_int - len(whole)) + whole
        size, grouped = self.grouping[0], ""
        while len(whole) > size:
            grouped = self.group + whole[-size:] + grouped
            whole = whole[:-size]
            size = self.grouping[1]
        text = (
            self.prefix[negative]
            + (whole + grouped + self._fraction(fraction or "0") if self.number else "")
            + self.suffix[negative]
        )
        return _QUOTED.sub(lambda m: m.group(1) or "'", text) if "'" in text else text

    def _fraction(self, digits: str) -> str:
        least, most = self.frac
        if len(digits) < least:
            digits += "0" * (least - len(digits))
        if most == 0 or (least == 0 and int(digits) == 0):
            return ""
        while len(digits) > least and digits[-1] == "0":
            digits = digits[:-1]
        return self.decimal + digits


@lru_cache(maxsize=256)
def _format(pattern: str, locale: Locale, currency: str | None = None) -> _Format:
    return _Format(pattern, locale, currency)


@lru_cache(maxsize=64)
def _money_format(locale: Locale, currency: str, decimals: int) -> _Format:
    if not currency:
        return _format(_digits(decimals), locale)
    pattern = _money_pattern(locale)
    if decimals != 2:
        pattern = pattern.replace("#,##0.00", _digits(decimals))
    return _format(pattern, locale, currency)


@lru_cache(maxsize=32)
def _percent_format(locale: Locale, decimals: int) -> _Format:
    return _format(locale.percent_formats[None].pattern.split(";")[0].replace("#,##0", _digits(decimals)), locale)


def money(amount: Numeric | None, currency: str = "", locale: str | None = None, *, decimals: int = 2) -> str:
    """An amount with its currency: "22.000,00 USD" (es), "CRC 1,500.00" (en).

    Without a currency (a unit whose country sets none) the number alone, grouped the same way."""
    value = _decimal(amount)
    if value is None:
        return EMPTY
    return _money_format(_current(locale), currency or "", decimals)(_rounded(value, decimals))


def number(value: Numeric | None, decimals: int = 0, locale: str | None = None) -> str:
    """A grouped number with exactly ``decimals`` decimals: "10.000" or "85,5" (es)."""
    parsed = _decimal(value)
    if parsed is None:
        return EMPTY
    return _format(_digits(decimals), _current(locale))(_rounded(parsed, decimals))


def figure(value: Numeric | None, max_decimals: int = 2, locale: str | None = None) -> str:
    """A measured value with only the decimals it has, up to ``max_decimals``: an indicator of
    60000.00 children is "60.000", a rate of 12.50 is "12,5"."""
    parsed = _decimal(value)
    if parsed is None:
        return EMPTY
    pattern = "#,##0" + ("." + "#" * max_decimals if max_decimals > 0 else "")
    return _format(pattern, _current(locale))(_rounded(parsed, max_decimals))


def count(n: int | None, locale: str | None = None) -> str:
    """A count: grouped, no decimals ("60.000")."""
    return number(n, 0, locale)


def percent(value: Numeric | None, decimals: int = 0, locale: str | None = None) -> str:
    """A percentage given from 0 to 100: "55 %" (es, with a no-break space), "55%" (en)."""
    parsed = _decimal(value)
    if parsed is None:
        return EMPTY
    return _percent_format(_current(locale), decimals)(_rounded(parsed, decimals) / 100)


def date(value: dt.date | None, format_name: str = "DATE_FORMAT") -> str:
    """A date in one of the named formats of the current language (``DATE_FORMAT``: "21 de
    diciembre de 2026" / "21 Dec 2026"; ``SHORT_DATE_FORMAT``: "21/12/2026" / "2026-12-21")."""
    if value is None:
        return EMPTY
    return date_format(value, get_format(format_name))


def month_year(value: dt.date | None) -> str:
    """A month in few letters, for chart axes and period labels: "nov 2026" in Spanish (month names
    in lowercase, as RAE writes them; Django's "M" would give "Nov"), "Nov 2026" in English."""
    if value is None:
        return EMPTY
    lowercase_months = (get_language() or "es").split("-")[0] in LOWERCASE_MONTHS
    return date_format(value, "b Y" if lowercase_months else "M Y")


# Languages that write month names in lowercase.
LOWERCASE_MONTHS = frozenset({"es", "pt", "fr", "it", "ca"})


def weekday_date(value: dt.date | None) -> str:
    """The weekday and the long date: "lunes, 21 de diciembre de 2026" / "Monday, 21 Dec 2026"."""
    if value is None:
        return EMPTY
    return f"{date_format(value, 'l')}, {date(value)}"

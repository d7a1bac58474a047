"""``{% load formatting %}``: the filters of ``ronda.core.formatting`` for pages and PDFs.

{{ row.planned|money:currency }}      22.000,00 USD
{{ row.planned|money0:currency }}     22.000 USD (whole units, for tables of budgets)
{{ overview.measure_count|count }}    60.000
{{ line.progress|number:1 }}          85,5
{{ rate|percent }}                    55 %
{{ meeting.date|weekday_date }}       lunes, 21 de diciembre de 2026
"""

from __future__ import annotations

import datetime as dt

from django import template

from ronda.core import formatting

register = template.Library()


@register.filter
def money(value: formatting.Numeric | None, currency: str = "") -> str:
    return formatting.money(value, currency or "")


@register.filter
def money0(value: formatting.Numeric | None, currency: str = "") -> str:
    return formatting.money(value, currency or "", decimals=0)


@register.filter
def number(value: formatting.Numeric | None, decimals: int = 0) -> str:
    return formatting.number(value, int(decimals))


@register.filter
def figure(value: formatting.Numeric | None, max_decimals: int = 2) -> str:
    return formatting.figure(value, int(max_decimals))


@register.filter
def count(value: int | None) -> str:
    return formatting.count(value)


@register.filter
def percent(value: formatting.Numeric | None, decimals: int = 0) -> str:
    return formatting.percent(value, int(decimals))


@register.filter(expects_localtime=True)
def weekday_date(value: dt.date | None) -> str:
    return formatting.weekday_date(value)

"""Ronda's date formats per language (``FORMAT_MODULE_PATH``): one long and one short date each.

Templates use the named formats only (``|date:"DATE_FORMAT"``, ``"SHORT_DATE_FORMAT"``,
``"MONTH_DAY_FORMAT"``, ``"DATETIME_FORMAT"``); ``ronda/core/tests/test_formatting.py`` fails on a
template that hard-codes a day-month order.
"""

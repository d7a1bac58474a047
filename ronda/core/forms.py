"""Form fields every app's forms use where Django's own would let ordinary input reach the database badly.

* ``IdModelChoiceField`` / ``IdModelMultipleChoiceField``: a value that is not a database id (ASCII digits
  from 1 to 2**63-1, the rule of ``views_helpers.id_param``) is "not a valid choice" before any query. A
  larger number cannot name a row and overflows the database's integer (on SQLite a 500 for a multiple
  choice, whose ``pk__in`` lookup Django does not bound).
* ``BoundedDateField`` / ``BoundedDateTimeField``: dates from 1900 to 2100 only. Year 9999 parses, and
  then a datetime's conversion to UTC, or a date plus a few days, overflows (a 500).

The API applies the same date bounds to every date of its request bodies (``api_schemas.StrictSchema``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from ronda.core.views_helpers import id_param

EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
DATE_RANGE_MESSAGE = _("Enter a date between the years %(first)s and %(last)s.")
DATE_RANGE_PARAMS = {"first": EARLIEST_DATE.year, "last": LATEST_DATE.year}


def date_in_range(value: datetime.date) -> bool:
    """Whether a date (or a datetime, by the date written in it) lies between 1900 and 2100."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    return EARLIEST_DATE <= day <= LATEST_DATE


def date_range_message() -> str:
    return str(DATE_RANGE_MESSAGE) % DATE_RANGE_PARAMS


def _is_id(field: forms.ModelChoiceField, value: Any) -> bool:
    if field.to_field_name or (field.queryset is not None and isinstance(value, field.queryset.model)):
        return True  # not an id typed by a person: Django's own checks apply
    return id_param(str(value)) is not None


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python: the same markup as Django's, without a template include per
    option (a list of a state's hundred officers or fifty municipalities took 20-40 ms to render)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        # What ``ChoiceWidget.optgroups`` and Django's templates do, without a dict per option: the
        # first option whose value is the current one is selected (all of them for a multiple select).
        chosen = set(self.format_value(value))
        multiple = self.allow_multiple_selected
        select_attrs = self.build_attrs(self.attrs, attrs)
        if multiple:
            select_attrs["multiple"] = True
        parts: list[str] = [format_html('<select name="{}"{}>', name, flatatt(select_attrs))]
        found = False

        def option(option_value: Any, label: Any) -> str:
            nonlocal found
            text = "" if option_value is None else str(option_value)
            selected = (multiple or not found) and text in chosen
            found |= selected
            return format_html(
                '<option value="{}"{}>{}</option>', text, mark_safe(" selected") if selected else "", label
            )

        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):
                parts.append(format_html('<optgroup label="{}">', group_value))
                parts.extend(option(v, label) for v, label in group_label)
                parts.append("</optgroup>")
            else:
                parts.append(option(group_value, group_label))
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # every part went through format_html


class IdModelChoiceField(forms.ModelChoiceField):
    widget = QuickSelect

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _is_id(self, value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return super().to_python(value)


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else []:
            if not _is_id(self, pk):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super().clean(value)


def _refuse_out_of_range(value: datetime.date | None) -> None:
    if value is not None and not date_in_range(value):
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range", params=DATE_RANGE_PARAMS)


class BoundedDateField(forms.DateField):
    def to_python(self, value: Any) -> datetime.date | None:
        result = super().to_python(value)
        _refuse_out_of_range(result)
        return result


class BoundedDateTimeField(forms.DateTimeField):
    def to_python(self, value: Any) -> datetime.datetime | None:
        # The local date and time as typed, made aware: checked before anything converts it to UTC.
        result = super().to_python(value)
        _refuse_out_of_range(result)
        return result


class LongTextField(forms.CharField):
    """A long text with its limit (each app's ``limits.py``): give ``max_length`` and a ``Textarea``;
    the page shows a counter. A browser sends a newline as CR LF: counted as one character here, as
    the page's counter and the services (``core.errors.check_length``) count it."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).replace("\r\n", "\n")

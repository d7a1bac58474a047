"""Issue #7, finding 8: the shared rules that keep ordinary input from becoming a 500.

Ids that are not positive 64-bit integers are "not a valid choice" before any query; dates lie between
1900 and 2100 in every form and every API body (year 9999 overflowed on its way to UTC).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from pydantic import ValidationError as PydanticValidationError

from ronda.core.api_schemas import StrictSchema
from ronda.core.forms import (
    BoundedDateField,
    BoundedDateTimeField,
    IdModelChoiceField,
    IdModelMultipleChoiceField,
)
from ronda.core.views_helpers import apply_errors
from ronda.territory.models import OrgUnit
from ronda.testing import World, api_token

pytestmark = pytest.mark.django_db

NOT_IDS = ["99999999999999999999999", str(2**63), "-1", "0", "1e3", "١", " 1"]


class UnitsForm(forms.Form):
    one = IdModelChoiceField(queryset=OrgUnit.objects.all(), required=False)
    many = IdModelMultipleChoiceField(queryset=OrgUnit.objects.all(), required=False)


@pytest.mark.parametrize("value", NOT_IDS)
def test_a_value_that_is_not_an_id_is_not_a_valid_choice_and_asks_nothing(
    world: World, django_assert_num_queries: Any, value: str
) -> None:
    with django_assert_num_queries(0):
        one = UnitsForm({"one": value})
        assert not one.is_valid()
        many = UnitsForm({"many": [str(world.community.pk), value]})
        assert not many.is_valid()
    assert one.errors["one"][0].startswith("Escoja una opción válida.")
    assert many.errors["many"][0].startswith("Escoja una opción válida.")


def test_real_ids_are_still_chosen(world: World) -> None:
    form = UnitsForm({"one": str(world.municipality.pk), "many": [str(world.community.pk), str(2**63 - 1)]})
    assert not form.is_valid()  # the largest id is an id, it just names no unit
    form = UnitsForm({"one": str(world.municipality.pk), "many": [str(world.community.pk)]})
    assert form.is_valid()
    assert form.cleaned_data["one"] == world.municipality
    assert list(form.cleaned_data["many"]) == [world.community]


class DatesForm(forms.Form):
    day = BoundedDateField(required=False)
    moment = BoundedDateTimeField(required=False, input_formats=["%Y-%m-%dT%H:%M"])


@pytest.mark.parametrize(
    ("field", "value"),
    [("day", "9999-12-31"), ("day", "1899-12-31"), ("moment", "9999-12-31T23:30"), ("moment", "2101-01-01T00:00")],
)
def test_dates_outside_1900_to_2100_are_a_form_error(field: str, value: str) -> None:
    form = DatesForm({field: value})
    assert not form.is_valid()
    assert form.errors[field] == ["Indique una fecha entre los años 1900 y 2100."]


def test_dates_inside_the_bounds_are_accepted() -> None:
    form = DatesForm({"day": "2100-12-31", "moment": "1900-01-01T00:00"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date(2100, 12, 31)


class Body(StrictSchema):
    day: dt.date | None = None
    moment: dt.datetime | None = None


@pytest.mark.parametrize(
    "body", [{"day": "9999-12-31"}, {"moment": "9999-12-31T23:30:00-12:00"}, {"moment": "0001-01-01T00:00:00+14:00"}]
)
def test_dates_outside_1900_to_2100_are_refused_by_every_api_body(body: dict[str, str]) -> None:
    with pytest.raises(PydanticValidationError) as refused:
        Body.model_validate(body)
    assert [e["type"] for e in refused.value.errors()] == ["date_out_of_range"]
    assert Body.model_validate({"day": "2026-01-31", "moment": "2026-01-31T10:00:00"}).day == dt.date(2026, 1, 31)


@pytest.mark.parametrize("param", ["parent", "within"])
@pytest.mark.parametrize("value", ["99999999999999999999999", "0", "-5"])
def test_org_unit_filters_take_only_ids(client: Client, world: World, param: str, value: str) -> None:
    # ``parent`` went straight into ``parent_id=…``: on SQLite an OverflowError (a 500).
    token = api_token(world.home["admin"])
    response = client.get(f"/api/v1/org-units?{param}={value}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [param]
    ok = client.get(f"/api/v1/org-units?{param}={world.municipality.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ok.status_code == 200


class TitleForm(forms.Form):
    title = forms.CharField()


def test_a_service_error_can_be_shown_on_a_fresh_form() -> None:
    form = TitleForm()
    apply_errors(form, ValidationError("No se puede."))
    assert form.non_field_errors() == ["No se puede."]

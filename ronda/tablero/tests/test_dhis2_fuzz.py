"""Bad input never answers 500: random payloads and parameters on the DHIS2 API."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ronda.core.roles import Role
from ronda.tablero.tests.dhis2_catalogue import basic, build

pytestmark = pytest.mark.django_db

BASE = "/dhis2/api"
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=15))
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@pytest.fixture
def cat(world):
    return build(world)


def _has_nul(obj: object) -> bool:
    if isinstance(obj, str):
        return "\x00" in obj
    if isinstance(obj, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in obj.items())
    if isinstance(obj, list):
        return any(_has_nul(v) for v in obj)
    return False


@FUZZ
@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "dataElement": st.one_of(st.just("VAC"), json_values),
                "period": st.one_of(st.sampled_from(["202401", "2024Q1", "2024W1", "20240101", "0"]), json_values),
                "orgUnit": json_values,
                "categoryOptionCombo": json_values,
                "value": st.one_of(st.sampled_from(["1", "-1", "1e400", "NaN", "1.23456", "sí"]), json_values),
                "comment": json_values,
                "deleted": json_values,
            },
        ),
        max_size=4,
    ),
    json_values,
)
def test_random_value_sets_get_an_import_summary(cat, values, header):
    body = {"dataValues": values, "orgUnit": cat.world.municipality.uid, "period": header}
    data = json.dumps(body)
    response = Client().post(
        f"{BASE}/dataValueSets?idScheme=CODE&orgUnitIdScheme=UID",
        data=data,
        content_type="application/json",
        **basic(cat.world.home[Role.COORDINATOR].username),
    )
    if _has_nul(body):  # a NUL anywhere: refused before any code reads it (core middleware)
        assert response.status_code == 400
        assert response.json()["httpStatusCode"] == 400
        return
    assert response.status_code in (200, 409)
    assert response.json()["response"]["responseType"] == "ImportSummary"


@FUZZ
@given(st.text(max_size=40), st.text(max_size=40), st.text(max_size=10))
def test_random_list_parameters_are_answered_or_refused(cat, fields, flt, page):
    response = Client().get(
        f"{BASE}/organisationUnits",
        {"fields": fields, "filter": flt, "page": page, "pageSize": page, "order": flt},
        **basic(cat.world.home[Role.COORDINATOR].username),
    )
    assert response.status_code in (200, 400, 409)


@FUZZ
@given(st.lists(st.text(max_size=30), max_size=4), st.lists(st.text(max_size=30), max_size=2))
def test_random_analytics_queries_are_answered_or_refused(cat, dimensions, filters):
    response = Client().get(
        f"{BASE}/analytics",
        {"dimension": [f"dx:{cat.vac.uid}", *dimensions], "filter": filters},
        **basic(cat.world.home[Role.COORDINATOR].username),
    )
    assert response.status_code in (200, 400, 409)  # 400: a NUL character (core.middleware refuses it)

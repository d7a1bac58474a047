"""Issue #8 item 3: what territory publishes for the read contracts of other domains: unit keys and
the small lookups the public pages make."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ronda.territory.models import OrgUnit
from ronda.territory.selectors import UnitKey, UnitRef, active_units, municipality_by_code
from ronda.testing import World

pytestmark = pytest.mark.django_db


def test_municipality_by_code_only_finds_active_municipalities(world: World) -> None:
    found = municipality_by_code(world.municipality.code)
    assert found is not None and found.pk == world.municipality.pk
    with CaptureQueriesContext(connection) as queries:
        assert found.parent is not None and found.parent.name == world.region.name  # loaded with it
    assert len(queries) == 0
    assert municipality_by_code(world.community.code) is None  # not a municipality
    assert municipality_by_code(world.region.code) is None
    assert municipality_by_code("NOPE") is None
    OrgUnit.objects.filter(pk=world.other_municipality.pk).update(is_active=False)
    assert municipality_by_code(world.other_municipality.code) is None


def test_municipality_by_code_leaves_the_map_shape_out(world: World) -> None:
    OrgUnit.objects.filter(pk=world.municipality.pk).update(geometry={"type": "Point", "coordinates": [0, 0]})
    with CaptureQueriesContext(connection) as queries:
        municipality_by_code(world.municipality.code)
    assert '"geometry"' not in queries[0]["sql"]


def test_active_units_by_name(world: World) -> None:
    OrgUnit.objects.filter(pk=world.community.pk).update(is_active=False)
    ids = [world.other_municipality.pk, world.municipality.pk, world.community.pk]
    units = active_units(ids)
    assert [u.name for u in units] == sorted([world.other_municipality.name, world.municipality.name])
    assert active_units([]) == []


def test_a_unit_ref_is_a_unit_key(world: World) -> None:
    unit = world.municipality
    ref = UnitRef(pk=unit.pk, code=unit.code, name=unit.name, path=unit.path)
    keys: list[UnitKey] = [ref, unit]
    assert {key.path for key in keys} == {unit.path}
    assert str(ref) == unit.name

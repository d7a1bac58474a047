from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ronda.accounts.models import Membership
from ronda.territory.models import Level, OrgUnit
from ronda.testing import World, make_unit

pytestmark = pytest.mark.django_db


def test_subtree_query_uses_path(world) -> None:
    within = set(OrgUnit.objects.within(world.country).values_list("code", flat=True))
    assert within == {"A", "A-R", "A-M", "A-M-C", "A-M2", "A-M2-C"}
    assert "B-M" not in within


def test_path_prefix_does_not_leak_between_siblings(db) -> None:
    # Unit 1 and unit 10 share a textual prefix; the fixed-width segments keep them apart.
    root = make_unit("R", Level.COUNTRY, None)
    regions = [make_unit(f"R{i}", Level.REGION, root) for i in range(12)]
    first = regions[0]
    assert set(OrgUnit.objects.within(first)) == {first}


def test_ancestors_and_municipality(world) -> None:
    assert list(world.community.ancestors()) == [world.country, world.region, world.municipality]
    assert world.community.municipality_id() == world.municipality.pk
    assert world.region.municipality_id() is None
    assert world.community.is_within(world.country)
    assert not world.community.is_within(world.other_country)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=12))
def test_subtree_equals_descendants(parents: list[int]) -> None:
    """Whatever shape the tree takes, ``within`` returns exactly the unit and its descendants."""
    from django.db import transaction

    with transaction.atomic():
        root = make_unit("H", Level.COUNTRY, None)
        regions = [make_unit(f"H-{i}", Level.REGION, root) for i in range(6)]
        municipalities = [make_unit(f"H-M{n}", Level.MUNICIPALITY, regions[p]) for n, p in enumerate(parents)]
        for region in regions:
            expected = {region.pk} | {m.pk for m in municipalities if m.parent_id == region.pk}
            assert set(OrgUnit.objects.within(region).values_list("pk", flat=True)) == expected
        transaction.set_rollback(True)


def test_path_startswith_is_an_index_range_with_the_same_rows(world: World) -> None:
    units = list(OrgUnit.objects.all())
    prefixes = {u.path for u in units} | {"", units[-1].path[:3], "99999999."}
    for prefix in prefixes:
        expected = sorted(u.pk for u in units if u.path.startswith(prefix))
        assert sorted(OrgUnit.objects.filter(path__startswith=prefix).values_list("pk", flat=True)) == expected
        # Through a join too (policies filter memberships, plans, councils this way).
        memberships = Membership.objects.select_related("org_unit")
        expected_memberships = sorted(m.pk for m in memberships if m.org_unit and m.org_unit.path.startswith(prefix))
        via_join = Membership.objects.filter(org_unit__path__startswith=prefix).values_list("pk", flat=True)
        assert sorted(via_join) == expected_memberships
    sql = str(OrgUnit.objects.filter(path__startswith=world.municipality.path).query)
    assert ">=" in sql and "LIKE" not in sql
    # Other text columns keep LIKE: their collation may not be byte order.
    assert "LIKE" in str(OrgUnit.objects.filter(code__startswith="A").query)

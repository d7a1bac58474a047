"""The precompiled queries behind authentication return exactly what the ORM would."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterable
from typing import Any

import pytest
from django.db.models import QuerySet

from ronda.accounts import selectors
from ronda.accounts.models import ApiToken, Membership, User
from ronda.core.precompiled import INT_PLACEHOLDER, TEXT_PLACEHOLDER, PrecompiledQuery, PrecompiledValues, instance
from ronda.core.roles import Role
from ronda.territory.models import OrgUnit
from ronda.testing import World, api_token, make_user

pytestmark = pytest.mark.django_db


def test_fetch_runs_the_compiled_query_with_each_new_value(world: World) -> None:
    by_code = PrecompiledValues(
        lambda code: OrgUnit.objects.filter(code=code).values_list("id", "name", "level"),
        placeholder=TEXT_PLACEHOLDER,
    )
    for unit in (world.municipality, world.other_municipality, world.community):
        assert by_code.fetch(unit.code) == [(unit.pk, unit.name, unit.level)]
    assert by_code.fetch("no-such-code") == []


def test_the_placeholder_must_be_a_parameter_exactly_once(world: World) -> None:
    def twice(value: int) -> QuerySet[OrgUnit]:
        return OrgUnit.objects.filter(pk=value, parent_id=value).values_list("id")

    with pytest.raises(ValueError, match="once"):
        PrecompiledValues(twice, placeholder=INT_PLACEHOLDER).fetch(1)
    with pytest.raises(ValueError, match="once"):
        PrecompiledValues(lambda value: OrgUnit.objects.values_list("id"), placeholder=INT_PLACEHOLDER).fetch(1)


def test_instance_builds_a_fetched_object_with_deferred_fields(world: World) -> None:
    unit = instance(OrgUnit, {"id": world.municipality.pk, "name": "Renamed in memory"})
    assert unit.pk == world.municipality.pk
    assert unit.name == "Renamed in memory"
    assert unit._state.adding is False
    assert "code" in unit.get_deferred_fields()
    assert unit.code == world.municipality.code  # loaded on access, like .only()


def _summary(memberships: Iterable[Membership]) -> list[tuple[object, ...]]:
    return sorted(
        (
            m.pk,
            m.role,
            m.org_unit.path if m.org_unit else None,
            m.area.name if m.area else None,
            m.institution.name if m.institution else None,
        )
        for m in memberships
    )


def _orm_memberships(user: User) -> list[tuple[object, ...]]:
    return _summary(Membership.objects.active().filter(user=user).select_related("org_unit", "area", "institution"))


def test_active_memberships_match_the_orm(world: World) -> None:
    user = make_user("several.roles", Role.COORDINATOR, world.municipality)
    Membership.objects.create(user=user, role=Role.AREA_FOCAL, org_unit=world.municipality, area=world.area)
    Membership.objects.create(user=user, role=Role.DEFENDER, org_unit=world.community, is_active=False)
    got = selectors.active_memberships(user)
    assert [m.role for m in got] == [Role.COORDINATOR, Role.AREA_FOCAL]  # by priority; inactive left out
    assert all(m.user is user for m in got)
    assert _summary(got) == _orm_memberships(user)


def test_token_lookup_picks_the_token_asked_for_among_several(world: World) -> None:
    user = world.home["coordinator"]
    first, second = api_token(user), api_token(user)
    ApiToken.objects.filter(prefix=first[:10]).update(revoked_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    assert selectors.token_and_memberships(first) is None
    found = selectors.token_and_memberships(second)
    assert found is not None
    token, memberships = found
    assert token.pk == ApiToken.objects.get(prefix=second[:10]).pk
    assert isinstance(token.expires_at, datetime.datetime)  # converted, also on SQLite
    assert token.user.pk == user.pk and token.user.username == user.username
    assert [m.pk for m in memberships] == [m.pk for m in selectors.active_memberships(user)]
    assert selectors.token_and_memberships("rnd_not-a-token") is None


# --- PrecompiledQuery: model objects -------------------------------------------------------------
def _by_parent() -> PrecompiledQuery[OrgUnit]:
    return PrecompiledQuery(
        lambda parent_id: OrgUnit.objects.filter(parent_id=parent_id).select_related("parent").order_by("id")
    )


def _fields(units: Iterable[OrgUnit]) -> list[tuple[object, ...]]:
    return [(u.pk, u.name, u.code, u.level, u.path, u.parent_id, u._state.adding, u._state.db) for u in units]


def test_precompiled_objects_are_the_orms_with_their_related_objects(
    world: World, django_assert_num_queries: Any
) -> None:
    children = _by_parent()
    for parent in (world.country, world.region, world.municipality, world.community):
        expected = list(OrgUnit.objects.filter(parent=parent).select_related("parent").order_by("id"))
        with django_assert_num_queries(1):  # the parent came in the same query
            got = children.fetch(parent.pk)
            parents = [(u.parent.pk, u.parent.name) for u in got]
        assert _fields(got) == _fields(expected)
        assert parents == [(parent.pk, parent.name)] * len(expected)
    assert children.fetch(-1) == []
    # Written objects behave as fetched ones: saved by UPDATE, refreshed from the database.
    unit = children.fetch(world.municipality.pk)[0]
    unit.name = "Renamed"
    unit.save(update_fields=["name"])
    assert OrgUnit.objects.get(pk=unit.pk).name == "Renamed"


def test_precompiled_objects_keep_deferred_fields_and_annotations(world: World) -> None:
    from django.db.models import Count

    query = PrecompiledQuery(
        lambda parent_id: (
            OrgUnit.objects.filter(parent_id=parent_id)
            .only("id", "name")
            .annotate(children_count=Count("children"))
            .order_by("id")
        )
    )
    got = query.fetch(world.region.pk)
    expected = list(OrgUnit.objects.filter(parent=world.region).annotate(children_count=Count("children")))
    assert [(u.pk, u.children_count) for u in got] == [(u.pk, u.children_count) for u in expected]  # type: ignore[attr-defined]
    assert got and all("code" in u.get_deferred_fields() for u in got)
    assert [u.code for u in got] == [u.code for u in expected]  # loaded on access


def test_each_thread_compiles_its_own_and_the_compiled_query_is_not_changed(world: World) -> None:
    children = _by_parent()
    first = children.fetch(world.region.pk)
    compiled = children._compiled()
    again = children.fetch(world.municipality.pk)
    assert children._compiled() is compiled  # reused, and the next value did not stick to it
    assert [u.pk for u in children.fetch(world.region.pk)] == [u.pk for u in first]
    assert {u.parent_id for u in again} == {world.municipality.pk}
    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(children._local.__dict__.get("compiled")))
    thread.start()
    thread.join()
    assert seen == [None]  # nothing compiled in another thread's name


def test_precompiled_queries_refuse_other_shapes(world: World) -> None:
    with pytest.raises(ValueError, match="model objects"):
        PrecompiledQuery(lambda pk: OrgUnit.objects.filter(pk=pk).values("id")).fetch(1)  # type: ignore[arg-type,return-value]
    with pytest.raises(ValueError, match="model objects"):
        PrecompiledQuery(lambda pk: OrgUnit.objects.filter(pk=pk).prefetch_related("children")).fetch(1)
    with pytest.raises(ValueError, match="once"):
        PrecompiledQuery(lambda pk: OrgUnit.objects.filter(pk=pk, parent_id=pk)).fetch(1)

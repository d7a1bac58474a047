"""Territory services: switching units, areas and institutions off and on are domain events."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ronda.core import audit_actions
from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.territory import services
from ronda.territory.models import Level, TerritoryAction
from ronda.testing import World

pytestmark = pytest.mark.django_db


def acting(world: World, role: str) -> Actor:
    user = world.home[role]
    return actor_for(user, user.memberships.get())


def actions(target: object) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            target_type=target._meta.label_lower,  # type: ignore[attr-defined]
            target_id=str(target.pk),  # type: ignore[attr-defined]
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_territory_actions_are_registered_with_the_trail() -> None:
    assert all(audit_actions.known(value) for value in TerritoryAction.values)
    with translation.override("en"):
        assert audit_actions.label("area_deactivated") == "Area deactivated"


def test_switching_a_unit_off_and_on(world: World) -> None:
    admin = acting(world, "admin")
    unit = services.update_org_unit(actor=admin, unit=world.community, expected_version=1, is_active=False)
    services.update_org_unit(actor=admin, unit=unit, expected_version=2, is_active=True, name="Comunidad Alta")
    services.update_org_unit(actor=admin, unit=unit, expected_version=3, name="Comunidad Baja")
    assert actions(world.community) == ["org_unit_deactivated", "org_unit_reactivated", "update"]


def test_switching_an_area_off_and_on(world: World) -> None:
    coordinator = acting(world, "coordinator")
    area = services.update_area(actor=coordinator, area=world.area, expected_version=1, is_active=False)
    services.update_area(actor=coordinator, area=area, expected_version=2, is_active=True)
    assert actions(world.area) == ["area_deactivated", "area_reactivated"]


def test_switching_an_institution_off_and_on(world: World) -> None:
    admin = acting(world, "admin")
    institution = services.update_institution(
        actor=admin, institution=world.institution, expected_version=1, is_active=False
    )
    services.update_institution(
        actor=admin, institution=institution, expected_version=2, is_active=True, services=["Escucha"]
    )
    services.update_institution(actor=admin, institution=institution, expected_version=3, jurisdiction=[])
    assert actions(world.institution) == ["institution_deactivated", "institution_reactivated"]
    reactivated = AuditEvent.objects.filter(target_type="territory.institution").latest("id")
    assert reactivated.changes == {"is_active": [False, True], "services": [[], ["Escucha"]]}


def test_a_new_unit_reports_every_problem_at_once(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_org_unit(
            actor=SYSTEM, code=world.community.code, name="Duplicada", level=Level.COMMUNITY, parent=world.region
        )
    assert set(exc.value.message_dict) == {"parent", "code"}

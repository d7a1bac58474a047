from __future__ import annotations

import pytest
from django.urls import reverse

from ronda.core.models import AuditEvent
from ronda.territory.models import Area, Institution, OrgUnit
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

ALL_200 = {
    r: 200
    for r in [
        "admin",
        "secretariat",
        "coordinator",
        "area_focal",
        "defender",
        "protection_officer",
        "supervisor",
        "analyst",
    ]
}
# An independent evaluator (#14) has no place in the territory: 404 everywhere here.
ALL_200["evaluator"] = 404
AWAY_200 = {r: 200 for r in ALL_200 if r != "evaluator"}


def test_unit_detail_matrix(world: World) -> None:
    # Every role inside the municipality sees it, except the defender whose scope is one community.
    expected = dict(ALL_200, defender=404)
    check_access_matrix(
        world, url=lambda w: reverse("territory:unit_detail", args=[w.municipality.pk]), expected=expected
    )


def test_community_detail_matrix(world: World) -> None:
    check_access_matrix(world, url=lambda w: reverse("territory:unit_detail", args=[w.community.pk]), expected=ALL_200)


def test_browse_matrix(world: World) -> None:
    # Browsing redirects a user with one root to that root; admins get the list of countries.
    expected = {r: 302 for r in ALL_200}
    expected.update(admin=200, evaluator=404)
    away = {r: 302 for r in ALL_200 if r != "evaluator"}
    check_access_matrix(world, url=reverse("territory:browse"), expected=expected, away=away)


def test_unit_edit_matrix_get(world: World) -> None:
    expected = {r: 404 for r in ALL_200}
    expected.update(admin=200, coordinator=200)
    check_access_matrix(world, url=lambda w: reverse("territory:unit_edit", args=[w.community.pk]), expected=expected)


def test_unit_edit_post_denied_writes_nothing(world: World) -> None:
    expected = {r: 404 for r in ALL_200}
    expected.update(admin=302, coordinator=302)

    def state() -> tuple[str, int]:
        unit = OrgUnit.objects.get(pk=world.community.pk)
        return unit.name, AuditEvent.objects.filter(action="update").count()

    # Each allowed POST renames to the same value, so later roles still start from a known state.
    check_access_matrix(
        world,
        url=lambda w: reverse("territory:unit_edit", args=[w.community.pk]),
        method="post",
        data=lambda w: {
            "code": "A-M-C",
            "name": "Comunidad renombrada",
            "is_active": "on",
            "version": OrgUnit.objects.get(pk=w.community.pk).version,
        },
        expected=expected,
        state=state,
    )
    assert OrgUnit.objects.get(pk=world.community.pk).name == "Comunidad renombrada"


def test_unit_create_matrix(world: World) -> None:
    expected = {r: 404 for r in ALL_200}
    expected.update(admin=200, coordinator=200)
    check_access_matrix(
        world, url=lambda w: reverse("territory:unit_create", args=[w.municipality.pk]), expected=expected
    )


def test_coordinator_creates_community_with_audit(client, world: World) -> None:
    login(client, world.home["coordinator"])
    response = client.post(
        reverse("territory:unit_create", args=[world.municipality.pk]), {"code": "A-M-NEW", "name": "Nueva"}
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="A-M-NEW")
    assert unit.parent_id == world.municipality.pk
    assert unit.path.startswith(world.municipality.path)
    event = AuditEvent.objects.get(target_type="territory.orgunit", target_id=str(unit.pk), action="create")
    assert event.actor_username == "coordinator.home"
    assert event.changes["name"] == [None, "Nueva"]


def test_duplicate_code_shows_spanish_error_and_writes_nothing(client, world: World) -> None:
    login(client, world.home["coordinator"])
    before = OrgUnit.objects.count()
    response = client.post(
        reverse("territory:unit_create", args=[world.municipality.pk]), {"code": "A-M-C", "name": "Otra"}
    )
    assert response.status_code == 200
    assert "Ya existe otra unidad con el código A-M-C" in response.content.decode() or "A-M-C" in str(
        response.context["form"].errors
    )
    assert OrgUnit.objects.count() == before


def test_concurrent_edit_gets_conflict_not_overwrite(client, world: World) -> None:
    login(client, world.home["coordinator"])
    url = reverse("territory:unit_edit", args=[world.community.pk])
    stale_version = OrgUnit.objects.get(pk=world.community.pk).version
    first = client.post(url, {"code": "A-M-C", "name": "Primera", "is_active": "on", "version": stale_version})
    assert first.status_code == 302
    second = client.post(url, {"code": "A-M-C", "name": "Segunda", "is_active": "on", "version": stale_version})
    assert second.status_code == 200
    assert second.context["form"].non_field_errors()
    assert OrgUnit.objects.get(pk=world.community.pk).name == "Primera"


def test_area_list_matrix(world: World) -> None:
    check_access_matrix(world, url=reverse("territory:area_list"), expected=ALL_200, away=AWAY_200)


def test_area_list_is_scoped(client, world: World) -> None:
    login(client, world.home["coordinator"])
    response = client.get(reverse("territory:area_list"))
    areas = list(response.context["page"])
    assert world.area in areas
    assert world.other_area not in areas


def test_area_edit_matrix(world: World) -> None:
    expected = {r: 404 for r in ALL_200}
    expected.update(admin=200, coordinator=200)
    check_access_matrix(world, url=lambda w: reverse("territory:area_edit", args=[w.area.pk]), expected=expected)


def test_area_create_post_denied_writes_nothing(world: World) -> None:
    expected = {r: 404 for r in ALL_200}
    # The admin (first) creates the area; the coordinator then hits the duplicate-name check
    # and gets the form back with an error: neither path writes twice.
    expected.update(admin=302, coordinator=200)
    check_access_matrix(
        world,
        url=lambda w: reverse("territory:area_create", args=[w.municipality.pk]),
        method="post",
        data={"name": "Deportes", "kind": "sports", "is_active": "on"},
        expected=expected,
        state=lambda: Area.objects.count(),
    )
    assert Area.objects.filter(org_unit=world.municipality, name="Deportes").count() == 1


def test_institution_directory_matrix(world: World) -> None:
    check_access_matrix(
        world, url=lambda w: reverse("territory:institution_detail", args=[w.institution.pk]), expected=ALL_200
    )


def test_institution_list_scoped(client, world: World) -> None:
    login(client, world.home["defender"])
    response = client.get(reverse("territory:institution_list"))
    listed = list(response.context["page"])
    # The defender's community lies within the board's jurisdiction.
    assert world.institution in listed
    assert world.other_institution not in listed


def test_institution_edit_matrix(world: World) -> None:
    expected = {r: 404 for r in ALL_200}
    expected.update(admin=200, coordinator=200)
    check_access_matrix(
        world, url=lambda w: reverse("territory:institution_edit", args=[w.institution.pk]), expected=expected
    )


def test_institution_create_and_edit_audited(client, world: World) -> None:
    login(client, world.home["coordinator"])
    response = client.post(
        reverse("territory:institution_create"),
        {
            "name": "Centro de Salud A",
            "kind": "health",
            "seat_code": "A-M",
            "jurisdiction_codes": "A-M-C",
            "services": "Vacunación\nControl prenatal",
        },
    )
    assert response.status_code == 302, response.content
    institution = Institution.objects.get(name="Centro de Salud A")
    assert sorted(institution.services.values_list("name", flat=True)) == ["Control prenatal", "Vacunación"]
    assert list(institution.jurisdiction.values_list("code", flat=True)) == ["A-M-C"]
    created = AuditEvent.objects.get(target_type="territory.institution", target_id=str(institution.pk))
    assert created.changes["services"] == [None, ["Control prenatal", "Vacunación"]]


def test_institution_seat_outside_scope_rejected(client, world: World) -> None:
    login(client, world.home["coordinator"])
    before = Institution.objects.count()
    response = client.post(reverse("territory:institution_create"), {"name": "X", "kind": "ngo", "seat_code": "B-M"})
    assert response.status_code == 200
    assert "seat_code" in response.context["form"].errors
    assert Institution.objects.count() == before


def test_import_page_matrix(world: World) -> None:
    expected = {r: 404 for r in ALL_200}
    expected.update(admin=200, coordinator=200)
    check_access_matrix(world, url=reverse("territory:import"), expected=expected, away={"coordinator": 200})


def test_edit_without_version_is_refused(client, world: World) -> None:
    login(client, world.home["coordinator"])
    response = client.post(
        reverse("territory:unit_edit", args=[world.community.pk]), {"code": "A-M-C", "name": "Sin versión"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert OrgUnit.objects.get(pk=world.community.pk).name == "Comunidad A"

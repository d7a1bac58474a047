"""Access matrices for the territory routes the first review found uncovered (issue 8, item 7)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.territory.models import Area, Institution, OrgUnit
from ronda.testing import World, check_access_matrix

pytestmark = pytest.mark.django_db

ALL_200 = dict.fromkeys(Role.values, 200)
# An independent evaluator (#14) has no place in the territory: its pages answer 404, its API lists are empty.
PAGES_200 = {**ALL_200, Role.EVALUATOR: 404}
AWAY_PAGES_200 = {r: 200 for r in Role.values if r != Role.EVALUATOR}
ONLY_MANAGERS = {**dict.fromkeys(Role.values, 404), "admin": 200, "coordinator": 200}


def audit_count() -> int:
    return AuditEvent.objects.count()


def test_institution_list_matrix(world: World) -> None:
    # Everyone with a place in the territory reads the directory; a list is scoped, not refused.
    check_access_matrix(world, url=reverse("territory:institution_list"), expected=PAGES_200, away=AWAY_PAGES_200)


def test_institution_create_get_matrix(world: World) -> None:
    check_access_matrix(
        world, url=reverse("territory:institution_create"), expected=ONLY_MANAGERS, away={"coordinator": 200}
    )


def test_institution_create_post_matrix(world: World) -> None:
    names = (f"Centro {n}" for n in itertools.count())
    expected = {**ONLY_MANAGERS, "admin": 302, "coordinator": 302}
    check_access_matrix(
        world,
        url=reverse("territory:institution_create"),
        method="post",
        data=lambda w: {"name": next(names), "kind": "health", "seat_code": "A-M", "jurisdiction_codes": "A-M-C"},
        expected=expected,
        # The coordinator next door may open the form but not register an institution seated here.
        away={"coordinator": 200},
        state=lambda: (Institution.objects.count(), audit_count()),
    )
    # Admin and the home coordinator registered one each; nobody else wrote anything.
    assert Institution.objects.filter(name__startswith="Centro ").count() == 2


def test_institution_edit_post_matrix(world: World) -> None:
    def data(w: World) -> dict[str, Any]:
        institution = Institution.objects.get(pk=w.institution.pk)
        return {
            "name": "Junta A",
            "kind": institution.kind,
            "seat_code": "A-M",
            "jurisdiction_codes": "A-M",
            "version": institution.version,
        }

    def state() -> tuple[Any, ...]:
        institution = Institution.objects.get(pk=world.institution.pk)
        return institution.version, institution.name, audit_count()

    check_access_matrix(
        world,
        url=lambda w: reverse("territory:institution_edit", args=[w.institution.pk]),
        method="post",
        data=data,
        expected={**ONLY_MANAGERS, "admin": 302, "coordinator": 302},
        state=state,
    )


def test_unit_create_post_matrix(world: World) -> None:
    codes = (f"A-M-N{n}" for n in itertools.count())
    check_access_matrix(
        world,
        url=lambda w: reverse("territory:unit_create", args=[w.municipality.pk]),
        method="post",
        data=lambda w: {"code": next(codes), "name": "Comunidad nueva", "is_active": "on"},
        expected={**ONLY_MANAGERS, "admin": 302, "coordinator": 302},
        state=lambda: (OrgUnit.objects.count(), audit_count()),
    )
    assert OrgUnit.objects.filter(code__startswith="A-M-N").count() == 2


def test_area_create_get_matrix(world: World) -> None:
    check_access_matrix(
        world, url=lambda w: reverse("territory:area_create", args=[w.municipality.pk]), expected=ONLY_MANAGERS
    )


def test_area_edit_post_matrix(world: World) -> None:
    def data(w: World) -> dict[str, Any]:
        area = Area.objects.get(pk=w.area.pk)
        return {"name": "Salud", "kind": area.kind, "is_active": "on", "version": area.version}

    def state() -> tuple[Any, ...]:
        area = Area.objects.get(pk=world.area.pk)
        return area.version, area.name, audit_count()

    check_access_matrix(
        world,
        url=lambda w: reverse("territory:area_edit", args=[w.area.pk]),
        method="post",
        data=data,
        expected={**ONLY_MANAGERS, "admin": 302, "coordinator": 302},
        state=state,
    )


def test_import_template_matrix(world: World) -> None:
    # A blank template: anyone who may import gets it, wherever they work.
    check_access_matrix(
        world, url=reverse("territory:import_template"), expected=ONLY_MANAGERS, away={"coordinator": 200}
    )


def test_import_post_matrix(world: World, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    rows = b"code,name,level,parent_code\nA-M-X,Barrio nuevo,community,A-M\n"
    check_access_matrix(
        world,
        url=reverse("territory:import"),
        method="post",
        data=lambda w: {"file": SimpleUploadedFile("unidades.csv", rows, content_type="text/csv")},
        # The dry run shows its report (200); the coordinator next door sees a refused row, not a 404.
        expected=ONLY_MANAGERS,
        away={"coordinator": 200},
        state=lambda: (OrgUnit.objects.count(), audit_count()),
    )
    assert not OrgUnit.objects.filter(code="A-M-X").exists()  # a dry run writes nothing


def test_org_unit_list_api_matrix(world: World) -> None:
    check_access_matrix(world, url="/api/v1/org-units", expected=ALL_200, away=200, api=True)

"""The pages of a sector's focal point: their institution's restitution actions (file number, the
child's initials and age, never the name) and the report on one of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from ronda.accounts.models import Membership
from ronda.core.errors import ConflictError
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.protection.models import ActionStatus, FileClosingReason, RestitutionAction, Sector
from ronda.protection.services.files import add_action, save_plan, update_sector_action
from ronda.protection.tests.factories import TODAY, PWorld, act, approved, make_child, make_file, protection_world
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db


def only(allowed: dict[str, int], other: int = 404) -> dict[str, int]:
    return {role: allowed.get(role, other) for role in Role.values}


FOCAL_READS = only({"area_focal": 200})
FOCAL_WRITES = only({"area_focal": 302})


@pytest.fixture
def pw(world: World) -> PWorld:
    pworld = protection_world(world)
    # The home area focal point sits for the health centre: the institution's focal point.
    Membership.objects.filter(user=world.home[Role.AREA_FOCAL]).update(institution=pworld.health_institution)
    return pworld


def _action(pw: PWorld, **over: Any) -> RestitutionAction:
    child = make_child(pw.world, first_names="María José", paternal_surname="García", maternal_surname="López")
    file = make_file(pw, child=child)
    plan = save_plan(actor=act(pw.officer), file=file, objective="Que María vuelva a la escuela con apoyo.")
    fields: dict[str, Any] = {
        "sector": Sector.HEALTH,
        "description": "Valoración pediátrica y esquema de vacunación completo.",
        "owner": "Dra. Ramírez",
        "due_on": TODAY + dt.timedelta(days=10),
        "institution": pw.health_institution,
    }
    fields.update(over)
    action = add_action(actor=act(pw.officer), plan=plan, **fields)
    approved(plan)  # a draft's actions do not reach the sectors
    action.refresh_from_db()
    return action


def _state(action: RestitutionAction) -> Any:
    return lambda: list(RestitutionAction.objects.filter(pk=action.pk).values_list("status", "evidence", "version"))


# --- Access matrices ----------------------------------------------------------------------------------
def test_the_list_is_for_the_institution_focal_point_only(world: World, pw: PWorld) -> None:
    _action(pw)
    check_access_matrix(world, url=reverse("protection:sector_actions"), expected=FOCAL_READS, personal=True)


def test_the_report_page_and_its_update(world: World, pw: PWorld) -> None:
    action = _action(pw)
    url = reverse("protection:sector_action", args=[action.pk])
    check_access_matrix(world, url=url, expected=FOCAL_READS, personal=True)

    def data(_w: World) -> dict[str, Any]:
        action.refresh_from_db()
        return {"status": ActionStatus.IN_PROGRESS, "evidence": "Cita el 3 de marzo.", "version": action.version}

    check_access_matrix(world, url=url, method="post", data=data, expected=FOCAL_WRITES, state=_state(action))
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert action.evidence == "Cita el 3 de marzo."
    assert action.updated_by == world.home[Role.AREA_FOCAL]


# --- What the focal point sees -----------------------------------------------------------------------------
def test_the_list_shows_initials_and_age_never_the_name(world: World, pw: PWorld) -> None:
    child = make_child(
        world,
        first_names="Ana Lucía",
        paternal_surname="Pérez",
        maternal_surname="Soto",
        birth_date=TODAY.replace(year=TODAY.year - 9) - dt.timedelta(days=1),
    )
    file = make_file(pw, child=child)
    plan = save_plan(actor=act(pw.officer), file=file, objective="Restituir el derecho a la salud.")
    mine = add_action(
        actor=act(pw.officer),
        plan=plan,
        sector=Sector.HEALTH,
        description="Consulta de salud mental infantil.",
        owner="Psicología",
        due_on=file.opened_on,  # already past: overdue
        institution=pw.health_institution,
    )
    other = add_action(
        actor=act(pw.officer),
        plan=plan,
        sector=Sector.EDUCATION,
        description="Inscripción en la primaria.",
        owner="Escuela",
        due_on=TODAY,
        institution=world.institution,
    )
    approved(plan)
    user = world.home[Role.AREA_FOCAL]
    before = AccessEvent.objects.filter(actor=user).count()
    page = login(Client(), user).get(reverse("protection:sector_actions")).content.decode()
    assert file.number in page
    assert "A. P. S." in page
    assert "Consulta de salud mental infantil." in page
    assert "Ana" not in page and "Pérez" not in page  # never the child's name
    assert "Inscripción en la primaria." not in page  # another institution's action
    assert "Restituir el derecho" not in page  # nor the rest of the plan
    assert 'class="badge warn"' in page  # past its deadline
    logged = AccessEvent.objects.filter(actor=user).order_by("-id").first()
    assert AccessEvent.objects.filter(actor=user).count() == before + 1
    assert logged is not None and logged.target_id == str(mine.pk)
    # The other institution's action answers 404, as one that does not exist.
    client = login(Client(), user)
    assert client.get(reverse("protection:sector_action", args=[other.pk])).status_code == 404


def test_a_focal_point_of_the_same_institution_elsewhere_sees_nothing(world: World, pw: PWorld) -> None:
    action = _action(pw)
    away = world.away[Role.AREA_FOCAL]
    Membership.objects.filter(user=away).update(institution=pw.health_institution)
    client = login(Client(), away)
    page = client.get(reverse("protection:sector_actions")).content.decode()
    assert action.plan.file.number not in page
    assert client.get(reverse("protection:sector_action", args=[action.pk])).status_code == 404
    assert not AccessEvent.objects.filter(actor=away).exists()


def test_actions_of_a_closed_file_leave_the_list(world: World, pw: PWorld) -> None:
    from ronda.protection.services.files import close_file

    action = _action(pw)
    file = action.plan.file
    close_file(actor=act(pw.officer), file=file, reason=FileClosingReason.REINTEGRATED, note="Volvió con su madre.")
    page = login(Client(), world.home[Role.AREA_FOCAL]).get(reverse("protection:sector_actions")).content.decode()
    assert file.number not in page


# --- Refusals ----------------------------------------------------------------------------------------------
def test_done_without_evidence_is_refused_on_the_form(world: World, pw: PWorld) -> None:
    action = _action(pw)
    client = login(Client(), world.home[Role.AREA_FOCAL])
    url = reverse("protection:sector_action", args=[action.pk])
    response = client.post(url, {"status": ActionStatus.DONE, "evidence": "", "version": action.version})
    assert response.status_code == 200
    assert escape(_("Describe the evidence that the action was done.")) in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.PENDING


def test_a_stale_version_is_refused(world: World, pw: PWorld) -> None:
    action = _action(pw)
    stale = action.version
    update_sector_action(
        actor=act(pw.health_focal),
        action=action,
        status=ActionStatus.IN_PROGRESS,
        evidence="Primera consulta hecha.",
        expected_version=stale,
    )
    client = login(Client(), world.home[Role.AREA_FOCAL])
    typed = "Vacunas aplicadas, cartilla al día."
    response = client.post(
        reverse("protection:sector_action", args=[action.pk]),
        {"status": ActionStatus.DONE, "evidence": typed, "version": stale},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert str(ConflictError.message).split(".")[0] in page
    assert typed in page
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS

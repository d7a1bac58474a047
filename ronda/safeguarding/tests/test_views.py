"""Every safeguarding page for every role, at home, away and anonymous; the concerns' restriction."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.safeguarding.models import (
    Concern,
    SafeguardingContact,
    SafeguardingDocument,
    SafeguardingSettings,
    Signature,
)
from ronda.safeguarding.tests.conftest import days_ago, pdf_upload
from ronda.testing import World, check_access_matrix

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = {r: 404 for r in ROLES}
# Every role of the municipality; an evaluator reads only their certification assignments (404).
EVERYONE = {r: 200 for r in ROLES} | {Role.EVALUATOR: 404}
REGISTERS = dict(NONE, admin=200, coordinator=200, supervisor=200, secretariat=200, analyst=200)
COORDINATOR = dict(NONE, coordinator=200)
# The coordinator and the designated contact (the home protection officer, conftest's ``contact``).
CONCERN_READERS = dict(NONE, coordinator=200, protection_officer=200)


def written() -> tuple[Any, ...]:
    return (
        SafeguardingDocument.objects.count(),
        Signature.objects.count(),
        sum(Signature.objects.values_list("version", flat=True)),
        SafeguardingContact.objects.filter(active=True).count(),
        SafeguardingSettings.objects.count(),
        Concern.objects.count(),
        sum(Concern.objects.values_list("version", flat=True)),
    )


def test_index(world: World) -> None:
    # One municipality in scope: straight to its page; the administrator and the secretariat choose.
    check_access_matrix(
        world,
        url=reverse("safeguarding:index"),
        expected={r: 302 for r in ROLES} | {"admin": 200, "secretariat": 200, Role.EVALUATOR: 404},
        away={r: 302 for r in ROLES} | {Role.EVALUATOR: 404},
    )


def test_overview_and_document(world: World, protocol: SafeguardingDocument, contact: SafeguardingContact) -> None:
    check_access_matrix(world, url=reverse("safeguarding:overview", args=[world.municipality.pk]), expected=EVERYONE)
    check_access_matrix(world, url=reverse("safeguarding:document_file", args=[protocol.pk]), expected=EVERYONE)


def test_document_create(world: World) -> None:
    url = reverse("safeguarding:document_create", args=[world.municipality.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)

    def data(_world: World) -> dict[str, Any]:
        return {
            "kind": "protocol",
            "edition": "2026-2",
            "approved_on": days_ago(1).isoformat(),
            "approving_act": "Resolución 2",
            "upload": pdf_upload(),
        }

    check_access_matrix(world, url=url, method="post", data=data, expected=dict(NONE, coordinator=302), state=written)
    assert SafeguardingDocument.objects.get().recorded_by == world.home["coordinator"]


def test_settings_edit(world: World) -> None:
    url = reverse("safeguarding:settings_edit", args=[world.municipality.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)
    check_access_matrix(
        world, url=url, method="post", data={"months": 24}, expected=dict(NONE, coordinator=302), state=written
    )
    assert SafeguardingSettings.objects.get(municipality=world.municipality).renewal_months == 24


def test_contact_create_and_end(world: World) -> None:
    url = reverse("safeguarding:contact_create", args=[world.municipality.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)
    data = {"user": world.home["supervisor"].pk, "protocol_role": "Suplente"}
    check_access_matrix(world, url=url, method="post", data=data, expected=dict(NONE, coordinator=302), state=written)
    contact = SafeguardingContact.objects.get(user=world.home["supervisor"])

    def version(_world: World) -> dict[str, Any]:
        return {"version": SafeguardingContact.objects.get(pk=contact.pk).version}

    check_access_matrix(
        world,
        url=reverse("safeguarding:contact_end", args=[contact.pk]),
        method="post",
        data=version,
        expected=dict(NONE, coordinator=302),
        state=written,
    )
    assert not SafeguardingContact.objects.get(pk=contact.pk).active


def test_signature_pages(world: World, signature: Signature) -> None:
    check_access_matrix(
        world, url=reverse("safeguarding:signature_list", args=[world.municipality.pk]), expected=REGISTERS
    )
    create = reverse("safeguarding:signature_create", args=[world.municipality.pk])
    check_access_matrix(world, url=create, expected=COORDINATOR)
    data = {
        "full_name": "Ana Pérez",
        "employment": "subcontracted",
        "company": "Transportes del Sur",
        "position": "Conductora",
        "signed_on": days_ago(3).isoformat(),
    }
    check_access_matrix(
        world, url=create, method="post", data=data, expected=dict(NONE, coordinator=302), state=written
    )
    edit = reverse("safeguarding:signature_edit", args=[signature.pk])
    check_access_matrix(world, url=edit, expected=COORDINATOR)

    def changed(_world: World) -> dict[str, Any]:
        current = Signature.objects.get(pk=signature.pk)
        return {
            "full_name": current.full_name,
            "employment": "staff",
            "area": world.area.pk,
            "position": "Jefa de enfermería",
            "signed_on": current.signed_on.isoformat(),
            "renewal_due": current.renewal_due.isoformat(),
            "version": current.version,
        }

    check_access_matrix(
        world, url=edit, method="post", data=changed, expected=dict(NONE, coordinator=302), state=written
    )
    assert Signature.objects.get(pk=signature.pk).position == "Jefa de enfermería"


def test_concern_list_and_record(world: World, concern: Concern) -> None:
    check_access_matrix(
        world,
        url=reverse("safeguarding:concern_list", args=[world.municipality.pk]),
        expected=CONCERN_READERS,
        personal=True,
    )
    check_access_matrix(
        world, url=reverse("safeguarding:concern_edit", args=[concern.pk]), expected=CONCERN_READERS, personal=True
    )


def test_concern_writes(world: World, concern: Concern) -> None:
    create = reverse("safeguarding:concern_create", args=[world.municipality.pk])
    check_access_matrix(world, url=create, expected=CONCERN_READERS)
    data = {
        "raised_on": days_ago(1).isoformat(),
        "raised_by": "Un vecino",
        "description": "Un adulto insulta a los niños en el parque",
        "status": "open",
    }
    check_access_matrix(
        world,
        url=create,
        method="post",
        data=data,
        expected=dict(NONE, coordinator=302, protection_officer=302),
        state=written,
    )

    def follow_up(_world: World) -> dict[str, Any]:
        current = Concern.objects.get(pk=concern.pk)
        return {
            "raised_on": current.raised_on.isoformat(),
            "raised_by": current.raised_by,
            "description": current.description,
            # A new note each time, so that both readers' saves change the record.
            "actions": f"Seguimiento {current.version}",
            "status": "referred",
            "referred_to": world.institution.pk,
            "version": current.version,
        }

    check_access_matrix(
        world,
        url=reverse("safeguarding:concern_edit", args=[concern.pk]),
        method="post",
        data=follow_up,
        expected=dict(NONE, coordinator=302, protection_officer=302),
        state=written,
        personal=True,
    )
    updated = Concern.objects.get(pk=concern.pk)
    assert (updated.status, updated.referred_to, updated.version) == ("referred", world.institution, 3)


def test_refused_reads_of_concerns_are_audited(world: World, concern: Concern) -> None:
    """Everyone outside the coordinator and the contacts gets 404, and the attempt is in the trail."""
    from django.test import Client

    from ronda.testing import login

    for role in ("supervisor", "analyst", "area_focal", "admin"):
        client = login(Client(), world.home[role])
        before = AuditEvent.objects.filter(action="safeguarding_concern_refused", actor=world.home[role]).count()
        assert client.get(reverse("safeguarding:concern_edit", args=[concern.pk])).status_code == 404
        assert client.get(reverse("safeguarding:concern_list", args=[world.municipality.pk])).status_code == 404
        events = AuditEvent.objects.filter(action="safeguarding_concern_refused", actor=world.home[role])
        assert events.count() == before + 2, role
        assert set(events.values_list("org_unit_path", flat=True)) == {world.municipality.path}
    # The home page of the protocol says nothing about the concerns to them.
    client = login(Client(), world.home["supervisor"])
    page = client.get(reverse("safeguarding:overview", args=[world.municipality.pk])).content.decode()
    assert reverse("safeguarding:concern_list", args=[world.municipality.pk]) not in page

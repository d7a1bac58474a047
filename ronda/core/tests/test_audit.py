from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from ronda.core import audit
from ronda.core.models import AccessEvent, AuditEvent, ImmutableRowError
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.territory import services as territory_services
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db


def actor_of(user):
    return actor_for(user, user.memberships.get())


def test_update_records_old_and_new_values(world: World) -> None:
    actor = actor_of(world.home["coordinator"])
    territory_services.update_org_unit(actor=actor, unit=world.community, expected_version=1, name="Nuevo nombre")
    event = AuditEvent.objects.get(action="update")
    assert event.changes == {"name": ["Comunidad A", "Nuevo nombre"]}
    assert event.actor_username == "coordinator.home"
    assert event.actor_role == "coordinator"
    assert event.org_unit_path == world.community.path


def test_no_event_when_nothing_changed(world: World) -> None:
    actor = actor_of(world.home["coordinator"])
    territory_services.update_org_unit(actor=actor, unit=world.community, expected_version=1, name="Comunidad A")
    assert not AuditEvent.objects.filter(action="update").exists()


def test_failed_write_leaves_no_event(world: World) -> None:
    from django.core.exceptions import ValidationError

    actor = actor_of(world.home["coordinator"])
    with pytest.raises(ValidationError):
        territory_services.update_org_unit(actor=actor, unit=world.community, expected_version=1, code="A-M")
    assert not AuditEvent.objects.exists()


def test_audit_rows_cannot_be_changed_or_deleted(world: World) -> None:
    event = audit.record(actor=SYSTEM, action="create", target=world.community, org_unit=world.community)
    event.target_repr = "tampered"
    with pytest.raises(ImmutableRowError):
        event.save()
    with pytest.raises(ImmutableRowError):
        event.delete()
    with pytest.raises(ImmutableRowError):
        AuditEvent.objects.filter(pk=event.pk).update(target_repr="x")
    with pytest.raises(ImmutableRowError):
        AuditEvent.objects.all().delete()
    with pytest.raises(ImmutableRowError):
        AccessEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).target_repr == str(world.community)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL only")
def test_postgresql_trigger_refuses_raw_update(world: World) -> None:
    event = audit.record(actor=SYSTEM, action="create", target=world.community, org_unit=world.community)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET target_repr = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])


def test_access_event_records_a_read(world: World) -> None:
    actor = actor_of(world.home["supervisor"])
    event = audit.record_access(actor=actor, target=world.community, org_unit=world.community, purpose="revisión")
    assert event.actor_username == "supervisor.home"
    assert event.target_type == "territory.orgunit"
    assert not event.break_glass


AUDIT_EXPECTED = {
    "admin": 200,
    "secretariat": 404,
    "coordinator": 404,
    "area_focal": 404,
    "defender": 404,
    "protection_officer": 404,
    "supervisor": 200,
    "analyst": 404,
    "evaluator": 404,  # an evaluator reads only their certification assignments
}


def test_audit_screen_matrix(world: World) -> None:
    check_access_matrix(world, url=reverse("core:audit"), expected=AUDIT_EXPECTED, away={"supervisor": 200})


def test_supervisor_sees_only_own_municipality(client: Client, world: World) -> None:
    audit.record(actor=SYSTEM, action="create", target=world.community, org_unit=world.community)
    audit.record(actor=SYSTEM, action="create", target=world.other_community, org_unit=world.other_community)
    audit.record(actor=SYSTEM, action="login", target=None, org_unit=None)
    login(client, world.home["supervisor"])
    events = list(client.get(reverse("core:audit")).context["page"])
    assert [e.target_repr for e in events if e.action == "create"] == ["Comunidad A"]
    assert all(e.org_unit_path.startswith(world.municipality.path) for e in events)


def test_audit_search_filters(client: Client, world: World) -> None:
    coordinator = actor_of(world.home["coordinator"])
    territory_services.update_org_unit(actor=coordinator, unit=world.community, expected_version=1, name="Buscada")
    audit.record(actor=SYSTEM, action="create", target=world.municipality, org_unit=world.municipality)
    login(client, world.home["admin"])
    url = reverse("core:audit")
    by_actor = client.get(url, {"actor": "coordinator"}).context["page"]
    assert {e.actor_username for e in by_actor} == {"coordinator.home"}
    by_object = client.get(url, {"object": "Municipio"}).context["page"]
    assert {e.target_repr for e in by_object} == {"Municipio A"}
    by_id = client.get(url, {"object": str(world.community.pk), "action": "update"}).context["page"]
    assert [e.target_id for e in by_id] == [str(world.community.pk)]
    future = client.get(url, {"date_from": "2099-01-01"}).context["page"]
    assert len(future) == 0
    bad = client.get(url, {"date_from": "ayer"})
    assert bad.status_code == 200 and bad.context["errors"] == ["date_from"]


def test_audit_partial_for_htmx(client: Client, world: World) -> None:
    login(client, world.home["admin"])
    response = client.get(reverse("core:audit"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content


def test_access_log_tab_is_scoped(client: Client, world: World) -> None:
    audit.record_access(actor=actor_of(world.home["supervisor"]), target=world.community, org_unit=world.community)
    audit.record_access(
        actor=actor_of(world.away["supervisor"]), target=world.other_community, org_unit=world.other_community
    )
    login(client, world.home["supervisor"])
    events = list(client.get(reverse("core:audit"), {"log": "access"}).context["page"])
    assert [e.target_repr for e in events] == ["Comunidad A"]
    login(client, world.home["admin"])
    assert len(client.get(reverse("core:audit"), {"log": "access", "actor": "supervisor"}).context["page"]) == 2

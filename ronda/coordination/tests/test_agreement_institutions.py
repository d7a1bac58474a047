"""Issue #13 item 6, coordination half: agreements naming co-responsible institutions.

An institution's focal point (an area focal point whose membership names an institution) sees and
follows up the agreements naming their institution, in their municipality, and never edits them.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ronda.accounts.models import Membership
from ronda.accounts.selectors import active_memberships
from ronda.coordination import policies, services
from ronda.coordination.models import Agreement, AgreementNote, AgreementStatus
from ronda.coordination.tests.conftest import READ, Coordination, expect, unseat
from ronda.coordination.tests.test_api import BASE, auth, call
from ronda.coordination.tests.test_views import db_state
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.territory.models import Institution, InstitutionKind
from ronda.testing import World, assert_queries_do_not_grow, check_access_matrix, login

pytestmark = pytest.mark.django_db

INVALID = "Choose active institutions that serve this municipality."
# The home focal point reads the named agreement through their institution (they have no seat).
NAMED_READERS = dict(READ, area_focal=200)
FOLLOW_UP_POST = expect(admin=302, coordinator=302, area_focal=302)


def as_actor(user: Any) -> Actor:
    return actor_for(user, active_memberships(user)[0])


def name_institution(user: Any, institution: Institution) -> None:
    """The user's focal membership now also names ``institution`` (an institution's focal point)."""
    Membership.objects.filter(user=user, role=Role.AREA_FOCAL).update(institution=institution)


def fresh(agreement: Agreement) -> Agreement:
    return Agreement.objects.get(pk=agreement.pk)


def named_ids(agreement: Agreement) -> list[int]:
    return sorted(fresh(agreement).institutions.values_list("pk", flat=True))


@pytest.fixture
def named(world: World, co: Coordination) -> Agreement:
    """The home focal point (area Salud) loses their seat and acts for Junta A; the away focal point
    (the neighbouring municipality) names Junta A too. Educación's agreement names Junta A."""
    unseat(co)
    name_institution(world.home["area_focal"], world.institution)
    name_institution(world.away["area_focal"], world.institution)
    services.update_agreement(
        actor=SYSTEM, agreement=co.education_agreement, expected_version=None, institutions=[world.institution]
    )
    return fresh(co.education_agreement)


@pytest.fixture
def unnamed(world: World, co: Coordination) -> Agreement:
    """Another agreement of the body: neither Salud's nor naming Junta A."""
    return services.create_agreement(
        actor=SYSTEM,
        body=co.body,
        meeting=co.meeting,
        text="Plan de deportes barriales",
        owner_area=co.education,
        due_date=timezone.localdate() + datetime.timedelta(days=40),
    )


# --- Seeing ---------------------------------------------------------------------------------------
def test_detail_matrix_of_a_named_agreement(world: World, co: Coordination, named: Agreement) -> None:
    # At home the institution's focal point reads it; the same institution's focal point in the
    # neighbouring municipality gets 404 (the default for every role away).
    check_access_matrix(world, url=reverse("coordination:agreement_detail", args=[named.pk]), expected=NAMED_READERS)
    check_access_matrix(world, url=f"{BASE}/agreements/{named.pk}", expected=NAMED_READERS, api=True)


def test_detail_shows_the_named_institutions(client: Client, world: World, co: Coordination, named: Agreement) -> None:
    login(client, world.home["area_focal"])
    response = client.get(reverse("coordination:agreement_detail", args=[named.pk]))
    assert response.status_code == 200
    assert "Junta A" in response.content.decode()
    assert response.context["can_follow_up"] is True and response.context["can_edit"] is False


def test_focal_point_sees_only_own_area_and_named(
    client: Client, world: World, co: Coordination, named: Agreement, unnamed: Agreement
) -> None:
    login(client, world.home["area_focal"])
    response = client.get(reverse("coordination:agreement_list"))
    assert response.status_code == 200
    shown = {a.pk for a in response.context["page"].object_list}
    assert shown == {co.agreement.pk, named.pk}
    page = response.content.decode()
    assert "Junta A" in page and "Plan de deportes barriales" not in page
    assert client.get(reverse("coordination:agreement_detail", args=[unnamed.pk])).status_code == 404
    # Nothing else of the body: its meetings stay closed to them.
    assert client.get(reverse("coordination:meeting_detail", args=[co.meeting.pk])).status_code == 404


def test_without_the_institution_the_named_agreement_is_hidden(
    client: Client, world: World, co: Coordination, named: Agreement
) -> None:
    Membership.objects.filter(user=world.home["area_focal"]).update(institution=None)
    login(client, world.home["area_focal"])
    assert client.get(reverse("coordination:agreement_detail", args=[named.pk])).status_code == 404


def test_another_municipality_focal_point_of_the_same_institution_gets_nothing(
    client: Client, world: World, co: Coordination, named: Agreement
) -> None:
    away = world.away["area_focal"]
    login(client, away)
    response = client.get(reverse("coordination:agreement_list"))
    assert response.status_code == 200 and list(response.context["page"].object_list) == []
    assert client.get(reverse("coordination:agreement_detail", args=[named.pk])).status_code == 404
    assert call(client, "get", f"{BASE}/agreements/{named.pk}", away).status_code == 404
    assert call(client, "get", f"{BASE}/agreements", away).json()["count"] == 0


# --- Following up, never editing ---------------------------------------------------------------
def test_status_matrix_of_a_named_agreement(world: World, co: Coordination, named: Agreement) -> None:
    check_access_matrix(
        world,
        url=reverse("coordination:agreement_status", args=[named.pk]),
        method="post",
        data=lambda w: {"status": "in_progress", "version": fresh(named).version},
        expected=FOLLOW_UP_POST,
        state=db_state,
    )
    assert fresh(named).status == AgreementStatus.IN_PROGRESS


def test_note_matrix_of_a_named_agreement(world: World, co: Coordination, named: Agreement) -> None:
    check_access_matrix(
        world,
        url=reverse("coordination:agreement_note", args=[named.pk]),
        method="post",
        data={"text": "La Junta recibió los casos."},
        expected=FOLLOW_UP_POST,
        state=db_state,
    )
    assert AgreementNote.objects.filter(agreement=named).count() == 3


def test_api_follow_up_matrix_of_a_named_agreement(world: World, co: Coordination, named: Agreement) -> None:
    check_access_matrix(
        world,
        url=f"{BASE}/agreements/{named.pk}",
        method="patch",
        data=lambda w: {"version": fresh(named).version, "status": "in_progress"},
        expected=expect(admin=200, coordinator=200, area_focal=200),
        api=True,
        state=db_state,
    )


def test_follow_up_of_an_unnamed_agreement_is_refused(
    client: Client, world: World, co: Coordination, named: Agreement, unnamed: Agreement
) -> None:
    login(client, world.home["area_focal"])
    before = db_state()
    url = reverse("coordination:agreement_status", args=[unnamed.pk])
    assert client.post(url, {"status": "done", "version": unnamed.version}).status_code == 404
    assert client.post(reverse("coordination:agreement_note", args=[unnamed.pk]), {"text": "x"}).status_code == 404
    assert db_state() == before


def test_institution_focal_point_cannot_edit(world: World, co: Coordination, named: Agreement) -> None:
    url = reverse("coordination:agreement_edit", args=[named.pk])
    check_access_matrix(world, url=url, expected=expect(admin=200, coordinator=200))
    data = {
        "text": "Texto cambiado",
        "owner_area": co.education.pk,
        "due_date": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        "status": "pending",
        # Kept named, so that the focal point still sees it: refused for editing, not for reading.
        "institutions": [world.institution.pk],
    }
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda w: {**data, "version": fresh(named).version},
        expected=expect(admin=302, coordinator=302),
        state=db_state,
    )


def test_institution_focal_point_cannot_change_text_or_institutions_by_api(
    client: Client, world: World, co: Coordination, named: Agreement
) -> None:
    focal = auth(world.home["area_focal"])
    url = f"{BASE}/agreements/{named.pk}"
    before = db_state()
    for change in ({"text": "Otro texto"}, {"institution_ids": []}, {"due_date": "2030-01-01"}):
        response = call(client, "patch", url, focal, {"version": named.version, **change})
        assert response.status_code == 404, change
    assert db_state() == before and named_ids(named) == [world.institution.pk]
    with pytest.raises(PermissionDenied):
        services.update_agreement(
            actor=as_actor(world.home["area_focal"]),
            agreement=named,
            expected_version=named.version,
            institutions=[],
        )
    assert named_ids(named) == [world.institution.pk]


# --- Naming institutions: validation, audit, concurrency -----------------------------------------
def test_another_municipality_institution_is_refused(world: World, co: Coordination) -> None:
    coordinator = as_actor(world.home["coordinator"])
    before = db_state()
    with translation.override("es"), pytest.raises(ValidationError) as refused:
        services.create_agreement(
            actor=coordinator,
            body=co.body,
            text="Acuerdo con la Junta B",
            owner_area=co.education,
            due_date=timezone.localdate() + datetime.timedelta(days=10),
            institutions=[world.other_institution],
        )
    with translation.override("es"):
        assert refused.value.message_dict["institutions"] == [translation.gettext(INVALID)]
    with pytest.raises(ValidationError):
        services.update_agreement(
            actor=coordinator,
            agreement=co.education_agreement,
            expected_version=1,
            institutions=[world.institution, world.other_institution],
        )
    assert db_state() == before and named_ids(co.education_agreement) == []


def test_the_form_offers_only_institutions_serving_the_municipality(
    client: Client, world: World, co: Coordination
) -> None:
    login(client, world.home["coordinator"])
    url = reverse("coordination:agreement_create", args=[co.meeting.pk])
    offered = set(client.get(url).context["form"].fields["institutions"].queryset)
    assert offered == {world.institution}
    data = {
        "text": "Acuerdo con la Junta B",
        "owner_area": co.education.pk,
        "due_date": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        "status": "pending",
        "institutions": [world.other_institution.pk],
    }
    before = db_state()
    response = client.post(url, data)
    assert response.status_code == 200 and "institutions" in response.context["form"].errors
    assert db_state() == before
    response = client.post(url, {**data, "institutions": [world.institution.pk]})
    assert response.status_code == 302
    created = Agreement.objects.get(text="Acuerdo con la Junta B")
    assert named_ids(created) == [world.institution.pk]


def test_an_inactive_institution_stays_but_is_not_newly_named(world: World, co: Coordination) -> None:
    coordinator = as_actor(world.home["coordinator"])
    closed = Institution.objects.create(name="Centro cerrado", kind=InstitutionKind.NGO, org_unit=world.municipality)
    services.update_agreement(actor=coordinator, agreement=co.agreement, expected_version=1, institutions=[closed])
    Institution.objects.filter(pk=closed.pk).update(is_active=False)
    # Already named: an edit keeps it (and adds an active one).
    services.update_agreement(
        actor=coordinator, agreement=co.agreement, expected_version=2, institutions=[closed, world.institution]
    )
    assert named_ids(co.agreement) == sorted([closed.pk, world.institution.pk])
    # Not named yet: refused.
    with pytest.raises(ValidationError) as refused:
        services.update_agreement(
            actor=coordinator, agreement=co.education_agreement, expected_version=1, institutions=[closed]
        )
    assert "institutions" in refused.value.message_dict
    assert named_ids(co.education_agreement) == []
    # The edit form still offers the closed one on the agreement that names it, not on another.
    client = login(Client(), world.home["coordinator"])
    edit = client.get(reverse("coordination:agreement_edit", args=[co.agreement.pk]))
    assert closed in set(edit.context["form"].fields["institutions"].queryset)
    other = client.get(reverse("coordination:agreement_edit", args=[co.education_agreement.pk]))
    assert closed not in set(other.context["form"].fields["institutions"].queryset)


def test_the_change_of_institutions_is_audited_with_ids(world: World, co: Coordination) -> None:
    coordinator = as_actor(world.home["coordinator"])
    created = services.create_agreement(
        actor=coordinator,
        body=co.body,
        text="Coordinar con la Junta",
        owner_area=co.education,
        due_date=timezone.localdate() + datetime.timedelta(days=10),
        institutions=[world.institution],
    )
    creation = AuditEvent.objects.get(target_type="coordination.agreement", target_id=str(created.pk))
    assert creation.changes["institutions"] == [None, [world.institution.pk]]
    services.update_agreement(actor=coordinator, agreement=created, expected_version=1, institutions=[])
    change = AuditEvent.objects.filter(target_type="coordination.agreement", target_id=str(created.pk)).latest("id")
    assert change.action == "update" and change.actor == world.home["coordinator"]
    assert change.changes == {"institutions": [[world.institution.pk], []]}  # ids only: no names
    assert fresh(created).version == 2
    # The same set again: nothing written.
    events = AuditEvent.objects.count()
    services.update_agreement(actor=coordinator, agreement=created, expected_version=2, institutions=[])
    assert AuditEvent.objects.count() == events and fresh(created).version == 2


def test_a_stale_version_is_409_and_keeps_the_institutions(
    client: Client, world: World, co: Coordination, named: Agreement
) -> None:
    url = f"{BASE}/agreements/{named.pk}"
    coordinator = auth(world.home["coordinator"])
    stale = call(client, "patch", url, coordinator, {"version": named.version - 1, "institution_ids": []})
    assert stale.status_code == 409
    assert named_ids(named) == [world.institution.pk]


# --- API: fields, filter, writes ---------------------------------------------------------------------
def test_api_fields_and_institution_filter(client: Client, world: World, co: Coordination, named: Agreement) -> None:
    coordinator = auth(world.home["coordinator"])
    listed = call(client, "get", f"{BASE}/agreements?institution_id={world.institution.pk}", coordinator).json()
    assert [a["id"] for a in listed["results"]] == [named.pk]
    row = listed["results"][0]
    assert row["institution_ids"] == [world.institution.pk] and row["institution_names"] == ["Junta A"]
    everything = call(client, "get", f"{BASE}/agreements", coordinator).json()
    unnamed_row = next(a for a in everything["results"] if a["id"] == co.agreement.pk)
    assert unnamed_row["institution_ids"] == [] and unnamed_row["institution_names"] == []
    other = call(client, "get", f"{BASE}/agreements?institution_id={world.other_institution.pk}", coordinator)
    assert other.json()["count"] == 0
    focal = call(client, "get", f"{BASE}/agreements", world.home["area_focal"]).json()
    assert {a["id"] for a in focal["results"]} == {co.agreement.pk, named.pk}
    detail = call(client, "get", f"{BASE}/agreements/{named.pk}", coordinator).json()
    assert detail["institution_names"] == ["Junta A"]


def test_api_writes_institutions(client: Client, world: World, co: Coordination) -> None:
    coordinator = auth(world.home["coordinator"])
    body = {
        "body_id": co.body.pk,
        "text": "Acuerdo con la Junta por API",
        "owner_area_id": co.education.pk,
        "due_date": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
    }
    before = db_state()
    refused = call(
        client, "post", f"{BASE}/agreements", coordinator, {**body, "institution_ids": [world.other_institution.pk]}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "institution_ids"
    assert db_state() == before
    created = call(
        client, "post", f"{BASE}/agreements", coordinator, {**body, "institution_ids": [world.institution.pk]}
    )
    assert created.status_code == 201 and created.json()["institution_ids"] == [world.institution.pk]
    url = f"{BASE}/agreements/{created.json()['id']}"
    cleared = call(client, "patch", url, coordinator, {"version": 1, "institution_ids": []})
    assert cleared.status_code == 200 and cleared.json()["institution_ids"] == [] and cleared.json()["version"] == 2
    null = call(client, "patch", url, coordinator, {"version": 2, "institution_ids": None})
    assert null.status_code == 422 and null.json()["errors"][0]["field"] == "institution_ids"


def test_web_list_filter_by_institution(client: Client, world: World, co: Coordination, named: Agreement) -> None:
    login(client, world.home["coordinator"])
    url = reverse("coordination:agreement_list")
    response = client.get(url, {"institution": world.institution.pk})
    assert [a.pk for a in response.context["page"].object_list] == [named.pk]
    assert list(response.context["institutions"]) == [world.institution]
    assert len(client.get(url).context["page"].object_list) == 2


# --- Query counts ----------------------------------------------------------------------------------
def test_the_list_does_not_grow_with_named_institutions(client: Client, world: World, co: Coordination) -> None:
    """More agreements, each naming institutions: the same queries (the institutions are prefetched)."""
    numbers = itertools.count(1)

    def add(n: int) -> None:
        for _ in range(n):
            k = next(numbers)
            extra = Institution.objects.create(
                name=f"Entidad aliada {k}", acronym=f"EA{k}", kind=InstitutionKind.NGO, org_unit=world.municipality
            )
            services.create_agreement(
                actor=SYSTEM,
                body=co.body,
                text=f"Acuerdo compartido {k}",
                owner_area=co.education,
                due_date=timezone.localdate() + datetime.timedelta(days=k),
                institutions=[world.institution, extra],
            )

    login(client, world.home["coordinator"])
    # Measured when written: the page 11, the API 7 (each with the named institutions' one prefetch).
    # Ceilings: that plus 3, as in test_query_counts.
    assert_queries_do_not_grow(
        client, reverse("coordination:agreement_list"), add, ceiling=14, contains=["Acuerdo compartido 4", "EA4"]
    )
    assert_queries_do_not_grow(
        client,
        f"{BASE}/agreements?limit=100",
        add,
        ceiling=10,
        extra=auth(world.home["coordinator"]),
        contains=["Entidad aliada 8"],
    )


# --- Demo ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["EC-1101", "CR-101"])
def test_the_demo_names_the_protection_board(db: None, code: str) -> None:
    from ronda.coordination import demo
    from ronda.portal import demo as core_demo

    core_demo.load_demo()
    demo.load_demo()
    shared = Agreement.objects.filter(body__org_unit__code=code, institutions__isnull=False).distinct()
    assert shared.count() == len(demo.WITH_THE_BOARD)
    place = demo.LOJA if code == "EC-1101" else demo.SAN_JOSE
    for agreement in shared:
        assert [i.name for i in agreement.institutions.all()] == [place.institution]


def test_an_institution_only_focal_point_sees_and_follows_up_the_named_agreement(
    world: World, co: Coordination, named: Agreement, unnamed: Agreement
) -> None:
    """A focal membership with an institution and no municipal area (the Junta's liaison): the
    agreements naming the institution, and nothing of Salud's any more."""
    Membership.objects.filter(user=world.home["area_focal"], role=Role.AREA_FOCAL).update(area=None)
    actor = as_actor(world.home["area_focal"])
    assert actor.area_id is None and actor.institution_id == world.institution.pk
    assert set(policies.visible_agreements(actor).values_list("pk", flat=True)) == {named.pk}
    assert policies.can_follow_up_agreement(actor, named) and not policies.can_edit_agreement(actor, named)
    assert not policies.can_follow_up_agreement(actor, unnamed)

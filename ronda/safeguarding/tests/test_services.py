"""The safeguarding services: bad input refused with nothing written, versions checked, the renewal date,
the concerns' texts kept out of the trail, who may read the concerns and the access events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.accounts import services as account_services
from ronda.accounts.selectors import active_memberships
from ronda.core.errors import ConflictError
from ronda.core.models import AccessEvent, AuditEvent
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.safeguarding import policies, services
from ronda.safeguarding.models import (
    Concern,
    DocumentKind,
    Employment,
    SafeguardingContact,
    SafeguardingDocument,
    Signature,
)
from ronda.safeguarding.tests.conftest import CONCERN_TEXT, STAFF_NAME, days_ago, pdf_upload, verified
from ronda.testing import World, login

pytestmark = pytest.mark.django_db


def _document_count() -> int:
    return SafeguardingDocument.objects.count()


def test_an_upload_of_the_wrong_type_is_refused_in_spanish_and_nothing_is_written(world: World, media_root) -> None:  # type: ignore[no-untyped-def]
    coordinator = verified(world, "coordinator")
    fake = SimpleUploadedFile("protocolo.pdf", b"MZ\x90\x00 not a document at all", content_type="application/pdf")
    with translation.override("es"), pytest.raises(ValidationError) as refused:
        services.record_document(
            actor=coordinator,
            municipality=world.municipality,
            kind=DocumentKind.PROTOCOL,
            edition="1",
            approved_on=days_ago(1),
            approving_act="Resolución 1",
            upload=fake,
        )
    assert refused.value.message_dict["upload"] == ["protocolo.pdf no es una foto (JPEG o PNG) ni un documento PDF."]
    assert _document_count() == 0
    assert not AuditEvent.objects.filter(target_type="safeguarding.safeguardingdocument").exists()
    assert not any(p.is_file() for p in media_root.rglob("*")) if media_root.exists() else True


def test_the_upload_page_shows_the_refusal_and_writes_nothing(client: Client, world: World) -> None:
    login(client, world.home["coordinator"])
    fake = SimpleUploadedFile("acta.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    with translation.override("es"):
        response = client.post(
            reverse("safeguarding:document_create", args=[world.municipality.pk]),
            {
                "kind": "code",
                "edition": "1",
                "approved_on": days_ago(1).isoformat(),
                "approving_act": "Acta",
                "upload": fake,
            },
            HTTP_ACCEPT_LANGUAGE="es",
        )
    assert response.status_code == 200
    assert "acta.png no es una foto (JPEG o PNG) ni un documento PDF." in response.content.decode()
    assert _document_count() == 0


def test_versions_are_kept_and_the_latest_approved_is_current(world: World) -> None:
    from ronda.safeguarding import contracts, selectors

    for edition, days in (("2024", 600), ("2026", 20)):
        services.record_document(
            actor=SYSTEM,
            municipality=world.municipality,
            kind=DocumentKind.PROTOCOL,
            edition=edition,
            approved_on=days_ago(days),
            approving_act="Resolución",
            upload=pdf_upload(),
        )
    protocol, code = selectors.documents_of(verified(world, "area_focal"), world.municipality)
    assert protocol.current is not None and protocol.current.edition == "2026"
    assert [d.edition for d in protocol.earlier] == ["2024"]
    assert code.current is None
    facts = contracts.protocol_facts(world.municipality)
    assert facts.protocol is not None and (facts.protocol.edition, facts.protocol.approved_on) == ("2026", days_ago(20))
    with pytest.raises(ValidationError) as twice:
        services.record_document(
            actor=SYSTEM,
            municipality=world.municipality,
            kind=DocumentKind.PROTOCOL,
            edition="2026",
            approved_on=days_ago(1),
            approving_act="Resolución",
            upload=pdf_upload(),
        )
    assert "edition" in twice.value.message_dict


def test_a_renewal_date_before_signing_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        services.record_signature(
            actor=verified(world, "coordinator"),
            municipality=world.municipality,
            full_name="Ana Pérez",
            employment=Employment.STAFF,
            area=world.area,
            position="Técnica",
            signed_on=days_ago(10),
            renewal_due=days_ago(20),
        )
    assert "renewal_due" in refused.value.message_dict
    assert Signature.objects.count() == 0


def test_the_renewal_falls_after_the_municipality_interval(world: World) -> None:
    coordinator = verified(world, "coordinator")
    signed = dt.date(2026, 1, 31)
    first = services.record_signature(
        actor=coordinator,
        municipality=world.municipality,
        full_name="Ana",
        employment=Employment.SUBCONTRACTED,
        company="Transportes",
        position="Conductora",
        signed_on=signed,
    )
    assert first.renewal_due == dt.date(2027, 1, 31)  # the default: a year
    services.set_renewal_interval(actor=coordinator, municipality=world.municipality, months=1, expected_version=None)
    second = services.record_signature(
        actor=coordinator,
        municipality=world.municipality,
        full_name="Luis",
        employment=Employment.SUBCONTRACTED,
        company="Transportes",
        position="Conductor",
        signed_on=signed,
    )
    assert second.renewal_due == dt.date(2026, 2, 28)  # a month on, the last day of February
    assert Signature.objects.get(pk=first.pk).renewal_due == dt.date(2027, 1, 31)  # kept


def test_staff_need_an_area_of_the_municipality_and_subcontractors_a_company(world: World) -> None:
    coordinator = verified(world, "coordinator")
    base = {"actor": coordinator, "municipality": world.municipality, "full_name": "X", "position": "Y"}
    with pytest.raises(ValidationError) as staff:
        services.record_signature(**base, employment=Employment.STAFF, area=world.other_area, signed_on=days_ago(1))
    assert "area" in staff.value.message_dict
    with pytest.raises(ValidationError) as subcontracted:
        services.record_signature(**base, employment=Employment.SUBCONTRACTED, signed_on=days_ago(1))
    assert "company" in subcontracted.value.message_dict


def test_a_stale_version_is_refused(world: World, signature: Signature, concern: Concern) -> None:
    coordinator = verified(world, "coordinator")
    services.update_signature(
        actor=coordinator, signature=signature, expected_version=signature.version, position="Jefa"
    )
    with pytest.raises(ConflictError):
        services.update_signature(
            actor=coordinator, signature=signature, expected_version=signature.version, position="Otra"
        )
    assert Signature.objects.get(pk=signature.pk).position == "Jefa"
    services.update_concern(actor=coordinator, concern=concern, expected_version=1, actions="Primera")
    with pytest.raises(ConflictError):
        services.update_concern(actor=coordinator, concern=concern, expected_version=1, actions="Segunda")
    assert Concern.objects.get(pk=concern.pk).actions == "Primera"


def test_the_stale_edit_page_says_so(client: Client, world: World, signature: Signature) -> None:
    login(client, world.home["coordinator"])
    services.update_signature(actor=SYSTEM, signature=signature, expected_version=None, position="Jefa")
    response = client.post(
        reverse("safeguarding:signature_edit", args=[signature.pk]),
        {
            "full_name": STAFF_NAME,
            "employment": "staff",
            "area": world.area.pk,
            "position": "Otra",
            "signed_on": signature.signed_on.isoformat(),
            "version": signature.version,
        },
    )
    with translation.override("es"):
        conflict = str(ConflictError())
    assert response.status_code == 200 and response.context["form"].non_field_errors() == [conflict]
    assert Signature.objects.get(pk=signature.pk).position == "Jefa"


def test_the_concern_texts_never_enter_the_trail(world: World, concern: Concern) -> None:
    services.update_concern(
        actor=verified(world, "coordinator"), concern=concern, expected_version=1, actions="Llamada a Ezequiel"
    )
    trail = " ".join(
        str(e.changes) + e.target_repr for e in AuditEvent.objects.filter(target_type="safeguarding.concern")
    )
    assert "Ezequiel" not in trail and "Una madre" not in trail and "[redacted]" in trail
    signature_trail = str(list(AuditEvent.objects.filter(target_type="safeguarding.signature").values("changes")))
    assert STAFF_NAME not in signature_trail


def test_only_the_coordinator_and_contacts_read_concerns_each_read_logged(world: World, concern: Concern) -> None:
    for role in ("coordinator", "protection_officer"):
        actor = verified(world, role)
        rows = policies.concerns_of(actor, world.municipality)
        assert rows == [concern]
        assert AccessEvent.objects.filter(actor=actor.user, target_id=str(concern.pk)).count() == 1
    for role in ("supervisor", "secretariat", "analyst", "area_focal", "defender", "admin"):
        actor = verified(world, role)
        assert not policies.visible_concerns(actor).exists(), role
        with pytest.raises(Http404):
            policies.get_concern(actor, concern.pk)
    assert (
        not AccessEvent.objects.filter(target_type="safeguarding.concern")
        .exclude(actor__in=[world.home["coordinator"], world.home["protection_officer"]])
        .exists()
    )


def test_without_the_second_factor_even_the_coordinator_is_refused(world: World, concern: Concern) -> None:
    user = world.home["coordinator"]
    actor = actor_for(user, active_memberships(user)[0], second_factor=False)
    with pytest.raises(Http404):
        policies.get_concern(actor, concern.pk)
    with pytest.raises(PermissionDenied):
        services.record_concern(
            actor=actor, municipality=world.municipality, raised_on=days_ago(1), raised_by="X", description="Y"
        )


def test_a_withdrawn_contact_no_longer_reads(world: World, concern: Concern, contact: SafeguardingContact) -> None:
    services.end_contact(actor=verified(world, "coordinator"), contact=contact, expected_version=contact.version)
    with pytest.raises(Http404):
        policies.get_concern(verified(world, "protection_officer"), concern.pk)


def test_contacts_are_people_who_read_personal_data_in_the_municipality(world: World) -> None:
    coordinator = verified(world, "coordinator")
    for role in ("area_focal", "analyst"):
        with pytest.raises(ValidationError):
            services.designate_contact(
                actor=coordinator, municipality=world.municipality, user=world.home[role], protocol_role="Punto focal"
            )
    with pytest.raises(ValidationError):
        # The same role, in another municipality.
        services.designate_contact(
            actor=coordinator,
            municipality=world.municipality,
            user=world.away["supervisor"],
            protocol_role="Punto focal",
        )
    assert SafeguardingContact.objects.count() == 0


def test_an_administrator_reads_concerns_only_in_break_glass(world: World, concern: Concern) -> None:
    admin = world.home["admin"]
    client = login(Client(), admin)
    url = reverse("safeguarding:concern_edit", args=[concern.pk])
    assert client.get(url).status_code == 404
    account_services.start_break_glass(
        actor=verified(world, "admin"),
        org_unit=world.municipality,
        reason="Denuncia grave que requiere revisión inmediata",
        minutes=15,
    )
    response = client.get(url)
    assert response.status_code == 200 and CONCERN_TEXT in response.content.decode()
    event = AccessEvent.objects.get(actor=admin, target_id=str(concern.pk))
    assert event.break_glass


def test_other_municipalities_concerns_stay_closed(world: World, concern: Concern, other_concern: Concern) -> None:
    actor = verified(world, "coordinator")
    assert list(policies.visible_concerns(actor)) == [concern]
    with pytest.raises(Http404):
        policies.get_concern(actor, other_concern.pk)
    # The attempt is in the trail of the municipality that holds the concern.
    refused = AuditEvent.objects.get(action="safeguarding_concern_refused", target_id=str(other_concern.pk))
    assert refused.org_unit_path == world.other_municipality.path

"""The consultations' services: the happy paths, each refusal in Spanish with nothing written, the
links checked against what the actor may see, the audit trail (contacts redacted)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from ronda.consultations import services
from ronda.consultations.models import Consultation, ConsultationsAction, SocialActor
from ronda.consultations.tests.conftest import (
    CONTACT_EMAIL,
    CONTACT_NAME,
    CONTACT_PHONE,
    Planning,
    as_actor,
    consultation_values,
    days_ago,
)
from ronda.core.errors import ConflictError
from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM
from ronda.council import services as council_services
from ronda.council.models import CouncilSession
from ronda.testing import World

pytestmark = pytest.mark.django_db


def written() -> tuple[Any, ...]:
    return (
        Consultation.objects.count(),
        sum(Consultation.objects.values_list("version", flat=True)),
        Consultation.findings.through.objects.count(),
        Consultation.measures.through.objects.count(),
        SocialActor.objects.count(),
        sum(SocialActor.objects.values_list("version", flat=True)),
        AuditEvent.objects.filter(target_type__startswith="consultations.").count(),
    )


def refused(call: Any, **kwargs: Any) -> dict[str, list[str]]:
    """The Spanish messages of a refused call, after checking that it wrote nothing."""
    before = written()
    with translation.override("es"), pytest.raises(ValidationError) as caught:
        call(**kwargs)
    assert written() == before
    return caught.value.message_dict


# --- Consultations -----------------------------------------------------------------------------
def test_the_coordinator_records_a_consultation_citing_the_plan(
    world: World, home: Planning, social_actor: SocialActor
) -> None:
    coordinator = as_actor(world.home["coordinator"])
    consultation = services.record_consultation(
        actor=coordinator,
        municipality=world.municipality,
        findings=[home.finding],
        measures=[home.measure, home.other_area_measure],
        actors=[social_actor],
        **consultation_values(),
    )
    assert (consultation.children, consultation.total, consultation.recorded_by) == (18, 21, coordinator.user)
    assert list(consultation.findings.all()) == [home.finding]
    assert set(consultation.measures.all()) == {home.measure, home.other_area_measure}
    event = AuditEvent.objects.get(target_type="consultations.consultation", target_id=str(consultation.pk))
    assert event.action == "create"
    assert event.changes["findings"] == [None, [home.finding.pk]]
    assert event.changes["actors"] == [None, [social_actor.pk]]


def test_the_answer_is_its_own_event_and_links_change_in_the_same_update(
    world: World, consultation: Consultation, home: Planning
) -> None:
    coordinator = as_actor(world.home["coordinator"])
    updated = services.update_consultation(
        actor=coordinator,
        consultation=consultation,
        expected_version=consultation.version,
        status="answered",
        response="Se pintó el cruce peatonal",
        answered_by="Dirección de Obras",
        answered_on=days_ago(1),
        measures=[home.other_area_measure],
    )
    assert (updated.status, updated.version) == ("answered", 2)
    assert list(updated.measures.all()) == [home.other_area_measure]
    event = AuditEvent.objects.filter(target_id=str(consultation.pk), target_type="consultations.consultation").latest(
        "id"
    )
    assert event.action == ConsultationsAction.CONSULTATION_ANSWERED
    assert event.changes["measures"] == [[home.measure.pk], [home.other_area_measure.pk]]
    with pytest.raises(ConflictError):
        services.update_consultation(actor=coordinator, consultation=consultation, expected_version=1, title="Otra")


def test_a_date_in_the_future_is_refused(world: World) -> None:
    tomorrow = days_ago(-1)
    errors = refused(
        services.record_consultation,
        actor=SYSTEM,
        municipality=world.municipality,
        **consultation_values(held_on=tomorrow),
    )
    assert errors == {"held_on": ["La fecha no puede ser futura."]}


def test_what_they_said_is_required(world: World) -> None:
    errors = refused(
        services.record_consultation,
        actor=SYSTEM,
        municipality=world.municipality,
        **consultation_values(summary="   "),
    )
    assert errors == {"summary": ["Escriba lo que dijeron las personas participantes."]}


def test_a_finding_or_measure_of_another_municipality_is_refused(world: World, home: Planning, away: Planning) -> None:
    errors = refused(
        services.record_consultation,
        actor=as_actor(world.home["coordinator"]),
        municipality=world.municipality,
        findings=[home.finding, away.finding],
        measures=[away.measure],
        **consultation_values(),
    )
    assert errors == {
        "findings": ["Elija hallazgos de los diagnósticos de este municipio."],
        "measures": ["Elija medidas de los planes de este municipio."],
    }


def test_an_answered_consultation_needs_the_answer_and_its_date(world: World) -> None:
    errors = refused(
        services.record_consultation,
        actor=SYSTEM,
        municipality=world.municipality,
        **consultation_values(status="answered", answered_on=days_ago(40)),
    )
    assert errors == {
        "response": ["Escriba qué se hizo con lo que dijeron antes de marcarla como respondida."],
        "answered_on": ["La respuesta no puede ser anterior a la consulta."],
    }


def test_nobody_counted_and_bad_choices_are_refused(world: World) -> None:
    errors = refused(
        services.record_consultation,
        actor=SYSTEM,
        municipality=world.municipality,
        **consultation_values(girls_6_11=0, boys_6_11=0, adults=0, audience="press", method="tv", title=""),
    )
    assert errors == {
        "title": ["Este campo es obligatorio."],
        "audience": ["Elija una de las opciones."],
        "method": ["Elija una de las opciones."],
        "adults": ["Cuente a las personas que participaron: al menos una niña, un niño o una persona adulta."],
    }
    errors = refused(
        services.record_consultation,
        actor=SYSTEM,
        municipality=world.municipality,
        **consultation_values(adults=-1),
    )
    assert errors == {"adults": ["Escriba un número entre 0 y 100.000."]}


def test_a_council_session_only_for_the_council_and_of_this_municipality(world: World, session: CouncilSession) -> None:
    errors = refused(
        services.record_consultation,
        actor=SYSTEM,
        municipality=world.municipality,
        council_session=session,
        **consultation_values(),
    )
    assert errors == {"council_session": ["Solo una consulta del consejo de niñez se realiza en una de sus sesiones."]}
    other_council = council_services.create_council(actor=SYSTEM, org_unit=world.other_municipality, name="Consejo B")
    other = council_services.record_session(actor=SYSTEM, council=other_council, held_on=days_ago(3), topics="Otra")
    errors = refused(
        services.record_consultation,
        actor=SYSTEM,
        municipality=world.municipality,
        council_session=other,
        **consultation_values(audience="children_council"),
    )
    assert errors == {"council_session": ["Elija una sesión del consejo de niñez de este municipio."]}
    consultation = services.record_consultation(
        actor=SYSTEM,
        municipality=world.municipality,
        council_session=session,
        **consultation_values(audience="children_council"),
    )
    assert consultation.council_session == session


def test_a_council_member_s_name_is_refused(world: World, session: CouncilSession) -> None:
    council_services.add_member(
        actor=SYSTEM,
        council=session.council,
        first_name="Valentina",
        age_band="10-12",
        community=world.community,
        guardian_consent_on=days_ago(100),
        joined_on=days_ago(100),
    )
    errors = refused(
        services.record_consultation,
        actor=SYSTEM,
        municipality=world.municipality,
        **consultation_values(audience="children_council", summary="valentina pidió más parques"),
    )
    assert errors == {"__all__": ["No escriba nombres de niñas ni niños: una consulta se registra sin ellos."]}
    assert "Valentina" not in str(errors)


def test_only_the_coordinator_of_the_municipality_writes(world: World, consultation: Consultation) -> None:
    for user in (world.home["supervisor"], world.home["analyst"], world.home["area_focal"], world.away["coordinator"]):
        with pytest.raises(PermissionDenied):
            services.record_consultation(actor=as_actor(user), municipality=world.municipality, **consultation_values())
        with pytest.raises(PermissionDenied):
            services.delete_consultation(actor=as_actor(user), consultation=consultation)
    assert Consultation.objects.count() == 1


def test_a_focal_point_s_view_of_the_plan_limits_nothing_for_the_coordinator(world: World, home: Planning) -> None:
    """What a person may cite is what planning shows them: the coordinator sees all of the municipality."""
    from ronda.consultations import policies

    focal = as_actor(world.home["area_focal"])
    assert list(policies.citable_measures(focal, world.municipality)) == [home.measure]
    assert list(policies.citable_findings(focal, world.municipality)) == []
    coordinator = as_actor(world.home["coordinator"])
    assert set(policies.citable_measures(coordinator, world.municipality)) == {home.measure, home.other_area_measure}


def test_delete_keeps_the_trail(world: World, consultation: Consultation) -> None:
    pk = consultation.pk
    services.delete_consultation(actor=as_actor(world.home["coordinator"]), consultation=consultation)
    assert not Consultation.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(target_type="consultations.consultation", target_id=str(pk), action="delete")
    assert event.changes["summary"][0] == consultation.summary


# --- Social actors ------------------------------------------------------------------------------
def test_contact_fields_are_redacted_in_the_audit_trail(world: World, social_actor: SocialActor) -> None:
    coordinator = as_actor(world.home["coordinator"])
    services.update_actor(
        actor=coordinator,
        social_actor=social_actor,
        expected_version=social_actor.version,
        contact_phone="07 111 2222",
        relationship="collaborator",
    )
    events = AuditEvent.objects.filter(target_type="consultations.socialactor", target_id=str(social_actor.pk))
    assert events.count() == 2
    for event in events:
        text = str(event.changes)
        assert CONTACT_NAME not in text and CONTACT_PHONE not in text and CONTACT_EMAIL not in text
        assert "07 111 2222" not in text
    update = events.latest("id")
    assert update.changes["contact_phone"] == ["[redacted]", "[redacted]"]
    assert update.changes["relationship"] == ["ally", "collaborator"]


def test_actor_errors_in_spanish(world: World, social_actor: SocialActor) -> None:
    errors = refused(
        services.record_actor,
        actor=SYSTEM,
        municipality=world.municipality,
        name="fundación caminos",
        kind="club",
        interest="high",
        influence="huge",
        relationship="ally",
        contact_email="no-es-un-correo",
        contact_phone="sin número",
    )
    assert errors == {
        "name": ["Esta organización ya está en el mapa."],
        "kind": ["Elija una de las opciones."],
        "influence": ["Elija una de las opciones."],
        "contact_phone": ["Escriba un número de teléfono con sus dígitos."],
        "contact_email": ["Escriba una dirección de correo electrónico válida."],
    }
    # The same name in another municipality is another organisation.
    other = services.record_actor(
        actor=SYSTEM,
        municipality=world.other_municipality,
        name="Fundación Caminos",
        kind="ngo",
        interest="low",
        influence="low",
        relationship="neutral",
    )
    assert other.pk != social_actor.pk


def test_an_actor_of_another_municipality_cannot_take_part(world: World) -> None:
    foreign = services.record_actor(
        actor=SYSTEM,
        municipality=world.other_municipality,
        name="Otra fundación",
        kind="ngo",
        interest="low",
        influence="low",
        relationship="neutral",
    )
    errors = refused(
        services.record_consultation,
        actor=SYSTEM,
        municipality=world.municipality,
        actors=[foreign],
        **consultation_values(),
    )
    assert errors == {"actors": ["Elija actores sociales de este municipio."]}


def test_an_actor_who_took_part_is_set_inactive_not_deleted(
    world: World, consultation: Consultation, social_actor: SocialActor
) -> None:
    coordinator = as_actor(world.home["coordinator"])
    errors = refused(services.delete_actor, actor=coordinator, social_actor=social_actor)
    assert errors == {
        "__all__": ["Esta organización participó en consultas: márquela como inactiva en lugar de eliminarla."]
    }
    services.update_actor(actor=coordinator, social_actor=social_actor, expected_version=1, active=False)
    assert not SocialActor.objects.get(pk=social_actor.pk).active
    assert list(consultation.actors.all()) == [social_actor]


def test_the_answer_cannot_come_before_the_consultation_in_the_database_either(world: World) -> None:
    from django.db import IntegrityError, transaction

    consultation = services.record_consultation(actor=SYSTEM, municipality=world.municipality, **consultation_values())
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(answered_on=consultation.held_on - dt.timedelta(days=1))

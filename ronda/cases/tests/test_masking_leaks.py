"""The ways around a masked sensitive case that a security review found, each closed: the audit trail
naming the case's child, the child's own record, the history's free texts, the export's name search in
the trail, free texts of tasks and warnings in the trail, an attachment download missing from "who opened
this file", and an id too large for the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ronda.accounts import services as accounts_services
from ronda.accounts.selectors import active_memberships
from ronda.cases import casework, exports, policies, policies_cases, route, services
from ronda.cases.tests.factories import TODAY, act, make_case, make_child
from ronda.core.audit import REDACTED
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import Actor, actor_for
from ronda.testing import World, api_token, login

pytestmark = pytest.mark.django_db


def _admin_in_break_glass(world: World) -> Actor:
    admin = world.home[Role.ADMIN]
    actor = actor_for(admin, active_memberships(admin)[0], second_factor=True)
    accounts_services.start_break_glass(
        actor=actor, org_unit=world.municipality, reason="Orden judicial 123-2026, expediente urgente", minutes=15
    )
    return actor_for(
        admin,
        active_memberships(admin)[0],
        second_factor=True,
        break_glass_paths=(world.municipality.path,),
    )


def test_the_trail_never_ties_a_case_to_its_child(world: World) -> None:
    case = make_case(world, types=("sexual",))
    opened = AuditEvent.objects.get(target_type="cases.case", target_id=str(case.pk), action="case_opened")
    assert opened.changes["child_id"] == [None, REDACTED]
    assert opened.changes["opened_for_id"] == [None, REDACTED]
    other = make_child(world, first_names="Xiomara", alias="Xio")
    services.merge_children(actor=act(world.home[Role.SUPERVISOR]), keep=other, duplicate=case.child)
    merge = AuditEvent.objects.filter(target_type="cases.child", target_id=str(other.pk)).latest("id")
    assert merge.changes["cases_moved"] == [None, 1]
    moved = AuditEvent.objects.filter(target_type="cases.case", target_id=str(case.pk)).latest("id")
    assert moved.changes["child_id"] == [REDACTED, REDACTED]


def test_break_glass_does_not_reach_the_child_of_a_sensitive_case(world: World) -> None:
    sensitive = make_case(world, types=("sexual",))
    plain = make_case(world, child=make_child(world, first_names="Brayan", paternal_surname="Ordóñez"))
    admin = _admin_in_break_glass(world)
    readable = set(policies.visible_children(admin))
    assert plain.child in readable and sensitive.child not in readable
    # The supervisor still reads both.
    assert {sensitive.child, plain.child} <= set(policies.visible_children(act(world.home[Role.SUPERVISOR])))


def test_a_masked_case_shows_its_steps_without_the_reasons(world: World) -> None:
    case = make_case(world, types=("sexual",))
    supervisor = act(world.home[Role.SUPERVISOR])
    route.move_case(
        actor=supervisor,
        case=case,
        expected_version=case.version,
        to_state="referral",
        reason="El padrastro Julio vive en la casa: no cabe mediación",
    )
    admin = world.home[Role.ADMIN]
    client = login(Client(), admin)
    accounts_services.start_break_glass(
        actor=actor_for(admin, active_memberships(admin)[0], second_factor=True),
        org_unit=world.municipality,
        reason="Orden judicial 123-2026, expediente urgente",
        minutes=15,
    )
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Julio" not in page and case.number in page
    api = Client().get(f"/api/v1/cases/{case.pk}/events", HTTP_AUTHORIZATION=f"Bearer {api_token(admin)}")
    assert api.status_code == 200 and "Julio" not in api.content.decode()
    assert [e["to_state"] for e in api.json()] == ["registered", "referral"]
    # Who works on it reads the reason.
    page = login(Client(), world.home[Role.SUPERVISOR]).get(reverse("cases:case_detail", args=[case.pk]))
    assert "Julio" in page.content.decode()


def test_free_texts_of_tasks_warnings_and_export_searches_stay_out_of_the_trail(world: World) -> None:
    case = make_case(world)
    defender = act(world.home[Role.DEFENDER])
    task = casework.add_task(actor=defender, case=case, title="Llevar a Xiomara al subcentro", due_on=TODAY)
    flag = casework.raise_flag(actor=defender, case=case, kind="safety", message="El tío Julio es agresivo")
    casework.remove_flag(actor=defender, flag=flag, reason="Julio ya no vive en la casa")
    exports.request_export(
        actor=act(world.home[Role.SUPERVISOR]),
        filters=policies_cases.CaseFilters(search="Xiomara Quizhpe"),
        file_format="csv",
    )
    trail = " ".join(str(e.changes) for e in AuditEvent.objects.all())
    assert "Xiomara" not in trail and "Julio" not in trail
    assert task.title == "Llevar a Xiomara al subcentro"


def test_an_attachment_download_is_among_the_openings_of_the_file(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    case = make_case(world)
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        attachment = casework.attach_file(
            actor=act(world.home[Role.DEFENDER]),
            case=case,
            upload=SimpleUploadedFile("acta.png", buffer.getvalue(), content_type="image/png"),
            kind="document",
        )
        supervisor = act(world.home[Role.SUPERVISOR])
        policies_cases.get_attachment(supervisor, attachment.pk)
    openings = policies_cases.list_openings(supervisor, case)
    assert openings[0].purpose == policies_cases.ATTACHMENT_PURPOSE


def test_an_id_too_large_for_the_database_is_ignored_not_a_500(world: World) -> None:
    make_case(world, registered_on=TODAY - dt.timedelta(days=1), facts_date=TODAY - dt.timedelta(days=1))
    client = login(Client(), world.home[Role.SUPERVISOR])
    for param in ("comunidad", "responsable", "tipo"):
        response = client.get(reverse("cases:export"), {param: "99999999999999999999"})
        assert response.status_code == 200, param


def test_the_parts_of_a_case_are_only_for_who_reads_the_case(world: World) -> None:
    from django.http import Http404

    case = make_case(world)
    casework.add_note(actor=act(world.home[Role.DEFENDER]), case=case, text="La madre acepta la visita.")
    assert [n.text for n in policies_cases.parts_of(act(world.home[Role.SUPERVISOR]), case).notes] == [
        "La madre acepta la visita."
    ]
    for user in (world.away[Role.SUPERVISOR], world.away[Role.DEFENDER], world.home[Role.COORDINATOR]):
        with pytest.raises(Http404):
            policies_cases.parts_of(act(user), case)

"""The pages of the work on a case: an access matrix for each route (with access events for the
personal reads), and the pages as a defender uses them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.translation import gettext
from PIL import Image

from ronda.cases import casework
from ronda.cases.models import (
    Case,
    CaseAttachment,
    CaseFlag,
    CaseNote,
    CasePlan,
    Mediation,
    MediationAgreement,
    PlanAction,
    Referral,
    Task,
    Visit,
)
from ronda.cases.tests.factories import TODAY, act, make_case
from ronda.core.errors import ConflictError
from ronda.core.roles import Role
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db
WORKERS = {"defender": 200, "supervisor": 200}
WRITERS = {"defender": 302, "supervisor": 302}


def only(allowed: dict[str, int], other: int = 404) -> dict[str, int]:
    return {role: allowed.get(role, other) for role in Role.values}


@pytest.fixture
def case(world: World) -> Case:
    return make_case(world)


def _defender(world: World):  # type: ignore[no-untyped-def]
    return act(world.home[Role.DEFENDER])


def _count(model: Any) -> Any:
    return lambda: list(
        model.objects.values_list("pk", "version") if hasattr(model, "version") else model.objects.values_list("pk")
    )


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


# --- Access matrices -----------------------------------------------------------------------------
def test_note_add(world: World, case: Case) -> None:
    check_access_matrix(
        world,
        url=reverse("cases:work_note_add", args=[case.pk]),
        method="post",
        data={"note-text": "La madre llamó."},
        expected=only(WRITERS),
        state=lambda: CaseNote.objects.count(),
    )
    assert CaseNote.objects.count() == 2


def test_visit_plan_and_record(world: World, case: Case) -> None:
    check_access_matrix(
        world,
        url=reverse("cases:work_visit_plan", args=[case.pk]),
        method="post",
        data={"visit-planned_for": TODAY.isoformat()},
        expected=only(WRITERS),
        state=lambda: Visit.objects.count(),
    )
    visit = Visit.objects.first()
    assert visit is not None
    check_access_matrix(
        world, url=reverse("cases:work_visit_record", args=[visit.pk]), expected=only(WORKERS), personal=True
    )

    def data(_w: World) -> dict[str, Any]:
        visit.refresh_from_db()
        return {"done_on": TODAY.isoformat(), "findings": "Todo en orden.", "version": visit.version}

    check_access_matrix(
        world,
        url=reverse("cases:work_visit_record", args=[visit.pk]),
        method="post",
        data=data,
        expected=only(WRITERS),
        state=_count(Visit),
    )
    visit.refresh_from_db()
    assert visit.findings == "Todo en orden."


def test_task_add_and_toggle(world: World, case: Case) -> None:
    check_access_matrix(
        world,
        url=reverse("cases:work_task_add", args=[case.pk]),
        method="post",
        data={"task-title": "Llamar a la escuela", "task-due_on": TODAY.isoformat()},
        expected=only(WRITERS),
        state=lambda: Task.objects.count(),
    )
    task = Task.objects.order_by("-id").first()
    assert task is not None

    def data(_w: World) -> dict[str, Any]:
        task.refresh_from_db()
        return {"version": task.version}

    check_access_matrix(
        world,
        url=reverse("cases:work_task_toggle", args=[task.pk]),
        method="post",
        data=data,
        expected=only(WRITERS),
        state=_count(Task),
    )


def test_flag_raise_and_remove(world: World, case: Case) -> None:
    check_access_matrix(
        world,
        url=reverse("cases:work_flag_raise", args=[case.pk]),
        method="post",
        data={"flag-kind": "safety", "flag-message": "Perro bravo"},
        expected=only(WRITERS),
        state=lambda: CaseFlag.objects.count(),
    )
    flag = CaseFlag.objects.first()
    assert flag is not None
    check_access_matrix(
        world,
        url=reverse("cases:work_flag_remove", args=[flag.pk]),
        method="post",
        data={"reason": "Ya no está"},
        expected=only(WRITERS),
        state=lambda: list(CaseFlag.objects.values_list("removed_at")),
    )


def test_attachments(world: World, case: Case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with override_settings(MEDIA_ROOT=tmp_path):
        check_access_matrix(
            world,
            url=reverse("cases:work_attachment_add", args=[case.pk]),
            method="post",
            data=lambda _w: {
                "file-upload": SimpleUploadedFile("foto.png", _png(), content_type="image/png"),
                "file-kind": "photo",
            },
            expected=only(WRITERS),
            state=lambda: CaseAttachment.objects.count(),
        )
        assert CaseAttachment.objects.count() == 2
        attachment = CaseAttachment.objects.filter(uploaded_by=world.home[Role.DEFENDER]).get()
        check_access_matrix(
            world, url=reverse("cases:work_attachment", args=[attachment.pk]), expected=only(WORKERS), personal=True
        )
        # Who uploaded it or a supervisor: the defender may not remove the supervisor's file.
        theirs = CaseAttachment.objects.filter(uploaded_by=world.home[Role.SUPERVISOR]).get()
        check_access_matrix(
            world,
            url=reverse("cases:work_attachment_remove", args=[theirs.pk]),
            method="post",
            expected=only({"supervisor": 302}),
            state=lambda: CaseAttachment.objects.count(),
        )
        assert list(CaseAttachment.objects.all()) == [attachment]
        client = login(Client(), world.home[Role.DEFENDER])
        client.post(reverse("cases:work_attachment_remove", args=[attachment.pk]))
        assert not CaseAttachment.objects.exists()


def test_plan_pages(world: World, case: Case) -> None:
    check_access_matrix(world, url=reverse("cases:work_plan", args=[case.pk]), expected=only(WORKERS), personal=True)
    check_access_matrix(
        world,
        url=reverse("cases:work_plan", args=[case.pk]),
        method="post",
        data=lambda _w: {
            "do": "goal",
            "goal": "Que vuelva a la escuela",
            "version": getattr(CasePlan.objects.first(), "version", ""),
        },
        expected=only(WRITERS),
        state=_count(CasePlan),
    )
    plan = CasePlan.objects.get()
    action = casework.add_plan_action(
        actor=_defender(world), plan=plan, description="Matrícula", responsible="Madre", due_on=TODAY
    )
    check_access_matrix(
        world, url=reverse("cases:work_plan_action", args=[action.pk]), expected=only(WORKERS), personal=True
    )

    def action_data(_w: World) -> dict[str, Any]:
        action.refresh_from_db()
        return {
            "description": "Matrícula en la escuela",
            "responsible": "Madre",
            "due_on": TODAY.isoformat(),
            "status": "pending",
            "version": action.version,
        }

    check_access_matrix(
        world,
        url=reverse("cases:work_plan_action", args=[action.pk]),
        method="post",
        data=action_data,
        expected=only(WRITERS),
        state=_count(PlanAction),
    )
    plan.refresh_from_db()
    casework.submit_plan(actor=_defender(world), plan=plan, expected_version=plan.version)

    def decision(_w: World) -> dict[str, Any]:
        plan.refresh_from_db()
        return {"decision-decision": "aprobar", "decision-version": plan.version}

    check_access_matrix(
        world,
        url=reverse("cases:work_plan_decide", args=[case.pk]),
        method="post",
        data=decision,
        expected=only({"supervisor": 302}),
        state=_count(CasePlan),
    )
    plan.refresh_from_db()
    assert plan.status == "approved"


def test_mediation_pages(world: World, case: Case) -> None:
    url = reverse("cases:work_mediation_new", args=[case.pk])
    check_access_matrix(world, url=url, expected=only(WORKERS), personal=True)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data={"held_on": TODAY.isoformat(), "participants": "Madre y defensora", "agreement_1": "Ir a la escuela"},
        expected=only(WRITERS),
        state=lambda: Mediation.objects.count(),
    )
    mediation = Mediation.objects.first()
    assert mediation is not None
    check_access_matrix(
        world,
        url=reverse("cases:work_agreement_add", args=[mediation.pk]),
        method="post",
        data={"text": "Visitas semanales"},
        expected=only(WRITERS),
        state=lambda: MediationAgreement.objects.count(),
    )
    agreement = MediationAgreement.objects.order_by("id").first()
    assert agreement is not None

    def data(_w: World) -> dict[str, Any]:
        agreement.refresh_from_db()
        return {"fulfilment": "fulfilled", "checked_on": TODAY.isoformat(), "version": agreement.version}

    check_access_matrix(
        world,
        url=reverse("cases:work_agreement_check", args=[agreement.pk]),
        method="post",
        data=data,
        expected=only(WRITERS),
        state=_count(MediationAgreement),
    )
    agreement.refresh_from_db()
    assert agreement.fulfilment == "fulfilled"


def test_referral_pages(world: World, case: Case) -> None:
    url = reverse("cases:work_referral_new", args=[case.pk])
    check_access_matrix(world, url=url, expected=only(WORKERS), personal=True)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data={
            "institution": world.institution.pk,
            "reason": "Negligencia reiterada",
            "consent_to_services": "on",
            "consent_to_sharing": "on",
            "consent_given_by": "caregiver",
        },
        expected=only(WRITERS),
        state=lambda: Referral.objects.count(),
    )
    referral = Referral.objects.first()
    assert referral is not None
    check_access_matrix(
        world, url=reverse("cases:work_referral", args=[referral.pk]), expected=only(WORKERS), personal=True
    )

    def data(_w: World) -> dict[str, Any]:
        referral.refresh_from_db()
        return {"status": "received", "feedback_on": TODAY.isoformat(), "version": referral.version}

    check_access_matrix(
        world,
        url=reverse("cases:work_referral", args=[referral.pk]),
        method="post",
        data=data,
        expected=only({"defender": 302, "supervisor": 200}),  # the second finds it received: the form again
        state=_count(Referral),
    )
    referral.refresh_from_db()
    assert referral.status == "received"


# --- The pages in use -------------------------------------------------------------------------------
def test_the_case_page_shows_the_work_and_marks_overdue_tasks(world: World) -> None:
    case = make_case(world, registered_on=TODAY - dt.timedelta(days=5), facts_date=TODAY - dt.timedelta(days=6))
    defender = _defender(world)
    casework.add_task(actor=defender, case=case, title="Hablar con la maestra", due_on=case.registered_on)
    casework.add_note(actor=defender, case=case, text="Nota de seguimiento")
    casework.raise_flag(actor=defender, case=case, kind="safety", message="Adulto agresivo")
    client = login(Client(), world.home[Role.DEFENDER])
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert page.count('class="overdue"') == 1  # the first visit's task is due later
    assert len(page.encode()) < 100_000
    for text in ("Hablar con la maestra", "Nota de seguimiento", "Adulto agresivo", 'id="visits-h"'):
        assert text in page


def test_a_stale_visit_form_shows_the_conflict_and_keeps_the_text(world: World, case: Case) -> None:
    visit = casework.plan_visit(actor=_defender(world), case=case, planned_for=TODAY)
    client = login(Client(), world.home[Role.DEFENDER])
    url = reverse("cases:work_visit_record", args=[visit.pk])
    casework.cancel_visit(actor=_defender(world), visit=visit, expected_version=visit.version)
    typed = "La abuela estaba en casa con los dos hermanos."
    response = client.post(url, {"done_on": TODAY.isoformat(), "findings": typed, "version": visit.version})
    page = response.content.decode()
    assert response.status_code == 200
    assert str(ConflictError.message).split(".")[0] in page
    assert typed in page  # the second keeps what they typed
    visit.refresh_from_db()
    assert visit.findings == ""


def test_a_wrong_upload_is_refused_on_the_page(world: World, case: Case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = login(Client(), world.home[Role.DEFENDER])
    with override_settings(MEDIA_ROOT=tmp_path):
        response = client.post(
            reverse("cases:work_attachment_add", args=[case.pk]),
            {"file-upload": SimpleUploadedFile("x.pdf", b"not a pdf at all"), "file-kind": "document"},
            follow=True,
        )
    assert "x.pdf" in response.content.decode()
    assert not CaseAttachment.objects.exists()


def test_a_defender_cannot_refer_without_consent_on_the_page(world: World, case: Case) -> None:
    client = login(Client(), world.home[Role.DEFENDER])
    response = client.post(
        reverse("cases:work_referral_new", args=[case.pk]),
        {"institution": world.institution.pk, "reason": "Urgente", "override_reason": "x" * 30},
    )
    assert response.status_code == 200 and not Referral.objects.exists()
    assert "aria-describedby" in response.content.decode()


def test_a_closed_case_page_offers_notes_only(world: World, case: Case) -> None:
    from ronda.cases import route

    supervisor = act(world.home[Role.SUPERVISOR])
    route.move_case(
        actor=supervisor, case=case, expected_version=case.version, to_state="closed", closing_reason="restored"
    )
    client = login(Client(), world.home[Role.DEFENDER])
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert reverse("cases:work_note_add", args=[case.pk]) in page
    assert reverse("cases:work_task_add", args=[case.pk]) not in page
    assert reverse("cases:work_referral_new", args=[case.pk]) not in page
    response = client.post(
        reverse("cases:work_visit_plan", args=[case.pk]), {"visit-planned_for": TODAY.isoformat()}, follow=True
    )
    assert not Visit.objects.filter(case=case).exists()
    assert gettext("The case is closed: reopen it to record new work on it.") in response.content.decode()


def test_the_plan_page_in_use(world: World, case: Case) -> None:
    client = login(Client(), world.home[Role.DEFENDER])
    url = reverse("cases:work_plan", args=[case.pk])
    response = client.post(url, {"do": "goal", "goal": " "})
    assert response.status_code == 200 and not CasePlan.objects.exists()
    assert "aria-describedby" in response.content.decode()
    client.post(url, {"do": "goal", "goal": "Que vuelva a la escuela"})
    plan = CasePlan.objects.get()
    response = client.post(
        url,
        {
            "do": "action",
            "action-description": "Matrícula",
            "action-responsible": "Madre",
            "action-due_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302 and PlanAction.objects.filter(plan=plan).count() == 1
    plan.refresh_from_db()
    client.post(url, {"do": "submit", "version": plan.version})
    plan.refresh_from_db()
    assert plan.status == "submitted"
    supervisor = login(Client(), world.home[Role.SUPERVISOR])
    page = supervisor.get(url).content.decode()
    assert reverse("cases:work_plan_decide", args=[case.pk]) in page
    supervisor.post(
        reverse("cases:work_plan_decide", args=[case.pk]),
        {"decision-decision": "devolver", "decision-comment": "", "decision-version": plan.version},
    )
    plan.refresh_from_db()
    assert plan.status == "submitted"  # returning needs a comment

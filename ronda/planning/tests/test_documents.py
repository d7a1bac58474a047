"""The approved plan's document (issue #13 item 3): every page and API route for every role at home,
away and anonymous; versions kept; the service's rules and errors; nothing written when refused."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from ronda.accounts.selectors import active_memberships
from ronda.core.models import AuditEvent, Document, DocumentVersion
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.planning.models import LocalPlan
from ronda.planning.services import documents as services
from ronda.planning.tests.conftest import build_plan
from ronda.territory.models import Area
from ronda.testing import World, api_token, check_access_matrix, login

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = dict.fromkeys(ROLES, 404)
READERS = {**NONE, "admin": 200, "secretariat": 200, "coordinator": 200, "analyst": 200, "supervisor": 200}
MANAGERS = {**NONE, "admin": 200, "coordinator": 200}


def pdf(name: str = "plan-aprobado.pdf") -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def person(world: World, role: str) -> Actor:
    user = world.home[role]
    return actor_for(user, active_memberships(user)[0])


def written() -> tuple[Any, ...]:
    return (
        Document.objects.count(),
        DocumentVersion.objects.count(),
        sum(Document.objects.values_list("version", flat=True)),
        tuple(Document.objects.values_list("title", flat=True)),
    )


def uploaded(plan: LocalPlan) -> Document:
    return services.add_plan_document(
        actor=SYSTEM, plan=plan, title="PLIA 2025-2028", reference="Resolución 1", upload=pdf()
    )


def test_the_plan_page_shows_the_document_to_its_readers(world: World, plan: LocalPlan) -> None:
    url = reverse("planning:plan_detail", args=[plan.pk])
    page = login(Client(), world.home["coordinator"]).get(url).content.decode()
    assert "documento/nuevo/" in page  # approved, nothing uploaded yet: the manager is offered the upload
    document = uploaded(plan)
    for role in ("coordinator", "supervisor", "analyst"):
        page = login(Client(), world.home[role]).get(url).content.decode()
        assert "PLIA 2025-2028" in page and "plan-aprobado.pdf" in page
        assert ("/version/" in page) is (role == "coordinator")
        assert "documento/nuevo/" not in page  # one document per plan: then new versions
    assert document.current is not None


def test_plan_document_create(world: World, plan: LocalPlan) -> None:
    url = reverse("planning:plan_document_create", args=[plan.pk])
    check_access_matrix(world, url=url, expected=MANAGERS)

    def data(_world: World) -> dict[str, Any]:
        return {"title": "PLIA", "reference": "Resolución 1", "dated": "2025-03-01", "upload": pdf()}

    # The administrator uploads it; the coordinator, coming second, is told to upload a new version.
    check_access_matrix(
        world, url=url, method="post", data=data, expected={**NONE, "admin": 302, "coordinator": 200}, state=written
    )
    document = Document.objects.get()
    assert (document.kind, document.reference, document.created_by) == (
        "approved_plan",
        "Resolución 1",
        world.home["admin"],
    )


def test_plan_document_version_edit_and_download(world: World, plan: LocalPlan) -> None:
    document = uploaded(plan)
    url = reverse("planning:plan_document_version_create", args=[document.pk])
    check_access_matrix(world, url=url, expected=MANAGERS)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda _w: {"upload": pdf(), "note": "Firmado", "version": Document.objects.get(pk=document.pk).version},
        expected={**NONE, "admin": 302, "coordinator": 302},
        state=written,
    )
    assert list(document.versions.values_list("number", flat=True)) == [3, 2, 1]

    edit = reverse("planning:plan_document_edit", args=[document.pk])
    check_access_matrix(world, url=edit, expected=MANAGERS)
    check_access_matrix(
        world,
        url=edit,
        method="post",
        data=lambda _w: {
            "title": "PLIA aprobado",
            "reference": "Resolución 1-2025",
            "dated": "2025-03-01",
            "version": Document.objects.get(pk=document.pk).version,
        },
        expected={**NONE, "admin": 302, "coordinator": 302},
        state=written,
    )
    document.refresh_from_db()
    assert document.title == "PLIA aprobado" and document.reference == "Resolución 1-2025"

    first = document.versions.get(number=1)
    check_access_matrix(world, url=reverse("planning:plan_document_download", args=[first.pk]), expected=READERS)
    response = login(Client(), world.home["supervisor"]).get(
        reverse("planning:plan_document_download", args=[first.pk])
    )
    assert response["Content-Disposition"] == 'attachment; filename="plan-aprobado.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_another_municipalitys_plan_document_is_not_found(world: World, other_plan: LocalPlan) -> None:
    document = uploaded(other_plan)
    assert document.current is not None
    check_access_matrix(
        world,
        url=reverse("planning:plan_document_download", args=[document.current.pk]),
        expected={**NONE, "admin": 200},
        away={"secretariat": 200, "analyst": 200},  # country B's readers
    )


def test_api(world: World, plan: LocalPlan) -> None:
    check_access_matrix(world, url=f"/api/v1/planning/plans/{plan.pk}/documents", expected=READERS, api=True)
    check_access_matrix(
        world,
        url=f"/api/v1/planning/plans/{plan.pk}/documents",
        method="post",
        data=lambda _w: {"title": "PLIA", "reference": "Resolución 1", "upload": pdf()},
        multipart=True,
        api=True,
        expected={**NONE, "admin": 201, "coordinator": 422},  # the second upload: a new version instead
        state=written,
    )
    document = Document.objects.get()
    check_access_matrix(
        world,
        url=f"/api/v1/planning/plan-documents/{document.pk}/versions",
        method="post",
        data=lambda _w: {"upload": pdf(), "note": "Firmado"},
        multipart=True,
        api=True,
        expected={**NONE, "admin": 201, "coordinator": 201},
        state=written,
    )
    assert document.current is not None
    check_access_matrix(
        world,
        url=f"/api/v1/planning/plan-document-versions/{document.current.pk}/file",
        expected=READERS,
        api=True,
    )
    token = api_token(world.home["analyst"])
    body = Client().get(f"/api/v1/planning/plans/{plan.pk}/documents", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["count"] == 1 and [v["number"] for v in body["results"][0]["versions"]] == [3, 2, 1]


def test_a_draft_plan_takes_no_approved_document(world: World, education: Area) -> None:
    draft = build_plan(world.municipality, world.area, education, approve=False, prefix="Borrador ")
    with translation.override("es"), pytest.raises(ValidationError) as refused:
        services.add_plan_document(actor=person(world, "coordinator"), plan=draft, title="PLIA", upload=pdf())
    assert refused.value.message_dict == {
        "__all__": [gettext("The plan is still a draft: record its approval before uploading the approved plan.")]
    }
    assert written() == (0, 0, 0, ()) and not AuditEvent.objects.filter(action__startswith="document").exists()


def test_only_the_plans_managers_upload(world: World, plan: LocalPlan) -> None:
    for role in ("supervisor", "analyst", "secretariat", "area_focal"):
        with pytest.raises(PermissionDenied):
            services.add_plan_document(actor=person(world, role), plan=plan, title="PLIA", upload=pdf())
    document = services.add_plan_document(actor=person(world, "coordinator"), plan=plan, title="PLIA", upload=pdf())
    with pytest.raises(PermissionDenied):
        services.add_plan_document_version(
            actor=person(world, "supervisor"), plan=plan, document=document, upload=pdf(), expected_version=None
        )
    with translation.override("es"), pytest.raises(ValidationError) as refused:
        services.add_plan_document(actor=person(world, "coordinator"), plan=plan, title="", upload=None)
    assert refused.value.message_dict == {
        "__all__": [gettext("The approved plan is already uploaded: upload a new version of it.")],
        "title": ["Este campo es obligatorio."],
        "upload": ["Elija un archivo."],
    }
    event = AuditEvent.objects.get(action="document_added")
    assert event.org_unit_path == world.municipality.path and event.actor == world.home["coordinator"]


# --- The public page (ronda/accountability) ------------------------------------------------------
def test_the_public_page_offers_the_approved_plan_document(world: World, plan: LocalPlan) -> None:
    url = reverse("accountability:public_plan_file", args=[world.municipality.code])
    public_page = reverse("accountability:public_plan", args=[world.municipality.code])
    assert Client().get(url).status_code == 404  # nothing uploaded yet
    assert url not in Client().get(public_page).content.decode()
    uploaded(plan)
    check_access_matrix(world, url=url, expected=dict.fromkeys(ROLES, 200), away=200, anonymous=200)
    page = Client().get(public_page).content.decode()
    assert url in page and "plan-aprobado.pdf" in page
    response = Client().get(url)
    assert response["Content-Disposition"] == 'attachment; filename="plan-aprobado.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Client().get(reverse("accountability:public_plan_file", args=["NO-EXISTE"])).status_code == 404


def test_a_draft_plans_document_is_never_public(world: World, education: Area) -> None:
    from ronda.core import documents
    from ronda.planning import contracts

    draft = build_plan(world.municipality, world.area, education, approve=False, prefix="Borrador ")
    # Written beside the service's rule (which refuses a draft), to prove the contract checks again.
    documents.create_document(
        actor=SYSTEM, owner=draft, org_unit=None, kind=services.APPROVED_PLAN, title="Borrador", upload=pdf()
    )
    facts = contracts.plan_facts(draft)
    assert not facts.is_approved and contracts.public_plan_document(facts) is None
    url = reverse("accountability:public_plan_file", args=[world.municipality.code])
    assert Client().get(url).status_code == 404

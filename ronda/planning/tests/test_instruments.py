"""Policy instruments and the share of the municipal budget invested in children (issue #13 item 13):
who reaches each page and endpoint, the date rules, the shares against a hand-made plan, uploads
checked like evidence, stale versions refused."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from ronda.core.errors import ConflictError
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.planning import contracts, services
from ronda.planning.demo import tiny_pdf, tiny_png
from ronda.planning.models import (
    InstrumentKind,
    InstrumentStatus,
    LocalPlan,
    MunicipalBudget,
    PolicyDocument,
    PolicyInstrument,
)
from ronda.planning.tests.conftest import build_plan
from ronda.territory.models import Area, AreaKind
from ronda.testing import World, check_access_matrix

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = dict.fromkeys(ROLES, 404)
READERS = {**NONE, "admin": 200, "secretariat": 200, "coordinator": 200, "analyst": 200, "supervisor": 200}
MANAGERS = {**NONE, "admin": 200, "coordinator": 200}
LIST_AWAY = {"secretariat": 200, "coordinator": 200, "analyst": 200, "supervisor": 200, "area_focal": 404}


def in_force(world: World, **overrides: Any) -> PolicyInstrument:
    fields = {
        "kind": InstrumentKind.ORDINANCE,
        "title": "Ordenanza de protección integral",
        "status": InstrumentStatus.IN_FORCE,
        "reference": "Ordenanza 7-2024",
        "approved_on": dt.date(2024, 9, 18),
        "in_force_from": dt.date(2024, 10, 1),
        "approving_body": "Concejo Municipal",
        "notes": "Nota interna reservada",
        **overrides,
    }
    unit = fields.pop("org_unit", world.municipality)
    return services.create_instrument(actor=SYSTEM, org_unit=unit, fields=services.InstrumentFields(**fields))


@pytest.fixture
def instrument(world: World) -> PolicyInstrument:
    return in_force(world)


@pytest.fixture
def document(instrument: PolicyInstrument) -> PolicyDocument:
    return services.add_instrument_document(
        actor=SYSTEM,
        instrument=instrument,
        expected_version=None,
        title="Texto aprobado",
        upload=SimpleUploadedFile("ordenanza.pdf", tiny_pdf()),
    )


@pytest.fixture
def budget(world: World) -> MunicipalBudget:
    return services.create_municipal_budget(
        actor=SYSTEM,
        org_unit=world.municipality,
        year=2025,
        total=Decimal("200000"),
        source="Presupuesto aprobado",
        document=SimpleUploadedFile("presupuesto.png", tiny_png()),
    )


def stored_files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


# --- Access matrices: every new page and endpoint -------------------------------------------------
def test_instrument_pages_matrix(world: World, instrument: PolicyInstrument, document: PolicyDocument) -> None:
    check_access_matrix(world, url="/plan/instrumentos/", expected=READERS, away=LIST_AWAY)
    check_access_matrix(world, url=f"/plan/instrumentos/{instrument.pk}/", expected=READERS)
    check_access_matrix(world, url="/plan/instrumentos/nuevo/", expected=MANAGERS, away={"coordinator": 200})
    check_access_matrix(world, url=f"/plan/instrumentos/{instrument.pk}/editar/", expected=MANAGERS)
    check_access_matrix(world, url=f"/plan/instrumentos/{instrument.pk}/documentos/nuevo/", expected=MANAGERS)
    check_access_matrix(world, url=f"/plan/documentos-normativos/{document.pk}/", expected=READERS)


def test_investment_pages_matrix(world: World, plan: LocalPlan, budget: MunicipalBudget) -> None:
    check_access_matrix(world, url=f"/plan/planes/{plan.pk}/inversion/", expected=READERS)
    check_access_matrix(world, url=f"/plan/planes/{plan.pk}/inversion/presupuesto/", expected=MANAGERS)
    check_access_matrix(world, url=f"/plan/presupuestos-municipales/{budget.pk}/editar/", expected=MANAGERS)
    check_access_matrix(world, url=f"/plan/presupuestos-municipales/{budget.pk}/documento/", expected=READERS)


def test_instrument_edit_post_matrix_refused_writes_nothing(world: World, instrument: PolicyInstrument) -> None:
    def data(w: World) -> dict[str, Any]:
        current = PolicyInstrument.objects.get(pk=instrument.pk)
        return {
            "kind": "ordinance",
            "title": "Ordenanza reformada",
            "status": "in_force",
            "approved_on": "2024-09-18",
            "in_force_from": "2024-10-01",
            "version": current.version,
        }

    def state() -> tuple[Any, ...]:
        row = PolicyInstrument.objects.get(pk=instrument.pk)
        return row.title, row.version, AuditEvent.objects.count()

    check_access_matrix(
        world,
        url=f"/plan/instrumentos/{instrument.pk}/editar/",
        method="post",
        data=data,
        expected={**NONE, "admin": 302, "coordinator": 302},
        state=state,
    )
    assert PolicyInstrument.objects.get(pk=instrument.pk).title == "Ordenanza reformada"


def test_document_upload_post_matrix_refused_writes_nothing(
    world: World, instrument: PolicyInstrument, media_root: Path
) -> None:
    def data(w: World) -> dict[str, Any]:
        current = PolicyInstrument.objects.get(pk=instrument.pk)
        return {
            "title": "Texto aprobado",
            "version": current.version,
            "evidence": SimpleUploadedFile("ordenanza.pdf", tiny_pdf()),
        }

    def state() -> tuple[int, ...]:
        return PolicyDocument.objects.count(), len(stored_files(media_root)), AuditEvent.objects.count()

    check_access_matrix(
        world,
        url=f"/plan/instrumentos/{instrument.pk}/documentos/nuevo/",
        method="post",
        data=data,
        expected={**NONE, "admin": 302, "coordinator": 302},
        state=state,
    )
    # Admin and coordinator each uploaded under the same name: two versions, both kept.
    assert list(PolicyDocument.objects.values_list("revision", flat=True).order_by("revision")) == [1, 2]


def test_instruments_api_matrix(world: World, instrument: PolicyInstrument) -> None:
    check_access_matrix(world, url="/api/v1/planning/instruments", expected=READERS, api=True, away=LIST_AWAY)

    def state() -> tuple[int, int]:
        return PolicyInstrument.objects.count(), AuditEvent.objects.count()

    check_access_matrix(
        world,
        url="/api/v1/planning/instruments",
        method="post",
        api=True,
        data={"municipality_id": world.municipality.pk, "kind": "policy", "title": "Política cantonal"},
        expected={**NONE, "admin": 201, "coordinator": 201},
        state=state,
    )
    assert PolicyInstrument.objects.filter(title="Política cantonal", org_unit=world.municipality).count() == 2

    def put(w: World) -> dict[str, Any]:
        return {
            "version": PolicyInstrument.objects.get(pk=instrument.pk).version,
            "kind": "ordinance",
            "title": "Ordenanza por API",
            "status": "approved",
            "approved_on": "2024-09-18",
        }

    def row_state() -> tuple[Any, ...]:
        row = PolicyInstrument.objects.get(pk=instrument.pk)
        return row.title, row.version, AuditEvent.objects.count()

    check_access_matrix(
        world,
        url=f"/api/v1/planning/instruments/{instrument.pk}",
        method="put",
        api=True,
        data=put,
        expected={**NONE, "admin": 200, "coordinator": 200},
        state=row_state,
    )


def test_municipal_budgets_api_matrix(world: World, budget: MunicipalBudget) -> None:
    check_access_matrix(world, url="/api/v1/planning/municipal-budgets", expected=READERS, api=True, away=LIST_AWAY)
    years = itertools.count(2030)

    def state() -> tuple[int, int]:
        return MunicipalBudget.objects.count(), AuditEvent.objects.count()

    check_access_matrix(
        world,
        url="/api/v1/planning/municipal-budgets",
        method="post",
        api=True,
        data=lambda w: {"municipality_id": w.municipality.pk, "year": next(years), "total": "150000.50"},
        expected={**NONE, "admin": 201, "coordinator": 201},
        state=state,
    )
    assert MunicipalBudget.objects.filter(org_unit=world.municipality).count() == 3

    def patch(w: World) -> dict[str, Any]:
        return {"version": MunicipalBudget.objects.get(pk=budget.pk).version, "total": "210000", "source": "Reforma"}

    def row_state() -> tuple[Any, ...]:
        row = MunicipalBudget.objects.get(pk=budget.pk)
        return row.total, row.version, AuditEvent.objects.count()

    check_access_matrix(
        world,
        url=f"/api/v1/planning/municipal-budgets/{budget.pk}",
        method="patch",
        api=True,
        data=patch,
        expected={**NONE, "admin": 200, "coordinator": 200},
        state=row_state,
    )


# --- Dates ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"approved_on": dt.date(2024, 9, 18), "in_force_from": dt.date(2024, 9, 1)}, "in_force_from"),
        (
            {
                "approved_on": dt.date(2024, 9, 18),
                "in_force_from": dt.date(2024, 10, 1),
                "in_force_until": dt.date(2024, 9, 30),
            },
            "in_force_until",
        ),
        ({"approved_on": None, "in_force_from": None}, "approved_on"),
    ],
)
def test_dates_out_of_order_are_refused(world: World, dates: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        in_force(world, **dates)
    assert field in refused.value.message_dict
    assert not PolicyInstrument.objects.exists()


def test_the_database_refuses_dates_out_of_order_too(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyInstrument.objects.create(
            org_unit=world.municipality,
            kind="decree",
            title="Decreto",
            approved_on=dt.date(2024, 5, 1),
            in_force_from=dt.date(2024, 4, 1),
        )


def test_the_form_shows_the_date_error_on_its_field(world: World, instrument: PolicyInstrument, client: Any) -> None:
    from ronda.testing import login

    login(client, world.home["coordinator"])
    response = client.post(
        f"/plan/instrumentos/{instrument.pk}/editar/",
        {
            "kind": "ordinance",
            "title": "Ordenanza",
            "status": "in_force",
            "approved_on": "2024-09-18",
            "in_force_from": "2024-10-01",
            "in_force_until": "2024-01-01",
            "version": instrument.version,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["in_force_until"]
    assert PolicyInstrument.objects.get(pk=instrument.pk).in_force_until is None


# --- Shares against a hand-made plan -----------------------------------------------------------------
def test_shares_by_year_and_area_with_a_year_without_total(world: World, plan: LocalPlan) -> None:
    # build_plan: in 2025 Salud plans 1,000 and executes 100; Educación plans 3,000 and executes 100.
    services.create_municipal_budget(actor=SYSTEM, org_unit=world.municipality, year=2025, total=Decimal("200000"))
    years = {row.year: row for row in contracts.plan_investment(plan)}
    assert sorted(years) == [2025, 2026, 2027, 2028]
    y2025 = years[2025]
    assert (y2025.total, y2025.planned, y2025.executed) == (Decimal("200000"), Decimal("4000"), Decimal("200"))
    assert (y2025.planned_share, y2025.executed_share) == (Decimal("2.00"), Decimal("0.10"))
    areas = {a.label: (a.planned_share, a.executed_share) for a in y2025.by_area}
    assert areas == {"Salud": (Decimal("0.50"), Decimal("0.05")), "Educación": (Decimal("1.50"), Decimal("0.05"))}
    # No total entered for 2026: no share at all, not 0 %.
    y2026 = years[2026]
    assert not y2026.has_total
    assert (y2026.total, y2026.planned_share, y2026.executed_share) == (None, None, None)


def test_certification_contract_per_municipality_and_year(world: World, plan: LocalPlan, other_plan: LocalPlan) -> None:
    services.create_municipal_budget(actor=SYSTEM, org_unit=world.municipality, year=2025, total=Decimal("80000"))
    services.create_municipal_budget(actor=SYSTEM, org_unit=world.other_municipality, year=2025, total=Decimal("1"))
    # A draft plan of the same municipality is not evidence: it does not count.
    education = Area.objects.get(org_unit=world.municipality, kind=AreaKind.EDUCATION)
    build_plan(world.municipality, world.area, education, approve=False, prefix="Borrador ")
    figure = contracts.children_investment(world.municipality, 2025)
    assert (figure.total, figure.planned, figure.executed) == (Decimal("80000"), Decimal("4000"), Decimal("200"))
    assert (figure.planned_share, figure.executed_share) == (Decimal("5.00"), Decimal("0.25"))
    missing = contracts.children_investment(world.municipality, 2026)
    assert missing.total is None and missing.planned_share is None and missing.executed_share is None


def test_the_investment_page_says_when_a_year_has_no_total(world: World, plan: LocalPlan, client: Any) -> None:
    from ronda.testing import login

    services.create_municipal_budget(actor=SYSTEM, org_unit=world.municipality, year=2025, total=Decimal("200000"))
    login(client, world.home["analyst"])
    response = client.get(f"/plan/planes/{plan.pk}/inversion/")
    html = response.content.decode()
    rows = {row.year: row for row in response.context["years"]}
    assert rows[2025].planned_share == Decimal("2.00") and rows[2026].planned_share is None
    assert html.count(gettext("no municipal budget")) == 6  # both shares of 2026, 2027, 2028


# --- Uploads and versions ---------------------------------------------------------------------------
def test_a_wrong_file_type_is_refused_and_nothing_is_written(
    world: World, instrument: PolicyInstrument, media_root: Path
) -> None:
    before = (PolicyDocument.objects.count(), AuditEvent.objects.count(), instrument.version)
    with pytest.raises(ValidationError) as refused:
        services.add_instrument_document(
            actor=SYSTEM,
            instrument=instrument,
            expected_version=instrument.version,
            title="Texto",
            upload=SimpleUploadedFile("ordenanza.pdf", b"<html><script>alert(1)</script></html>"),
        )
    assert "evidence" in refused.value.message_dict
    after = PolicyInstrument.objects.get(pk=instrument.pk)
    assert (PolicyDocument.objects.count(), AuditEvent.objects.count(), after.version) == before
    assert stored_files(media_root) == []


def test_a_budget_with_a_wrong_document_is_not_entered(world: World, media_root: Path) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_municipal_budget(
            actor=SYSTEM,
            org_unit=world.municipality,
            year=2025,
            total=Decimal("1000"),
            document=SimpleUploadedFile("presupuesto.pdf", b"%PDF-1.4 not really"),
        )
    assert "evidence" in refused.value.message_dict
    assert not MunicipalBudget.objects.exists() and stored_files(media_root) == []


def test_a_new_upload_under_the_same_name_keeps_the_earlier_version(
    instrument: PolicyInstrument, document: PolicyDocument
) -> None:
    again = services.add_instrument_document(
        actor=SYSTEM,
        instrument=PolicyInstrument.objects.get(pk=instrument.pk),
        expected_version=None,
        title="Texto aprobado",
        upload=SimpleUploadedFile("ordenanza-v2.pdf", tiny_pdf("Fe de erratas")),
    )
    assert (document.revision, again.revision) == (1, 2)
    assert PolicyDocument.objects.filter(instrument=instrument).count() == 2
    assert document.file.name != again.file.name


# --- Stale versions -----------------------------------------------------------------------------------
def test_a_stale_version_is_refused(world: World, instrument: PolicyInstrument, budget: MunicipalBudget) -> None:
    stale = instrument.version
    fields = services.InstrumentFields(kind="ordinance", title="Primera", status="draft")
    services.update_instrument(actor=SYSTEM, instrument=instrument, expected_version=stale, fields=fields)
    with pytest.raises(ConflictError):
        services.update_instrument(
            actor=SYSTEM,
            instrument=instrument,
            expected_version=stale,
            fields=services.InstrumentFields(kind="ordinance", title="Segunda", status="draft"),
        )
    assert PolicyInstrument.objects.get(pk=instrument.pk).title == "Primera"
    services.update_municipal_budget(actor=SYSTEM, budget=budget, expected_version=budget.version, total="1")
    with pytest.raises(ConflictError):
        services.update_municipal_budget(actor=SYSTEM, budget=budget, expected_version=1, total="2")
    assert MunicipalBudget.objects.get(pk=budget.pk).total == Decimal("1")


def test_the_api_answers_409_to_a_stale_version(world: World, instrument: PolicyInstrument) -> None:
    from django.test import Client

    from ronda.testing import api_token

    token = api_token(world.home["coordinator"])
    body = {"version": instrument.version, "kind": "ordinance", "title": "Una", "status": "draft"}
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/planning/instruments/{instrument.pk}"
    assert client.put(url, body, content_type="application/json", **headers).status_code == 200
    assert client.put(url, {**body, "title": "Otra"}, content_type="application/json", **headers).status_code == 409
    assert PolicyInstrument.objects.get(pk=instrument.pk).title == "Una"


# --- What others read ------------------------------------------------------------------------------
def test_published_instruments_leave_out_drafts_consultations_and_notes(world: World) -> None:
    in_force(world)
    in_force(
        world, title="Política en consulta", kind="policy", status="consultation", approved_on=None, in_force_from=None
    )
    in_force(world, title="Otro municipio", org_unit=world.other_municipality)
    [facts] = contracts.published_instruments(world.municipality)
    assert facts.title == "Ordenanza de protección integral" and facts.status == InstrumentStatus.IN_FORCE
    assert not hasattr(facts, "notes")


def test_demo_municipality_gets_instruments_and_totals() -> None:
    from ronda.planning.demo import load_demo
    from ronda.portal.demo import load_demo as load_core_demo

    load_core_demo()
    load_demo()
    counts = (PolicyInstrument.objects.count(), PolicyDocument.objects.count(), MunicipalBudget.objects.count())
    load_demo()
    assert counts == (PolicyInstrument.objects.count(), PolicyDocument.objects.count(), MunicipalBudget.objects.count())
    plan = LocalPlan.objects.get(org_unit__code="EC-1101")
    statuses = set(PolicyInstrument.objects.filter(org_unit=plan.org_unit).values_list("kind", "status"))
    assert statuses == {("ordinance", "in_force"), ("policy", "consultation")}
    years = [row for row in contracts.plan_investment(plan)]
    assert [row.has_total for row in years] == [True] * (len(years) - 1) + [False]
    assert all(row.planned_share is not None and row.planned_share > 0 for row in years[:-1])


def test_the_openapi_document_lists_the_new_endpoints() -> None:
    from django.test import Client

    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/planning/instruments"]) == {"get", "post"}
    assert set(paths["/api/v1/planning/instruments/{instrument_id}"]) == {"put"}
    assert set(paths["/api/v1/planning/municipal-budgets"]) == {"get", "post"}
    assert set(paths["/api/v1/planning/municipal-budgets/{budget_id}"]) == {"patch"}


def test_municipal_budget_create_post_matrix_refused_writes_nothing(world: World, plan: LocalPlan) -> None:
    def data(w: World) -> dict[str, Any]:
        taken = set(MunicipalBudget.objects.values_list("year", flat=True))
        return {"year": min({2025, 2026, 2027, 2028} - taken), "total": "250000.00", "source": "Acuerdo 3"}

    def state() -> tuple[int, int]:
        return MunicipalBudget.objects.count(), AuditEvent.objects.count()

    check_access_matrix(
        world,
        url=f"/plan/planes/{plan.pk}/inversion/presupuesto/",
        method="post",
        data=data,
        expected={**NONE, "admin": 302, "coordinator": 302},
        state=state,
    )
    assert sorted(MunicipalBudget.objects.values_list("year", flat=True)) == [2025, 2026]


def test_the_report_reading_agrees_with_the_plan_reading(world: World, plan: LocalPlan) -> None:
    services.create_municipal_budget(actor=SYSTEM, org_unit=world.municipality, year=2025, total=Decimal("123456.78"))
    assert contracts.investment_in_years(contracts.plan_progress(plan)) == contracts.plan_investment(plan)


def test_create_and_budget_edit_post_matrices_refuse_and_write_nothing(
    world: World, instrument: PolicyInstrument, budget: MunicipalBudget
) -> None:
    """An empty submission comes back to the managers with its errors; everyone else gets 404; nothing
    is written for anyone."""

    def state() -> tuple[int, int, Any]:
        return (
            PolicyInstrument.objects.count(),
            AuditEvent.objects.count(),
            MunicipalBudget.objects.get(pk=budget.pk).total,
        )

    before = state()
    check_access_matrix(
        world,
        url="/plan/instrumentos/nuevo/",
        method="post",
        data={"title": ""},
        expected=MANAGERS,
        away={"coordinator": 200},
        state=state,
    )
    check_access_matrix(
        world,
        url=f"/plan/presupuestos-municipales/{budget.pk}/editar/",
        method="post",
        data={"total": ""},
        expected=MANAGERS,
        state=state,
    )
    assert state()[0] == before[0] and state()[2] == before[2]

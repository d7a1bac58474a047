from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from ronda.accountability import documents, selectors
from ronda.accountability.selectors import PeriodError, ReportKind
from ronda.coordination.models import Agreement, AgreementStatus, CoordinationBody
from ronda.core.tenancy import SYSTEM
from ronda.council.models import ChildrenCouncil, CouncilMember, CouncilRequest, RequestStatus
from ronda.planning.models import LocalPlan, Measure, PlanStatus
from ronda.planning.services import measures as measure_services
from ronda.planning.services import plans as plan_services
from ronda.planning.services import progress as progress_services
from ronda.planning.services.measures import BudgetLine
from ronda.territory.models import Area, AreaKind
from ronda.testing import World, check_access_matrix

pytestmark = pytest.mark.django_db

YEAR = 2026


def make_plan(world: World, *, approve: bool = True) -> LocalPlan:
    unit = world.municipality
    plan = plan_services.create_plan(
        actor=SYSTEM,
        org_unit=unit,
        title="PLIA de prueba",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2028, 12, 31),
    )
    education = Area.objects.create(org_unit=unit, kind=AreaKind.EDUCATION, name="Educación")
    line = plan_services.create_line(actor=SYSTEM, plan=plan, title="Línea uno", goal_area="services")
    objective = plan_services.create_objective(actor=SYSTEM, line=line, title="Objetivo uno")
    created = []
    for code, area, planned, executed, percent in [
        ("M-1", world.area, Decimal("300"), Decimal("150"), 40),
        ("M-2", education, Decimal("100"), Decimal("100"), 80),
    ]:
        measure = measure_services.create_measure(
            actor=SYSTEM,
            plan=plan,
            objective=objective,
            code=code,
            title=f"Medida {code}",
            responsible_area=area,
            horizon="short",
            start_date=dt.date(2025, 2, 1),
            end_date=dt.date(2027, 12, 31),
            budgets=[BudgetLine(YEAR, planned, executed), BudgetLine(2027, Decimal("50"), Decimal("0"))],
        )
        created.append((measure, percent))
    if approve:
        plan = plan_services.change_plan_status(
            actor=SYSTEM,
            plan=LocalPlan.objects.get(pk=plan.pk),
            expected_version=None,
            status=PlanStatus.APPROVED,
            approved_on=dt.date(2025, 1, 20),
            approved_by="Concejo Municipal",
            approval_reference="Acta 1",
        )
        for measure, percent in created:
            progress_services.record_progress(
                actor=SYSTEM,
                measure=Measure.objects.get(pk=measure.pk),
                expected_version=None,
                percent=percent,
                justification="Avance de prueba",
                reported_on=dt.date(YEAR, 3, 1),
            )
    return LocalPlan.objects.get(pk=plan.pk)


def make_council_and_body(world: World) -> None:
    council = ChildrenCouncil.objects.create(org_unit=world.municipality, name="Consejo A")
    CouncilMember.objects.create(
        council=council,
        first_name="Valentina",
        age_band="10-12",
        guardian_consent_on=dt.date(2026, 1, 1),
        joined_on=dt.date(2026, 1, 1),
    )
    CouncilRequest.objects.create(
        council=council,
        title="Más juegos en el parque",
        description="Pedimos columpios",
        received_on=dt.date(YEAR, 2, 1),
        due_on=dt.date(YEAR, 3, 3),
        status=RequestStatus.ACCEPTED,
        answer="Sí, pondremos columpios.",
        answered_on=dt.date(YEAR, 2, 20),
    )
    CouncilRequest.objects.create(
        council=council,
        title="Pedido sin responder",
        description="Aún en estudio",
        received_on=dt.date(YEAR, 2, 1),
        due_on=dt.date(YEAR, 3, 3),
        status=RequestStatus.UNDER_STUDY,
    )
    body = CoordinationBody.objects.create(org_unit=world.municipality, name="Mesa A")
    for due, status, completed in [
        (dt.date(YEAR, 3, 1), AgreementStatus.DONE, dt.date(YEAR, 2, 25)),
        (dt.date(YEAR, 4, 1), AgreementStatus.DONE, dt.date(YEAR, 5, 1)),
        (dt.date(YEAR, 5, 1), AgreementStatus.PENDING, None),
        (dt.date(2025, 5, 1), AgreementStatus.DONE, dt.date(2025, 4, 1)),
    ]:
        Agreement.objects.create(
            body=body, text="Acuerdo", owner_area=world.area, due_date=due, status=status, completed_on=completed
        )


def test_report_figures_equal_the_data(world: World) -> None:
    plan = make_plan(world)
    make_council_and_body(world)
    data = selectors.report_data(plan, ReportKind.ANNUAL, YEAR)
    assert (data.period.start, data.period.end) == (dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    # Budget weighting: (40 * 350 + 80 * 150) / 500 = 52
    assert data.overview.progress == Decimal("52.00")
    assert (data.budget_total.planned, data.budget_total.executed) == (Decimal("400"), Decimal("250"))
    assert {row.label: (row.planned, row.executed) for row in data.budget_by_area} == {
        "Educación": (Decimal("100"), Decimal("100")),
        "Salud": (Decimal("300"), Decimal("150")),
    }
    assert (data.agreements.due, data.agreements.fulfilled_on_time, data.agreements.fulfilled_late) == (3, 1, 1)
    assert data.council.exists and data.council.requests is not None
    assert (data.council.requests.received, data.council.requests.answered, data.council.requests.answered_on_time) == (
        2,
        1,
        1,
    )


def test_pdf_has_every_section_and_xlsx_matches(world: World) -> None:
    plan = make_plan(world)
    make_council_and_body(world)
    data = selectors.report_data(plan, ReportKind.SEMESTER, YEAR, 1)
    html = render_to_string("accountability/report_pdf.html", documents.report_context(data))
    for anchor in ["summary", "progress", "indicators", "budget", "body", "council", "changes"]:
        assert f'id="{anchor}"' in html and f'href="#{anchor}"' in html
    assert "Medida M-1" in html and "Avance de prueba" in html
    assert "<svg" in html  # charts
    assert documents.render_pdf(data).startswith(b"%PDF")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(documents.render_xlsx(data)))
    progress_rows = list(book.worksheets[1].iter_rows(values_only=True))[1:]
    assert sorted((r[2], r[6]) for r in progress_rows) == [("M-1", 40.0), ("M-2", 80.0)]
    budget = list(book.worksheets[3].iter_rows(values_only=True))
    total = next(r for r in budget if r[0] in ("Total", "Total"))
    assert total[1:3] == (400.0, 250.0)


def test_periods() -> None:
    plan = LocalPlan(period_start=dt.date(2025, 1, 1), period_end=dt.date(2028, 12, 31))
    assert selectors.report_period(plan, ReportKind.SEMESTER, 2026, 2).start == dt.date(2026, 7, 1)
    assert selectors.report_period(plan, ReportKind.MIDTERM).end == dt.date(2026, 12, 31)
    for args in [(ReportKind.ANNUAL, 2030, None), (ReportKind.SEMESTER, 2026, 3), ("weekly", 2026, None)]:
        with pytest.raises(PeriodError):
            selectors.report_period(plan, *args)


REPORT_EXPECTED = {
    "admin": 200,
    "secretariat": 200,
    "coordinator": 200,
    "area_focal": 404,
    "defender": 404,
    "protection_officer": 404,
    "supervisor": 200,  # reads the planning cycle of their municipality, its reports too
    "analyst": 200,
    "evaluator": 404,  # an independent evaluator reads only their certification assignments
}


def test_report_page_matrix(world: World) -> None:
    plan = make_plan(world)
    check_access_matrix(world, url=reverse("accountability:report_plan", args=[plan.pk]), expected=REPORT_EXPECTED)


def test_report_download_matrix(world: World) -> None:
    plan = make_plan(world)
    url = reverse("accountability:report_download", args=[plan.pk, "xlsx"]) + f"?kind=annual&year={YEAR}"
    check_access_matrix(world, url=url, expected=REPORT_EXPECTED)


def test_report_list_matrix(world: World) -> None:
    # The list exists for every plan reader; what it lists is scoped (see the public and report tests).
    expected = {r: (200 if s == 200 else 404) for r, s in REPORT_EXPECTED.items()}
    check_access_matrix(
        world,
        url=reverse("accountability:report_list"),
        expected=expected,
        away={
            "secretariat": 200,
            "analyst": 200,
            "coordinator": 200,
            "area_focal": 404,
            "defender": 404,
            "protection_officer": 404,
            "supervisor": 200,
        },
    )


def test_bad_period_is_a_clear_error(client: Client, world: World) -> None:
    from ronda.testing import login

    plan = make_plan(world)
    login(client, world.home["coordinator"])
    # Asking for the PDF (a job) and downloading the spreadsheet (in the request) check the period alike.
    pdf = client.post(reverse("accountability:report_request", args=[plan.pk]), {"kind": "annual", "year": "1999"})
    xlsx = client.get(
        reverse("accountability:report_download", args=[plan.pk, "xlsx"]), {"kind": "annual", "year": "1999"}
    )
    for response in (pdf, xlsx):
        assert response.status_code == 400
        assert "año" in response.content.decode().lower() or response.context["error"]


def test_public_page_shows_plan_and_answers_without_child_names(client: Client, world: World) -> None:
    make_plan(world)
    make_council_and_body(world)
    anonymous = Client()
    for name in ["accountability:public_plan", "accountability:public_children"]:
        response = anonymous.get(reverse(name, args=[world.municipality.code]))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Línea uno" in body
        assert "Sí, pondremos columpios." in body
        assert "Pedido sin responder" not in body  # not answered yet
        assert "Valentina" not in body  # never a child's name
    page = anonymous.get(reverse("accountability:public_plan", args=[world.municipality.code]))
    assert page.context["overview"].progress == Decimal("52.00")
    assert "max-age=300" in page["Cache-Control"]


def test_public_page_hides_draft_plans_and_unknown_places(client: Client, world: World) -> None:
    make_plan(world, approve=False)
    response = client.get(reverse("accountability:public_plan", args=[world.municipality.code]))
    assert response.status_code == 200
    assert response.context["plan"] is None
    assert "Línea uno" not in response.content.decode()
    assert client.get(reverse("accountability:public_plan", args=["NOPE"])).status_code == 404
    assert client.get(reverse("accountability:public_plan", args=[world.community.code])).status_code == 404
    index = client.get(reverse("accountability:public_index"))
    assert world.municipality not in index.context["units"]


def test_report_list_is_scoped(client: Client, world: World) -> None:
    from ronda.testing import login

    plan = make_plan(world)
    login(client, world.away["coordinator"])
    assert plan not in list(client.get(reverse("accountability:report_list")).context["plans"])
    login(client, world.home["analyst"])
    assert plan in list(client.get(reverse("accountability:report_list")).context["plans"])


def test_public_page_is_private_for_signed_in_visitors(client: Client, world: World) -> None:
    from ronda.testing import login

    make_plan(world)
    login(client, world.home["defender"])
    response = client.get(reverse("accountability:public_plan", args=[world.municipality.code]))
    assert response.status_code == 200  # no second-factor detour for a public page
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]

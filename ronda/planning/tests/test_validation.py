"""Issue #13 item 7: focal points record what they know (a milestone done, the executed budget, an
indicator's value) and the coordinator validates or returns it; only validated figures count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from ronda.core.errors import ConflictError
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.planning import selectors, services
from ronda.planning.models import (
    FocalReport,
    LocalPlan,
    Measure,
    MeasureBudget,
    MeasureIndicator,
    Milestone,
    PlanningAction,
    ReportKind,
    ReportStatus,
)
from ronda.planning.tests.coresp_world import TODAY, act
from ronda.testing import World, api_token, check_access_matrix, login

pytestmark = pytest.mark.django_db

NOBODY = {role: 404 for role in Role.values}
FOCAL_ONLY = {**NOBODY, Role.AREA_FOCAL: 200}
MANAGERS = {**NOBODY, Role.ADMIN: 200, Role.COORDINATOR: 200}
READERS = {**MANAGERS, Role.SECRETARIAT: 200, Role.SUPERVISOR: 200, Role.ANALYST: 200}
CHANGE = services.ChangeRecord(what="Hito nuevo", why="Seguimiento", approved_by="Concejo Municipal")


@pytest.fixture
def milestone(measure: Measure) -> Milestone:
    return services.add_milestone(
        actor=SYSTEM, measure=measure, title="Brigada en la escuela", due_on=dt.date(2026, 5, 1), change=CHANGE
    )


@pytest.fixture
def indicator(measure: Measure) -> MeasureIndicator:
    return services.add_indicator(
        actor=SYSTEM,
        measure=measure,
        name="Niños vacunados",
        unit="niños",
        baseline=None,
        baseline_year=None,
        target=Decimal("100"),
        change=CHANGE,
    )


def _reports() -> list[tuple[Any, ...]]:
    return list(FocalReport.objects.values_list("pk", "status", "version"))


def _focal(world: World) -> Any:
    return act(world.home[Role.AREA_FOCAL])


def _coordinator(world: World) -> Any:
    return act(world.home[Role.COORDINATOR])


def _executed(measure: Measure, year: int) -> Decimal | None:
    return MeasureBudget.objects.filter(measure=measure, year=year).values_list("executed", flat=True).first()


# --- Pages: who sends, who validates -----------------------------------------------------------------
def test_the_figure_pages_are_the_responsible_focal_points(
    at_today: Any,
    world: World,
    measure: Measure,
    other_area_measure: Measure,
    milestone: Milestone,
    indicator: MeasureIndicator,
) -> None:
    pages = [
        (reverse("planning:budget_report", args=[measure.pk]), {"year": "2026", "executed": "400"}),
        (reverse("planning:milestone_report", args=[milestone.pk]), {"done_on": "2026-06-10"}),
        (reverse("planning:indicator_report", args=[indicator.pk]), {"value": "12", "measured_on": "2026-06-10"}),
    ]
    for url, data in pages:
        check_access_matrix(world, url=url, expected=FOCAL_ONLY)
        expected = {**NOBODY, Role.AREA_FOCAL: 302}
        check_access_matrix(world, url=url, method="post", data=data, expected=expected, state=_reports)
    assert sorted(FocalReport.objects.values_list("kind", flat=True)) == ["budget", "indicator", "milestone"]
    assert set(FocalReport.objects.values_list("status", flat=True)) == {ReportStatus.PENDING}
    # Another area's measure: not theirs to report on.
    client = login(Client(), world.home[Role.AREA_FOCAL])
    assert client.get(reverse("planning:budget_report", args=[other_area_measure.pk])).status_code == 404


def test_validation_pages_are_the_managers(at_today: Any, world: World, plan: LocalPlan, measure: Measure) -> None:
    report = services.submit_budget_execution(actor=_focal(world), measure=measure, year=2026, executed="400")
    check_access_matrix(world, url=reverse("planning:plan_validations", args=[plan.pk]), expected=MANAGERS)
    url = reverse("planning:report_review", args=[report.pk])
    check_access_matrix(world, url=url, expected=MANAGERS)
    # Returning without a comment: the form comes back to the managers, 404 for everyone else.
    data = {"decision": "return", "comment": "", "version": report.version}
    check_access_matrix(world, url=url, method="post", data=data, expected=MANAGERS, state=_reports)
    client = login(Client(), world.home[Role.COORDINATOR])
    response = client.post(url, {"decision": "validate", "version": report.version})
    assert response.status_code == 302
    assert _executed(measure, 2026) == Decimal("400")


def test_the_measure_page_says_what_waits_for_validation(at_today: Any, world: World, measure: Measure) -> None:
    services.submit_budget_execution(actor=_focal(world), measure=measure, year=2026, executed="400")
    page = login(Client(), world.home[Role.AREA_FOCAL]).get(reverse("planning:measure_detail", args=[measure.pk]))
    text = page.content.decode()
    assert "Cifras aún no validadas" in text and "Pendiente de validación" in text
    assert reverse("planning:budget_report", args=[measure.pk]) in text
    coordinator_page = login(Client(), world.home[Role.COORDINATOR]).get(
        reverse("planning:measure_detail", args=[measure.pk])
    )
    assert reverse("planning:report_review", args=[FocalReport.objects.get().pk]) in coordinator_page.content.decode()


# --- The services ------------------------------------------------------------------------------------
def test_an_executed_budget_counts_only_once_validated(
    at_today: Any, world: World, plan: LocalPlan, measure: Measure
) -> None:
    before = selectors.plan_overview(plan).total.executed
    report = services.submit_budget_execution(
        actor=_focal(world), measure=measure, year=2026, executed="400", note="Según liquidación"
    )
    assert report.status == ReportStatus.PENDING
    assert _executed(measure, 2026) is None and selectors.plan_overview(plan).total.executed == before
    validated = services.validate_report(actor=_coordinator(world), report=report, expected_version=report.version)
    assert (validated.status, validated.reviewed_by) == (ReportStatus.VALIDATED, world.home[Role.COORDINATOR])
    assert _executed(measure, 2026) == Decimal("400")
    assert selectors.plan_overview(plan).total.executed == before + Decimal("400")
    actions = set(AuditEvent.objects.filter(target_type="planning.focalreport").values_list("action", flat=True))
    assert actions == {PlanningAction.REPORT_SUBMITTED, PlanningAction.REPORT_VALIDATED}
    with pytest.raises(ValidationError) as again:
        services.validate_report(actor=_coordinator(world), report=validated, expected_version=validated.version)
    assert again.value.message_dict == {"__all__": ["This figure was already reviewed."]}


def test_a_returned_figure_keeps_the_comment_and_changes_nothing(at_today: Any, world: World, measure: Measure) -> None:
    report = services.submit_budget_execution(actor=_focal(world), measure=measure, year=2025, executed="900")
    with pytest.raises(ValidationError) as refused:
        services.return_report(actor=_coordinator(world), report=report, expected_version=report.version, comment=" ")
    assert refused.value.message_dict == {"comment": ["Say what is wrong with the figure: the comment is required."]}
    assert FocalReport.objects.get().status == ReportStatus.PENDING
    returned = services.return_report(
        actor=_coordinator(world), report=report, expected_version=report.version, comment="Falta la factura"
    )
    assert (returned.status, returned.review_comment) == (ReportStatus.RETURNED, "Falta la factura")
    assert _executed(measure, 2025) == Decimal("100")  # the figure in force (conftest) stays
    # The focal point may send the year again.
    services.submit_budget_execution(actor=_focal(world), measure=measure, year=2025, executed="950")


def test_a_milestone_is_done_once_validated(at_today: Any, world: World, milestone: Milestone) -> None:
    report = services.submit_milestone_done(actor=_focal(world), milestone=milestone, done_on=TODAY)
    assert Milestone.objects.get(pk=milestone.pk).done_on is None
    with pytest.raises(ValidationError) as twice:
        services.submit_milestone_done(actor=_focal(world), milestone=milestone, done_on=TODAY)
    assert twice.value.message_dict == {"__all__": ["This milestone already waits for validation."]}
    services.validate_report(actor=_coordinator(world), report=report, expected_version=report.version)
    done = Milestone.objects.get(pk=milestone.pk)
    assert done.done_on == TODAY
    assert AuditEvent.objects.filter(action=PlanningAction.MILESTONE_REACHED, target_id=str(milestone.pk)).exists()
    with pytest.raises(ValidationError) as already:
        services.submit_milestone_done(actor=_focal(world), milestone=done, done_on=TODAY)
    assert already.value.message_dict == {"__all__": ["This milestone is already marked as done."]}


def test_an_indicator_value_reaches_the_tablero_once_validated(
    at_today: Any, world: World, indicator: MeasureIndicator
) -> None:
    from ronda.tablero.models import DataValue

    report = services.submit_indicator_value(
        actor=_focal(world), indicator=indicator, value="42", measured_on=TODAY - dt.timedelta(days=3)
    )
    assert report.kind == ReportKind.INDICATOR and DataValue.objects.count() == 0
    services.validate_report(actor=_coordinator(world), report=report, expected_version=report.version)
    assert DataValue.objects.count() == 1
    assert AuditEvent.objects.filter(action=PlanningAction.INDICATOR_VALUE_RECORDED).count() == 1


@pytest.mark.parametrize(
    ("year", "executed", "errors"),
    [
        (2024, "10", {"year": ["Choose a year of the plan period (2025 to 2028)."]}),
        (2027, "10", {"year": ["A budget is executed in a year already begun."]}),
        (2026, "-1", {"executed": ["Enter an amount of zero or more."]}),
        (2026, None, {"executed": ["Enter an amount of zero or more."]}),
        (2026, "1.001", {"executed": ["Use at most two decimals."]}),
        (2026, "1e12", {"executed": ["The amount is too large."]}),
    ],
)
def test_a_budget_figure_is_refused_with_each_reason_and_nothing_is_written(
    at_today: Any, world: World, measure: Measure, year: int, executed: str | None, errors: dict[str, list[str]]
) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.submit_budget_execution(actor=_focal(world), measure=measure, year=year, executed=executed)
    assert refused.value.message_dict == errors
    assert (FocalReport.objects.count(), AuditEvent.objects.count()) == (0, events)


def test_an_indicator_figure_is_refused_with_each_reason(
    at_today: Any, world: World, indicator: MeasureIndicator
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.submit_indicator_value(
            actor=_focal(world), indicator=indicator, value="", measured_on=TODAY + dt.timedelta(days=1)
        )
    assert refused.value.message_dict == {
        "value": ["Enter a number."],
        "measured_on": ["The date cannot be in the future."],
    }
    assert FocalReport.objects.count() == 0


def test_who_sends_and_who_validates(
    at_today: Any, world: World, measure: Measure, other_area_measure: Measure
) -> None:
    with pytest.raises(PermissionDenied):  # a coordinator enters the figure directly
        services.submit_budget_execution(actor=_coordinator(world), measure=measure, year=2026, executed="1")
    with pytest.raises(PermissionDenied):  # not the focal point's area
        services.submit_budget_execution(actor=_focal(world), measure=other_area_measure, year=2026, executed="1")
    report = services.submit_budget_execution(actor=_focal(world), measure=measure, year=2026, executed="1")
    with pytest.raises(PermissionDenied):
        services.validate_report(actor=_focal(world), report=report, expected_version=report.version)
    with pytest.raises(PermissionDenied):
        services.validate_report(actor=act(world.away[Role.COORDINATOR]), report=report, expected_version=1)
    with pytest.raises(ConflictError):
        services.validate_report(actor=_coordinator(world), report=report, expected_version=report.version + 1)
    assert FocalReport.objects.get().status == ReportStatus.PENDING and _executed(measure, 2026) is None


# --- The API -----------------------------------------------------------------------------------------
def test_figures_api(at_today: Any, world: World, plan: LocalPlan, measure: Measure, milestone: Milestone) -> None:
    url = f"/api/v1/planning/measures/{measure.pk}/figures"
    check_access_matrix(
        world,
        url=url,
        method="post",
        api=True,
        data={"kind": "budget", "year": 2026, "executed": "300"},
        expected={**NOBODY, Role.AREA_FOCAL: 201},
        state=_reports,
    )
    check_access_matrix(world, url=f"/api/v1/planning/plans/{plan.pk}/figures", expected=READERS, api=True)
    report = FocalReport.objects.get()
    review = f"/api/v1/planning/figures/{report.pk}/review"
    check_access_matrix(
        world,
        url=review,
        method="post",
        api=True,
        data={"version": report.version, "decision": "return"},  # no comment: 422 for the managers
        expected={**NOBODY, Role.ADMIN: 422, Role.COORDINATOR: 422},
        state=_reports,
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home[Role.COORDINATOR])}"}
    answer = Client().post(
        review, data={"version": report.version, "decision": "validate"}, content_type="application/json", **auth
    )
    assert answer.status_code == 200 and answer.json()["status"] == "validated"
    assert _executed(measure, 2026) == Decimal("300")
    focal = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home[Role.AREA_FOCAL])}"}
    wrong = Client().post(
        url,
        data={"kind": "milestone", "milestone_id": 999999, "dated": "2026-06-01"},
        content_type="application/json",
        **focal,
    )
    assert wrong.status_code == 422 and "milestone_id" in wrong.content.decode()
    ok = Client().post(
        url,
        data={"kind": "milestone", "milestone_id": milestone.pk, "dated": "2026-06-01"},
        content_type="application/json",
        **focal,
    )
    assert ok.status_code == 201 and ok.json()["status"] == "pending"

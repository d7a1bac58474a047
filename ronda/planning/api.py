"""The planning API at /api/v1/planning: plans, measures and progress updates.

Same policies and services as the pages. Evidence files are uploaded from the web form only (the API
takes JSON bodies); the API lists evidence and serves each file through the same policy.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from ronda.core.api_schemas import LIST_ERRORS, READ_ERRORS, MessageOut
from ronda.core.api_utils import read_filters
from ronda.core.files import private_file_response
from ronda.core.pagination import page_response, paginate
from ronda.core.views_helpers import ApiRequest
from ronda.planning import alerts, policies, schemas, selectors, services
from ronda.planning.models import Measure
from ronda.planning.schemas import (
    MeasureCursorPage,
    MeasureFilters,
    MeasureOut,
    MeasurePage,
    MeasureUpdateIn,
    PlanCursorPage,
    PlanDetailOut,
    PlanFilters,
    PlanPage,
    ProgressCorrectionIn,
    ProgressIn,
    ProgressUpdateOut,
    UpdateCursorPage,
    UpdateFilters,
    UpdatePage,
)
from ronda.territory import policies as territory_policies
from ronda.territory.models import Level, OrgUnit

router = Router(tags=["planning"])
WRITE_ERRORS = {**READ_ERRORS, 409: MessageOut}


# --- Plans -------------------------------------------------------------------------------
@router.get(
    "/plans",
    response={200: page_response(PlanPage, PlanCursorPage), **LIST_ERRORS},
    summary="Local plans you can see, by municipality, the newest period first",
)
def list_plans(request: ApiRequest, filters: Query[PlanFilters]) -> Any:
    read_filters(request, filters)
    if not policies.can_read_plans(request.actor):
        raise Http404
    plans = selectors.filter_plans(
        policies.visible_plans(request.actor), municipality_id=filters.municipality_id, status=filters.status
    )
    return paginate(request, plans, filters, order=selectors.PLAN_ORDER, scope="planning.plans").response()


@router.get(
    "/plans/{int:plan_id}",
    response={200: PlanDetailOut, **READ_ERRORS},
    summary="One plan: lines > objectives > measures with rolled-up progress, budgets and changes",
)
def get_plan(request: ApiRequest, plan_id: int) -> Any:
    plan = policies.get_plan(request.actor, plan_id)
    return PlanDetailOut.of(plan, selectors.plan_overview(plan), selectors.plan_changes(plan))


# --- Measures ------------------------------------------------------------------------------
def _measure_detail(measures: QuerySet[Measure]) -> QuerySet[Measure]:
    return measures.select_related("source_opportunity").prefetch_related(
        "budgets", "indicators", "milestones", "co_areas", "co_institutions"
    )


@router.get(
    "/measures",
    response={200: page_response(MeasurePage, MeasureCursorPage), **LIST_ERRORS},
    summary="Measures you can see, by plan and code",
)
def list_measures(request: ApiRequest, filters: Query[MeasureFilters]) -> Any:
    read_filters(request, filters)
    if not policies.can_use_planning(request.actor):
        raise Http404
    measures = selectors.filter_measures(
        policies.visible_measures(request.actor).prefetch_related("budgets"),
        plan_id=filters.plan_id,
        responsible_area_id=filters.responsible_area_id,
        status=filters.status,
    )
    return paginate(request, measures, filters, order=selectors.MEASURE_ORDER, scope="planning.measures").response()


@router.get("/measures/{int:measure_id}", response={200: MeasureOut, **READ_ERRORS}, summary="One measure")
def get_measure(request: ApiRequest, measure_id: int) -> Any:
    return policies.get_measure(request.actor, measure_id, shape=_measure_detail)


def _resolve(choices: QuerySet[Model], pk: int | None, field: str) -> Any:
    """The object ``pk`` names among what the policy allows there; 422 on the field otherwise."""
    if pk is None:
        return None
    found = choices.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("Not one of the allowed values.")})
    return found


NOT_NULL_ON_PATCH = (
    *("objective_id", "code", "title", "description", "responsible_area_id", "co_area_ids", "co_institution_ids"),
    *("horizon", "start_date", "end_date", "status", "budgets"),
)


@router.patch(
    "/measures/{int:measure_id}",
    response={200: MeasureOut, **WRITE_ERRORS},
    summary="Change a measure (send its version; an approved plan needs a change record)",
)
def update_measure(request: ApiRequest, measure_id: int, payload: MeasureUpdateIn) -> Any:
    actor = request.actor
    measure = policies.get_measure_for_edit(actor, measure_id)
    plan = measure.plan
    sent = payload.model_fields_set
    # As in the other PATCH endpoints: null clears what may be empty and is refused elsewhere.
    nulls = {name: _("This field cannot be null.") for name in NOT_NULL_ON_PATCH if getattr(payload, name) is None}
    if nulls.keys() & sent:
        raise ValidationError({name: message for name, message in nulls.items() if name in sent})
    fields: dict[str, Any] = {}
    for name in ("code", "title", "description", "horizon", "start_date", "end_date", "status"):
        if name in sent and getattr(payload, name) is not None:
            fields[name] = getattr(payload, name)
    if payload.objective_id is not None:
        fields["objective"] = _resolve(policies.objectives_of(plan), payload.objective_id, "objective_id")
    if payload.responsible_area_id is not None:
        fields["responsible_area"] = _resolve(
            policies.areas_of(plan), payload.responsible_area_id, "responsible_area_id"
        )
    if "source_opportunity_id" in sent:
        fields["source_opportunity"] = _resolve(
            policies.opportunities_for(plan), payload.source_opportunity_id, "source_opportunity_id"
        )
    co_areas = None
    if payload.co_area_ids is not None:
        co_areas = list(policies.areas_of(plan).filter(pk__in=payload.co_area_ids))
        if len(co_areas) != len(set(payload.co_area_ids)):
            raise ValidationError({"co_area_ids": _("Not one of the allowed values.")})
    co_institutions = None
    if payload.co_institution_ids is not None:
        co_institutions = list(services.institutions_for(plan).filter(pk__in=payload.co_institution_ids))
        if len(co_institutions) != len(set(payload.co_institution_ids)):
            raise ValidationError({"co_institution_ids": _("Not one of the allowed values.")})
    change = None
    if payload.change is not None:
        change = services.ChangeRecord(
            what=payload.change.what, why=payload.change.why, approved_by=payload.change.approved_by
        )
    budgets = None
    if payload.budgets is not None:
        budgets = [services.BudgetLine(b.year, b.planned, b.executed) for b in payload.budgets]
    services.update_measure(
        actor=actor,
        measure=measure,
        expected_version=payload.version,
        change=change,
        co_areas=co_areas,
        co_institutions=co_institutions,
        budgets=budgets,
        **fields,
    )
    return policies.get_measure(actor, measure_id, shape=_measure_detail)


# --- Progress updates ------------------------------------------------------------------------
@router.get(
    "/measures/{int:measure_id}/updates",
    response={200: page_response(UpdatePage, UpdateCursorPage), **LIST_ERRORS},
    summary="Progress history of a measure, newest first",
)
def list_updates(request: ApiRequest, measure_id: int, filters: Query[UpdateFilters]) -> Any:
    read_filters(request, filters)
    measure = policies.get_measure(request.actor, measure_id)
    updates = (
        policies.visible_updates(request.actor)
        .filter(measure=measure)
        .select_related("author", "correction__author")
        .prefetch_related("evidence")
    )
    # A cursor is good for this measure's history only.
    scope = f"planning.updates:{measure.pk}"
    return paginate(request, updates, filters, order=selectors.UPDATE_ORDER, scope=scope).response()


@router.post(
    "/measures/{int:measure_id}/updates",
    response={201: ProgressUpdateOut, **WRITE_ERRORS},
    summary="Record progress (JSON, without files; with files: `/updates/with-evidence`)",
)
def create_update(request: ApiRequest, measure_id: int, payload: ProgressIn) -> Any:
    return _record_progress(request, measure_id, payload, files=[])


def _record_progress(request: ApiRequest, measure_id: int, payload: ProgressIn, files: list[UploadedFile]) -> Any:
    actor = request.actor
    measure = policies.get_measure_for_progress(actor, measure_id)
    update = services.record_progress(
        actor=actor,
        measure=measure,
        expected_version=payload.version,
        percent=payload.percent,
        justification=payload.justification,
        reported_on=payload.reported_on,
        files=files,
        drop_reason=payload.drop_reason,
    )
    return Status(201, update)


@router.post(
    "/updates/{int:update_id}/corrections",
    response={201: ProgressUpdateOut, **WRITE_ERRORS},
    summary="Correct a wrong progress report (the report keeps its figure and shows the correction)",
    description=(
        "Whoever may report progress on the measure may correct one of its reports, once. When the "
        "report is the measure's latest, the measure's progress becomes the corrected figure."
    ),
)
def correct_update(request: ApiRequest, update_id: int, payload: ProgressCorrectionIn) -> Any:
    update = policies.get_update_for_correction(request.actor, update_id)
    services.correct_progress(
        actor=request.actor,
        update=update,
        expected_version=payload.version,
        percent=payload.percent,
        reason=payload.reason,
    )
    update = policies.get_update(
        request.actor, update.pk, shape=lambda updates: updates.select_related("author", "correction__author")
    )
    return Status(201, update)


@router.post(
    "/measures/{int:measure_id}/updates/with-evidence",
    response={201: ProgressUpdateOut, **WRITE_ERRORS},
    summary="Record progress with evidence files (multipart/form-data)",
    description=(
        "The same report as `POST /measures/{id}/updates`, sent as `multipart/form-data`: the fields "
        "`version`, `percent`, `justification` and optionally `reported_on`, and one to "
        f"{services.MAX_EVIDENCE_FILES} files in `evidence` (JPEG, PNG or PDF, recognised by their content, "
        "each up to `RONDA_UPLOAD_MAX_BYTES`, 20 MB by default). Any bad file refuses the whole report."
    ),
)
def create_update_with_evidence(
    request: ApiRequest, measure_id: int, payload: Form[ProgressIn], evidence: File[list[UploadedFile]]
) -> Any:
    return _record_progress(request, measure_id, payload, files=evidence)


@router.get(
    "/evidence/{int:evidence_id}",
    response={200: None, **READ_ERRORS},
    summary="Download one evidence file (same policy as its measure)",
)
def download_evidence(request: ApiRequest, evidence_id: int) -> Any:
    evidence = policies.get_evidence(request.actor, evidence_id)
    return private_file_response(request, evidence.file, evidence.original_name, content_type=evidence.content_type)


# --- Policy instruments and the municipal budget (issue #13 item 13) -------------------------------
INSTRUMENT_ORDER = ("org_unit__name", "-approved_on", "title", "id")
MUNICIPAL_BUDGET_ORDER = ("org_unit__name", "year", "id")


def _municipality_for_write(request: ApiRequest, municipality_id: int | None) -> OrgUnit:
    """The municipality a new row belongs to: the one named, or the actor's own; 404 unless they manage it."""
    actor = request.actor
    if municipality_id is None:
        own = actor.org_unit
        unit = own if own is not None and own.level == Level.MUNICIPALITY else None
    else:
        unit = territory_policies.get_org_unit(actor, municipality_id)  # 404 for a unit they cannot see
    if unit is None or not policies.can_manage_in(actor, unit):
        raise Http404
    return unit


def _instrument_fields(payload: schemas.InstrumentIn) -> services.InstrumentFields:
    return services.InstrumentFields(
        kind=payload.kind,
        title=payload.title,
        status=payload.status,
        reference=payload.reference,
        approved_on=payload.approved_on,
        in_force_from=payload.in_force_from,
        in_force_until=payload.in_force_until,
        approving_body=payload.approving_body,
        summary=payload.summary,
        notes=payload.notes,
    )


@router.get(
    "/instruments",
    response={200: page_response(schemas.InstrumentPage, schemas.InstrumentCursorPage), **LIST_ERRORS},
    summary="Policy instruments for children (ordinances, policies, decrees …) you can see",
)
def list_instruments(request: ApiRequest, filters: Query[schemas.InstrumentFilters]) -> Any:
    read_filters(request, filters)
    if not policies.can_read_plans(request.actor):
        raise Http404
    instruments = policies.visible_instruments(request.actor).prefetch_related("documents")
    if filters.municipality_id is not None:
        instruments = instruments.filter(org_unit_id=filters.municipality_id)
    if filters.status is not None:
        instruments = instruments.filter(status=filters.status)
    return paginate(request, instruments, filters, order=INSTRUMENT_ORDER, scope="planning.instruments").response()


@router.post(
    "/instruments",
    response={201: schemas.InstrumentOut, **WRITE_ERRORS},
    summary="Record a policy instrument of a municipality (its documents are uploaded from the web page)",
)
def create_instrument(request: ApiRequest, payload: schemas.InstrumentIn) -> Any:
    if not policies.can_create_plans(request.actor):
        raise Http404
    unit = _municipality_for_write(request, payload.municipality_id)
    instrument = services.create_instrument(actor=request.actor, org_unit=unit, fields=_instrument_fields(payload))
    return Status(201, policies.get_instrument(request.actor, instrument.pk))


@router.put(
    "/instruments/{int:instrument_id}",
    response={200: schemas.InstrumentOut, **WRITE_ERRORS},
    summary="Change a policy instrument (send the whole instrument and its version; a stale one answers 409)",
)
def update_instrument(request: ApiRequest, instrument_id: int, payload: schemas.InstrumentUpdateIn) -> Any:
    instrument = policies.get_instrument_for_edit(request.actor, instrument_id)
    if payload.municipality_id is not None and payload.municipality_id != instrument.org_unit_id:
        raise ValidationError({"municipality_id": _("An instrument stays in its municipality.")})
    services.update_instrument(
        actor=request.actor,
        instrument=instrument,
        expected_version=payload.version,
        fields=_instrument_fields(payload),
    )
    return policies.get_instrument(request.actor, instrument_id)


@router.get(
    "/municipal-budgets",
    response={200: page_response(schemas.MunicipalBudgetPage, schemas.MunicipalBudgetCursorPage), **LIST_ERRORS},
    summary="Total municipal budgets per year (the denominator of the share invested in children)",
)
def list_municipal_budgets(request: ApiRequest, filters: Query[schemas.MunicipalBudgetFilters]) -> Any:
    read_filters(request, filters)
    if not policies.can_read_plans(request.actor):
        raise Http404
    budgets = policies.visible_municipal_budgets(request.actor)
    if filters.municipality_id is not None:
        budgets = budgets.filter(org_unit_id=filters.municipality_id)
    if filters.year is not None:
        budgets = budgets.filter(year=filters.year)
    return paginate(
        request, budgets, filters, order=MUNICIPAL_BUDGET_ORDER, scope="planning.municipal_budgets"
    ).response()


@router.post(
    "/municipal-budgets",
    response={201: schemas.MunicipalBudgetOut, **WRITE_ERRORS},
    summary="Enter a municipality's total budget for a year (its document is uploaded from the web page)",
)
def create_municipal_budget(request: ApiRequest, payload: schemas.MunicipalBudgetIn) -> Any:
    if not policies.can_create_plans(request.actor):
        raise Http404
    unit = _municipality_for_write(request, payload.municipality_id)
    budget = services.create_municipal_budget(
        actor=request.actor, org_unit=unit, year=payload.year, total=payload.total, source=payload.source
    )
    return Status(201, policies.get_municipal_budget(request.actor, budget.pk))


@router.patch(
    "/municipal-budgets/{int:budget_id}",
    response={200: schemas.MunicipalBudgetOut, **WRITE_ERRORS},
    summary="Correct a municipal budget's total or source (send its version; a stale one answers 409)",
)
def update_municipal_budget(request: ApiRequest, budget_id: int, payload: schemas.MunicipalBudgetUpdateIn) -> Any:
    budget = policies.get_municipal_budget_for_edit(request.actor, budget_id)
    services.update_municipal_budget(
        actor=request.actor,
        budget=budget,
        expected_version=payload.version,
        total=payload.total,
        source=payload.source,
    )
    return policies.get_municipal_budget(request.actor, budget_id)


# --- Co-responsibility, figures for validation, alerts (issue #13 items 6–8) -------------------------
@router.get(
    "/measures/{int:measure_id}/contributions",
    response={200: list[schemas.ContributionOut], **READ_ERRORS},
    summary="What the co-responsible areas and institutions reported of their part of a measure",
)
def list_contributions(request: ApiRequest, measure_id: int) -> Any:
    measure = policies.get_measure(request.actor, measure_id)
    return list(
        policies.visible_contributions(request.actor)
        .filter(measure=measure)
        .select_related("author")
        .order_by("-reported_on", "-id")
    )


@router.post(
    "/measures/{int:measure_id}/contributions",
    response={201: schemas.ContributionOut, **WRITE_ERRORS},
    summary="Report your area's or institution's part of a measure it is co-responsible for",
    description="The measure's progress stays the responsible area's: a contribution is shown beside it.",
)
def create_contribution(request: ApiRequest, measure_id: int, payload: schemas.ContributionIn) -> Any:
    measure = policies.get_measure_for_contribution(request.actor, measure_id)
    contribution = services.record_contribution(
        actor=request.actor,
        measure=measure,
        text=payload.text,
        reported_on=payload.reported_on,
        executed=payload.executed,
        partner=payload.partner,
    )
    return Status(201, contribution)


def _required(pk: int | None) -> int:
    # 0 names no row: ``_resolve`` answers 422 on the field, as for an id of another measure.
    return pk or 0


@router.post(
    "/measures/{int:measure_id}/figures",
    response={201: schemas.FigureOut, **WRITE_ERRORS},
    summary="Send a milestone done, an executed budget or an indicator value for validation",
    description=(
        "For the focal point of the measure's responsible area. The figure waits for the coordinator's "
        "validation and counts only once validated; a coordinator enters figures directly instead."
    ),
)
def create_figure(request: ApiRequest, measure_id: int, payload: schemas.FigureIn) -> Any:
    actor = request.actor
    measure = policies.get_measure_for_figures(actor, measure_id)
    if payload.kind == "milestone":
        milestone = _resolve(
            policies.visible_milestones(actor).filter(measure=measure), _required(payload.milestone_id), "milestone_id"
        )
        report = services.submit_milestone_done(
            actor=actor, milestone=milestone, done_on=payload.dated, note=payload.note
        )
    elif payload.kind == "budget":
        report = services.submit_budget_execution(
            actor=actor, measure=measure, year=payload.year, executed=payload.executed, note=payload.note
        )
    else:
        indicators = policies.visible_indicators(actor).select_related("catalogue_indicator").filter(measure=measure)
        indicator = _resolve(indicators, _required(payload.indicator_id), "indicator_id")
        report = services.submit_indicator_value(
            actor=actor, indicator=indicator, value=payload.value, measured_on=payload.dated, note=payload.note
        )
    return Status(201, report)


@router.get(
    "/plans/{int:plan_id}/figures",
    response={200: list[schemas.FigureOut], **READ_ERRORS},
    summary="The focal points' figures of a plan (filter by status: pending, validated, returned)",
)
def list_figures(request: ApiRequest, plan_id: int, filters: Query[schemas.FigureFilters]) -> Any:
    plan = policies.get_plan(request.actor, plan_id)
    figures = (
        policies.visible_focal_reports(request.actor)
        .filter(plan_id=plan.pk)
        .select_related("author", "reviewed_by")
        .order_by("-created_at", "-id")
    )
    if filters.status is not None:
        figures = figures.filter(status=filters.status)
    return list(figures[:500])


@router.post(
    "/figures/{int:figure_id}/review",
    response={200: schemas.FigureOut, **WRITE_ERRORS},
    summary="Validate a focal point's figure (it counts from now) or return it with a comment",
)
def review_figure(request: ApiRequest, figure_id: int, payload: schemas.FigureReviewIn) -> Any:
    report = policies.get_report_for_review(request.actor, figure_id)
    if payload.decision == "validate":
        return services.validate_report(actor=request.actor, report=report, expected_version=payload.version)
    return services.return_report(
        actor=request.actor, report=report, expected_version=payload.version, comment=payload.comment
    )


@router.get(
    "/plans/{int:plan_id}/alerts",
    response={200: schemas.PlanAlertsOut, **READ_ERRORS},
    summary="A plan's alerts: measures overdue, without recent reports, with overdue milestones or budgets ahead",
)
def plan_alerts(request: ApiRequest, plan_id: int) -> Any:
    plan = policies.get_plan(request.actor, plan_id)
    scan = alerts.plan_scan(request.actor, plan)
    return {
        "plan_id": plan.pk,
        "stale_weeks": plan.stale_weeks,
        "budget_ahead_points": alerts.BUDGET_AHEAD_POINTS,
        "pending_figures": scan.pending if policies.can_review_reports(request.actor, plan) else 0,
        "alerts": scan.alerts,
    }

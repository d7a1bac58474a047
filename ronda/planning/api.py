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

from ronda.core.api_schemas import READ_ERRORS, MessageOut
from ronda.core.api_utils import reject_unknown_query
from ronda.core.files import private_file_response
from ronda.core.views_helpers import ApiRequest
from ronda.planning import policies, selectors, services
from ronda.planning.models import LocalPlan, Measure, ProgressUpdate
from ronda.planning.schemas import (
    MeasureFilters,
    MeasureOut,
    MeasurePage,
    MeasureUpdateIn,
    PageFilters,
    PlanDetailOut,
    PlanFilters,
    PlanPage,
    ProgressIn,
    ProgressUpdateOut,
    UpdatePage,
)

router = Router(tags=["planning"])
WRITE_ERRORS = {**READ_ERRORS, 409: MessageOut}


def _num(value: Any) -> float | None:
    return float(value) if value is not None else None


def _plan_out(plan: LocalPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "title": plan.title,
        "municipality": {"id": plan.org_unit_id, "code": plan.org_unit.code, "name": plan.org_unit.name},
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "status": plan.status,
        "status_label": str(plan.get_status_display()),
        "weighting": plan.weighting,
        "approved_on": plan.approved_on,
        "approved_by": plan.approved_by,
        "approval_reference": plan.approval_reference,
        "version": plan.version,
    }


def _measure_summary(measure: Measure, planned: Any = None, executed: Any = None) -> dict[str, Any]:
    if planned is None:
        budgets = list(measure.budgets.all())
        planned = sum(b.planned for b in budgets)
        executed = sum(b.executed for b in budgets)
    return {
        "id": measure.pk,
        "plan_id": measure.plan_id,
        "objective_id": measure.objective_id,
        "code": measure.code,
        "title": measure.title,
        "responsible_area": {"id": measure.responsible_area_id, "name": measure.responsible_area.name},
        "status": measure.status,
        "status_label": str(measure.get_status_display()),
        "progress": float(measure.progress),
        "progress_updated_on": measure.progress_updated_on,
        "planned_total": float(planned),
        "executed_total": float(executed or 0),
        "version": measure.version,
    }


def _measure_out(measure: Measure) -> dict[str, Any]:
    data = _measure_summary(measure)
    opportunity = measure.source_opportunity
    data.update(
        {
            "description": measure.description,
            "co_areas": [{"id": a.pk, "name": a.name} for a in measure.co_areas.all()],
            "co_institution_ids": [i.pk for i in measure.co_institutions.all()],
            "horizon": measure.horizon,
            "start_date": measure.start_date,
            "end_date": measure.end_date,
            "progress_justification": measure.progress_justification,
            "source_opportunity_id": measure.source_opportunity_id,
            "source_opportunity": opportunity.title if opportunity is not None else None,
            "budgets": [
                {"year": b.year, "planned": float(b.planned), "executed": float(b.executed)}
                for b in measure.budgets.all()
            ],
            "indicators": [
                {
                    "id": i.pk,
                    "name": i.name,
                    "unit": i.unit,
                    "baseline": _num(i.baseline),
                    "baseline_year": i.baseline_year,
                    "target": _num(i.target),
                    "latest_value": _num(i.latest_value),
                    "latest_on": i.latest_on,
                }
                for i in measure.indicators.all()
            ],
            "milestones": [
                {"id": m.pk, "title": m.title, "due_on": m.due_on, "done_on": m.done_on}
                for m in measure.milestones.all()
            ],
        }
    )
    return data


def _update_out(update: ProgressUpdate) -> dict[str, Any]:
    return {
        "id": update.pk,
        "measure_id": update.measure_id,
        "reported_on": update.reported_on,
        "percent": float(update.percent),
        "justification": update.justification,
        "author": update.author.get_username() if update.author is not None else None,
        "created_at": update.created_at,
        "evidence": [
            {
                "id": e.pk,
                "name": e.original_name,
                "content_type": e.content_type,
                "size": e.size,
                "download": f"/api/v1/planning/evidence/{e.pk}",
            }
            for e in update.evidence.all()
        ],
    }


# --- Plans -------------------------------------------------------------------------------
@router.get("/plans", response={200: PlanPage, **READ_ERRORS}, summary="Local plans you can see")
def list_plans(request: ApiRequest, filters: Query[PlanFilters]) -> Any:
    reject_unknown_query(request, PlanFilters)
    if not policies.can_read_plans(request.actor):
        raise Http404
    plans = policies.visible_plans(request.actor).order_by("org_unit__name", "-period_start")
    if filters.municipality is not None:
        plans = plans.filter(org_unit_id=filters.municipality)
    if filters.status:
        plans = plans.filter(status=filters.status)
    total = plans.count()
    rows = plans[filters.offset : filters.offset + filters.limit]
    return {"count": total, "limit": filters.limit, "offset": filters.offset, "results": [_plan_out(p) for p in rows]}


@router.get(
    "/plans/{int:plan_id}",
    response={200: PlanDetailOut, **READ_ERRORS},
    summary="One plan: lines > objectives > measures with rolled-up progress, budgets and changes",
)
def get_plan(request: ApiRequest, plan_id: int) -> Any:
    plan = policies.get_plan(request.actor, plan_id)
    overview = selectors.plan_overview(plan)
    data = _plan_out(plan)
    data["progress"] = _num(overview.progress)
    data["lines"] = [
        {
            "id": node.line.pk,
            "order": node.line.order,
            "title": node.line.title,
            "goal_area": node.line.goal_area,
            "progress": _num(node.progress),
            "objectives": [
                {
                    "id": obj.objective.pk,
                    "order": obj.objective.order,
                    "title": obj.objective.title,
                    "progress": _num(obj.progress),
                    "measures": [_measure_summary(r.measure, r.planned, r.executed) for r in obj.measures],
                }
                for obj in node.objectives
            ],
        }
        for node in overview.lines
    ]
    data["budget_by_year"] = [
        {"year": r.key, "planned": float(r.planned), "executed": float(r.executed)} for r in overview.by_year
    ]
    data["budget_by_area"] = [
        {"area_id": r.key, "area": r.label, "planned": float(r.planned), "executed": float(r.executed)}
        for r in overview.by_area
    ]
    data["changes"] = [
        {
            "id": c.pk,
            "changed_on": c.changed_on,
            "measure_id": c.measure_id,
            "what": c.what,
            "why": c.why,
            "approved_by": c.approved_by,
        }
        for c in selectors.plan_changes(plan)
    ]
    return data


# --- Measures ------------------------------------------------------------------------------
def _measure_detail(measures: QuerySet[Measure]) -> QuerySet[Measure]:
    return measures.select_related("source_opportunity").prefetch_related(
        "budgets", "indicators", "milestones", "co_areas", "co_institutions"
    )


@router.get("/measures", response={200: MeasurePage, **READ_ERRORS}, summary="Measures you can see, filtered")
def list_measures(request: ApiRequest, filters: Query[MeasureFilters]) -> Any:
    reject_unknown_query(request, MeasureFilters)
    if not policies.can_use_planning(request.actor):
        raise Http404
    measures = policies.visible_measures(request.actor).prefetch_related("budgets").order_by("plan_id", "code", "id")
    if filters.plan is not None:
        measures = measures.filter(plan_id=filters.plan)
    if filters.area is not None:
        measures = measures.filter(responsible_area_id=filters.area)
    if filters.status:
        measures = measures.filter(status=filters.status)
    total = measures.count()
    rows = measures[filters.offset : filters.offset + filters.limit]
    return {
        "count": total,
        "limit": filters.limit,
        "offset": filters.offset,
        "results": [_measure_summary(m) for m in rows],
    }


@router.get("/measures/{int:measure_id}", response={200: MeasureOut, **READ_ERRORS}, summary="One measure")
def get_measure(request: ApiRequest, measure_id: int) -> Any:
    return _measure_out(policies.get_measure(request.actor, measure_id, shape=_measure_detail))


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
    return _measure_out(policies.get_measure(actor, measure_id, shape=_measure_detail))


# --- Progress updates ------------------------------------------------------------------------
@router.get(
    "/measures/{int:measure_id}/updates",
    response={200: UpdatePage, **READ_ERRORS},
    summary="Progress history of a measure, newest first",
)
def list_updates(request: ApiRequest, measure_id: int, filters: Query[PageFilters]) -> Any:
    reject_unknown_query(request, PageFilters)
    measure = policies.get_measure(request.actor, measure_id)
    updates = (
        policies.visible_updates(request.actor)
        .filter(measure=measure)
        .select_related("author")
        .prefetch_related("evidence")
        .order_by("-reported_on", "-id")
    )
    total = updates.count()
    rows = updates[filters.offset : filters.offset + filters.limit]
    return {"count": total, "limit": filters.limit, "offset": filters.offset, "results": [_update_out(u) for u in rows]}


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
    )
    return Status(201, _update_out(update))


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

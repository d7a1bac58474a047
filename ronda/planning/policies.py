"""Who sees and changes the diagnosis and the local plan. Views, API, selectors and reports ask only this.

- admin: everything, everywhere.
- coordinator: everything in their own municipality.
- secretariat and analyst: read only, in their subtree.
- supervisor: read only, in their municipality (they supervise all the work there).
- area_focal: only the measures whose responsible area is their own area (actor.area_id), or that
  name their area or their institution (actor.institution_id) as co-responsible, in their
  municipality. On their own area's measures they record progress and send milestones, executed
  budget and indicator values for the coordinator's validation; on the shared ones they report
  their part (a contribution).
- defender, protection_officer: no access (404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from ronda.core import grants
from ronda.core.roles import Role
from ronda.core.tenancy import Actor, Shape, get_object_or_404_scoped
from ronda.planning.models import (
    Contribution,
    Evidence,
    Finding,
    FocalReport,
    ImprovementOpportunity,
    LocalPlan,
    Measure,
    MeasureIndicator,
    Milestone,
    MunicipalBudget,
    Objective,
    PlanStatus,
    PolicyDocument,
    PolicyInstrument,
    ProgressUpdate,
    SituationAnalysis,
    StrategicLine,
    Workshop,
)
from ronda.territory.models import Area, Level, OrgUnit
from ronda.territory.selectors import large_columns

if TYPE_CHECKING:
    from ronda.core.tenancy import Shape

M = TypeVar("M", bound=Model)

# Roles that see whole plans and diagnoses (read); managers also write.
PLAN_READERS = frozenset({Role.ADMIN, Role.SECRETARIAT, Role.COORDINATOR, Role.ANALYST, Role.SUPERVISOR})
PLAN_MANAGERS = frozenset({Role.ADMIN, Role.COORDINATOR})
# Everybody who may open the planning module at all.
PLANNING_USERS = PLAN_READERS | {Role.AREA_FOCAL}


def _scoped(queryset: QuerySet[M], actor: Actor, path_field: str) -> QuerySet[M]:
    scope = actor.scope_path
    if scope is None:
        return queryset.none()
    if scope == "":
        return queryset
    return queryset.filter(**{f"{path_field}__startswith": scope})


# --- Module-level checks (for @actor_required) ------------------------------------------
def _seats(actor: Actor | None) -> tuple[str, ...]:
    """The municipalities whose coordination body the actor sits on (``core.grants.BODY_SEAT``,
    provided by coordination): a seat reads that municipality's diagnosis and plan (issue #13)."""
    return grants.paths(actor, grants.BODY_SEAT)


def _readable(queryset: QuerySet[M], actor: Actor, path_field: str) -> QuerySet[M]:
    """What the plan readers read in their subtree; for anyone else, the municipalities of their seats."""
    if actor.role in PLAN_READERS:
        return _scoped(queryset, actor, path_field)
    seats = _seats(actor)
    return queryset.filter(**{f"{path_field}__in": seats}) if seats else queryset.none()


def can_use_planning(actor: Actor | None) -> bool:
    if actor is None or actor.scope_path is None:
        return False
    return actor.role in PLANNING_USERS or bool(_seats(actor))


def can_read_plans(actor: Actor | None) -> bool:
    """Whole plans and diagnoses: the readers, and whoever sits on the coordination body (an area
    focal point without a seat sees only their own area's measures)."""
    if actor is None or actor.scope_path is None:
        return False
    return actor.role in PLAN_READERS or bool(_seats(actor))


def can_create_plans(actor: Actor | None) -> bool:
    return actor is not None and actor.scope_path is not None and actor.role in PLAN_MANAGERS


def can_record_some_progress(actor: Actor | None) -> bool:
    """The module-level check of the progress form: plan managers and area focal points (which
    measures each may report on follows in ``get_measure_for_progress``)."""
    return actor is not None and actor.scope_path is not None and actor.role in PLAN_MANAGERS | {Role.AREA_FOCAL}


def can_manage_plans(actor: Actor | None) -> bool:
    """The module-level check of every page that shapes a plan (the object check follows in ``get_*_for_edit``)."""
    return can_create_plans(actor)


def can_manage_in(actor: Actor, unit: OrgUnit | None) -> bool:
    """Write plans and diagnoses of ``unit`` (a municipality)."""
    if unit is None or unit.level != Level.MUNICIPALITY:
        return False
    if actor.is_admin:
        return True
    return actor.has_role(Role.COORDINATOR) and actor.covers(unit)


# --- Diagnosis ----------------------------------------------------------------------------
def visible_analyses(actor: Actor | None) -> QuerySet[SituationAnalysis]:
    if actor is None or not can_read_plans(actor):
        return SituationAnalysis.objects.none()
    return _readable(SituationAnalysis.objects.select_related("org_unit"), actor, "org_unit__path")


def visible_opportunities(actor: Actor | None) -> QuerySet[ImprovementOpportunity]:
    if actor is None or not can_read_plans(actor):
        return ImprovementOpportunity.objects.none()
    return _readable(
        ImprovementOpportunity.objects.select_related("analysis__org_unit"), actor, "analysis__org_unit__path"
    )


def can_edit_analysis(actor: Actor, analysis: SituationAnalysis) -> bool:
    return can_manage_in(actor, analysis.org_unit)


# --- Plans ---------------------------------------------------------------------------------
def visible_plans(actor: Actor | None) -> QuerySet[LocalPlan]:
    if actor is None or not can_read_plans(actor):
        return LocalPlan.objects.none()
    # Plan pages name the municipality; its map shape and population are never shown with a plan.
    return _readable(
        LocalPlan.objects.select_related("org_unit").defer(*large_columns("org_unit")), actor, "org_unit__path"
    )


def can_edit_plan(actor: Actor, plan: LocalPlan) -> bool:
    """Shape the plan (lines, objectives, measures, indicators, milestones): not once evaluated."""
    return plan.status != PlanStatus.EVALUATED and can_manage_in(actor, plan.org_unit)


def can_change_plan_status(actor: Actor, plan: LocalPlan) -> bool:
    return can_manage_in(actor, plan.org_unit)


# --- Measures and their progress -----------------------------------------------------------
def visible_measures(actor: Actor | None) -> QuerySet[Measure]:
    if actor is None or actor.scope_path is None:
        return Measure.objects.none()
    queryset = Measure.objects.select_related("plan__org_unit", "responsible_area", "objective__line").defer(
        *large_columns("plan__org_unit")
    )
    if actor.role in PLAN_READERS:
        return _scoped(queryset, actor, "plan__org_unit__path")
    seats = _seats(actor)
    condition = Q(plan__org_unit__path__in=seats) if seats else None
    partner = _partner_condition(actor)
    if partner is not None:
        # A focal point sees the measures their own area answers for, and those naming their area
        # or institution as co-responsible (and, with a seat on the body, the rest of that
        # municipality's plan: read only).
        condition = partner if condition is None else condition | partner
    return queryset.filter(condition) if condition is not None else Measure.objects.none()


def _partner_condition(actor: Actor) -> Q | None:
    """The measures an area focal point answers for or shares: their area responsible or
    co-responsible, their institution (a membership naming one) co-responsible; in their scope."""
    if not actor.has_role(Role.AREA_FOCAL) or actor.scope_path is None:
        return None
    condition: Q | None = None
    if actor.area_id is not None:
        co_area = Measure.co_areas.through.objects.filter(area_id=actor.area_id).values("measure_id")
        condition = Q(responsible_area_id=actor.area_id) | Q(pk__in=co_area)
    if actor.institution_id is not None:
        named = Measure.co_institutions.through.objects.filter(institution_id=actor.institution_id)
        institution = Q(pk__in=named.values("measure_id"))
        condition = institution if condition is None else condition | institution
    if condition is None:
        return None
    return condition & Q(plan__org_unit__path__startswith=actor.scope_path)


def visible_updates(actor: Actor | None) -> QuerySet[ProgressUpdate]:
    return ProgressUpdate.objects.filter(measure__in=visible_measures(actor).values("pk"))


def visible_evidence(actor: Actor | None) -> QuerySet[Evidence]:
    return Evidence.objects.select_related("update__measure__plan__org_unit").filter(
        update__measure__in=visible_measures(actor).values("pk")
    )


def visible_indicators(actor: Actor | None) -> QuerySet[MeasureIndicator]:
    return MeasureIndicator.objects.select_related("measure__plan__org_unit").filter(
        measure__in=visible_measures(actor).values("pk")
    )


def visible_milestones(actor: Actor | None) -> QuerySet[Milestone]:
    return Milestone.objects.select_related("measure__plan__org_unit").filter(
        measure__in=visible_measures(actor).values("pk")
    )


def can_edit_measure(actor: Actor, measure: Measure) -> bool:
    return can_edit_plan(actor, measure.plan)


def can_record_progress(actor: Actor, measure: Measure) -> bool:
    """The responsible area's focal point, or whoever manages the plan.

    Whether the plan accepts progress right now (approved or in execution) is a validation rule of
    the service, not a permission: the focal point gets an explanation, not a 404.
    """
    plan = measure.plan
    if can_manage_in(actor, plan.org_unit):
        return True
    return (
        actor.has_role(Role.AREA_FOCAL)
        and actor.area_id is not None
        and actor.area_id == measure.responsible_area_id
        and actor.covers(plan.org_unit)
    )


# --- Co-responsibility and the focal points' figures (issue #13 items 6 and 7) --------------------
# A co-responsible area or institution reports on its own part of a measure (a contribution); the
# responsible area's focal point sends the measure's milestones, executed budget and indicator values
# for validation; the plan's managers validate or return them (their own entries need none).
PARTNER_AREA = "area"
PARTNER_INSTITUTION = "institution"


def is_focal(actor: Actor | None) -> bool:
    """An area focal point acting for an area or an institution (a membership naming one)."""
    return (
        actor is not None
        and actor.scope_path is not None
        and actor.has_role(Role.AREA_FOCAL)
        and (actor.area_id is not None or actor.institution_id is not None)
    )


def can_record_partner_reports(actor: Actor | None) -> bool:
    """The module-level check of the pages that write a focal point's reports (a contribution, a
    figure for validation); which measures each may report on follows in ``get_*_for_*``."""
    return is_focal(actor) and actor is not None and not actor.is_read_only


def contribution_partners(actor: Actor, measure: Measure) -> list[str]:
    """For whom the actor reports a contribution to ``measure``: their area when it is one of the
    co-responsible areas (not the responsible one: that area reports progress), their institution
    when it is named co-responsible. Reads the measure's co-responsible ids (prefetched or not)."""
    if not is_focal(actor) or not actor.covers(measure.plan.org_unit):
        return []
    partners = []
    if (
        actor.area_id is not None
        and actor.area_id != measure.responsible_area_id
        and actor.area_id in {a.pk for a in measure.co_areas.all()}
    ):
        partners.append(PARTNER_AREA)
    if actor.institution_id is not None and actor.institution_id in {i.pk for i in measure.co_institutions.all()}:
        partners.append(PARTNER_INSTITUTION)
    return partners


def can_contribute(actor: Actor, measure: Measure) -> bool:
    return bool(contribution_partners(actor, measure))


def can_submit_figures(actor: Actor, measure: Measure) -> bool:
    """The responsible area's focal point sends figures for validation; a plan manager enters them
    directly (validated at once), through the measure's own pages."""
    return (
        can_record_progress(actor, measure)
        and not can_manage_in(actor, measure.plan.org_unit)
        and actor.has_role(Role.AREA_FOCAL)
    )


def can_review_reports(actor: Actor, plan: LocalPlan) -> bool:
    return can_manage_in(actor, plan.org_unit)


def can_see_home_alerts(actor: Actor | None) -> bool:
    """The home page's plan alerts: the coordinator's and the focal point's (no query: the home page
    asks it of every panel)."""
    return actor is not None and (actor.has_role(Role.COORDINATOR) or is_focal(actor))


def can_have_commitments(actor: Actor | None) -> bool:
    """The page "my commitments": an area or institution focal point's measures, by their part."""
    return is_focal(actor)


def visible_contributions(actor: Actor | None) -> QuerySet[Contribution]:
    return Contribution.objects.filter(measure__in=visible_measures(actor).values("pk"))


def visible_focal_reports(actor: Actor | None) -> QuerySet[FocalReport]:
    return FocalReport.objects.filter(measure__in=visible_measures(actor).values("pk"))


def get_measure_for_contribution(actor: Actor, pk: object) -> Measure:
    measure = get_measure(actor, pk, shape=lambda q: q.prefetch_related("co_areas", "co_institutions"))
    if not can_contribute(actor, measure):
        raise Http404
    return measure


def get_measure_for_figures(actor: Actor, pk: object) -> Measure:
    measure = get_measure(actor, pk)
    if not can_submit_figures(actor, measure):
        raise Http404
    return measure


def get_milestone_for_report(actor: Actor, pk: object) -> Milestone:
    milestone = get_object_or_404_scoped(visible_milestones(actor).select_related("measure__plan"), pk=pk)
    if not can_submit_figures(actor, milestone.measure):
        raise Http404
    return milestone


def get_indicator_for_report(actor: Actor, pk: object) -> MeasureIndicator:
    indicator = get_object_or_404_scoped(
        visible_indicators(actor).select_related("measure__plan", "catalogue_indicator"), pk=pk
    )
    if not can_submit_figures(actor, indicator.measure):
        raise Http404
    return indicator


def get_report_for_review(actor: Actor, pk: object) -> FocalReport:
    reports = visible_focal_reports(actor).select_related(
        "measure__plan__org_unit", "milestone", "indicator__catalogue_indicator", "author"
    )
    report = get_object_or_404_scoped(reports, pk=pk)
    if not can_review_reports(actor, report.measure.plan):
        raise Http404
    return report


def audit_readers() -> dict[str, Any]:
    """What each actor may read of this app's objects, for the audit trail (``core.audit_readers``)."""
    from ronda.planning import models as m

    return {
        "planning.situationanalysis": visible_analyses,
        # Archived rows stay readable in the trail: the readers use the base manager.
        "planning.finding": lambda a: m.Finding._base_manager.filter(analysis__in=visible_analyses(a)),
        "planning.workshop": lambda a: m.Workshop._base_manager.filter(analysis__in=visible_analyses(a)),
        "planning.improvementopportunity": visible_opportunities,
        "planning.localplan": visible_plans,
        "planning.strategicline": lambda a: m.StrategicLine._base_manager.filter(plan__in=visible_plans(a)),
        "planning.objective": lambda a: m.Objective._base_manager.filter(line__plan__in=visible_plans(a)),
        "planning.measure": visible_measures,
        "planning.measurebudget": lambda a: m.MeasureBudget.objects.filter(measure__in=visible_measures(a)),
        "planning.measureindicator": lambda a: m.MeasureIndicator._base_manager.filter(
            measure__in=visible_measures(a).values("pk")
        ),
        "planning.milestone": lambda a: m.Milestone._base_manager.filter(measure__in=visible_measures(a).values("pk")),
        "planning.progressupdate": visible_updates,
        "planning.progresscorrection": lambda a: m.ProgressCorrection.objects.filter(update__in=visible_updates(a)),
        "planning.evidence": visible_evidence,
        "planning.planchange": lambda a: m.PlanChange.objects.filter(plan__in=visible_plans(a)),
        "planning.policyinstrument": visible_instruments,
        "planning.policydocument": visible_policy_documents,
        "planning.municipalbudget": visible_municipal_budgets,
        "planning.contribution": visible_contributions,
        "planning.focalreport": visible_focal_reports,
    }


# --- One call per object: 404 for missing and forbidden alike (decision 0015) ---------------
# Pages and API reach a record only through these. ``get_<thing>`` is for reading, ``get_<thing>_for_<verb>``
# also checks the write permission and answers 404 (never 403) when it is refused. ``shape`` adds the
# ``select_related``/``prefetch_related`` a page renders to the scoped queryset (``selectors``).
def get_analysis(actor: Actor, pk: object, *, shape: Shape[SituationAnalysis] | None = None) -> SituationAnalysis:
    return get_object_or_404_scoped(visible_analyses(actor), shape=shape, pk=pk)


def get_analysis_for_edit(actor: Actor, pk: object) -> SituationAnalysis:
    """A diagnosis the actor may change (its findings, workshops and opportunities too)."""
    analysis = get_analysis(actor, pk)
    if not can_edit_analysis(actor, analysis):
        raise Http404
    return analysis


def get_opportunity(actor: Actor, pk: object) -> ImprovementOpportunity:
    return get_object_or_404_scoped(visible_opportunities(actor), pk=pk)


def get_opportunity_for_edit(actor: Actor, pk: object) -> ImprovementOpportunity:
    opportunity = get_opportunity(actor, pk)
    if not can_edit_analysis(actor, opportunity.analysis):
        raise Http404
    return opportunity


def get_plan(actor: Actor, pk: object) -> LocalPlan:
    return get_object_or_404_scoped(visible_plans(actor), pk=pk)


def get_plan_for_edit(actor: Actor, pk: object) -> LocalPlan:
    """A plan the actor may shape (lines, objectives, measures): not once it is evaluated."""
    plan = get_plan(actor, pk)
    if not can_edit_plan(actor, plan):
        raise Http404
    return plan


def get_plan_for_status_change(actor: Actor, pk: object) -> LocalPlan:
    plan = get_plan(actor, pk)
    if not can_change_plan_status(actor, plan):
        raise Http404
    return plan


def get_line_for_edit(actor: Actor, pk: object) -> StrategicLine:
    """A strategic line of a plan the actor may shape (to add objectives to it)."""
    lines = StrategicLine.objects.select_related("plan__org_unit").filter(plan__in=visible_plans(actor))
    line = get_object_or_404_scoped(lines, pk=pk)
    if not can_edit_plan(actor, line.plan):
        raise Http404
    return line


def get_objective_for_edit(actor: Actor, pk: object) -> Objective:
    """An objective of a plan the actor may shape (to edit, move or remove it)."""
    objectives = Objective.objects.select_related("line__plan__org_unit").filter(line__plan__in=visible_plans(actor))
    objective = get_object_or_404_scoped(objectives, pk=pk)
    if not can_edit_plan(actor, objective.line.plan):
        raise Http404
    return objective


def visible_findings(actor: Actor | None) -> QuerySet[Finding]:
    return Finding.objects.select_related("analysis__org_unit").filter(analysis__in=visible_analyses(actor))


def visible_workshops(actor: Actor | None) -> QuerySet[Workshop]:
    return Workshop.objects.select_related("analysis__org_unit").filter(analysis__in=visible_analyses(actor))


def get_finding_for_edit(actor: Actor, pk: object) -> Finding:
    finding = get_object_or_404_scoped(visible_findings(actor), pk=pk)
    if not can_edit_analysis(actor, finding.analysis):
        raise Http404
    return finding


def get_workshop_for_edit(actor: Actor, pk: object) -> Workshop:
    workshop = get_object_or_404_scoped(visible_workshops(actor), pk=pk)
    if not can_edit_analysis(actor, workshop.analysis):
        raise Http404
    return workshop


def get_measure(actor: Actor, pk: object, *, shape: Shape[Measure] | None = None) -> Measure:
    return get_object_or_404_scoped(visible_measures(actor), shape=shape, pk=pk)


def get_measure_for_edit(actor: Actor, pk: object) -> Measure:
    """A measure the actor may shape (its fields, indicators, milestones); 404 otherwise."""
    measure = get_measure(actor, pk)
    if not can_edit_measure(actor, measure):
        raise Http404
    return measure


def get_measure_for_progress(actor: Actor, pk: object) -> Measure:
    measure = get_measure(actor, pk)
    if not can_record_progress(actor, measure):
        raise Http404
    return measure


def get_update_for_correction(actor: Actor, pk: object) -> ProgressUpdate:
    """A progress report the actor may correct (whoever may report on its measure); 404 otherwise."""
    update = get_object_or_404_scoped(visible_updates(actor).select_related("measure__plan"), pk=pk)
    if not can_record_progress(actor, update.measure):
        raise Http404
    return update


def get_update(actor: Actor, pk: object, *, shape: Shape[ProgressUpdate] | None = None) -> ProgressUpdate:
    """A progress report the actor may read (the same policy as its measure); 404 otherwise."""
    return get_object_or_404_scoped(visible_updates(actor), pk=pk, shape=shape)


def get_evidence(actor: Actor, pk: object) -> Evidence:
    """An evidence file: the same policy as its measure decides who gets it."""
    return get_object_or_404_scoped(visible_evidence(actor), pk=pk)


def get_indicator_for_edit(actor: Actor, pk: object) -> MeasureIndicator:
    indicator = get_object_or_404_scoped(visible_indicators(actor), pk=pk)
    if not can_edit_measure(actor, indicator.measure):
        raise Http404
    return indicator


def get_milestone_for_edit(actor: Actor, pk: object) -> Milestone:
    milestone = get_object_or_404_scoped(visible_milestones(actor), pk=pk)
    if not can_edit_measure(actor, milestone.measure):
        raise Http404
    return milestone


# --- What a measure of a plan may point to (the API checks the ids it is sent against these) -------
def objectives_of(plan: LocalPlan) -> QuerySet[Objective]:
    return Objective.objects.filter(line__plan=plan)


def areas_of(plan: LocalPlan) -> QuerySet[Area]:
    """The areas of the plan's municipality (responsible and co-responsible areas, the plan page's filter)."""
    return Area.objects.filter(org_unit_id=plan.org_unit_id)


def opportunities_for(plan: LocalPlan) -> QuerySet[ImprovementOpportunity]:
    """The improvement opportunities of the municipality's diagnoses, which a measure may come from."""
    return ImprovementOpportunity.objects.filter(analysis__org_unit_id=plan.org_unit_id)


# --- Policy instruments and the municipal budget (issue #13 item 13) ------------------------
# The body's readers read them; the municipality's coordinator (and admins) manage them.
def visible_instruments(actor: Actor | None) -> QuerySet[PolicyInstrument]:
    if actor is None or not can_read_plans(actor):
        return PolicyInstrument.objects.none()
    return _readable(
        PolicyInstrument.objects.select_related("org_unit").defer(*large_columns("org_unit")), actor, "org_unit__path"
    )


def visible_policy_documents(actor: Actor | None) -> QuerySet[PolicyDocument]:
    return PolicyDocument.objects.select_related("instrument__org_unit").filter(
        instrument__in=visible_instruments(actor).values("pk")
    )


def visible_municipal_budgets(actor: Actor | None) -> QuerySet[MunicipalBudget]:
    if actor is None or not can_read_plans(actor):
        return MunicipalBudget.objects.none()
    return _readable(
        MunicipalBudget.objects.select_related("org_unit").defer(*large_columns("org_unit")), actor, "org_unit__path"
    )


def can_edit_instrument(actor: Actor, instrument: PolicyInstrument) -> bool:
    return can_manage_in(actor, instrument.org_unit)


def can_edit_municipal_budget(actor: Actor, budget: MunicipalBudget) -> bool:
    return can_manage_in(actor, budget.org_unit)


def get_instrument(actor: Actor, pk: object) -> PolicyInstrument:
    return get_object_or_404_scoped(visible_instruments(actor), pk=pk)


def get_instrument_for_edit(actor: Actor, pk: object) -> PolicyInstrument:
    instrument = get_instrument(actor, pk)
    if not can_edit_instrument(actor, instrument):
        raise Http404
    return instrument


def get_policy_document(actor: Actor, pk: object) -> PolicyDocument:
    """A document of an instrument: the instrument's policy decides who gets it."""
    return get_object_or_404_scoped(visible_policy_documents(actor), pk=pk)


def get_municipal_budget(actor: Actor, pk: object) -> MunicipalBudget:
    return get_object_or_404_scoped(visible_municipal_budgets(actor), pk=pk)


def get_municipal_budget_for_edit(actor: Actor, pk: object) -> MunicipalBudget:
    budget = get_municipal_budget(actor, pk)
    if not can_edit_municipal_budget(actor, budget):
        raise Http404
    return budget

"""Every write of a plan's evaluation goes through here, audited in the same transaction.

``SYSTEM`` is Ronda itself (the demo loader); people are checked against ``policies``. Errors are
collected (``core.errors.Errors``) and raised together before anything is written; edits lock the row
and compare its version (``core.services.VersionedUpdate``, decision 0009). The plan's status and the
next diagnosis's improvement opportunities are written by planning's own services, inside the same
transaction: a refusal there undoes everything here too.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.accounts.models import User
from ronda.core import audit, rendered_files
from ronda.core.errors import Errors, check_length
from ronda.core.http import download_name
from ronda.core.services import VersionedUpdate, check_editable
from ronda.core.tenancy import Acting, Actor, is_person
from ronda.evaluation import policies
from ronda.evaluation.models import (
    CLOSING_TIMINGS,
    Assessment,
    Evaluation,
    EvaluationAction,
    EvaluationKind,
    EvaluationReport,
    EvaluationStatus,
    Priority,
    Rating,
    Recommendation,
    Timing,
)
from ronda.planning import contracts as planning_contracts
from ronda.planning import services as planning_services
from ronda.planning.choices import GoalArea, Horizon

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ronda.territory.models import Area

logger = logging.getLogger(__name__)

TEXT_LIMIT = 10_000
MAX_QUESTIONS = 30
QUESTION_LIMIT = 500
MAX_PARTICIPANTS = 100_000
# A report still waiting after this long is taken as lost: asking again starts a new one.
STALE_AFTER = rendered_files.STALE_AFTER

# The plan statuses (planning's PlanStatus values) an evaluation may be made of: any but a draft.
EVALUABLE_PLAN_STATUSES = frozenset({"approved", "in_execution", "evaluated"})
PLAN_IN_EXECUTION = "in_execution"
PLAN_EVALUATED = "evaluated"


def _person(actor: Acting) -> User | None:
    return actor.user if is_person(actor) else None


def _require_evaluator(actor: Acting, plan: Any) -> None:
    if is_person(actor) and not policies.can_evaluate_plan(actor, plan):
        raise PermissionDenied


def _require_manager(actor: Acting, evaluation: Evaluation) -> None:
    if is_person(actor) and not policies.can_manage(actor, evaluation):
        raise PermissionDenied


def _text(errors: Errors, field: str, value: str | None, *, required: bool = False, limit: int = TEXT_LIMIT) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    else:
        check_length(errors, field, text, limit)
    return text


def _require_draft(evaluation: Evaluation) -> None:
    if not evaluation.is_draft:
        raise ValidationError(_("This evaluation is completed: it cannot change any more."))


# --- The evaluation ----------------------------------------------------------------------------------
class EvaluationDetails(TypedDict, total=False):
    """What an evaluation says besides its title, type and timing."""

    purpose: str
    questions: Sequence[str]
    starts_on: dt.date | None
    ends_on: dt.date | None
    evaluation_team: str
    external_firm: str
    participants: str
    adult_participants: int
    children_0_5: int
    children_6_11: int
    children_12_17: int
    methodology: str
    summary: str
    conclusions: str
    lessons: str


class EvaluationChanges(EvaluationDetails, total=False):
    title: str
    kind: str
    timing: str


DETAILS = tuple(EvaluationDetails.__annotations__)
EDITABLE = tuple(EvaluationChanges.__annotations__)
COUNTS = ("adult_participants", "children_0_5", "children_6_11", "children_12_17")
TEXTS = ("purpose", "participants", "methodology", "summary", "conclusions", "lessons")


def clean_questions(value: Iterable[str] | str | None) -> list[str]:
    """The questions as a list: one per line when given as text, blank ones left out."""
    if value is None:
        return []
    items = value.splitlines() if isinstance(value, str) else list(value)
    return [str(q).strip() for q in items if str(q).strip()]


def _errors(plan: Any, values: dict[str, Any], *, exclude_pk: int | None) -> Errors:
    errors = Errors()
    values["title"] = _text(errors, "title", values.get("title"), required=True, limit=255)
    if values.get("kind") not in EvaluationKind.values:
        errors.add("kind", _("Choose one of the options."))
    timing = values.get("timing")
    if timing not in Timing.values:
        errors.add("timing", _("Choose one of the options."))
    elif timing == Timing.FINAL:
        finals = Evaluation.objects.filter(plan_id=plan.pk, timing=Timing.FINAL).exclude(pk=exclude_pk or 0)
        if finals.exists():
            errors.add("timing", _("This plan already has a final evaluation."))
    for name in TEXTS:
        values[name] = _text(errors, name, values.get(name))
    values["evaluation_team"] = _text(errors, "evaluation_team", values.get("evaluation_team"), limit=500)
    values["external_firm"] = _text(errors, "external_firm", values.get("external_firm"), limit=255)
    if values.get("kind") in (EvaluationKind.EXTERNAL, EvaluationKind.MIXED) and not values["external_firm"]:
        errors.add("external_firm", _("An external or mixed evaluation needs the name of the external firm."))
    questions = clean_questions(values.get("questions"))
    if len(questions) > MAX_QUESTIONS:
        errors.add("questions", _("Write at most %(max)d questions.") % {"max": MAX_QUESTIONS})
    elif any(len(q) > QUESTION_LIMIT for q in questions):
        errors.add("questions", _("Each question must be at most %(max)d characters.") % {"max": QUESTION_LIMIT})
    values["questions"] = questions
    for name in COUNTS:
        count = values.get(name) or 0
        if not isinstance(count, int) or not 0 <= count <= MAX_PARTICIPANTS:
            errors.add(name, _("Enter a number between 0 and %(max)d.") % {"max": MAX_PARTICIPANTS})
        values[name] = count
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors.add("ends_on", _("The fieldwork cannot end before it starts."))
    return errors


@transaction.atomic
def create_evaluation(
    *,
    actor: Acting,
    plan: Any,
    title: str,
    kind: str,
    timing: str,
    **fields: Unpack[EvaluationDetails],
) -> Evaluation:
    """A new evaluation of ``plan`` (a ``planning.LocalPlan``), in draft. A plan still in draft is refused."""
    _require_evaluator(actor, plan)
    check_editable(fields, DETAILS)
    values: dict[str, Any] = {name: fields.get(name) for name in EDITABLE}
    values.update(title=title, kind=kind, timing=timing)
    errors = _errors(plan, values, exclude_pk=None)
    if plan.status not in EVALUABLE_PLAN_STATUSES:
        errors.add("__all__", _("A plan still in draft cannot be evaluated: it must be approved first."))
    errors.raise_if_any()
    evaluation = Evaluation.objects.create(plan=plan, org_unit=plan.org_unit, created_by=_person(actor), **values)
    audit.record_create(actor=actor, target=evaluation, org_unit=evaluation.org_unit)
    return evaluation


@transaction.atomic
def update_evaluation(
    *, actor: Acting, evaluation: Evaluation, expected_version: int | None, **changes: Unpack[EvaluationChanges]
) -> Evaluation:
    _require_manager(actor, evaluation)
    check_editable(changes, EDITABLE)
    update = VersionedUpdate(evaluation, expected_version)
    locked = update.instance
    _require_draft(locked)
    values: dict[str, Any] = {name: changes.get(name, getattr(locked, name)) for name in EDITABLE}
    _errors(evaluation.plan, values, exclude_pk=locked.pk).raise_if_any()
    update.apply(values)
    update.save(actor=actor, org_unit=evaluation.org_unit)
    return locked


# --- Assessments of lines and objectives -------------------------------------------------------------
@dataclass(frozen=True)
class AssessmentInput:
    """One line's or objective's judgement: ``rating`` "" removes an earlier one."""

    rating: str
    comment: str = ""
    line_id: int | None = None
    objective_id: int | None = None


def _plan_nodes(plan: Any) -> tuple[set[int], set[int]]:
    progress = planning_contracts.plan_progress(plan)
    lines = {line.line.pk for line in progress.lines}
    objectives = {o.objective.pk for line in progress.lines for o in line.objectives}
    return lines, objectives


@transaction.atomic
def save_assessments(*, actor: Acting, evaluation: Evaluation, items: Sequence[AssessmentInput]) -> list[Assessment]:
    """Record the evaluators' rating and comment of the plan's lines and objectives, all or nothing."""
    _require_manager(actor, evaluation)
    locked = VersionedUpdate(evaluation, None).instance
    _require_draft(locked)
    lines, objectives = _plan_nodes(evaluation.plan)
    errors = Errors()
    for item in items:
        field = f"line_{item.line_id}" if item.line_id is not None else f"objective_{item.objective_id}"
        known = item.objective_id in objectives if item.line_id is None else item.line_id in lines
        if (item.line_id is None) == (item.objective_id is None) or not known:
            errors.add("__all__", _("Assess a strategic line or an objective of the plan."))
        if item.rating and item.rating not in Rating.values:
            errors.add(field, _("Choose one of the options."))
        if not item.rating and item.comment.strip():
            errors.add(field, _("Choose a rating for the comment."))
        check_length(errors, field, item.comment, TEXT_LIMIT)
    errors.raise_if_any()
    existing = {(a.line_id, a.objective_id): a for a in Assessment.objects.filter(evaluation=locked)}
    saved = []
    for item in items:
        current = existing.get((item.line_id, item.objective_id))
        if not item.rating:
            if current is not None:
                audit.record_delete(actor=actor, target=current, org_unit=evaluation.org_unit)
                current.delete()
            continue
        if current is None:
            created = Assessment.objects.create(
                evaluation=locked,
                line_id=item.line_id,
                objective_id=item.objective_id,
                rating=item.rating,
                comment=item.comment.strip(),
            )
            audit.record_create(actor=actor, target=created, org_unit=evaluation.org_unit)
            saved.append(created)
            continue
        update = VersionedUpdate(current, None)
        update.apply({"rating": item.rating, "comment": item.comment.strip()})
        update.save(actor=actor, org_unit=evaluation.org_unit)
        saved.append(update.instance)
    return saved


# --- Recommendations -----------------------------------------------------------------------------------
@transaction.atomic
def add_recommendation(
    *,
    actor: Acting,
    evaluation: Evaluation,
    title: str,
    priority: str,
    goal_area: str,
    horizon: str = Horizon.SHORT,
    description: str = "",
    area: Area | None = None,
) -> Recommendation:
    _require_manager(actor, evaluation)
    locked = VersionedUpdate(evaluation, None).instance
    _require_draft(locked)
    errors = Errors()
    title = _text(errors, "title", title, required=True, limit=255)
    description = _text(errors, "description", description)
    if priority not in Priority.values:
        errors.add("priority", _("Choose high, medium or low."))
    if goal_area not in GoalArea.values:
        errors.add("goal_area", _("Choose one of the five goal areas."))
    if horizon not in Horizon.values:
        errors.add("horizon", _("Choose short, medium or long term."))
    if area is not None and area.org_unit_id != evaluation.org_unit_id:
        errors.add("area", _("Choose an area of this municipality."))
    errors.raise_if_any()
    recommendation = Recommendation.objects.create(
        evaluation=locked,
        title=title,
        description=description,
        priority=priority,
        goal_area=goal_area,
        horizon=horizon,
        area=area,
    )
    audit.record_create(actor=actor, target=recommendation, org_unit=evaluation.org_unit)
    return recommendation


# --- Completing and publishing ---------------------------------------------------------------------------
@transaction.atomic
def complete_evaluation(*, actor: Acting, evaluation: Evaluation, expected_version: int | None) -> Evaluation:
    """Draft → completed. The final (or an ex-post) evaluation marks the plan evaluated, through
    planning's status service (its own event in the trail); a mid-term one leaves it in execution."""
    _require_manager(actor, evaluation)
    update = VersionedUpdate(evaluation, expected_version)
    locked = update.instance
    errors = Errors()
    if locked.status != EvaluationStatus.DRAFT:
        errors.add("status", _("This evaluation is already completed."))
    if not locked.summary.strip():
        errors.add("summary", _("Write the summary of the evaluation before completing it."))
    if not locked.conclusions.strip():
        errors.add("conclusions", _("Write the conclusions of the evaluation before completing it."))
    plan = evaluation.plan
    plan.refresh_from_db()
    closes = locked.timing in CLOSING_TIMINGS and plan.status != PLAN_EVALUATED
    if closes and plan.status != PLAN_IN_EXECUTION:
        errors.add(
            "status",
            _("The plan must be in execution before its final evaluation is completed: start its execution first."),
        )
    errors.raise_if_any()
    update.apply({"status": EvaluationStatus.COMPLETED, "completed_on": timezone.localdate()})
    update.save(actor=actor, org_unit=evaluation.org_unit, action=EvaluationAction.COMPLETED)
    if closes:
        planning_services.change_plan_status(
            actor=actor, plan=plan, expected_version=plan.version, status=PLAN_EVALUATED
        )
    return locked


@transaction.atomic
def publish_evaluation(*, actor: Acting, evaluation: Evaluation, expected_version: int | None) -> Evaluation:
    """Completed → published: on the plan's public page, with its latest ready report."""
    _require_manager(actor, evaluation)
    update = VersionedUpdate(evaluation, expected_version)
    locked = update.instance
    if locked.status != EvaluationStatus.COMPLETED:
        raise ValidationError({"status": _("Only a completed evaluation can be published.")})
    update.apply({"status": EvaluationStatus.PUBLISHED, "published_on": timezone.localdate()})
    update.save(actor=actor, org_unit=evaluation.org_unit, action=EvaluationAction.PUBLISHED)
    return locked


# --- Starting the next plan from the recommendations ------------------------------------------------------
@transaction.atomic
def carry_recommendations(
    *, actor: Acting, evaluation: Evaluation, analysis: Any, recommendations: Sequence[Recommendation]
) -> list[Any]:
    """Each chosen recommendation becomes an improvement opportunity of ``analysis`` (a later
    diagnosis of the same municipality), through planning's service; all of them or none."""
    _require_manager(actor, evaluation)
    locked = VersionedUpdate(evaluation, None).instance
    errors = Errors()
    if locked.is_draft:
        errors.add("__all__", _("Complete the evaluation before carrying its recommendations to the next plan."))
    if analysis is None or analysis.org_unit_id != evaluation.org_unit_id:
        errors.add("analysis", _("Choose a diagnosis of the same municipality."))
    elif analysis.pk == evaluation.plan.situation_analysis_id or analysis.period_end < evaluation.plan.period_start:
        errors.add("analysis", _("Choose a diagnosis made after the evaluated plan started."))
    if not recommendations:
        errors.add("recommendations", _("Choose at least one recommendation."))
    ids = [r.pk for r in recommendations]
    rows = {
        r.pk: r for r in Recommendation.objects.select_for_update().filter(evaluation=locked, pk__in=ids).order_by("pk")
    }
    if len(rows) != len(set(ids)):
        errors.add("recommendations", _("Choose recommendations of this evaluation."))
    elif any(r.carried_to_id is not None for r in rows.values()):
        errors.add("recommendations", _("Some of these recommendations were already carried to a diagnosis."))
    errors.raise_if_any()
    created = []
    for pk in sorted(rows):
        recommendation = rows[pk]
        lead = _("From the recommendations of the evaluation “%(title)s”.") % {"title": locked.title}
        opportunity = planning_services.create_opportunity(
            actor=actor,
            analysis=analysis,
            title=recommendation.title,
            goal_area=recommendation.goal_area,
            criticality=recommendation.priority,  # high, medium, low: the same three words
            horizon=recommendation.horizon,
            description="\n\n".join(part for part in (recommendation.description, lead) if part),
        )
        update = VersionedUpdate(recommendation, None)
        update.apply({"carried_to": opportunity})
        update.save(actor=actor, org_unit=evaluation.org_unit, action=EvaluationAction.CARRIED)
        created.append(opportunity)
    return created


# --- The final report's PDF ---------------------------------------------------------------------------------
# A file rendered by a job (the kernel's steps, ``core.rendered_files``): its audit events are the evaluation's.
REPORTS = rendered_files.RenderedFile(
    model=EvaluationReport,
    org_unit=lambda report: report.evaluation.org_unit,
    related=("evaluation__org_unit",),
    audited=("evaluation_id", "language"),
    stored_name="evaluacion.pdf",
    logger=logger,
    what="evaluation report",
    stale_after=STALE_AFTER,
)


@transaction.atomic
def request_report(*, actor: Acting, evaluation: Evaluation) -> EvaluationReport:
    """Ask for the report's PDF, made by a job; one still in progress is returned instead of a second."""
    _require_manager(actor, evaluation)
    if not is_person(actor):
        raise PermissionDenied  # a job acts for a person (decision 0016); the system renders none
    from ronda.evaluation.jobs import render_report as render_job  # the job module imports this one

    return REPORTS.request(
        actor=actor,
        waiting_in=EvaluationReport.objects.all(),
        same={"evaluation": evaluation},
        job=render_job,
        requested_by=_person(actor),
    )


def mark_report_failed(report_id: int) -> None:
    """The job could not render the report (or was refused): the page says so and offers to ask again."""
    REPORTS.mark_failed(report_id)


def render_report(*, actor: Actor, report_id: int) -> EvaluationReport | None:
    """The job's work: render the PDF as ``actor`` (the policy asked again) and store it."""
    from ronda.evaluation import documents

    report = policies.get_report(actor, report_id)
    if not policies.can_manage(actor, report.evaluation):
        raise PermissionDenied
    evaluation = report.evaluation

    def make() -> tuple[bytes, str]:
        pdf = documents.render_pdf(evaluation)
        name = download_name(
            evaluation.org_unit.name, _("evaluation"), evaluation.plan.title, extension="pdf", default="evaluacion"
        )
        return pdf, name

    return REPORTS.render(actor=actor, row=report, make=make)

"""What the evaluation pages, the report and the public page read.

The results of an evaluation are the plan's live figures (planning's ``contracts``: the rolled-up
progress of each line and objective, and each indicator's latest value against its target) beside
the evaluators' rating and comment of that line or objective. Nothing is copied from planning: the
page, the PDF and the public page read the same facts at the moment they are shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from ronda.evaluation.models import Assessment, Evaluation, Priority, Rating, Recommendation
from ronda.planning import contracts as planning_contracts
from ronda.planning.contracts import IndicatorProgress, PlanProgress

BADGES: dict[str, str] = {Rating.ACHIEVED: "ok", Rating.PARTLY: "warn", Rating.NOT_ACHIEVED: "bad"}


@dataclass(frozen=True)
class Judgement:
    rating: str
    label: str
    comment: str

    @property
    def badge(self) -> str:
        return BADGES.get(self.rating, "")


@dataclass(frozen=True)
class ObjectiveResult:
    pk: int
    title: str
    progress: Decimal | None
    indicators: tuple[IndicatorProgress, ...]
    judgement: Judgement | None


@dataclass(frozen=True)
class LineResult:
    pk: int
    title: str
    goal_area: str
    progress: Decimal | None
    judgement: Judgement | None
    objectives: tuple[ObjectiveResult, ...]


@dataclass(frozen=True)
class Results:
    progress: PlanProgress
    lines: tuple[LineResult, ...]

    @property
    def rated(self) -> int:
        return sum(
            (line.judgement is not None) + sum(o.judgement is not None for o in line.objectives) for line in self.lines
        )


def _judgement(row: Assessment | None) -> Judgement | None:
    if row is None:
        return None
    return Judgement(rating=row.rating, label=str(row.get_rating_display()), comment=row.comment)


def results(evaluation: Evaluation, *, public: bool = False) -> Results:
    """The plan's live progress per line and objective, its indicators per objective and the
    evaluators' assessments. ``public`` leaves out the values of indicators that count children from
    personal records (the public page's rule: those figures are published only by the Tablero)."""
    plan = evaluation.plan
    progress = planning_contracts.plan_progress(plan)
    measure_objective = {
        m.measure.pk: o.objective.pk for line in progress.lines for o in line.objectives for m in o.measures
    }
    by_objective: dict[int, list[IndicatorProgress]] = defaultdict(list)
    for indicator in planning_contracts.indicator_progress(plan):
        objective = measure_objective.get(indicator.measure.pk)
        if objective is not None:
            by_objective[objective].append(indicator)
    assessments = list(Assessment.objects.filter(evaluation=evaluation))
    per_line = {a.line_id: a for a in assessments if a.line_id is not None}
    per_objective = {a.objective_id: a for a in assessments if a.objective_id is not None}
    lines = []
    for line in progress.lines:
        objectives = tuple(
            ObjectiveResult(
                pk=o.objective.pk,
                title=o.objective.title,
                progress=o.progress,
                indicators=tuple(i for i in by_objective.get(o.objective.pk, ()) if not (public and i.counts_people)),
                judgement=_judgement(per_objective.get(o.objective.pk)),
            )
            for o in line.objectives
        )
        lines.append(
            LineResult(
                pk=line.line.pk,
                title=str(line.line),
                goal_area=line.line.goal_area,
                progress=line.progress,
                judgement=_judgement(per_line.get(line.line.pk)),
                objectives=objectives,
            )
        )
    return Results(progress=progress, lines=tuple(lines))


PRIORITY_ORDER = {value: n for n, value in enumerate(Priority.values)}


def recommendations_of(evaluation: Evaluation) -> list[Recommendation]:
    """The recommendations, the highest priority first."""
    rows = Recommendation.objects.filter(evaluation=evaluation).select_related("area")[:500]
    return sorted(rows, key=lambda r: (PRIORITY_ORDER.get(r.priority, 9), r.pk))

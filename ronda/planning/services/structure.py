"""Correcting the structure of a plan and of a diagnosis: edit, reorder and remove lines, objectives,
indicators, milestones, findings and workshops.

Three rules hold for all six:

- Every edit names the version it started from (a stale one is a ``ConflictError``) and is audited
  under a ``PlanningAction`` of its own.
- Reordering moves one item one place among its siblings and renumbers them all 1..n (dense order:
  the numbers "1.2" the plan prints never skip).
- Removing deletes an item nothing refers to, and archives one that something does (an objective with
  measures, an indicator with values, a reached milestone, the finding of a diagnosis an approved plan
  rests on): archived rows leave every page, report and API answer, and stay in the database and the
  trail. Once the plan is approved, each of these changes needs a change record (why, approved by
  whom), and removing always archives: an approved plan's history is never deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core import audit
from ronda.core.services import VersionedUpdate, lock_for_update
from ronda.core.tenancy import Acting, is_person
from ronda.planning import limits, policies
from ronda.planning.choices import GoalArea
from ronda.planning.models import (
    Finding,
    LocalPlan,
    Measure,
    MeasureIndicator,
    MeasureStatus,
    Milestone,
    Objective,
    PlanningAction,
    PlanStatus,
    SituationAnalysis,
    StrategicLine,
    Workshop,
)
from ronda.planning.services.common import (
    ChangeRecord,
    Errors,
    changed_labels,
    check_change,
    check_in_period,
    check_length,
    check_open,
    record_change,
    summary_of,
)
from ronda.planning.services.diagnosis import finding_errors, workshop_errors
from ronda.planning.services.series import UNSET, Citation, Unset, check_catalogue_indicator, cite
from ronda.tablero.models import Indicator
from ronda.territory.models import OrgUnit

Item = StrategicLine | Objective | MeasureIndicator | Milestone | Finding | Workshop
Direction = Literal["up", "down"]


@dataclass(frozen=True)
class Position:
    """Where a moved item landed, for the message read to screen readers ("position 2 of 4")."""

    position: int
    count: int


@dataclass(frozen=True)
class Removal:
    archived: bool


# --- Where an item hangs, and who may change it --------------------------------------------
def _plan_of(item: Item) -> LocalPlan | None:
    if isinstance(item, StrategicLine):
        return item.plan
    if isinstance(item, Objective):
        return item.line.plan
    if isinstance(item, MeasureIndicator | Milestone):
        return item.measure.plan
    return None


def _measure_of(item: Item) -> Measure | None:
    return item.measure if isinstance(item, MeasureIndicator | Milestone) else None


def _analysis_of(item: Item) -> SituationAnalysis | None:
    return item.analysis if isinstance(item, Finding | Workshop) else None


def _org_unit_of(item: Item) -> OrgUnit:
    plan = _plan_of(item)
    if plan is not None:
        return plan.org_unit
    analysis = _analysis_of(item)
    assert analysis is not None
    return analysis.org_unit


def _require_allowed(actor: Acting, item: Item) -> None:
    if not is_person(actor):
        return
    plan = _plan_of(item)
    if plan is not None:
        allowed = policies.can_edit_plan(actor, plan)
    else:
        analysis = _analysis_of(item)
        allowed = analysis is not None and policies.can_edit_analysis(actor, analysis)
    if not allowed:
        raise PermissionDenied


def _siblings(item: Item) -> models.QuerySet[Any]:
    """The active items ``item`` is ordered among, in their current order."""
    if isinstance(item, StrategicLine):
        return StrategicLine.objects.filter(plan_id=item.plan_id)
    if isinstance(item, Objective):
        return Objective.objects.filter(line_id=item.line_id)
    if isinstance(item, MeasureIndicator):
        return MeasureIndicator.objects.filter(measure_id=item.measure_id)
    if isinstance(item, Milestone):
        return Milestone.objects.filter(measure_id=item.measure_id)
    if isinstance(item, Finding):
        # Findings are shown by goal area: they move among the findings of their own area.
        return Finding.objects.filter(analysis_id=item.analysis_id, goal_area=item.goal_area)
    return Workshop.objects.filter(analysis_id=item.analysis_id)


def _label(item: Item) -> str:
    if isinstance(item, StrategicLine):
        return _("strategic line “%(title)s”") % {"title": item.title}
    if isinstance(item, Objective):
        return _("objective “%(title)s”") % {"title": item.title}
    if isinstance(item, MeasureIndicator):
        return _("indicator “%(title)s”") % {"title": item.name}
    if isinstance(item, Milestone):
        return _("milestone “%(title)s”") % {"title": item.title}
    if isinstance(item, Finding):
        return _("finding “%(title)s”") % {"title": str(item)}
    return _("workshop “%(title)s”") % {"title": item.title}


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _open_plan(plan: LocalPlan | None) -> None:
    if plan is not None:
        check_open(plan)


def _change_summary(
    plan: LocalPlan | None, item: Item, summary: str, change: ChangeRecord | None, actor: Acting
) -> None:
    if plan is not None:
        record_change(actor=actor, plan=plan, measure=_measure_of(item), change=change, summary=summary)


def _save_edit(
    *,
    actor: Acting,
    item: Item,
    expected_version: int | None,
    values: dict[str, Any],
    errors: Errors,
    change: ChangeRecord | None,
) -> Any:
    """Lock, check the version, apply; a change record when the approved plan changes; audit."""
    plan = _plan_of(item)
    update = VersionedUpdate(item, expected_version)
    update.apply(values)
    changes = update.changes()
    if changes and plan is not None:
        check_change(errors, plan, change)
    errors.raise_if_any()
    if not changes:
        return update.instance
    update.save(actor=actor, org_unit=_org_unit_of(item), action=PlanningAction.STRUCTURE_EDITED)
    labels = summary_of(changed_labels(type(item), changes))
    _change_summary(plan, item, _sentence(f"{_label(update.instance)}. {labels}"), change, actor)
    return update.instance


# --- Edit ------------------------------------------------------------------------------------
@transaction.atomic
def update_line(
    *,
    actor: Acting,
    line: StrategicLine,
    expected_version: int | None,
    title: str,
    goal_area: str,
    change: ChangeRecord | None = None,
    child_title: str | None = None,
) -> StrategicLine:
    """``child_title`` None keeps the line's title for children as it is; "" clears it."""
    _require_allowed(actor, line)
    check_open(line.plan)
    errors = Errors()
    if not title.strip():
        errors.add("title", _("Give the line a title."))
    if goal_area not in GoalArea.values:
        errors.add("goal_area", _("Choose one of the five goal areas."))
    check_length(errors, "child_title", child_title, limits.CHILD_TITLE)
    errors.raise_if_any()
    values = {"title": title.strip(), "goal_area": goal_area}
    if child_title is not None:
        values["child_title"] = child_title.strip()
    return _save_edit(
        actor=actor, item=line, expected_version=expected_version, values=values, errors=errors, change=change
    )


@transaction.atomic
def update_objective(
    *,
    actor: Acting,
    objective: Objective,
    expected_version: int | None,
    title: str,
    change: ChangeRecord | None = None,
) -> Objective:
    _require_allowed(actor, objective)
    check_open(objective.line.plan)
    errors = Errors()
    if not title.strip():
        errors.add("title", _("Give the objective a title."))
    errors.raise_if_any()
    return _save_edit(
        actor=actor,
        item=objective,
        expected_version=expected_version,
        values={"title": title.strip()},
        errors=errors,
        change=change,
    )


@transaction.atomic
def update_indicator(
    *,
    actor: Acting,
    indicator: MeasureIndicator,
    expected_version: int | None,
    name: str,
    unit: str = "",
    baseline: Decimal | None = None,
    baseline_year: int | None = None,
    target: Decimal | None = None,
    catalogue_indicator: Indicator | Unset | None = UNSET,
    change: ChangeRecord | None = None,
) -> MeasureIndicator:
    """``catalogue_indicator`` left out keeps the link as it is; None unlinks (the Tablero keeps the
    values it holds)."""
    _require_allowed(actor, indicator)
    plan = indicator.measure.plan
    check_open(plan)
    errors = Errors()
    if not name.strip():
        errors.add("name", _("Name the indicator."))
    if baseline_year is not None and not (1990 <= baseline_year <= plan.period_end.year):
        errors.add("baseline_year", _("Enter a plausible year, not after the plan ends."))
    if (
        isinstance(catalogue_indicator, Indicator)
        and catalogue_indicator.pk != indicator.catalogue_indicator_id  # an archived link may stay
    ):
        check_catalogue_indicator(errors, plan, catalogue_indicator, "catalogue_indicator")
    errors.raise_if_any()
    values: dict[str, Any] = {
        "name": name.strip(),
        "unit": unit.strip(),
        "baseline": baseline,
        "baseline_year": baseline_year,
        "target": target,
    }
    if not isinstance(catalogue_indicator, Unset):
        values["catalogue_indicator"] = catalogue_indicator
    return _save_edit(
        actor=actor, item=indicator, expected_version=expected_version, values=values, errors=errors, change=change
    )


@transaction.atomic
def update_milestone(
    *,
    actor: Acting,
    milestone: Milestone,
    expected_version: int | None,
    title: str,
    due_on: dt.date,
    change: ChangeRecord | None = None,
) -> Milestone:
    _require_allowed(actor, milestone)
    plan = milestone.measure.plan
    check_open(plan)
    errors = Errors()
    if not title.strip():
        errors.add("title", _("Name the milestone."))
    check_in_period(errors, plan, "due_on", due_on)
    errors.raise_if_any()
    return _save_edit(
        actor=actor,
        item=milestone,
        expected_version=expected_version,
        values={"title": title.strip(), "due_on": due_on},
        errors=errors,
        change=change,
    )


@transaction.atomic
def update_finding(
    *,
    actor: Acting,
    finding: Finding,
    expected_version: int | None,
    goal_area: str,
    text: str,
    cited_indicator: Indicator | Unset | None = UNSET,
    cited_period: str = "",
) -> Finding:
    """``cited_indicator`` left out keeps the citation; None removes it. The same indicator and
    period keep the value quoted; another one reads the Tablero's value now."""
    _require_allowed(actor, finding)
    errors = finding_errors(goal_area, text)
    citation = None
    if not isinstance(cited_indicator, Unset):
        kept = Citation(finding.cited_indicator, finding.cited_period, finding.cited_value)
        citation = cite(errors, finding.analysis.org_unit, cited_indicator, cited_period, kept=kept)
    errors.raise_if_any()
    values: dict[str, Any] = {"goal_area": goal_area, "text": text.strip()}
    if citation is not None:
        values.update(cited_indicator=citation.indicator, cited_period=citation.period, cited_value=citation.value)
    if goal_area != finding.goal_area:
        values["order"] = None  # it joins another area's findings, at their end
    return _save_edit(
        actor=actor, item=finding, expected_version=expected_version, values=values, errors=errors, change=None
    )


@transaction.atomic
def update_workshop(
    *,
    actor: Acting,
    workshop: Workshop,
    expected_version: int | None,
    held_on: dt.date,
    title: str,
    adult_participants: int = 0,
    children_0_5: int = 0,
    children_6_11: int = 0,
    children_12_17: int = 0,
    notes: str = "",
) -> Workshop:
    _require_allowed(actor, workshop)
    counts = {
        "adult_participants": adult_participants,
        "children_0_5": children_0_5,
        "children_6_11": children_6_11,
        "children_12_17": children_12_17,
    }
    errors = workshop_errors(title, counts, notes)
    errors.raise_if_any()
    values = {"held_on": held_on, "title": title.strip(), "notes": notes.strip(), **counts}
    return _save_edit(
        actor=actor, item=workshop, expected_version=expected_version, values=values, errors=errors, change=None
    )


# --- Reorder ---------------------------------------------------------------------------------
@transaction.atomic
def move(
    *,
    actor: Acting,
    item: Item,
    direction: Direction,
    expected_version: int | None,
    change: ChangeRecord | None = None,
) -> Position:
    """Move ``item`` one place up or down among its siblings and renumber them 1..n."""
    _require_allowed(actor, item)
    plan = _plan_of(item)
    _open_plan(plan)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Choose up or down.")})
    item = lock_for_update(item, expected_version)
    # Lock the siblings too: two coordinators reordering at once must not interleave their numbers.
    siblings = list(_siblings(item).select_for_update())
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(siblings):
        raise ValidationError(
            {"direction": _("It is already first.") if direction == "up" else _("It is already last.")}
        )
    errors = Errors()
    if plan is not None:
        check_change(errors, plan, change)
    errors.raise_if_any()
    siblings[index], siblings[target] = siblings[target], siblings[index]
    unit = _org_unit_of(item)
    for number, sibling in enumerate(siblings, start=1):
        if sibling.order == number:
            continue
        update = VersionedUpdate(sibling, None)
        update.apply({"order": number})
        update.save(actor=actor, org_unit=unit, action=PlanningAction.STRUCTURE_REORDERED)
    summary = _sentence(
        _("%(item)s moved to position %(position)s of %(count)s.")
        % {"item": _label(item), "position": target + 1, "count": len(siblings)}
    )
    _change_summary(plan, item, summary, change, actor)
    return Position(position=target + 1, count=len(siblings))


# --- Remove ----------------------------------------------------------------------------------
def _referenced(item: Item) -> bool:
    """Whether something refers to ``item``, so that deleting it would erase history."""
    if isinstance(item, StrategicLine):
        return Objective._base_manager.filter(line_id=item.pk).exists()
    if isinstance(item, Objective):
        return Measure.objects.filter(objective_id=item.pk).exists()
    if isinstance(item, MeasureIndicator):
        # A linked indicator has (or may have) values in the Tablero: the plan's record keeps it.
        return item.catalogue_indicator_id is not None
    if isinstance(item, Milestone):
        return item.done_on is not None
    # A diagnosis an approved plan rests on is part of that plan's record.
    return LocalPlan.objects.filter(situation_analysis_id=item.analysis_id).exclude(status=PlanStatus.DRAFT).exists()


def _check_no_live_measures(errors: Errors, item: Item) -> None:
    """A line or objective whose measures still run cannot go: those measures would lose their place."""
    if isinstance(item, StrategicLine):
        measures = Measure.objects.filter(objective__line_id=item.pk)
    elif isinstance(item, Objective):
        measures = Measure.objects.filter(objective_id=item.pk)
    else:
        return
    if measures.exclude(status=MeasureStatus.CANCELLED).exists():
        errors.add(
            "__all__",
            _("It still has measures that are not cancelled: cancel them or move them to another objective first."),
        )


@transaction.atomic
def remove(
    *,
    actor: Acting,
    item: Item,
    expected_version: int | None,
    change: ChangeRecord | None = None,
) -> Removal:
    """Delete ``item``, or archive it when something refers to it or its plan is approved."""
    _require_allowed(actor, item)
    plan = _plan_of(item)
    _open_plan(plan)
    locked = lock_for_update(item, expected_version)
    errors = Errors()
    _check_no_live_measures(errors, locked)
    if plan is not None:
        check_change(errors, plan, change)
    errors.raise_if_any()
    unit = _org_unit_of(locked)
    archive = (plan is not None and plan.is_approved) or _referenced(locked)
    if archive:
        update = VersionedUpdate(locked, None)
        update.apply({"archived_at": timezone.now()})
        update.save(actor=actor, org_unit=unit, action=PlanningAction.STRUCTURE_ARCHIVED)
        if isinstance(locked, StrategicLine):
            # Its objectives go with it (each audited), so no page reaches them through another door.
            for objective in Objective.objects.filter(line_id=locked.pk).select_for_update():
                child = VersionedUpdate(objective, None)
                child.apply({"archived_at": timezone.now()})
                child.save(actor=actor, org_unit=unit, action=PlanningAction.STRUCTURE_ARCHIVED)
        summary = _sentence(_("%(item)s removed (archived).") % {"item": _label(locked)})
    else:
        audit.record(
            actor=actor,
            action=PlanningAction.STRUCTURE_REMOVED,
            target=locked,
            org_unit=unit,
            changes={"removed": [str(locked)[:200], None]},
        )
        summary = _sentence(_("%(item)s removed.") % {"item": _label(locked)})
        locked.delete()
    _renumber(actor, item, unit)
    _change_summary(plan, item, summary, change, actor)
    return Removal(archived=archive)


def _renumber(actor: Acting, item: Item, unit: OrgUnit) -> None:
    """Close the gap the removed item left (lines and objectives print their numbers)."""
    if not isinstance(item, StrategicLine | Objective):
        return
    for number, sibling in enumerate(_siblings(item).select_for_update(), start=1):
        if sibling.order != number:
            update = VersionedUpdate(sibling, None)
            update.apply({"order": number})
            update.save(actor=actor, org_unit=unit, action=PlanningAction.STRUCTURE_REORDERED)

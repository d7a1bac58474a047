"""Writes of the diagnosis: situation analyses, findings, workshops, improvement opportunities."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ronda.core import audit
from ronda.core.services import versioned_update
from ronda.core.tenancy import Acting, is_person
from ronda.planning import limits, policies
from ronda.planning.choices import GoalArea, Horizon
from ronda.planning.models import Criticality, Finding, ImprovementOpportunity, SituationAnalysis, Workshop
from ronda.planning.services.common import Errors, check_length
from ronda.planning.services.series import cite
from ronda.tablero.models import Indicator
from ronda.territory.models import Level, OrgUnit

# Far above any real workshop, far below the database's integer (a larger count was a 500).
MAX_WORKSHOP_PARTICIPANTS = 100_000


def _check_analysis(errors: Errors, title: str, start: dt.date | None, end: dt.date | None) -> None:
    if not title.strip():
        errors.add("title", _("Give the diagnosis a title."))
    if start is not None and end is not None and end < start:
        errors.add("period_end", _("The period cannot end before it starts."))


@transaction.atomic
def create_analysis(
    *,
    actor: Acting,
    org_unit: OrgUnit,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    summary: str = "",
) -> SituationAnalysis:
    if is_person(actor) and not policies.can_manage_in(actor, org_unit):
        raise PermissionDenied
    errors = Errors()
    if org_unit.level != Level.MUNICIPALITY:
        errors.add("org_unit", _("A diagnosis belongs to a municipality."))
    _check_analysis(errors, title, period_start, period_end)
    check_length(errors, "summary", summary, limits.SUMMARY)
    errors.raise_if_any()
    analysis = SituationAnalysis.objects.create(
        org_unit=org_unit,
        title=title.strip(),
        period_start=period_start,
        period_end=period_end,
        summary=summary.strip(),
    )
    audit.record_create(actor=actor, target=analysis, org_unit=org_unit)
    return analysis


@transaction.atomic
def update_analysis(
    *,
    actor: Acting,
    analysis: SituationAnalysis,
    expected_version: int | None,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    summary: str = "",
) -> SituationAnalysis:
    if is_person(actor) and not policies.can_edit_analysis(actor, analysis):
        raise PermissionDenied
    errors = Errors()
    _check_analysis(errors, title, period_start, period_end)
    check_length(errors, "summary", summary, limits.SUMMARY)
    errors.raise_if_any()
    return versioned_update(
        actor=actor,
        instance=analysis,
        expected_version=expected_version,
        changes={
            "title": title.strip(),
            "period_start": period_start,
            "period_end": period_end,
            "summary": summary.strip(),
        },
        org_unit=analysis.org_unit,
    )


def finding_errors(goal_area: str, text: str) -> Errors:
    """What is wrong with a finding, for adding and for correcting one (one rule, two services)."""
    errors = Errors()
    if goal_area not in GoalArea.values:
        errors.add("goal_area", _("Choose one of the five goal areas."))
    if not text.strip():
        errors.add("text", _("Write the finding."))
    check_length(errors, "text", text, limits.DESCRIPTION)
    return errors


def workshop_errors(title: str, counts: dict[str, int], notes: str) -> Errors:
    """What is wrong with a workshop, for adding and for correcting one."""
    errors = Errors()
    if not title.strip():
        errors.add("title", _("Give the workshop a title."))
    for name, value in counts.items():
        if value is None or value < 0:
            errors.add(name, _("Enter zero or a positive number."))
        elif value > MAX_WORKSHOP_PARTICIPANTS:
            errors.add(name, _("Enter at most %(max)s.") % {"max": MAX_WORKSHOP_PARTICIPANTS})
    check_length(errors, "notes", notes, limits.NOTE)
    return errors


@transaction.atomic
def add_finding(
    *,
    actor: Acting,
    analysis: SituationAnalysis,
    goal_area: str,
    text: str,
    cited_indicator: Indicator | None = None,
    cited_period: str = "",
) -> Finding:
    """``cited_indicator`` and ``cited_period``: a figure of the Tablero the finding rests on, its
    value for the municipality read now and kept with the finding (decision 0021)."""
    if is_person(actor) and not policies.can_edit_analysis(actor, analysis):
        raise PermissionDenied
    errors = finding_errors(goal_area, text)
    citation = cite(errors, analysis.org_unit, cited_indicator, cited_period)
    errors.raise_if_any()
    finding = Finding.objects.create(
        analysis=analysis,
        goal_area=goal_area,
        text=text.strip(),
        cited_indicator=citation.indicator,
        cited_period=citation.period,
        cited_value=citation.value,
    )
    audit.record_create(actor=actor, target=finding, org_unit=analysis.org_unit)
    return finding


@transaction.atomic
def add_workshop(
    *,
    actor: Acting,
    analysis: SituationAnalysis,
    held_on: dt.date,
    title: str,
    adult_participants: int = 0,
    children_0_5: int = 0,
    children_6_11: int = 0,
    children_12_17: int = 0,
    notes: str = "",
) -> Workshop:
    if is_person(actor) and not policies.can_edit_analysis(actor, analysis):
        raise PermissionDenied
    counts = {
        "adult_participants": adult_participants,
        "children_0_5": children_0_5,
        "children_6_11": children_6_11,
        "children_12_17": children_12_17,
    }
    workshop_errors(title, counts, notes).raise_if_any()
    workshop = Workshop.objects.create(analysis=analysis, held_on=held_on, title=title.strip(), notes=notes, **counts)
    audit.record_create(actor=actor, target=workshop, org_unit=analysis.org_unit)
    return workshop


def _check_opportunity(errors: Errors, title: str, goal_area: str, criticality: str, horizon: str) -> None:
    if not title.strip():
        errors.add("title", _("Give the opportunity a title."))
    if goal_area not in GoalArea.values:
        errors.add("goal_area", _("Choose one of the five goal areas."))
    if criticality not in Criticality.values:
        errors.add("criticality", _("Choose high, medium or low."))
    if horizon not in Horizon.values:
        errors.add("horizon", _("Choose short, medium or long term."))


@transaction.atomic
def create_opportunity(
    *,
    actor: Acting,
    analysis: SituationAnalysis,
    title: str,
    goal_area: str,
    criticality: str,
    horizon: str,
    description: str = "",
) -> ImprovementOpportunity:
    if is_person(actor) and not policies.can_edit_analysis(actor, analysis):
        raise PermissionDenied
    errors = Errors()
    _check_opportunity(errors, title, goal_area, criticality, horizon)
    check_length(errors, "description", description, limits.DESCRIPTION)
    errors.raise_if_any()
    opportunity = ImprovementOpportunity.objects.create(
        analysis=analysis,
        title=title.strip(),
        description=description.strip(),
        goal_area=goal_area,
        criticality=criticality,
        horizon=horizon,
    )
    audit.record_create(actor=actor, target=opportunity, org_unit=analysis.org_unit)
    return opportunity


@transaction.atomic
def update_opportunity(
    *,
    actor: Acting,
    opportunity: ImprovementOpportunity,
    expected_version: int | None,
    title: str,
    goal_area: str,
    criticality: str,
    horizon: str,
    description: str = "",
) -> ImprovementOpportunity:
    analysis = opportunity.analysis
    if is_person(actor) and not policies.can_edit_analysis(actor, analysis):
        raise PermissionDenied
    errors = Errors()
    _check_opportunity(errors, title, goal_area, criticality, horizon)
    check_length(errors, "description", description, limits.DESCRIPTION)
    errors.raise_if_any()
    return versioned_update(
        actor=actor,
        instance=opportunity,
        expected_version=expected_version,
        changes={
            "title": title.strip(),
            "description": description.strip(),
            "goal_area": goal_area,
            "criticality": criticality,
            "horizon": horizon,
        },
        org_unit=analysis.org_unit,
    )

"""Every write of the self-assessment, the programme team and the pilot projects, audited in the same
transaction.

``SYSTEM`` is Ronda itself (the demo loader); people are checked against ``policies``. Errors are
collected (``core.errors.Errors``) and raised together before anything is written; edits lock the row
and compare its version (``core.services``). What belongs to planning (an improvement opportunity of
the diagnosis, a measure of a draft plan) is written by planning's own services, inside this
transaction: a refusal there leaves nothing of ours behind either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.accounts.models import User
from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.services import VersionedUpdate, check_editable, versioned_update
from ronda.core.tenancy import Acting, is_person
from ronda.improvement import policies
from ronda.improvement.models import (
    GAP_BELOW,
    LEVELS,
    MAX_LEVEL,
    AssessmentRound,
    Criterion,
    Dimension,
    ImprovementAction,
    Mentor,
    PilotProject,
    PilotResult,
    PilotStage,
    ProgrammeRole,
    ProposedMeasure,
    Score,
    StageKind,
    StageStatus,
    TeamMember,
)
from ronda.planning import services as planning
from ronda.planning.choices import Horizon
from ronda.territory.models import Area, Level, OrgUnit

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ronda.planning.models import ImprovementOpportunity, LocalPlan, Measure, Objective, SituationAnalysis
    from ronda.tablero.models import Indicator

TEXT_LIMIT = 5000
LEVEL_LIMIT = 500
MAX_TITLES = 10
# planning's criticality of an opportunity born from a gap: a criterion at level 0 is absent.
CRITICALITY_BY_LEVEL = {0: "high", 1: "medium"}
HORIZON_BY_LEVEL = {0: Horizon.SHORT, 1: Horizon.MEDIUM}


def _today() -> dt.date:
    return timezone.localdate()


def _person(actor: Acting) -> User | None:
    return actor.user if is_person(actor) else None


def _require_manager(actor: Acting, municipality: OrgUnit) -> None:
    if is_person(actor) and not policies.can_manage(actor, municipality):
        raise PermissionDenied


def _text(errors: Errors, field: str, value: str | None, *, required: bool = False, limit: int = 255) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    else:
        check_length(errors, field, text, limit)
    return text


def _municipality(errors: Errors, municipality: OrgUnit) -> None:
    if municipality.level != Level.MUNICIPALITY:
        errors.add("__all__", _("The self-assessment is kept per municipality."))


# --- The checklist ---------------------------------------------------------------------------------
def criteria_for(municipality: OrgUnit) -> list[Criterion]:
    """The criteria a new round of the municipality scores, in the checklist's order: the default
    checklist and the municipality's own additions, not retired (a revised criterion is retired and
    replaced by its new row)."""
    rows = list(
        Criterion.objects.select_related("dimension")
        .filter(retired_on__isnull=True)
        .filter(municipality__isnull=True)
        .order_by()
    ) + list(Criterion.objects.select_related("dimension").filter(retired_on__isnull=True, municipality=municipality))
    return sorted(rows, key=lambda c: (c.dimension.order, c.dimension_id, c.order, c.pk))


def _levels(errors: Errors, levels: Sequence[str]) -> list[str]:
    if len(levels) != len(LEVELS):
        raise ValueError("a criterion describes exactly four levels")
    return [
        _text(errors, f"level_{n}", text, required=True, limit=LEVEL_LIMIT)
        for n, text in zip(LEVELS, levels, strict=True)
    ]


@transaction.atomic
def add_criterion(
    *, actor: Acting, municipality: OrgUnit, dimension: Dimension, title: str, levels: Sequence[str], code: str = ""
) -> Criterion:
    """A criterion of the municipality's own, beside the default checklist, scored from the next round on."""
    _require_manager(actor, municipality)
    errors = Errors()
    _municipality(errors, municipality)
    title = _text(errors, "title", title, required=True)
    code = _text(errors, "code", code, limit=20)
    texts = _levels(errors, levels)
    errors.raise_if_any()
    own = Criterion.objects.filter(municipality=municipality, dimension=dimension).count()
    criterion = Criterion.objects.create(
        dimension=dimension,
        municipality=municipality,
        code=code or f"{dimension.code[:1].upper()}M{own + 1}",
        title=title,
        level_0=texts[0],
        level_1=texts[1],
        level_2=texts[2],
        level_3=texts[3],
        order=100 + own,
    )
    audit.record_create(actor=actor, target=criterion, org_unit=municipality)
    return criterion


@transaction.atomic
def revise_criterion(*, actor: Acting, criterion: Criterion, title: str, levels: Sequence[str]) -> Criterion:
    """A new wording of one of the municipality's own criteria: a new row that replaces the old one,
    which is retired today. Rounds already scored keep the wording they were scored against."""
    municipality = criterion.municipality
    if municipality is None:
        raise PermissionDenied  # the default checklist changes by migration only
    _require_manager(actor, municipality)
    errors = Errors()
    locked = Criterion.objects.select_for_update().get(pk=criterion.pk)
    if locked.retired_on is not None:
        errors.add("__all__", _("This criterion was already revised or retired."))
    title = _text(errors, "title", title, required=True)
    texts = _levels(errors, levels)
    errors.raise_if_any()
    locked.retired_on = _today()
    locked.save(update_fields=["retired_on", "updated_at"])
    revised = Criterion.objects.create(
        dimension=locked.dimension,
        municipality=municipality,
        code=locked.code,
        title=title,
        level_0=texts[0],
        level_1=texts[1],
        level_2=texts[2],
        level_3=texts[3],
        order=locked.order,
        replaces=locked,
    )
    audit.record(
        actor=actor,
        action=ImprovementAction.CRITERION_REVISED,
        target=revised,
        org_unit=municipality,
        changes=audit.diff(
            audit.snapshot(locked, ("title", "level_0", "level_1", "level_2", "level_3")),
            audit.snapshot(revised, ("title", "level_0", "level_1", "level_2", "level_3")),
        ),
    )
    return revised


# --- Rounds and scores -----------------------------------------------------------------------------------
def _round_errors(municipality: OrgUnit, values: dict[str, Any]) -> Errors:
    errors = Errors()
    held_on = values.get("held_on")
    if held_on is None:
        errors.add("held_on", _("This field is required."))
    elif held_on > _today():
        errors.add("held_on", _("A self-assessment round cannot be dated in the future."))
    values["title"] = _text(errors, "title", values.get("title"), required=True, limit=200)
    values["other_participants"] = _text(errors, "other_participants", values.get("other_participants"), limit=500)
    if any(m.municipality_id != municipality.pk for m in values.get("participants") or ()):
        errors.add("participants", _("Choose members of this municipality's programme team."))
    return errors


@transaction.atomic
def create_round(
    *,
    actor: Acting,
    municipality: OrgUnit,
    held_on: dt.date,
    title: str,
    participants: Sequence[TeamMember] = (),
    other_participants: str = "",
) -> AssessmentRound:
    _require_manager(actor, municipality)
    values: dict[str, Any] = {
        "held_on": held_on,
        "title": title,
        "participants": list(participants),
        "other_participants": other_participants,
    }
    errors = _round_errors(municipality, values)
    _municipality(errors, municipality)
    errors.raise_if_any()
    members = values.pop("participants")
    assessment = AssessmentRound.objects.create(municipality=municipality, recorded_by=_person(actor), **values)
    assessment.participants.set(members)
    changes = audit.diff({}, {**audit.snapshot(assessment), "participants": sorted(m.pk for m in members)})
    audit.record(
        actor=actor, action=audit.AuditAction.CREATE, target=assessment, org_unit=municipality, changes=changes
    )
    return assessment


@dataclass(frozen=True)
class ScoreInput:
    level: int | None
    evidence: str = ""
    comment: str = ""


def scorable_criteria(assessment: AssessmentRound) -> list[Criterion]:
    """What the round scores: the criteria in use today, and those it already scored. A criterion
    revised after the round scored it keeps its old wording there (its new row stays out)."""
    scored = [
        s.criterion for s in Score.objects.filter(round=assessment).select_related("criterion__dimension").order_by()
    ]
    scored_ids = {c.pk for c in scored}
    rows = {c.pk: c for c in criteria_for(assessment.municipality) if c.replaces_id not in scored_ids}
    rows.update({c.pk: c for c in scored})
    return sorted(rows.values(), key=lambda c: (c.dimension.order, c.dimension_id, c.order, c.pk))


def _scores_state(assessment: AssessmentRound) -> dict[str, Any]:
    return {
        "scores": {
            str(criterion_id): level
            for criterion_id, level in Score.objects.filter(round=assessment).values_list("criterion_id", "level")
        }
    }


@transaction.atomic
def record_scores(
    *,
    actor: Acting,
    assessment: AssessmentRound,
    expected_version: int | None,
    scores: Mapping[Criterion, ScoreInput],
) -> AssessmentRound:
    """The levels (0 to 3) the round gives its criteria, with evidence and comments. A criterion left
    without a level (None) keeps no score; the round's version moves on, so two people scoring the
    same round at once do not overwrite each other."""
    municipality = assessment.municipality
    _require_manager(actor, municipality)
    update = VersionedUpdate(assessment, expected_version, state=_scores_state)
    allowed = {c.pk for c in scorable_criteria(update.instance)}
    errors = Errors()
    clean: dict[Criterion, ScoreInput] = {}
    for criterion, given in scores.items():
        field = f"level_{criterion.pk}"
        if criterion.pk not in allowed:
            errors.add(field, _("This criterion is not part of this municipality's checklist."))
            continue
        if given.level is not None and not (0 <= given.level <= MAX_LEVEL):
            errors.add(field, _("Choose a level from 0 to %(max)d.") % {"max": MAX_LEVEL})
            continue
        evidence = _text(errors, f"evidence_{criterion.pk}", given.evidence, limit=TEXT_LIMIT)
        comment = _text(errors, f"comment_{criterion.pk}", given.comment, limit=TEXT_LIMIT)
        clean[criterion] = ScoreInput(given.level, evidence, comment)
    errors.raise_if_any()
    existing = {s.criterion_id: s for s in Score.objects.select_for_update().filter(round=update.instance)}
    for criterion, given in clean.items():
        row = existing.get(criterion.pk)
        if given.level is None:
            if row is not None and row.opportunity_id is None:
                row.delete()
            continue
        if row is None:
            Score.objects.create(
                round=update.instance,
                criterion=criterion,
                level=given.level,
                evidence=given.evidence,
                comment=given.comment,
            )
        elif (row.level, row.evidence, row.comment) != (given.level, given.evidence, given.comment):
            Score.objects.filter(pk=row.pk).update(
                level=given.level,
                evidence=given.evidence,
                comment=given.comment,
                version=F("version") + 1,
                updated_at=timezone.now(),
            )
    update.save(actor=actor, org_unit=municipality, action=ImprovementAction.SCORES_RECORDED, touch=True)
    return update.instance


def open_diagnosis(municipality: OrgUnit) -> SituationAnalysis | None:
    """The municipality's diagnosis still open: the latest whose period has not ended."""
    return (
        municipality.situation_analyses.filter(period_end__gte=_today())  # type: ignore[attr-defined]
        .order_by("-period_start", "-id")
        .first()
    )


@transaction.atomic
def gap_to_opportunity(*, actor: Acting, score: Score) -> ImprovementOpportunity:
    """A gap of the self-assessment (a criterion below ``GAP_BELOW``) becomes an improvement
    opportunity of the municipality's open diagnosis, through planning's service; once only."""
    municipality = score.round.municipality
    _require_manager(actor, municipality)
    locked = Score.objects.select_for_update().select_related("criterion__dimension", "round").get(pk=score.pk)
    errors = Errors()
    if locked.opportunity_id is not None:
        errors.add("__all__", _("This gap is already an improvement opportunity of the diagnosis."))
    elif locked.level >= GAP_BELOW:
        errors.add("__all__", _("Only a criterion scored below %(level)d is a gap.") % {"level": GAP_BELOW})
    analysis = open_diagnosis(municipality)
    if analysis is None:
        errors.add(
            "__all__",
            _("%(municipality)s has no open diagnosis: create one in the plan module first.")
            % {"municipality": municipality.name},
        )
    errors.raise_if_any()
    assert analysis is not None
    criterion = locked.criterion
    description = "\n\n".join(
        part
        for part in (
            _("Self-assessment %(round)s: level %(level)d of %(max)d, “%(text)s”.")
            % {
                "round": locked.round.title,
                "level": locked.level,
                "max": MAX_LEVEL,
                "text": criterion.level_text(locked.level),
            },
            locked.evidence,
            locked.comment,
        )
        if part
    )
    opportunity = planning.create_opportunity(
        actor=actor,
        analysis=analysis,
        title=f"{criterion.dimension.name}: {criterion.title}"[:255],
        goal_area=criterion.dimension.goal_area,
        criticality=CRITICALITY_BY_LEVEL[locked.level],
        horizon=HORIZON_BY_LEVEL[locked.level],
        description=description[:TEXT_LIMIT],
    )
    update = VersionedUpdate(locked, None)
    update.apply({"opportunity": opportunity})
    update.save(actor=actor, org_unit=municipality, action=ImprovementAction.GAP_TO_OPPORTUNITY)
    return opportunity


# --- The programme team --------------------------------------------------------------------------------
class MemberChanges(TypedDict, total=False):
    full_name: str
    programme_role: str
    area: Area | None
    profile: str
    email: str
    user: User | None
    from_date: dt.date
    to_date: dt.date | None


MEMBER_EDITABLE = tuple(MemberChanges.__annotations__)


def _member_errors(municipality: OrgUnit, values: dict[str, Any]) -> Errors:
    errors = Errors()
    values["full_name"] = _text(errors, "full_name", values.get("full_name"), required=True, limit=200)
    values["profile"] = _text(errors, "profile", values.get("profile"), limit=500)
    values["email"] = _text(errors, "email", values.get("email"), limit=254)
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors.add("email", _("Enter a valid e-mail address."))
    if values.get("programme_role") not in ProgrammeRole.values:
        errors.add("programme_role", _("Choose one of the options."))
    area = values.get("area")
    if area is not None and area.org_unit_id != municipality.pk:
        errors.add("area", _("Choose an area of this municipality."))
    from_date, to_date = values.get("from_date"), values.get("to_date")
    if from_date is None:
        errors.add("from_date", _("This field is required."))
    elif to_date is not None and to_date < from_date:
        errors.add("to_date", _("The end cannot be before the start."))
    return errors


@transaction.atomic
def add_member(
    *,
    actor: Acting,
    municipality: OrgUnit,
    full_name: str,
    programme_role: str,
    from_date: dt.date,
    area: Area | None = None,
    profile: str = "",
    email: str = "",
    user: User | None = None,
    to_date: dt.date | None = None,
) -> TeamMember:
    _require_manager(actor, municipality)
    values: dict[str, Any] = {
        "full_name": full_name,
        "programme_role": programme_role,
        "area": area,
        "profile": profile,
        "email": email,
        "user": user,
        "from_date": from_date,
        "to_date": to_date,
    }
    errors = _member_errors(municipality, values)
    _municipality(errors, municipality)
    errors.raise_if_any()
    member = TeamMember.objects.create(municipality=municipality, **values)
    audit.record_create(actor=actor, target=member, org_unit=municipality)
    return member


@transaction.atomic
def update_member(
    *, actor: Acting, member: TeamMember, expected_version: int | None, **changes: Unpack[MemberChanges]
) -> TeamMember:
    municipality = member.municipality
    _require_manager(actor, municipality)
    check_editable(changes, MEMBER_EDITABLE)
    given: dict[str, Any] = dict(changes)
    values = {name: given.get(name, getattr(member, name)) for name in MEMBER_EDITABLE}
    _member_errors(municipality, values).raise_if_any()
    return versioned_update(
        actor=actor, instance=member, expected_version=expected_version, changes=values, org_unit=municipality
    )


# --- Pilot projects ---------------------------------------------------------------------------------------
def _pilot_errors(municipality: OrgUnit, values: dict[str, Any]) -> Errors:
    errors = Errors()
    values["title"] = _text(errors, "title", values.get("title"), required=True, limit=200)
    values["summary"] = _text(errors, "summary", values.get("summary"), limit=TEXT_LIMIT)
    values["narrative"] = _text(errors, "narrative", values.get("narrative"), limit=TEXT_LIMIT)
    if any(m.municipality_id != municipality.pk for m in values.get("team") or ()):
        errors.add("team", _("Choose members of this municipality's programme team."))
    return errors


def _pilot_state(pilot: PilotProject) -> dict[str, Any]:
    return {"team": sorted(pilot.team.values_list("pk", flat=True))}


@transaction.atomic
def create_pilot(
    *,
    actor: Acting,
    municipality: OrgUnit,
    opportunity: ImprovementOpportunity | None,
    title: str,
    summary: str = "",
    team: Sequence[TeamMember] = (),
) -> PilotProject:
    """A pilot project co-designed for one improvement opportunity of the municipality's diagnosis,
    with its four stages (design first)."""
    _require_manager(actor, municipality)
    values: dict[str, Any] = {"title": title, "summary": summary, "team": list(team)}
    errors = _pilot_errors(municipality, values)
    _municipality(errors, municipality)
    if opportunity is None:
        errors.add("opportunity", _("This field is required."))
    elif opportunity.analysis.org_unit_id != municipality.pk:
        errors.add("opportunity", _("Choose an improvement opportunity of this municipality's diagnosis."))
    errors.raise_if_any()
    assert opportunity is not None
    members = values.pop("team")
    values.pop("narrative", None)
    pilot = PilotProject.objects.create(
        municipality=municipality, opportunity=opportunity, recorded_by=_person(actor), **values
    )
    pilot.team.set(members)
    PilotStage.objects.bulk_create(
        PilotStage(
            pilot=pilot, kind=kind, status=StageStatus.IN_PROGRESS if kind == StageKind.DESIGN else StageStatus.PENDING
        )
        for kind in StageKind.values
    )
    changes = audit.diff({}, {**audit.snapshot(pilot), **_pilot_state(pilot)})
    audit.record(actor=actor, action=audit.AuditAction.CREATE, target=pilot, org_unit=municipality, changes=changes)
    return pilot


@transaction.atomic
def update_pilot(
    *,
    actor: Acting,
    pilot: PilotProject,
    expected_version: int | None,
    title: str,
    summary: str,
    narrative: str,
    team: Sequence[TeamMember],
) -> PilotProject:
    municipality = pilot.municipality
    _require_manager(actor, municipality)
    values: dict[str, Any] = {"title": title, "summary": summary, "narrative": narrative, "team": list(team)}
    _pilot_errors(municipality, values).raise_if_any()
    members = values.pop("team")
    update = VersionedUpdate(pilot, expected_version, state=_pilot_state)
    update.apply(values)
    update.instance.team.set(members)
    update.save(actor=actor, org_unit=municipality, touch=True)
    return update.instance


@transaction.atomic
def update_stage(
    *,
    actor: Acting,
    stage: PilotStage,
    expected_version: int | None,
    status: str,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    notes: str = "",
) -> PilotStage:
    municipality = stage.pilot.municipality
    _require_manager(actor, municipality)
    errors = Errors()
    if status not in StageStatus.values:
        errors.add("status", _("Choose one of the options."))
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors.add("ends_on", _("The end cannot be before the start."))
    notes = _text(errors, "notes", notes, limit=TEXT_LIMIT)
    errors.raise_if_any()
    return versioned_update(
        actor=actor,
        instance=stage,
        expected_version=expected_version,
        changes={"status": status, "starts_on": starts_on, "ends_on": ends_on, "notes": notes},
        org_unit=municipality,
    )


@transaction.atomic
def add_mentor(
    *, actor: Acting, pilot: PilotProject, full_name: str, organisation: str = "", expertise: str = ""
) -> Mentor:
    _require_manager(actor, pilot.municipality)
    errors = Errors()
    full_name = _text(errors, "full_name", full_name, required=True, limit=200)
    organisation = _text(errors, "organisation", organisation, limit=200)
    expertise = _text(errors, "expertise", expertise, limit=300)
    errors.raise_if_any()
    mentor = Mentor.objects.create(pilot=pilot, full_name=full_name, organisation=organisation, expertise=expertise)
    audit.record_create(actor=actor, target=mentor, org_unit=pilot.municipality)
    return mentor


def usable_indicators(municipality: OrgUnit) -> Any:
    """The Tablero indicators a pilot's result may follow: the municipality's catalogue and its country's."""
    return planning.usable_catalogue_indicators(municipality)


@transaction.atomic
def link_result(
    *, actor: Acting, pilot: PilotProject, indicator: Indicator | None, expected_change: str = ""
) -> PilotResult:
    """A result of the pilot followed by a Tablero indicator (the link; the values stay the Tablero's)."""
    municipality = pilot.municipality
    _require_manager(actor, municipality)
    errors = Errors()
    expected_change = _text(errors, "expected_change", expected_change, limit=500)
    if indicator is None:
        errors.add("indicator", _("This field is required."))
    elif not usable_indicators(municipality).filter(pk=indicator.pk).exists():
        errors.add("indicator", _("Choose an indicator of this municipality's catalogue or of its country's."))
    elif PilotResult.objects.filter(pilot=pilot, indicator=indicator).exists():
        errors.add("indicator", _("This indicator already follows a result of the pilot."))
    errors.raise_if_any()
    assert indicator is not None
    result = PilotResult.objects.create(pilot=pilot, indicator=indicator, expected_change=expected_change)
    audit.record_create(actor=actor, target=result, org_unit=municipality)
    return result


@transaction.atomic
def propose_measures(
    *,
    actor: Acting,
    pilot: PilotProject,
    plan: LocalPlan | None,
    objective: Objective | None,
    responsible_area: Area | None,
    start_date: dt.date | None,
    end_date: dt.date | None,
    titles: Sequence[str],
) -> list[Measure]:
    """The pilot, proposed as measures of a draft plan of the municipality: one draft measure per
    title, from the pilot's improvement opportunity, created by planning's own service (which checks
    the objective, the area and the dates against the plan). All or nothing."""
    municipality = pilot.municipality
    _require_manager(actor, municipality)
    errors = Errors()
    clean = [t.strip() for t in titles if t and t.strip()]
    if not clean:
        errors.add("titles", _("Write the title of at least one measure."))
    elif len(clean) > MAX_TITLES:
        errors.add("titles", _("Propose at most %(max)d measures at once.") % {"max": MAX_TITLES})
    for title in clean:
        check_length(errors, "titles", title, 255)
    if plan is None or plan.org_unit_id != municipality.pk:
        errors.add("plan", _("Choose a plan of this municipality."))
    elif plan.is_approved:
        errors.add("plan", _("Measures are proposed to a draft plan: this plan is already approved."))
    if objective is None:
        errors.add("objective", _("This field is required."))
    if responsible_area is None:
        errors.add("responsible_area", _("This field is required."))
    if start_date is None:
        errors.add("start_date", _("This field is required."))
    if end_date is None:
        errors.add("end_date", _("This field is required."))
    errors.raise_if_any()
    assert plan is not None and objective is not None and responsible_area is not None
    assert start_date is not None and end_date is not None
    measures = []
    for title in clean:
        measure = planning.create_measure(
            actor=actor,
            plan=plan,
            objective=objective,
            title=title,
            responsible_area=responsible_area,
            horizon=pilot.opportunity.horizon,
            start_date=start_date,
            end_date=end_date,
            description=pilot.summary[:TEXT_LIMIT],
            source_opportunity=pilot.opportunity,
        )
        ProposedMeasure.objects.create(pilot=pilot, measure=measure)
        measures.append(measure)
    audit.record(
        actor=actor,
        action=ImprovementAction.PILOT_MEASURES_PROPOSED,
        target=pilot,
        org_unit=municipality,
        changes={"plan": [None, plan.pk], "measures": [None, [m.pk for m in measures]]},
    )
    return measures

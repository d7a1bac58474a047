"""What the self-assessment and the pilots publish to reports and certification: facts, as values.

No names. Every function takes a municipality; nothing here asks who is reading: the caller decides,
through its own policies, whether a municipality's figures may be shown.

- ``self_assessment_facts(unit)``: the latest round (date, overall score, gaps) and the one before,
  or None without rounds.
- ``pilot_figures(unit)``: the pilot projects by their current stage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ronda.improvement.models import AssessmentRound, PilotStage, StageKind, StageStatus
from ronda.improvement.selectors import summaries
from ronda.territory.models import OrgUnit


@dataclass(frozen=True)
class RoundFacts:
    held_on: dt.date
    overall: Decimal | None
    scored: int
    gaps: int


@dataclass(frozen=True)
class SelfAssessmentFacts:
    latest: RoundFacts
    previous: RoundFacts | None

    @property
    def change(self) -> Decimal | None:
        """Points of progress of the overall score since the round before (None without both)."""
        if self.previous is None or self.latest.overall is None or self.previous.overall is None:
            return None
        return self.latest.overall - self.previous.overall


def self_assessment_facts(unit: OrgUnit) -> SelfAssessmentFacts | None:
    rounds = list(AssessmentRound.objects.filter(municipality=unit).order_by("-held_on", "-id")[:2])
    if not rounds:
        return None
    facts = [RoundFacts(s.round.held_on, s.overall, s.scored, s.gaps) for s in summaries(rounds)]
    return SelfAssessmentFacts(latest=facts[0], previous=facts[1] if len(facts) > 1 else None)


def pilot_figures(unit: OrgUnit) -> dict[str, int]:
    """How many pilots are in each stage (the first stage not done; "results" once all are done)."""
    stages: dict[int, list[tuple[str, str]]] = {}
    rows = (
        PilotStage.objects.filter(pilot__municipality=unit)
        .order_by("pilot_id", "id")
        .values_list("pilot_id", "kind", "status")
    )
    for pilot_id, kind, status in rows:
        stages.setdefault(pilot_id, []).append((kind, status))
    figures = dict.fromkeys(StageKind.values, 0)
    for pilot_stages in stages.values():
        kind = next((k for k, status in pilot_stages if status != StageStatus.DONE), StageKind.RESULTS)
        figures[kind] += 1
    return figures

"""Read helpers the certification pages share (issue #14). Small, documented, and never a policy:
every queryset a page shows still comes from ``policies``; these only shape what it read.

- ``steps(cycle)``: the cycle's stage as the step list every cycle page draws.
- ``by_stage(items)``: evidence items (``evidence.Item``, live or frozen) grouped by the framework's stages.
- ``latest_submission(cycle)``: the submission whose frozen evidence the reviewers judge.
- ``open_calls(actor, unit)``: the calls a municipality may enter today.
- ``optional_url(name)``: a route another part of the app adds, or None while it does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from ronda.certification import policies
from ronda.certification.evidence import Item
from ronda.certification.models import Call, Cycle, CycleStage, Stage, Submission
from ronda.core.tenancy import Actor
from ronda.territory.models import OrgUnit


@dataclass(frozen=True)
class Step:
    label: str | Promise
    done: bool
    current: bool


# The steps of a cycle, in order, and the stages each one stands for ("more information asked" is
# still the review).
STEPS: tuple[tuple[str | Promise, tuple[str, ...]], ...] = (
    (pgettext_lazy("cycle step", "Commitment"), (CycleStage.COMMITMENT,)),
    (pgettext_lazy("cycle step", "Candidacy"), (CycleStage.CANDIDACY,)),
    (pgettext_lazy("cycle stage", "Submitted"), (CycleStage.SUBMITTED,)),
    (pgettext_lazy("cycle step", "In review"), (CycleStage.IN_REVIEW, CycleStage.INFO_REQUESTED)),
    (pgettext_lazy("cycle step", "Decided"), (CycleStage.DECIDED,)),
)


def steps(cycle: Cycle) -> list[Step]:
    """Each step, done (before the current one, or the last one reached), current (``aria-current``)."""
    index = next(i for i, (_label, stages) in enumerate(STEPS) if cycle.stage in stages)
    last = len(STEPS) - 1
    return [
        Step(label=label, done=i < index or (i == index == last), current=i == index)
        for i, (label, _stages) in enumerate(STEPS)
    ]


@dataclass
class StageGroup:
    stage: Stage
    items: list[Item] = field(default_factory=list)

    @property
    def blocking(self) -> list[Item]:
        return [item for item in self.items if item.blocks_submission]


def by_stage(items: Iterable[Item]) -> list[StageGroup]:
    """``items`` grouped by the stage of their requirement, in the framework's order (the items
    come in that order from ``evidence.live`` and ``evidence.frozen``; the groups keep it)."""
    groups: dict[int, StageGroup] = {}
    for item in items:
        stage = item.requirement.stage
        groups.setdefault(stage.pk, StageGroup(stage)).items.append(item)
    return sorted(groups.values(), key=lambda group: (group.stage.position, group.stage.pk))


def latest_submission(cycle: Cycle) -> Submission | None:
    return Submission.objects.filter(cycle=cycle).order_by("-number").first()


def open_calls(actor: Actor, unit: OrgUnit) -> QuerySet[Call]:
    """The calls the actor reads that are open today over ``unit`` (their territory holds it), for a
    framework the municipality may work towards."""
    today = timezone.localdate()
    parts = [part for part in unit.path.split(".") if part]
    holders = [".".join(parts[: i + 1]) + "." for i in range(len(parts))]  # the unit's path and its ancestors'
    return (
        policies.visible_calls(actor)
        .filter(opens_on__lte=today, closes_on__gte=today, org_unit__path__in=holders)
        .filter(framework__in=policies.applicable_frameworks(unit))
        .order_by("closes_on", "id")
    )


def optional_url(name: str, *args: object) -> str | None:
    """The URL of ``name``, or None while no route has that name (a page of the secretariat's
    workspace that is added separately): the page that links to it shows no link instead of failing."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None

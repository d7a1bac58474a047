"""A cycle's evidence: live (what the data say today) and frozen (what a submission recorded).

``live(cycle)`` walks the framework's requirements once: a computed one runs its rule
(``certification.rules``) on the municipality today, a document one looks for the cycle's current
document of that requirement, a verdict one waits for the reviewers. ``frozen(submission)`` reads
the rows the submission wrote; both give the same ``Item`` so one template shows either. The
sentence of each item is written from its figures when shown (``rules.describe``): in the reader's
language, whatever the language of whoever submitted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ronda.certification import rules
from ronda.certification.models import (
    Cycle,
    EvidenceStatus,
    Requirement,
    RequirementKind,
    Submission,
    SubmittedEvidence,
)
from ronda.core import documents
from ronda.core.models_documents import DocumentVersion

COMMITMENT_FIELDS = ("resolution_on", "agreement_signed_on", "liaison_name")


@dataclass(frozen=True)
class Item:
    requirement: Requirement
    status: str
    figures: Mapping[str, Any]
    params: Mapping[str, Any]
    document: DocumentVersion | None = None

    @property
    def summary(self) -> str:
        if self.requirement.kind == RequirementKind.COMPUTED:
            return rules.describe(self.requirement.rule, dict(self.figures), self.params)
        return ""

    @property
    def status_label(self) -> str:
        return str(EvidenceStatus(self.status).label)

    @property
    def is_missing(self) -> bool:
        return self.status in (EvidenceStatus.MISSING, EvidenceStatus.NOT_MET)

    @property
    def blocks_submission(self) -> bool:
        """A mandatory document not given, or the commitment not recorded: the candidacy is incomplete
        (a computed requirement not met is still evidence, for the reviewers to weigh)."""
        if not self.requirement.mandatory:
            return False
        if self.requirement.kind == RequirementKind.DOCUMENT:
            return self.status == EvidenceStatus.MISSING
        return self.requirement.rule == "cycle.commitment" and self.status == EvidenceStatus.NOT_MET


def requirements_of(cycle: Cycle) -> list[Requirement]:
    return list(Requirement.objects.filter(framework_id=cycle.framework_id).select_related("stage"))


def commitment_of(cycle: Cycle) -> dict[str, Any]:
    return {name: getattr(cycle, name) for name in COMMITMENT_FIELDS}


def current_documents(cycle: Cycle) -> dict[str, DocumentVersion]:
    """The current version of each of the cycle's documents, by requirement code (the document's kind)."""
    found: dict[str, DocumentVersion] = {}
    for listed in documents.documents_of(cycle):
        held = found.get(listed.document.kind)
        if held is None or (listed.current.uploaded_at, listed.current.pk) > (held.uploaded_at, held.pk):
            found[listed.document.kind] = listed.current
    return found


def live(cycle: Cycle, day: dt.date | None = None) -> list[Item]:
    day = day or timezone.localdate()
    context = rules.Context(unit=cycle.org_unit, day=day, commitment=commitment_of(cycle))
    uploaded = current_documents(cycle)
    items = []
    for requirement in requirements_of(cycle):
        if requirement.kind == RequirementKind.COMPUTED:
            rule = rules.get(requirement.rule)
            if rule is None:  # a rule removed from the code since the framework was written
                items.append(Item(requirement, EvidenceStatus.FOR_REVIEW, {}, requirement.params))
                continue
            params = rule.with_defaults(requirement.params)
            met, figures = rule.compute(context, params)
            status = EvidenceStatus.MET if met else EvidenceStatus.NOT_MET
            items.append(Item(requirement, status, figures, params))
        elif requirement.kind == RequirementKind.DOCUMENT:
            version = uploaded.get(requirement.code)
            status = EvidenceStatus.PROVIDED if version is not None else EvidenceStatus.MISSING
            items.append(Item(requirement, status, {}, {}, version))
        else:
            items.append(Item(requirement, EvidenceStatus.FOR_REVIEW, {}, {}))
    return items


def frozen(submission: Submission) -> list[Item]:
    rows = SubmittedEvidence.objects.filter(submission=submission).select_related("requirement__stage", "document")
    return [Item(row.requirement, row.status, row.figures, row.params, row.document) for row in rows]


def freeze(submission: Submission, items: list[Item]) -> list[SubmittedEvidence]:
    return SubmittedEvidence.objects.bulk_create(
        [
            SubmittedEvidence(
                submission=submission,
                requirement=item.requirement,
                status=item.status,
                summary=item.summary[:500],
                figures=dict(item.figures),
                params=dict(item.params),
                document=item.document,
            )
            for item in items
        ]
    )

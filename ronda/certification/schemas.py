"""The JSON shapes of the certification API (``certification.api``): frameworks, calls, cycles,
submissions and their evidence, and the public verification of a certificate.

Evidence carries aggregates only (``certification.rules``); no shape here holds a child's data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from ronda.certification import services
from ronda.core.api_schemas import MAX_ID, Id, StrictSchema
from ronda.core.forms import date_in_range
from ronda.core.pagination import CursorPageOut, OffsetPageOut, PageFilters, limit_field

FrameworkStatusValue = Literal["draft", "published", "retired"]
StageValue = Literal["commitment", "candidacy", "submitted", "in_review", "info_requested", "decided"]
OutcomeValue = Literal["recognised", "not_yet"]
VerdictValue = Literal["met", "partly", "not_met"]


def version_field() -> Any:
    return Field(ge=1, le=MAX_ID, description="The version you read; 409 if somebody saved since")


# --- Frameworks ------------------------------------------------------------------------------------
class FrameworkOut(Schema):
    id: int
    code: str = Field(description="Names the framework across its editions")
    edition: int
    name: str
    description: str
    country_code: str = Field(description="The country whose secretariat runs it; empty: a global framework")
    status: str = Field(description="draft, published (in use) or retired")
    validity_months: int
    interim_report_months: int | None
    published_at: dt.datetime | None
    based_on_id: int | None = Field(description="The edition this one was copied from")
    version: int


class RequirementOut(Schema):
    id: int
    position: int
    code: str
    title: str
    description: str
    kind: str = Field(description="computed (an evidence rule), document (an upload) or verdict (the reviewers')")
    rule: str = Field(description="The evidence rule of a computed requirement; empty otherwise")
    params: dict[str, Any] = Field(description="The rule's parameters")
    mandatory: bool


class StageOut(Schema):
    id: int
    position: int
    code: str
    name: str
    description: str
    requirements: list[RequirementOut]


class CategoryOut(Schema):
    id: int
    position: int
    code: str
    name: str


class FrameworkDetailOut(FrameworkOut):
    stages: list[StageOut]
    categories: list[CategoryOut]


class FrameworkPage(OffsetPageOut):
    results: list[FrameworkOut]


class FrameworkCursorPage(CursorPageOut):
    results: list[FrameworkOut]


class FrameworkFilters(PageFilters):
    status: FrameworkStatusValue | None = None
    code: str | None = Field(default=None, max_length=40, description="The editions of this framework")
    limit: int = limit_field(200)


# --- Calls -----------------------------------------------------------------------------------------
class CallOut(Schema):
    id: int
    framework_id: int
    org_unit_id: int = Field(description="The country or region whose municipalities may apply")
    title: str
    opens_on: dt.date
    closes_on: dt.date
    version: int


class CallPage(OffsetPageOut):
    results: list[CallOut]


class CallCursorPage(CursorPageOut):
    results: list[CallOut]


class CallFilters(PageFilters):
    framework_id: Id | None = Field(default=None, description="Calls for this framework edition")
    open_on: dt.date | None = Field(default=None, description="Calls open on this day (YYYY-MM-DD)")
    limit: int = limit_field(200)

    @field_validator("open_on", mode="before")
    @classmethod
    def _a_date_not_a_number(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            raise PydanticCustomError("date_from_number", "dates are written YYYY-MM-DD")
        return value

    @field_validator("open_on", mode="after")
    @classmethod
    def _in_range(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not date_in_range(value):
            raise PydanticCustomError("date_out_of_range", "dates lie between 1900 and 2100")
        return value


class CallIn(StrictSchema):
    framework_id: Id = Field(description="A published edition")
    org_unit_id: Id = Field(description="A country or a region of your territory")
    title: str = Field(max_length=services.NAME_LIMIT)
    opens_on: dt.date
    closes_on: dt.date


# --- Cycles ----------------------------------------------------------------------------------------
class CycleOut(Schema):
    id: int
    org_unit_id: int = Field(description="The municipality")
    org_unit_name: str
    framework_id: int
    framework_name: str
    call_id: int | None
    stage: str = Field(description="commitment, candidacy, submitted, in_review, info_requested or decided")
    outcome: str = Field(description="recognised or not_yet once decided; empty before")
    category_id: int | None
    valid_until: dt.date | None
    submitted_at: dt.datetime | None
    decided_on: dt.date | None
    renewal_of_id: int | None
    version: int


class InformationRequestOut(Schema):
    id: int
    cycle_id: int
    text: str
    asked_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None
    version: int


class VerdictOut(Schema):
    id: int
    requirement_id: int
    requirement_code: str
    value: str = Field(description="met, partly or not_met")
    comment: str
    updated_at: dt.datetime
    version: int


class CertificateOut(Schema):
    id: int
    code: str = Field(description="The verification code printed on the certificate")
    issued_on: dt.date
    valid_until: dt.date
    revoked_on: dt.date | None
    revoked_reason: str


class EvidenceItemOut(Schema):
    requirement_id: int
    requirement_code: str
    requirement_title: str
    kind: str
    mandatory: bool
    status: str = Field(description="met, not_met, provided, missing or for_review")
    summary: str = Field(description="The rule's figures in a sentence (computed requirements)")
    figures: dict[str, Any] = Field(description="Aggregates only, never a person's data")
    params: dict[str, Any]
    document_version_id: int | None = Field(description="The version of the document given (document requirements)")


class CycleDetailOut(CycleOut):
    resolution_on: dt.date | None
    resolution_reference: str
    agreement_signed_on: dt.date | None
    liaison_name: str
    liaison_position: str
    category_name: str
    reasons: str
    information_requests: list[InformationRequestOut]
    verdicts: list[VerdictOut]
    certificate: CertificateOut | None
    evidence_source: Literal["live", "submission"] = Field(
        description="live: computed today, while the municipality prepares; submission: frozen by the latest one"
    )
    evidence_submission_id: int | None
    evidence_computed_on: dt.date | None
    evidence: list[EvidenceItemOut]


class CyclePage(OffsetPageOut):
    results: list[CycleOut]


class CycleCursorPage(CursorPageOut):
    results: list[CycleOut]


class CycleFilters(PageFilters):
    stage: StageValue | None = None
    framework_id: Id | None = None
    org_unit_id: Id | None = Field(default=None, description="Cycles of this municipality")
    limit: int = limit_field(200)


class CycleIn(StrictSchema):
    org_unit_id: Id = Field(description="Your municipality")
    framework_id: Id = Field(description="A published edition open to the municipality's country")


class CommitmentPatch(StrictSchema):
    version: int = version_field()
    resolution_on: dt.date | None = None
    resolution_reference: str | None = Field(default=None, max_length=services.NAME_LIMIT)
    agreement_signed_on: dt.date | None = None
    liaison_name: str | None = Field(default=None, max_length=services.NAME_LIMIT, description="An official")
    liaison_position: str | None = Field(default=None, max_length=services.NAME_LIMIT)


class CandidacyIn(StrictSchema):
    version: int = version_field()
    call_id: Id | None = Field(default=None, description="An open call; none where the framework runs open-ended")


class SubmitIn(StrictSchema):
    version: int = version_field()
    note: str = Field(default="", max_length=services.TEXT_LIMIT)


class VersionIn(StrictSchema):
    version: int = version_field()


class AnswerIn(StrictSchema):
    version: int = version_field()
    answer: str = Field(max_length=services.TEXT_LIMIT)


class VerdictIn(StrictSchema):
    requirement_id: Id = Field(description="A requirement of the cycle's framework")
    value: VerdictValue
    comment: str = Field(default="", max_length=services.TEXT_LIMIT, description="Required unless met")
    version: int | None = Field(default=None, ge=1, le=MAX_ID, description="The verdict's version, to replace it")


class InformationRequestIn(StrictSchema):
    version: int = version_field()
    text: str = Field(max_length=services.TEXT_LIMIT)


class DecisionIn(StrictSchema):
    version: int = version_field()
    outcome: OutcomeValue
    category_id: Id | None = Field(default=None, description="A category of the framework (recognised)")
    reasons: str = Field(default="", max_length=services.TEXT_LIMIT, description="Required for not_yet")
    decided_on: dt.date | None = Field(default=None, description="Defaults to today")


class RevokeIn(StrictSchema):
    reason: str = Field(max_length=500)


# --- Submissions -----------------------------------------------------------------------------------
class SubmissionOut(Schema):
    id: int
    cycle_id: int
    number: int
    submitted_at: dt.datetime
    computed_on: dt.date = Field(description="The day the evidence was computed and frozen")
    note: str


class SubmissionDetailOut(SubmissionOut):
    evidence: list[EvidenceItemOut]


class SubmissionPage(OffsetPageOut):
    results: list[SubmissionOut]


class SubmissionCursorPage(CursorPageOut):
    results: list[SubmissionOut]


class SubmissionFilters(PageFilters):
    limit: int = limit_field(100)


# --- Public verification ---------------------------------------------------------------------------
class VerificationOut(Schema):
    status: Literal["valid", "expired", "revoked", "unknown"] = Field(
        description="unknown for a mistyped or forged code alike"
    )
    municipality: str
    framework: str
    category: str
    issued_on: dt.date | None
    valid_until: dt.date | None

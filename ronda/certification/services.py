"""Every write of certification goes through here, audited in the same transaction (issue #14).

``SYSTEM`` is Ronda itself (installing the shipped frameworks, the demo loader); people are checked
against ``policies``. Errors are collected (``core.errors.Errors``) and raised together before
anything is written; edits lock the row and compare its version (``core.services.VersionedUpdate``).

The cycle's stages move only forward through these functions::

    start_cycle -> COMMITMENT --record_commitment / enter_candidacy--> CANDIDACY --submit--> SUBMITTED
    SUBMITTED --take_for_review--> IN_REVIEW --request_information--> INFO_REQUESTED
    INFO_REQUESTED --answer_information + submit--> SUBMITTED
    IN_REVIEW --decide--> DECIDED (recognised: a certificate; not yet: the reasons)

While the secretariat holds the cycle it may assign independent evaluators (``assign_evaluator``:
they declare independence or a conflict, judge the frozen evidence, ``submit_report``) and the
children's council is heard (``record_hearing``); the decision waits for every evaluator who
accepted and for a hearing whose weight the secretariat wrote down (``weigh_hearing``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.certification import evidence, policies, rules
from ronda.certification.frameworks import SHIPPED
from ronda.certification.models import (
    UNDER_REVIEW,
    Assignment,
    Call,
    Category,
    Certificate,
    CertificationAction,
    ConflictOfInterest,
    Cycle,
    CycleStage,
    Finding,
    Framework,
    FrameworkStatus,
    Hearing,
    HearingView,
    InformationRequest,
    Outcome,
    Recommendation,
    Requirement,
    RequirementKind,
    Stage,
    Submission,
    Verdict,
    VerdictValue,
)
from ronda.core import audit, documents
from ronda.core.errors import Errors, check_length
from ronda.core.services import VersionedUpdate
from ronda.core.tenancy import Acting, is_person
from ronda.territory.models import Level, OrgUnit

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ronda.core.models_documents import Document

TEXT_LIMIT = 10_000
NAME_LIMIT = 200
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper
CODE_GROUPS = 4


def _person(actor: Acting) -> Any:
    return actor.user if is_person(actor) else None


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _text(errors: Errors, field: str, value: str | None, *, required: bool = False, limit: int = TEXT_LIMIT) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    else:
        check_length(errors, field, text, limit)
    return text


def add_months(day: dt.date, months: int) -> dt.date:
    return rules.months_before(day, -months)


# --- Frameworks ------------------------------------------------------------------------------------
def _create_edition(definition: Mapping[str, Any], *, edition: int, status: str) -> Framework:
    framework = Framework.objects.create(
        code=definition["code"],
        edition=edition,
        name=definition["name"],
        description=definition.get("description", ""),
        country_code=definition.get("country_code", ""),
        status=status,
        validity_months=definition.get("validity_months", 48),
        interim_report_months=definition.get("interim_report_months"),
        published_at=timezone.now() if status == FrameworkStatus.PUBLISHED else None,
    )
    for position, (code, name) in enumerate(definition.get("categories", []), start=1):
        Category.objects.create(framework=framework, position=position, code=code, name=name)
    for s_position, (code, name, requirements) in enumerate(definition.get("stages", []), start=1):
        stage = Stage.objects.create(framework=framework, position=s_position, code=code, name=name)
        for r_position, item in enumerate(requirements, start=1):
            Requirement.objects.create(
                framework=framework,
                stage=stage,
                position=r_position,
                code=item["code"],
                title=item["title"],
                description=item.get("description", ""),
                kind=item["kind"],
                rule=item.get("rule", ""),
                params=item.get("params", {}),
                mandatory=item.get("mandatory", True),
            )
    return framework


def _check_definition(definition: Mapping[str, Any]) -> None:
    """A shipped definition that names an unknown rule or a wrong parameter is a bug: fail loudly."""
    for _code, _name, requirements in definition["stages"]:
        for item in requirements:
            if item["kind"] == RequirementKind.COMPUTED:
                problems = rules.check_params(item["rule"], item.get("params", {}))
                if problems:
                    raise ValueError(f"{definition['code']}/{item['code']}: {problems}")


@transaction.atomic
def install_shipped() -> list[Framework]:
    """Install each shipped framework whose code is not there yet, as its first published edition.
    Run after every ``migrate`` (``apps.py``); a framework the secretariat already has is left alone."""
    installed = []
    present = set(Framework.objects.values_list("code", flat=True))
    for definition in SHIPPED:
        _check_definition(definition)
        if definition["code"] in present:
            continue
        # Installed like a data migration (after ``migrate``, by no one): not an event of the trail,
        # whose first framework event is the secretariat's first edition of its own.
        installed.append(_create_edition(definition, edition=1, status=FrameworkStatus.PUBLISHED))
    return installed


def _definition_of(framework: Framework) -> dict[str, Any]:
    stages = []
    for stage in framework.stages.all().prefetch_related("requirements"):
        stages.append(
            (
                stage.code,
                stage.name,
                [
                    {
                        "code": r.code,
                        "title": r.title,
                        "description": r.description,
                        "kind": r.kind,
                        "rule": r.rule,
                        "params": r.params,
                        "mandatory": r.mandatory,
                    }
                    for r in stage.requirements.order_by("position", "id")
                ],
            )
        )
    return {
        "code": framework.code,
        "name": framework.name,
        "description": framework.description,
        "country_code": framework.country_code,
        "validity_months": framework.validity_months,
        "interim_report_months": framework.interim_report_months,
        "categories": [(c.code, c.name) for c in framework.categories.order_by("position", "id")],
        "stages": stages,
    }


@transaction.atomic
def new_edition(*, actor: Acting, framework: Framework) -> Framework:
    """A draft copy of ``framework`` as its next edition, for the secretariat to change: a published
    edition never changes, so the cycles that started on it keep their rules."""
    if is_person(actor):
        _require(policies.can_edit_framework(actor, framework))
    if Framework.objects.filter(code=framework.code, status=FrameworkStatus.DRAFT).exists():
        raise ValidationError(_("This framework already has a draft edition: change that one."))
    latest = Framework.objects.filter(code=framework.code).aggregate(n=Max("edition"))["n"] or 0
    draft = _create_edition(_definition_of(framework), edition=latest + 1, status=FrameworkStatus.DRAFT)
    draft.based_on = framework
    draft.save(update_fields=["based_on"])
    audit.record_create(actor=actor, target=draft, org_unit=None)
    return draft


def _require_draft(framework: Framework) -> None:
    if not framework.is_draft:
        raise ValidationError(
            _("A published edition cannot change: cycles are judged by it. Make a new edition and change that one.")
        )


class RequirementChanges(TypedDict, total=False):
    title: str
    description: str
    kind: str
    rule: str
    params: dict[str, Any]
    mandatory: bool


@transaction.atomic
def update_requirement(
    *, actor: Acting, requirement: Requirement, expected_version: int | None, **changes: Unpack[RequirementChanges]
) -> Requirement:
    """Change a requirement of a draft edition. The framework's version guards concurrent edits."""
    framework = requirement.framework
    if is_person(actor):
        _require(policies.can_edit_framework(actor, framework))
    update = VersionedUpdate(framework, expected_version)
    _require_draft(update.instance)
    errors = Errors()
    values = {
        "title": _text(errors, "title", changes.get("title", requirement.title), required=True, limit=255),
        "description": _text(errors, "description", changes.get("description", requirement.description)),
        "kind": changes.get("kind", requirement.kind),
        "rule": (changes.get("rule", requirement.rule) or "").strip(),
        "params": changes.get("params", requirement.params),
        "mandatory": bool(changes.get("mandatory", requirement.mandatory)),
    }
    if values["kind"] not in RequirementKind.values:
        errors.add("kind", _("Choose one of the options."))
    elif values["kind"] == RequirementKind.COMPUTED:
        for problem in rules.check_params(str(values["rule"]), values["params"]):
            errors.add("params" if values["rule"] in rules.RULES else "rule", problem)
    else:
        values["rule"], values["params"] = "", {}
    errors.raise_if_any()
    before = audit.snapshot(requirement, values)
    for name, value in values.items():
        setattr(requirement, name, value)
    requirement.save(update_fields=list(values))
    update.save(actor=actor, org_unit=None, touch=True)
    audit.record_update(actor=actor, target=requirement, org_unit=None, before=before)
    return requirement


@transaction.atomic
def publish_edition(*, actor: Acting, framework: Framework, expected_version: int | None) -> Framework:
    """Publish a draft edition; the edition it replaces is retired (its cycles keep it)."""
    if is_person(actor):
        _require(policies.can_edit_framework(actor, framework))
    update = VersionedUpdate(framework, expected_version)
    locked = update.instance
    _require_draft(locked)
    requirements = list(Requirement.objects.filter(framework=locked))
    errors = Errors()
    if not requirements:
        errors.add("__all__", _("An edition needs at least one requirement."))
    if not Category.objects.filter(framework=locked).exists():
        errors.add("__all__", _("An edition needs at least one category of recognition."))
    for requirement in requirements:
        if requirement.kind == RequirementKind.COMPUTED and rules.check_params(requirement.rule, requirement.params):
            errors.add(
                "__all__",
                _("Requirement %(code)s asks its rule for what it cannot answer.") % {"code": requirement.code},
            )
    errors.raise_if_any()
    for older in Framework.objects.filter(code=locked.code, status=FrameworkStatus.PUBLISHED).exclude(pk=locked.pk):
        retire = VersionedUpdate(older, None)
        retire.apply({"status": FrameworkStatus.RETIRED})
        retire.save(actor=actor, org_unit=None)
    update.apply({"status": FrameworkStatus.PUBLISHED, "published_at": timezone.now()})
    update.save(actor=actor, org_unit=None, action=CertificationAction.PUBLISHED)
    return locked


# --- Calls -------------------------------------------------------------------------------------------
@transaction.atomic
def open_call(
    *, actor: Acting, framework: Framework, org_unit: OrgUnit, title: str, opens_on: dt.date, closes_on: dt.date
) -> Call:
    if is_person(actor):
        _require(policies.can_open_call(actor, org_unit, framework))
    errors = Errors()
    title = _text(errors, "title", title, required=True, limit=NAME_LIMIT)
    if framework.status != FrameworkStatus.PUBLISHED:
        errors.add("framework", _("Open calls only for a published edition of a framework."))
    if org_unit.level not in (Level.COUNTRY, Level.REGION):
        errors.add("org_unit", _("A call is open to a country or a region."))
    if closes_on < opens_on:
        errors.add("closes_on", _("The call cannot close before it opens."))
    errors.raise_if_any()
    call = Call.objects.create(
        framework=framework, org_unit=org_unit, title=title, opens_on=opens_on, closes_on=closes_on
    )
    audit.record_create(actor=actor, target=call, org_unit=org_unit)
    return call


# --- The cycle: the municipality's side ------------------------------------------------------------------
@transaction.atomic
def start_cycle(*, actor: Acting, org_unit: OrgUnit, framework: Framework) -> Cycle:
    """A municipality commits to work towards ``framework``'s recognition."""
    if is_person(actor):
        _require(policies.can_start_cycle(actor, org_unit))
    errors = Errors()
    if org_unit.level != Level.MUNICIPALITY:
        errors.add("org_unit", _("Only a municipality goes through a recognition cycle."))
    elif not policies.applicable_frameworks(org_unit).filter(pk=framework.pk).exists():
        errors.add("framework", _("This framework is not open to this municipality's country."))
    errors.raise_if_any()
    try:
        with transaction.atomic():
            cycle = Cycle.objects.create(org_unit=org_unit, framework=framework)
    except IntegrityError as exc:
        raise ValidationError(
            {"framework": [_("The municipality already has a cycle of this framework in progress.")]}
        ) from exc
    audit.record_create(actor=actor, target=cycle, org_unit=org_unit)
    return cycle


class Commitment(TypedDict, total=False):
    resolution_on: dt.date | None
    resolution_reference: str
    agreement_signed_on: dt.date | None
    liaison_name: str
    liaison_position: str


COMMITMENT = tuple(Commitment.__annotations__)


def _require_preparing(cycle: Cycle) -> None:
    if cycle.stage not in (CycleStage.COMMITMENT, CycleStage.CANDIDACY, CycleStage.INFO_REQUESTED):
        raise ValidationError(_("The candidacy is with the secretariat: it cannot change until they ask for more."))


@transaction.atomic
def record_commitment(
    *, actor: Acting, cycle: Cycle, expected_version: int | None, **changes: Unpack[Commitment]
) -> Cycle:
    if is_person(actor):
        _require(policies.can_prepare(actor, cycle))
    update = VersionedUpdate(cycle, expected_version)
    locked = update.instance
    _require_preparing(locked)
    errors = Errors()
    values: dict[str, Any] = {name: changes.get(name, getattr(locked, name)) for name in COMMITMENT}
    for name in ("resolution_reference", "liaison_name", "liaison_position"):
        values[name] = _text(errors, name, values[name], limit=NAME_LIMIT)
    today = timezone.localdate()
    for name in ("resolution_on", "agreement_signed_on"):
        if values[name] is not None and values[name] > today:
            errors.add(name, _("The date cannot be in the future."))
    resolution, signed = values["resolution_on"], values["agreement_signed_on"]
    if resolution is not None and signed is not None and signed < resolution:
        errors.add(
            "agreement_signed_on", _("The commitment is signed after the council's resolution that approves it.")
        )
    errors.raise_if_any()
    update.apply(values)
    update.save(actor=actor, org_unit=locked.org_unit)
    return locked


@transaction.atomic
def enter_candidacy(*, actor: Acting, cycle: Cycle, call: Call | None, expected_version: int | None) -> Cycle:
    """The municipality, its commitment recorded, enters a call (or applies without one, where the
    framework runs open-ended) and starts its self-assessment."""
    if is_person(actor):
        _require(policies.can_prepare(actor, cycle))
    update = VersionedUpdate(cycle, expected_version)
    locked = update.instance
    errors = Errors()
    if locked.stage != CycleStage.COMMITMENT:
        errors.add("__all__", _("The candidacy has already been entered."))
    if not all(evidence.commitment_of(locked).values()):
        errors.add(
            "__all__", _("Record the council's resolution, the signed commitment and the municipal liaison first.")
        )
    if call is not None:
        today = timezone.localdate()
        if call.framework_id != locked.framework_id:
            errors.add("call", _("This call is for another framework."))
        elif not locked.org_unit.path.startswith(call.org_unit.path):
            errors.add("call", _("This call is not open to this municipality."))
        elif not call.is_open_on(today):
            errors.add(
                "call",
                _("This call is closed: it ran from %(start)s to %(end)s.")
                % {"start": call.opens_on, "end": call.closes_on},
            )
    errors.raise_if_any()
    update.apply({"call": call, "stage": CycleStage.CANDIDACY})
    update.save(actor=actor, org_unit=locked.org_unit, action=CertificationAction.STAGE)
    return locked


@transaction.atomic
def add_document(*, actor: Acting, cycle: Cycle, requirement: Requirement, title: str, upload: Any) -> Document:
    """An upload for a document requirement (the council's resolution, the signed commitment …);
    a second upload for the same requirement is a new version of the same document."""
    if is_person(actor):
        _require(policies.can_prepare(actor, cycle))
    _require_preparing(cycle)
    errors = Errors()
    if requirement.framework_id != cycle.framework_id or requirement.kind != RequirementKind.DOCUMENT:
        errors.add("requirement", _("Choose a requirement of this framework that asks for a document."))
        errors.raise_if_any()
    existing = documents.documents_of(cycle, kinds=[requirement.code])
    if existing:
        document = existing[0].document
        documents.add_version(
            actor=actor, document=document, org_unit=cycle.org_unit, upload=upload, expected_version=None
        )
        return document
    return documents.create_document(
        actor=actor,
        owner=cycle,
        org_unit=cycle.org_unit,
        kind=requirement.code,
        title=title or requirement.title,
        upload=upload,
        errors=errors,
    )


@transaction.atomic
def submit(*, actor: Acting, cycle: Cycle, expected_version: int | None, note: str = "") -> Submission:
    """Freeze today's evidence and hand the candidacy to the secretariat. Refused, with the list of
    what is missing, while a mandatory document or the commitment is missing."""
    if is_person(actor):
        _require(policies.can_prepare(actor, cycle))
    update = VersionedUpdate(cycle, expected_version)
    locked = update.instance
    errors = Errors()
    if locked.stage not in (CycleStage.CANDIDACY, CycleStage.INFO_REQUESTED):
        errors.add(
            "__all__", _("Only a candidacy in preparation, or one asked for more information, can be submitted.")
        )
    note = _text(errors, "note", note)
    if (
        locked.stage == CycleStage.INFO_REQUESTED
        and InformationRequest.objects.filter(cycle=locked, answered_at=None).exists()
    ):
        errors.add("__all__", _("Answer the secretariat's request for information before submitting again."))
    errors.raise_if_any()
    items = evidence.live(locked)
    missing = [item.requirement for item in items if item.blocks_submission]
    if missing:
        raise ValidationError(
            {
                "__all__": [
                    _("The candidacy is incomplete. Missing: %(items)s.")
                    % {"items": "; ".join(f"{r.code} ({r.title})" for r in missing)}
                ]
            }
        )
    now = timezone.now()
    number = (Submission.objects.filter(cycle=locked).aggregate(n=Max("number"))["n"] or 0) + 1
    submission = Submission.objects.create(
        cycle=locked,
        number=number,
        submitted_at=now,
        submitted_by=_person(actor),
        computed_on=timezone.localdate(),
        note=note,
    )
    evidence.freeze(submission, items)
    audit.record_create(actor=actor, target=submission, org_unit=locked.org_unit)
    update.apply({"stage": CycleStage.SUBMITTED, "submitted_at": now})
    update.save(actor=actor, org_unit=locked.org_unit, action=CertificationAction.SUBMITTED)
    return submission


@transaction.atomic
def answer_information(
    *, actor: Acting, request: InformationRequest, answer: str, expected_version: int | None
) -> InformationRequest:
    update = VersionedUpdate(request, expected_version)
    cycle = Cycle.objects.select_related("org_unit").get(pk=request.cycle_id)  # its stage as it is now
    if is_person(actor):
        _require(policies.can_prepare(actor, cycle))
    errors = Errors()
    if cycle.stage != CycleStage.INFO_REQUESTED:
        errors.add("__all__", _("The secretariat is not waiting for an answer."))
    answer = _text(errors, "answer", answer, required=True)
    errors.raise_if_any()
    update.apply({"answer": answer, "answered_at": timezone.now()})
    update.save(actor=actor, org_unit=cycle.org_unit)
    return update.instance


# --- The cycle: the secretariat's side -------------------------------------------------------------------
def _require_reviewer(actor: Acting, cycle: Cycle) -> None:
    if is_person(actor):
        _require(policies.can_review(actor, cycle))


@transaction.atomic
def take_for_review(*, actor: Acting, cycle: Cycle, expected_version: int | None) -> Cycle:
    _require_reviewer(actor, cycle)
    update = VersionedUpdate(cycle, expected_version)
    if update.instance.stage != CycleStage.SUBMITTED:
        raise ValidationError(_("Only a submitted candidacy can be taken for review."))
    update.apply({"stage": CycleStage.IN_REVIEW})
    update.save(actor=actor, org_unit=cycle.org_unit, action=CertificationAction.STAGE)
    return update.instance


@transaction.atomic
def record_verdict(
    *,
    actor: Acting,
    cycle: Cycle,
    requirement_id: int,
    value: str,
    comment: str = "",
    expected_version: int | None = None,
) -> Verdict:
    """The secretariat's verdict on a requirement of the cycle's framework; a second one replaces it
    (``expected_version``: the verdict as the form showed it)."""
    _require_reviewer(actor, cycle)
    errors = Errors()
    requirement = Requirement.objects.filter(pk=requirement_id, framework_id=cycle.framework_id).first()
    if requirement is None:
        errors.add("requirement", _("This requirement is not part of the cycle's framework."))
    if value not in VerdictValue.values:
        errors.add("value", _("Choose one of the options."))
    if cycle.stage != CycleStage.IN_REVIEW:
        errors.add("__all__", _("Verdicts are given while the candidacy is in review."))
    comment = _text(errors, "comment", comment)
    if value in (VerdictValue.PARTLY, VerdictValue.NOT_MET) and not comment:
        errors.add("comment", _("Say why: the municipality reads the comment."))
    errors.raise_if_any()
    assert requirement is not None
    current = Verdict.objects.filter(cycle=cycle, requirement=requirement).first()
    if current is None:
        try:
            with transaction.atomic():
                verdict = Verdict.objects.create(
                    cycle=cycle, requirement=requirement, value=value, comment=comment, author=_person(actor)
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("Someone else gave a verdict on this requirement just now. Reload to see it.")
            ) from exc
        audit.record_create(actor=actor, target=verdict, org_unit=cycle.org_unit)
        return verdict
    update = VersionedUpdate(current, expected_version)
    update.apply({"value": value, "comment": comment, "author": _person(actor)})
    update.save(actor=actor, org_unit=cycle.org_unit)
    return update.instance


@transaction.atomic
def request_information(*, actor: Acting, cycle: Cycle, text: str, expected_version: int | None) -> InformationRequest:
    _require_reviewer(actor, cycle)
    update = VersionedUpdate(cycle, expected_version)
    errors = Errors()
    if update.instance.stage != CycleStage.IN_REVIEW:
        errors.add("__all__", _("Ask for more information while the candidacy is in review."))
    text = _text(errors, "text", text, required=True)
    errors.raise_if_any()
    request = InformationRequest.objects.create(
        cycle=cycle, text=text, asked_at=timezone.now(), asked_by=_person(actor)
    )
    audit.record_create(actor=actor, target=request, org_unit=cycle.org_unit)
    update.apply({"stage": CycleStage.INFO_REQUESTED})
    update.save(actor=actor, org_unit=cycle.org_unit, action=CertificationAction.STAGE)
    return request


def new_code() -> str:
    """A verification code such as ``K7QM-2XRT-9HPA-C4WN``: 80 random bits, easy to type from paper."""
    chars = [secrets.choice(CODE_ALPHABET) for _ in range(4 * CODE_GROUPS)]
    return "-".join("".join(chars[i : i + 4]) for i in range(0, len(chars), 4))


@transaction.atomic
def decide(
    *,
    actor: Acting,
    cycle: Cycle,
    outcome: str,
    expected_version: int | None,
    category: Category | None = None,
    reasons: str = "",
    decided_on: dt.date | None = None,
) -> Cycle:
    """Recognise the municipality (a category, valid for the framework's months, a certificate) or
    not yet (with the reasons). Every mandatory requirement needs a verdict first; recognising with
    a mandatory requirement not met is refused."""
    _require_reviewer(actor, cycle)
    update = VersionedUpdate(cycle, expected_version)
    locked = update.instance
    errors = Errors()
    today = timezone.localdate()
    decided_on = decided_on or today
    if locked.stage != CycleStage.IN_REVIEW:
        errors.add("__all__", _("Decide on a candidacy in review."))
    if outcome not in Outcome.values:
        errors.add("outcome", _("Choose one of the options."))
    if decided_on > today:
        errors.add("decided_on", _("The date cannot be in the future."))
    elif locked.submitted_at is not None and decided_on < timezone.localtime(locked.submitted_at).date():
        errors.add("decided_on", _("The decision cannot come before the candidacy was submitted."))
    reasons = _text(errors, "reasons", reasons, required=outcome == Outcome.NOT_YET)
    mandatory = list(Requirement.objects.filter(framework_id=locked.framework_id, mandatory=True))
    verdicts = dict(Verdict.objects.filter(cycle=locked).values_list("requirement_id", "value"))
    unjudged = [r.code for r in mandatory if r.pk not in verdicts]
    if unjudged:
        errors.add(
            "__all__",
            _("Give a verdict on every mandatory requirement first: %(codes)s.") % {"codes": ", ".join(unjudged)},
        )
    pending = Assignment.objects.filter(cycle=locked, withdrawn_at=None, submitted_at=None)
    if pending.exists():
        errors.add("__all__", _("An evaluator assigned to this candidacy has not submitted their report yet."))
    if not Hearing.objects.filter(cycle=locked).exclude(weighed="").exists():
        errors.add(
            "__all__",
            _("Hear the children's council and write down how their view was weighed before deciding."),
        )
    if outcome == Outcome.RECOGNISED:
        if category is None or category.framework_id != locked.framework_id:
            errors.add("category", _("Choose a category of this framework."))
        not_met = [r.code for r in mandatory if verdicts.get(r.pk) == VerdictValue.NOT_MET]
        if not_met:
            errors.add("outcome", _("Mandatory requirements are not met: %(codes)s.") % {"codes": ", ".join(not_met)})
    errors.raise_if_any()
    values: dict[str, Any] = {
        "stage": CycleStage.DECIDED,
        "outcome": outcome,
        "decided_on": decided_on,
        "reasons": reasons,
    }
    if outcome == Outcome.RECOGNISED:
        values.update(category=category, valid_until=add_months(decided_on, locked.framework.validity_months))
    update.apply(values)
    update.save(actor=actor, org_unit=locked.org_unit, action=CertificationAction.DECIDED)
    if outcome == Outcome.RECOGNISED:
        certificate = Certificate.objects.create(
            cycle=locked, code=new_code(), issued_on=decided_on, valid_until=values["valid_until"]
        )
        audit.record(actor=actor, action=CertificationAction.CERTIFIED, target=certificate, org_unit=locked.org_unit)
    return locked


@transaction.atomic
def revoke_certificate(*, actor: Acting, certificate: Certificate, reason: str) -> Certificate:
    if is_person(actor):
        _require(policies.can_manage_certificate(actor, certificate))
    errors = Errors()
    reason = _text(errors, "reason", reason, required=True, limit=500)
    if certificate.revoked_on is not None:
        errors.add("__all__", _("This certificate is already revoked."))
    errors.raise_if_any()
    updated = Certificate.objects.filter(pk=certificate.pk, revoked_on=None).update(
        revoked_on=timezone.localdate(), revoked_reason=reason, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("This certificate is already revoked."))
    certificate.refresh_from_db()
    audit.record(
        actor=actor,
        action=CertificationAction.REVOKED,
        target=certificate,
        org_unit=certificate.cycle.org_unit,
        changes={"revoked_on": [None, certificate.revoked_on.isoformat() if certificate.revoked_on else None]},
    )
    return certificate


@transaction.atomic
def renew(*, actor: Acting, cycle: Cycle) -> Cycle:
    """A new cycle for a recognised municipality, on the latest published edition of its framework."""
    if is_person(actor):
        _require(policies.can_start_cycle(actor, cycle.org_unit))
    if not cycle.is_recognised:
        raise ValidationError(_("Only a recognition can be renewed."))
    latest = (
        Framework.objects.filter(code=cycle.framework.code, status=FrameworkStatus.PUBLISHED)
        .order_by("-edition")
        .first()
    )
    if latest is None:
        raise ValidationError(_("The framework has no published edition to renew on."))
    renewal = start_cycle(actor=actor, org_unit=cycle.org_unit, framework=latest)
    renewal.renewal_of = cycle
    renewal.save(update_fields=["renewal_of"])
    return renewal


# --- Independent evaluators ------------------------------------------------------------------------------
def _require_evaluator_of(actor: Acting, assignment: Assignment) -> None:
    if is_person(actor):
        _require(policies.is_evaluator(actor) and actor.user is not None and actor.user.pk == assignment.evaluator_id)


@transaction.atomic
def declare_conflict(*, actor: Acting, evaluator: Any, org_unit: OrgUnit, reason: str) -> ConflictOfInterest:
    """An evaluator declares a conflict of interest with a municipality: no cycle of it will be
    assigned to them (and an assignment they hold there is withdrawn)."""
    if is_person(actor):
        _require(policies.is_evaluator(actor) and actor.user is not None and actor.user.pk == evaluator.pk)
    errors = Errors()
    reason = _text(errors, "reason", reason, required=True, limit=500)
    if org_unit.level != Level.MUNICIPALITY:
        errors.add("org_unit", _("Choose a municipality."))
    if ConflictOfInterest.objects.filter(evaluator=evaluator, org_unit=org_unit).exists():
        errors.add("org_unit", _("You already declared a conflict of interest with this municipality."))
    errors.raise_if_any()
    conflict = ConflictOfInterest.objects.create(evaluator=evaluator, org_unit=org_unit, reason=reason)
    audit.record(actor=actor, action=CertificationAction.CONFLICT, target=conflict, org_unit=org_unit)
    now = timezone.now()
    for assignment in Assignment.objects.filter(
        evaluator=evaluator, cycle__org_unit=org_unit, withdrawn_at=None, submitted_at=None
    ):
        update = VersionedUpdate(assignment, None)
        update.apply({"withdrawn_at": now, "withdrawn_reason": reason})
        update.save(actor=actor, org_unit=org_unit)
    return conflict


@transaction.atomic
def assign_evaluator(*, actor: Acting, cycle: Cycle, evaluator: Any, due_on: dt.date | None = None) -> Assignment:
    """The secretariat assigns an independent evaluator to a cycle it holds. Refused for someone who
    is not an evaluator over the municipality, who declared a conflict with it, or is already on it."""
    if is_person(actor):
        _require(policies.can_assign(actor, cycle))
    errors = Errors()
    if cycle.stage not in UNDER_REVIEW:
        errors.add("__all__", _("Evaluators are assigned to a submitted candidacy."))
    if not policies.evaluator_covers(evaluator.pk, cycle.org_unit):
        errors.add("evaluator", _("This person is not an evaluator for this municipality's territory."))
    elif ConflictOfInterest.objects.filter(evaluator=evaluator, org_unit=cycle.org_unit).exists():
        errors.add(
            "evaluator",
            _("This evaluator declared a conflict of interest with the municipality: choose another one."),
        )
    elif Assignment.objects.filter(cycle=cycle, evaluator=evaluator, withdrawn_at=None).exists():
        errors.add("evaluator", _("This evaluator is already assigned to the candidacy."))
    if due_on is not None and due_on < timezone.localdate():
        errors.add("due_on", _("The report cannot be due in the past."))
    errors.raise_if_any()
    assignment = Assignment.objects.create(cycle=cycle, evaluator=evaluator, assigned_by=_person(actor), due_on=due_on)
    audit.record(actor=actor, action=CertificationAction.ASSIGNED, target=assignment, org_unit=cycle.org_unit)
    return assignment


@transaction.atomic
def accept_assignment(*, actor: Acting, assignment: Assignment, expected_version: int | None) -> Assignment:
    """The evaluator declares they are independent of the municipality; the file opens to them."""
    _require_evaluator_of(actor, assignment)
    update = VersionedUpdate(assignment, expected_version)
    locked = update.instance
    if locked.withdrawn_at is not None:
        raise ValidationError(_("This assignment was withdrawn."))
    if locked.independence_declared_at is not None:
        raise ValidationError(_("You already declared your independence for this candidacy."))
    update.apply({"independence_declared_at": timezone.now()})
    update.save(actor=actor, org_unit=assignment.cycle.org_unit)
    return locked


@transaction.atomic
def withdraw_assignment(*, actor: Acting, assignment: Assignment, reason: str) -> Assignment:
    """The secretariat withdraws an evaluator (before their report)."""
    if is_person(actor):
        _require(policies.can_assign(actor, assignment.cycle))
    update = VersionedUpdate(assignment, None)
    locked = update.instance
    errors = Errors()
    reason = _text(errors, "reason", reason, required=True, limit=500)
    if locked.withdrawn_at is not None:
        errors.add("__all__", _("This assignment was withdrawn."))
    elif locked.submitted_at is not None:
        errors.add("__all__", _("The evaluator already submitted their report: it stays in the file."))
    errors.raise_if_any()
    update.apply({"withdrawn_at": timezone.now(), "withdrawn_reason": reason})
    update.save(actor=actor, org_unit=assignment.cycle.org_unit)
    return locked


def _require_open_assignment(assignment: Assignment) -> None:
    if not assignment.is_accepted:
        raise ValidationError(_("Declare your independence of the municipality first."))
    if assignment.is_submitted:
        raise ValidationError(_("Your report is submitted: it can no longer change."))
    if assignment.cycle.stage not in UNDER_REVIEW:
        raise ValidationError(_("The candidacy is no longer under review."))


@transaction.atomic
def record_finding(
    *,
    actor: Acting,
    assignment: Assignment,
    requirement_id: int,
    value: str,
    comment: str = "",
    expected_version: int | None = None,
) -> Finding:
    """The evaluator's judgement of one requirement of the cycle's framework (a second one replaces it)."""
    _require_evaluator_of(actor, assignment)
    # As it is now (the report may have gone in from another window), locked until the finding is written.
    assignment = Assignment.objects.select_for_update().select_related("cycle__org_unit").get(pk=assignment.pk)
    _require_open_assignment(assignment)
    errors = Errors()
    requirement = Requirement.objects.filter(pk=requirement_id, framework_id=assignment.cycle.framework_id).first()
    if requirement is None:
        errors.add("requirement", _("This requirement is not part of the cycle's framework."))
    if value not in VerdictValue.values:
        errors.add("value", _("Choose one of the options."))
    comment = _text(errors, "comment", comment)
    if value in (VerdictValue.PARTLY, VerdictValue.NOT_MET) and not comment:
        errors.add("comment", _("Say why: the secretariat reads the comment."))
    errors.raise_if_any()
    assert requirement is not None
    unit = assignment.cycle.org_unit
    current = Finding.objects.filter(assignment=assignment, requirement=requirement).first()
    if current is None:
        try:
            with transaction.atomic():
                finding = Finding.objects.create(
                    assignment=assignment, requirement=requirement, value=value, comment=comment
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("This requirement was judged just now in another window. Reload to see it.")
            ) from exc
        audit.record_create(actor=actor, target=finding, org_unit=unit)
        return finding
    update = VersionedUpdate(current, expected_version)
    update.apply({"value": value, "comment": comment})
    update.save(actor=actor, org_unit=unit)
    return update.instance


@transaction.atomic
def submit_report(
    *, actor: Acting, assignment: Assignment, report: str, recommendation: str, expected_version: int | None
) -> Assignment:
    """The evaluator's report to the secretariat, with a finding on every mandatory requirement."""
    _require_evaluator_of(actor, assignment)
    update = VersionedUpdate(assignment, expected_version)
    locked = update.instance
    _require_open_assignment(locked)
    errors = Errors()
    report = _text(errors, "report", report, required=True)
    if recommendation not in Recommendation.values:
        errors.add("recommendation", _("Choose one of the options."))
    judged = set(Finding.objects.filter(assignment=locked).values_list("requirement_id", flat=True))
    unjudged = [
        code
        for pk, code in Requirement.objects.filter(framework_id=locked.cycle.framework_id, mandatory=True).values_list(
            "pk", "code"
        )
        if pk not in judged
    ]
    if unjudged:
        errors.add("__all__", _("Judge every mandatory requirement first: %(codes)s.") % {"codes": ", ".join(unjudged)})
    errors.raise_if_any()
    update.apply({"report": report, "recommendation": recommendation, "submitted_at": timezone.now()})
    update.save(actor=actor, org_unit=locked.cycle.org_unit, action=CertificationAction.EVALUATED)
    return locked


# --- The children's council hearing ----------------------------------------------------------------------
MAX_HEARD = 500


@transaction.atomic
def record_hearing(
    *,
    actor: Acting,
    cycle: Cycle,
    held_on: dt.date,
    children_6_11: int,
    children_12_17: int,
    children_view: str,
    overall: str,
) -> Hearing:
    """The children's council heard on the candidacy: how many children (by age band), what they
    said and their overall view. Recorded by the secretariat or an evaluator of the cycle."""
    if is_person(actor):
        _require(policies.can_record_hearing(actor, cycle))
    errors = Errors()
    if cycle.stage not in UNDER_REVIEW:
        errors.add("__all__", _("The children's council is heard while the candidacy is under review."))
    children_view = _text(errors, "children_view", children_view, required=True)
    if overall not in HearingView.values:
        errors.add("overall", _("Choose one of the options."))
    for name, count in (("children_6_11", children_6_11), ("children_12_17", children_12_17)):
        if count < 0 or count > MAX_HEARD:
            errors.add(name, _("Enter a number between 0 and %(max)s.") % {"max": MAX_HEARD})
    if children_6_11 + children_12_17 <= 0:
        errors.add("children_12_17", _("A hearing needs at least one child or adolescent."))
    if held_on > timezone.localdate():
        errors.add("held_on", _("The date cannot be in the future."))
    elif cycle.resolution_on is not None and held_on < cycle.resolution_on:
        errors.add("held_on", _("The hearing cannot come before the council's resolution that started the cycle."))
    errors.raise_if_any()
    hearing = Hearing.objects.create(
        cycle=cycle,
        held_on=held_on,
        children_6_11=children_6_11,
        children_12_17=children_12_17,
        children_view=children_view,
        overall=overall,
        recorded_by=_person(actor),
    )
    audit.record_create(actor=actor, target=hearing, org_unit=cycle.org_unit)
    return hearing


@transaction.atomic
def weigh_hearing(*, actor: Acting, hearing: Hearing, weighed: str, expected_version: int | None) -> Hearing:
    """The secretariat writes down how the children's view was weighed (the decision needs it)."""
    if is_person(actor):
        _require(policies.can_weigh_hearing(actor, hearing))
    update = VersionedUpdate(hearing, expected_version)
    errors = Errors()
    if hearing.cycle.stage not in UNDER_REVIEW:
        errors.add("__all__", _("The candidacy is decided: the weighing can no longer change."))
    weighed = _text(errors, "weighed", weighed, required=True)
    errors.raise_if_any()
    update.apply({"weighed": weighed})
    update.save(actor=actor, org_unit=hearing.cycle.org_unit)
    return update.instance


# --- Public verification -------------------------------------------------------------------------------
VALID = "valid"
EXPIRED = "expired"
REVOKED = "revoked"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Verification:
    status: str
    municipality: str = ""
    framework: str = ""
    category: str = ""
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None


def normalise_code(code: str) -> str:
    letters = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(letters) != 4 * CODE_GROUPS:
        return ""
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def verify(code: str, today: dt.date | None = None) -> Verification:
    """What the public verification page says of ``code``: valid, expired, revoked, or unknown (a
    forged code says the same as a mistyped one)."""
    normal = normalise_code(code)
    if not normal:
        return Verification(UNKNOWN)
    row = (
        Certificate.objects.filter(code=normal)
        .values(
            "issued_on",
            "valid_until",
            "revoked_on",
            "cycle__org_unit__name",
            "cycle__framework__name",
            "cycle__category__name",
        )
        .first()
    )
    if row is None:
        return Verification(UNKNOWN)
    today = today or timezone.localdate()
    if row["revoked_on"] is not None:
        status = REVOKED
    elif row["valid_until"] < today:
        status = EXPIRED
    else:
        status = VALID
    return Verification(
        status=status,
        municipality=row["cycle__org_unit__name"],
        framework=row["cycle__framework__name"],
        category=row["cycle__category__name"] or "",
        issued_on=row["issued_on"],
        valid_until=row["valid_until"],
    )

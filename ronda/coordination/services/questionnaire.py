"""The anonymous member questionnaire: rounds, answers on screen and on paper."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.coordination import policies
from ronda.coordination.models import (
    BodyMember,
    CoordinationAction,
    CoordinationBody,
    QuestionnaireReceipt,
    QuestionnaireResponse,
    QuestionnaireRound,
)
from ronda.coordination.questionnaire import clean_answers
from ronda.coordination.services.common import full_clean, require
from ronda.core import audit
from ronda.core.models import AuditAction
from ronda.core.services import lock_for_update, versioned_update
from ronda.core.tenancy import Acting, Actor, is_person


# --- Questionnaire -----------------------------------------------------------------------
@transaction.atomic
def open_round(
    *,
    actor: Acting,
    body: CoordinationBody,
    title: str,
    opened_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
) -> QuestionnaireRound:
    if is_person(actor):
        require(policies.can_manage_body(actor, body))
    CoordinationBody.objects.select_for_update().get(pk=body.pk)  # one open round at a time, even when racing
    if QuestionnaireRound.objects.filter(body=body, is_closed=False).exists():
        raise ValidationError(_("This body already has an open questionnaire round. Close it first."))
    round_ = QuestionnaireRound(
        body=body, title=title.strip(), opened_on=opened_on or timezone.localdate(), closes_on=closes_on
    )
    full_clean(round_)
    if round_.closes_on is not None and round_.closes_on < round_.opened_on:
        raise ValidationError({"closes_on": _("The closing date cannot be before the opening date.")})
    round_.save()
    audit.record_create(actor=actor, target=round_, org_unit=body.org_unit)
    return round_


@transaction.atomic
def close_round(*, actor: Acting, round_: QuestionnaireRound, expected_version: int | None) -> QuestionnaireRound:
    if is_person(actor):
        require(policies.can_manage_body(actor, round_.body))
    return versioned_update(
        actor=actor,
        instance=round_,
        expected_version=expected_version,
        changes={"is_closed": True},
        org_unit=round_.body.org_unit,
        action=CoordinationAction.QUESTIONNAIRE_CLOSED,
    )


def questionnaire_area_ids(body: CoordinationBody) -> list[int]:
    """The areas whose commitment members rate: those represented on the body today."""
    today = timezone.localdate()
    members = BodyMember.objects.filter(body=body, area__isnull=False, start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    return sorted(set(members.values_list("area_id", flat=True)))


def _store_answer(
    *,
    round_: QuestionnaireRound,
    member: BodyMember,
    likert: dict[str, Any],
    comments: dict[str, Any],
) -> QuestionnaireReceipt:
    if round_.is_closed:
        raise ValidationError(_("This questionnaire round is closed."))
    if QuestionnaireReceipt.objects.filter(round=round_, member=member).exists():
        raise ValidationError(_("This member has already answered this questionnaire. Each member answers once."))
    clean_likert, clean_comments = clean_answers(likert, comments, questionnaire_area_ids(round_.body))
    try:
        with transaction.atomic():
            QuestionnaireResponse.objects.create(round=round_, likert=clean_likert, comments=clean_comments)
            receipt = QuestionnaireReceipt.objects.create(round=round_, member=member)
    except IntegrityError as exc:  # the same member answering twice at the same moment
        raise ValidationError(
            _("This member has already answered this questionnaire. Each member answers once.")
        ) from exc
    return receipt


# Anonymity and the audit trail: the response is deliberately NOT audited at all. An event for
# it, even with actor=None and no changes, would carry the response id and a timestamp next to
# the receipt's event of the same transaction, and so tie the answers to the member again. The
# trail records only the receipt (who answered which round), never the answers.
@transaction.atomic
def submit_questionnaire(
    *, actor: Actor, round_: QuestionnaireRound, likert: dict[str, Any], comments: dict[str, Any]
) -> QuestionnaireReceipt:
    """A member answers a round, once and anonymously: the answers and the receipt are written together."""
    locked = lock_for_update(round_, None)  # serialise answers to the same round
    if not policies.can_answer_round(actor, locked):
        if policies.member_for(actor, locked.body) is None:
            raise PermissionDenied
        raise ValidationError(_("This questionnaire round is closed."))
    member = policies.member_for(actor, locked.body)
    assert member is not None
    receipt = _store_answer(round_=locked, member=member, likert=likert, comments=comments)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=receipt,
        org_unit=locked.body.org_unit,
        changes={"round": [None, locked.pk], "member": [None, member.pk]},
    )
    return receipt


@transaction.atomic
def record_paper_response(
    *,
    actor: Acting,
    round_: QuestionnaireRound,
    member: BodyMember,
    likert: dict[str, Any],
    comments: dict[str, Any],
) -> QuestionnaireReceipt:
    """Transcribe a questionnaire a member filled in on paper (members without a Ronda user, or
    rounds held before Ronda). The coordinator marks the member as having answered; the answers
    are stored exactly as anonymously as those given on screen, and are not audited either."""
    if is_person(actor):
        require(policies.can_manage_body(actor, round_.body))
    locked = lock_for_update(round_, None)
    if member.body_id != locked.body_id:
        raise ValidationError({"member": _("Choose a member of this body.")})
    receipt = _store_answer(round_=locked, member=member, likert=likert, comments=comments)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=receipt,
        org_unit=locked.body.org_unit,
        changes={"round": [None, locked.pk], "member": [None, member.pk], "source": [None, "paper"]},
    )
    return receipt

"""Who sees and does what in the coordination body. Views, API, selectors and services ask only this.

- admin: everything; coordinator: everything in their own municipality;
- secretariat and analyst: read everything in their subtree, write nothing;
- area focal point: only the agreements owned by their own area (follow-up notes and status);
- defender, protection officer, supervisor: nothing (404).
Answering the anonymous questionnaire is decided by being a member of the body, not by role.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Q, QuerySet
from django.utils import timezone

from ronda.coordination.models import (
    Agreement,
    AgreementQuerySet,
    BodyMember,
    Commission,
    CoordinationBody,
    Meeting,
    QuestionnaireRound,
)
from ronda.core.roles import Role
from ronda.core.tenancy import Actor
from ronda.territory.models import Level, OrgUnit

READER_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.SECRETARIAT, Role.ANALYST)
MANAGER_ROLES = (Role.ADMIN, Role.COORDINATOR)


def _scope(actor: Actor | None, roles: tuple[str, ...]) -> str | None:
    """The path prefix this actor reads with, or None when the role gives no access at all."""
    if actor is None or actor.scope_path is None or not actor.has_role(*roles):
        return None
    return actor.scope_path


# --- The body and its business (members, commissions, meetings) ------------------------
def can_view_body_business(actor: Actor | None) -> bool:
    return _scope(actor, READER_ROLES) is not None


def visible_bodies(actor: Actor | None) -> QuerySet[CoordinationBody]:
    scope = _scope(actor, READER_ROLES)
    if scope is None:
        return CoordinationBody.objects.none()
    qs = CoordinationBody.objects.select_related("org_unit")
    return qs if scope == "" else qs.filter(org_unit__path__startswith=scope)


def visible_members(actor: Actor | None) -> QuerySet[BodyMember]:
    scope = _scope(actor, READER_ROLES)
    if scope is None:
        return BodyMember.objects.none()
    qs = BodyMember.objects.select_related("body__org_unit", "area", "institution")
    return qs if scope == "" else qs.filter(body__org_unit__path__startswith=scope)


def visible_commissions(actor: Actor | None) -> QuerySet[Commission]:
    scope = _scope(actor, READER_ROLES)
    if scope is None:
        return Commission.objects.none()
    qs = Commission.objects.select_related("body__org_unit")
    return qs if scope == "" else qs.filter(body__org_unit__path__startswith=scope)


def visible_meetings(actor: Actor | None) -> QuerySet[Meeting]:
    scope = _scope(actor, READER_ROLES)
    if scope is None:
        return Meeting.objects.none()
    qs = Meeting.objects.select_related("body__org_unit", "commission", "minutes_approved_at")
    return qs if scope == "" else qs.filter(body__org_unit__path__startswith=scope)


def can_create_body(actor: Actor | None, unit: OrgUnit | None) -> bool:
    if actor is None or unit is None or unit.level != Level.MUNICIPALITY:
        return False
    if actor.is_admin:
        return True
    return actor.has_role(Role.COORDINATOR) and actor.covers(unit)


def can_manage_body(actor: Actor | None, body: CoordinationBody) -> bool:
    """Members, commissions, meetings, minutes, agreements and questionnaire rounds."""
    if actor is None:
        return False
    if actor.is_admin:
        return True
    return actor.has_role(Role.COORDINATOR) and actor.covers(body.org_unit)


def can_manage_some_body(actor: Actor | None) -> bool:
    return actor is not None and actor.has_role(*MANAGER_ROLES)


# --- Agreements ------------------------------------------------------------------------
def can_view_agreements(actor: Actor | None) -> bool:
    if can_view_body_business(actor):
        return True
    return actor is not None and actor.has_role(Role.AREA_FOCAL) and actor.area_id is not None


def visible_agreements(actor: Actor | None) -> AgreementQuerySet:
    qs = cast(
        AgreementQuerySet,
        Agreement.objects.select_related("body__org_unit", "owner_area", "owner_member", "meeting"),
    )
    if actor is None or actor.scope_path is None:
        return qs.none()
    if actor.has_role(*READER_ROLES):
        return qs if actor.scope_path == "" else qs.filter(body__org_unit__path__startswith=actor.scope_path)
    if actor.has_role(Role.AREA_FOCAL) and actor.area_id is not None:
        # Only what their own area owns: not the rest of the body's business.
        return qs.filter(body__org_unit__path__startswith=actor.scope_path, owner_area_id=actor.area_id)
    return qs.none()


def can_edit_agreement(actor: Actor | None, agreement: Agreement) -> bool:
    """Text, owners, due date: the coordinator's job."""
    return can_manage_body(actor, agreement.body)


def can_follow_up_agreement(actor: Actor | None, agreement: Agreement) -> bool:
    """Status changes and follow-up notes: the coordinator, and the focal point of the owner area."""
    if can_manage_body(actor, agreement.body):
        return True
    return (
        actor is not None
        and actor.has_role(Role.AREA_FOCAL)
        and actor.area_id is not None
        and agreement.owner_area_id == actor.area_id
        and actor.covers(agreement.body.org_unit)
    )


# --- Questionnaire ---------------------------------------------------------------------
def visible_rounds(actor: Actor | None) -> QuerySet[QuestionnaireRound]:
    scope = _scope(actor, READER_ROLES)
    if scope is None:
        return QuestionnaireRound.objects.none()
    qs = QuestionnaireRound.objects.select_related("body__org_unit")
    return qs if scope == "" else qs.filter(body__org_unit__path__startswith=scope)


def _active_member_filter() -> Q:
    today = timezone.localdate()
    return Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))


def member_for(actor: Actor | None, body: CoordinationBody) -> BodyMember | None:
    """The active member of ``body`` this signed-in person is, if any."""
    if actor is None or actor.membership is None:
        return None
    return BodyMember.objects.filter(_active_member_filter(), body=body, user=actor.user).order_by("start_date").first()


def answerable_rounds(actor: Actor | None) -> QuerySet[QuestionnaireRound]:
    """Open rounds of the bodies this person is an active member of (answered or not).

    Membership of the body is the permission: the coordinator linked this Ronda user to a
    member. The role the person acts in does not matter, but they must be acting at all.
    """
    if actor is None or actor.membership is None:
        return QuestionnaireRound.objects.none()
    bodies = BodyMember.objects.filter(_active_member_filter(), user=actor.user).values("body_id")
    return QuestionnaireRound.objects.select_related("body__org_unit").filter(body_id__in=bodies, is_closed=False)


def can_answer_some_round(actor: Actor | None) -> bool:
    return can_view_body_business(actor) or answerable_rounds(actor).exists()


def can_answer_round(actor: Actor | None, round_: QuestionnaireRound) -> bool:
    if round_.is_closed or (round_.closes_on is not None and round_.closes_on < timezone.localdate()):
        return False
    return member_for(actor, round_.body) is not None


def can_view_results(actor: Actor | None, round_: QuestionnaireRound) -> bool:
    return can_view_body_business(actor) and visible_rounds(actor).filter(pk=round_.pk).exists()


def audit_readers() -> dict[str, Any]:
    """What each actor may read of this app's objects, for the audit trail (``core.audit_readers``)."""
    from ronda.coordination import models as m

    return {
        "coordination.coordinationbody": visible_bodies,
        "coordination.bodymember": visible_members,
        "coordination.commission": visible_commissions,
        "coordination.meeting": visible_meetings,
        "coordination.agendaitem": lambda a: m.AgendaItem.objects.filter(meeting__in=visible_meetings(a)),
        "coordination.attendance": lambda a: m.Attendance.objects.filter(meeting__in=visible_meetings(a)),
        "coordination.agreement": visible_agreements,
        "coordination.agreementnote": lambda a: m.AgreementNote.objects.filter(agreement__in=visible_agreements(a)),
        "coordination.questionnaireround": visible_rounds,
        # Answers are anonymous and never audited; who answered is seen by who sees the round.
        "coordination.questionnaireresponse": lambda a: m.QuestionnaireResponse.objects.none(),
        "coordination.questionnairereceipt": lambda a: m.QuestionnaireReceipt.objects.filter(
            round__in=visible_rounds(a)
        ),
    }

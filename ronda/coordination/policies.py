"""Who sees and does what in the coordination body. Views, API, selectors and services ask only this.

- admin: everything; coordinator: everything in their own municipality;
- secretariat and analyst: read everything in their subtree, write nothing;
- supervisor: read everything in their municipality, write nothing;
- area focal point: only the agreements owned by their own area and, when their membership names an
  institution, those naming that institution as co-responsible (follow-up notes and status);
- defender, protection officer: nothing (404).
Answering the anonymous questionnaire is decided by being a member of the body, not by role.

**A seat on the body** (issue #13): whoever the coordinator linked, as an active member, to their
Ronda user — an area's focal point, other staff of any role — reads their body's business
whatever their role: the members, commissions, meetings with their agendas, the minutes once
approved, the calendar and every agreement of the body (following up only their own area's), and
proposes agenda items for coming meetings. The seat counts where the person acts (the municipality
of their current membership). ``seat_paths`` is also the provider of ``core.grants.BODY_SEAT``,
through which planning and accountability open the diagnosis, the plan and the reports to them.
Staff without a seat see nothing of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ronda.coordination.models import (
    AgendaItem,
    AgendaProposal,
    Agreement,
    AgreementQuerySet,
    BodyMember,
    Commission,
    CoordinationBody,
    Meeting,
    MeetingStatus,
    MinutesStatus,
    QuestionnaireRound,
)
from ronda.core import grants
from ronda.core.roles import Role
from ronda.core.tenancy import Acting, Actor, get_object_or_404_scoped
from ronda.territory.models import Area, Institution, Level, OrgUnit
from ronda.territory.selectors import institutions_serving

if TYPE_CHECKING:
    from ronda.core.tenancy import Shape

READER_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.SECRETARIAT, Role.ANALYST, Role.SUPERVISOR)
MANAGER_ROLES = (Role.ADMIN, Role.COORDINATOR)


def _scope(actor: Actor | None, roles: tuple[str, ...]) -> str | None:
    """The path prefix this actor reads with, or None when the role gives no access at all."""
    if actor is None or actor.scope_path is None or not actor.has_role(*roles):
        return None
    return actor.scope_path


# --- Seats on the body ----------------------------------------------------------------------
def seat_paths(actor: Acting | None) -> tuple[str, ...]:
    """The paths of the municipalities whose body this person sits on today (an active member
    linked to their user), where they act: the municipality of their membership, or the one that
    holds their community. One query; ``seats`` keeps it per actor."""
    if not isinstance(actor, Actor) or actor.membership is None:
        return ()
    scope = actor.scope_path
    if scope is None:
        return ()
    rows = BodyMember.objects.filter(_active_member_filter(), user=actor.user).values_list(
        "body__org_unit__path", flat=True
    )
    # The body's municipality holds the unit they act in (a defender's community) or lies in it.
    return tuple(sorted({path for path in rows if path.startswith(scope) or scope.startswith(path)}))


def seats(actor: Actor | None) -> tuple[str, ...]:
    return grants.paths(actor, grants.BODY_SEAT)


def sits_on(actor: Actor | None, body: CoordinationBody) -> bool:
    return body.org_unit.path in seats(actor)


def _visible(actor: Actor | None, queryset: QuerySet[Any], path_field: str) -> QuerySet[Any]:
    """``queryset`` narrowed to the readers' subtree, or else to the bodies the actor sits on."""
    scope = _scope(actor, READER_ROLES)
    if scope is not None:
        return queryset if scope == "" else queryset.filter(**{f"{path_field}__startswith": scope})
    seated = seats(actor)
    if not seated:
        return queryset.none()
    return queryset.filter(**{f"{path_field}__in": seated})


# --- The body and its business (members, commissions, meetings) ------------------------
def can_view_body_business(actor: Actor | None) -> bool:
    """The roles that read every body of their subtree (not the seats: ``can_open_body``)."""
    return _scope(actor, READER_ROLES) is not None


def can_open_body(actor: Actor | None) -> bool:
    """The body's pages: its readers, and whoever sits on a body."""
    return can_view_body_business(actor) or bool(seats(actor))


def can_read_draft_minutes(actor: Actor | None, meeting: Meeting) -> bool:
    """Minutes before their approval are the coordinator's and the readers' working text; a seat
    reads them once approved."""
    return can_view_body_business(actor) and actor is not None and actor.covers(meeting.body.org_unit)


def can_read_minutes(actor: Actor | None, meeting: Meeting) -> bool:
    """The minutes' text of ``meeting`` (which the actor reached through ``get_meeting``)."""
    return meeting.minutes_status == MinutesStatus.APPROVED or can_read_draft_minutes(actor, meeting)


def visible_bodies(actor: Actor | None) -> QuerySet[CoordinationBody]:
    return _visible(actor, CoordinationBody.objects.select_related("org_unit"), "org_unit__path")


def visible_members(actor: Actor | None) -> QuerySet[BodyMember]:
    qs = BodyMember.objects.select_related("body__org_unit", "area", "institution")
    return _visible(actor, qs, "body__org_unit__path")


def visible_commissions(actor: Actor | None) -> QuerySet[Commission]:
    return _visible(actor, Commission.objects.select_related("body__org_unit"), "body__org_unit__path")


def visible_meetings(actor: Actor | None) -> QuerySet[Meeting]:
    qs = Meeting.objects.select_related("body__org_unit", "commission", "minutes_approved_at")
    return _visible(actor, qs, "body__org_unit__path")


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
def _is_focal(actor: Actor | None) -> bool:
    """An area focal point acting for their area, or for an institution their membership names."""
    return (
        actor is not None
        and actor.has_role(Role.AREA_FOCAL)
        and (actor.area_id is not None or actor.institution_id is not None)
    )


def _focal_condition(actor: Actor) -> Q:
    """The agreements a focal point answers for without a seat: owned by their area, or naming their
    institution as co-responsible (one subquery on the through table: no join, no duplicates)."""
    condition = Q(owner_area_id=actor.area_id) if actor.area_id is not None else Q(pk__in=[])
    if actor.institution_id is not None:
        named = Agreement.institutions.through.objects.filter(institution_id=actor.institution_id)
        condition |= Q(pk__in=named.values("agreement_id"))
    return condition & Q(body__org_unit__path__startswith=actor.scope_path)


def can_view_agreements(actor: Actor | None) -> bool:
    return can_open_body(actor) or _is_focal(actor)


def visible_agreements(actor: Actor | None) -> AgreementQuerySet:
    qs = cast(
        AgreementQuerySet,
        Agreement.objects.select_related("body__org_unit", "owner_area", "owner_member", "meeting"),
    )
    if actor is None or actor.scope_path is None:
        return qs.none()
    if actor.has_role(*READER_ROLES):
        return qs if actor.scope_path == "" else qs.filter(body__org_unit__path__startswith=actor.scope_path)
    seated = seats(actor)
    condition = Q(body__org_unit__path__in=seated) if seated else Q(pk__in=[])
    if _is_focal(actor):
        # Without a seat, only what their area owns or their institution shares: not the rest of
        # the body's business.
        condition |= _focal_condition(actor)
    return qs.filter(condition) if seated or _is_focal(actor) else qs.none()


def can_edit_agreement(actor: Actor | None, agreement: Agreement) -> bool:
    """Text, owners, due date: the coordinator's job."""
    return can_manage_body(actor, agreement.body)


def can_follow_up_some_agreement(actor: Actor | None) -> bool:
    """The module-level check of the follow-up actions (the object check is ``can_follow_up_agreement``)."""
    return can_manage_some_body(actor) or _is_focal(actor)


def names_institution(agreement: Agreement, institution_id: int | None) -> bool:
    """Whether ``agreement`` names the institution as co-responsible (reads the prefetched
    ``institutions`` when the caller prefetched them, else one query)."""
    return institution_id is not None and institution_id in {i.pk for i in agreement.institutions.all()}


def can_follow_up_agreement(actor: Actor | None, agreement: Agreement) -> bool:
    """Status changes and follow-up notes: the coordinator, the focal point of the owner area, and
    the focal point of an institution the agreement names. Never the text, owners or dates."""
    if can_manage_body(actor, agreement.body):
        return True
    if actor is None or not _is_focal(actor) or not actor.covers(agreement.body.org_unit):
        return False
    if actor.area_id is not None and agreement.owner_area_id == actor.area_id:
        return True
    return names_institution(agreement, actor.institution_id)


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


# --- One call per object: 404 for missing and forbidden alike (decisions 0005, 0015) ---------
# Pages and API reach a record only through these. ``get_<thing>`` is for reading, ``get_<thing>_for_<verb>``
# also checks the write permission and answers 404 (never 403) when it is refused. ``shape`` adds the
# ``select_related``/``prefetch_related`` a page renders to the scoped queryset (``selectors``).
def get_body(actor: Actor, pk: object) -> CoordinationBody:
    return get_object_or_404_scoped(visible_bodies(actor), pk=pk)


def get_body_for_edit(actor: Actor, pk: object) -> CoordinationBody:
    """A body the actor may write to (its members, commissions, meetings, agreements, rounds)."""
    body = get_body(actor, pk)
    if not can_manage_body(actor, body):
        raise Http404
    return body


def get_member(actor: Actor, pk: object) -> BodyMember:
    return get_object_or_404_scoped(visible_members(actor), pk=pk)


def get_member_for_edit(actor: Actor, pk: object) -> BodyMember:
    member = get_member(actor, pk)
    if not can_manage_body(actor, member.body):
        raise Http404
    return member


def get_commission(actor: Actor, pk: object) -> Commission:
    return get_object_or_404_scoped(visible_commissions(actor), pk=pk)


def get_commission_for_edit(actor: Actor, pk: object) -> Commission:
    commission = get_commission(actor, pk)
    if not can_manage_body(actor, commission.body):
        raise Http404
    return commission


def get_meeting(actor: Actor, pk: object, *, shape: Shape[Meeting] | None = None) -> Meeting:
    return get_object_or_404_scoped(visible_meetings(actor), shape=shape, pk=pk)


def get_meeting_for_edit(actor: Actor, pk: object) -> Meeting:
    """A meeting the actor may change: its details, agenda, attendance, minutes and agreements."""
    meeting = get_meeting(actor, pk)
    if not can_manage_body(actor, meeting.body):
        raise Http404
    return meeting


def get_agenda_item_for_edit(actor: Actor, pk: object, *, meeting: Meeting) -> AgendaItem:
    """An item of the agenda of ``meeting`` (which the caller got from ``get_meeting_for_edit``)."""
    items = AgendaItem.objects.filter(meeting__in=visible_meetings(actor)).filter(meeting=meeting)
    item = get_object_or_404_scoped(items, pk=pk)
    if not can_manage_body(actor, meeting.body):
        raise Http404
    return item


def visible_agenda_proposals(actor: Actor | None) -> QuerySet[AgendaProposal]:
    """The proposals of the meetings the actor sees (the body is shared: its members read each
    other's proposals and the coordinator's answers)."""
    return AgendaProposal.objects.select_related("meeting__body__org_unit", "proposed_by").filter(
        meeting__in=visible_meetings(actor)
    )


def can_propose_some_agenda_item(actor: Actor | None) -> bool:
    """The module-level check of the proposal form: a seat on some body."""
    return bool(seats(actor))


def can_propose_agenda_item(actor: Actor | None, meeting: Meeting) -> bool:
    """A member with a seat on the meeting's body, while the meeting is still to come."""
    if actor is None or not sits_on(actor, meeting.body) or member_for(actor, meeting.body) is None:
        return False
    return meeting.status != MeetingStatus.CANCELLED and meeting.scheduled_at > timezone.now()


def get_meeting_for_proposal(actor: Actor, pk: object) -> Meeting:
    meeting = get_meeting(actor, pk)
    if not can_propose_agenda_item(actor, meeting):
        raise Http404
    return meeting


def get_agenda_proposal_for_decision(actor: Actor, pk: object) -> AgendaProposal:
    proposal = get_object_or_404_scoped(visible_agenda_proposals(actor), pk=pk)
    if not can_manage_body(actor, proposal.meeting.body):
        raise Http404
    return proposal


def get_agreement(actor: Actor, pk: object, *, shape: Shape[Agreement] | None = None) -> Agreement:
    return get_object_or_404_scoped(visible_agreements(actor), shape=shape, pk=pk)


def get_agreement_for_edit(actor: Actor, pk: object) -> Agreement:
    """Text, owners and due date: the coordinator's."""
    agreement = get_agreement(actor, pk)
    if not can_edit_agreement(actor, agreement):
        raise Http404
    return agreement


def get_agreement_for_follow_up(actor: Actor, pk: object) -> Agreement:
    """Status and notes: also the focal point of the owner area or of a named institution."""
    agreement = get_agreement(actor, pk)
    if not can_follow_up_agreement(actor, agreement):
        raise Http404
    return agreement


def get_round(actor: Actor, pk: object) -> QuestionnaireRound:
    return get_object_or_404_scoped(visible_rounds(actor), pk=pk)


def get_round_for_edit(actor: Actor, pk: object) -> QuestionnaireRound:
    round_ = get_round(actor, pk)
    if not can_manage_body(actor, round_.body):
        raise Http404
    return round_


def get_round_to_answer(actor: Actor, pk: object) -> QuestionnaireRound:
    """A round the actor may answer as a member of its body (closed, past its date or not theirs: 404)."""
    round_ = get_object_or_404_scoped(answerable_rounds(actor), pk=pk)
    if not can_answer_round(actor, round_):
        raise Http404
    return round_


# --- What a meeting or an agreement of a body may point to (the API checks the ids it is sent) ----
def commissions_of(body: CoordinationBody) -> QuerySet[Commission]:
    return Commission.objects.filter(body=body)


def meetings_of(body: CoordinationBody) -> QuerySet[Meeting]:
    return Meeting.objects.filter(body=body)


def members_of(body: CoordinationBody) -> QuerySet[BodyMember]:
    return BodyMember.objects.filter(body=body)


def areas_of(body: CoordinationBody) -> QuerySet[Area]:
    """The areas of the body's municipality (owners of its agreements)."""
    return Area.objects.filter(org_unit=body.org_unit)


def institutions_of(body: CoordinationBody) -> QuerySet[Institution]:
    """The institutions serving the body's municipality, active or not (an agreement may keep naming
    one that closed; the service refuses to name a new inactive one)."""
    return institutions_serving(body.org_unit)


def audit_readers() -> dict[str, Any]:
    """What each actor may read of this app's objects, for the audit trail (``core.audit_readers``)."""
    from ronda.coordination import models as m

    return {
        "coordination.coordinationbody": visible_bodies,
        "coordination.bodymember": visible_members,
        "coordination.commission": visible_commissions,
        "coordination.meeting": visible_meetings,
        "coordination.agendaitem": lambda a: m.AgendaItem.objects.filter(meeting__in=visible_meetings(a)),
        "coordination.agendaproposal": visible_agenda_proposals,
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

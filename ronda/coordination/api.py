"""JSON API of the coordination body: meetings and agreements, same policies and services as the pages."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ronda.coordination import limits, policies, policies_convocation, selectors, services
from ronda.coordination.models import (
    AgendaItem,
    AgendaProposal,
    Agreement,
    AgreementNote,
    Attendance,
    BodyMember,
    Commission,
    CoordinationBody,
    Meeting,
    MeetingInvitation,
)
from ronda.coordination.services import convocation
from ronda.coordination.services.meetings import OBJECTIVES_MAX_LENGTH
from ronda.core.api_schemas import LIST_ERRORS, MAX_ID, READ_ERRORS, Id, MessageOut, StrictSchema, renamed_to
from ronda.core.api_utils import read_filters
from ronda.core.pagination import CursorPageOut, OffsetPageOut, PageFilters, page_response, paginate
from ronda.core.views_helpers import ApiRequest
from ronda.territory.models import Area, Institution

router = Router(tags=["coordination"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}
Kind = Literal["ordinary", "extraordinary", "urgent"]
Mode = Literal["in_person", "virtual"]
MeetingStatusValue = Literal["scheduled", "held", "cancelled"]
AgreementStatusValue = Literal["pending", "in_progress", "done", "cancelled"]
M = TypeVar("M", bound=Model)


# --- Schemas ---------------------------------------------------------------------------
# Output schemas read the model objects the policies return (ninja's ``Schema`` is ``from_attributes``);
# a ``resolve_<field>`` gives what is not an attribute of the same name.
class AgendaItemOut(Schema):
    id: int
    order: int
    title: str
    presenter_id: int | None
    presenter_name: str | None
    minutes_allotted: int

    @staticmethod
    def resolve_presenter_name(item: AgendaItem) -> str | None:
        return item.presenter.full_name if item.presenter else None


class AttendanceOut(Schema):
    member_id: int
    member_name: str
    status: str

    @staticmethod
    def resolve_member_name(attendance: Attendance) -> str:
        return attendance.member.full_name


class MeetingOut(Schema):
    id: int
    body_id: Id
    municipality_code: str
    kind: str
    mode: str
    scheduled_at: datetime.datetime
    place: str
    link: str
    commission_id: int | None
    status: str
    minutes_status: str
    minutes_approved_at_id: int | None
    minutes_number: int | None = Field(description="The acta's number in the body's series for minutes_year")
    minutes_year: int | None
    objectives: str
    convened_at: datetime.datetime | None
    version: int

    @staticmethod
    def resolve_municipality_code(meeting: Meeting) -> str:
        return meeting.body.org_unit.code


class MeetingDetailOut(MeetingOut):
    """Read from ``policies.get_meeting(..., shape=selectors.meeting_record)``: agenda, attendance and
    agreements are prefetched."""

    minutes_text: str
    agenda: list[AgendaItemOut]
    attendance: list[AttendanceOut]
    agreement_ids: list[int]

    @staticmethod
    def resolve_agreement_ids(meeting: Meeting) -> list[int]:
        return [a.pk for a in meeting.agreements.all()]


class MeetingPage(OffsetPageOut):
    results: list[MeetingOut]


class MeetingCursorPage(CursorPageOut):
    results: list[MeetingOut]


class MeetingFilters(PageFilters):
    RENAMED: ClassVar[dict[str, str]] = {"body": "body_id"}

    body_id: Id | None = Field(default=None, description="Only this coordination body")
    year: int | None = Field(default=None, ge=2000, le=2100, description="The year of scheduled_at")
    kind: Kind | None = None
    body: Id | None = renamed_to("body_id")


class MeetingIn(StrictSchema):
    body_id: Id
    kind: Kind = "ordinary"
    mode: Mode = "in_person"
    scheduled_at: datetime.datetime
    place: str = Field(default="", max_length=limits.PLACE)
    link: str = Field(default="", max_length=200)
    commission_id: Id | None = None
    status: MeetingStatusValue = "scheduled"
    objectives: str = Field(default="", max_length=OBJECTIVES_MAX_LENGTH)


class MeetingPatch(StrictSchema):
    version: int = Field(ge=1, le=MAX_ID, description="The version you read; 409 if somebody saved since")
    kind: Kind | None = None
    mode: Mode | None = None
    scheduled_at: datetime.datetime | None = None
    place: str | None = Field(default=None, max_length=limits.PLACE)
    link: str | None = Field(default=None, max_length=200)
    commission_id: Id | None = None
    status: MeetingStatusValue | None = None
    objectives: str | None = Field(default=None, max_length=OBJECTIVES_MAX_LENGTH)


class AgreementOut(Schema):
    id: int
    body_id: Id
    municipality_code: str
    meeting_id: int | None
    text: str
    owner_area_id: int | None
    owner_area_name: str | None
    owner_member_id: int | None
    owner_member_name: str | None
    institution_ids: list[int] = Field(description="The co-responsible institutions the agreement names, by name")
    institution_names: list[str] = Field(description="Their names, in the order of institution_ids")
    due_date: datetime.date
    status: str
    completed_on: datetime.date | None
    is_overdue: bool
    version: int

    @staticmethod
    def resolve_municipality_code(agreement: Agreement) -> str:
        return agreement.body.org_unit.code

    # Both read ``institutions.all()``: prefetched by the list and the detail (selectors.with_institutions).
    @staticmethod
    def resolve_institution_ids(agreement: Agreement) -> list[int]:
        return [i.pk for i in agreement.institutions.all()]

    @staticmethod
    def resolve_institution_names(agreement: Agreement) -> list[str]:
        return [i.name for i in agreement.institutions.all()]

    @staticmethod
    def resolve_owner_area_name(agreement: Agreement) -> str | None:
        return agreement.owner_area.name if agreement.owner_area else None

    @staticmethod
    def resolve_owner_member_name(agreement: Agreement) -> str | None:
        return agreement.owner_member.full_name if agreement.owner_member else None


class NoteOut(Schema):
    id: int
    author: str
    text: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_author(note: AgreementNote) -> str:
        return str(note.author)


class AgreementDetailOut(AgreementOut):
    notes: list[NoteOut]

    @staticmethod
    def resolve_notes(agreement: Agreement) -> list[AgreementNote]:
        return list(agreement.notes.select_related("author").order_by("created_at"))


class AgreementPage(OffsetPageOut):
    results: list[AgreementOut]


class AgreementCursorPage(CursorPageOut):
    results: list[AgreementOut]


class AgreementFilters(PageFilters):
    RENAMED: ClassVar[dict[str, str]] = {"body": "body_id", "area": "owner_area_id"}

    body_id: Id | None = Field(default=None, description="Only this coordination body")
    owner_area_id: Id | None = Field(default=None, description="Only agreements this area owns")
    institution_id: Id | None = Field(default=None, description="Only agreements naming this institution")
    status: AgreementStatusValue | None = None
    overdue: bool | None = Field(
        default=None, description="true: only open agreements past their due date; false: all the others"
    )
    body: Id | None = renamed_to("body_id")
    area: Id | None = renamed_to("owner_area_id")


class AgreementIn(StrictSchema):
    body_id: Id
    meeting_id: Id | None = None
    text: str = Field(min_length=1, max_length=limits.AGREEMENT)
    owner_area_id: Id | None = None
    owner_member_id: Id | None = None
    institution_ids: list[Id] = Field(
        default_factory=list, max_length=100, description="Co-responsible institutions serving the municipality"
    )
    due_date: datetime.date
    status: AgreementStatusValue = "pending"
    completed_on: datetime.date | None = None


class AgreementPatch(StrictSchema):
    version: int = Field(ge=1, le=MAX_ID, description="The version you read; 409 if somebody saved since")
    text: str | None = Field(default=None, min_length=1, max_length=limits.AGREEMENT)
    meeting_id: Id | None = None
    owner_area_id: Id | None = None
    owner_member_id: Id | None = None
    institution_ids: list[Id] | None = Field(
        default=None, max_length=100, description="Replaces the co-responsible institutions (the coordinator's)"
    )
    due_date: datetime.date | None = None
    status: AgreementStatusValue | None = None
    completed_on: datetime.date | None = None


class NoteIn(StrictSchema):
    text: str = Field(min_length=1, max_length=limits.NOTE)


class AgendaProposalOut(Schema):
    id: int
    version: int
    meeting_id: int
    title: str
    reason: str
    proposed_by_id: int | None
    proposed_by_name: str | None
    status: str
    decision_note: str
    decided_at: datetime.datetime | None
    agenda_item_id: int | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_proposed_by_name(proposal: AgendaProposal) -> str | None:
        return proposal.proposed_by.full_name if proposal.proposed_by else None


class AgendaProposalIn(StrictSchema):
    title: str = Field(min_length=1, max_length=limits.AGENDA_ITEM)
    reason: str = Field(default="", max_length=2000)


class ProposalDecisionIn(StrictSchema):
    version: int = Field(ge=1, le=MAX_ID, description="The version you read; 409 if somebody answered since")
    decision: Literal["accept", "decline"]
    note: str = Field(default="", max_length=2000, description="The answer the member reads (required to decline)")


# --- Helpers ---------------------------------------------------------------------------
def _aware(value: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _in_body(choices: QuerySet[M], pk: int | None, field: str, message: str) -> M | None:
    """An object referenced by id among those the policy allows for the body; 422 on the field otherwise."""
    if pk is None:
        return None
    found = choices.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: message})
    return found


def _commission(pk: int | None, body: CoordinationBody) -> Commission | None:
    return _in_body(policies.commissions_of(body), pk, "commission_id", _("Choose a commission of this body."))


def _owners(
    body: CoordinationBody, area_id: int | None, member_id: int | None
) -> tuple[Area | None, BodyMember | None]:
    area = _in_body(policies.areas_of(body), area_id, "owner_area_id", _("Choose an area of this municipality."))
    member = _in_body(policies.members_of(body), member_id, "owner_member_id", _("Choose a member of this body."))
    return area, member


def _institutions(body: CoordinationBody, ids: list[int]) -> list[Institution]:
    """The institutions sent by id, among those serving the body's municipality; 422 otherwise (the
    service then refuses a newly named inactive one)."""
    found = list(policies.institutions_of(body).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"institution_ids": _("Choose active institutions that serve this municipality.")})
    return found


def _meeting(pk: int | None, body: CoordinationBody) -> Meeting | None:
    return _in_body(policies.meetings_of(body), pk, "meeting_id", _("Choose a meeting of this body."))


# --- Meetings --------------------------------------------------------------------------
@router.get(
    "/meetings",
    response={200: page_response(MeetingPage, MeetingCursorPage), **LIST_ERRORS},
    summary="Meetings of the bodies you can see, the latest first",
)
def list_meetings(request: ApiRequest, filters: Query[MeetingFilters]) -> Any:
    read_filters(request, filters)
    if not policies.can_open_body(request.actor):
        raise Http404  # the same answer as the pages give these roles
    meetings = selectors.filter_meetings(
        policies.visible_meetings(request.actor), body_id=filters.body_id, year=filters.year, kind=filters.kind
    )
    page = paginate(request, meetings, filters, order=selectors.MEETING_ORDER, scope="coordination.meetings")
    return page.response()


@router.get(
    "/meetings/{int:meeting_id}",
    response={200: MeetingDetailOut, **READ_ERRORS},
    summary="One meeting with its agenda and attendance",
)
def get_meeting(request: ApiRequest, meeting_id: int) -> Any:
    meeting = policies.get_meeting(request.actor, meeting_id, shape=selectors.meeting_record)
    if not policies.can_read_minutes(request.actor, meeting):
        meeting.minutes_text = ""  # a seat reads the minutes once approved (the object is never saved)
    return meeting


@router.post("/meetings", response={201: MeetingDetailOut, **WRITE_ERRORS}, summary="Schedule a meeting")
def create_meeting(request: ApiRequest, payload: MeetingIn) -> Any:
    actor = request.actor
    body = policies.get_body_for_edit(actor, payload.body_id)  # 404 before the payload is looked at
    meeting = services.schedule_meeting(
        actor=actor,
        body=body,
        kind=payload.kind,
        mode=payload.mode,
        scheduled_at=_aware(payload.scheduled_at),
        place=payload.place,
        link=payload.link,
        commission=_commission(payload.commission_id, body),
        status=payload.status,
        objectives=payload.objectives,
    )
    return Status(201, policies.get_meeting(actor, meeting.pk, shape=selectors.meeting_record))


@router.patch(
    "/meetings/{int:meeting_id}",
    response={200: MeetingDetailOut, **WRITE_ERRORS},
    summary="Change a meeting (send the version you read)",
)
def update_meeting(request: ApiRequest, meeting_id: int, payload: MeetingPatch) -> Any:
    actor = request.actor
    meeting = policies.get_meeting_for_edit(actor, meeting_id)
    sent = payload.model_fields_set - {"version"}
    fields: dict[str, Any] = {k: getattr(payload, k) for k in sent if k != "commission_id"}
    if "scheduled_at" in fields and fields["scheduled_at"] is not None:
        fields["scheduled_at"] = _aware(fields["scheduled_at"])
    if "commission_id" in sent:
        fields["commission"] = _commission(payload.commission_id, meeting.body)
    for name in ("kind", "mode", "scheduled_at", "status"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    for name in ("place", "link", "objectives"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    services.update_meeting(actor=actor, meeting=meeting, expected_version=payload.version, **fields)
    return policies.get_meeting(actor, meeting.pk, shape=selectors.meeting_record)


# --- Agenda proposals ------------------------------------------------------------------
@router.get(
    "/meetings/{int:meeting_id}/agenda-proposals",
    response={200: list[AgendaProposalOut], **READ_ERRORS},
    summary="The items the body's members proposed for a meeting, with the coordinator's answers",
)
def list_agenda_proposals(request: ApiRequest, meeting_id: int) -> Any:
    meeting = policies.get_meeting(request.actor, meeting_id)
    return list(policies.visible_agenda_proposals(request.actor).filter(meeting=meeting))


@router.post(
    "/meetings/{int:meeting_id}/agenda-proposals",
    response={201: AgendaProposalOut, **WRITE_ERRORS},
    summary="Propose an item for a coming meeting (a member with a seat on the body)",
)
def propose_agenda_item(request: ApiRequest, meeting_id: int, payload: AgendaProposalIn) -> Any:
    actor = request.actor
    meeting = policies.get_meeting_for_proposal(actor, meeting_id)
    proposal = services.propose_agenda_item(actor=actor, meeting=meeting, title=payload.title, reason=payload.reason)
    return Status(201, proposal)


@router.post(
    "/agenda-proposals/{int:proposal_id}/decision",
    response={200: AgendaProposalOut, **WRITE_ERRORS},
    summary="Accept a proposal (it goes on the agenda) or decline it with an answer (the coordinator)",
)
def decide_agenda_proposal(request: ApiRequest, proposal_id: int, payload: ProposalDecisionIn) -> Any:
    actor = request.actor
    proposal = policies.get_agenda_proposal_for_decision(actor, proposal_id)
    if payload.decision == "accept":
        services.accept_agenda_proposal(
            actor=actor, proposal=proposal, expected_version=payload.version, note=payload.note
        )
    else:
        services.decline_agenda_proposal(
            actor=actor, proposal=proposal, expected_version=payload.version, note=payload.note
        )
    return policies.get_agenda_proposal_for_decision(actor, proposal.pk)


# --- Agreements ------------------------------------------------------------------------
@router.get(
    "/agreements",
    response={200: page_response(AgreementPage, AgreementCursorPage), **LIST_ERRORS},
    summary="Agreements you can see (a focal point: their area's and their institution's), the earliest due first",
)
def list_agreements(request: ApiRequest, filters: Query[AgreementFilters]) -> Any:
    read_filters(request, filters)
    if not policies.can_view_agreements(request.actor):
        raise Http404  # the same answer as the pages give these roles
    agreements = selectors.filter_agreements(
        policies.visible_agreements(request.actor),
        body_id=filters.body_id,
        owner_area_id=filters.owner_area_id,
        institution_id=filters.institution_id,
        status=filters.status,
        overdue=filters.overdue,
    )
    rows = selectors.with_institutions(agreements)
    page = paginate(request, rows, filters, order=selectors.AGREEMENT_ORDER, scope="coordination.agreements")
    return page.response()


@router.get(
    "/agreements/{int:agreement_id}", response={200: AgreementDetailOut, **READ_ERRORS}, summary="One agreement"
)
def get_agreement(request: ApiRequest, agreement_id: int) -> Any:
    return policies.get_agreement(request.actor, agreement_id, shape=selectors.with_institutions)


@router.post("/agreements", response={201: AgreementDetailOut, **WRITE_ERRORS}, summary="Record an agreement")
def create_agreement(request: ApiRequest, payload: AgreementIn) -> Any:
    actor = request.actor
    body = policies.get_body_for_edit(actor, payload.body_id)  # 404 before the payload is looked at
    area, member = _owners(body, payload.owner_area_id, payload.owner_member_id)
    meeting = _meeting(payload.meeting_id, body)
    institutions = _institutions(body, payload.institution_ids)
    agreement = services.create_agreement(
        actor=actor,
        body=body,
        meeting=meeting,
        text=payload.text,
        owner_area=area,
        owner_member=member,
        due_date=payload.due_date,
        status=payload.status,
        completed_on=payload.completed_on,
        institutions=institutions,
    )
    return Status(201, policies.get_agreement(actor, agreement.pk, shape=selectors.with_institutions))


@router.patch(
    "/agreements/{int:agreement_id}",
    response={200: AgreementDetailOut, **WRITE_ERRORS},
    summary="Change an agreement (a focal point may change only status and completed_on)",
)
def update_agreement(request: ApiRequest, agreement_id: int, payload: AgreementPatch) -> Any:
    actor = request.actor
    # The service then decides which fields this actor may change (a focal point: status only).
    agreement = policies.get_agreement_for_follow_up(actor, agreement_id)
    body = agreement.body
    sent = payload.model_fields_set - {"version"}
    fields: dict[str, Any] = {}
    for name in ("text", "due_date", "status", "completed_on"):
        if name in sent:
            fields[name] = getattr(payload, name)
    for name in ("text", "due_date", "status"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    if "owner_area_id" in sent:
        fields["owner_area"] = _owners(body, payload.owner_area_id, None)[0]
    if "owner_member_id" in sent:
        fields["owner_member"] = _owners(body, None, payload.owner_member_id)[1]
    if "meeting_id" in sent:
        fields["meeting"] = _meeting(payload.meeting_id, body)
    institutions = None
    if "institution_ids" in sent:
        if payload.institution_ids is None:
            raise ValidationError({"institution_ids": _("Send a list: empty to name no institution.")})
        institutions = _institutions(body, payload.institution_ids)
    services.update_agreement(
        actor=actor, agreement=agreement, expected_version=payload.version, institutions=institutions, **fields
    )
    return policies.get_agreement(actor, agreement.pk, shape=selectors.with_institutions)


@router.post(
    "/agreements/{int:agreement_id}/notes",
    response={201: AgreementDetailOut, **WRITE_ERRORS},
    summary="Add a follow-up note",
)
def add_note(request: ApiRequest, agreement_id: int, payload: NoteIn) -> Any:
    actor = request.actor
    agreement = policies.get_agreement_for_follow_up(actor, agreement_id)
    services.add_agreement_note(actor=actor, agreement=agreement, text=payload.text)
    return Status(201, agreement)


# --- Convocation (issue #13 item 2) -------------------------------------------------------------------
class InvitationOut(Schema):
    id: int
    meeting_id: int
    member_id: int | None
    name: str
    organisation: str
    email: str | None = Field(description="A guest's e-mail: only for who convenes the meeting")
    is_guest: bool
    rsvp: str
    rsvp_at: datetime.datetime | None
    sent_at: datetime.datetime | None
    attended: bool | None


class InviteMembersIn(StrictSchema):
    member_ids: list[Id] = Field(default_factory=list, max_length=500)
    commission_id: Id | None = Field(default=None, description="Invite every member of this commission too")


class GuestIn(StrictSchema):
    name: str = Field(min_length=1, max_length=convocation.GUEST_NAME_MAX)
    organisation: str = Field(default="", max_length=convocation.GUEST_NAME_MAX)
    email: str = Field(default="", max_length=254, description="Required: the convocation is sent there")


class ConvocationIn(StrictSchema):
    again: bool = Field(default=False, description="Send it to every invitee, also to who already received it")


class ConvocationOut(Schema):
    meeting_id: int
    convened_at: datetime.datetime | None
    sent: int = Field(description="How many e-mails were queued")


class RsvpIn(StrictSchema):
    answer: Literal["yes", "no", "maybe"]


def _invitation_out(invitation: MeetingInvitation, *, contacts: bool) -> dict[str, Any]:
    member = invitation.member
    if member is not None:
        organisation = member.area.name if member.area else (str(member.institution) if member.institution else "")
    else:
        organisation = invitation.guest_organisation
    return {
        "id": invitation.pk,
        "meeting_id": invitation.meeting_id,
        "member_id": invitation.member_id,
        "name": invitation.name,
        "organisation": organisation,
        "email": invitation.guest_email if contacts and invitation.is_guest else None,
        "is_guest": invitation.is_guest,
        "rsvp": invitation.rsvp,
        "rsvp_at": invitation.rsvp_at,
        "sent_at": invitation.sent_at,
        "attended": invitation.attended,
    }


def _invitations(request: ApiRequest, meeting: Meeting) -> list[dict[str, Any]]:
    contacts = policies_convocation.can_see_guest_contacts(request.actor, meeting)
    return [_invitation_out(i, contacts=contacts) for i in policies_convocation.invitations_of(request.actor, meeting)]


@router.get(
    "/meetings/{int:meeting_id}/invitations",
    response={200: list[InvitationOut], **READ_ERRORS},
    summary="Who is invited to a meeting, and their answers (guests' e-mails only for the coordinator)",
)
def list_invitations(request: ApiRequest, meeting_id: int) -> Any:
    return _invitations(request, policies.get_meeting(request.actor, meeting_id))


@router.post(
    "/meetings/{int:meeting_id}/invitations",
    response={201: list[InvitationOut], **WRITE_ERRORS},
    summary="Invite members of the body, or a whole commission (those already invited are left as they are)",
)
def invite_members(request: ApiRequest, meeting_id: int, payload: InviteMembersIn) -> Any:
    actor = request.actor
    meeting = policies.get_meeting_for_edit(actor, meeting_id)
    members = list(policies.members_of(meeting.body).filter(pk__in=payload.member_ids))
    if len(members) != len(set(payload.member_ids)):
        raise ValidationError({"member_ids": _("Choose members of this body.")})
    commission = _commission(payload.commission_id, meeting.body)
    convocation.invite_members(actor=actor, meeting=meeting, members=members, commission=commission)
    return Status(201, _invitations(request, meeting))


@router.post(
    "/meetings/{int:meeting_id}/guests",
    response={201: InvitationOut, **WRITE_ERRORS},
    summary="Invite a guest (staff of another area, or someone from outside): the e-mail is required",
)
def invite_guest(request: ApiRequest, meeting_id: int, payload: GuestIn) -> Any:
    actor = request.actor
    meeting = policies.get_meeting_for_edit(actor, meeting_id)
    invitation = convocation.invite_guest(
        actor=actor, meeting=meeting, name=payload.name, organisation=payload.organisation, email=payload.email
    )
    return Status(201, _invitation_out(invitation, contacts=True))


@router.delete(
    "/meetings/{int:meeting_id}/invitations/{int:invitation_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove an invitee (one who received the convocation is told they are no longer called)",
)
def remove_invitation(request: ApiRequest, meeting_id: int, invitation_id: int) -> Any:
    actor = request.actor
    meeting = policies.get_meeting_for_edit(actor, meeting_id)
    invitation = policies_convocation.get_invitation_for_edit(actor, invitation_id, meeting=meeting)
    convocation.remove_invitation(actor=actor, invitation=invitation)
    return Status(204, None)


@router.post(
    "/meetings/{int:meeting_id}/convocation",
    response={200: ConvocationOut, **WRITE_ERRORS},
    summary="Send the convocation, with its calendar invitation, to the invitees who have not received it",
)
def send_convocation(request: ApiRequest, meeting_id: int, payload: ConvocationIn) -> Any:
    actor = request.actor
    meeting = policies.get_meeting_for_edit(actor, meeting_id)
    sent = convocation.send_convocation(
        actor=actor, meeting=meeting, base_url=request.build_absolute_uri("/"), again=payload.again
    )
    meeting = policies.get_meeting(actor, meeting.pk)
    return {"meeting_id": meeting.pk, "convened_at": meeting.convened_at, "sent": sent}


@router.put(
    "/meetings/{int:meeting_id}/rsvp",
    response={200: InvitationOut, **WRITE_ERRORS},
    summary="Answer your own invitation to a meeting: yes, no or maybe (a member who was invited)",
)
def answer_invitation(request: ApiRequest, meeting_id: int, payload: RsvpIn) -> Any:
    actor = request.actor
    invitation = policies_convocation.get_invitation_to_answer(actor, meeting_id)
    answered = convocation.answer_invitation(actor=actor, invitation=invitation, answer=payload.answer)
    return _invitation_out(answered, contacts=False)

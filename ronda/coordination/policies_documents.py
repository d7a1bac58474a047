"""Who sees and uploads the documents of a coordination body and of its meetings (issue #13 item 3).

- The body's founding act and internal regulation: whoever reads the body (``policies.visible_bodies``:
  its readers and the members with a seat) sees and downloads them; the coordinator uploads them,
  their new versions, and edits what they say.
- A meeting's annexes: whoever sees the meeting sees them. The coordinator adds and revises any
  annex; a member with a seat who presents an item of the meeting's agenda adds annexes too (their
  presentation, a report) until the meeting's minutes are approved, and revises the annexes they added.

Pages and API reach documents only through the ``get_…`` functions below: 404 for missing and
forbidden alike. The store itself is the kernel's (``core.documents``), which decides nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ronda.coordination import policies
from ronda.coordination.models import AgendaItem, CoordinationBody, Meeting, MeetingStatus, MinutesStatus
from ronda.core import documents
from ronda.core.models import Document, DocumentVersion
from ronda.core.tenancy import Actor, get_object_or_404_scoped

Owner = CoordinationBody | Meeting


def register() -> None:
    """The owners of the body's documents, for the audit trail (called from the app's ``ready``)."""
    documents.register_owner(CoordinationBody, policies.visible_bodies)
    documents.register_owner(Meeting, policies.visible_meetings)


# --- Module-level checks (the decorators of the pages) -------------------------------------------
def can_read_some_documents(actor: Actor | None) -> bool:
    return policies.can_open_body(actor)


def can_edit_some_documents(actor: Actor | None) -> bool:
    """The coordinator, and members with a seat (who may present an item of a meeting)."""
    return policies.can_manage_some_body(actor) or bool(policies.seats(actor))


# --- Object checks -----------------------------------------------------------------------------------
def can_manage_body_documents(actor: Actor | None, body: CoordinationBody) -> bool:
    return policies.can_manage_body(actor, body)


def presents_at(actor: Actor | None, meeting: Meeting) -> bool:
    """A member with a seat on the meeting's body who presents one of its agenda items."""
    if actor is None or not policies.sits_on(actor, meeting.body):
        return False
    return AgendaItem.objects.filter(meeting=meeting, presenter__user=actor.user).exists()


def can_add_annex(actor: Actor | None, meeting: Meeting) -> bool:
    if policies.can_manage_body(actor, meeting.body):
        return True
    if meeting.status == MeetingStatus.CANCELLED or meeting.minutes_status == MinutesStatus.APPROVED:
        return False
    return presents_at(actor, meeting)


def can_revise(actor: Actor | None, owner: Owner, document: Document) -> bool:
    """A new version, or new details: the body's documents are the coordinator's; an annex also its
    presenter's, while they may still add annexes to the meeting."""
    if isinstance(owner, CoordinationBody):
        return can_manage_body_documents(actor, owner)
    if policies.can_manage_body(actor, owner.body):
        return True
    return actor is not None and document.created_by_id == actor.user.pk and can_add_annex(actor, owner)


# --- Lookups: 404 for missing and forbidden alike ----------------------------------------------------
def visible_documents(actor: Actor | None) -> QuerySet[Document]:
    return documents.documents_in(policies.visible_bodies(actor), policies.visible_meetings(actor))


def get_document_version(actor: Actor, pk: object) -> DocumentVersion:
    """A version of a body's document or of a meeting's annex, for whoever sees its owner."""
    versions = documents.versions_of(policies.visible_bodies(actor), policies.visible_meetings(actor))
    return get_object_or_404_scoped(versions, pk=pk)


def get_document(actor: Actor, pk: object) -> tuple[Document, Owner]:
    """A document and its owner (the body or the meeting), both through the owner's policy."""
    document = get_object_or_404_scoped(visible_documents(actor).select_related("owner_type"), pk=pk)
    owner: Owner
    if document.owner_type.model_class() is CoordinationBody:
        owner = policies.get_body(actor, document.owner_id)
    else:
        owner = policies.get_meeting(actor, document.owner_id)
    return document, owner


def get_document_for_edit(actor: Actor, pk: object) -> tuple[Document, Owner]:
    """A document the actor may revise (a new version, its details)."""
    document, owner = get_document(actor, pk)
    if not can_revise(actor, owner, document):
        raise Http404
    return document, owner


def get_meeting_for_annex(actor: Actor, pk: object) -> Meeting:
    meeting = policies.get_meeting(actor, pk)
    if not can_add_annex(actor, meeting):
        raise Http404
    return meeting

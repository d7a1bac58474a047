"""``{% body_documents body as section %}`` and ``{% meeting_documents meeting as section %}``: the
documents sections of the body's overview and of the meeting page.

The section brings its own data, as a slot contribution does (``core.slots``): the pages that show
it only include its partial. It receives the body or the meeting the page reached through the
policy, whose readers are exactly the documents' readers, and asks ``policies_documents`` what the
person may add or revise. One query for the list (``core.documents.documents_of``), however many
documents and versions; one more for a member's "do I present here?".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from ronda.coordination import policies, policies_documents
from ronda.coordination.models import CoordinationBody, Meeting
from ronda.coordination.services.documents import ANNEX, FOUNDING_KINDS, BodyDocumentKind
from ronda.core import documents
from ronda.core.tenancy import Actor

register = template.Library()


@dataclass(frozen=True)
class Item:
    listed: documents.Listed
    revisable: bool
    kind_label: str = ""


@dataclass(frozen=True)
class BodySection:
    founding: list[Item]
    regulation: list[Item]
    can_add: bool


@dataclass(frozen=True)
class MeetingSection:
    annexes: list[Item]
    can_add: bool


def _actor(context: template.Context) -> Actor | None:
    actor = getattr(context.get("request"), "actor", None)
    return actor if isinstance(actor, Actor) and actor.membership is not None else None


@register.simple_tag(takes_context=True)
def body_documents(context: template.Context, body: CoordinationBody) -> BodySection | None:
    actor = _actor(context)
    if actor is None:
        return None
    can_manage = policies_documents.can_manage_body_documents(actor, body)
    labels = dict(BodyDocumentKind.choices)
    items = [
        Item(listed, can_manage, str(labels.get(listed.document.kind, "")))
        for listed in documents.documents_of(body, kinds=BodyDocumentKind.values)
    ]
    return BodySection(
        founding=[item for item in items if item.listed.document.kind in FOUNDING_KINDS],
        regulation=[item for item in items if item.listed.document.kind == BodyDocumentKind.REGULATION],
        can_add=can_manage,
    )


@register.simple_tag(takes_context=True)
def meeting_documents(context: template.Context, meeting: Meeting) -> MeetingSection | None:
    actor = _actor(context)
    if actor is None:
        return None
    manages = policies.can_manage_body(actor, meeting.body)
    can_add = manages or policies_documents.can_add_annex(actor, meeting)

    def revisable(listed: Any) -> bool:
        # policies_documents.can_revise, without asking can_add_annex again for each annex.
        return manages or (can_add and listed.document.created_by_id == actor.user.pk)

    annexes = [Item(listed, revisable(listed)) for listed in documents.documents_of(meeting, kinds=[ANNEX])]
    return MeetingSection(annexes=annexes, can_add=can_add)

"""Who sees and makes the links between the planning cycle's records and the plan's measures.

A link is seen by whoever may read **both** ends, each in its own domain's policy: the coordination
body's readers see its agreements and agenda items, the children's council's readers its requests,
the plan's readers its measures (a focal point, only their area's). Neither end is ever shown to
someone its own module would answer 404. A link is made or removed by whoever manages the record it
starts from (the coordinator for the body's agenda and agreements, the council's managers for its
requests), and only to a measure they may read, of the same municipality.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from ronda.coordination import policies as coordination
from ronda.coordination.models import AgendaItem, Agreement
from ronda.core.tenancy import Actor, get_object_or_404_scoped
from ronda.council import policies as council
from ronda.council.models import CouncilRequest
from ronda.links.models import LinkKind, MeasureLink
from ronda.planning import policies as planning
from ronda.planning.models import Measure
from ronda.territory.models import OrgUnit

Source = AgendaItem | Agreement | CouncilRequest


def visible_links(actor: Actor | None) -> QuerySet[MeasureLink]:
    if actor is None:
        return MeasureLink.objects.none()
    sources = (
        Q(kind=LinkKind.AGENDA_ITEM, agenda_item__meeting__in=coordination.visible_meetings(actor).values("pk"))
        | Q(kind=LinkKind.AGREEMENT, agreement__in=coordination.visible_agreements(actor).values("pk"))
        | Q(kind=LinkKind.COUNCIL_REQUEST, council_request__in=council.visible_requests(actor).values("pk"))
    )
    return MeasureLink.objects.filter(sources, measure__in=planning.visible_measures(actor).values("pk"))


def municipality_of(source: Source) -> OrgUnit:
    if isinstance(source, AgendaItem):
        return source.meeting.body.org_unit
    if isinstance(source, Agreement):
        return source.body.org_unit
    return source.council.org_unit


def kind_of(source: Source) -> LinkKind:
    if isinstance(source, AgendaItem):
        return LinkKind.AGENDA_ITEM
    if isinstance(source, Agreement):
        return LinkKind.AGREEMENT
    return LinkKind.COUNCIL_REQUEST


def can_manage_links(actor: Actor | None) -> bool:
    """The module-level check of the pages that link and unlink: managers of some body or council
    (which record they may link follows in ``get_source_for_link``)."""
    return coordination.can_manage_some_body(actor) or council.can_manage_any_council(actor)


def can_link(actor: Actor | None, source: Source) -> bool:
    if actor is None:
        return False
    if isinstance(source, AgendaItem):
        return coordination.can_manage_body(actor, source.meeting.body)
    if isinstance(source, Agreement):
        return coordination.can_edit_agreement(actor, source)
    return council.can_manage_request(actor, source)


def candidate_measures(actor: Actor, source: Source) -> QuerySet[Measure]:
    """The measures ``source`` may be tied to: those the actor reads, of the same municipality."""
    return (
        planning.visible_measures(actor)
        .filter(plan__org_unit=municipality_of(source))
        .select_related("plan")
        .order_by("-plan__period_start", "code", "id")
    )


# --- One call per object: 404 for missing and forbidden alike ---------------------------------
def get_agenda_item(actor: Actor, pk: object) -> AgendaItem:
    items = AgendaItem.objects.filter(meeting__in=coordination.visible_meetings(actor).values("pk"))
    return get_object_or_404_scoped(items.select_related("meeting__body__org_unit"), pk=pk)


def get_agenda_item_for_link(actor: Actor, meeting_id: object, pk: object) -> AgendaItem:
    """An item of the agenda of meeting ``meeting_id``, for who may link it."""
    if pk is None:
        raise Http404
    item = get_agenda_item(actor, pk)
    if item.meeting_id != meeting_id or not can_link(actor, item):
        raise Http404
    return item


def get_agreement(actor: Actor, pk: object) -> Agreement:
    return coordination.get_agreement(actor, pk)


def get_council_request(actor: Actor, pk: object) -> CouncilRequest:
    return council.get_request(actor, pk)


def get_source(actor: Actor, kind: str, pk: object) -> Source:
    getters = {
        LinkKind.AGENDA_ITEM: get_agenda_item,
        LinkKind.AGREEMENT: get_agreement,
        LinkKind.COUNCIL_REQUEST: get_council_request,
    }
    getter = getters.get(kind)  # type: ignore[call-overload]
    if getter is None:
        raise Http404
    source: Source = getter(actor, pk)
    return source


def get_source_for_link(actor: Actor, kind: str, pk: object) -> Source:
    source = get_source(actor, kind, pk)
    if not can_link(actor, source):
        raise Http404
    return source


def get_measure_for_link(actor: Actor, source: Source, pk: int) -> Measure | None:
    """The measure chosen for ``source`` (None when it is not among the candidates: the service
    answers that in Spanish, the form shows it)."""
    return candidate_measures(actor, source).filter(pk=pk).first()


def get_link(actor: Actor, pk: object) -> MeasureLink:
    return get_object_or_404_scoped(visible_links(actor), pk=pk)


def get_link_for_removal(actor: Actor, pk: object) -> MeasureLink:
    link = get_object_or_404_scoped(
        visible_links(actor).select_related(
            "agenda_item__meeting__body", "agreement__body", "council_request__council"
        ),
        pk=pk,
    )
    if not can_link(actor, source_of(link)):
        raise Http404
    return link


def source_of(link: MeasureLink) -> Source:
    source: Source | None = link.agenda_item or link.agreement or link.council_request
    assert source is not None
    return source


def audit_readers() -> dict[str, Any]:
    return {"links.measurelink": visible_links}

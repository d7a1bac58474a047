"""What the pages and the public page show of the links (each through ``links.policies``)."""

from __future__ import annotations

from django.db.models import QuerySet

from ronda.core.tenancy import Actor
from ronda.links import policies
from ronda.links.models import SOURCE_FIELD, LinkKind, MeasureLink
from ronda.planning.models import Measure


def links_from(actor: Actor, source: policies.Source) -> list[MeasureLink]:
    """The links of one record to the measures the actor reads."""
    field = SOURCE_FIELD[policies.kind_of(source)]
    return list(policies.visible_links(actor).filter(**{field: source}).select_related("measure__plan").order_by("id"))


def links_of_meeting(actor: Actor, meeting_id: int) -> list[MeasureLink]:
    """The links of every agenda item of one meeting, in the agenda's order."""
    return list(
        policies.visible_links(actor)
        .filter(kind=LinkKind.AGENDA_ITEM, agenda_item__meeting_id=meeting_id)
        .select_related("measure__plan", "agenda_item")
        .order_by("agenda_item__order", "agenda_item_id", "id")
    )


def links_to(actor: Actor, measure: Measure) -> QuerySet[MeasureLink]:
    """The records tied to one measure that the actor may read (their ends checked by their policies)."""
    return (
        policies.visible_links(actor)
        .filter(measure=measure)
        .select_related("agenda_item__meeting__body", "agreement", "council_request__council")
        .order_by("kind", "created_at", "id")
    )

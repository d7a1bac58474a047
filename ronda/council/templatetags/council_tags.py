"""Template helpers of the children's council, including the coordinator's home widget."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from ronda.council import policies, selectors
from ronda.council.models import CouncilRequest, RequestStatus

register = template.Library()

STATUS_CLASSES: dict[str, str] = {
    RequestStatus.RECEIVED: "badge",
    RequestStatus.UNDER_STUDY: "badge warn",
    RequestStatus.ACCEPTED: "badge ok",
    RequestStatus.PARTLY_ACCEPTED: "badge ok",
    RequestStatus.REJECTED: "badge",
    RequestStatus.IMPLEMENTED: "badge ok",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "badge")


@register.filter
def days_overdue(council_request: CouncilRequest) -> int:
    return max((timezone.localdate() - council_request.due_on).days, 0)


@register.filter
def days_late(council_request: CouncilRequest) -> int:
    """Days between the due date and the answer (0 when answered on time)."""
    if council_request.answered_on is None:
        return 0
    return max((council_request.answered_on - council_request.due_on).days, 0)


@register.simple_tag(takes_context=True)
def council_overdue_requests(context: Any, limit: int = 5) -> list[CouncilRequest] | None:
    """Overdue requests the current actor may see; None when they may not see requests at all."""
    actor = context.get("actor")
    if not policies.can_view_requests(actor):
        return None
    return selectors.overdue_requests_for(actor, limit=limit)


@register.simple_tag(takes_context=True)
def council_overdue_total(context: Any) -> int:
    return selectors.overdue_count_for(context.get("actor"))

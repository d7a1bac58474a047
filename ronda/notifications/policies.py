"""Who sees what of the notifications: each person their own choices, e-mails and feeds; the
outbox log, administrators only (it lists every address Ronda writes to)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from ronda.core.roles import Role
from ronda.core.tenancy import Actor
from ronda.notifications.models import CalendarFeed, NotificationPreference, OutgoingEmail


def can_read_outbox(actor: Actor | None) -> bool:
    return actor is not None and actor.membership is not None and actor.has_role(Role.ADMIN)


def can_manage_outbox(actor: Actor | None) -> bool:
    """Sending a failed e-mail again: administrators, who read the log."""
    return can_read_outbox(actor)


def visible_outbox(actor: Actor | None) -> QuerySet[OutgoingEmail]:
    if not can_read_outbox(actor):
        return OutgoingEmail.objects.none()
    return OutgoingEmail.objects.all()


def get_email_for_retry(actor: Actor, pk: object) -> OutgoingEmail:
    if not can_manage_outbox(actor):
        raise Http404
    return get_object_or_404(visible_outbox(actor), pk=pk)


def own_emails(actor: Actor) -> QuerySet[OutgoingEmail]:
    return OutgoingEmail.objects.filter(recipient=actor.user)


def own_feeds(actor: Actor) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(user=actor.user)


def get_own_feed(actor: Actor, pk: object) -> CalendarFeed:
    """The actor's own feed; anyone else's answers 404 like a missing one."""
    return get_object_or_404(own_feeds(actor), pk=pk)


def _own(model: Any, field: str = "user") -> Any:
    def visible(actor: Actor) -> QuerySet[Any]:
        if can_read_outbox(actor):
            return model.objects.all()
        return model.objects.filter(**{field: actor.user})

    return visible


def audit_readers() -> dict[str, Any]:
    """The trail shows an event's values to its own person and to administrators."""
    return {
        "notifications.outgoingemail": _own(OutgoingEmail, "recipient"),
        "notifications.notificationpreference": _own(NotificationPreference),
        "notifications.calendarfeed": _own(CalendarFeed),
    }

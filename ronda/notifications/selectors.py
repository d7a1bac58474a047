"""What the notification pages read: a person's choices, their kinds and feeds, their last e-mails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ronda.notifications import kinds
from ronda.notifications.models import CalendarFeed, NotificationPreference, OutgoingEmail

if TYPE_CHECKING:
    from ronda.accounts.models import User
    from ronda.core.tenancy import Actor

RECENT_EMAILS = 20


def choices_of(user: User) -> dict[str, bool]:
    """The user's stored choices by kind key (a kind without a row follows its default)."""
    return dict(NotificationPreference.objects.filter(user=user).values_list("kind", "enabled"))


def roles_of(user: User) -> set[str]:
    """The roles of the user's active memberships: which kinds and feeds concern them."""
    from ronda.accounts import selectors as accounts

    return {membership.role for membership in accounts.active_memberships(user)}


@dataclass(frozen=True)
class Choice:
    kind: kinds.Kind
    wanted: bool


def choices_for(user: User) -> list[Choice]:
    """The kinds that concern the user's roles, each with what they chose (or its default)."""
    stored = choices_of(user)
    roles = roles_of(user)
    return [
        Choice(kind=kind, wanted=stored.get(kind.key, kind.default))
        for kind in kinds.all_kinds()
        if kind.concerns(roles)
    ]


def weekly_digest_on(user: User) -> bool:
    return choices_of(user).get(kinds.WEEKLY_DIGEST, True)


def recent_emails(user: User, limit: int = RECENT_EMAILS) -> list[OutgoingEmail]:
    return list(
        OutgoingEmail.objects.filter(recipient=user).only("subject", "status", "created_at", "sent_at", "kind")[:limit]
    )


@dataclass(frozen=True)
class FeedRow:
    feed: CalendarFeed
    label: Any
    object_label: str


def feeds_of(actor: Actor) -> list[FeedRow]:
    """The actor's feeds, newest first, with the calendar's name (and the body's, for a feed per body)."""
    rows = []
    names: dict[str, dict[int, str]] = {}
    for feed in CalendarFeed.objects.filter(user=actor.user):
        declared = kinds.get_feed(feed.kind)
        label: Any = declared.label if declared is not None else feed.kind
        object_label = ""
        if declared is not None and declared.objects is not None and feed.object_id is not None:
            if feed.kind not in names:
                names[feed.kind] = dict(declared.objects(actor))
            object_label = names[feed.kind].get(feed.object_id, "")
        rows.append(FeedRow(feed=feed, label=label, object_label=object_label))
    return rows


def feed_options(actor: Actor) -> list[tuple[str, str]]:
    """The calendars the actor may subscribe to, as (value, label): ``key`` or ``key:object_id``."""
    roles = roles_of(actor.user)
    options: list[tuple[str, str]] = []
    for feed in kinds.all_feeds():
        if not feed.concerns(roles):
            continue
        if feed.objects is None:
            options.append((feed.key, str(feed.label)))
        else:
            options += [(f"{feed.key}:{pk}", f"{feed.label}: {name}") for pk, name in feed.objects(actor)]
    return options

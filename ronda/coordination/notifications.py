"""The coordination body's calendar (issue #13 item 2), found by ``ronda.notifications.kinds``: a private
feed per body, for whoever may read the body (its readers and its seats). The feed is read by a
calendar program with no session: each time, the person's actors are rebuilt from their active
memberships and the body's policy is asked again, so a seat that ended or a role that changed empties
the calendar. A meeting's invitation is the same event (``meeting_event``), its ``SEQUENCE`` the
meeting's version, so that a calendar updates it when the date or the place changes.

A second feed, "My meetings", is one per person: every meeting of every body they may read, and
every meeting they were invited to as a member. The kinds of e-mail the convocation sends
(``services.convocation``) are declared here too, so that each person can turn them off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ronda.coordination import policies, policies_convocation
from ronda.coordination.models import Meeting, MeetingMode, MeetingStatus
from ronda.notifications import ics
from ronda.territory.selectors import time_zone_of

if TYPE_CHECKING:
    import icalendar

    from ronda.accounts.models import User
    from ronda.core.tenancy import Actor
    from ronda.notifications.kinds import FeedSpec, KindSpec

BODY_FEED = "coordination.body_meetings"
MY_FEED = "coordination.my_meetings"
KIND_CONVOCATION = "coordination.convocation"
KIND_CHANGED = "coordination.meeting_changed"
KIND_CANCELLED = "coordination.meeting_cancelled"
KIND_REMINDER = "coordination.meeting_reminder"
# What a calendar keeps: the last three months and the coming year.
PAST_DAYS = 92
FUTURE_DAYS = 366
MEETING_HOURS = 2  # a meeting records no end: shown as two hours


def _actors(user: User) -> list[Actor]:
    from ronda.accounts import selectors as accounts
    from ronda.core.tenancy import actor_for

    return [actor_for(user, membership) for membership in accounts.active_memberships(user)]


def _bodies(actor: Actor) -> list[tuple[int, str]]:
    return [(b.pk, f"{b.name} ({b.org_unit.name})") for b in policies.visible_bodies(actor).order_by("name")]


def meeting_event(
    meeting: Meeting,
    *,
    attendees: Sequence[tuple[str, str]] = (),
    organizer: tuple[str, str] | None = None,
    cancelled: bool | None = None,
) -> icalendar.Event:
    """The meeting as a calendar event (the feed's, and the invitation's: with its ``attendees`` and
    ``organizer`` as (address, name) pairs; ``cancelled`` overrides the meeting's own status, for an
    invitee who is no longer called)."""
    agenda = [item.title for item in meeting.agenda.all()]
    description = "\n".join(f"{n}. {title}" for n, title in enumerate(agenda, start=1))
    where = meeting.link if meeting.mode == MeetingMode.VIRTUAL else meeting.place
    return ics.event(
        uid=f"coordination-meeting-{meeting.pk}@ronda",
        start=meeting.scheduled_at,
        end=meeting.scheduled_at + dt.timedelta(hours=MEETING_HOURS),
        time_zone=time_zone_of(meeting.body.org_unit),
        summary=_("%(kind)s meeting — %(body)s") % {"kind": meeting.get_kind_display(), "body": meeting.body.name},
        location=where,
        description=description,
        sequence=meeting.version,
        cancelled=meeting.status == MeetingStatus.CANCELLED if cancelled is None else cancelled,
        attendees=attendees,
        organizer=organizer,
    )


def body_events(user: User, body_id: int | None) -> list[icalendar.Event]:
    """The meetings of the body ``body_id`` for ``user``, if one of their actors may still read it."""
    if body_id is None:
        return []
    for actor in _actors(user):
        body = policies.visible_bodies(actor).filter(pk=body_id).first()
        if body is None:
            continue
        now = timezone.now()
        meetings = (
            policies.visible_meetings(actor)
            .filter(
                body=body,
                scheduled_at__gte=now - dt.timedelta(days=PAST_DAYS),
                scheduled_at__lte=now + dt.timedelta(days=FUTURE_DAYS),
            )
            .prefetch_related("agenda")
            .order_by("scheduled_at")
        )
        return [meeting_event(meeting) for meeting in meetings]
    return []


def my_events(user: User, object_id: int | None) -> list[icalendar.Event]:
    """Every meeting of every body ``user`` may still read (asked again of each of their actors) and
    every meeting they were invited to as a member, in the calendar's window."""
    if object_id is not None:
        return []
    now = timezone.now()
    window = {
        "scheduled_at__gte": now - dt.timedelta(days=PAST_DAYS),
        "scheduled_at__lte": now + dt.timedelta(days=FUTURE_DAYS),
    }
    found: dict[int, Meeting] = {}
    for actor in _actors(user):
        for meeting in policies.visible_meetings(actor).filter(**window).prefetch_related("agenda"):
            found[meeting.pk] = meeting
    for meeting in policies_convocation.meetings_invited_to(user).filter(**window).prefetch_related("agenda"):
        found.setdefault(meeting.pk, meeting)
    return [meeting_event(meeting) for meeting in sorted(found.values(), key=lambda m: (m.scheduled_at, m.pk))]


NOTIFICATION_KINDS: list[KindSpec] = [
    {
        "key": KIND_CONVOCATION,
        "label": gettext_lazy("Convocations of the coordination body"),
        "description": gettext_lazy("When you are called to a meeting of the body, with its invitation."),
        "default": True,
        "roles": [],
    },
    {
        "key": KIND_CHANGED,
        "label": gettext_lazy("Changes to a meeting you are called to"),
        "description": gettext_lazy("A new date, place, link or agenda of a meeting you were convened to."),
        "default": True,
        "roles": [],
    },
    {
        "key": KIND_CANCELLED,
        "label": gettext_lazy("Cancelled meetings"),
        "description": gettext_lazy("When a meeting you were convened to is cancelled."),
        "default": True,
        "roles": [],
    },
    {
        "key": KIND_REMINDER,
        "label": gettext_lazy("Meeting reminders"),
        "description": gettext_lazy("A few days before a meeting you were convened to, as the body chose."),
        "default": True,
        "roles": [],
    },
]


CALENDAR_FEEDS: list[FeedSpec] = [
    {
        "key": BODY_FEED,
        "label": gettext_lazy("Meetings of the coordination body"),
        "description": gettext_lazy("The body's meetings, with their agenda, in your calendar program."),
        "roles": [],
        "events": body_events,
        "objects": _bodies,
    },
    {
        "key": MY_FEED,
        "label": gettext_lazy("My meetings"),
        "description": gettext_lazy(
            "Every meeting of the coordination bodies you take part in, and those you are invited to."
        ),
        "roles": [],
        "events": my_events,
    },
]

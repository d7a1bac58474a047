"""iCalendar (RFC 5545) written with the ``icalendar`` library: events for feeds and invitations.

    meeting = ics.event(
        uid=ics.uid("coordination.meeting", meeting.pk),
        start=meeting.starts_at, end=meeting.ends_at, time_zone="America/Guayaquil",
        summary="Sesión ordinaria de la mesa", location="Salón municipal",
        organizer=("mesa@municipio.gob.ec", "Secretaría de la mesa"), sequence=meeting.version,
    )
    text = ics.to_text(ics.calendar([meeting], method=ics.Method.REQUEST))

A feed is ``method=None`` (a plain published calendar); an invitation attached to an e-mail is
``REQUEST``, and its cancellation ``CANCEL`` with the same UID and a higher SEQUENCE. Times are
written in their zone (``DTSTART;TZID=America/Guayaquil:…``) with the zone's VTIMEZONE, so a
client shows a meeting at the wall-clock time it was called for; an all-day event takes dates.
"""

from __future__ import annotations

import datetime as dt
import enum
import zoneinfo
from collections.abc import Iterable, Sequence

import icalendar
from django.conf import settings
from django.utils import timezone

PRODID = "-//Ronda//Notificaciones//ES"
UID_DOMAIN = "ronda"


class Method(enum.StrEnum):
    PUBLISH = "PUBLISH"
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


def uid(kind: str, pk: object) -> str:
    """A stable UID for an object: the same meeting keeps its UID across updates and cancellation."""
    return f"{kind}-{pk}@{UID_DOMAIN}"


def _zoned(value: dt.datetime | dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime | dt.date:
    if isinstance(value, dt.datetime):
        aware = value if timezone.is_aware(value) else value.replace(tzinfo=zone)
        return aware.astimezone(zone)
    return value


def event(
    *,
    uid: str,
    start: dt.datetime | dt.date,
    summary: str,
    end: dt.datetime | dt.date | None = None,
    time_zone: str = "",
    location: str = "",
    description: str = "",
    organizer: tuple[str, str] | None = None,
    attendees: Sequence[tuple[str, str]] = (),
    sequence: int = 0,
    cancelled: bool = False,
    url: str = "",
    stamp: dt.datetime | None = None,
) -> icalendar.Event:
    """One VEVENT. ``time_zone`` (default ``settings.TIME_ZONE``) is the zone its times are shown in;
    a naive time is read in that zone. ``organizer`` and ``attendees`` are (address, name) pairs."""
    zone = zoneinfo.ZoneInfo(time_zone or settings.TIME_ZONE)
    item = icalendar.Event()
    item.add("uid", uid)
    item.add("dtstamp", (stamp or timezone.now()).astimezone(dt.UTC))
    item.add("dtstart", _zoned(start, zone))
    if end is not None:
        item.add("dtend", _zoned(end, zone))
    item.add("summary", summary)
    if location:
        item.add("location", location)
    if description:
        item.add("description", description)
    if url:
        item.add("url", url)
    if organizer is not None:
        item.add("organizer", _address(*organizer))
    for address, name in attendees:
        who = _address(address, name)
        who.params["ROLE"] = "REQ-PARTICIPANT"
        who.params["RSVP"] = "TRUE"
        item.add("attendee", who)
    item.add("sequence", sequence)
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return item


def _address(address: str, name: str) -> icalendar.vCalAddress:
    who = icalendar.vCalAddress(f"mailto:{address}")
    if name:
        who.params["CN"] = name
    return who


def calendar(events: Iterable[icalendar.Event], *, method: Method | None = None, name: str = "") -> icalendar.Calendar:
    """A VCALENDAR of ``events`` with the VTIMEZONE of every zone they use."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method is not None:
        cal.add("method", str(method))
    if name:
        cal.add("x-wr-calname", name)
    for item in events:
        cal.add_component(item)
    cal.add_missing_timezones()
    return cal


def to_text(cal: icalendar.Calendar) -> str:
    return cal.to_ical().decode("utf-8")


CONTENT_TYPE = "text/calendar; charset=utf-8"


def invitation_type(method: Method) -> str:
    """The MIME type of an invitation attached to an e-mail (clients read the method from it)."""
    return f"text/calendar; method={method}; charset=utf-8"

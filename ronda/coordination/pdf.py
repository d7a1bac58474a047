"""The minutes (acta) of a meeting as a formal PDF, rendered by WeasyPrint from a template."""

from __future__ import annotations

import base64
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from ronda.coordination.models import (
    AttendanceStatus,
    BodyMember,
    CoordinationBody,
    Meeting,
    MeetingInvitation,
    MeetingStatus,
    MinutesStatus,
)
from ronda.coordination.selectors import active_members, attendance_rows
from ronda.core.http import download_name

TEMPLATE = "coordination/minutes_pdf.html"
NOTICE_TEMPLATE = "coordination/notice_pdf.html"


def minutes_context(meeting: Meeting) -> dict[str, Any]:
    """Everything the acta shows. ``meeting`` should come from ``selectors.meeting_record``."""
    rows = attendance_rows(meeting)
    by_status: dict[str, list[Any]] = {s: [] for s in AttendanceStatus.values}
    for row in rows:
        if row["status"]:
            by_status[row["status"]].append(row["member"])
    body = meeting.body
    present = by_status[AttendanceStatus.PRESENT]
    return {
        "quorum": {"present": len(present), "members": len(rows)} if any(r["status"] for r in rows) else None,
        "signatories": _signatories(meeting),
        "meeting": meeting,
        "body": body,
        "municipality": body.org_unit,
        "coat_of_arms": coat_of_arms_uri(body),
        "local_start": timezone.localtime(meeting.scheduled_at),
        "attendees": by_status[AttendanceStatus.PRESENT],
        "guests": [line for line in meeting.guests.splitlines() if line.strip()],
        # The invited guests (issue #13) who were recorded as present, with their organisation.
        "invited_guests": list(_guests(meeting).filter(attended=True)),
        "excused": by_status[AttendanceStatus.EXCUSED],
        "absent": by_status[AttendanceStatus.ABSENT],
        "agenda": list(meeting.agenda.all()),
        "agreements": list(meeting.agreements.all()),
        "is_draft": meeting.minutes_status != MinutesStatus.APPROVED,
        "approved_at": meeting.minutes_approved_at,
        "generated_at": timezone.localtime(),
    }


def _guests(meeting: Meeting) -> QuerySet[MeetingInvitation]:
    """The guests invited to ``meeting`` (not members), by name."""
    return MeetingInvitation.objects.filter(meeting=meeting, member__isnull=True).order_by("guest_name", "id")


def coat_of_arms_uri(body: CoordinationBody) -> str:
    """The stored coat of arms as a data: URL (the only kind the PDF renderer may fetch); empty
    when there is none or the file is missing (a document is never refused for its letterhead)."""
    try:
        if body.coat_of_arms:
            with default_storage.open(body.coat_of_arms, "rb") as stored:
                data = stored.read()
        elif body.org_unit.coat_of_arms:
            # The body has none of its own: the municipality's (territory.identity, decision 0030).
            with body.org_unit.coat_of_arms.open("rb") as stored:
                data = stored.read()
        else:
            return ""
    except OSError:
        return ""
    kind = "image/jpeg" if data.startswith(b"\xff\xd8") else "image/png"
    return f"data:{kind};base64," + base64.b64encode(data).decode("ascii")


def _signatories(meeting: Meeting) -> list[tuple[BodyMember | None, str]]:
    """Who signs the acta, under which title: the chair and the secretary (a blank line for a
    signatory not yet named)."""
    return [
        (meeting.chaired_by, gettext("Chair of the meeting")),
        (meeting.recorded_by, gettext("Secretary of the meeting")),
    ]


def is_notice(meeting: Meeting) -> bool:
    """A meeting still to be held has no minutes to show: it gets its notice of meeting (convocatoria).
    Once its date has passed it gets its minutes (a draft until they are written and approved)."""
    return (
        meeting.status == MeetingStatus.SCHEDULED
        and meeting.minutes_status == MinutesStatus.NONE
        and meeting.scheduled_at > timezone.now()
    )


def notice_context(meeting: Meeting) -> dict[str, Any]:
    """The convocatoria: date, place or link, agenda and who is called (the members on that day)."""
    day = timezone.localtime(meeting.scheduled_at).date()
    return {
        "meeting": meeting,
        "body": meeting.body,
        "municipality": meeting.body.org_unit,
        "coat_of_arms": coat_of_arms_uri(meeting.body),
        "local_start": timezone.localtime(meeting.scheduled_at),
        "agenda": list(meeting.agenda.all()),
        "called": list(active_members(meeting.body, day)),
        "called_guests": list(_guests(meeting)),
        "generated_at": timezone.localtime(),
    }


def render_minutes_html(meeting: Meeting) -> str:
    if is_notice(meeting):
        return render_to_string(NOTICE_TEMPLATE, notice_context(meeting))
    return render_to_string(TEMPLATE, minutes_context(meeting))


def render_minutes_pdf(meeting: Meeting) -> bytes:
    import weasyprint  # heavy (Pango, fonts): loaded only when somebody asks for a PDF

    # Only data: URLs may be fetched: the acta never reaches out to the network or the disk.
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
    return bytes(weasyprint.HTML(string=render_minutes_html(meeting), url_fetcher=fetcher).write_pdf())


def minutes_filename(meeting: Meeting) -> str:
    day = timezone.localtime(meeting.scheduled_at).date().isoformat()
    kind = "convocatoria" if is_notice(meeting) else "acta"
    return download_name(kind, meeting.body.org_unit.name, day, extension="pdf", default=kind)

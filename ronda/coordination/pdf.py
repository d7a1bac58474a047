"""The minutes (acta) of a meeting as a formal PDF, rendered by WeasyPrint from a template."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from ronda.coordination.models import AttendanceStatus, Meeting, MinutesStatus
from ronda.coordination.selectors import attendance_rows

TEMPLATE = "coordination/minutes_pdf.html"


def minutes_context(meeting: Meeting) -> dict[str, Any]:
    """Everything the acta shows. ``meeting`` should come from ``selectors.meeting_record``."""
    rows = attendance_rows(meeting)
    by_status: dict[str, list[Any]] = {s: [] for s in AttendanceStatus.values}
    for row in rows:
        if row["status"]:
            by_status[row["status"]].append(row["member"])
    body = meeting.body
    return {
        "meeting": meeting,
        "body": body,
        "municipality": body.org_unit,
        "local_start": timezone.localtime(meeting.scheduled_at),
        "attendees": by_status[AttendanceStatus.PRESENT],
        "excused": by_status[AttendanceStatus.EXCUSED],
        "absent": by_status[AttendanceStatus.ABSENT],
        "agenda": list(meeting.agenda.all()),
        "agreements": list(meeting.agreements.all()),
        "is_draft": meeting.minutes_status != MinutesStatus.APPROVED,
        "approved_at": meeting.minutes_approved_at,
        "generated_at": timezone.localtime(),
    }


def render_minutes_html(meeting: Meeting) -> str:
    return render_to_string(TEMPLATE, minutes_context(meeting))


def render_minutes_pdf(meeting: Meeting) -> bytes:
    import weasyprint  # heavy (Pango, fonts): loaded only when somebody asks for a PDF

    # Only data: URLs may be fetched: the acta never reaches out to the network or the disk.
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
    return bytes(weasyprint.HTML(string=render_minutes_html(meeting), url_fetcher=fetcher).write_pdf())


def minutes_filename(meeting: Meeting) -> str:
    day = timezone.localtime(meeting.scheduled_at).date().isoformat()
    return f"acta-{slugify(meeting.body.org_unit.name) or 'mesa'}-{day}.pdf"

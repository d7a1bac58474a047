"""The report as PDF (WeasyPrint, from an HTML template) and as XLSX (openpyxl, via ``core.spreadsheets``)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ronda.accountability import charts
from ronda.accountability.selectors import ReportData
from ronda.core import spreadsheets


def report_context(data: ReportData) -> dict[str, Any]:
    overview = data.overview
    line_rows = [(line.line.title, line.progress) for line in overview.lines]
    area_rows = [(row.label, row.planned, row.executed) for row in data.budget_by_area]
    return {
        "data": data,
        "overview": overview,
        "lines_chart": charts.progress_bars(line_rows, title=_("Progress by strategic line")),
        "budget_chart": charts.planned_vs_executed(
            area_rows,
            title=_("Budget planned and executed by area"),
            planned_label=_("Planned"),
            executed_label=_("Executed"),
        )
        if area_rows
        else "",
    }


def render_pdf(data: ReportData) -> bytes:
    import weasyprint  # imported here: only report downloads need Pango on the server

    html = render_to_string("accountability/report_pdf.html", report_context(data))
    # Everything is inline (CSS, SVG charts): the renderer may fetch nothing from the network or disk.
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
    return bytes(weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf())


def render_xlsx(data: ReportData) -> bytes:
    # Written through core.spreadsheets: justifications and plan changes are users' text, and a
    # text starting with "=" must never become a live formula in the coordinator's spreadsheet.
    book = spreadsheets.XlsxWorkbook()
    summary = book.sheet(_("Summary"))

    plan = data.plan
    summary.append([_("Municipality"), plan.org_unit.name])
    summary.append([_("Plan"), plan.title])
    summary.append([_("Report"), data.kind_label])
    summary.append([_("Period"), data.period.label])
    summary.append([_("From"), data.period.start])
    summary.append([_("To"), data.period.end])
    summary.append(
        [_("Plan progress (%)"), float(data.overview.progress) if data.overview.progress is not None else None]
    )
    summary.append([_("Measures"), data.overview.measure_count])

    lines = book.sheet(_("Progress"))
    lines.append(
        [
            _("Line"),
            _("Objective"),
            _("Code"),
            _("Measure"),
            _("Responsible area"),
            _("Status"),
            _("Progress (%)"),
            _("Justification"),
        ],
        bold=True,
    )
    for line in data.overview.lines:
        for node in line.objectives:
            for measure_row in node.measures:
                m = measure_row.measure
                lines.append(
                    [
                        line.line.title,
                        node.objective.title,
                        m.code,
                        m.title,
                        m.responsible_area.name,
                        str(m.get_status_display()),
                        float(m.progress),
                        m.progress_justification,
                    ]
                )

    indicators = book.sheet(_("Indicators"))
    indicators.append(
        [
            _("Measure"),
            _("Indicator"),
            _("Unit"),
            _("Baseline"),
            _("Target"),
            _("Latest value"),
            _("Latest value on"),
        ],
        bold=True,
    )
    for ind in data.indicators:
        indicators.append(
            [
                str(ind.measure),
                ind.name,
                ind.unit,
                float(ind.baseline) if ind.baseline is not None else None,
                float(ind.target) if ind.target is not None else None,
                float(ind.latest_value) if ind.latest_value is not None else None,
                ind.latest_on,
            ]
        )

    budget = book.sheet(_("Budget"))
    budget.append([_("Area"), _("Planned"), _("Executed"), _("Execution (%)")], bold=True)
    for row in [*data.budget_by_area, data.budget_total]:
        rate = row.execution_rate
        budget.append([row.label, float(row.planned), float(row.executed), float(rate) if rate is not None else None])
    budget.append([])
    budget.append([_("Year"), _("Planned"), _("Executed"), _("Execution (%)")], bold=True)
    for row in data.budget_by_year:
        rate = row.execution_rate
        budget.append([row.label, float(row.planned), float(row.executed), float(rate) if rate is not None else None])

    body = book.sheet(_("Coordination body"))
    a, b = data.agreements, data.body
    for label, value in [
        (_("Meetings held"), b.meetings_held),
        (_("Ordinary"), b.ordinary),
        (_("Extraordinary"), b.extraordinary),
        (_("Urgent"), b.urgent),
        (_("Minutes approved"), b.minutes_approved),
        (_("Attendance rate (%)"), b.attendance_rate),
        (_("Agreements due in the period"), a.due),
        (_("Fulfilled on time"), a.fulfilled_on_time),
        (_("Fulfilled late"), a.fulfilled_late),
        (_("Open and overdue"), a.open_overdue),
        (_("Open, not yet due"), a.open_not_due),
        (_("Cancelled"), a.cancelled),
    ]:
        body.append([label, value])

    council = book.sheet(_("Children's council"))
    c = data.council
    if c.exists and c.requests is not None:
        for label, value in [
            (_("Council sessions"), c.sessions),
            (_("Accountability sessions"), c.accountability_sessions),
            (_("Requests received"), c.requests.received),
            (_("Requests answered"), c.requests.answered),
            (_("Answered on time"), c.requests.answered_on_time),
            (_("Open and overdue"), c.requests.overdue),
        ]:
            council.append([label, value])
    else:
        council.append([_("This municipality has no children's council recorded.")])

    changes = book.sheet(_("Plan changes"))
    changes.append([_("Date"), _("Measure"), _("What changed"), _("Why"), _("Approved by")], bold=True)
    for change in data.changes:
        changes.append([change.changed_on, str(change.measure or ""), change.what, change.why, change.approved_by])

    return book.to_bytes()

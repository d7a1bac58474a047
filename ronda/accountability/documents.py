"""The report as PDF (WeasyPrint, from an HTML template) and as XLSX (openpyxl, via ``core.spreadsheets``)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ronda.accountability import charts
from ronda.accountability.selectors import ReportData
from ronda.core import spreadsheets
from ronda.core.spreadsheets import Count, Money, Number
from ronda.territory.selectors import currency_of


def report_context(data: ReportData) -> dict[str, Any]:
    overview = data.overview
    currency = currency_of(data.plan.org_unit)
    line_rows = [(line.line.title, line.progress) for line in overview.lines]
    area_rows = [(row.label, row.planned, row.executed) for row in data.budget_by_area]
    return {
        "data": data,
        "overview": overview,
        "currency": currency,
        "lines_chart": charts.progress_bars(line_rows, title=_("Progress by strategic line")),
        "budget_chart": charts.planned_vs_executed(
            area_rows,
            title=_("Budget planned and executed by area"),
            planned_label=pgettext("budget", "Planned"),
            executed_label=_("Executed"),
            currency=currency,
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
    currency = currency_of(data.plan.org_unit)
    summary = book.sheet(_("Summary"))

    plan = data.plan
    summary.append([_("Municipality"), plan.org_unit.name])
    summary.append([_("Plan"), plan.title])
    summary.append([_("Report"), data.kind_label])
    summary.append([_("Period"), data.period.label])
    summary.append([pgettext("period", "From"), data.period.start])
    summary.append([_("To"), data.period.end])
    summary.append([_("Plan progress (%)"), Number(data.overview.progress, 1)])
    summary.append([_("Measures"), Count(data.overview.measure_count)])
    summary.append([_("Currency"), currency])

    lines = book.sheet(_("Progress"))
    lines.append(
        [
            _("Line"),
            _("Objective"),
            _("Code"),
            pgettext("plan measure", "Measure"),
            _("Responsible area"),
            pgettext("plan measure", "Status"),
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
                        Number(m.progress, 0),
                        m.progress_justification,
                    ]
                )

    indicators = book.sheet(_("Indicators"))
    indicators.append(
        [
            pgettext("plan measure", "Measure"),
            _("Indicator"),
            _("Unit"),
            _("Baseline"),
            _("Target"),
            _("Latest value"),
            _("Period of the latest value"),
            *(str(year) for year in data.plan.years),
        ],
        bold=True,
    )
    for ind in data.indicators:
        # One column a year of the plan: the trend, as numbers a spreadsheet can chart.
        by_period = {point.period: point.value for point in ind.trend}
        indicators.append(
            [
                str(ind.measure),
                ind.name,
                ind.unit,
                Number.figure(ind.baseline),
                Number.figure(ind.target),
                Number.figure(ind.latest_value),
                ind.latest_period,
                *(Number.figure(by_period.get(str(year))) for year in data.plan.years),
            ]
        )

    budget = book.sheet(_("Budget"))
    budget.append(
        [_("Area"), pgettext("budget", "Planned"), _("Executed"), _("Execution (%)")], bold=True
    )  # money in `currency`
    for row in [*data.budget_by_area, data.budget_total]:
        rate = row.execution_rate
        budget.append([row.label, Money(row.planned, currency), Money(row.executed, currency), Number(rate, 0)])
    budget.append([])
    budget.append([_("Year"), pgettext("budget", "Planned"), _("Executed"), _("Execution (%)")], bold=True)
    for row in data.budget_by_year:
        rate = row.execution_rate
        budget.append([row.label, Money(row.planned, currency), Money(row.executed, currency), Number(rate, 0)])
    if data.investment:
        # The share of the municipal budget invested in children; a year without a total says so.
        budget.append([])
        budget.append(
            [
                _("Year"),
                _("Municipal budget"),
                pgettext("budget", "Planned"),
                _("Share planned (%)"),
                _("Executed"),
                _("Share executed (%)"),
            ],
            bold=True,
        )
        for year in data.investment:
            if year.total is None:
                none = _("no municipal budget entered")
                budget.append(
                    [str(year.year), none, Money(year.planned, currency), none, Money(year.executed, currency), none]
                )
            else:
                budget.append(
                    [
                        str(year.year),
                        Money(year.total, currency),
                        Money(year.planned, currency),
                        Number(year.planned_share, 2),
                        Money(year.executed, currency),
                        Number(year.executed_share, 2),
                    ]
                )

    body = book.sheet(_("Coordination body"))
    a, b = data.agreements, data.body
    for label, value in [
        (_("Meetings held"), Count(b.meetings_held)),
        (pgettext("meeting kind", "Ordinary"), Count(b.ordinary)),
        (pgettext("meeting kind", "Extraordinary"), Count(b.extraordinary)),
        (pgettext("meeting kind", "Urgent"), Count(b.urgent)),
        (pgettext("report figure", "Minutes approved"), Count(b.minutes_approved)),
        (_("Attendance rate (%)"), Number(b.attendance_rate, 0)),
        (_("Political-level members present"), Count(b.political_present)),
        (_("Technical-level members present"), Count(b.technical_present)),
        (_("Meetings with political-level attendance"), Count(b.meetings_with_political)),
        (_("Agreements due in the period"), Count(a.due)),
        (_("Fulfilled on time"), Count(a.fulfilled_on_time)),
        (_("Fulfilled late"), Count(a.fulfilled_late)),
        (pgettext("agreements", "Open and overdue"), Count(a.open_overdue)),
        (_("Open, not yet due"), Count(a.open_not_due)),
        (pgettext("agreements", "Cancelled"), Count(a.cancelled)),
    ]:
        body.append([label, value])

    council = book.sheet(_("Children's council"))
    c = data.council
    if c.exists and c.requests is not None:
        for label, value in [
            (_("Council sessions"), Count(c.sessions)),
            (_("Accountability sessions"), Count(c.accountability_sessions)),
            (_("Requests received"), Count(c.requests.received)),
            (_("Requests answered"), Count(c.requests.answered)),
            (_("Answered on time"), Count(c.requests.answered_on_time)),
            (pgettext("council requests", "Open and overdue"), Count(c.requests.overdue)),
        ]:
            council.append([label, value])
    else:
        council.append([_("This municipality has no children's council recorded.")])

    changes = book.sheet(_("Plan changes"))
    changes.append(
        [
            pgettext("plan change", "Date"),
            pgettext("plan measure", "Measure"),
            _("What changed"),
            _("Why"),
            _("Approved by"),
        ],
        bold=True,
    )
    for change in data.changes:
        changes.append([change.changed_on, str(change.measure or ""), change.what, change.why, change.approved_by])

    return book.to_bytes()

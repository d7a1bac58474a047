"""Demo diagnosis and approved plan for Loja (EC-1101) and San José (CR-101), through the services.

Idempotent: a municipality that already has the demo plan is left alone. Dates are relative to today:
the plan runs from January of last year to December two years ahead, and the measures under way
carry a monthly progress history over the last twelve months.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import struct
import zlib
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ronda.core.tenancy import SYSTEM
from ronda.planning import services
from ronda.planning.demo_content import (
    CHANGES,
    FINDINGS,
    LINES,
    MEASURES,
    MONTHS,
    OPPORTUNITIES,
    WORKSHOPS,
)
from ronda.planning.models import LocalPlan, Measure, MeasureStatus, PlanStatus, SituationAnalysis
from ronda.territory.models import Area, OrgUnit

CANTONS: dict[str, dict[str, Any]] = {
    "EC-1101": {
        "c": "Loja",
        "p": "parroquias",
        "factor": Decimal("1"),  # US dollars
        "approved_by": "Concejo Municipal del Cantón Loja",
        "reference": "Resolución n.º 045-{year}-CML",
        "evidence": ("M-08", "M-09"),
    },
    "CR-101": {
        "c": "San José",
        "p": "distritos",
        "factor": Decimal("500"),  # colones
        "approved_by": "Concejo Municipal de San José",
        "reference": "Acuerdo n.º 12, artículo IV, sesión ordinaria 156-{year}",
        "evidence": (),
    },
}


def tiny_png(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (11, 85, 99)) -> bytes:
    """A valid PNG of one colour, for demo and test evidence."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def tiny_jpeg(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (11, 85, 99)) -> bytes:
    """A valid JPEG of one colour, for tests."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), rgb).save(buffer, "JPEG")
    return buffer.getvalue()


def tiny_pdf(text: str = "Evidencia") -> bytes:
    """A valid one-page PDF written by hand (header, objects, cross-reference table, trailer)."""
    content = f"BT /F1 12 Tf 20 50 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _shift_month(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _report_dates(start: dt.date, end: dt.date, today: dt.date, day_of_month: int) -> list[dt.date]:
    """One day a month over the last twelve months, inside the measure and not after today."""
    last = min(end, today)
    dates = []
    for back in range(11, -1, -1):
        year, month = _shift_month(today, -back)
        day = dt.date(year, month, min(day_of_month, calendar.monthrange(year, month)[1]))
        if start <= day <= last:
            dates.append(day)
    return dates


def _spanish_number(value: Decimal) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _text(template: str, canton: dict[str, Any]) -> str:
    return template.replace("{c}", canton["c"]).replace("{p}", canton["p"])


def _amount(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def _analysis(unit: OrgUnit, canton: dict[str, Any], year: int) -> SituationAnalysis:
    title = f"Diagnóstico de la situación de la niñez y adolescencia de {canton['c']} {year}"
    existing = SituationAnalysis.objects.filter(org_unit=unit, title=title).first()
    if existing is not None:
        return existing
    start = dt.date(year, 1, 1)
    analysis = services.create_analysis(
        actor=SYSTEM,
        org_unit=unit,
        title=title,
        period_start=start,
        period_end=dt.date(year, 12, 31),
        summary=_text(
            "Análisis de la situación de niñas, niños y adolescentes de {c} elaborado por la mesa técnica "
            "con datos de salud, educación, protección y con la voz de la niñez en talleres participativos.",
            canton,
        ),
    )
    for goal_area, text in FINDINGS:
        services.add_finding(actor=SYSTEM, analysis=analysis, goal_area=goal_area, text=_text(text, canton))
    for title_, days, adults, c05, c611, c1217, notes in WORKSHOPS:
        services.add_workshop(
            actor=SYSTEM,
            analysis=analysis,
            held_on=start + dt.timedelta(days=days),
            title=_text(title_, canton),
            adult_participants=adults,
            children_0_5=c05,
            children_6_11=c611,
            children_12_17=c1217,
            notes=notes,
        )
    for title_, goal_area, criticality, horizon, description in OPPORTUNITIES:
        services.create_opportunity(
            actor=SYSTEM,
            analysis=analysis,
            title=_text(title_, canton),
            goal_area=goal_area,
            criticality=criticality,
            horizon=horizon,
            description=description,
        )
    return analysis


def _budgets(annual: Decimal, start: dt.date, end: dt.date, rate: Decimal, today: dt.date) -> list[Any]:
    lines = []
    for year in range(start.year, end.year + 1):
        if year < today.year:
            executed = annual * rate
        elif year == today.year:
            executed = annual * rate * Decimal(today.timetuple().tm_yday) / Decimal(366)
        else:
            executed = Decimal("0")
        lines.append(services.BudgetLine(year, _amount(annual), _amount(executed)))
    return lines


def _history(measure: Measure, now: int, activities: list[str], evidence: bool, today: dt.date) -> dt.date | None:
    """Monthly reports rising to ``now``; the last one may carry a photo as evidence."""
    # Each area reports on its own day of the month.
    dates = _report_dates(measure.start_date, measure.end_date, today, 3 + (measure.pk * 7) % 25)
    if not dates or now <= 0:
        return None
    span = max((dates[-1] - measure.start_date).days, 1)
    for index, day in enumerate(dates):
        last = index == len(dates) - 1
        value = now if last else max(1, round(now * (day - measure.start_date).days / span))
        activity = activities[index % len(activities)]
        text = f"{activity} durante {MONTHS[day.month - 1]} de {day.year}."
        if last and now >= 100:
            text = f"Medida concluida. {text}"
        files = [ContentFile(tiny_png(), name=f"evidencia-{measure.code.lower()}.png")] if last and evidence else []
        services.record_progress(
            actor=SYSTEM,
            measure=measure,
            expected_version=None,  # the loader is the only writer
            percent=value,
            justification=text,
            files=files,
            reported_on=day,
        )
    return dates[-1]


def _plan(unit: OrgUnit, canton: dict[str, Any], analysis: SituationAnalysis, today: dt.date) -> LocalPlan:
    first_year = today.year - 1
    title = f"Plan Local de Infancia y Adolescencia de {canton['c']} {first_year}–{first_year + 3}"
    plan = services.create_plan(
        actor=SYSTEM,
        org_unit=unit,
        title=title,
        period_start=dt.date(first_year, 1, 1),
        period_end=dt.date(first_year + 3, 12, 31),
        weighting="budget",
        situation_analysis=analysis,
    )
    objectives = []
    for line_title, goal_area, objective_titles in LINES:
        line = services.create_line(actor=SYSTEM, plan=plan, title=_text(line_title, canton), goal_area=goal_area)
        objectives.append(
            [services.create_objective(actor=SYSTEM, line=line, title=_text(t, canton)) for t in objective_titles]
        )
    areas = {a.name: a for a in Area.objects.filter(org_unit=unit)}
    opportunities = list(analysis.opportunities.order_by("id"))
    institutions = services.institutions_for(plan)
    created: list[tuple[Measure, tuple[Any, ...]]] = []
    for row in MEASURES:
        code, (li, oi), title_, area, co_areas, acronyms, horizon, start, end, annual, now, _o, opp, ind, _a = row
        start_date = dt.date(first_year + start[0], start[1], 1)
        end_date = _month_end(first_year + end[0], end[1])
        rate = Decimal("0.6") if row[11] == "delayed" else Decimal("0.92")
        measure = services.create_measure(
            actor=SYSTEM,
            plan=plan,
            objective=objectives[li][oi],
            code=code,
            title=_text(title_, canton),
            responsible_area=areas[area],
            co_areas=[areas[a] for a in co_areas],
            co_institutions=list(institutions.filter(acronym__in=acronyms)),
            horizon=horizon,
            start_date=start_date,
            end_date=end_date,
            source_opportunity=opportunities[opp] if opp is not None else None,
            budgets=_budgets(
                Decimal(annual) * canton["factor"], start_date, end_date, rate if now else Decimal(0), today
            ),
        )
        name, unit_label, baseline, target = ind
        services.add_indicator(
            actor=SYSTEM,
            measure=measure,
            name=name,
            unit=unit_label,
            baseline=Decimal(baseline),
            baseline_year=first_year - 1,
            target=Decimal(target),
        )
        kickoff = min(start_date + dt.timedelta(days=90), end_date)
        services.add_milestone(
            actor=SYSTEM, measure=measure, title="Arranque y planificación operativa", due_on=kickoff
        )
        services.add_milestone(actor=SYSTEM, measure=measure, title="Cierre y evaluación de la medida", due_on=end_date)
        created.append((measure, row))

    plan = services.change_plan_status(
        actor=SYSTEM,
        plan=plan,
        expected_version=None,
        status=PlanStatus.APPROVED,
        approved_on=dt.date(first_year, 3, 14),
        approved_by=canton["approved_by"],
        approval_reference=canton["reference"].replace("{year}", str(first_year)),
    )
    for measure, row in created:
        measure.plan = plan  # approved now: the progress reports check it
        code, now, status_override, ind, activities = row[0], row[10], row[11], row[13], row[14]
        last = _history(measure, now, activities, code in canton["evidence"], today)
        measure = Measure.objects.select_related("plan__org_unit").get(pk=measure.pk)
        _, _, baseline, target = ind
        if last is not None:
            value = Decimal(baseline) + (Decimal(target) - Decimal(baseline)) * Decimal(now) / 100
            indicator = measure.indicators.get()
            services.record_indicator_value(
                actor=SYSTEM, indicator=indicator, latest_value=_amount(value), latest_on=last
            )
            for milestone in measure.milestones.filter(due_on__lte=today):
                if milestone.title.startswith("Arranque") or now >= 100:
                    done = min(milestone.due_on + dt.timedelta(days=5), today)
                    services.complete_milestone(actor=SYSTEM, milestone=milestone, done_on=done)
        if status_override:
            services.update_measure(
                actor=SYSTEM, measure=measure, expected_version=measure.version, status=status_override
            )
    _changes(plan, today)
    return plan


def _changes(plan: LocalPlan, today: dt.date) -> None:
    for code, kind, what, why, approved_by in CHANGES:
        measure = Measure.objects.get(plan=plan, code=code)
        change = services.ChangeRecord(what=what, why=why, approved_by=approved_by)
        if kind == "budget":
            budget = measure.budgets.get(year=today.year)
            raised = _amount(budget.planned * Decimal("1.4"))
            change = services.ChangeRecord(
                what=(
                    f"Presupuesto planificado {today.year}: de {_spanish_number(budget.planned)} "
                    f"a {_spanish_number(raised)}."
                ),
                why=why,
                approved_by=approved_by,
            )
            lines = [services.BudgetLine(b.year, b.planned, b.executed) for b in measure.budgets.all()]
            lines = [
                services.BudgetLine(b.year, raised if b.year == today.year else b.planned, b.executed) for b in lines
            ]
            services.update_measure(
                actor=SYSTEM, measure=measure, expected_version=measure.version, budgets=lines, change=change
            )
        else:
            services.update_measure(
                actor=SYSTEM,
                measure=measure,
                expected_version=measure.version,
                status=MeasureStatus.CANCELLED,
                change=change,
            )


@transaction.atomic
def load_demo() -> None:
    """Diagnosis and approved plan for Loja and San José; call after ``ronda.portal.demo.load_demo()``."""
    if getattr(settings, "PRODUCTION", False):
        raise RuntimeError("demo data is refused in production")
    today = timezone.localdate()
    for code, canton in CANTONS.items():
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None or not Area.objects.filter(org_unit=unit).exists():
            continue  # the territory demo has not run: nothing to attach the plan to
        analysis = _analysis(unit, canton, today.year - 2)
        if not LocalPlan.objects.filter(org_unit=unit, title__startswith="Plan Local de Infancia").exists():
            _plan(unit, canton, analysis, today)

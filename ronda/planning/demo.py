"""Demo diagnosis and plan in execution for Loja (EC-1101), San José (CR-101) and Tlaxcala
(MX-29-033), one per country, through the services.

Idempotent: a municipality that already has the demo plan is left alone. Dates are relative to today:
the plan runs from January of last year to December two years ahead, was approved in March of last
year and put in execution at once. Every measure whose period has started carries a monthly progress
history over the last twelve months of its reporting window (ended measures too: their history ends
on their last month) and spends its budget in step with its progress: what it has executed is its
progress times what it plans (a little less: savings), spread over the months elapsed. The two
delayed measures spend 30 % more than their progress justifies, on purpose: the plan page shows
them delayed, with more executed than their progress (money spent without advancing).

Each country's texts are written whole in ``demo_content`` (Loja's parroquias rurales are not San
José's distritos nor Tlaxcala's presidencias de comunidad); areas are found by their kind, since
their names differ by country.
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
from django.db.models import Q
from django.utils import timezone

from ronda.core.tenancy import SYSTEM
from ronda.planning import services
from ronda.planning.demo_content import (
    CHANGES,
    CHILD_TITLES,
    FINDINGS,
    LINES,
    MEASURES,
    MONTHS,
    OPPORTUNITIES,
    WORKSHOPS,
    in_country,
)
from ronda.planning.models import (
    InstrumentKind,
    InstrumentStatus,
    LocalPlan,
    Measure,
    MeasureStatus,
    MunicipalBudget,
    PlanChange,
    PlanStatus,
    PolicyInstrument,
    SituationAnalysis,
)
from ronda.territory.models import Area, AreaKind, OrgUnit

# The content names areas as a Costa Rican municipality does; each is found by its kind.
AREA_KINDS = {
    "Niñez y Adolescencia": AreaKind.CHILDHOOD,
    "Desarrollo Social": AreaKind.SOCIAL,
    "Educación": AreaKind.EDUCATION,
    "Salud": AreaKind.HEALTH,
    "Deportes y Recreación": AreaKind.SPORTS,
    "Cultura": AreaKind.CULTURE,
    "Obras Públicas": AreaKind.PUBLIC_WORKS,
    "Hacienda": AreaKind.FINANCE,
    "Planificación": AreaKind.PLANNING,
    "Seguridad Ciudadana": AreaKind.SECURITY,
    "Comunicación": AreaKind.COMMUNICATION,
}
PLAN_TITLE = "Plan Local de Niñez y Adolescencia"  # the menu's name for it ("Local plan")
OLD_PLAN_TITLE = "Plan Local de Infancia"  # what databases loaded before 2026-12 call it
APPROVAL = (3, 14)  # month and day of last year when the plan was approved
SAVINGS = Decimal("0.95")  # share of the budget a measure spends for its progress
DELAYED_OVERSPEND = Decimal("1.3")

CANTONS: dict[str, dict[str, Any]] = {
    "EC-1101": {
        "c": "Loja",
        "country": "EC",
        "factor": Decimal("1"),  # US dollars
        "approved_by": "Concejo Municipal del Cantón Loja",
        "reference": "Resolución n.º 045-{year}-CML",
        "evidence": ("M-08", "M-09"),
    },
    "CR-101": {
        "c": "San José",
        "country": "CR",
        "factor": Decimal("500"),  # colones
        "approved_by": "Concejo Municipal de San José",
        "reference": "Acuerdo n.º 12, artículo IV, sesión ordinaria 156-{year}",
        "evidence": (),
    },
    "MX-29-033": {
        "c": "Tlaxcala",
        "country": "MX",
        "factor": Decimal("18"),  # pesos
        "approved_by": "Cabildo del Ayuntamiento de Tlaxcala",
        "reference": "Acta de la sesión ordinaria de Cabildo n.º 6/{year}",
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


def _report_dates(start: dt.date, end: dt.date, day_of_month: int) -> list[dt.date]:
    """One day a month over the last twelve months of the window from ``start`` to ``end``; the
    window's last day when no such day falls inside it (a measure begun this month)."""
    dates = []
    for back in range(11, -1, -1):
        year, month = _shift_month(end, -back)
        day = dt.date(year, month, min(day_of_month, calendar.monthrange(year, month)[1]))
        if start <= day <= end:
            dates.append(day)
    return dates or ([end] if start <= end else [])


def _spanish_number(value: Decimal) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _text(template: str | dict[str, str], canton: dict[str, Any]) -> str:
    """The canton's country's version of a text (written whole per country), with its name in it."""
    return in_country(template, canton["country"]).replace("{c}", canton["c"])


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
            {
                "EC": "Análisis de la situación de niñas, niños y adolescentes de {c} elaborado por la Mesa Técnica "
                "Cantonal con datos del MSP, del MINEDUC y de la Junta Cantonal de Protección de Derechos, y con "
                "la voz de la niñez en talleres participativos.",
                "CR": "Análisis de la situación de niñas, niños y adolescentes de {c} elaborado por la Comisión "
                "Técnica Cantonal con datos de la CCSS, del MEP y del PANI, y con la voz de la niñez en talleres "
                "participativos.",
                "MX": "Análisis de la situación de niñas, niños y adolescentes de {c} elaborado por la Secretaría "
                "Ejecutiva del SIPINNA municipal con datos de la Secretaría de Salud, de la SEPE y de la "
                "Procuraduría de Protección, y con la voz de la niñez en talleres participativos.",
            },
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
            notes=_text(notes, canton),
        )
    for title_, goal_area, criticality, horizon, description in OPPORTUNITIES:
        services.create_opportunity(
            actor=SYSTEM,
            analysis=analysis,
            title=_text(title_, canton),
            goal_area=goal_area,
            criticality=criticality,
            horizon=horizon,
            description=_text(description, canton),
        )
    return analysis


def _months_in(start: dt.date, end: dt.date, year: int, until: dt.date | None = None) -> int:
    """Months of ``year`` the measure runs (begun by ``until`` when given)."""
    first = start.month if start.year == year else 1
    last = end.month if end.year == year else 12
    if until is not None:
        if until.year < year:
            return 0
        if until.year == year:
            last = min(last, until.month)
    return max(last - first + 1, 0)


def _budgets(annual: Decimal, start: dt.date, end: dt.date, now: int, delayed: bool, today: dt.date) -> list[Any]:
    """Planned: the yearly amount for the months of each year the measure runs. Executed: its
    progress times the whole planned amount (``SAVINGS``; ``DELAYED_OVERSPEND`` for a delayed one),
    spread over the months elapsed, never more than a year plans."""
    years = range(start.year, end.year + 1)
    planned = {y: annual * _months_in(start, end, y) / 12 for y in years}
    elapsed = {y: _months_in(start, end, y, until=today) for y in years}
    ratio = DELAYED_OVERSPEND if delayed else SAVINGS
    spent = sum(planned.values(), Decimal(0)) * Decimal(now) / 100 * ratio
    months = sum(elapsed.values())
    lines = []
    for year in years:
        executed = min(planned[year], spent * elapsed[year] / months) if months else Decimal(0)
        lines.append(services.BudgetLine(year, _amount(planned[year]), _amount(executed)))
    return lines


def _history(
    measure: Measure, now: int, activities: list[Any], evidence: bool, today: dt.date, canton: dict[str, Any]
) -> dt.date | None:
    """Monthly reports rising to ``now``, from the approval (or the start of the measure) to its end
    or today; the last one may carry a photo as evidence."""
    assert measure.plan.approved_on is not None
    start = max(measure.start_date, measure.plan.approved_on + dt.timedelta(days=1))
    # Each area reports on its own day of the month.
    dates = _report_dates(start, min(measure.end_date, today), 3 + (measure.pk * 7) % 25)
    if not dates or now <= 0:
        return None
    span = max((dates[-1] - measure.start_date).days, 1)
    for index, day in enumerate(dates):
        last = index == len(dates) - 1
        value = now if last else max(1, round(now * (day - measure.start_date).days / span))
        activity = _text(activities[index % len(activities)], canton)
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
    title = f"{PLAN_TITLE} de {canton['c']} {first_year}–{first_year + 3}"
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
        line = services.create_line(
            actor=SYSTEM,
            plan=plan,
            title=_text(line_title, canton),
            goal_area=goal_area,
            child_title=CHILD_TITLES[goal_area],
        )
        objectives.append(
            [services.create_objective(actor=SYSTEM, line=line, title=_text(t, canton)) for t in objective_titles]
        )
    by_kind = {a.kind: a for a in Area.objects.filter(org_unit=unit)}
    areas = {name: by_kind[kind] for name, kind in AREA_KINDS.items()}
    opportunities = list(analysis.opportunities.order_by("id"))
    institutions = services.institutions_for(plan)
    created: list[tuple[Measure, tuple[Any, ...]]] = []
    for row in MEASURES:
        code, (li, oi), title_, area, co_areas, acronyms, horizon, start, end, annual, now, _o, opp, ind, _a = row
        start_date = dt.date(first_year + start[0], start[1], 1)
        end_date = _month_end(first_year + end[0], end[1])
        measure = services.create_measure(
            actor=SYSTEM,
            plan=plan,
            objective=objectives[li][oi],
            code=code,
            title=_text(title_, canton),
            responsible_area=areas[area],
            co_areas=[areas[a] for a in co_areas],
            co_institutions=list(institutions.filter(Q(acronym__in=acronyms) | Q(name__in=acronyms))),
            horizon=horizon,
            start_date=start_date,
            end_date=end_date,
            source_opportunity=opportunities[opp] if opp is not None else None,
            budgets=_budgets(
                Decimal(annual) * canton["factor"], start_date, end_date, now, row[11] == "delayed", today
            ),
        )
        name, unit_label, baseline, target = ind
        services.add_indicator(
            actor=SYSTEM,
            measure=measure,
            name=_text(name, canton),
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
        approved_on=dt.date(first_year, *APPROVAL),
        approved_by=canton["approved_by"],
        approval_reference=canton["reference"].replace("{year}", str(first_year)),
    )
    # Put in execution as soon as it was approved: its measures have been under way since.
    plan = services.change_plan_status(actor=SYSTEM, plan=plan, expected_version=None, status=PlanStatus.IN_EXECUTION)
    for measure, row in created:
        measure.plan = plan  # approved now: the progress reports check it
        code, now, status_override, ind, activities = row[0], row[10], row[11], row[13], row[14]
        last = _history(measure, now, activities, code in canton["evidence"], today, canton)
        measure = Measure.objects.select_related("plan__org_unit").get(pk=measure.pk)
        _, _, baseline, target = ind
        if last is not None:
            # One value a year up to the last report, so the trend has a shape (the Tablero's series).
            indicator = measure.indicators.get()
            years = list(range(min(measure.start_date.year, last.year), last.year + 1))
            for n, year in enumerate(years, start=1):
                share = Decimal(now) * n / len(years) / 100
                value = Decimal(baseline) + (Decimal(target) - Decimal(baseline)) * share
                measured_on = last if year == last.year else dt.date(year, 12, 31)
                services.record_indicator_value(
                    actor=SYSTEM, indicator=indicator, value=_amount(value), measured_on=measured_on
                )
            for milestone in measure.milestones.filter(due_on__lte=today):
                if milestone.title.startswith("Arranque") or now >= 100:
                    done = min(milestone.due_on + dt.timedelta(days=5), today)
                    services.complete_milestone(actor=SYSTEM, milestone=milestone, done_on=done)
        if status_override:
            services.update_measure(
                actor=SYSTEM, measure=measure, expected_version=measure.version, status=status_override
            )
    _changes(plan, canton, today)
    return plan


def _changes(plan: LocalPlan, canton: dict[str, Any], today: dt.date) -> None:
    """The changes approved after the plan, each on the day it was decided (``days_ago``)."""
    assert plan.approved_on is not None
    for code, kind, what, why, approved_by, days_ago in CHANGES:
        measure = Measure.objects.get(plan=plan, code=code)
        change = services.ChangeRecord(what=what, why=_text(why, canton), approved_by=_text(approved_by, canton))
        if kind == "budget":
            budget = measure.budgets.get(year=today.year)
            raised = _amount(budget.planned * Decimal("1.4"))
            change = services.ChangeRecord(
                what=(
                    f"Presupuesto planificado {today.year}: de {_spanish_number(budget.planned)} "
                    f"a {_spanish_number(raised)}."
                ),
                why=change.why,
                approved_by=change.approved_by,
            )
            lines = [
                services.BudgetLine(b.year, raised if b.year == today.year else b.planned, b.executed)
                for b in measure.budgets.all()
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
        # The service dates a change the day it is recorded; the demo records in one go what was
        # decided over the months since the approval, so it writes back the day of the decision
        # (after the approval, before today), the date the service would have given it then.
        decided = max(today - dt.timedelta(days=days_ago), plan.approved_on + dt.timedelta(days=1))
        row = PlanChange.objects.filter(plan=plan, measure=measure).latest("id")
        PlanChange.objects.filter(pk=row.pk).update(changed_on=decided)


# The municipality's whole budget in the first year of the plan, in US dollars (``factor`` converts),
# growing a little each year: the plan's budgets are a few percent of it.
MUNICIPAL_BUDGET = Decimal("62000000")
MUNICIPAL_BUDGET_GROWTH = Decimal("0.04")


def _instruments(unit: OrgUnit, canton: dict[str, Any], today: dt.date) -> None:
    """An ordinance in force (with its text, in two versions) and a municipal policy in consultation."""
    if PolicyInstrument.objects.filter(org_unit=unit).exists():
        return
    c = canton["c"]
    approved = dt.date(today.year - 2, 9, 18)
    ordinance = services.create_instrument(
        actor=SYSTEM,
        org_unit=unit,
        fields=services.InstrumentFields(
            kind=InstrumentKind.ORDINANCE,
            title=f"Ordenanza de protección integral de niñas, niños y adolescentes de {c}",
            status=InstrumentStatus.IN_FORCE,
            reference=f"Ordenanza n.º 07-{approved.year}",
            approved_on=approved,
            in_force_from=approved + dt.timedelta(days=14),
            approving_body=canton["approved_by"],
            summary=(
                "Crea el sistema local de protección, el consejo consultivo de niñez y la obligación de "
                "destinar cada año una parte del presupuesto municipal al plan local."
            ),
            notes="Revisar la reforma del artículo 12 con asesoría jurídica.",
        ),
    )
    for text in ("Texto aprobado", "Texto aprobado con fe de erratas"):
        services.add_instrument_document(
            actor=SYSTEM,
            instrument=ordinance,
            expected_version=None,
            title="Texto de la ordenanza",
            upload=ContentFile(tiny_pdf(text), name="ordenanza.pdf"),
        )
    services.create_instrument(
        actor=SYSTEM,
        org_unit=unit,
        fields=services.InstrumentFields(
            kind=InstrumentKind.POLICY,
            title=f"Política municipal de niñez y adolescencia de {c} {today.year}-{today.year + 8}",
            status=InstrumentStatus.CONSULTATION,
            reference="Borrador v3",
            approving_body=canton["approved_by"],
            summary="En consulta con el consejo consultivo de niñez y las organizaciones del cantón.",
        ),
    )


def _municipal_budgets(unit: OrgUnit, canton: dict[str, Any], plan: LocalPlan) -> None:
    """The total municipal budget of each year of the plan but the last (not approved yet: its
    share says so instead of showing 0 %)."""
    years = list(range(plan.period_start.year, plan.period_end.year + 1))[:-1]
    taken = set(MunicipalBudget.objects.filter(org_unit=unit).values_list("year", flat=True))
    for index, year in enumerate(years):
        if year in taken:
            continue
        total = _amount(MUNICIPAL_BUDGET * canton["factor"] * (1 + MUNICIPAL_BUDGET_GROWTH * index))
        services.create_municipal_budget(
            actor=SYSTEM,
            org_unit=unit,
            year=year,
            total=total,
            source=f"Presupuesto ordinario {year} aprobado por el {canton['approved_by']}",
        )


@transaction.atomic
def load_demo() -> None:
    """Diagnosis and plan in execution for Loja, San José and Tlaxcala; call after ``ronda.portal.demo.load_demo()``."""
    if getattr(settings, "PRODUCTION", False):
        raise RuntimeError("demo data is refused in production")
    today = timezone.localdate()
    for code, canton in CANTONS.items():
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None or not Area.objects.filter(org_unit=unit).exists():
            continue  # the territory demo has not run: nothing to attach the plan to
        analysis = _analysis(unit, canton, today.year - 2)
        titles = Q(title__startswith=PLAN_TITLE) | Q(title__startswith=OLD_PLAN_TITLE)
        if not LocalPlan.objects.filter(titles, org_unit=unit).exists():
            _plan(unit, canton, analysis, today)
        plan = LocalPlan.objects.filter(titles, org_unit=unit).order_by("-period_start").first()
        if plan is not None:
            _instruments(unit, canton, today)
            _municipal_budgets(unit, canton, plan)

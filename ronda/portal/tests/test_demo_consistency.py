"""The demo data does not contradict itself (#9 items 24 and 25).

The demo is loaded once for the module, on 10 December 2026: in December the last twelve months
no longer reach the measures that ended the year before, which is when those measures used to be
shown "not started, 0 %" with their budget spent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext

from ronda.coordination.models import (
    AgendaItem,
    Agreement,
    AgreementNote,
    AttendanceStatus,
    BodyMember,
    Commission,
    CoordinationBody,
    Meeting,
)
from ronda.planning.models import (
    Finding,
    ImprovementOpportunity,
    LocalPlan,
    Measure,
    MeasureIndicator,
    MeasureStatus,
    Milestone,
    Objective,
    PlanChange,
    PlanStatus,
    ProgressUpdate,
    SituationAnalysis,
    StrategicLine,
    Workshop,
)
from ronda.territory.models import Area, AreaKind, Institution, Level, OrgUnit

TODAY = dt.date(2026, 12, 10)

# Model, and the path from it to the municipality.
TEXT_SOURCES: list[tuple[type[models.Model], str]] = [
    (SituationAnalysis, "org_unit"),
    (Finding, "analysis__org_unit"),
    (Workshop, "analysis__org_unit"),
    (ImprovementOpportunity, "analysis__org_unit"),
    (LocalPlan, "org_unit"),
    (StrategicLine, "plan__org_unit"),
    (Objective, "line__plan__org_unit"),
    (Measure, "plan__org_unit"),
    (MeasureIndicator, "measure__plan__org_unit"),
    (Milestone, "measure__plan__org_unit"),
    (ProgressUpdate, "measure__plan__org_unit"),
    (PlanChange, "plan__org_unit"),
    (CoordinationBody, "org_unit"),
    (BodyMember, "body__org_unit"),
    (Commission, "body__org_unit"),
    (Meeting, "body__org_unit"),
    (AgendaItem, "meeting__body__org_unit"),
    (Agreement, "body__org_unit"),
    (AgreementNote, "agreement__body__org_unit"),
]
ECUADORIAN = [
    "parroquia",
    "rural",
    "defensoría",
    "distritos educativos",
    "proforma",
    "casas barriales",
    "consejo cantonal",
    "consejo consultivo",
    "niño sano",
    "junta cantonal",
    "dirección financiera",
    "mesa técnica",
    "MIES",
    "MINEDUC",
    "DINAPEN",
    "MSP",
]
COSTA_RICAN = [
    "EBAIS",
    "CCSS",
    "PANI",
    "comité tutelar",
    "comités tutelares",
    "presupuesto ordinario",
    "CEN-CINAI",
    "salones comunales",
    "hacienda",
    "comisión técnica",
    "MEP",
]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    day = dt.datetime(2026, 12, 10, 15, 0, tzinfo=dt.UTC)
    with time_machine.travel(day, tick=False), django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", verbosity=0)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def _texts(code: str) -> list[str]:
    texts = []
    for model, path in TEXT_SOURCES:
        fields = [f.name for f in model._meta.get_fields() if isinstance(f, models.CharField | models.TextField)]
        for row in model.objects.filter(**{f"{path}__code": code}).values_list(*fields):
            texts.extend(value for value in row if value)
    return texts


def _found(terms: list[str], texts: list[str]) -> set[str]:
    found = set()
    for term in terms:
        pattern = re.compile(rf"\b{re.escape(term)}", 0 if term.isupper() else re.IGNORECASE)
        found.update(term for text in texts if pattern.search(text))
    return found


def test_every_started_measure_has_a_progress_history_in_step_with_its_budget() -> None:
    started = Measure.objects.filter(start_date__lte=TODAY).exclude(status=MeasureStatus.CANCELLED)
    assert started.count() >= 40
    for measure in started:
        label = f"{measure.plan.org_unit.code} {measure.code}"
        reports = list(measure.updates.order_by("reported_on"))
        assert reports and measure.progress > 0 and measure.status != MeasureStatus.NOT_STARTED, label
        assert all(measure.start_date <= r.reported_on <= min(measure.end_date, TODAY) for r in reports), label
        assert reports[-1].percent == measure.progress, label
        planned = sum((b.planned for b in measure.budgets.all()), Decimal(0))
        spent = sum((b.executed for b in measure.budgets.all()), Decimal(0))
        spent_percent = spent / planned * 100
        if measure.status == MeasureStatus.DELAYED:
            # Deliberate: a delayed measure spends more than its progress justifies (the warning).
            assert spent_percent > measure.progress, label
        else:
            assert abs(spent_percent - measure.progress) <= 15, (label, spent_percent, measure.progress)
    for measure in Measure.objects.filter(start_date__gt=TODAY):
        assert not measure.updates.exists()
        assert all(b.executed == 0 for b in measure.budgets.all()), measure.code


def test_a_measure_that_ended_last_year_shows_its_history_up_to_its_end() -> None:
    ended = Measure.objects.filter(end_date__lt=dt.date(TODAY.year, 1, 1))
    assert ended.exists()
    for measure in ended:
        assert measure.status == MeasureStatus.COMPLETED and measure.progress == 100, measure.code
        assert measure.updates.count() >= 6
        assert measure.updates.latest("reported_on").reported_on <= measure.end_date


def test_plan_changes_are_dated_after_the_approval_and_before_today() -> None:
    changes = PlanChange.objects.select_related("plan")
    assert changes.count() == 6  # two per plan
    for change in changes:
        plan = change.plan
        assert plan.approved_on is not None
        assert plan.approved_on < change.changed_on < TODAY, change.what
        assert plan.period_start <= change.changed_on <= plan.period_end


def test_every_country_with_a_plan_has_one_in_execution() -> None:
    for country in OrgUnit.objects.filter(level=Level.COUNTRY):
        in_country = LocalPlan.objects.filter(org_unit__path__startswith=country.path)
        assert in_country.filter(status=PlanStatus.IN_EXECUTION).exists(), country.code


def test_the_plan_is_called_as_the_menu_calls_it() -> None:
    with translation.override("es"):
        label = gettext("Local plan")
    assert all(title.startswith(label) for title in LocalPlan.objects.values_list("title", flat=True))


def test_san_jose_reads_as_costa_rica_and_loja_as_ecuador() -> None:
    san_jose, loja = _texts("CR-101"), _texts("EC-1101")
    assert len(san_jose) > 300 and len(loja) > 300
    assert _found(ECUADORIAN, san_jose) == set()
    assert _found(COSTA_RICAN, loja) == set()
    grammar = re.compile(r"\b(las|unas|estas) distritos\b|\b(los|unos|estos) parroquias\b", re.IGNORECASE)
    assert [t for t in san_jose + loja if grammar.search(t)] == []
    assert _found(["distritos", "Comités Tutelares", "presupuesto ordinario", "EBAIS"], san_jose) == {
        "distritos",
        "Comités Tutelares",
        "presupuesto ordinario",
        "EBAIS",
    }
    assert _found(["parroquias rurales", "defensorías comunitarias", "proforma presupuestaria"], loja) == {
        "parroquias rurales",
        "defensorías comunitarias",
        "proforma presupuestaria",
    }


def test_tlaxcala_reads_as_mexico() -> None:
    tlaxcala = _texts("MX-29-033")
    assert len(tlaxcala) > 300
    foreign = [t for t in ECUADORIAN + COSTA_RICAN if t != "niño sano"] + ["concejo", "cantón", "cantonal", "distrito"]
    assert _found(foreign, tlaxcala) == set()
    assert _found(["presidencias de comunidad", "DIF", "SIPINNA", "Cabildo"], tlaxcala) == {
        "presidencias de comunidad",
        "DIF",
        "SIPINNA",
        "Cabildo",
    }


def test_each_country_names_its_areas_its_own_way() -> None:
    def name(code: str, kind: str) -> str:
        return Area.objects.get(org_unit__code=code, kind=kind).name

    assert name("CR-101", AreaKind.FINANCE) == "Hacienda"
    assert name("EC-1101", AreaKind.FINANCE) == "Dirección Financiera"
    assert name("MX-29-033", AreaKind.FINANCE) == "Tesorería"
    assert name("MX-29-033", AreaKind.SECURITY) == "Seguridad Pública"


def test_agenda_items_are_presented_by_the_area_they_are_about() -> None:
    topics = {
        "Presupuesto": AreaKind.FINANCE,
        "Informe del Consejo de Niñez": AreaKind.CHILDHOOD,
        "deserción escolar": AreaKind.EDUCATION,
        "Espacios seguros": AreaKind.PUBLIC_WORKS,
        "Avance del plan local": AreaKind.PLANNING,
        "Casos de trabajo infantil": AreaKind.SOCIAL,
    }
    checked = 0
    for item in AgendaItem.objects.select_related("presenter__area"):
        for words, kind in topics.items():
            if words in item.title:
                assert item.presenter is not None and item.presenter.area is not None, item.title
                assert item.presenter.area.kind == kind, (item.title, item.presenter.full_name)
                checked += 1
        if item.title.startswith("Coordinación con la Junta"):
            assert item.presenter is not None and item.presenter.institution_id is not None
    assert checked == 12  # six topics, two bodies


def test_whoever_presents_an_item_or_signs_the_minutes_was_at_the_meeting() -> None:
    """The minutes of a held meeting would contradict themselves if an absent member presented an
    item or signed them (seen in the PDF of Loja's September meeting)."""
    held = Meeting.objects.filter(minutes_text__gt="").prefetch_related("attendance", "agenda")
    assert held.exists()
    for meeting in held:
        present = {a.member_id for a in meeting.attendance.all() if a.status == AttendanceStatus.PRESENT}
        for item in meeting.agenda.all():
            if item.presenter_id is not None:
                assert item.presenter_id in present, (meeting.pk, item.title)
        assert meeting.chaired_by_id in present and meeting.recorded_by_id in present, meeting.pk
        assert meeting.started_at is not None and meeting.ended_at is not None and meeting.started_at < meeting.ended_at


def test_the_institutions_of_seeds_000_and_003_are_in_the_directory() -> None:
    for acronym in ["IFAM", "MIDEPLAN", "COSECODENI", "UNICEF", "MIES", "MEP", "MINEDUC"]:
        assert Institution.objects.filter(acronym=acronym).exists(), acronym
    assert Institution.objects.filter(name="Patronato de Amparo Social Municipal de Loja").exists()


def test_every_unit_has_a_child_population_by_sex_and_age_band() -> None:
    def total(unit: OrgUnit) -> int:
        return sum(sum(bands.values()) for bands in unit.child_population.values())

    for unit in OrgUnit.objects.all():
        population = unit.child_population
        assert set(population) == {"female", "male"}, unit.code
        assert all(set(bands) == {"0-5", "6-11", "12-17"} for bands in population.values()), unit.code
        assert total(unit) > 0, unit.code
    for municipality in OrgUnit.objects.filter(level=Level.MUNICIPALITY):
        assert sum(total(c) for c in municipality.children.all()) <= total(municipality), municipality.code

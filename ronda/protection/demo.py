"""Demo of specialised protection and alternative care for Tlaxcala (issue #12 item 11).

What it loads, through the services with ``SYSTEM`` (the exceptions for children under three, the
staffing counts and the supervision visits are recorded by the demo supervisor: only a person
approves or records those):

- Mexico's measure types and supervision standards (``catalogues.load("MX")``);
- three licensed residential-care centres: the SEDIF's, whose population falls over three years from
  about 40 children to 12 (no child under three in it during the last year), a religious casa hogar
  in Tlaxcala and a civil-society aldea in Apizaco, with staffing and supervision visits (findings,
  corrective actions);
- a recruitment campaign and 25 foster families across the pipeline; 10 prospective adopters;
- 80 protection files of children of the state — most in the municipality of Tlaxcala, held by its
  municipal DIF, the rest by the state's Procuraduría; the state's officer ``proteccion.tlaxcala``
  is in charge of them and the state's supervisor ``supervision.tlaxcala`` approves what needs four
  eyes — opened directly (the demo has no Mexican community cases), with their
  measures (some reviews overdue), gatekeeping records and the history of their placements.

Deterministic (a seeded generator; dates relative to today) and idempotent: nothing is added when
the state already has protection files. Needs the demo territory and users (loaded before).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from ronda.accounts.models import Membership, User
from ronda.cases import services as case_services
from ronda.cases.models import Child
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.protection import catalogues, contracts, occupancy, policies
from ronda.protection.models import (
    Alternative,
    CareSetting,
    Facility,
    FindingResult,
    FosterFamily,
    FosterStatus,
    FosterType,
    Gatekeeping,
    IntakeSource,
    MeasureEndReason,
    MeasureType,
    Operator,
    ProtectionFile,
    ProtectiveMeasure,
    ReviewOutcome,
    StandardItem,
)
from ronda.protection.services import files as file_services
from ronda.protection.services import measures as measure_services
from ronda.protection.services import placements as placement_services
from ronda.protection.services import resources as resource_services
from ronda.territory.models import Institution, Level, OrgUnit

STATE = "MX-29"
MUNICIPALITY = "MX-29-033"
OTHER_MUNICIPALITIES = ("MX-29-005", "MX-29-013", "MX-29-010")
OFFICER = "proteccion.tlaxcala"
SUPERVISOR = "supervision.tlaxcala"
SEED = 12

GIRLS = [
    "María Fernanda", "Ximena", "Guadalupe", "Valeria", "Camila", "Itzel", "Regina", "Renata", "Daniela",
    "Citlali", "Andrea", "Sofía", "Yaretzi", "Karla", "Abril", "Natalia", "Jimena", "Marisol", "Dulce María",
]  # fmt: skip
BOYS = [
    "José Luis", "Juan Pablo", "Emiliano", "Santiago", "Diego", "Ángel", "Uriel", "Brandon", "Kevin",
    "Miguel Ángel", "Jesús", "Alexis", "Iker", "Mateo", "Jonathan", "Eduardo", "Gael", "Luis Fernando",
]  # fmt: skip
SURNAMES = [
    "Hernández", "Pérez", "Sánchez", "Flores", "Cuahutle", "Xochitiotzi", "Muñoz", "Rodríguez", "Zempoalteca",
    "Tecuatl", "Morales", "Romero", "Meneses", "Ramírez", "Cuamatzi", "Ahuatzi", "García", "Tlapale",
    "Mendieta", "Vázquez", "Nava", "Juárez", "Corona", "Popocatl", "Sarmiento", "Carro", "Xicohténcatl",
]  # fmt: skip
AUTHORITY = "Procuraduría de Protección de Niñas, Niños y Adolescentes del Estado de Tlaxcala"
COURT = "Juzgado Familiar del Distrito Judicial de Hidalgo"
SUMMARIES = [
    "La escuela reporta inasistencias y señales de maltrato físico; la madre no acude a los citatorios.",
    "Vecinos informan que la niña queda sola por las noches; el padre trabaja fuera del estado.",
    "El hospital general reporta desnutrición severa y falta de cuidados médicos.",
    "La policía municipal encontró al niño trabajando en la vía pública de madrugada.",
    "Denuncia de violencia familiar; la madre pidió apoyo para ella y sus hijos.",
]


def _years_ago(today: dt.date, years: float) -> dt.date:
    return today - dt.timedelta(days=round(years * 365.25))


@dataclass
class Stay:
    """One placement of a child's history; ``until`` None: current."""

    setting: str
    start: dt.date
    facility: Facility | None = None
    family_type: str = ""
    emergency: bool = False
    late: bool = False


@dataclass
class History:
    birth: dt.date
    community: OrgUnit
    office: Institution
    officer: User
    stays: list[Stay]
    # How the last stay ends: "reintegration" (back home on ``exit_on``) or "" (still in care).
    exit: str = ""
    exit_on: dt.date | None = None
    overdue: bool = False  # the measure's reviews stopped months ago


@dataclass
class Loader:
    today: dt.date
    rng: random.Random
    state: OrgUnit
    municipality: OrgUnit
    officer: User
    supervisor: User
    supervisor_actor: Actor
    dif: Institution
    ppnna: Institution
    types: dict[str, MeasureType]
    facilities: dict[str, Facility] = field(default_factory=dict)
    families: dict[str, list[FosterFamily]] = field(default_factory=dict)
    # A family's busy periods, so that each family cares for one child at a time.
    busy: dict[int, list[tuple[dt.date, dt.date]]] = field(default_factory=dict)

    # --- Care resources -------------------------------------------------------------------------
    def load_facilities(self) -> None:
        apizaco = OrgUnit.objects.get(code="MX-29-005")
        for key, unit, name, operator, operator_name, capacity, min_age in (
            ("sedif", self.state, "Casa de Asistencia Social del SEDIF Tlaxcala", Operator.PUBLIC, "SEDIF", 60, 0),
            ("ocotlan", self.municipality, "Casa Hogar Nuestra Señora de Ocotlán", Operator.RELIGIOUS,
             "Hermanas de la Caridad del Sagrado Corazón", 20, 6),
            ("aldea", apizaco, "Aldea Infantil Tlaxcala, A.C.", Operator.CIVIL_SOCIETY, "Aldea Infantil Tlaxcala, A.C.",
             24, 3),
        ):  # fmt: skip
            facility = resource_services.register_facility(
                actor=SYSTEM,
                unit=unit,
                name=name,
                operator=operator,
                operator_name=operator_name,
                capacity=capacity,
                min_age=min_age,
                licence_number=f"SEDIF-LIC-{len(self.facilities) + 101}",
                register_number=f"RNCAS-29-{len(self.facilities) + 7:03d}",
                licence_valid_until=self.today + dt.timedelta(days=400 + 200 * len(self.facilities)),
                address=f"{name}, {unit.name}, Tlaxcala",
                opened_on=_years_ago(self.today, 12),
            )
            self.facilities[key] = facility

    def load_staffing(self) -> None:
        for facility in self.facilities.values():
            present = occupancy.current_occupancy(facility, self.today)
            resource_services.record_staffing(
                actor=self.supervisor_actor,
                facility=facility,
                as_of=self.today - dt.timedelta(days=20),
                carers=max(2, occupancy.required_carers(0, present)),
                professionals=3,
            )

    def load_families(self) -> None:
        campaign = resource_services.create_campaign(
            actor=SYSTEM,
            unit=self.state,
            name="Abramos la puerta: familias de acogida para Tlaxcala",
            start_on=_years_ago(self.today, 4.2),
            end_on=_years_ago(self.today, 3.9),
            channels="Radio estatal, redes sociales, presidencias de comunidad, parroquias",
        )
        # Fifteen families that receive children (approved more than three years ago), one approved
        # and waiting, and nine along the pipeline.
        voluntary, professional = str(FosterType.VOLUNTARY), str(FosterType.PROFESSIONAL)
        evaluated, trained = str(FosterStatus.EVALUATED), str(FosterStatus.TRAINED)
        plan: list[tuple[str, str, tuple[str, ...]]] = [
            *[(voluntary, "approved", ())] * 8,
            *[(professional, "approved", ())] * 7,
            (voluntary, "waiting", ()),
            *[(voluntary, "new", ())] * 3,
            *[(voluntary, "new", (evaluated,))] * 2,
            *[(voluntary, "new", (evaluated, trained))] * 2,
            (voluntary, "old", (str(FosterStatus.PAUSED),)),
            (voluntary, "old", (str(FosterStatus.CLOSED),)),
        ]
        for n, (kind, when, extra) in enumerate(plan, start=1):
            surname = SURNAMES[(n * 7) % len(SURNAMES)]
            early = when in ("approved", "old")
            applied = _years_ago(self.today, 4.1) if early else self.today - dt.timedelta(days=200 - 3 * n)
            family = resource_services.register_foster_family(
                actor=SYSTEM,
                unit=self.municipality if n % 3 else self.state,
                code=f"FA-{n:02d}",
                type=kind,
                contact_name=f"Familia {surname} {SURNAMES[(n * 11) % len(SURNAMES)]}",
                capacity=1 if n % 4 else 2,
                accepts_siblings=n % 4 == 0,
                phone=f"246 {100 + n:03d} {2000 + 37 * n:04d}",
                campaign=campaign if early else None,
                applied_on=applied,
            )
            steps: tuple[str, ...] = (evaluated, trained, str(FosterStatus.APPROVED)) if when != "new" else extra
            if when == "old":
                steps = (*steps, *extra)
            day = applied
            for status in steps:
                day += dt.timedelta(days=30)
                if status == FosterStatus.TRAINED:
                    resource_services.record_training(
                        actor=SYSTEM, family=family, topic="Cuidado y crianza positiva", held_on=day, hours=12
                    )
                note = "La familia pidió una pausa por cambio de domicilio." if status == FosterStatus.PAUSED else ""
                if status == FosterStatus.CLOSED:
                    note = "La familia decidió dejar el banco de familias."
                family = resource_services.move_foster_family(
                    actor=SYSTEM, family=family, to_status=status, on=day, note=note
                )
            if when == "approved":
                self.families.setdefault(kind, []).append(family)

    def load_adopters(self) -> None:
        for n in range(1, 11):
            international = n in (4, 9)
            applied = self.today - dt.timedelta(days=60 + 70 * n)
            adopter = resource_services.register_adopter(
                actor=SYSTEM,
                unit=self.state,
                code=f"SA-{n:02d}",
                kind="international" if international else "national",
                applicant_names=f"{SURNAMES[n]} y {SURNAMES[n + 9]}",
                applied_on=applied,
                country_of_residence="España" if international else "México",
                min_age=0 if n % 2 else 3,
                max_age=8 if n % 2 else 12,
                accepts_siblings=n % 3 == 0,
            )
            steps = ["study", "training", "suitable"][: min(3, n % 5)]
            if n == 10:
                steps = ["study", "closed"]
            day = applied
            for status in steps:
                day += dt.timedelta(days=40)
                adopter = resource_services.move_adopter(actor=SYSTEM, adopter=adopter, to_status=status, on=day)

    def load_supervision(self) -> None:
        standards = catalogues_standards(self.state)
        visits = {"sedif": (30, 18, 5), "ocotlan": (20, 8), "aldea": (16,)}
        for key, months_ago in visits.items():
            facility = self.facilities[key]
            for months in months_ago:
                on = contracts.add_months(self.today, -months)
                visit = resource_services.record_supervision_visit(
                    actor=self.supervisor_actor,
                    facility=facility,
                    visited_on=on,
                    visitors="Procuraduría de Protección y Dirección de Supervisión del SEDIF",
                    children_present=contracts.facility_population([facility.pk], [on]).get((facility.pk, on), 0),
                )
                for i, standard in enumerate(standards):
                    result = FindingResult.MET
                    if (i + months) % 5 == 0:
                        result = FindingResult.NOT_MET
                    elif (i + months) % 4 == 0:
                        result = FindingResult.PARTLY
                    finding = resource_services.record_finding(
                        actor=self.supervisor_actor,
                        visit=visit,
                        standard=standard,
                        result=result,
                        note="" if result == FindingResult.MET else "Se observaron expedientes incompletos.",
                    )
                    if result == FindingResult.NOT_MET:
                        resource_services.add_corrective_action(
                            actor=self.supervisor_actor,
                            visit=visit,
                            finding=finding,
                            description="Completar los planes individuales de atención y capacitar al personal.",
                            due_on=on + dt.timedelta(days=60),
                        )
                visit.refresh_from_db()
                resource_services.close_supervision_visit(
                    actor=self.supervisor_actor,
                    visit=visit,
                    expected_version=visit.version,
                    summary="Visita de supervisión ordinaria con recorrido por las instalaciones.",
                )

    # --- Children and their files -----------------------------------------------------------------
    def histories(self) -> list[History]:
        rng, today = self.rng, self.today
        communities = list(OrgUnit.objects.filter(parent=self.municipality, level=Level.COMMUNITY).order_by("code"))
        others = list(
            OrgUnit.objects.filter(parent__code__in=OTHER_MUNICIPALITIES, level=Level.COMMUNITY).order_by("code")
        )
        three_years = _years_ago(today, 3)
        sedif, ocotlan, aldea = self.facilities["sedif"], self.facilities["ocotlan"], self.facilities["aldea"]
        out: list[History] = []

        def add(n: int, birth: dt.date, stays: list[Stay], exit: str = "", exit_on: dt.date | None = None) -> None:
            local = n % 4 != 3
            community = rng.choice(communities) if local or not others else rng.choice(others)
            by_state = not local or n % 5 == 0
            out.append(
                History(
                    birth=birth,
                    community=community,
                    office=self.ppnna if by_state else self.dif,
                    officer=self.officer,
                    stays=stays,
                    exit=exit,
                    exit_on=exit_on,
                    overdue=not exit and n % 4 == 1,
                )
            )

        def between(start: dt.date, end: dt.date) -> dt.date:
            return start + dt.timedelta(days=rng.randint(0, max((end - start).days, 0)))

        # The SEDIF's centre: 38 children there three years ago and two more since; 28 leave.
        for n in range(40):
            babies = n < 5
            if babies:
                birth = three_years - dt.timedelta(days=rng.randint(200, 500))
                start = max(three_years - dt.timedelta(days=rng.randint(30, 120)), birth + dt.timedelta(days=60))
            else:
                birth = three_years - dt.timedelta(days=rng.randint(3 * 365, 14 * 365))
            if not babies:
                start = (
                    three_years - dt.timedelta(days=rng.randint(30, 700))
                    if n < 38
                    else between(three_years, _years_ago(today, 2))
                )
            stays = [Stay(CareSetting.RESIDENTIAL, start, facility=sedif)]
            leave = between(three_years + dt.timedelta(days=40), today - dt.timedelta(days=20))
            if babies:
                # Out of the centre before two years ago: a child under three grows up in a family.
                leave = between(three_years + dt.timedelta(days=40), _years_ago(today, 2))
                stays.append(Stay(CareSetting.PROFESSIONAL_FOSTER, leave, family_type=FosterType.PROFESSIONAL))
                add(n, birth, stays)
            elif n < 12:
                add(n, birth, stays, "reintegration", leave)
            elif n < 15:
                stays.append(Stay(CareSetting.VOLUNTARY_FOSTER, leave, family_type=FosterType.VOLUNTARY))
                home = leave + dt.timedelta(days=120)
                if n == 12 and home < today:
                    add(n, birth, stays, "reintegration", home)
                else:
                    add(n, birth, stays)
            elif n < 18:  # teenagers moved to the aldea, where they still live
                stays.append(Stay(CareSetting.RESIDENTIAL, leave, facility=aldea))
                add(n, birth, stays)
            elif n < 21:
                stays.append(Stay(CareSetting.RESIDENTIAL, leave, facility=aldea))
                home = leave + dt.timedelta(days=rng.randint(60, 200))
                if home < today:
                    add(n, birth, stays, "reintegration", home)
                else:
                    add(n, birth, stays)
            elif n < 28:
                add(n, birth, stays, "reintegration", leave)
            else:
                add(n, birth, stays)  # the twelve still in the centre
        # The other two centres: fifteen entries in the last three years, some after an emergency.
        for n in range(40, 55):
            birth = today - dt.timedelta(days=rng.randint(7 * 365, 16 * 365))
            start = between(three_years, today - dt.timedelta(days=30))
            facility = ocotlan if n % 2 else aldea
            stays = [Stay(CareSetting.RESIDENTIAL, start, facility=facility, emergency=n % 3 == 0, late=n % 6 == 0)]
            if n % 4 == 0 and start < today - dt.timedelta(days=200):
                add(n, birth, stays, "reintegration", start + dt.timedelta(days=rng.randint(90, 180)))
            else:
                add(n, birth, stays)
        # Family-based care from the start: kinship, voluntary and professional foster families.
        for n in range(55, 80):
            birth = today - dt.timedelta(days=rng.randint(1 * 365, 15 * 365))
            start = between(max(_years_ago(today, 2), birth + dt.timedelta(days=90)), today - dt.timedelta(days=15))
            if n < 73:
                stays = [Stay(CareSetting.KINSHIP, start, emergency=n % 5 == 0)]
            elif n < 78:
                stays = [Stay(CareSetting.VOLUNTARY_FOSTER, start, family_type=FosterType.VOLUNTARY)]
            else:
                stays = [Stay(CareSetting.PROFESSIONAL_FOSTER, start, family_type=FosterType.PROFESSIONAL)]
            if n % 3 == 0 and start < today - dt.timedelta(days=150):
                add(n, birth, stays, "reintegration", start + dt.timedelta(days=rng.randint(60, 140)))
            else:
                add(n, birth, stays)
        return out

    def child(self, n: int, history: History) -> Child:
        rng = self.rng
        girl = n % 2 == 0
        paternal, maternal = rng.sample(SURNAMES, 2)
        return case_services.register_child(
            actor=SYSTEM,
            confirmed_new=True,
            first_names=rng.choice(GIRLS if girl else BOYS),
            paternal_surname=paternal,
            maternal_surname=maternal,
            sex="female" if girl else "male",
            birth_date=history.birth,
            community=history.community,
        )

    def family_for(self, kind: str, start: dt.date, end: dt.date) -> FosterFamily:
        for family in self.families[kind]:
            periods = self.busy.setdefault(family.pk, [])
            # The placement service counts today's children too: a family caring for a child now
            # takes no earlier placement either.
            if all(end <= s or start >= e for s, e in periods) and all(e != dt.date.max for _s, e in periods):
                periods.append((start, end))
                return family
        raise LookupError(f"no {kind} foster family free from {start}")  # pragma: no cover - the plan fits

    def load_file(self, n: int, history: History) -> ProtectionFile:
        first = history.stays[0].start
        opened = max(first - dt.timedelta(days=self.rng.randint(2, 20)), history.birth)
        file = file_services.open_file(
            actor=SYSTEM,
            child=self.child(n, history),
            office=history.office,
            intake_source=self.rng.choice(
                [IntakeSource.DIRECT_REPORT, IntakeSource.POLICE, IntakeSource.HEALTH, IntakeSource.SCHOOL]
            ),
            intake_summary=self.rng.choice(SUMMARIES),
            opened_on=opened,
            officer=history.officer,
        )
        measure: ProtectiveMeasure | None = None
        for k, stay in enumerate(history.stays):
            until = history.stays[k + 1].start if k + 1 < len(history.stays) else history.exit_on
            gatekeeping = self.gatekeeping(file, stay, history.birth)
            if measure is not None:
                self.reviews(measure, stay.start, overdue=False)
                measure_services.end_measure(
                    actor=SYSTEM, measure=measure, ended_on=stay.start, end_reason=MeasureEndReason.REPLACED
                )
            measure = self.measure(file, stay)
            family = None
            if stay.family_type:
                family = self.family_for(stay.family_type, stay.start, until or dt.date.max)
            placement_services.place_child(
                actor=SYSTEM,
                file=file,
                setting=stay.setting,
                start_on=stay.start,
                gatekeeping=gatekeeping,
                measure=measure,
                facility=stay.facility,
                foster_family=family,
                carer_name="Tía materna" if stay.setting == CareSetting.KINSHIP else "",
                change_reason="Ingreso por medida de protección especial.",
                contact_plan="Convivencias supervisadas con la familia cada quince días.",
            )
        assert measure is not None
        if history.exit and history.exit_on is not None:
            self.reviews(measure, history.exit_on, overdue=False)
            placement_services.place_child(
                actor=SYSTEM,
                file=file,
                setting=CareSetting.FAMILY_OF_ORIGIN,
                start_on=history.exit_on,
                change_reason="Reintegración familiar tras el plan de restitución de derechos.",
            )
            measure_services.end_measure(
                actor=SYSTEM, measure=measure, ended_on=history.exit_on, end_reason=MeasureEndReason.OBJECTIVE_MET
            )
        else:
            until = self.today - dt.timedelta(days=self.rng.randint(150, 260)) if history.overdue else self.today
            self.reviews(measure, until, overdue=history.overdue)
        return file

    def gatekeeping(self, file: ProtectionFile, stay: Stay, birth: dt.date) -> Gatekeeping:
        texts = {
            "alternatives": [Alternative.FAMILY_SUPPORT, Alternative.KINSHIP],
            "alternatives_note": "La familia extensa no puede hacerse cargo y el apoyo a la familia no bastó.",
            "necessity": "Riesgo grave para la integridad de la niña o el niño en su entorno familiar.",
            "suitability": "El entorno elegido responde a su edad, su escolaridad y la cercanía con su familia.",
            "decided_by": AUTHORITY,
        }
        under_three = stay.setting == CareSetting.RESIDENTIAL and contracts.add_months(birth, 36) > stay.start
        if under_three:
            texts["under_three_justification"] = (
                "No hay familia de acogida disponible esa noche; se buscará una en los próximos días."
            )
        if stay.emergency:
            record = placement_services.emergency_gatekeeping(
                actor=SYSTEM, file=file, setting=stay.setting, entry_on=stay.start
            )
            decided = min(stay.start + dt.timedelta(days=6 if stay.late else 2), self.today)
            return placement_services.complete_gatekeeping(
                actor=SYSTEM,
                gatekeeping=record,
                decided_on=decided,
                **texts,  # type: ignore[arg-type]
            )
        decided = max(stay.start - dt.timedelta(days=self.rng.randint(0, 3)), file.opened_on)
        record = placement_services.record_gatekeeping(
            actor=SYSTEM,
            file=file,
            setting=stay.setting,
            decided_on=decided,
            **texts,  # type: ignore[arg-type]
        )
        if under_three:
            record = placement_services.approve_exception(actor=self.supervisor_actor, gatekeeping=record)
        return record

    def measure(self, file: ProtectionFile, stay: Stay) -> ProtectiveMeasure:
        code = {
            CareSetting.RESIDENTIAL: "mx-cas",
            CareSetting.KINSHIP: "mx-familia-extensa",
        }.get(CareSetting(stay.setting), "mx-familia-acogida")
        if stay.emergency and stay.setting == CareSetting.RESIDENTIAL:
            code = "mx-urgente-cas"
        measure = measure_services.record_measure(
            actor=SYSTEM,
            file=file,
            type=self.types[code],
            issuing_authority=AUTHORITY,
            issued_on=stay.start,
            legal_basis=self.types[code].legal_reference or "LGDNNA art. 26",
            description="Separación provisional del entorno familiar con plan de restitución de derechos.",
            review_interval_months=3,
        )
        if self.types[code].is_urgent:
            measure = measure_services.ratify_measure(
                actor=SYSTEM, measure=measure, ratified_on=stay.start + dt.timedelta(days=1), ratified_by=COURT
            )
        return measure

    def reviews(self, measure: ProtectiveMeasure, until: dt.date, *, overdue: bool) -> None:
        """Quarterly reviews in the last year up to ``until`` (older ones are left out: the demo
        needs the recent ones for the alerts and the figures)."""
        since = max(measure.issued_on, contracts.add_months(self.today, -12))
        day = contracts.add_months(measure.issued_on, 3)
        while day <= min(until, self.today):
            if day >= since:
                measure_services.review_measure(
                    actor=SYSTEM,
                    measure=measure,
                    reviewed_on=day,
                    outcome=ReviewOutcome.CONTINUE,
                    participants="Procuradora, psicóloga, trabajadora social y la familia",
                    child_heard=True,
                    child_opinion="Dice que está bien y que quiere ver más seguido a sus hermanos.",
                )
            day = contracts.add_months(day, 3)


def catalogues_standards(state: OrgUnit) -> list[StandardItem]:
    return list(policies.standards_for(state.path))


def _user(username: str) -> tuple[User, Membership] | None:
    user = User.objects.filter(username=username).first()
    membership = Membership.objects.filter(user=user, is_active=True).first() if user is not None else None
    return (user, membership) if user is not None and membership is not None else None


@transaction.atomic
def load_demo() -> list[str]:
    state = OrgUnit.objects.filter(code=STATE, level=Level.REGION).first()
    municipality = OrgUnit.objects.filter(code=MUNICIPALITY, level=Level.MUNICIPALITY).first()
    if state is None or municipality is None:
        return []
    loaded = catalogues.load("MX")
    if ProtectionFile.objects.filter(path__startswith=state.path).exists():
        return []
    officer, supervisor = _user(OFFICER), _user(SUPERVISOR)
    dif = Institution.objects.filter(org_unit=municipality, name="DIF Municipal de Tlaxcala").first()
    ppnna = Institution.objects.filter(org_unit=state, acronym="PPNNA").first()
    if officer is None or supervisor is None or dif is None or ppnna is None:
        return []
    types = {t.code: t for t in MeasureType.objects.filter(country=state.parent)}
    if not types:  # pragma: no cover - the catalogue was just loaded
        types = {t.code: t for t in loaded.measure_types}
    loader = Loader(
        today=timezone.localdate(),
        rng=random.Random(SEED),  # noqa: S311 - demo data, not security
        state=state,
        municipality=municipality,
        officer=officer[0],
        supervisor=supervisor[0],
        supervisor_actor=actor_for(supervisor[0], supervisor[1], second_factor=True),
        dif=dif,
        ppnna=ppnna,
        types=types,
    )
    loader.load_facilities()
    loader.load_families()
    loader.load_adopters()
    for n, history in enumerate(loader.histories()):
        loader.load_file(n, history)
    loader.load_staffing()
    loader.load_supervision()
    return []

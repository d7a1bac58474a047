"""Demo cases of Loja (issue #11, item 11): the violation taxonomies of the demo countries, then 200
cases over the demo's children, in every step of the route.

Registered, with family visits, in mediation (sessions and agreements), referred (to the Junta
Cantonal de Protección de Derechos, DINAPEN, the Fiscalía, the MIES and the Patronato de Amparo Social
Municipal), in follow-up, closed for each reason, a few closures waiting for the supervisor and a few
reopened; sexual violence makes some sensitive; plans in draft, sent and approved; tasks, some
overdue, and a mandatory referral or two past their deadline. ``defensor.motupe`` owns the cases of
Motupe; the demo's other defenders own those of their communities, the supervisor the rest.

Everything through the services, as ``SYSTEM`` (a defender asks to close as themself); deterministic
(a seeded generator); idempotent (nothing is added when Loja already has cases). Dates are relative
to today.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ronda.accounts.models import User
from ronda.accounts.selectors import active_memberships
from ronda.cases import casework, route, taxonomy
from ronda.cases.demo import MUNICIPALITY, REGISTRARS, SUPERVISOR
from ronda.cases.models import (
    Case,
    CasePlan,
    CaseState,
    CaseViolation,
    Child,
    ClosingReason,
    MediationAgreement,
    Referral,
    Task,
    ViolationType,
)
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.territory.models import Institution, InstitutionKind, Level, OrgUnit

CASES = 200
# The referral directory of Loja the demo refers to (``territory.demo.INSTITUTIONS``).
JUNTA = "Junta Cantonal de Protección de Derechos de Loja"
DINAPEN = "Dirección Nacional de Policía Especializada para Niños, Niñas y Adolescentes"
FISCALIA = "Fiscalía Provincial de Loja"
MIES = "Ministerio de Inclusión Económica y Social — Coordinación Zonal 7"
PATRONATO = "Patronato de Amparo Social Municipal de Loja"
BY_KIND: dict[str, str] = {
    InstitutionKind.PROTECTION_BOARD: JUNTA,
    InstitutionKind.PROSECUTOR: FISCALIA,
    InstitutionKind.POLICE: DINAPEN,
}

# (violation type code, weight, risks to choose from, what was reported)
KINDS: list[tuple[str, int, tuple[str, ...], tuple[str, ...]]] = [
    ("negligencia", 30, ("medium", "low"), (
        "La niña pasa sola en casa hasta la noche; los vecinos le dan de comer.",
        "El niño no ha sido llevado a sus controles de salud y tiene una herida sin curar.",
        "Los hermanos pequeños quedan al cuidado del mayor, de 9 años, toda la jornada.",
    )),
    ("maltrato-fisico", 24, ("high", "medium"), (
        "La docente vio moretones en los brazos; el niño dice que se cayó.",
        "Una vecina escucha golpes y gritos casi todas las noches.",
        "El adolescente llegó al centro de salud con una lesión en la espalda.",
    )),
    ("maltrato-psicologico", 18, ("medium", "low"), (
        "El padrastro la insulta y la amenaza con echarla de la casa.",
        "El niño cuenta que lo encierran como castigo y que le dicen que no sirve para nada.",
    )),
    ("desercion-escolar", 22, ("low", "medium"), (
        "Dejó de asistir a la escuela desde hace dos meses para cuidar a sus hermanos.",
        "No se matriculó este año; la familia dice que no tiene para los útiles.",
    )),
    ("trabajo-infantil", 14, ("medium",), (
        "Vende caramelos en el mercado mayorista en horario escolar.",
        "Trabaja en la ladrillera con el padre desde la madrugada.",
    )),
    ("violencia-educativa", 14, ("medium", "low"), (
        "Compañeros la acosan a diario y la docente no interviene.",
        "Un docente castiga al niño dejándolo fuera del aula.",
    )),
    ("abuso-sexual", 12, ("high",), (
        "La niña contó a su profesora una situación de abuso por parte de un familiar.",
        "La madre sospecha de un vecino que se queda con la niña por las tardes.",
    )),
    ("sin-identidad", 10, ("low",), (
        "No tiene inscripción en el Registro Civil; nació en casa.",
        "Familia migrante sin documentos; no ha podido matricularse.",
    )),
    ("abandono", 8, ("high", "medium"), (
        "La madre se fue a trabajar fuera de la provincia y los dejó con una vecina.",
    )),
    ("explotacion-laboral", 7, ("high", "medium"), (
        "Trabaja como empleada doméstica en una casa del centro sin pago y sin estudiar.",
    )),
    ("discriminacion", 7, ("low",), (
        "No lo dejan participar en las actividades de la escuela por su discapacidad.",
    )),
    ("falta-salud", 8, ("medium",), (
        "Tiene desnutrición y no recibe atención en el centro de salud.",
    )),
    ("consumo", 4, ("medium",), ("El adolescente consume alcohol con un grupo del barrio.",)),
    ("acoso-sexual", 3, ("high",), ("Un adulto le envía mensajes de contenido sexual por el celular.",)),
    ("desaparicion", 4, ("high",), ("El adolescente salió de casa hace dos días y no regresó.",)),
]  # fmt: skip
REPORTERS = ["neighbour"] * 4 + ["school"] * 4 + ["family"] * 3 + ["health", "anonymous", "anonymous", "defender"]
NAMED_REPORTERS = ["Rosa Jiménez", "Luis Cueva", "Lcda. Carmen Ordóñez", "Dr. Hugo Sarango", "Marlene Castillo"]
# How far along the route each case got (weights over 200 cases), and how the closed ones closed.
TARGETS = [
    (CaseState.REGISTERED, 30),
    (CaseState.VISITS, 34),
    (CaseState.MEDIATION, 30),
    (CaseState.REFERRAL, 30),
    (CaseState.FOLLOW_UP, 36),
    (CaseState.CLOSED, 40),
]
CLOSINGS = [
    ClosingReason.RESTORED,
    ClosingReason.AGREEMENTS_MET,
    ClosingReason.AGREEMENTS_MET,
    ClosingReason.REFERRED_HANDLED,
    ClosingReason.MOVED_AWAY,
    ClosingReason.NOT_CONFIRMED,
    ClosingReason.OTHER,
]
FOLLOWING = {
    CaseState.REGISTERED: CaseState.VISITS,
    CaseState.VISITS: CaseState.MEDIATION,
    CaseState.MEDIATION: CaseState.REFERRAL,
    CaseState.REFERRAL: CaseState.FOLLOW_UP,
    CaseState.FOLLOW_UP: CaseState.CLOSED,
}


@dataclass
class Plan:
    """What the demo does to one case after opening it."""

    case: Case
    target: str
    code: str
    rng: random.Random
    institutions: dict[str, Institution]
    today: dt.date


def _load_taxonomies() -> dict[str, OrgUnit]:
    countries = {}
    for code in taxonomy.TAXONOMIES:
        country = OrgUnit.objects.filter(code=code, level=Level.COUNTRY).first()
        if country is not None:
            taxonomy.load_taxonomy(country, code)
            countries[code] = country
    return countries


def _person(user: User | None) -> Actor | None:
    if user is None:
        return None
    memberships = active_memberships(user)
    return actor_for(user, memberships[0], second_factor=True) if memberships else None


def _targets(rng: random.Random) -> list[str]:
    states = [str(state) for state, weight in TARGETS for _ in range(weight)]
    rng.shuffle(states)
    return states[:CASES]


def _weighted(rng: random.Random) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    code, _weight, risks, texts = rng.choices(KINDS, weights=[k[1] for k in KINDS])[0]
    return code, risks, texts


def _move(plan: Plan, to_state: str, reason: str = "", **closing: str) -> None:
    plan.case = route.move_case(
        actor=SYSTEM, case=plan.case, expected_version=None, to_state=to_state, reason=reason, **closing
    )


def _walk(plan: Plan, work: Callable[[Plan, str], None]) -> None:
    """Move the case step by step up to its target, doing the work of each step on the way."""
    sensitive = plan.case.sensitive
    while plan.case.state != plan.target and plan.case.state != CaseState.CLOSED:
        here = CaseState(plan.case.state)
        there = FOLLOWING[here]
        if there == CaseState.MEDIATION and sensitive:
            # Sexual violence is never mediated: from the visits straight to the referral.
            _move(plan, CaseState.REFERRAL, "Violencia sexual: no procede la mediación; se deriva a la Fiscalía.")
            if plan.target == CaseState.MEDIATION:
                plan.target = CaseState.REFERRAL
            work(plan, CaseState.REFERRAL)
            continue
        if there == CaseState.CLOSED:
            _close(plan)
            return
        _move(plan, there)
        work(plan, there)


def _close(plan: Plan) -> None:
    reason = plan.rng.choice(CLOSINGS)
    note = "La familia y la escuela acordaron un seguimiento propio." if reason == ClosingReason.OTHER else ""
    _move(plan, CaseState.CLOSED, closing_reason=reason, closing_note=note)


FINDINGS = (
    "La familia recibió la visita; la madre reconoce la situación y acepta el acompañamiento.",
    "El niño vive con la abuela; la casa tiene un solo cuarto y no hay quien lo cuide por las tardes.",
    "Nadie abrió en la primera visita; una vecina confirma que la familia vive allí.",
    "La niña está en la escuela; se conversa con la docente tutora y con el padre.",
)
AGREEMENTS = (
    "La madre lleva a la niña a la escuela todos los días.",
    "El padre no usa el castigo físico y asiste al taller de crianza positiva.",
    "La abuela recoge al niño de la escuela y lo cuida por las tardes.",
    "La familia acude al centro de salud para el control del niño.",
)
ACTIONS = (
    ("Matricular a la niña en la escuela", "Madre y defensor/a"),
    ("Acompañar a la familia al centro de salud", "Defensor/a comunitario/a"),
    ("Inscribir al niño en el Registro Civil", "Padre"),
    ("Incluir a la familia en el programa del MIES", "Técnica del MIES"),
)
# Where a case without a mandatory referral is referred.
SOCIAL = {
    "desercion-escolar": PATRONATO,
    "sin-identidad": MIES,
    "falta-salud": MIES,
    "trabajo-infantil": JUNTA,
    "discriminacion": PATRONATO,
    "consumo": MIES,
    "negligencia": JUNTA,
}


def _day(plan: Plan, offset: int) -> dt.date:
    return min(plan.case.registered_on + dt.timedelta(days=offset), plan.today)


def _visits(plan: Plan) -> None:
    case, rng = plan.case, plan.rng
    planned = _day(plan, rng.randint(0, 6))
    visit = casework.plan_visit(actor=SYSTEM, case=case, planned_for=planned)
    casework.record_visit(
        actor=SYSTEM, visit=visit, expected_version=None, done_on=planned, findings=rng.choice(FINDINGS)
    )
    for task in Task.objects.filter(case=case, done_at__isnull=True).order_by("id")[:1]:
        casework.complete_task(actor=SYSTEM, task=task, expected_version=None)
    if rng.random() < 0.4:
        casework.plan_visit(actor=SYSTEM, case=case, planned_for=plan.today + dt.timedelta(days=rng.randint(1, 20)))


def _mediation(plan: Plan) -> None:
    case, rng = plan.case, plan.rng
    held = _day(plan, rng.randint(7, 25))
    chosen = rng.sample(AGREEMENTS, rng.randint(1, 2))
    casework.record_mediation(
        actor=SYSTEM,
        case=case,
        held_on=held,
        participants="Madre, padre o abuela; defensor/a comunitario/a",
        summary="Se conversó sobre la situación y la familia propuso compromisos.",
        agreements=[(text, held + dt.timedelta(days=30)) for text in chosen],
    )
    casework.save_plan(
        actor=SYSTEM, case=case, expected_version=None, goal="Que el niño, niña o adolescente recupere sus derechos."
    )
    plan_row = CasePlan.objects.get(case=case)
    for description, responsible in rng.sample(ACTIONS, rng.randint(1, 2)):
        casework.add_plan_action(
            actor=SYSTEM,
            plan=plan_row,
            description=description,
            responsible=responsible,
            due_on=held + dt.timedelta(days=rng.randint(20, 60)),
        )


def _referral(plan: Plan) -> None:
    case, rng = plan.case, plan.rng
    required = [
        v.violation_type.requires_referral_to
        for v in CaseViolation.objects.filter(case=case).select_related("violation_type")
        if v.violation_type.requires_referral_to
    ]
    names = [BY_KIND[kind] for kind in dict.fromkeys(required) if kind in BY_KIND]
    names = names or [SOCIAL.get(plan.code, rng.choice([MIES, PATRONATO]))]
    if case.sensitive and MIES not in names:
        names.append(MIES)  # psychological support beside the complaint
    if case.sensitive and case.pk % 2 == 0:
        names.append(DINAPEN)  # immediate protection by the specialised police
    for name in names:
        institution = plan.institutions.get(name)
        if institution is None:
            continue
        without_consent = case.pk % 23 == 0
        casework.refer_case(
            actor=SYSTEM,
            case=case,
            institution=institution,
            reason="Se deriva para la restitución de los derechos vulnerados.",
            consent_to_services=not without_consent,
            consent_to_sharing=not without_consent,
            consent_given_by="" if without_consent else rng.choice(["caregiver", "both"]),
            override_reason="La madre se niega y el niño está en riesgo; la supervisora autoriza la derivación."
            if without_consent
            else "",
            sent_on=_day(plan, rng.randint(1, 3) if case.sensitive else rng.randint(15, 40)),
        )


def _follow_up(plan: Plan) -> None:
    case, rng = plan.case, plan.rng
    for referral in Referral.objects.filter(case=case).order_by("id"):
        if rng.random() < 0.25:
            continue  # no answer yet: the supervisor's "referrals without feedback"
        answered = min(referral.sent_on + dt.timedelta(days=rng.randint(3, 15)), plan.today)
        received = min(referral.sent_on + dt.timedelta(days=1), answered)
        casework.update_referral(
            actor=SYSTEM, referral=referral, expected_version=None, status="received", feedback_on=received
        )
        accepted = rng.random() < 0.85
        casework.update_referral(
            actor=SYSTEM,
            referral=referral,
            expected_version=None,
            status="accepted" if accepted else "rejected",
            feedback="Se abrió el expediente y se dictaron medidas." if accepted else "No es de nuestra competencia.",
            feedback_on=answered,
        )
    for agreement in MediationAgreement.objects.filter(mediation__case=case).select_related("mediation"):
        casework.check_agreement(
            actor=SYSTEM,
            agreement=agreement,
            expected_version=None,
            fulfilment=rng.choice(["fulfilled", "fulfilled", "partly", "not_fulfilled"]),
            checked_on=min(agreement.mediation.held_on + dt.timedelta(days=rng.randint(20, 40)), plan.today),
        )
    plan_row = CasePlan.objects.filter(case=case).first()
    if plan_row is not None and rng.random() < 0.8:
        casework.submit_plan(actor=SYSTEM, plan=plan_row, expected_version=None)
        if rng.random() < 0.6:
            casework.decide_plan(actor=SYSTEM, plan=plan_row, expected_version=None, approve=True)
    # A follow-up visit: some are overdue (on the defender's home and the supervisor's overview).
    due = plan.today + dt.timedelta(days=rng.randint(-12, 10))
    casework.add_task(
        actor=SYSTEM,
        case=case,
        title="Visita de seguimiento",
        due_on=max(due, case.registered_on),
        assigned_to=case.owner,
    )


STEP_WORK: dict[str, Callable[[Plan], None]] = {
    CaseState.VISITS: _visits,
    CaseState.MEDIATION: _mediation,
    CaseState.REFERRAL: _referral,
    CaseState.FOLLOW_UP: _follow_up,
}


def _work(plan: Plan, state: str) -> None:
    step = STEP_WORK.get(state)
    if step is not None:
        step(plan)
        plan.case = Case.objects.select_related("child", "community").get(pk=plan.case.pk)


@transaction.atomic
def load_demo() -> list[str]:
    _load_taxonomies()
    municipality = OrgUnit.objects.filter(code=MUNICIPALITY, level=Level.MUNICIPALITY).first()
    if municipality is None or Case.objects.filter(municipality=municipality).exists():
        return []
    children = list(
        Child.objects.filter(municipality=municipality, merged_into__isnull=True)
        .select_related("community")
        .order_by("id")[:300]
    )
    if not children:
        return []
    country_path = municipality.path.split(".")[0] + "."
    types = {t.code: t for t in ViolationType.objects.filter(country__path=country_path)}
    users = {u.username: u for u in User.objects.filter(username__in=[*REGISTRARS.values(), SUPERVISOR])}
    supervisor = users.get(SUPERVISOR)
    if supervisor is None or not types:
        return []
    institutions = {i.name: i for i in Institution.objects.filter(name__in=[JUNTA, DINAPEN, FISCALIA, MIES, PATRONATO])}
    actors = {name: _person(user) for name, user in users.items()}
    rng = random.Random(2611)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    targets = _targets(rng)
    chosen = rng.sample(children, min(CASES, len(children)))
    # The first cases opened are the oldest: registration dates run from about ten months ago to today.
    chosen.sort(key=lambda c: c.pk)
    for n, (child, target) in enumerate(zip(chosen, targets, strict=False)):
        code, risks, texts = _weighted(rng)
        if code not in types:
            continue
        owner_name = REGISTRARS.get(child.community.code, SUPERVISOR)
        owner = users.get(owner_name) or supervisor
        age_days = (today - child.birth_date).days if child.birth_date else 3 * 365
        back = max(0, min(300 - n * 300 // CASES + rng.randint(-5, 5), age_days - 40))
        # A case still at registration is recent; one closed has lived a while.
        if target == CaseState.REGISTERED:
            back = min(back, rng.randint(0, 20))
        registered = today - dt.timedelta(days=back)
        facts = registered - dt.timedelta(days=rng.randint(0, min(30, max(0, age_days - back - 1))))
        extra = []
        if rng.random() < 0.15 and code not in ("abuso-sexual", "acoso-sexual"):
            extra = [rng.choice(["negligencia", "desercion-escolar", "maltrato-psicologico"])]
        reporter = rng.choice(REPORTERS)
        case = route.open_case(
            actor=SYSTEM,
            child=child,
            owner=owner,
            violation_type_ids=[types[c].pk for c in dict.fromkeys([code, *extra]) if c in types],
            reporter_type=reporter,
            reporter_name="" if reporter == "anonymous" else rng.choice(NAMED_REPORTERS),
            facts_date=facts,
            registered_on=registered,
            description=rng.choice(texts),
            risk=rng.choice(risks),
        )
        plan = Plan(case, target, code, rng, institutions, today)
        _walk(plan, _work)
    _closure_requests_and_reopenings(municipality, actors, rng)
    return []


def _closure_requests_and_reopenings(
    municipality: OrgUnit, actors: dict[str, Actor | None], rng: random.Random
) -> None:
    """A few defenders asked to close (waiting for the supervisor); a few closed cases were reopened."""
    open_cases = list(
        Case.objects.filter(
            municipality=municipality, state=CaseState.FOLLOW_UP, owner__username__in=REGISTRARS.values()
        )
        .select_related("owner", "community")
        .order_by("id")
    )
    for case in open_cases[:6]:
        actor = actors.get(case.owner.username)
        if actor is None:
            continue
        route.move_case(
            actor=actor,
            case=case,
            expected_version=None,
            to_state=CaseState.CLOSED,
            closing_reason=rng.choice([ClosingReason.RESTORED, ClosingReason.AGREEMENTS_MET]),
        )
    junta = Institution.objects.filter(name=JUNTA).first()
    handed = list(
        Case.objects.filter(municipality=municipality, state=CaseState.FOLLOW_UP, owner__username=SUPERVISOR)
        .select_related("municipality")
        .order_by("-id")[:2]
    )
    for case in handed:
        if junta is None:
            break
        route.transfer_to_protection(
            actor=SYSTEM,
            case=case,
            expected_version=None,
            institution=junta,
            reason="La Junta Cantonal dictó medidas de protección y lleva el caso.",
            consent_to_sharing=True,
            consent_given_by="caregiver",
        )
    closed = list(
        Case.objects.filter(municipality=municipality, state=CaseState.CLOSED)
        .exclude(closing_reason=ClosingReason.TRANSFERRED)
        .order_by("id")
    )
    for case in closed[:5]:
        route.reopen_case(
            actor=SYSTEM,
            case=case,
            reason="Nueva denuncia de la escuela: la situación se repite.",
            to_state=CaseState.FOLLOW_UP,
        )

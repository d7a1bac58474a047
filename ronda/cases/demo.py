"""Demo children of Loja (issue #11, item 11): 300 children in its communities with realistic Ecuadorian
names and caregivers, registered by ``defensor.motupe`` and the other demo defenders, and a dozen
children registered twice under another spelling, a nickname or swapped surnames, waiting to be found.

Deterministic (a seeded generator) and idempotent: nothing is added when Loja already has children.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from ronda.accounts.models import User
from ronda.cases import services
from ronda.cases.models import Child
from ronda.core.tenancy import SYSTEM
from ronda.territory.models import Level, OrgUnit

MUNICIPALITY = "EC-1101"
CHILDREN = 300
# Who registered the children, by community code; the rest of the communities' children are the
# supervisor's (registered at the municipality's office).
REGISTRARS = {
    "EC-1101-01": "defensor.motupe",
    "EC-1101-02": "defensora.capuli",
    "EC-1101-12": "defensora.elvalle",
    "EC-1101-13": "defensor.sanjacinto",
}
SUPERVISOR = "supervisor.loja"

GIRLS = [
    "María José", "María Fernanda", "Valentina", "Camila", "Sofía", "Dayana", "Nataly", "Génesis",
    "Ximena", "Estefanía", "Joselyn", "Mishel", "Yadira", "Daniela", "Ariana", "Emily", "Paula",
    "Nicole", "Valeria", "Guadalupe", "Luz María", "Anahí", "Doménica", "Kerly", "Lizbeth", "Jhuliana",
]  # fmt: skip
BOYS = [
    "José Luis", "Juan Carlos", "Jhonatan", "Kevin", "Brayan", "Byron", "Anderson", "Santiago",
    "Mateo", "Sebastián", "Alexander", "Luis Ángel", "Wilson", "Diego", "Josué", "Jostin", "Cristian",
    "Francisco", "Darwin", "Jefferson", "Jhon", "Alejandro", "Carlos", "Andrés", "Segundo", "Édison",
]  # fmt: skip
SURNAMES = [
    "Jiménez", "Quezada", "Guamán", "Sarango", "Cueva", "Ordóñez", "Castillo", "Armijos", "Torres",
    "Yépez", "Pineda", "Chamba", "Merino", "Tandazo", "Japón", "Medina", "Vélez", "Cabrera", "Sánchez",
    "Abad", "Ramón", "Jaramillo", "Lozano", "Macas", "Tene", "Zhunaula", "Paladines", "Celi", "Quizhpe",
    "Gualán", "Ochoa", "Riofrío", "Guachizaca", "Vire", "Chalán", "Lima", "Aguirre", "Poma",
    "Maldonado", "Soto", "Salinas", "Ortega", "Córdova", "Ludeña", "Masache", "Pucha", "Sisalima",
    "Ríos", "Espinoza", "Calva", "Rojas", "Morocho", "Tapia", "Valarezo", "Granda", "Cartuche",
]  # fmt: skip
MOTHERS = ["Rosa", "Carmen", "María", "Luz", "Mercedes", "Gloria", "Rocío", "Marlene", "Nancy", "Blanca"]
FATHERS = ["Manuel", "Segundo", "José", "Luis", "Ángel", "Víctor", "Jorge", "Ramiro", "Fausto", "Hugo"]
SCHOOLS = ["Escuela Miguel Riofrío", "Unidad Educativa Motupe", "Escuela Lauro Damerval Ayora", "Colegio Beatriz Cueva"]

# How the second registration of a child was written: (change, what it does).
VARIANTS = [
    ("nickname", {"José Luis": "Pepe Luis", "Francisco": "Pancho", "Guadalupe": "Lupita", "Carlos": "Carlitos"}),
    ("spelling", {"Jhonatan": "Jonathan", "Ximena": "Jimena", "Nataly": "Natali", "Brayan": "Bryan"}),
]


def _spelling(name: str) -> str:
    table = {"z": "s", "Z": "S", "é": "e", "ó": "o", "á": "a", "í": "i", "ñ": "n", "v": "b", "y": "i"}
    return "".join(table.get(ch, ch) for ch in name)


def _birth(rng: random.Random, today: dt.date) -> dt.date:
    return today - dt.timedelta(days=rng.randint(200, 17 * 365))


@transaction.atomic
def load_demo() -> list[str]:
    _load_children()
    from ronda.cases import demo_cases

    return demo_cases.load_demo()


def _load_children() -> list[str]:
    municipality = OrgUnit.objects.filter(code=MUNICIPALITY, level=Level.MUNICIPALITY).first()
    if municipality is None or Child.objects.filter(municipality=municipality).exists():
        return []
    communities = list(OrgUnit.objects.filter(parent=municipality, level=Level.COMMUNITY).order_by("code"))
    if not communities:
        return []
    users = {u.username: u for u in User.objects.filter(username__in=[*REGISTRARS.values(), SUPERVISOR])}
    rng = random.Random(11)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    created: list[Child] = []
    # A quarter of the children in Motupe, where defensor.motupe works; the rest across the canton.
    for n in range(CHILDREN):
        community = communities[0] if n % 4 == 0 else rng.choice(communities)
        girl = rng.random() < 0.5
        estimated = rng.random() < 0.1
        paternal, maternal = rng.sample(SURNAMES, 2)
        birth = _birth(rng, today)
        child = services.register_child(
            actor=SYSTEM,
            confirmed_new=True,
            registered_by=users.get(REGISTRARS.get(community.code, SUPERVISOR)),
            first_names=rng.choice(GIRLS if girl else BOYS),
            paternal_surname=paternal,
            maternal_surname="" if rng.random() < 0.05 else maternal,
            sex="female" if girl else "male",
            birth_date=None if estimated else birth,
            estimated_age=(today - birth).days // 365 if estimated else None,
            age_estimated_on=today - dt.timedelta(days=rng.randint(0, 400)) if estimated else None,
            community=community,
            school=rng.choice(SCHOOLS) if (today - birth).days > 5 * 365 else "",
            ethnicity=rng.choice(["mestizo"] * 8 + ["indigenous", "afro"]),
            disability="none" if rng.random() < 0.9 else rng.choice(["physical", "sensory", "intellectual"]),
        )
        services.add_caregiver(
            actor=SYSTEM,
            child=child,
            first_names=rng.choice(MOTHERS),
            surnames=f"{maternal} {rng.choice(SURNAMES)}",
            relationship="mother",
            phone=f"09{rng.randint(10_000_000, 99_999_999)}",
            is_main_caregiver=True,
        )
        if rng.random() < 0.5:
            services.add_caregiver(
                actor=SYSTEM,
                child=child,
                first_names=rng.choice(FATHERS),
                surnames=f"{paternal} {rng.choice(SURNAMES)}",
                relationship=rng.choice(["father", "grandfather", "aunt_uncle"]),
                lives_with_child=rng.random() < 0.7,
            )
        created.append(child)
    # Twelve children registered a second time, by someone else, as it happens.
    nicknames, spellings = dict(VARIANTS[0][1]), dict(VARIANTS[1][1])
    twice = [c for c in created if c.first_names in nicknames or c.first_names in spellings][:6]
    twice += rng.sample([c for c in created if c not in twice], 12 - len(twice))
    for i, original in enumerate(twice):
        given = nicknames.get(original.first_names) or spellings.get(original.first_names) or original.first_names
        paternal, maternal = original.paternal_surname, original.maternal_surname
        if i % 3 == 1:
            paternal, maternal = maternal or paternal, paternal if maternal else ""  # surnames swapped
        elif i % 3 == 2:
            paternal, maternal = _spelling(paternal), ""  # one surname, spelled as heard
        services.register_child(
            actor=SYSTEM,
            confirmed_new=True,
            registered_by=users.get(SUPERVISOR) if original.registered_by_id else users.get("defensor.motupe"),
            first_names=given,
            paternal_surname=paternal,
            maternal_surname=maternal,
            sex=original.sex,
            birth_date=original.birth_date,
            estimated_age=original.estimated_age,
            age_estimated_on=original.age_estimated_on,
            community=original.community,
        )
    return []

"""Demo users: one per role (and one person with two roles), password ``RONDA_DEMO_PASSWORD``,
all marked ``is_demo`` (refused at sign-in in production).

Idempotent: users are looked up by username and memberships by their role, unit and area before
they are created through the services with ``actor=SYSTEM``. Needs the demo territory
(``ronda.territory.demo``), which ``ronda.portal.demo.load_demo`` loads first.
"""

from __future__ import annotations

from django.conf import settings

from ronda.accounts import services as account_services
from ronda.accounts.models import Membership, User
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.territory.models import Area, OrgUnit

# username, first name, last name, role, unit code, area name
USERS = [
    ("admin", "Ana", "Administradora", Role.ADMIN, None, None),
    ("secretaria.cr", "Silvia", "Mora", Role.SECRETARIAT, "CR", None),
    ("coord.loja", "Carmen", "Jaramillo", Role.COORDINATOR, "EC-1101", None),
    ("focal.loja", "Fernando", "Ochoa", Role.AREA_FOCAL, "EC-1101", "Salud"),
    ("defensor.motupe", "Diego", "Cueva", Role.DEFENDER, "EC-1101-01", None),
    # More defenders of Loja who register children (the cases demo, issue #11).
    ("defensora.capuli", "Rosa", "Guamán", Role.DEFENDER, "EC-1101-02", None),
    ("defensora.elvalle", "Lucía", "Armijos", Role.DEFENDER, "EC-1101-12", None),
    ("defensor.sanjacinto", "Marco", "Tandazo", Role.DEFENDER, "EC-1101-13", None),
    ("supervisor.loja", "Sofía", "Valarezo", Role.SUPERVISOR, "EC-1101", None),
    ("proteccion.tlaxcala", "Patricia", "Hernández", Role.PROTECTION_OFFICER, "MX-29", None),
    # The state's supervisor of protection files (the protection demo, issue #12).
    ("supervision.tlaxcala", "Rocío", "Xochitiotzi", Role.SUPERVISOR, "MX-29", None),
    ("analista.cr", "Andrés", "Solano", Role.ANALYST, "CR", None),
    ("coord.sanjose", "Laura", "Vargas", Role.COORDINATOR, "CR-101", None),
    # An independent evaluator of the CAI recognition (issue #14): sees only what is assigned to her.
    ("evaluadora.cr", "Marta", "Castro", Role.EVALUATOR, "CR", None),
    # One person, two hats: shows how a user switches the role they act in.
    ("tecnico.loja", "Tomás", "Ríos", Role.ANALYST, "EC", None),
]
EXTRA_MEMBERSHIPS = [("tecnico.loja", Role.COORDINATOR, "EC-1101", None)]


def _membership(user: User, role: str, unit_code: str | None, area_name: str | None) -> None:
    unit = OrgUnit.objects.get(code=unit_code) if unit_code else None
    area = Area.objects.get(org_unit=unit, name=area_name) if area_name else None
    if not Membership.objects.filter(user=user, role=role, org_unit=unit, area=area).exists():
        account_services.add_membership(actor=SYSTEM, user=user, role=role, org_unit=unit, area=area)


def _users() -> list[str]:
    created = []
    for username, first, last, role, unit_code, area_name in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.create_user(
                actor=SYSTEM,
                username=username,
                password=settings.RONDA_DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.ronda.invalid",
                is_demo=True,
            )
            created.append(username)
        _membership(user, role, unit_code, area_name)
    for username, role, unit_code, area_name in EXTRA_MEMBERSHIPS:
        _membership(User.objects.get(username=username), role, unit_code, area_name)
    return created


def load_demo() -> list[str]:
    """Create the demo users; returns the usernames created now (empty when all existed)."""
    return _users()

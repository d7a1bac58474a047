"""Shared builders for the case-route tests: a small taxonomy for country A, a child, a case.

Everything is made through the services (``SYSTEM`` or the world's users), as a user would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ronda.accounts.models import User
from ronda.accounts.selectors import active_memberships
from ronda.cases import route, services
from ronda.cases.models import Case, Child, ViolationType
from ronda.core.roles import Role
from ronda.core.tenancy import Actor, actor_for
from ronda.territory.models import InstitutionKind, OrgUnit
from ronda.testing import World

TODAY = timezone.localdate()


def act(user: User, *, second_factor: bool = True) -> Actor:
    return actor_for(user, active_memberships(user)[0], second_factor=second_factor)


def taxonomy(country: OrgUnit) -> dict[str, ViolationType]:
    """Three violation types: neglect (no deadline), physical violence (to the protection board in
    72 h) and sexual violence (to the prosecutor's office in 24 h; makes the case sensitive)."""
    rows = {
        "neglect": {"name": "Negligencia", "position": 1},
        "physical": {
            "name": "Violencia física",
            "requires_referral_to": InstitutionKind.PROTECTION_BOARD,
            "referral_deadline_hours": 72,
            "position": 2,
        },
        "sexual": {
            "name": "Violencia sexual",
            "requires_referral_to": InstitutionKind.PROSECUTOR,
            "referral_deadline_hours": 24,
            "makes_sensitive": True,
            "position": 3,
        },
    }
    return {
        code: ViolationType.objects.get_or_create(country=country, code=code, defaults=values)[0]
        for code, values in rows.items()
    }


def make_child(world: World, *, community: OrgUnit | None = None, **over: Any) -> Child:
    community = community or world.community
    fields: dict[str, Any] = {
        "first_names": "Xiomara Belén",
        "paternal_surname": "Quizhpe",
        "maternal_surname": "Sarango",
        "sex": "female",
        "birth_date": dt.date(TODAY.year - 9, 3, 4),
        "community": community,
    }
    fields.update(over)
    defender = world.home[Role.DEFENDER] if community == world.community else None
    from ronda.core.tenancy import SYSTEM

    if defender is not None:
        return services.register_child(actor=act(defender), confirmed_new=True, **fields)
    return services.register_child(actor=SYSTEM, confirmed_new=True, **fields)


def make_case(
    world: World,
    *,
    child: Child | None = None,
    types: tuple[str, ...] = ("neglect",),
    by: User | None = None,
    **over: Any,
) -> Case:
    """A case opened by the home defender (or ``by``) for ``child`` (a new child by default)."""
    child = child or make_child(world)
    codes = taxonomy(world.country if child.community.path.startswith(world.country.path) else world.other_country)
    fields: dict[str, Any] = {
        "violation_type_ids": [codes[t].pk for t in types],
        "reporter_type": "neighbour",
        "facts_date": TODAY - dt.timedelta(days=3),
        "description": "Una vecina cuenta que la niña pasa sola la tarde.",
        "risk": "medium",
    }
    fields.update(over)
    return route.open_case(actor=act(by or world.home[Role.DEFENDER]), child=child, **fields)

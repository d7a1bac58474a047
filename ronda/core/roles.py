"""The roles of DOMAIN.md and what each may see. The single table every policy reads."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    SECRETARIAT = "secretariat", _("Technical secretariat")
    COORDINATOR = "coordinator", _("Coordinator")
    AREA_FOCAL = "area_focal", _("Area focal point")
    DEFENDER = "defender", _("Community defender")
    PROTECTION_OFFICER = "protection_officer", _("Protection officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ANALYST = "analyst", _("Analyst")
    # An independent evaluator of certification (issue #14): reads only the cycles the secretariat
    # assigns to them, and nothing else of the municipalities.
    EVALUATOR = "evaluator", _("Independent evaluator")


# Roles that can read any child's personal data: they must use two-factor authentication, on the
# web and through the API, and ``Actor.may_read_personal_data`` refuses them personal records until
# the second factor is verified. The coordinator is here because they keep the children's council
# member list (first names, age bands, communities).
PERSONAL_DATA_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.DEFENDER, Role.PROTECTION_OFFICER, Role.SUPERVISOR})

# Roles whose reach is not a subtree of the territory: ``Actor.scope_path`` is None for them, so every
# policy that reads by territory gives them nothing. An independent evaluator reads only the cycles
# assigned to them, which certification's policies grant by assignment (issue #14).
SCOPELESS_ROLES = frozenset({Role.EVALUATOR})

# Roles that never write anything.
READ_ONLY_ROLES = frozenset({Role.ANALYST})

# The org-unit level a membership of each role is anchored at (None: any level / global).
ROLE_LEVELS: dict[str, tuple[int, ...]] = {
    Role.ADMIN: (),
    Role.SECRETARIAT: (1, 2),
    Role.COORDINATOR: (3,),
    Role.AREA_FOCAL: (3,),
    Role.DEFENDER: (4,),
    # A state (or provincial) protection office and its supervisors act on the whole state (issue #12).
    Role.PROTECTION_OFFICER: (2, 3),
    Role.SUPERVISOR: (2, 3),
    Role.ANALYST: (1, 2, 3),
    # Registered by a country's or a region's secretariat; their scope is their assignments alone.
    Role.EVALUATOR: (1, 2),
}

# Order of preference when a user with several memberships signs in.
ROLE_PRIORITY = [
    Role.ADMIN,
    Role.SECRETARIAT,
    Role.COORDINATOR,
    Role.SUPERVISOR,
    Role.PROTECTION_OFFICER,
    Role.DEFENDER,
    Role.AREA_FOCAL,
    Role.ANALYST,
    Role.EVALUATOR,
]

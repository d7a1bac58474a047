from __future__ import annotations

from ronda.accounts.models import ApiToken, Membership, User, hash_token
from ronda.accounts.roles import ROLE_PRIORITY

ACTOR_FIELDS = (
    "id",
    "user_id",
    "role",
    "is_active",
    "org_unit_id",
    "area_id",
    "institution_id",
    "org_unit__id",
    "org_unit__code",
    "org_unit__name",
    "org_unit__level",
    "org_unit__path",
    "org_unit__parent_id",
    "org_unit__is_active",
    "area__id",
    "area__name",
    "area__kind",
    "area__org_unit_id",
    "institution__id",
    "institution__name",
    "institution__acronym",
    "institution__org_unit_id",
)


def active_memberships(user: User) -> list[Membership]:
    # Runs on every request: fetch only what an Actor needs (never an org unit's geometry).
    memberships = list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("org_unit", "area", "institution")
        .only(*ACTOR_FIELDS)
        .order_by("id")
    )
    order = {str(role): i for i, role in enumerate(ROLE_PRIORITY)}
    memberships.sort(key=lambda m: (order.get(m.role, 99), m.pk))
    return memberships


def pick_membership(memberships: list[Membership], wanted_id: object) -> Membership | None:
    """The membership asked for when it is still active and the user's, else the default one."""
    for membership in memberships:
        if str(membership.pk) == str(wanted_id):
            return membership
    return memberships[0] if memberships else None


def token_for_key(raw: str) -> ApiToken | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_valid or not token.user.is_active:
        return None
    return token

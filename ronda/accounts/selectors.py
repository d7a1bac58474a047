from __future__ import annotations

from ronda.accounts.models import ApiToken, Membership, User, hash_token
from ronda.accounts.roles import ROLE_PRIORITY


def active_memberships(user: User) -> list[Membership]:
    memberships = list(
        Membership.objects.active().filter(user=user).select_related("org_unit", "area", "institution").order_by("id")
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

from __future__ import annotations

from django.db.models import F

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


USER_FIELDS = (
    "user__id",
    "user__username",
    "user__first_name",
    "user__last_name",
    "user__email",
    "user__is_active",
    "user__is_demo",
)


def token_and_memberships(raw: str) -> tuple[ApiToken, list[Membership]] | None:
    """The token, its user and the user's active memberships in one query (every API request).

    Falls back to two queries for a user without memberships. None for an unknown, expired or
    revoked token, or an inactive user.
    """
    rows = list(
        Membership.objects.active()
        .filter(user__api_tokens__key_hash=hash_token(raw), user__is_active=True)
        .select_related("user", "org_unit", "area", "institution")
        .only(*ACTOR_FIELDS, *USER_FIELDS)
        .annotate(
            token_pk=F("user__api_tokens__id"),
            token_expires_at=F("user__api_tokens__expires_at"),
            token_revoked_at=F("user__api_tokens__revoked_at"),
            token_otp_verified=F("user__api_tokens__otp_verified"),
            token_last_used_at=F("user__api_tokens__last_used_at"),
        )
        .order_by("id")
    )
    if not rows:
        token = token_for_key(raw)
        return (token, []) if token is not None else None
    first = rows[0]
    user = first.user
    for membership in rows:
        membership.user = user  # one User object for all rows
    token = ApiToken(
        pk=first.token_pk,  # type: ignore[attr-defined]
        user=user,
        expires_at=first.token_expires_at,  # type: ignore[attr-defined]
        revoked_at=first.token_revoked_at,  # type: ignore[attr-defined]
        otp_verified=first.token_otp_verified,  # type: ignore[attr-defined]
        last_used_at=first.token_last_used_at,  # type: ignore[attr-defined]
    )
    if not token.is_valid:
        return None
    order = {str(role): i for i, role in enumerate(ROLE_PRIORITY)}
    rows.sort(key=lambda m: (order.get(m.role, 99), m.pk))
    return token, rows


def token_for_key(raw: str) -> ApiToken | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_valid or not token.user.is_active:
        return None
    return token

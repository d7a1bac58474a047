from __future__ import annotations

from typing import Any

from django.db.models import Model

from ronda.accounts.models import ApiToken, Membership, User, hash_token
from ronda.core.precompiled import INT_PLACEHOLDER, TEXT_PLACEHOLDER, PrecompiledValues, instance
from ronda.core.roles import ROLE_PRIORITY
from ronda.territory.models import Area, Institution, OrgUnit

# What an Actor needs of a membership and the units it points to (never an org unit's geometry).
MEMBERSHIP_COLUMNS = ("id", "user_id", "role", "is_active", "org_unit_id", "area_id", "institution_id")
RELATED_COLUMNS: dict[str, tuple[type[Model], tuple[str, ...]]] = {
    # With the municipality's identity (colour, coat of arms) that every page's header shows.
    "org_unit": (
        OrgUnit,
        ("code", "name", "level", "path", "parent_id", "is_active", "colour", "coat_of_arms", "version"),
    ),
    "area": (Area, ("name", "kind", "org_unit_id")),
    "institution": (Institution, ("name", "acronym", "org_unit_id")),
}
USER_COLUMNS = ("id", "username", "first_name", "last_name", "email", "is_active", "is_demo")
TOKEN_COLUMNS = ("id", "expires_at", "revoked_at", "otp_verified", "last_used_at")

MEMBERSHIP_PATHS = (
    *MEMBERSHIP_COLUMNS,
    *(f"{relation}__{column}" for relation, (_model, columns) in RELATED_COLUMNS.items() for column in columns),
)
USER_PATHS = tuple(f"user__{column}" for column in USER_COLUMNS)
TOKEN_PATHS = tuple(f"user__api_tokens__{column}" for column in TOKEN_COLUMNS)

# The two queries of every request, compiled once (ronda.core.precompiled): a signed-in page asks
# for the user's active memberships; an API call for the token, its user and their memberships.
_MEMBERSHIPS_OF_USER = PrecompiledValues(
    lambda user_id: Membership.objects.active().filter(user_id=user_id).order_by("id").values_list(*MEMBERSHIP_PATHS),
    placeholder=INT_PLACEHOLDER,
)
_MEMBERSHIPS_OF_TOKEN = PrecompiledValues(
    lambda key_hash: (
        Membership.objects.active()
        .filter(user__api_tokens__key_hash=key_hash, user__is_active=True)
        .order_by("id")
        .values_list(*MEMBERSHIP_PATHS, *USER_PATHS, *TOKEN_PATHS)
    ),
    placeholder=TEXT_PLACEHOLDER,
)


def _membership(values: dict[str, Any], user: User | None) -> Membership:
    membership = instance(Membership, {column: values[column] for column in MEMBERSHIP_COLUMNS})
    for relation, (model, columns) in RELATED_COLUMNS.items():
        pk = values[f"{relation}_id"]
        related = None
        if pk is not None:
            related = instance(model, {"id": pk, **{c: values[f"{relation}__{c}"] for c in columns}})
        setattr(membership, relation, related)
    if user is not None:
        membership.user = user  # one User object shared by all of them
    return membership


def _by_priority(memberships: list[Membership]) -> list[Membership]:
    order = {str(role): i for i, role in enumerate(ROLE_PRIORITY)}
    memberships.sort(key=lambda m: (order.get(m.role, 99), m.pk))
    return memberships


def active_memberships(user: User) -> list[Membership]:
    """The user's active memberships, most powerful role first (one precompiled query)."""
    rows = _MEMBERSHIPS_OF_USER.fetch(user.pk)
    return _by_priority([_membership(dict(zip(MEMBERSHIP_PATHS, row, strict=True)), user) for row in rows])


def pick_membership(memberships: list[Membership], wanted_id: object) -> Membership | None:
    """The membership asked for when it is still active and the user's, else the default one."""
    for membership in memberships:
        if str(membership.pk) == str(wanted_id):
            return membership
    return memberships[0] if memberships else None


def token_and_memberships(raw: str) -> tuple[ApiToken, list[Membership]] | None:
    """The token, its user and the user's active memberships in one query (every API request).

    Falls back to two queries for a user without memberships. None for an unknown, expired or
    revoked token, or an inactive user.
    """
    rows = _MEMBERSHIPS_OF_TOKEN.fetch(hash_token(raw))
    if not rows:
        token = token_for_key(raw)
        return (token, []) if token is not None else None
    paths = (*MEMBERSHIP_PATHS, *USER_PATHS, *TOKEN_PATHS)
    first = dict(zip(paths, rows[0], strict=True))
    user = instance(User, {column: first[f"user__{column}"] for column in USER_COLUMNS})
    token = instance(ApiToken, {column: first[f"user__api_tokens__{column}"] for column in TOKEN_COLUMNS})
    token.user = user
    if not token.is_valid:
        return None
    return token, _by_priority([_membership(dict(zip(paths, row, strict=True)), user) for row in rows])


def token_for_key(raw: str) -> ApiToken | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_valid or not token.user.is_active:
        return None
    return token


def own_tokens(actor: Any) -> list[ApiToken]:
    """The actor's tokens that still work, newest first (what "my API tokens" lists)."""
    from ronda.accounts.policies import visible_own_tokens

    return list(visible_own_tokens(actor).order_by("-created_at", "-id")[:200])


def open_break_glass_paths(user: User) -> tuple[str, ...]:
    """The org-unit paths of the user's break-glass grants open right now (one query)."""
    from django.utils import timezone

    from ronda.accounts.models import BreakGlassGrant

    now = timezone.now()
    return tuple(
        BreakGlassGrant.objects.filter(user=user, ended_at__isnull=True, started_at__lte=now, expires_at__gt=now)
        .order_by("id")
        .values_list("org_unit__path", flat=True)
    )


def break_glass_seen_by(actor: Any, days: int = 30) -> list[Any]:
    """Break-glass grants in the actor's subtree in the last ``days`` (what supervisors are shown)."""
    import datetime as dt

    from django.utils import timezone

    from ronda.accounts.models import BreakGlassGrant

    scope = actor.scope_path
    if scope is None:
        return []
    grants = BreakGlassGrant.objects.select_related("user", "org_unit").filter(
        started_at__gte=timezone.now() - dt.timedelta(days=days)
    )
    if scope:
        grants = grants.filter(org_unit__path__startswith=scope)
    return list(grants.order_by("-started_at")[:20])

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from ronda.accounts.models import ApiToken, BreakGlassGrant, Membership, User
from ronda.core.tenancy import Actor, get_object_or_404_scoped


def can_manage_users(actor: Actor | None) -> bool:
    return actor is not None and actor.is_admin


def visible_users(actor: Actor | None) -> QuerySet[User]:
    if not can_manage_users(actor):
        return User.objects.none()
    return User.objects.all()


def _users_in_scope(actor: Actor) -> QuerySet[User]:
    """Admins: every user. Whoever may read the audit trail of a unit: the users who act in it."""
    if actor.is_admin:
        return User.objects.all()
    from ronda.core.policies import can_view_audit

    if not can_view_audit(actor) or not actor.scope_path:
        return User.objects.none()
    return User.objects.filter(memberships__org_unit__path__startswith=actor.scope_path).distinct()


def audit_readers() -> dict[str, Any]:
    """What each actor may read of this app's objects, for the audit trail (``core.audit_readers``)."""
    return {
        "accounts.user": _users_in_scope,
        "accounts.membership": lambda actor: Membership.objects.filter(user__in=_users_in_scope(actor)),
        "accounts.apitoken": lambda actor: ApiToken.objects.filter(user__in=_users_in_scope(actor)),
        "accounts.breakglassgrant": _grants_in_scope,
    }


def can_break_glass(actor: Actor | None) -> bool:
    """Only administrators open break-glass access (with the second factor, checked by the service)."""
    return actor is not None and actor.is_admin


def _grants_in_scope(actor: Actor) -> QuerySet[BreakGlassGrant]:
    """Administrators see every grant; whoever reads a unit's audit trail sees the grants in it."""
    if actor.is_admin:
        return BreakGlassGrant.objects.all()
    from ronda.core.policies import can_view_audit

    if not can_view_audit(actor) or not actor.scope_path:
        return BreakGlassGrant.objects.none()
    return BreakGlassGrant.objects.filter(org_unit__path__startswith=actor.scope_path)


# --- The signed-in user's own credentials and grants (one definition for pages and API) -----
def visible_own_tokens(actor: Actor) -> QuerySet[ApiToken]:
    """The actor's API tokens that still work (revoked and expired ones are not theirs to manage)."""
    from django.utils import timezone

    return ApiToken.objects.filter(user=actor.user, revoked_at__isnull=True, expires_at__gt=timezone.now())


def get_own_token(actor: Actor, pk: object) -> ApiToken:
    """One of the actor's working tokens; 404 for anybody else's, a revoked or an unknown one."""
    return get_object_or_404_scoped(visible_own_tokens(actor), pk=pk)


def own_break_glass_grants(actor: Actor) -> QuerySet[BreakGlassGrant]:
    return BreakGlassGrant.objects.filter(user=actor.user).select_related("org_unit")


def get_own_break_glass_grant(actor: Actor, pk: object) -> BreakGlassGrant:
    """One of the administrator's own grants (to close it); 404 for anybody else's."""
    return get_object_or_404_scoped(own_break_glass_grants(actor), pk=pk)


def own_pending_otp_device(actor: Actor, pk: object) -> TOTPDevice | None:
    """The authenticator the actor started to enrol (its id kept in their session), if still unconfirmed."""
    if pk is None:
        return None
    return TOTPDevice.objects.filter(pk=pk, user=actor.user, confirmed=False).first()


# --- User management (administrators) ---------------------------------------------------------
def get_user(actor: Actor, pk: object) -> User:
    return get_object_or_404_scoped(visible_users(actor), pk=pk)


def get_user_for_edit(actor: Actor, pk: object) -> User:
    """A user whose account, roles and second factor the actor manages."""
    user = get_user(actor, pk)
    if not can_manage_users(actor):
        raise Http404
    return user


def get_membership_for_edit(actor: Actor, pk: object, *, user: User) -> Membership:
    """One of ``user``'s memberships (``user`` from ``get_user_for_edit``), to switch it on or off."""
    if not can_manage_users(actor):
        raise Http404
    return get_object_or_404_scoped(Membership.objects.filter(user=user), pk=pk)

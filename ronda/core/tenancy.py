"""Tenancy: the one place that turns (user, active membership) into an Actor.

An Actor is what every policy, selector and service receives. It knows the role and the
subtree the user acts in; domain ``policies.py`` modules derive visible querysets and
allowed actions from it and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias, TypeGuard, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from ronda.accounts.models import Membership, User
    from ronda.territory.models import OrgUnit


@dataclass(frozen=True)
class Actor:
    user: User
    membership: Membership | None
    ip_address: str | None = field(default=None, compare=False)
    # True when this request proved the second factor: a verified web session, or an API token
    # issued after a valid TOTP code (or a demo user where the demo exemption is on).
    second_factor: bool = field(default=False, compare=False)
    # Administrators only: the org-unit paths of their open break-glass grants (accounts.BreakGlassGrant).
    break_glass_paths: tuple[str, ...] = field(default=(), compare=False)
    # Answers kept for the life of this object (one request, one job): ``core.grants``.
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_system(self) -> bool:
        return False

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership is not None else None

    @property
    def is_admin(self) -> bool:
        from ronda.core.roles import Role

        return self.role == Role.ADMIN

    @property
    def org_unit(self) -> OrgUnit | None:
        return self.membership.org_unit if self.membership is not None else None

    @property
    def area_id(self) -> int | None:
        return self.membership.area_id if self.membership is not None else None

    @property
    def institution_id(self) -> int | None:
        return self.membership.institution_id if self.membership is not None else None

    @property
    def scope_path(self) -> str | None:
        """Path prefix of everything this actor may see; "" for everything; None for nothing (also
        for a role that reaches nothing by territory, ``SCOPELESS_ROLES``)."""
        from ronda.core.roles import SCOPELESS_ROLES

        if self.membership is None or self.role in SCOPELESS_ROLES:
            return None
        if self.is_admin:
            return ""
        unit = self.membership.org_unit
        return unit.path if unit is not None else None

    @property
    def is_read_only(self) -> bool:
        from ronda.core.roles import READ_ONLY_ROLES

        return self.role in READ_ONLY_ROLES

    @property
    def may_read_personal_data(self) -> bool:
        """The one rule for children's personal data: a role that reads it, with a verified second factor.

        Every policy that returns a child's personal record asks this (on top of its own role and
        scope checks). The sign-in middleware asks the same table (``PERSONAL_DATA_ROLES``) to
        send those roles through the second factor on the web.
        """
        from ronda.core.roles import PERSONAL_DATA_ROLES

        return self.role in PERSONAL_DATA_ROLES and self.second_factor

    def may_read_personal_data_at(self, path: str | None) -> bool:
        """``may_read_personal_data`` for a record at ``path``: inside the actor's subtree, and for an
        administrator only inside an open break-glass grant (administrators have no blanket access)."""
        if not self.may_read_personal_data or path is None:
            return False
        if self.is_admin:
            return any(path.startswith(prefix) for prefix in self.break_glass_paths)
        return self.covers_path(path)

    @property
    def personal_data_scopes(self) -> tuple[str, ...] | None:
        """Path prefixes where this actor may read personal data (None: nowhere)."""
        if not self.may_read_personal_data:
            return None
        if self.is_admin:
            return self.break_glass_paths or None
        scope = self.scope_path
        return (scope,) if scope is not None else None

    @property
    def in_break_glass(self) -> bool:
        return self.is_admin and bool(self.break_glass_paths)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def covers_path(self, path: str | None) -> bool:
        """True when an object at ``path`` lies inside this actor's subtree."""
        scope = self.scope_path
        if scope is None or path is None:
            return False
        return path.startswith(scope)

    def covers(self, unit: OrgUnit | None) -> bool:
        return unit is not None and self.covers_path(unit.path)


@dataclass(frozen=True)
class SystemActor:
    """Ronda itself acting, with no person behind it: the demo loader, a data migration, a job
    that belongs to nobody. Services skip their policy checks for it, and only for it: they used
    to take ``actor=None`` for this, which a forgotten argument also produced. Passing None to a
    service is now a type error (and fails at ``actor.is_system``). The audit trail records it
    as "system".
    """

    reason: str = "system"
    user: None = None
    membership: None = None
    ip_address: None = None
    second_factor: bool = False
    break_glass_paths: tuple[str, ...] = ()

    @property
    def is_system(self) -> bool:
        return True

    @property
    def role(self) -> None:
        return None

    @property
    def is_admin(self) -> bool:
        return False

    @property
    def org_unit(self) -> None:
        return None


SYSTEM = SystemActor()
# Who a service acts for: a person (Actor) or Ronda itself (SYSTEM), never None.
Acting = Actor | SystemActor


def is_person(actor: Acting) -> TypeGuard[Actor]:
    """True for a person's Actor (whose policies a service must check), False for SYSTEM.

    Anything else, a forgotten ``None`` above all, raises: it must never pass as the system.
    """
    if isinstance(actor, Actor):
        return True
    if isinstance(actor, SystemActor):
        return False
    raise TypeError("a service needs an actor: a person's Actor, or SYSTEM for Ronda itself (never None)")


M = TypeVar("M", bound="Model")
# What a page may add to a policy's lookup of one record: the ``select_related`` and
# ``prefetch_related`` it renders. It receives the policy's scoped queryset and must not filter it
# (``policies.get_meeting(actor, pk, shape=selectors.meeting_record)``).
Shape: TypeAlias = Callable[["QuerySet[M]"], "QuerySet[M]"]


def actor_for(
    user: User,
    membership: Membership | None,
    ip_address: str | None = None,
    *,
    second_factor: bool = False,
    break_glass_paths: tuple[str, ...] = (),
) -> Actor:
    if membership is not None and membership.user_id != user.pk:
        raise ValueError("membership belongs to another user")
    return Actor(
        user=user,
        membership=membership,
        ip_address=ip_address,
        second_factor=second_factor,
        break_glass_paths=break_glass_paths,
    )


def get_object_or_404_scoped(queryset: QuerySet[M], *, shape: Shape[M] | None = None, **lookup: object) -> M:
    """Fetch from an already-scoped queryset (``shape``, if given, adds what the caller renders).

    Same answer for "missing" and "forbidden": the existence of a record is itself information.
    Only the ``get_<thing>`` functions of the ``policies.py`` modules call this: views, API and
    selectors ask them (``core/tests/test_lookups_in_policies.py``).
    """
    if shape is not None:
        queryset = shape(queryset)
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc

from __future__ import annotations

from django.db.models import QuerySet

from ronda.accounts.models import User
from ronda.core.tenancy import Actor


def can_manage_users(actor: Actor | None) -> bool:
    return actor is not None and actor.is_admin


def visible_users(actor: Actor | None) -> QuerySet[User]:
    if not can_manage_users(actor):
        return User.objects.none()
    return User.objects.all()

"""Helpers shared by every domain's services."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

from ronda.core.errors import ConflictError

M = TypeVar("M", bound=models.Model)


def lock_for_update(instance: M, expected_version: int | None) -> M:
    """Re-read ``instance`` under a row lock and check nobody saved it since ``expected_version``.

    Call inside ``transaction.atomic``. ``expected_version`` None skips the check (internal callers).
    """
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and locked.version != expected_version:  # type: ignore[attr-defined]
        raise ConflictError
    return locked

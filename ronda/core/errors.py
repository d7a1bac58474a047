"""Errors services raise; views and the API turn them into Spanish messages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """Somebody else saved the same record since it was loaded: no silent overwrite."""

    message = _(
        "Someone else changed this record while you were editing it. Reload the page to see their changes, "
        "then apply yours again."
    )

    def __str__(self) -> str:
        return str(self.message)


__all__ = ["ConflictError", "PermissionDenied", "ValidationError"]

"""Ronda's sign-in backend: Django's, plus the rule that production never lets a demo user in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class RondaModelBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        # Also asked for every request of an existing session (get_user), so a demo user created
        # in production after start-up cannot sign in, nor keep a session, nor get a token.
        if settings.PRODUCTION and getattr(user, "is_demo", False):
            return False
        return super().user_can_authenticate(user)

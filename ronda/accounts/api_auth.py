"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from ronda.accounts import selectors
from ronda.accounts.otp import membership_requires_otp, user_exempt
from ronda.accounts.token_use import touch_api_token
from ronda.core.http import client_ip
from ronda.core.tenancy import actor_for
from ronda.territory.middleware import activate_zone
from ronda.territory.selectors import time_zone_of

MEMBERSHIP_HEADER = "HTTP_X_RONDA_MEMBERSHIP"


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = selectors.token_and_memberships(token)
        if found is None:
            return None
        api_token, memberships = found
        user = api_token.user
        membership = selectors.pick_membership(memberships, request.META.get(MEMBERSHIP_HEADER))
        if request.META.get(MEMBERSHIP_HEADER) and (
            membership is None or str(membership.pk) != request.META[MEMBERSHIP_HEADER]
        ):
            return None
        second_factor = bool(api_token.otp_verified) or user_exempt(user)
        # A token without the second factor cannot act in a role that sees children's data at all
        # (and Actor.may_read_personal_data refuses it personal records in any case).
        if membership is not None and membership_requires_otp(membership) and not second_factor:
            membership = None
        touch_api_token(api_token)
        request.user = user
        break_glass = (
            selectors.open_break_glass_paths(user) if membership is not None and membership.role == "admin" else ()
        )
        request.actor = actor_for(  # type: ignore[attr-defined]
            user, membership, client_ip(request), second_factor=second_factor, break_glass_paths=break_glass
        )
        if membership is not None:
            # The API skips the session middleware: run in the acting municipality's zone here (the
            # territory middleware deactivates it when the response leaves).
            activate_zone(time_zone_of(membership.org_unit))
        request.memberships = memberships  # type: ignore[attr-defined]
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token

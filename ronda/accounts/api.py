from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from ronda.accounts import otp, policies, selectors, services, throttle
from ronda.accounts.lockout import lockout_response
from ronda.accounts.models import ApiToken, Membership, User
from ronda.core.api_schemas import READ_ERRORS, Id, MessageOut, StrictSchema, ValidationErrorOut
from ronda.core.http import client_ip
from ronda.core.tenancy import actor_for
from ronda.core.views_helpers import ApiRequest

router = Router(tags=["accounts"])


class TokenRequest(ApiRequest):
    """What ``accounts.api_auth.BearerToken`` puts on an API request besides the actor."""

    user: User
    api_token: ApiToken  # a light copy made during authentication (``selectors.token_and_memberships``)
    memberships: list[Membership]


class TokenIn(StrictSchema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)
    otp_code: str | None = Field(
        default=None, max_length=8, description="TOTP code, required for roles that see children's data"
    )
    name: str = Field(default="", max_length=100, description="A label to recognise the token later")


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_at: str


# Output schemas read the model objects (ninja's ``Schema`` is ``from_attributes``). What belongs to the
# request rather than to the object (which membership acts, which token is in use) the resolvers read
# from the request that ninja puts in the validation context.
def _request(context: dict[str, Any]) -> TokenRequest:
    request = context["request"]
    assert isinstance(request, HttpRequest)
    return cast(TokenRequest, request)


def _active_membership_id(context: dict[str, Any]) -> int | None:
    membership = _request(context).actor.membership
    return membership.pk if membership else None


class MembershipOut(Schema):
    id: int
    role: str
    role_label: str
    org_unit_id: int | None
    org_unit_name: str | None
    org_unit_level: int | None
    area_id: int | None
    area_name: str | None
    institution_id: int | None
    active: bool

    @staticmethod
    def resolve_role_label(membership: Membership) -> str:
        return str(membership.get_role_display())

    @staticmethod
    def resolve_org_unit_name(membership: Membership) -> str | None:
        return membership.org_unit.name if membership.org_unit else None

    @staticmethod
    def resolve_org_unit_level(membership: Membership) -> int | None:
        return membership.org_unit.level if membership.org_unit else None

    @staticmethod
    def resolve_area_name(membership: Membership) -> str | None:
        return membership.area.name if membership.area else None

    @staticmethod
    def resolve_active(membership: Membership, context: dict[str, Any]) -> bool:
        return bool(membership.pk == _active_membership_id(context))


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    active_membership_id: int | None
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_username(user: User) -> str:
        return user.get_username()

    @staticmethod
    def resolve_active_membership_id(user: User, context: dict[str, Any]) -> int | None:
        return _active_membership_id(context)

    @staticmethod
    def resolve_memberships(user: User, context: dict[str, Any]) -> list[Membership]:
        return _request(context).memberships


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: MessageOut, 422: ValidationErrorOut, 429: MessageOut},
    summary="Exchange username and password (and TOTP code) for a bearer token",
)
def obtain_token(request: HttpRequest, payload: TokenIn) -> Any:
    verdict = throttle.sign_in_verdict(request, payload.username)
    if not verdict.allowed:
        return lockout_response(request, verdict)
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, User) or not user.is_active:
        throttle.record_sign_in_failure(request, payload.username)
        services.record_failed_sign_in(username=payload.username, ip_address=client_ip(request))
        return Status(401, {"message": _("The username or password is not correct.")})
    memberships = selectors.active_memberships(user)
    needs_otp = any(otp.membership_requires_otp(m) for m in memberships) and not otp.user_exempt(user)
    verified = False
    if needs_otp:
        if not payload.otp_code or otp.verify_code(user, payload.otp_code) is None:
            return Status(401, {"message": _("A valid two-factor code (otp_code) is required for this account.")})
        verified = True
    throttle.record_sign_in_success(request, payload.username)
    actor = actor_for(user, memberships[0] if memberships else None, client_ip(request), second_factor=verified)
    token, raw = services.issue_api_token(actor=actor, name=payload.name, otp_verified=verified)
    return Status(200, TokenOut(token=raw, expires_at=token.expires_at.isoformat()))


@router.delete("/auth/token", response={204: None, 401: MessageOut}, summary="Revoke the token used for this request")
def revoke_token(request: TokenRequest) -> Any:
    # request.api_token is a light copy made during authentication; revoke the stored row.
    token = policies.get_own_token(request.actor, request.api_token.pk)
    services.revoke_api_token(actor=request.actor, token=token)
    return Status(204, None)


class TokenInfoOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the token, to recognise it")
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None = Field(description="To the nearest ten minutes")
    expires_at: datetime.datetime
    otp_verified: bool = Field(description="Issued after a valid two-factor code")
    current: bool = Field(description="The token used for this request")

    @staticmethod
    def resolve_current(token: ApiToken, context: dict[str, Any]) -> bool:
        return bool(token.pk == _request(context).api_token.pk)


@router.get(
    "/auth/tokens",
    response={200: list[TokenInfoOut], 401: MessageOut},
    summary="Your API tokens that still work (revoked and expired ones are not listed)",
)
def list_tokens(request: TokenRequest) -> Any:
    return selectors.own_tokens(request.actor)


@router.delete(
    "/auth/tokens/{token_id}",
    response={204: None, **READ_ERRORS},
    summary="Revoke one of your tokens (404 for a token that is not yours or no longer works)",
)
def revoke_own_token(request: TokenRequest, token_id: Id) -> Any:
    actor = request.actor
    token = policies.get_own_token(actor, token_id)
    services.revoke_api_token(actor=actor, token=token)
    return Status(204, None)


@router.get("/me", response={200: MeOut, 401: MessageOut}, summary="The signed-in user, their memberships and roles")
def me(request: TokenRequest) -> Any:
    return request.user

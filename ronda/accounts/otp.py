"""Two-factor (TOTP) rules: which actors need it, and how a session proves it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from ronda.accounts.models import Membership, User
from ronda.core.roles import PERSONAL_DATA_ROLES, Role
from ronda.core.tenancy import Actor


def role_requires_otp(role: str | None) -> bool:
    return role in PERSONAL_DATA_ROLES


def membership_requires_otp(membership: Membership | None) -> bool:
    """A role that reads children's data, or an area focal point of an institution (they read the
    restitution-plan actions of their institution, part of a child's protection file, issue #12)."""
    if membership is None:
        return False
    if role_requires_otp(membership.role):
        return True
    return membership.role == Role.AREA_FOCAL and membership.institution_id is not None


def user_exempt(user: User) -> bool:
    # Demo-only exemption (RONDA_DEMO_OTP_EXEMPT); production refuses demo users altogether.
    return bool(settings.RONDA_DEMO_OTP_EXEMPT and user.is_demo)


def session_second_factor(request: HttpRequest, user: User) -> bool:
    """Whether this web session proved the second factor (or the demo exemption applies)."""
    return user_exempt(user) or bool(request.user.is_verified())  # type: ignore[union-attr]


def needs_otp_verification(request: HttpRequest, actor: Actor) -> bool:
    return membership_requires_otp(actor.membership) and not actor.second_factor


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def verify_code(user: User, code: str) -> TOTPDevice | None:
    device = confirmed_device(user)
    if device is not None and code and device.verify_token(code.strip().replace(" ", "")):
        return device
    return None

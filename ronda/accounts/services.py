"""Accounts: users, memberships, API tokens, two-factor enrolment. All audited."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from ronda.accounts import policies
from ronda.accounts.models import (
    AccountsAction,
    ApiToken,
    BreakGlassGrant,
    Membership,
    User,
    default_token_expiry,
    hash_token,
)
from ronda.core import audit
from ronda.core.errors import Errors
from ronda.core.models import AuditAction
from ronda.core.roles import ROLE_LEVELS, Role
from ronda.core.services import VersionedUpdate, event_by_new_value, versioned_update
from ronda.core.tenancy import Acting, Actor, is_person
from ronda.territory.models import Area, Institution, OrgUnit


@transaction.atomic
def create_user(
    *,
    actor: Acting,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_demo: bool = False,
) -> User:
    if is_person(actor) and not policies.can_manage_users(actor):
        raise PermissionDenied
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("That username is taken.")})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, is_demo=is_demo)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=user,
        org_unit=None,
        changes=audit.diff({}, audit.snapshot(user, ("username", "first_name", "last_name", "email", "is_demo"))),
    )
    return user


_USER_EVENTS = event_by_new_value(
    "is_active", {False: AccountsAction.USER_DEACTIVATED, True: AccountsAction.USER_REACTIVATED}
)
_MEMBERSHIP_EVENTS = event_by_new_value(
    "is_active", {False: AccountsAction.MEMBERSHIP_DEACTIVATED, True: AccountsAction.MEMBERSHIP_REACTIVATED}
)


@transaction.atomic
def set_user_active(*, actor: Actor, user: User, active: bool) -> User:
    if not policies.can_manage_users(actor):
        raise PermissionDenied
    if user.pk == actor.user.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    updated = versioned_update(
        actor=actor,
        instance=user,
        expected_version=None,
        changes={"is_active": active},
        org_unit=None,
        action=_USER_EVENTS,
    )
    if not active:
        _revoke_all_tokens(user)
    return updated


@transaction.atomic
def reset_otp(*, actor: Actor, user: User) -> int:
    """An administrator clears a user's second factor (a lost or replaced phone).

    Every authenticator of the user is removed, so sessions verified with it are no longer verified,
    and the user's API tokens are revoked (they may live on the lost phone). At the next sign-in the
    user enrols a new authenticator. Returns how many devices were removed.
    """
    if not policies.can_manage_users(actor):
        raise PermissionDenied
    removed, _details = TOTPDevice.objects.filter(user=user).delete()
    _revoke_all_tokens(user)
    audit.record(actor=actor, action=AuditAction.OTP_RESET, target=user, org_unit=None)
    return removed


def _check_membership(role: str, org_unit: OrgUnit | None, area: Area | None, institution: Institution | None) -> None:
    errors = Errors()
    if role not in Role.values:
        errors.add("role", _("Unknown role."))
    elif role == Role.ADMIN:
        if org_unit is not None:
            errors.add("org_unit", _("Administrators act on the whole territory: leave the unit empty."))
    else:
        levels = ROLE_LEVELS[role]
        if org_unit is None:
            errors.add("org_unit", _("Choose the unit this role acts in."))
        elif levels and org_unit.level not in levels:
            errors.add("org_unit", _("This role cannot act at the level of %(unit)s.") % {"unit": org_unit.name})
    if role == Role.AREA_FOCAL and area is None and institution is None:
        errors.add("area", _("An area focal point needs an area, an institution or both."))
    elif area is not None and (org_unit is None or area.org_unit_id != org_unit.pk):
        errors.add("area", _("The area must belong to the chosen municipality."))
    if (
        institution is not None
        and org_unit is not None
        and not institution.org_unit.path.startswith(org_unit.path)
        and not org_unit.path.startswith(institution.org_unit.path)
    ):
        errors.add("institution", _("The institution must work in the chosen unit."))
    errors.raise_if_any()


@transaction.atomic
def add_membership(
    *,
    actor: Acting,
    user: User,
    role: str,
    org_unit: OrgUnit | None,
    area: Area | None = None,
    institution: Institution | None = None,
) -> Membership:
    if is_person(actor) and not policies.can_manage_users(actor):
        raise PermissionDenied
    _check_membership(role, org_unit, area, institution)
    existing = Membership.objects.filter(user=user, role=role, org_unit=org_unit, area=area).first()
    if existing is not None:
        if existing.is_active:
            raise ValidationError(_("This user already has that role there."))
        return versioned_update(
            actor=actor,
            instance=existing,
            expected_version=None,
            changes={"is_active": True},
            org_unit=org_unit,
            action=AccountsAction.MEMBERSHIP_REACTIVATED,
        )
    membership = Membership.objects.create(user=user, role=role, org_unit=org_unit, area=area, institution=institution)
    audit.record_create(actor=actor, target=membership, org_unit=org_unit)
    return membership


@transaction.atomic
def set_membership_active(*, actor: Actor, membership: Membership, active: bool) -> Membership:
    if not policies.can_manage_users(actor):
        raise PermissionDenied
    return versioned_update(
        actor=actor,
        instance=membership,
        expected_version=None,
        changes={"is_active": active},
        org_unit=membership.org_unit,
        action=_MEMBERSHIP_EVENTS,
    )


@transaction.atomic
def record_membership_switch(*, actor: Actor, membership: Membership) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.MEMBERSHIP_SWITCH,
        target=membership,
        org_unit=membership.org_unit,
        changes={"membership": [actor.membership.pk if actor.membership else None, membership.pk]},
    )


@transaction.atomic
def set_own_language(*, actor: Actor, language: str) -> bool:
    """The actor's own language ('' for the site's): of their e-mails, and of their pages from their
    next sign-in. Audited; whether it changed. The language switcher and "My notifications" call it
    through ``ronda.core.site.save_language`` (``settings.RONDA_LANGUAGE_SAVER``)."""
    if language not in {"", *(code for code, _name in settings.LANGUAGES)}:
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    # A request's user is a lazy object: the update locks the row by the user's model and id.
    update = VersionedUpdate(User(pk=actor.user.pk), None)
    update.apply({"language": language})
    changed = update.save(actor=actor, org_unit=None, action=AccountsAction.LANGUAGE_CHANGED)
    actor.user.language = language  # the request's user reads it at once
    return bool(changed)


@transaction.atomic
def record_auth_event(*, actor: Actor, action: AuditAction) -> None:
    audit.record(actor=actor, action=action, target=actor.user, org_unit=actor.org_unit)


@transaction.atomic
def record_failed_sign_in(*, username: str, ip_address: str | None) -> None:
    """A failed sign-in to an existing account enters the audit trail, where its supervisors see it.

    Attempts on names that match no account are counted by throttling only: what was typed there
    is not kept (it is often a password typed into the wrong box).
    """
    user = User.objects.filter(username__iexact=username.strip()).first()
    if user is None:
        return
    membership = (
        Membership.objects.active().filter(user=user, org_unit__isnull=False).select_related("org_unit").first()
    )
    audit.record(
        actor=None,
        actor_username="anonymous",
        action=AuditAction.LOGIN_FAILED,
        target=user,
        org_unit=membership.org_unit if membership is not None else None,
        ip_address=ip_address,
    )


def _revoke_all_tokens(user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def record_password_set(*, actor: Actor, action: AuditAction) -> int:
    """After a password change or reset: every API token of the user stops working, audited.

    Called inside the transaction that saved the new password, so a thief holding a bearer token
    is out the moment the victim changes or resets the password. Returns how many were revoked.
    """
    revoked = _revoke_all_tokens(actor.user)
    audit.record(
        actor=actor, action=action, target=actor.user, org_unit=actor.org_unit, changes={"tokens_revoked": revoked}
    )
    return revoked


@transaction.atomic
def issue_api_token(*, actor: Actor, name: str = "", otp_verified: bool = False) -> tuple[ApiToken, str]:
    """A new bearer token. The raw value is returned once and never stored."""
    raw = "rnd_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor.user,
        key_hash=hash_token(raw),
        prefix=raw[:10],
        name=name[:100],
        expires_at=default_token_expiry(),
        otp_verified=otp_verified,
    )
    audit.record(actor=actor, action=AuditAction.TOKEN_ISSUE, target=token, org_unit=None)
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor: Actor, token: ApiToken) -> None:
    if token.user_id != actor.user.pk and not policies.can_manage_users(actor):
        raise PermissionDenied
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        audit.record(actor=actor, action=AuditAction.TOKEN_REVOKE, target=token, org_unit=None)


@transaction.atomic
def start_otp_enrollment(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device to show as a QR code; replaces any earlier unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


@transaction.atomic
def confirm_otp_enrollment(*, actor: Actor, device: TOTPDevice, code: str) -> bool:
    if device.user_id != actor.user.pk or not device.verify_token(code.strip().replace(" ", "")):
        return False
    TOTPDevice.objects.filter(user=actor.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(actor=actor, action=AuditAction.OTP_ENROLL, target=actor.user, org_unit=actor.org_unit)
    return True


# --- Break-glass ------------------------------------------------------------------------
MIN_BREAK_GLASS_REASON = 20


@transaction.atomic
def start_break_glass(*, actor: Actor, org_unit: OrgUnit, reason: str, minutes: int) -> BreakGlassGrant:
    """An administrator opens time-boxed access to children's personal data in ``org_unit``.

    Needs the second factor, a reason a supervisor can judge (at least 20 characters) and at most
    ``RONDA_BREAK_GLASS_MAX_MINUTES``. Audited with the unit, so its supervisors see it.
    """
    if not (actor.is_admin and actor.second_factor):
        raise PermissionDenied
    from django.conf import settings

    reason = reason.strip()
    errors = Errors()
    if len(reason) < MIN_BREAK_GLASS_REASON:
        errors.add(
            "reason",
            ngettext(
                "Explain why in at least %(count)d character: the supervisors will read it.",
                "Explain why in at least %(count)d characters: the supervisors will read it.",
                MIN_BREAK_GLASS_REASON,
            )
            % {"count": MIN_BREAK_GLASS_REASON},
        )
    if not 1 <= minutes <= settings.RONDA_BREAK_GLASS_MAX_MINUTES:
        errors.add(
            "minutes", _("Choose between 1 and %(max)d minutes.") % {"max": settings.RONDA_BREAK_GLASS_MAX_MINUTES}
        )
    errors.raise_if_any()
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        user=actor.user,
        org_unit=org_unit,
        reason=reason,
        started_at=now,
        expires_at=now + datetime.timedelta(minutes=minutes),
    )
    audit.record(
        actor=actor,
        action=AccountsAction.BREAK_GLASS_OPEN,
        target=grant,
        org_unit=org_unit,
        changes=audit.diff({}, audit.snapshot(grant, ("org_unit_id", "reason", "started_at", "expires_at"))),
    )
    return grant


@transaction.atomic
def end_break_glass(*, actor: Actor, grant: BreakGlassGrant) -> BreakGlassGrant:
    if grant.user_id != actor.user.pk:
        raise PermissionDenied
    update = VersionedUpdate(grant, None)
    if update.instance.ended_at is None:
        update.apply({"ended_at": timezone.now()})
        update.save(actor=actor, org_unit=update.instance.org_unit, action=AccountsAction.BREAK_GLASS_CLOSE)
    return update.instance

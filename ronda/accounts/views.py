from __future__ import annotations

from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from ronda.accounts import otp, policies, selectors, services, throttle
from ronda.accounts.forms import BreakGlassForm, LoginForm, MembershipForm, OTPForm, UserCreateForm
from ronda.accounts.lockout import lockout_response
from ronda.accounts.middleware import SESSION_ENDED_KEY, SESSION_KEY
from ronda.core import site
from ronda.core.http import client_ip
from ronda.core.idempotency import once_per_submission
from ronda.core.models import AuditAction
from ronda.core.tenancy import actor_for
from ronda.core.views_helpers import (
    ActorRequest,
    actor_required,
    flash_errors,
    get_actor,
    id_param,
    service_errors_on,
)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.session.pop(SESSION_ENDED_KEY, False):
            messages.info(
                request,
                ngettext(
                    "Your session ended %(hours)d hour after you signed in. Please sign in again.",
                    "Your session ended %(hours)d hours after you signed in. Please sign in again.",
                    settings.RONDA_SESSION_MAX_HOURS,
                )
                % {"hours": settings.RONDA_SESSION_MAX_HOURS},
            )
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        verdict = throttle.sign_in_verdict(request, username)
        if not verdict.allowed:
            return lockout_response(request, verdict)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        throttle.record_sign_in_success(self.request, form.get_user().get_username(), response)
        if form.get_user().language:
            # The person's own language from this sign-in on (the language switcher saved it).
            site.set_language_cookie(response, form.get_user().language)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        username = self.request.POST.get("username", "")
        if username.strip() and self.request.POST.get("password"):
            throttle.record_sign_in_failure(self.request, username)
            services.record_failed_sign_in(username=username, ip_address=client_ip(self.request))
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"]
        verdict = throttle.reset_verdict(self.request, email)
        if not verdict.allowed:
            return lockout_response(self.request, verdict, template="accounts/reset_throttled.html")
        throttle.record_reset_request(self.request, email)
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form: Any) -> HttpResponse:
        # The new password and the revocation of every API token land together, or neither does.
        with transaction.atomic():
            response = super().form_valid(form)
            revoked = services.record_password_set(actor=get_actor(self.request), action=AuditAction.PASSWORD_CHANGE)
        messages.success(self.request, _("Your password was changed."))
        if revoked:
            messages.info(
                self.request,
                ngettext(
                    "Your API token was revoked: issue a new one for your applications.",
                    "Your %(count)d API tokens were revoked: issue new ones for your applications.",
                    revoked,
                )
                % {"count": revoked},
            )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            services.record_password_set(actor=actor_for(form.user, None), action=AuditAction.PASSWORD_RESET)
        return response


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@require_http_methods(["GET", "POST"])
@login_required
def otp_view(request: ActorRequest) -> HttpResponse:
    """Enrol an authenticator app (first time) or verify a code (every sign-in)."""
    actor = get_actor(request)
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(_safe_next(request))
    device = otp.confirmed_device(actor.user)
    form = OTPForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "next": _safe_next(request), "enrolling": device is None}
    if device is None:
        pending = policies.own_pending_otp_device(actor, request.session.get("ronda_otp_pending"))
        if pending is None:
            pending = services.start_otp_enrollment(user=actor.user)
            request.session["ronda_otp_pending"] = pending.pk
        if request.method == "POST" and form.is_valid():
            if services.confirm_otp_enrollment(actor=actor, device=pending, code=form.cleaned_data["code"]):
                otp_login(request, pending)
                request.session.pop("ronda_otp_pending", None)
                messages.success(request, _("Two-factor authentication is on."))
                return redirect(context["next"])
            form.add_error("code", _("That code is not valid. Check the time on your phone and try again."))
        context["qr_svg"] = segno.make(pending.config_url, error="m").svg_inline(scale=4, dark="#1f2937")
        context["secret"] = pending.bin_key.hex()
        import base64

        context["secret_b32"] = base64.b32encode(pending.bin_key).decode()
    elif request.method == "POST" and form.is_valid():
        verified = otp.verify_code(actor.user, form.cleaned_data["code"])
        if verified is not None:
            otp_login(request, verified)
            return redirect(context["next"])
        form.add_error("code", _("That code is not valid. Check the time on your phone and try again."))
    return render(request, "accounts/otp.html", context)


@require_POST
@login_required
def switch_membership(request: HttpRequest) -> HttpResponseBase:
    actor = get_actor(request)
    wanted = request.POST.get("membership")
    membership = next((m for m in getattr(request, "memberships", []) if str(m.pk) == str(wanted)), None)
    if membership is None:
        raise Http404
    if membership.pk != actor.membership.pk if actor.membership else True:
        services.record_membership_switch(actor=actor, membership=membership)
        request.session[SESSION_KEY] = membership.pk
        messages.success(request, _("You are now working as: %(membership)s") % {"membership": membership})
    return redirect("core:home")


@require_http_methods(["GET", "POST"])
@actor_required()
def token_list(request: ActorRequest) -> HttpResponse:
    """The signed-in user's API tokens (name, created, last used, expiry), each one revocable."""
    actor = get_actor(request)
    if request.method == "POST":
        token = policies.get_own_token(actor, id_param(request.POST.get("token")))
        services.revoke_api_token(actor=actor, token=token)
        messages.success(request, _("Token %(prefix)s… revoked: it no longer works.") % {"prefix": token.prefix})
        return redirect("accounts:token_list")
    return render(request, "accounts/token_list.html", {"tokens": selectors.own_tokens(actor)})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_break_glass)
def break_glass(request: ActorRequest) -> HttpResponse:
    """An administrator opens (or closes) time-boxed access to children's personal data."""
    actor = get_actor(request)
    form = BreakGlassForm(request.POST or None) if request.POST.get("action") != "end" else BreakGlassForm()
    if request.method == "POST" and request.POST.get("action") == "end":
        grant = policies.get_own_break_glass_grant(actor, id_param(request.POST.get("grant")))
        services.end_break_glass(actor=actor, grant=grant)
        messages.success(request, _("Break-glass access closed."))
        return redirect("accounts:break_glass")
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            grant = services.start_break_glass(
                actor=actor,
                org_unit=form.cleaned_data["org_unit_code"],
                reason=form.cleaned_data["reason"],
                minutes=form.cleaned_data["minutes"],
            )
            messages.warning(
                request,
                _(
                    "Break-glass access open in %(unit)s until %(time)s. "
                    "Every record you read is logged and shown to its supervisors."
                )
                % {
                    "unit": grant.org_unit.name,
                    "time": date_format(timezone.localtime(grant.expires_at), "TIME_FORMAT"),
                },
            )
            return redirect("accounts:break_glass")
    grants = policies.own_break_glass_grants(actor).order_by("-started_at")[:20]
    return render(request, "accounts/break_glass.html", {"form": form, "grants": grants})


# --- User management (administrators) -------------------------------------------------
@actor_required(policies.can_manage_users)
def user_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    users = (
        policies.visible_users(actor)
        .prefetch_related("memberships__org_unit", "memberships__area")
        .order_by("username")
    )
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(username__icontains=q) | users.filter(last_name__icontains=q)
    from django.core.paginator import Paginator

    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": q})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_users)
@once_per_submission
def user_create(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Errors naming no field come from the password validators.
        with service_errors_on(form, non_field="password"):
            user = services.create_user(actor=actor, **form.cleaned_data)
            messages.success(request, _("User created. Now give them a role."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_users)
def user_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    user = policies.get_user_for_edit(actor, pk) if request.method == "POST" else policies.get_user(actor, pk)
    form = MembershipForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action in {"activate", "deactivate"}:
            button = forms.Form()  # the button sends no fields; its refusal goes the same way as a form's
            with service_errors_on(button):
                services.set_user_active(actor=actor, user=user, active=action == "activate")
            flash_errors(request, button)
            return redirect("accounts:user_detail", pk=user.pk)
        if action == "otp_reset":
            services.reset_otp(actor=actor, user=user)
            messages.success(
                request,
                _("Second factor reset and API tokens revoked. At the next sign-in they set up a new authenticator."),
            )
            return redirect("accounts:user_detail", pk=user.pk)
        if action in {"membership_on", "membership_off"}:
            membership = policies.get_membership_for_edit(actor, request.POST.get("membership"), user=user)
            services.set_membership_active(actor=actor, membership=membership, active=action == "membership_on")
            return redirect("accounts:user_detail", pk=user.pk)
        if form.is_valid():
            data = form.cleaned_data
            with service_errors_on(form, rename={"org_unit": "org_unit_code"}):
                services.add_membership(
                    actor=actor,
                    user=user,
                    role=data["role"],
                    org_unit=data["org_unit_code"],
                    area=data["area"],
                    institution=data["institution"],
                )
                messages.success(request, _("Role added."))
                return redirect("accounts:user_detail", pk=user.pk)
    memberships = user.memberships.select_related("org_unit", "area", "institution").order_by("-is_active", "role")
    context = {
        "subject": user,
        "memberships": memberships,
        "form": form,
        "has_authenticator": otp.confirmed_device(user) is not None,
    }
    return render(request, "accounts/user_detail.html", context)

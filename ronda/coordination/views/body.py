"""The body itself: overview, setting it up, its members and commissions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ronda.coordination import contracts, policies, selectors, services
from ronda.coordination.forms import BodyForm, CoatOfArmsForm, CommissionForm, MemberForm
from ronda.coordination.models import BodyMember, Commission, Meeting
from ronda.coordination.views.common import body_context, resolve_body
from ronda.core.idempotency import once_per_submission
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, service_errors_on
from ronda.territory.models import Level


def _to_members(body_pk: int, query: str = "") -> str:
    return reverse("coordination:member_list") + f"?mesa={body_pk}{query}"


@actor_required(policies.can_open_body)
def overview(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    body = resolve_body(request, actor)
    if body is None:
        unit = actor.org_unit
        if unit is not None and unit.level == Level.MUNICIPALITY and policies.can_create_body(actor, unit):
            return render(request, "coordination/setup.html", {"form": BodyForm(), "unit": unit})
        bodies = selectors.with_agreement_counts(policies.visible_bodies(actor))
        return render(request, "coordination/body_choice.html", {"bodies": bodies.order_by("org_unit__name")})
    past = Meeting.objects.filter(body=body, scheduled_at__lte=timezone.now())
    recent = selectors.meeting_record(past).order_by("-scheduled_at")[:5]
    context = {
        **body_context(body, actor),
        "summary": selectors.body_summary(body),
        "next_meeting": selectors.next_meeting(body),
        "recent_meetings": recent,
        "overdue": list(policies.visible_agreements(actor).filter(body=body).overdue().order_by("due_date", "id")[:6]),
        "commissions": Commission.objects.filter(body=body).annotate(n=Count("members")),
        "can_manage": policies.can_manage_body(actor, body),
        "year": timezone.localdate().year,
        "lead_areas": list(body.lead_areas.order_by("name")),
        "no_political_backing": contracts.lacks_political_backing(body.org_unit),
        "last_political": contracts.last_political_attendance(body.org_unit),
    }
    return render(request, "coordination/overview.html", context)


@require_POST
@actor_required(policies.can_manage_some_body)
@once_per_submission
def body_create(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    unit = actor.org_unit
    if unit is None or not policies.can_create_body(actor, unit):
        raise Http404
    form = BodyForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            body = services.create_body(
                actor=actor,
                org_unit=unit,
                name=form.cleaned_data["name"],
                established_on=form.cleaned_data["established_on"],
                safeguarding_protocol=form.cleaned_data["safeguarding_protocol"],
            )
            messages.success(request, _("Coordination body set up. Now add its members."))
            return redirect(_to_members(body.pk))
    return render(request, "coordination/setup.html", {"form": form, "unit": unit})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_body)
def body_edit(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    body = resolve_body(request, actor)
    if body is None or not policies.can_manage_body(actor, body):
        raise Http404
    form = BodyForm(
        request.POST or None,
        initial={
            "name": body.name,
            "established_on": body.established_on,
            "safeguarding_protocol": body.safeguarding_protocol,
            "lead_areas": list(body.lead_areas.all()),
            "version": body.version,
        },
        org_unit=body.org_unit,
    )
    form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_body(
                actor=actor,
                body=body,
                expected_version=data["version"],
                name=data["name"],
                established_on=data["established_on"],
                safeguarding_protocol=data["safeguarding_protocol"],
                lead_areas=data["lead_areas"],
            )
            messages.success(request, _("Changes saved."))
            return redirect(reverse("coordination:overview") + f"?mesa={body.pk}")
    arms_form = CoatOfArmsForm(initial={"version": body.version})
    context = {**body_context(body, actor), "form": form, "arms_form": arms_form}
    return render(request, "coordination/body_form.html", context)


@require_POST
@actor_required(policies.can_manage_some_body)
def body_arms(request: ActorRequest) -> HttpResponse:
    """Upload (or remove) the coat of arms of the letterhead."""
    actor = get_actor(request)
    body = resolve_body(request, actor)
    if body is None or not policies.can_manage_body(actor, body):
        raise Http404
    form = CoatOfArmsForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["coat_of_arms"]
        if upload or form.cleaned_data["remove"]:
            with service_errors_on(form):
                services.set_coat_of_arms(
                    actor=actor, body=body, expected_version=form.cleaned_data["version"], upload=upload or None
                )
                messages.success(request, _("Coat of arms saved.") if upload else _("Coat of arms removed."))
                return redirect(reverse("coordination:body_edit") + f"?mesa={body.pk}")
        else:
            form.add_error("coat_of_arms", _("Choose an image to upload."))
    edit = BodyForm(
        initial={
            "name": body.name,
            "established_on": body.established_on,
            "safeguarding_protocol": body.safeguarding_protocol,
            "lead_areas": list(body.lead_areas.all()),
            "version": body.version,
        },
        org_unit=body.org_unit,
    )
    context = {**body_context(body, actor), "form": edit, "arms_form": form}
    return render(request, "coordination/body_form.html", context)


# --- Members ---------------------------------------------------------------------------
@actor_required(policies.can_open_body)
def member_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    body = resolve_body(request, actor)
    if body is None:
        return redirect("coordination:overview")
    today = timezone.localdate()
    members = list(
        policies.visible_members(actor)
        .filter(body=body)
        .select_related("user")
        .prefetch_related("commissions")
        .order_by("level", "full_name")
    )
    current = [m for m in members if m.is_active_on(today)]
    former = [m for m in members if not m.is_active_on(today)]
    commissions = (
        policies.visible_commissions(actor)
        .filter(body=body)
        .prefetch_related(Prefetch("members", queryset=BodyMember.objects.order_by("full_name")))
    )
    context = {
        **body_context(body, actor),
        "current": current,
        "former": former,
        "areas_count": len({m.area_id for m in current if m.area_id}),
        "commissions": commissions,
        "can_manage": policies.can_manage_body(actor, body),
    }
    return render(request, "coordination/member_list.html", context)


def _member_fields(data: dict[str, Any]) -> dict[str, Any]:
    names = ("full_name", "level", "position", "area", "institution", "email", "phone", "user")
    return {name: data[name] for name in (*names, "start_date", "end_date")}


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_body)
@once_per_submission
def member_create(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    body = resolve_body(request, actor)
    if body is None or not policies.can_manage_body(actor, body):
        raise Http404
    form = MemberForm(request.POST or None, body=body, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.add_member(actor=actor, body=body, **_member_fields(form.cleaned_data))
            messages.success(request, _("Member added."))
            return redirect(_to_members(body.pk))
    return render(request, "coordination/member_form.html", {**body_context(body, actor), "form": form, "member": None})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_body)
def member_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    member = policies.get_member_for_edit(actor, pk)
    body = member.body
    initial = {name: getattr(member, name) for name in services.MEMBER_EDITABLE}
    form = MemberForm(request.POST or None, body=body, initial={**initial, "version": member.version})
    form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_member(
                actor=actor,
                member=member,
                expected_version=form.cleaned_data["version"],
                **_member_fields(form.cleaned_data),
            )
            messages.success(request, _("Changes saved."))
            return redirect(_to_members(body.pk))
    return render(
        request, "coordination/member_form.html", {**body_context(body, actor), "form": form, "member": member}
    )


# --- Commissions -----------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_body)
@once_per_submission
def commission_create(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    body = resolve_body(request, actor)
    if body is None or not policies.can_manage_body(actor, body):
        raise Http404
    form = CommissionForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.create_commission(
                actor=actor, body=body, name=data["name"], purpose=data["purpose"], members=data["members"]
            )
            messages.success(request, _("Commission created."))
            return redirect(_to_members(body.pk, "#commissions"))
    context = {**body_context(body, actor), "form": form, "commission": None}
    return render(request, "coordination/commission_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_body)
def commission_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    commission = policies.get_commission_for_edit(actor, pk)
    body = commission.body
    initial = {
        "name": commission.name,
        "purpose": commission.purpose,
        "members": list(commission.members.all()),
        "version": commission.version,
    }
    form = CommissionForm(request.POST or None, body=body, initial=initial)
    form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_commission(
                actor=actor,
                commission=commission,
                expected_version=data["version"],
                name=data["name"],
                purpose=data["purpose"],
                members=data["members"],
            )
            messages.success(request, _("Changes saved."))
            return redirect(_to_members(body.pk, "#commissions"))
    context = {**body_context(body, actor), "form": form, "commission": commission}
    return render(request, "coordination/commission_form.html", context)

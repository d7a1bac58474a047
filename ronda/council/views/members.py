"""The council's members. Children's first names: coordinator and admin only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ronda.core.idempotency import once_per_submission
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, service_errors_on
from ronda.council import policies, selectors, services
from ronda.council.forms import MemberForm
from ronda.council.models import ChildrenCouncil, CouncilMember
from ronda.council.views.common import (
    council_context,
    council_to_manage,
    council_url,
    requires_council,
)
from ronda.territory.models import Level, OrgUnit


def _communities(council: ChildrenCouncil) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(
        level=Level.COMMUNITY, path__startswith=council.org_unit.path, is_active=True
    ).order_by("name")


@actor_required(policies.can_view_members)
def member_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    council = requires_council(request, actor)
    if council is None:
        return redirect("council:overview")
    if not policies.can_view_members_of(actor, council):
        raise Http404
    show = request.GET.get("ver", "activos")
    today = timezone.localdate()
    if show not in ("anteriores", "todos"):
        show = "activos"
    members = policies.list_members(
        actor, council, current_on=None if show == "todos" else today, former=show == "anteriores"
    )
    context = council_context(actor, council, "members")
    context.update(
        {
            "members": members,
            "show": show,
            "age_bands": selectors.members_by_age_band(council),
            "today": today,
        }
    )
    return render(request, "council/member_list.html", context)


def _form_view(
    request: ActorRequest, actor: Actor, council: ChildrenCouncil, member: CouncilMember | None
) -> HttpResponse:
    initial: dict[str, Any] = {"joined_on": timezone.localdate()}
    if member is not None:
        initial = {
            "first_name": member.first_name,
            "age_band": member.age_band,
            "community": member.community_id,
            "guardian_consent_on": member.guardian_consent_on,
            "joined_on": member.joined_on,
            "left_on": member.left_on,
            "version": member.version,
        }
    form = MemberForm(request.POST or None, communities=_communities(council), initial=initial)
    if member is not None:
        form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in services.MEMBER_EDITABLE}
        with service_errors_on(form):
            if member is None:
                services.add_member(actor=actor, council=council, **fields)
                messages.success(request, _("Member added."))
            else:
                services.update_member(actor=actor, member=member, expected_version=data["version"], **fields)
                messages.success(request, _("Changes saved."))
            return redirect(council_url("council:member_list", council))
    context = council_context(actor, council, "members")
    context.update({"form": form, "member": member})
    return render(request, "council/member_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_members)
@once_per_submission
def member_create(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    council = council_to_manage(request, actor)
    if council is None:
        return redirect("council:overview")
    return _form_view(request, actor, council, None)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_members)
def member_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    member = policies.get_member_for_edit(actor, pk)
    return _form_view(request, actor, member.council, member)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_members)
def member_delete(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    member = policies.get_member_for_edit(actor, pk)
    council = member.council
    if request.method == "POST":
        services.remove_member(actor=actor, member=member)
        messages.success(request, _("The member's record was erased."))
        return redirect(council_url("council:member_list", council))
    context = council_context(actor, council, "members")
    context["member"] = member
    return render(request, "council/member_confirm_delete.html", context)

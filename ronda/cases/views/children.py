"""The children's pages: list, registration with the duplicate step, a child's page with caregivers.

Thin: a policy check, a form, a service or a policy call, a template. Every child shown is logged by
the policy call that returns it (decision 0015).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ronda.cases import policies, services
from ronda.cases.forms import CaregiverForm, ChildForm, RegistrationForm
from ronda.cases.models import Caregiver, Child
from ronda.core.idempotency import once_per_submission
from ronda.core.roles import Role
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, id_param, service_errors_on

PAGE_SIZE = 25


def can_edit_children(actor: Any) -> bool:
    """The write pages' module-level check (which child each may change follows in the policy)."""
    return policies.can_register_children(actor)


@actor_required(policies.can_read_children)
def child_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    search = request.GET.get("q", "")[:100]
    before = id_param(request.GET.get("antes"))
    children = policies.list_children(actor, search=search, before_id=before, limit=PAGE_SIZE + 1)
    more = len(children) > PAGE_SIZE
    children = children[:PAGE_SIZE]
    context = {
        "children": children,
        "search": search,
        "next_before": children[-1].pk if more and children else None,
        "can_register": policies.can_register_children(actor),
        "open_reviews": policies.open_reviews(actor).count() if policies.can_manage_duplicate_reviews(actor) else 0,
    }
    template = "cases/partials/child_rows.html" if request.htmx else "cases/child_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@actor_required(can_edit_children)
@once_per_submission
def child_register(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    communities = policies.registration_communities(actor)
    initial = {"community": actor.org_unit.pk} if actor.org_unit is not None and actor.role == Role.DEFENDER else {}
    form = RegistrationForm(request.POST or None, communities=communities, initial=initial)
    candidates: list[services.CandidateView] = []
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        caregivers = [form.cleaned_data["caregiver_name"]] if form.cleaned_data["caregiver_name"] else []
        review_of = id_param(request.POST.get("revisar"))
        with service_errors_on(form):
            if review_of is not None:
                candidates = services.duplicate_candidates(actor=actor, caregiver_names=caregivers, **fields)
                asked = next((c for c in candidates if c.candidate_id == review_of and not c.readable), None)
                if asked is None:
                    raise Http404
                services.request_duplicate_review(
                    actor=actor,
                    candidate_id=asked.candidate_id,
                    community=fields["community"],
                    score=asked.score,
                    reasons=list(asked.reasons),
                )
                messages.success(request, _("The supervisor was asked to review the possible match."))
            else:
                try:
                    child = services.register_child(
                        actor=actor,
                        confirmed_new=form.cleaned_data["confirmed_new"],
                        caregiver_names=caregivers,
                        **fields,
                    )
                except services.PossibleDuplicates:
                    candidates = services.duplicate_candidates(actor=actor, caregiver_names=caregivers, **fields)
                else:
                    if caregivers:
                        services.add_caregiver(
                            actor=actor,
                            child=child,
                            first_names=caregivers[0],
                            relationship="other_relative",
                            is_main_caregiver=True,
                        )
                    messages.success(request, _("Child registered."))
                    return redirect("cases:child_detail", pk=child.pk)
    return render(request, "cases/child_register.html", {"form": form, "candidates": candidates})


@actor_required(policies.can_read_children)
def child_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    child = policies.get_child(actor, pk)
    context = {
        "child": child,
        "caregivers": policies.list_caregivers(actor, child),
        "can_edit": policies.can_edit_child(actor, child),
        "merged_records": policies.list_merged_records(actor, child),
        "can_merge": policies.can_manage_merges(actor),
    }
    return render(request, "cases/child_detail.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(can_edit_children)
def child_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    child = policies.get_child_for_edit(actor, pk)
    initial = {name: getattr(child, name) for name in services.CHILD_EDITABLE}
    initial.update({"community": child.community_id, "version": child.version})
    form = ChildForm(request.POST or None, communities=policies.registration_communities(actor), initial=initial)
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_child(
                actor=actor, child=child, expected_version=form.cleaned_data["version"], **form.service_fields()
            )
            messages.success(request, _("Changes saved."))
            return redirect("cases:child_detail", pk=child.pk)
    return render(request, "cases/child_form.html", {"form": form, "child": child})


def _caregiver_form(request: ActorRequest, child: Child, caregiver: Caregiver | None) -> HttpResponse:
    actor = get_actor(request)
    initial: dict[str, Any] = {"lives_with_child": True}
    if caregiver is not None:
        initial = {name: getattr(caregiver, name) for name in services.CAREGIVER_EDITABLE}
        initial["version"] = caregiver.version
    form = CaregiverForm(request.POST or None, initial=initial)
    if caregiver is not None:
        form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            if caregiver is None:
                services.add_caregiver(actor=actor, child=child, **form.service_fields())
            else:
                services.update_caregiver(
                    actor=actor,
                    caregiver=caregiver,
                    expected_version=form.cleaned_data["version"],
                    **form.service_fields(),
                )
            messages.success(request, _("Changes saved."))
            return redirect("cases:child_detail", pk=child.pk)
    return render(request, "cases/caregiver_form.html", {"form": form, "child": child, "caregiver": caregiver})


@require_http_methods(["GET", "POST"])
@actor_required(can_edit_children)
@once_per_submission
def caregiver_add(request: ActorRequest, pk: int) -> HttpResponse:
    child = policies.get_child_for_edit(get_actor(request), pk)
    return _caregiver_form(request, child, None)


@require_http_methods(["GET", "POST"])
@actor_required(can_edit_children)
def caregiver_edit(request: ActorRequest, pk: int) -> HttpResponse:
    caregiver = policies.get_caregiver_for_edit(get_actor(request), pk)
    return _caregiver_form(request, caregiver.child, caregiver)


@require_POST
@actor_required(can_edit_children)
def caregiver_delete(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    caregiver = policies.get_caregiver_for_edit(actor, pk)
    child = caregiver.child
    services.remove_caregiver(actor=actor, caregiver=caregiver)
    messages.success(request, _("The caregiver was removed."))
    return redirect("cases:child_detail", pk=child.pk)


@actor_required(policies.can_manage_duplicate_reviews)
def review_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    return render(request, "cases/review_list.html", {"reviews": policies.list_reviews(actor)})


@require_POST
@actor_required(policies.can_manage_duplicate_reviews)
def review_close(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    services.close_review(actor=actor, review=policies.get_review_for_edit(actor, pk))
    messages.success(request, _("Marked as reviewed."))
    return redirect("cases:review_list")


@require_POST
@actor_required(policies.can_manage_merges)
def child_merge(request: ActorRequest, pk: int) -> HttpResponse:
    """Merge the record ``otro`` into this one (the one that goes on)."""
    actor = get_actor(request)
    keep = policies.get_child_for_edit(actor, pk)
    other_id = id_param(request.POST.get("otro"))
    if other_id is None:
        raise Http404
    duplicate = policies.get_child_for_edit(actor, other_id)
    try:
        services.merge_children(actor=actor, keep=keep, duplicate=duplicate)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The records were merged. It can be undone from the merged record."))
    return redirect("cases:child_detail", pk=keep.pk)


@require_POST
@actor_required(policies.can_manage_merges)
def child_unmerge(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    child = policies.get_child_for_edit(actor, pk)
    try:
        services.unmerge_child(actor=actor, child=child)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The record is separate again."))
    return redirect("cases:child_detail", pk=child.pk)

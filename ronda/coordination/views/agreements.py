"""Agreements: the filtered list (overdue ones stand out), one agreement, its follow-up."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ronda.coordination import policies, selectors, services
from ronda.coordination.forms import AgreementForm, AgreementStatusForm, NoteForm
from ronda.coordination.models import Agreement, AgreementStatus
from ronda.coordination.views.common import body_context, is_htmx, resolve_body
from ronda.core.idempotency import once_per_submission
from ronda.core.views_helpers import (
    ActorRequest,
    actor_required,
    flash_errors,
    get_actor,
    id_param,
    service_errors_on,
)
from ronda.territory.models import Area

AGREEMENT_FIELDS = ("text", "owner_area", "owner_member", "due_date", "status", "completed_on")


def _detail_url(agreement: Agreement) -> str:
    return reverse("coordination:agreement_detail", args=[agreement.pk])


@actor_required(policies.can_view_agreements)
def agreement_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    agreements = policies.visible_agreements(actor)
    bodies = policies.visible_bodies(actor).order_by("org_unit__name")
    params = request.GET
    filters = {
        "mesa": params.get("mesa", ""),
        "area": params.get("area", ""),
        "institution": params.get("institution", ""),
        "status": params.get("status", ""),
        "overdue": "1" if params.get("overdue") else "",
    }
    agreements = selectors.filter_agreements(
        agreements,
        body_id=id_param(filters["mesa"]),
        owner_area_id=id_param(filters["area"]),
        institution_id=id_param(filters["institution"]),
        status=filters["status"] if filters["status"] in AgreementStatus.values else None,
        overdue=True if filters["overdue"] else None,
    )
    # The areas that own something the actor can see (a focal point: only their own), and the
    # institutions named by what they can see.
    area_ids = policies.visible_agreements(actor).exclude(owner_area=None).values("owner_area_id")
    areas = Area.objects.filter(pk__in=area_ids).select_related("org_unit").order_by("org_unit__name", "name")
    institutions = list(selectors.institutions_named(policies.visible_agreements(actor)))
    rows = selectors.with_institutions(agreements.order_by(*selectors.AGREEMENT_ORDER))
    page = Paginator(rows, 30).get_page(params.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "areas": areas,
        "institutions": institutions,
        "bodies": bodies if bodies.count() > 1 else None,
        "statuses": AgreementStatus.choices,
        "today": timezone.localdate(),
        "query": urlencode({k: v for k, v in filters.items() if v}),
        "is_focal": not policies.can_open_body(actor),
        "for_institution": actor.institution_id is not None,
    }
    body = resolve_body(request, actor) if policies.can_open_body(actor) else None
    if body is not None:
        context.update(body_context(body, actor))
    if is_htmx(request):
        return render(request, "coordination/partials/agreement_results.html", context)
    return render(request, "coordination/agreement_list.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_body)
@once_per_submission
def agreement_create(request: ActorRequest, meeting_pk: int) -> HttpResponse:
    """Agreements are adopted in a meeting: they are created from its page."""
    actor = get_actor(request)
    meeting = policies.get_meeting_for_edit(actor, meeting_pk)
    body = meeting.body
    form = AgreementForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.create_agreement(
                actor=actor,
                body=body,
                meeting=meeting,
                institutions=list(form.cleaned_data["institutions"]),
                **{k: form.cleaned_data[k] for k in AGREEMENT_FIELDS},
            )
            messages.success(request, _("Agreement recorded."))
            if "another" in request.POST:
                return redirect("coordination:agreement_create", meeting_pk=meeting.pk)
            return redirect(reverse("coordination:meeting_detail", args=[meeting.pk]) + "#agreements")
    context = {**body_context(body, actor), "form": form, "meeting": meeting, "agreement": None}
    return render(request, "coordination/agreement_form.html", context)


@actor_required(policies.can_view_agreements)
def agreement_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    agreement = policies.get_agreement(actor, pk, shape=selectors.with_institutions)
    can_follow_up = policies.can_follow_up_agreement(actor, agreement)
    context = {
        **body_context(agreement.body, actor),
        "agreement": agreement,
        "notes": agreement.notes.select_related("author").order_by("created_at"),
        "can_follow_up": can_follow_up,
        "can_edit": policies.can_edit_agreement(actor, agreement),
        "can_see_meeting": policies.can_open_body(actor)
        and (agreement.meeting_id is None or policies.visible_meetings(actor).filter(pk=agreement.meeting_id).exists()),
        "status_form": AgreementStatusForm(
            initial={"status": agreement.status, "completed_on": agreement.completed_on, "version": agreement.version}
        )
        if can_follow_up
        else None,
        "note_form": NoteForm() if can_follow_up else None,
    }
    return render(request, "coordination/agreement_detail.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_body)
def agreement_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    agreement = policies.get_agreement_for_edit(actor, pk)
    initial = {name: getattr(agreement, name) for name in AGREEMENT_FIELDS}
    named = [i.pk for i in agreement.institutions.all()]
    form = AgreementForm(
        request.POST or None,
        body=agreement.body,
        current_owner=agreement.owner_member,
        current_institutions=named,
        initial={**initial, "institutions": named, "version": agreement.version},
    )
    form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_agreement(
                actor=actor,
                agreement=agreement,
                expected_version=form.cleaned_data["version"],
                institutions=list(form.cleaned_data["institutions"]),
                **{k: form.cleaned_data[k] for k in AGREEMENT_FIELDS},
            )
            messages.success(request, _("Changes saved."))
            return redirect(_detail_url(agreement))
    context = {
        **body_context(agreement.body, actor),
        "form": form,
        "meeting": agreement.meeting,
        "agreement": agreement,
    }
    return render(request, "coordination/agreement_form.html", context)


@require_POST
@actor_required(policies.can_follow_up_some_agreement)
def agreement_status(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    agreement = policies.get_agreement_for_follow_up(actor, pk)
    form = AgreementStatusForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            services.update_agreement(
                actor=actor,
                agreement=agreement,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                completed_on=form.cleaned_data["completed_on"],
            )
            messages.success(request, _("Status updated."))
    flash_errors(request, form)
    return redirect(_detail_url(agreement))


@require_POST
@actor_required(policies.can_follow_up_some_agreement)
@once_per_submission
def agreement_note(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    agreement = policies.get_agreement_for_follow_up(actor, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            services.add_agreement_note(actor=actor, agreement=agreement, text=form.cleaned_data["text"])
    if is_htmx(request):
        notes = agreement.notes.select_related("author").order_by("created_at")
        fresh = NoteForm() if not form.errors else form
        return render(
            request, "coordination/partials/notes.html", {"agreement": agreement, "notes": notes, "note_form": fresh}
        )
    if form.errors:
        flash_errors(request, form)
    else:
        messages.success(request, _("Note added."))
    return redirect(_detail_url(agreement) + "#notes")

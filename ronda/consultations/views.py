"""The consultation pages of a municipality and its map of social actors. Thin: the policy, the form,
the service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ronda.consultations import contracts, policies, selectors, services
from ronda.consultations.forms import (
    ActorFilterForm,
    ActorForm,
    ConsultationFilterForm,
    ConsultationForm,
)
from ronda.consultations.models import COUNT_FIELDS, ConsultationStatus, SocialActor
from ronda.core.idempotency import once_per_submission
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest, actor_required, flash_errors, get_actor, service_errors_on
from ronda.territory.models import OrgUnit

LIST_LIMIT = 500


def _list_url(municipality: OrgUnit) -> str:
    return reverse("consultations:consultation_list", args=[municipality.pk])


def _map_url(municipality: OrgUnit) -> str:
    return reverse("consultations:actor_map", args=[municipality.pk])


@actor_required(policies.can_use_consultations)
def index(request: ActorRequest) -> HttpResponse:
    """One municipality goes straight to its consultations; more (a region, a country) are listed."""
    actor = get_actor(request)
    municipalities = list(policies.visible_municipalities(actor).order_by("path")[:LIST_LIMIT])
    if len(municipalities) == 1:
        return redirect(_list_url(municipalities[0]))
    return render(request, "consultations/index.html", {"municipalities": municipalities})


# --- Consultations -----------------------------------------------------------------------------
@actor_required(policies.can_use_consultations)
def consultation_list(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality(actor, pk)
    form = ConsultationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.filter_consultations(
        policies.visible_consultations(actor),
        municipality=municipality,
        audience=filters.get("audience"),
        status=filters.get("status"),
        year=filters.get("year"),
    ).order_by(*selectors.CONSULTATION_ORDER)
    context = {
        "municipality": municipality,
        "form": form,
        "consultations": list(rows[:LIST_LIMIT]),
        "facts": contracts.consultation_facts(municipality),
        "can_manage": policies.can_manage(actor, municipality),
    }
    template = (
        "consultations/partials/consultation_rows.html" if request.htmx else "consultations/consultation_list.html"
    )
    return render(request, template, context)


@actor_required(policies.can_use_consultations)
def consultation_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    consultation = policies.get_consultation(actor, pk, shape=selectors.with_links(actor))
    context = {
        "consultation": consultation,
        "municipality": consultation.municipality,
        "can_manage": policies.can_manage(actor, consultation.municipality),
    }
    return render(request, "consultations/consultation_detail.html", context)


def _consultation_form(actor: Actor, municipality: OrgUnit, data: Any = None, **kwargs: Any) -> ConsultationForm:
    return ConsultationForm(
        data,
        sessions=policies.citable_sessions(actor, municipality).order_by("-held_on"),
        findings=policies.citable_findings(actor, municipality).order_by("analysis__period_start", "goal_area", "id"),
        measures=policies.citable_measures(actor, municipality).order_by("code", "id"),
        actors=policies.actors_of(municipality).filter(active=True).order_by("name"),
        **kwargs,
    )


def _consultation_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in services.CONSULTATION_EDITABLE}
    for name in ("findings", "measures", "actors"):
        values[name] = list(values[name])
    for name in COUNT_FIELDS:
        values[name] = values[name] or 0
    return values


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def consultation_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality_for_edit(actor, pk)
    initial = {"held_on": timezone.localdate(), "status": ConsultationStatus.HELD}
    form = _consultation_form(actor, municipality, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            consultation = services.record_consultation(
                actor=actor, municipality=municipality, **_consultation_values(form.cleaned_data)
            )
            messages.success(request, _("Consultation recorded."))
            return redirect(reverse("consultations:consultation_detail", args=[consultation.pk]))
    context = {
        "municipality": municipality,
        "form": form,
        "consultation": None,
        "heading": _("Record a consultation"),
        "cancel_url": _list_url(municipality),
    }
    return render(request, "consultations/consultation_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
def consultation_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    consultation = policies.get_consultation_for_edit(actor, pk)
    municipality = consultation.municipality
    initial: dict[str, Any] = {name: getattr(consultation, name) for name in services.CONSULTATION_COLUMNS}
    initial.update(
        {
            "findings": list(consultation.findings.values_list("pk", flat=True)),
            "measures": list(consultation.measures.values_list("pk", flat=True)),
            "actors": list(consultation.actors.values_list("pk", flat=True)),
            "version": consultation.version,
        }
    )
    form = _consultation_form(actor, municipality, request.POST or None, initial=initial)
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_consultation(
                actor=actor,
                consultation=consultation,
                expected_version=form.cleaned_data["version"],
                **_consultation_values(form.cleaned_data),  # type: ignore[misc]
            )
            messages.success(request, _("Consultation saved."))
            return redirect(reverse("consultations:consultation_detail", args=[consultation.pk]))
    context = {
        "municipality": municipality,
        "form": form,
        "consultation": consultation,
        "heading": _("Edit a consultation"),
        "cancel_url": reverse("consultations:consultation_detail", args=[consultation.pk]),
    }
    return render(request, "consultations/consultation_form.html", context)


@require_POST
@actor_required(policies.can_manage_any)
def consultation_delete(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    consultation = policies.get_consultation_for_edit(actor, pk)
    municipality = consultation.municipality
    services.delete_consultation(actor=actor, consultation=consultation)
    messages.success(request, _("Consultation deleted."))
    return redirect(_list_url(municipality))


# --- The map of social actors --------------------------------------------------------------------
@actor_required(policies.can_use_consultations)
def actor_map(request: ActorRequest, pk: int) -> HttpResponse:
    """The active actors on a 3×3 grid of interest by influence, and the same as a table."""
    actor = get_actor(request)
    municipality = policies.get_municipality(actor, pk)
    actors = list(
        policies.visible_actors(actor).filter(municipality=municipality, active=True).order_by(*selectors.ACTOR_ORDER)
    )
    context = {
        "municipality": municipality,
        "rows": selectors.actor_map(actors),
        "actors": actors,
        "can_manage": policies.can_manage(actor, municipality),
    }
    return render(request, "consultations/actor_map.html", context)


@actor_required(policies.can_use_consultations)
def actor_list(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality(actor, pk)
    form = ActorFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    active = {"yes": True, "no": False}.get(filters.get("active") or "")
    rows = selectors.filter_actors(
        policies.visible_actors(actor),
        municipality=municipality,
        kind=filters.get("kind"),
        relationship=filters.get("relationship"),
        interest=filters.get("interest"),
        influence=filters.get("influence"),
        active=active,
    ).order_by(*selectors.ACTOR_ORDER)
    context = {
        "municipality": municipality,
        "form": form,
        "actors": list(rows[:LIST_LIMIT]),
        "contacts": policies.can_read_contacts(actor),
        "can_manage": policies.can_manage(actor, municipality),
    }
    template = "consultations/partials/actor_rows.html" if request.htmx else "consultations/actor_list.html"
    return render(request, template, context)


def _actor_values(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in services.ACTOR_EDITABLE}


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def actor_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality_for_edit(actor, pk)
    form = ActorForm(request.POST or None, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.record_actor(actor=actor, municipality=municipality, **_actor_values(form.cleaned_data))
            messages.success(request, _("Social actor added to the map."))
            return redirect(reverse("consultations:actor_list", args=[municipality.pk]))
    context = {
        "municipality": municipality,
        "form": form,
        "social_actor": None,
        "heading": _("Add a social actor"),
        "cancel_url": _map_url(municipality),
    }
    return render(request, "consultations/actor_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
def actor_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    social_actor: SocialActor = policies.get_actor_for_edit(actor, pk)
    municipality = social_actor.municipality
    initial = {name: getattr(social_actor, name) for name in services.ACTOR_EDITABLE}
    form = ActorForm(request.POST or None, initial={**initial, "version": social_actor.version})
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_actor(
                actor=actor,
                social_actor=social_actor,
                expected_version=form.cleaned_data["version"],
                **_actor_values(form.cleaned_data),  # type: ignore[misc]
            )
            messages.success(request, _("Social actor saved."))
            return redirect(reverse("consultations:actor_list", args=[municipality.pk]))
    context = {
        "municipality": municipality,
        "form": form,
        "social_actor": social_actor,
        "heading": _("Edit a social actor"),
        "cancel_url": reverse("consultations:actor_list", args=[municipality.pk]),
    }
    return render(request, "consultations/actor_form.html", context)


@require_POST
@actor_required(policies.can_manage_any)
def actor_delete(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    social_actor = policies.get_actor_for_edit(actor, pk)
    municipality = social_actor.municipality
    form = forms.Form({})  # carries a refusal to the page as a message (``flash_errors``)
    form.is_valid()
    with service_errors_on(form):
        services.delete_actor(actor=actor, social_actor=social_actor)
        messages.success(request, _("Social actor deleted."))
        return redirect(reverse("consultations:actor_list", args=[municipality.pk]))
    flash_errors(request, form)
    return redirect(reverse("consultations:actor_edit", args=[social_actor.pk]))

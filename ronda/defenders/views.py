"""The defensoría pages: thin views that ask ``policies``, call ``services`` and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ronda.core.idempotency import once_per_submission
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, service_errors_on
from ronda.defenders import contracts, policies, selectors, services
from ronda.defenders.forms import (
    ActivityEditForm,
    ActivityForm,
    DefenderForm,
    DefensoriaForm,
    EventForm,
    NewDefenderForm,
    NewDefensoriaForm,
    TrainingForm,
    cell_field,
)
from ronda.defenders.models import Defensoria, Event
from ronda.territory.models import Level

FIRST_YEAR = 2000


def _year(request: HttpRequest) -> int:
    """The year of ``?anio=``, this year when missing or out of range."""
    this_year = timezone.localdate().year
    raw = request.GET.get("anio", "")
    if raw.isascii() and raw.isdigit() and FIRST_YEAR <= int(raw) <= this_year + 1:
        return int(raw)
    return this_year


def _detail_url(defensoria: Defensoria, year: int | None = None) -> str:
    url = reverse("defenders:detail", args=[defensoria.pk])
    return f"{url}?anio={year}" if year is not None else url


@actor_required(policies.can_view_figures)
def index(request: ActorRequest) -> HttpResponse:
    """A defender goes to their own defensoría; the others choose one, or a canton to compare."""
    actor = get_actor(request)
    defensorias = policies.visible_defensorias(actor).order_by("community__path", "name")
    unit = actor.org_unit
    if unit is not None and unit.level == Level.COMMUNITY:
        own = defensorias.filter(community=unit).first()
        if own is not None:
            return redirect(_detail_url(own))
    context = {
        "can_create": policies.can_create_any_defensoria(actor),
        "defensorias": defensorias[:200],
        "municipalities": policies.municipalities_for_figures(actor).order_by("name")[:200],
    }
    return render(request, "defenders/index.html", context)


@actor_required(policies.can_view_defensorias)
def detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    defensoria = policies.get_defensoria(actor, pk)
    year = _year(request)
    plan = selectors.plan_of_year(actor, defensoria, year)
    context: dict[str, Any] = {
        "defensoria": defensoria,
        "year": year,
        "plan": plan,
        "progress": selectors.progress_by_component(defensoria, year),
        "events": selectors.events_of(actor, defensoria, year),
        "can_view_defenders": policies.can_view_defenders(actor, defensoria),
        "defenders": selectors.current_defenders(actor, defensoria, timezone.localdate()),
        "can_edit": policies.can_edit(actor, defensoria),
        "this_year": timezone.localdate().year,
    }
    # Moving between years swaps the year's part only (the plan and the events).
    partial = request.htmx and not request.htmx.history_restore_request
    template = "defenders/partials/year.html" if partial else "defenders/detail.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_any)
def edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    defensoria = policies.get_defensoria_for_edit(actor, pk)
    initial = {name: getattr(defensoria, name) for name in services.DEFENSORIA_EDITABLE}
    form = DefensoriaForm(request.POST or None, initial={**initial, "version": defensoria.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_defensoria(
                actor=actor,
                defensoria=defensoria,
                expected_version=data["version"],
                **{name: data[name] for name in services.DEFENSORIA_EDITABLE},  # type: ignore[misc]
            )
            messages.success(request, _("Defensoría saved."))
            return redirect(_detail_url(defensoria))
    return render(request, "defenders/edit.html", {"defensoria": defensoria, "form": form})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_any)
@once_per_submission
def plan_edit(request: ActorRequest, pk: int, year: int) -> HttpResponse:
    """The year's PTA: its activities by component, and a form to add one (the first one opens the plan)."""
    actor = get_actor(request)
    defensoria = policies.get_defensoria_for_edit(actor, pk)
    plan = selectors.plan_of_year(actor, defensoria, year)
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.add_activity_to_year(
                actor=actor,
                defensoria=defensoria,
                year=year,
                component=data["component"],
                title=data["title"],
                planned_on=data["planned_on"],
                responsible=data["responsible"],
                budget=data["budget"],
            )
            messages.success(request, _("Activity added to the work plan."))
            return redirect(reverse("defenders:plan_edit", args=[defensoria.pk, year]))
    context = {
        "defensoria": defensoria,
        "year": year,
        "plan": plan,
        "activities": selectors.activities_of(actor, plan) if plan is not None else [],
        "progress": selectors.progress_by_component(defensoria, year),
        "form": form,
    }
    return render(request, "defenders/plan_edit.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_any)
def activity_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    activity = policies.get_activity_for_edit(actor, pk)
    defensoria = activity.plan.defensoria
    initial = {name: getattr(activity, name) for name in services.ACTIVITY_EDITABLE}
    form = ActivityEditForm(request.POST or None, initial={**initial, "version": activity.version})
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_activity(
                actor=actor,
                activity=activity,
                expected_version=data["version"],
                **{name: data[name] for name in services.ACTIVITY_EDITABLE},  # type: ignore[misc]
            )
            messages.success(request, _("Activity saved."))
            return redirect(reverse("defenders:plan_edit", args=[defensoria.pk, activity.plan.year]))
    context = {"defensoria": defensoria, "activity": activity, "year": activity.plan.year, "form": form}
    return render(request, "defenders/activity_edit.html", context)


def _event_form(request: HttpRequest, actor: Any, defensoria: Defensoria, event: Event | None) -> EventForm:
    activities = (
        policies.visible_activities(actor).filter(plan__defensoria=defensoria).order_by("-plan__year", "planned_on")
    )
    initial: dict[str, Any] = {"held_on": timezone.localdate()}
    if event is not None:
        initial = {name: getattr(event, name) for name in services.EVENT_EDITABLE}
        initial["version"] = event.version
        for a in event.attendance.all():
            initial[cell_field((a.sex, a.age_band))] = a.count
    form = EventForm(request.POST or None, initial=initial, activities=activities)
    if event is not None:
        form.fields["version"].required = True
    return form


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_any)
@once_per_submission
def event_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    defensoria = policies.get_defensoria_for_edit(actor, pk)
    form = _event_form(request, actor, defensoria, None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            event = services.record_event(
                actor=actor,
                defensoria=defensoria,
                attendance=form.attendance(),
                **{name: data[name] for name in services.EVENT_EDITABLE},
            )
            messages.success(request, _("Event recorded."))
            return redirect(_detail_url(defensoria, event.held_on.year))
    return render(request, "defenders/event_form.html", {"defensoria": defensoria, "form": form, "event": None})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_any)
def event_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    event = policies.get_event_for_edit(actor, pk)
    defensoria = event.defensoria
    form = _event_form(request, actor, defensoria, event)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_event(
                actor=actor,
                event=event,
                expected_version=data["version"],
                attendance=form.attendance(),
                **{name: data[name] for name in services.EVENT_EDITABLE},  # type: ignore[misc]
            )
            messages.success(request, _("Event saved."))
            return redirect(_detail_url(defensoria, data["held_on"].year))
    return render(request, "defenders/event_form.html", {"defensoria": defensoria, "form": form, "event": event})


@actor_required(policies.can_view_figures)
def canton(request: ActorRequest, pk: int) -> HttpResponse:
    """The defensorías of a municipality side by side: events, people reached, PTA execution (no names)."""
    actor = get_actor(request)
    municipality = policies.get_canton(actor, pk)
    year = _year(request)
    start, end = contracts.year_bounds(year)
    # Only the defensorías the actor may open are links (figure readers open none).
    openable = set(
        policies.visible_defensorias(actor)
        .filter(community__path__startswith=municipality.path)
        .values_list("pk", flat=True)
    )
    rows = [
        {
            "figures": f,
            "can_open": f.defensoria_id in openable,
            "cells": [f.events.cell(sex, band) for band in contracts.GRID_BANDS for sex in contracts.GRID_SEXES],
            "rates": [f.plan.component(c).execution_rate for c in contracts.COMPONENTS],
        }
        for f in contracts.figures_by_community(municipality, year)
    ]
    context = {
        "municipality": municipality,
        "year": year,
        "rows": rows,
        "total_events": contracts.event_figures(municipality, start, end),
        "total_plan": contracts.plan_figures(municipality, start, end),
        "bands": contracts.GRID_BANDS,
        "sexes": contracts.GRID_SEXES,
        "components": contracts.COMPONENTS,
    }
    return render(request, "defenders/canton.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_any)
@once_per_submission
def defender_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    defensoria = policies.get_defensoria_for_edit(actor, pk)
    form = NewDefenderForm(
        request.POST or None, initial={"since": timezone.localdate()}, users=selectors.defender_users(defensoria)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.add_defender(
                actor=actor,
                defensoria=defensoria,
                user=data["user"],
                **{name: data[name] for name in services.DEFENDER_EDITABLE},
            )
            messages.success(request, _("Defender added."))
            return redirect(_detail_url(defensoria))
    context = {"defensoria": defensoria, "form": form, "defender": None}
    return render(request, "defenders/defender_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_any)
def defender_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    defender = policies.get_defender_for_edit(actor, pk)
    defensoria = defender.defensoria
    initial = {name: getattr(defender, name) for name in services.DEFENDER_EDITABLE}
    form = DefenderForm(request.POST or None, initial={**initial, "version": defender.version})
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_defender(
                actor=actor,
                defender=defender,
                expected_version=data["version"],
                **{name: data[name] for name in services.DEFENDER_EDITABLE},  # type: ignore[misc]
            )
            messages.success(request, _("Defender saved."))
            return redirect(_detail_url(defensoria))
    context = {"defensoria": defensoria, "form": form, "defender": defender}
    return render(request, "defenders/defender_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_any)
@once_per_submission
def training_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    defender = policies.get_defender_for_edit(actor, pk)
    defensoria = defender.defensoria
    form = TrainingForm(request.POST or None, initial={"taken_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.add_training(
                actor=actor, defender=defender, name=data["name"], taken_on=data["taken_on"], hours=data["hours"]
            )
            messages.success(request, _("Training recorded."))
            return redirect(_detail_url(defensoria))
    context = {"defensoria": defensoria, "form": form, "defender": defender}
    return render(request, "defenders/training_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_create_any_defensoria)
@once_per_submission
def create(request: ActorRequest) -> HttpResponse:
    """The supervisor opens the defensoría of a community of their municipality."""
    actor = get_actor(request)
    form = NewDefensoriaForm(request.POST or None, communities=policies.communities_without_defensoria(actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            defensoria = services.create_defensoria(
                actor=actor,
                community=data["community"],
                name=data["name"],
                address=data["address"],
                opening_hours=data["opening_hours"],
            )
            messages.success(request, _("Defensoría saved."))
            return redirect(_detail_url(defensoria))
    return render(request, "defenders/create.html", {"form": form})

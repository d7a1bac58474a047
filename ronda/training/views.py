"""The staff trainings of a municipality: the list with its figures, and the form to record or edit one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ronda.core.files import private_file_response
from ronda.core.idempotency import once_per_submission
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, service_errors_on
from ronda.territory.models import OrgUnit
from ronda.training import contracts, policies, selectors, services
from ronda.training.forms import SEXES, TrainingForm, cell_field


def _list_url(municipality: OrgUnit) -> str:
    return reverse("training:list", args=[municipality.pk])


@actor_required(policies.can_view_trainings)
def index(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    municipalities = list(policies.visible_municipalities(actor).order_by("path")[:500])
    if len(municipalities) == 1:
        return redirect(_list_url(municipalities[0]))
    return render(request, "training/index.html", {"municipalities": municipalities})


@actor_required(policies.can_view_trainings)
def training_list(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality(actor, pk)
    today = timezone.localdate()
    since = contracts.year_ago(today)
    context = {
        "municipality": municipality,
        "trainings": list(selectors.trainings_of(actor, municipality)[:500]),
        "per_year": contracts.trainings_per_year(municipality),
        "by_area": contracts.attendance_by_area(municipality, since, today),
        "areas_trained": contracts.areas_trained(municipality, today),
        "can_manage": policies.can_manage(actor, municipality),
    }
    return render(request, "training/list.html", context)


def _save(request: ActorRequest, form: TrainingForm, call: Any, municipality: OrgUnit) -> HttpResponse | None:
    data = form.cleaned_data
    with service_errors_on(form):
        call(
            attendance=form.attendance(),
            evidence=data["evidence"],
            **{name: data[name] for name in services.TRAINING_EDITABLE},
        )
        messages.success(request, _("Training saved."))
        return redirect(_list_url(municipality))
    return None


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality_for_edit(actor, pk)
    form = TrainingForm(
        request.POST or None,
        request.FILES or None,
        initial={"held_on": timezone.localdate()},
        areas=selectors.areas_of(municipality),
    )
    if request.method == "POST" and form.is_valid():

        def call(**kwargs: Any) -> Any:
            return services.record_training(actor=actor, municipality=municipality, **kwargs)

        done = _save(request, form, call, municipality)
        if done is not None:
            return done
    return render(request, "training/form.html", {"municipality": municipality, "form": form, "training": None})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
def edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    training = policies.get_training_for_edit(actor, pk)
    municipality = training.municipality
    initial: dict[str, Any] = {name: getattr(training, name) for name in services.TRAINING_EDITABLE}
    initial["version"] = training.version
    areas = selectors.areas_of(municipality)
    for row in training.attendance.all():
        for sex, _label in SEXES:
            initial[cell_field(row.area, sex)] = getattr(row, sex)
    form = TrainingForm(request.POST or None, request.FILES or None, initial=initial, areas=areas)
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]

        def call(**kwargs: Any) -> Any:
            return services.update_training(actor=actor, training=training, expected_version=version, **kwargs)

        done = _save(request, form, call, municipality)
        if done is not None:
            return done
    return render(request, "training/form.html", {"municipality": municipality, "form": form, "training": training})


@actor_required(policies.can_view_trainings)
def evidence(request: ActorRequest, pk: int) -> HttpResponseBase:
    training = policies.get_training(get_actor(request), pk)
    return private_file_response(
        request, training.evidence, training.evidence_name, content_type=training.evidence_type
    )

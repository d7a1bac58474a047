"""Tablero pages: entry (issue #10 item 3).

``/tablero/captura/`` chooses a data set, an org unit of its level and a period; the entry form
(``captura/<data set>/<unit>/<period>/``) is a plain POST form, one table per category
combination, that works without JavaScript; submitting, approving and reopening the period are
buttons below it. ``captura/pendientes/`` lists what is due and missing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, id_param
from ronda.tablero import entry, policies_entry, services
from ronda.tablero import periods as iso_periods
from ronda.tablero.models import DataSet, PeriodStatus
from ronda.territory.models import OrgUnit


class ChooseForm(forms.Form):
    data_set = forms.TypedChoiceField(label=gettext_lazy("Data set"), coerce=int, required=True)
    org_unit = forms.TypedChoiceField(label=gettext_lazy("Org unit"), coerce=int, required=False)
    period = forms.ChoiceField(label=gettext_lazy("Period"), required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for reopening"),
        max_length=entry.REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _entry_url(data_set: DataSet, unit: OrgUnit, period: iso_periods.Period) -> str:
    return reverse("tablero:entry_form", args=[data_set.pk, unit.pk, period.iso])


@require_GET
@actor_required(policies_entry.may_use_entry)
def entry_choose(request: ActorRequest) -> HttpResponse:
    """Choose what to enter: the data set first, then its unit and period (a GET form, step by step)."""
    actor = get_actor(request)
    today = timezone.localdate()
    data_sets = list(policies_entry.entry_data_sets(actor).order_by("name", "pk"))
    raw = id_param(request.GET.get("data_set"))
    chosen = next((ds for ds in data_sets if ds.pk == raw), None) if raw is not None else None
    # Step by step: the form is checked once it names a unit (before, it proposes the period).
    submitted = chosen is not None and "org_unit" in request.GET
    form = ChooseForm(request.GET if submitted or (request.GET and chosen is None) else None)
    _set_choices(form, "data_set", [("", _("Choose a data set"))] + [(ds.pk, ds.name) for ds in data_sets])
    if chosen is not None:
        units = [
            u
            for u in policies_entry.entry_units(actor, chosen).order_by("name", "pk")[:2000]
            if policies_entry.can_enter_data_set(actor, chosen, u) or policies_entry.can_approve(actor, chosen, u)
        ]
        _set_choices(form, "org_unit", [(u.pk, u.name) for u in units])
        _set_choices(form, "period", [(p.iso, p.iso) for p in policies_entry.period_choices(chosen, today)])
        form.fields["org_unit"].required = form.fields["period"].required = True
        form.initial = {"data_set": chosen.pk, "period": policies_entry.default_period(chosen, today).iso}
        if submitted and form.is_valid():
            unit = next(u for u in units if u.pk == form.cleaned_data["org_unit"])
            return redirect(_entry_url(chosen, unit, iso_periods.parse(form.cleaned_data["period"])))
    return render(
        request,
        "tablero/entry/choose.html",
        {"form": form, "chosen": chosen, "data_sets": data_sets},
    )


def _target(request: ActorRequest, data_set_id: int, unit_id: int, period: str) -> tuple[DataSet, OrgUnit, Any]:
    actor = get_actor(request)
    data_set = policies_entry.get_data_set_for_entry(actor, data_set_id)
    unit = policies_entry.get_unit_for_entry(actor, data_set, unit_id)
    return data_set, unit, policies_entry.get_period_for_entry(data_set, period, timezone.localdate())


@require_http_methods(["GET", "POST"])
@actor_required(policies_entry.may_use_entry)
def entry_form(request: ActorRequest, data_set_id: int, unit_id: int, period: str) -> HttpResponse:
    actor = get_actor(request)
    data_set, unit, iso = _target(request, data_set_id, unit_id, period)
    status = entry.period_status(data_set, unit, iso)
    approved = status is not None and status.status == PeriodStatus.APPROVED
    may_enter = policies_entry.can_enter_data_set(actor, data_set, unit) and not approved
    tables = entry.grid(data_set, unit, iso)
    summary: list[tuple[entry.GridCell, str]] = []
    top_errors: list[str] = []
    if request.method == "POST":
        if not may_enter:
            top_errors.append(
                _("The period %(period)s is approved: reopen it to change its values.") % {"period": iso.iso}
                if approved
                else _("You cannot enter these values.")
            )
        else:
            entry.read_grid(tables, request.POST.dict())
            values = entry.grid_inputs(tables, unit, iso)
            try:
                result = entry.save_entry(actor=actor, data_set=data_set, org_unit=unit, period=iso.iso, values=values)
            except services.ValuesRejected as exc:
                summary = entry.put_errors(tables, values, exc.result.errors)
                top_errors = [e.message for e in exc.result.errors if e.row is None]
            else:
                changed = result.imported + result.updated + result.deleted
                messages.success(
                    request,
                    ngettext("%(n)d value saved.", "%(n)d values saved.", changed) % {"n": changed}
                    if changed
                    else _("Nothing changed."),
                )
                return redirect(_entry_url(data_set, unit, iso))
    context = {
        "data_set": data_set,
        "unit": unit,
        "period": iso,
        "tables": tables,
        "status": status,
        "approved": approved,
        "may_enter": may_enter,
        "may_approve": policies_entry.can_approve(actor, data_set, unit),
        "may_submit": policies_entry.can_enter_data_set(actor, data_set, unit)
        and (status is None or status.status == PeriodStatus.OPEN),
        "summary": summary,
        "top_errors": top_errors,
        "reopen_form": ReopenForm(),
        "previous": iso.previous(),
        "next": iso.next() if iso_periods.is_open(iso.next(), timezone.localdate()) else None,
    }
    return render(request, "tablero/entry/form.html", context)


def _status_action(request: ActorRequest, data_set_id: int, unit_id: int, period: str, verb: str) -> HttpResponse:
    actor = get_actor(request)
    data_set, unit, iso = _target(request, data_set_id, unit_id, period)
    allowed = policies_entry.can_enter_data_set if verb == "submit" else policies_entry.can_approve
    if not allowed(actor, data_set, unit):
        raise Http404
    try:
        if verb == "submit":
            entry.submit_period(actor=actor, data_set=data_set, org_unit=unit, period=iso)
            messages.success(request, _("Period submitted."))
        elif verb == "approve":
            entry.approve_period(actor=actor, data_set=data_set, org_unit=unit, period=iso)
            messages.success(request, _("Period approved: its values are now read-only."))
        else:
            form = ReopenForm(request.POST)
            if not form.is_valid():
                raise ValidationError(list(form.errors.get("reason", [])))
            entry.reopen_period(
                actor=actor, data_set=data_set, org_unit=unit, period=iso, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Period reopened."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(_entry_url(data_set, unit, iso))


@require_POST
@actor_required(policies_entry.may_use_entry)
def entry_submit(request: ActorRequest, data_set_id: int, unit_id: int, period: str) -> HttpResponse:
    return _status_action(request, data_set_id, unit_id, period, "submit")


@require_POST
@actor_required(policies_entry.may_use_entry)
def entry_approve(request: ActorRequest, data_set_id: int, unit_id: int, period: str) -> HttpResponse:
    return _status_action(request, data_set_id, unit_id, period, "approve")


@require_POST
@actor_required(policies_entry.may_use_entry)
def entry_reopen(request: ActorRequest, data_set_id: int, unit_id: int, period: str) -> HttpResponse:
    return _status_action(request, data_set_id, unit_id, period, "reopen")


@require_GET
@actor_required(policies_entry.may_use_entry)
def entry_due(request: ActorRequest) -> HttpResponse:
    """What is due and missing, per data set, in the actor's scope."""
    actor = get_actor(request)
    summaries = entry.due_and_missing(actor, timezone.localdate())
    return render(request, "tablero/entry/due.html", {"summaries": summaries, "Missing": entry.Missing})


PERIOD = "<int:data_set_id>/<int:unit_id>/<str:period>/"

urlpatterns: list[URLPattern] = [
    path("captura/", entry_choose, name="entry_choose"),
    path("captura/pendientes/", entry_due, name="entry_due"),
    path(f"captura/{PERIOD}", entry_form, name="entry_form"),
    path(f"captura/{PERIOD}enviar/", entry_submit, name="entry_submit"),
    path(f"captura/{PERIOD}aprobar/", entry_approve, name="entry_approve"),
    path(f"captura/{PERIOD}reabrir/", entry_reopen, name="entry_reopen"),
]

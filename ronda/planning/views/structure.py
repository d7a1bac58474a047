"""Correcting the structure of a plan and of a diagnosis: edit, move up or down, remove.

Six kinds of item (lines, objectives, indicators, milestones, findings, workshops) share three pages,
described once per kind in ``KINDS``. Moving works with plain forms (two buttons, no script); when
the plan is approved the same POST asks for the change record on a page of its own. After a move,
the message read to screen readers says where the item landed ("position 2 of 4").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, service_errors_on
from ronda.planning import policies, services
from ronda.planning.forms import (
    ChangeFieldsMixin,
    FindingForm,
    IndicatorForm,
    LineForm,
    MilestoneForm,
    ObjectiveForm,
    WorkshopForm,
)
from ronda.planning.models import (
    Finding,
    LocalPlan,
    Measure,
    MeasureIndicator,
    Milestone,
    Objective,
    StrategicLine,
    Workshop,
)
from ronda.planning.services.structure import Item
from ronda.territory.forms import VersionField


# --- Forms: the creation forms, plus the version the page was loaded with -------------------
class LineEditForm(LineForm):
    version = VersionField()


class ObjectiveEditForm(ObjectiveForm):
    version = VersionField()


class IndicatorEditForm(IndicatorForm):
    version = VersionField()


class MilestoneEditForm(MilestoneForm):
    version = VersionField()


class FindingEditForm(FindingForm):
    version = VersionField()


class WorkshopEditForm(WorkshopForm):
    version = VersionField()


class MoveForm(ChangeFieldsMixin, forms.Form):
    direction = forms.ChoiceField(
        label=gettext_lazy("Move"),
        choices=[("up", gettext_lazy("Up")), ("down", gettext_lazy("Down"))],
        widget=forms.HiddenInput,
    )
    version = VersionField()


class RemoveForm(ChangeFieldsMixin, forms.Form):
    version = VersionField()


# --- One description per kind --------------------------------------------------------------
@dataclass(frozen=True)
class Kind:
    get: Callable[[Actor, object], Any]
    form: type[forms.Form]
    fields: tuple[str, ...]
    save: Callable[..., Any]
    noun: Any  # lazy, for page titles


def _plan(item: Item) -> LocalPlan | None:
    if isinstance(item, StrategicLine):
        return item.plan
    if isinstance(item, Objective):
        return item.line.plan
    if isinstance(item, MeasureIndicator | Milestone):
        return item.measure.plan
    return None


def _name(item: Item) -> str:
    """The item's own words, without the number its place gives it (which the move just changed)."""
    if isinstance(item, MeasureIndicator):
        return item.name
    if isinstance(item, Finding):
        return str(item)
    return item.title


def _back(item: Item) -> str:
    if isinstance(item, StrategicLine):
        return reverse("planning:plan_detail", args=[item.plan_id]) + f"#line-{item.pk}"
    if isinstance(item, Objective):
        return reverse("planning:plan_detail", args=[item.line.plan_id]) + f"#objective-{item.pk}"
    if isinstance(item, MeasureIndicator | Milestone):
        return reverse("planning:measure_detail", args=[item.measure_id])
    assert isinstance(item, Finding | Workshop)
    return reverse("planning:analysis_detail", args=[item.analysis_id])


def _crumbs(item: Item) -> list[tuple[str, str]]:
    plan = _plan(item)
    if isinstance(item, MeasureIndicator | Milestone):
        measure: Measure = item.measure
        return [
            (reverse("planning:plan_detail", args=[measure.plan_id]), measure.plan.title),
            (reverse("planning:measure_detail", args=[measure.pk]), str(measure)),
        ]
    if plan is not None:
        return [(reverse("planning:plan_detail", args=[plan.pk]), plan.title)]
    assert isinstance(item, Finding | Workshop)
    return [(reverse("planning:analysis_detail", args=[item.analysis_id]), item.analysis.title)]


def _save_line(actor: Actor, item: StrategicLine, data: dict[str, Any], change: Any) -> Any:
    return services.update_line(
        actor=actor,
        line=item,
        expected_version=data["version"],
        title=data["title"],
        goal_area=data["goal_area"],
        child_title=data.get("child_title") or "",
        change=change,
    )


def _save_objective(actor: Actor, item: Objective, data: dict[str, Any], change: Any) -> Any:
    return services.update_objective(
        actor=actor, objective=item, expected_version=data["version"], title=data["title"], change=change
    )


def _save_indicator(actor: Actor, item: MeasureIndicator, data: dict[str, Any], change: Any) -> Any:
    return services.update_indicator(
        actor=actor,
        indicator=item,
        expected_version=data["version"],
        name=data["name"],
        unit=data.get("unit") or "",
        baseline=data.get("baseline"),
        baseline_year=data.get("baseline_year"),
        target=data.get("target"),
        catalogue_indicator=data.get("catalogue_indicator"),
        change=change,
    )


def _save_milestone(actor: Actor, item: Milestone, data: dict[str, Any], change: Any) -> Any:
    return services.update_milestone(
        actor=actor,
        milestone=item,
        expected_version=data["version"],
        title=data["title"],
        due_on=data["due_on"],
        change=change,
    )


def _save_finding(actor: Actor, item: Finding, data: dict[str, Any], change: Any) -> Any:
    return services.update_finding(
        actor=actor,
        finding=item,
        expected_version=data["version"],
        goal_area=data["goal_area"],
        text=data["text"],
        cited_indicator=data.get("cited_indicator"),
        cited_period=data.get("cited_period") or "",
    )


WORKSHOP_FIELDS = ("title", "held_on", "adult_participants", "children_0_5", "children_6_11", "children_12_17", "notes")


def _save_workshop(actor: Actor, item: Workshop, data: dict[str, Any], change: Any) -> Any:
    return services.update_workshop(
        actor=actor,
        workshop=item,
        expected_version=data["version"],
        **{name: data[name] for name in WORKSHOP_FIELDS},
    )


KINDS: dict[str, Kind] = {
    "line": Kind(
        policies.get_line_for_edit,
        LineEditForm,
        ("title", "child_title", "goal_area"),
        _save_line,
        gettext_lazy("strategic line"),
    ),
    "objective": Kind(
        policies.get_objective_for_edit, ObjectiveEditForm, ("title",), _save_objective, gettext_lazy("objective")
    ),
    "indicator": Kind(
        policies.get_indicator_for_edit,
        IndicatorEditForm,
        ("name", "unit", "catalogue_indicator", "baseline", "baseline_year", "target"),
        _save_indicator,
        gettext_lazy("indicator"),
    ),
    "milestone": Kind(
        policies.get_milestone_for_edit,
        MilestoneEditForm,
        ("title", "due_on"),
        _save_milestone,
        gettext_lazy("milestone"),
    ),
    "finding": Kind(
        policies.get_finding_for_edit,
        FindingEditForm,
        ("goal_area", "text", "cited_indicator", "cited_period"),
        _save_finding,
        gettext_lazy("finding"),
    ),
    "workshop": Kind(
        policies.get_workshop_for_edit, WorkshopEditForm, WORKSHOP_FIELDS, _save_workshop, gettext_lazy("workshop")
    ),
}


def _setup_change(form: Any, item: Item) -> None:
    if hasattr(form, "setup_change"):
        form.setup_change(_plan(item))
    if isinstance(item, Finding):
        form.setup_catalogue(item.analysis.org_unit, item.cited_indicator)


def _change(form: Any) -> Any:
    return form.change_record() if hasattr(form, "change_record") else None


def _context(item: Item, kind: Kind, form: Any, title: str) -> dict[str, Any]:
    return {"form": form, "item": item, "title": title, "back_url": _back(item), "crumbs": _crumbs(item)}


# --- The three pages -----------------------------------------------------------------------
def edit_view(name: str) -> Callable[..., HttpResponse]:
    kind = KINDS[name]

    @require_http_methods(["GET", "POST"])
    @actor_required(policies.can_manage_plans)
    def view(request: ActorRequest, pk: int) -> HttpResponse:
        actor = get_actor(request)
        item = kind.get(actor, pk)
        initial = {field: getattr(item, field) for field in kind.fields}
        form = kind.form(request.POST or None, initial={**initial, "version": item.version})
        _setup_change(form, item)
        if request.method == "POST" and form.is_valid():
            with service_errors_on(form):
                kind.save(actor, item, form.cleaned_data, _change(form))
                messages.success(request, _("Changes saved."))
                return redirect(_back(item))
        title = _("Edit %(thing)s") % {"thing": kind.noun}
        return render(request, "planning/structure/edit.html", _context(item, kind, form, title))

    view.__name__ = f"{name}_edit"
    return view


def move_view(name: str) -> Callable[..., HttpResponse]:
    kind = KINDS[name]

    @require_http_methods(["GET", "POST"])
    @actor_required(policies.can_manage_plans)
    def view(request: ActorRequest, pk: int) -> HttpResponse:
        actor = get_actor(request)
        item = kind.get(actor, pk)
        data = request.POST or None
        plan = _plan(item)
        if data is not None and plan is not None and plan.is_approved and "change_why" not in data:
            # The plain "move up" button of an approved plan: ask for the change record first.
            initial = {"version": data.get("version"), "direction": data.get("direction")}
            form = MoveForm(initial=initial)
            form.setup_change(plan)
            title = _("Move %(thing)s") % {"thing": kind.noun}
            return render(request, "planning/structure/move.html", _context(item, kind, form, title))
        form = MoveForm(data, initial={"version": item.version})
        form.setup_change(plan)
        if request.method == "POST" and form.is_valid():
            with service_errors_on(form):
                where = services.move(
                    actor=actor,
                    item=item,
                    direction=form.cleaned_data["direction"],
                    expected_version=form.cleaned_data["version"],
                    change=form.change_record(),
                )
                messages.success(
                    request,
                    _("Moved: “%(title)s” is now in position %(position)s of %(count)s.")
                    % {"title": _name(item), "position": where.position, "count": where.count},
                )
                return redirect(_back(item))
        title = _("Move %(thing)s") % {"thing": kind.noun}
        return render(request, "planning/structure/move.html", _context(item, kind, form, title))

    view.__name__ = f"{name}_move"
    return view


def remove_view(name: str) -> Callable[..., HttpResponse]:
    kind = KINDS[name]

    @require_http_methods(["GET", "POST"])
    @actor_required(policies.can_manage_plans)
    def view(request: ActorRequest, pk: int) -> HttpResponse:
        actor = get_actor(request)
        item = kind.get(actor, pk)
        form = RemoveForm(request.POST or None, initial={"version": item.version})
        form.setup_change(_plan(item))
        if request.method == "POST" and form.is_valid():
            with service_errors_on(form):
                removal = services.remove(
                    actor=actor,
                    item=item,
                    expected_version=form.cleaned_data["version"],
                    change=form.change_record(),
                )
                if removal.archived:
                    messages.success(
                        request, _("Removed. It is kept in the archive because other records refer to it.")
                    )
                else:
                    messages.success(request, _("Removed."))
                return redirect(_back(item))
        title = _("Remove %(thing)s") % {"thing": kind.noun}
        context = _context(item, kind, form, title)
        context["approved"] = form.needs_change
        return render(request, "planning/structure/remove.html", context)

    view.__name__ = f"{name}_remove"
    return view


line_edit, line_move, line_remove = edit_view("line"), move_view("line"), remove_view("line")
objective_edit, objective_move, objective_remove = (
    edit_view("objective"),
    move_view("objective"),
    remove_view("objective"),
)
indicator_edit, indicator_move, indicator_remove = (
    edit_view("indicator"),
    move_view("indicator"),
    remove_view("indicator"),
)
milestone_edit, milestone_move, milestone_remove = (
    edit_view("milestone"),
    move_view("milestone"),
    remove_view("milestone"),
)
finding_edit, finding_move, finding_remove = edit_view("finding"), move_view("finding"), remove_view("finding")
workshop_edit, workshop_move, workshop_remove = edit_view("workshop"), move_view("workshop"), remove_view("workshop")

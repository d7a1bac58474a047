"""The pages of a sector's focal point (issue #12, item 3): the restitution-plan actions their
institution owns, and the report on one of them (status and evidence).

A focal point sees nothing else of the file: the row names the file's number, the child's initials
and age, the action and its deadline — never the child's name, the diagnosis or the other actions.
Thin: ``policies`` reaches the actions (and logs each one shown), a form, ``update_sector_action``,
a redirect or the form again. An action of another institution answers 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods

from ronda.cases.models import Child
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, service_errors_on
from ronda.protection import policies
from ronda.protection.forms_resources import SectorActionForm
from ronda.protection.models import ActionStatus, RestitutionAction
from ronda.protection.services.files import update_sector_action

# The statuses of an action that is still to be done (a deadline past them is overdue).
STILL_TO_DO = frozenset({ActionStatus.PENDING, ActionStatus.IN_PROGRESS})


def initials(child: Child) -> str:
    """The child's initials ("M. G. L."): what a focal point may know of who the action is for."""
    first_word = child.first_names.split()[0] if child.first_names.split() else ""
    letters = [part[0].upper() for part in (first_word, child.paternal_surname, child.maternal_surname) if part]
    if not letters and child.alias:
        letters = [child.alias[0].upper()]
    return " ".join(f"{letter}." for letter in letters) or "—"


def age_text(child: Child, day: dt.date) -> str:
    age = child.age_on(day)
    if age is None:
        return pgettext("child age", "Age unknown")
    if child.age_is_estimated:
        return ngettext("About %(age)d year old", "About %(age)d years old", age) % {"age": age}
    return ngettext("%(age)d year old", "%(age)d years old", age) % {"age": age}


@dataclass(frozen=True)
class SectorRow:
    action: RestitutionAction
    file_number: str
    initials: str
    age: str
    overdue: bool


def _row(action: RestitutionAction, today: dt.date) -> SectorRow:
    file = action.plan.file
    return SectorRow(
        action=action,
        file_number=file.number,
        initials=initials(file.child),
        age=age_text(file.child, today),
        overdue=action.status in STILL_TO_DO and action.due_on < today,
    )


@require_GET
@actor_required(policies.is_sector_focal)
def action_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    today = timezone.localdate()
    rows = [_row(action, today) for action in policies.list_sector_actions(actor)]
    context = {
        "rows": rows,
        "institution": actor.membership.institution if actor.membership is not None else None,
        "overdue": sum(1 for row in rows if row.overdue),
    }
    return render(request, "protection/sectors/action_list.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.is_sector_focal)
def action_update(request: ActorRequest, pk: int) -> HttpResponse:
    """The focal point's report on one action: its status and the evidence (nothing else)."""
    actor = get_actor(request)
    action = policies.get_sector_action(actor, pk)
    today = timezone.localdate()
    initial = {"status": action.status, "evidence": action.evidence, "version": action.version}
    form = SectorActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            update_sector_action(
                actor=actor,
                action=action,
                status=data["status"],
                evidence=data["evidence"],
                expected_version=data["version"],
            )
            messages.success(request, _("The action was updated."))
            return redirect("protection:sector_actions")
    return render(request, "protection/sectors/action_form.html", {"form": form, "row": _row(action, today)})

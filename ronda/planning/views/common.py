"""Small helpers the planning views share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator

from ronda.core.tenancy import Actor
from ronda.planning.forms import municipality_from_code
from ronda.territory import policies as territory_policies
from ronda.territory.models import Level, OrgUnit


def home_municipality(actor: Actor) -> OrgUnit | None:
    unit = actor.org_unit
    return unit if unit is not None and unit.level == Level.MUNICIPALITY else None


def setup_municipality_field(form: Any, actor: Actor) -> None:
    """A coordinator works in their own municipality; an administrator names it by code."""
    unit = home_municipality(actor)
    if unit is not None and not actor.is_admin:
        form.fields.pop("municipality", None)
    elif unit is not None:
        form.fields["municipality"].initial = unit.code


def chosen_municipality(form: Any, actor: Actor) -> OrgUnit | None:
    """The municipality of a new diagnosis or plan (adds a form error when the code is unknown)."""
    if "municipality" not in form.fields:
        return home_municipality(actor)
    try:
        return municipality_from_code(form.cleaned_data["municipality"], territory_policies.visible_org_units(actor))
    except ValidationError as exc:
        form.add_error("municipality", exc)
        return None


def paginate(queryset: Any, page: str | None, per_page: int = 30) -> Page:
    return Paginator(queryset, per_page).get_page(page)

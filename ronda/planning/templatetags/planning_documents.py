"""``{% plan_documents plan as section %}``: the approved plan's document on the plan page.

The section brings its own data, as a slot contribution does (``core.slots``): the plan page only
includes its partial. It receives the plan the page reached through the policy, whose readers are
the document's readers, and asks ``policies_documents`` whether the person may upload. One query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from ronda.core import documents
from ronda.core.tenancy import Actor
from ronda.planning import policies_documents
from ronda.planning.models import LocalPlan
from ronda.planning.services.documents import plan_document

register = template.Library()


@dataclass(frozen=True)
class Item:
    listed: documents.Listed
    revisable: bool
    kind_label: str = ""


@dataclass(frozen=True)
class PlanSection:
    items: list[Item]
    can_add: bool  # the plan is approved, has no document yet, and the actor manages it
    can_manage: bool


@register.simple_tag(takes_context=True)
def plan_documents(context: template.Context, plan: LocalPlan) -> PlanSection | None:
    actor = getattr(context.get("request"), "actor", None)
    if not isinstance(actor, Actor) or actor.membership is None:
        return None
    manages = policies_documents.can_manage_plan_documents(actor, plan)
    listed = plan_document(plan)
    items = [Item(listed, manages)] if listed is not None else []
    return PlanSection(items=items, can_add=manages and plan.is_approved and listed is None, can_manage=manages)

"""Who sees and uploads the approved plan's document (issue #13 item 3): the act that approved the
plan and the text as approved, with its versions.

Whoever reads the plan (``policies.visible_plans``) sees and downloads it; the plan's managers
(``policies.can_manage_in`` its municipality: the coordinator, an administrator) upload it, its new
versions, and correct what it says. The store is the kernel's (``core.documents``). Pages and API
reach the documents only through the ``get_…`` functions here: 404 for missing and forbidden alike.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ronda.core import documents
from ronda.core.models import Document, DocumentVersion
from ronda.core.tenancy import Actor, get_object_or_404_scoped
from ronda.planning import policies
from ronda.planning.models import LocalPlan

# The kind of the approved plan's document in the kernel's store (one per plan).
APPROVED_PLAN = "approved_plan"


def register() -> None:
    """The owners of the plan's documents, for the audit trail (called from the app's ``ready``)."""
    documents.register_owner(LocalPlan, policies.visible_plans)


def can_manage_plan_documents(actor: Actor | None, plan: LocalPlan) -> bool:
    return actor is not None and policies.can_manage_in(actor, plan.org_unit)


def visible_documents(actor: Actor | None) -> QuerySet[Document]:
    return documents.documents_in(policies.visible_plans(actor))


def get_document_version(actor: Actor, pk: object) -> DocumentVersion:
    return get_object_or_404_scoped(documents.versions_of(policies.visible_plans(actor)), pk=pk)


def get_document(actor: Actor, pk: object) -> tuple[Document, LocalPlan]:
    document = get_object_or_404_scoped(visible_documents(actor), pk=pk)
    return document, policies.get_plan(actor, document.owner_id)


def get_document_for_edit(actor: Actor, pk: object) -> tuple[Document, LocalPlan]:
    document, plan = get_document(actor, pk)
    if not can_manage_plan_documents(actor, plan):
        raise Http404
    return document, plan


def get_plan_for_document(actor: Actor, pk: object) -> LocalPlan:
    """A plan whose approved document the actor may upload."""
    plan = policies.get_plan(actor, pk)
    if not can_manage_plan_documents(actor, plan):
        raise Http404
    return plan

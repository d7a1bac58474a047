"""The approved plan's document (issue #13 item 3), kept in the kernel's store with its versions.

One per plan, once the plan is approved: the act that approved it (its number and date) and the
text as approved. A new upload is its next version; the earlier ones are kept. The rules of who may
do it are ``policies_documents``; the store, the checks of the file and the audit events are
``core.documents``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ronda.core import documents
from ronda.core.errors import Errors
from ronda.core.models import Document, DocumentVersion
from ronda.core.tenancy import Acting, is_person
from ronda.planning import policies_documents
from ronda.planning.models import LocalPlan
from ronda.planning.policies_documents import APPROVED_PLAN


def _require_plan_manager(actor: Acting, plan: LocalPlan) -> None:
    if is_person(actor) and not policies_documents.can_manage_plan_documents(actor, plan):
        raise PermissionDenied


def _belongs(plan: LocalPlan, document: Document) -> None:
    if document.owner_id != plan.pk or document.kind != APPROVED_PLAN:
        raise ValueError("the document is not this plan's")


def plan_document(plan: LocalPlan) -> documents.Listed | None:
    """The approved plan's document with its versions, or None (one query)."""
    found = documents.documents_of(plan, kinds=[APPROVED_PLAN])
    return found[0] if found else None


@transaction.atomic
def add_plan_document(
    *,
    actor: Acting,
    plan: LocalPlan,
    title: str,
    upload: Any,
    reference: str = "",
    dated: dt.date | None = None,
    note: str = "",
) -> Document:
    """The approved plan's document with its first version."""
    _require_plan_manager(actor, plan)
    errors = Errors()
    if not plan.is_approved:
        errors.add("__all__", _("The plan is still a draft: record its approval before uploading the approved plan."))
    elif documents.documents_in(LocalPlan.objects.filter(pk=plan.pk)).filter(kind=APPROVED_PLAN).exists():
        errors.add("__all__", _("The approved plan is already uploaded: upload a new version of it."))
    return documents.create_document(
        actor=actor,
        owner=plan,
        org_unit=plan.org_unit,
        kind=APPROVED_PLAN,
        title=title,
        reference=reference,
        dated=dated,
        upload=upload,
        note=note,
        errors=errors,
    )


@transaction.atomic
def add_plan_document_version(
    *, actor: Acting, plan: LocalPlan, document: Document, upload: Any, expected_version: int | None, note: str = ""
) -> DocumentVersion:
    _require_plan_manager(actor, plan)
    _belongs(plan, document)
    return documents.add_version(
        actor=actor,
        document=document,
        org_unit=plan.org_unit,
        upload=upload,
        expected_version=expected_version,
        note=note,
    )


@transaction.atomic
def edit_plan_document(
    *,
    actor: Acting,
    plan: LocalPlan,
    document: Document,
    expected_version: int | None,
    title: str,
    reference: str = "",
    dated: dt.date | None = None,
) -> Document:
    _require_plan_manager(actor, plan)
    _belongs(plan, document)
    return documents.update_document(
        actor=actor,
        document=document,
        org_unit=plan.org_unit,
        expected_version=expected_version,
        changes={"title": title, "reference": reference, "dated": dated},
    )

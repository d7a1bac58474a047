"""The approved plan's document: uploading it, a new version of it, correcting what it says, and
downloading any version. The list is a section of the plan page
(``templatetags/planning_documents.py``); every lookup is ``policies_documents`` (404 for missing
and forbidden alike); the flow of each page is the kernel's ``core.document_pages``."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ronda.core import documents
from ronda.core.document_forms import DetailsForm, DocumentForm
from ronda.core.document_pages import DocumentPages, details_initial
from ronda.core.idempotency import once_per_submission
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor
from ronda.planning import policies, policies_documents
from ronda.planning.models import LocalPlan
from ronda.planning.services import documents as services


def _plan_url(plan: LocalPlan) -> str:
    return reverse("planning:plan_detail", args=[plan.pk]) + "#plan-document"


def _form_page(request: ActorRequest, plan: LocalPlan, form: Any, title: str, **extra: Any) -> HttpResponse:
    context = {
        "plan": plan,
        "form": form,
        "title": title,
        "multipart": "upload" in form.fields,
        "cancel_url": _plan_url(plan),
        **extra,
    }
    return render(request, "planning/plan_document_form.html", context)


PAGES = DocumentPages(back_url=_plan_url, form_page=_form_page)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
@once_per_submission
def plan_document_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    plan = policies_documents.get_plan_for_document(actor, pk)
    # The approval as recorded on the plan is the act's number and date, unless the act says otherwise.
    initial = {"title": plan.title, "reference": plan.approval_reference, "dated": plan.approved_on}
    form = DocumentForm(request.POST or None, request.FILES or None, initial=initial)
    save = partial(services.add_plan_document, actor=actor, plan=plan)
    return PAGES.upload(request, plan, form, save=save, heading=_("Upload the approved plan"))


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
@once_per_submission
def plan_document_version_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    document, plan = policies_documents.get_document_for_edit(actor, pk)
    save = partial(services.add_plan_document_version, actor=actor, plan=plan, document=document)
    return PAGES.new_version(request, plan, document, save=save)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
def plan_document_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    document, plan = policies_documents.get_document_for_edit(actor, pk)
    form = DetailsForm(request.POST or None, initial=details_initial(document))
    save = partial(services.edit_plan_document, actor=actor, plan=plan, document=document)
    return PAGES.edit(request, plan, document, form, save=save)


@require_GET
@actor_required(policies.can_read_plans)
def plan_document_download(request: ActorRequest, pk: int) -> HttpResponseBase:
    """Any version of the approved plan's document, for whoever reads the plan."""
    version = policies_documents.get_document_version(get_actor(request), pk)
    return documents.version_response(request, version)

"""The safeguarding pages of a municipality: its protocol and code of conduct, the contacts, the
register of signatures and the confidential concerns. Thin: the policy, the form, the service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ronda.core.files import private_file_response
from ronda.core.idempotency import once_per_submission
from ronda.core.views_helpers import ActorRequest, actor_required, flash_errors, get_actor, service_errors_on
from ronda.safeguarding import contracts, policies, selectors, services
from ronda.safeguarding.forms import ConcernForm, ContactForm, DocumentForm, SettingsForm, SignatureForm, VersionForm
from ronda.safeguarding.models import ConcernStatus
from ronda.territory.models import OrgUnit


def _overview_url(municipality: OrgUnit) -> str:
    return reverse("safeguarding:overview", args=[municipality.pk])


@actor_required(policies.can_view_documents)
def index(request: ActorRequest) -> HttpResponse:
    """One municipality goes straight to its page; more (a region, a country) are listed."""
    actor = get_actor(request)
    municipalities = list(policies.visible_municipalities(actor).order_by("path")[:500])
    if len(municipalities) == 1:
        return redirect(_overview_url(municipalities[0]))
    return render(request, "safeguarding/index.html", {"municipalities": municipalities})


@actor_required(policies.can_view_documents)
def overview(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality(actor, pk)
    today = timezone.localdate()
    registers = policies.can_view_registers_of(actor, municipality)
    context: dict[str, Any] = {
        "municipality": municipality,
        "documents": selectors.documents_of(actor, municipality),
        "contacts": list(selectors.contacts_of(actor, municipality)),
        "can_manage": policies.can_manage(actor, municipality),
        "can_read_concerns": policies.can_read_concerns(actor, municipality),
        "registers": registers,
    }
    if registers:
        context["signatures"] = contracts.signature_figures(municipality, today)
        context["overdue"] = list(selectors.overdue_signatures(actor, municipality, today)[:50])
        context["renewal_months"] = services.renewal_months(municipality)
    return render(request, "safeguarding/overview.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def document_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality_for_edit(actor, pk)
    form = DocumentForm(request.POST or None, request.FILES or None, initial={"approved_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.record_document(
                actor=actor,
                municipality=municipality,
                kind=data["kind"],
                edition=data["edition"],
                approved_on=data["approved_on"],
                approving_act=data["approving_act"],
                upload=data["upload"],
            )
            messages.success(request, _("Document recorded."))
            return redirect(_overview_url(municipality))
    return render(request, "safeguarding/document_form.html", {"municipality": municipality, "form": form})


@actor_required(policies.can_view_documents)
def document_file(request: ActorRequest, pk: int) -> HttpResponseBase:
    document = policies.get_document(get_actor(request), pk)
    return private_file_response(request, document.file, document.original_name, content_type=document.content_type)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
def settings_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality_for_edit(actor, pk)
    current = selectors.settings_of(actor, municipality)
    initial = {"months": services.renewal_months(municipality), "version": current.version if current else None}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.set_renewal_interval(
                actor=actor,
                municipality=municipality,
                months=form.cleaned_data["months"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("Renewal interval saved."))
            return redirect(_overview_url(municipality))
    return render(request, "safeguarding/settings_form.html", {"municipality": municipality, "form": form})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def contact_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality_for_edit(actor, pk)
    form = ContactForm(request.POST or None, users=policies.eligible_contacts(municipality))
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.designate_contact(
                actor=actor,
                municipality=municipality,
                user=form.cleaned_data["user"],
                protocol_role=form.cleaned_data["protocol_role"],
            )
            messages.success(request, _("Safeguarding contact designated."))
            return redirect(_overview_url(municipality))
    return render(request, "safeguarding/contact_form.html", {"municipality": municipality, "form": form})


@require_POST
@actor_required(policies.can_manage_any)
def contact_end(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    contact = policies.get_contact_for_edit(actor, pk)
    form = VersionForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            services.end_contact(actor=actor, contact=contact, expected_version=form.cleaned_data["version"])
            messages.success(request, _("Safeguarding contact withdrawn."))
            return redirect(_overview_url(contact.municipality))
    flash_errors(request, form)
    return redirect(_overview_url(contact.municipality))


@actor_required(policies.can_view_registers)
def signature_list(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_register_municipality(actor, pk)
    context = {
        "municipality": municipality,
        "signatures": list(selectors.signatures_of(actor, municipality)[:1000]),
        "figures": contracts.signature_figures(municipality, timezone.localdate()),
        "today": timezone.localdate(),
        "can_manage": policies.can_manage(actor, municipality),
        "renewal_months": services.renewal_months(municipality),
    }
    return render(request, "safeguarding/signature_list.html", context)


def _signature_values(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in services.SIGNATURE_EDITABLE}


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def signature_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality_for_edit(actor, pk)
    form = SignatureForm(
        request.POST or None, initial={"signed_on": timezone.localdate()}, areas=selectors.areas_of(municipality)
    )
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.record_signature(actor=actor, municipality=municipality, **_signature_values(form.cleaned_data))
            messages.success(request, _("Signature recorded."))
            return redirect(reverse("safeguarding:signature_list", args=[municipality.pk]))
    context = {"municipality": municipality, "form": form, "signature": None}
    return render(request, "safeguarding/signature_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
def signature_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    signature = policies.get_signature_for_edit(actor, pk)
    municipality = signature.municipality
    initial = {name: getattr(signature, name) for name in services.SIGNATURE_EDITABLE}
    form = SignatureForm(
        request.POST or None, initial={**initial, "version": signature.version}, areas=selectors.areas_of(municipality)
    )
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_signature(
                actor=actor,
                signature=signature,
                expected_version=form.cleaned_data["version"],
                **_signature_values(form.cleaned_data),
            )
            messages.success(request, _("Signature saved."))
            return redirect(reverse("safeguarding:signature_list", args=[municipality.pk]))
    context = {"municipality": municipality, "form": form, "signature": signature}
    return render(request, "safeguarding/signature_form.html", context)


@actor_required()
def concern_list(request: ActorRequest, pk: int) -> HttpResponse:
    """The confidential log: the coordinator and the contacts only (each concern shown is an access event)."""
    actor = get_actor(request)
    municipality = policies.get_concern_municipality(actor, pk)
    context = {
        "municipality": municipality,
        "concerns": policies.concerns_of(actor, municipality),
        "figures": contracts.concern_figures(municipality, public=False),
    }
    return render(request, "safeguarding/concern_list.html", context)


@require_http_methods(["GET", "POST"])
@actor_required()
@once_per_submission
def concern_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_concern_municipality(actor, pk)
    form = ConcernForm(
        request.POST or None,
        initial={"raised_on": timezone.localdate(), "status": ConcernStatus.OPEN},
        institutions=selectors.institutions_for(municipality),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.record_concern(
                actor=actor,
                municipality=municipality,
                **{name: data[name] for name in services.CONCERN_EDITABLE},
            )
            messages.success(request, _("Concern recorded."))
            return redirect(reverse("safeguarding:concern_list", args=[municipality.pk]))
    context = {"municipality": municipality, "form": form, "concern": None}
    return render(request, "safeguarding/concern_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required()
def concern_edit(request: ActorRequest, pk: int) -> HttpResponse:
    """One concern: what was raised and what was done. Whoever may read a concern records its follow-up
    (the coordinator and the contacts): the read is the policy call, and the service checks the same rule."""
    actor = get_actor(request)
    concern = policies.get_concern(actor, pk)
    municipality = concern.municipality
    initial = {name: getattr(concern, name) for name in services.CONCERN_EDITABLE}
    form = ConcernForm(
        request.POST or None,
        initial={**initial, "version": concern.version},
        institutions=selectors.institutions_for(municipality),
    )
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_concern(
                actor=actor,
                concern=concern,
                expected_version=data["version"],
                **{name: data[name] for name in services.CONCERN_EDITABLE},  # type: ignore[misc]
            )
            messages.success(request, _("Concern saved."))
            return redirect(reverse("safeguarding:concern_list", args=[municipality.pk]))
    context = {"municipality": municipality, "form": form, "concern": concern}
    return render(request, "safeguarding/concern_form.html", context)

"""The municipality's policy instruments for children and the share of its budget the plan invests
in children ("Inversión en la niñez"): the coordinator manages them, the body's readers read them."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ronda.core.files import private_file_response
from ronda.core.idempotency import once_per_submission
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, service_errors_on
from ronda.planning import contracts, policies, services
from ronda.planning.forms import InstrumentDocumentForm, InstrumentForm, MunicipalBudgetForm
from ronda.planning.models import PolicyInstrument
from ronda.planning.views.common import chosen_municipality, paginate, setup_municipality_field


# --- Policy instruments --------------------------------------------------------------------------
@require_GET
@actor_required(policies.can_read_plans)
def instrument_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    instruments = policies.visible_instruments(actor).order_by("org_unit__name", "-approved_on", "title", "id")
    context = {"page": paginate(instruments, request.GET.get("page")), "can_create": policies.can_create_plans(actor)}
    return render(request, "planning/instrument_list.html", context)


def _initial(instrument: PolicyInstrument) -> dict[str, object]:
    names = (
        *("kind", "title", "reference", "status", "approved_on", "in_force_from", "in_force_until"),
        *("approving_body", "summary", "notes", "version"),
    )
    return {name: getattr(instrument, name) for name in names}


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_create_plans)
@once_per_submission
def instrument_create(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    form = InstrumentForm(request.POST or None)
    form.fields.pop("version")
    setup_municipality_field(form, actor)
    if request.method == "POST" and form.is_valid():
        unit = chosen_municipality(form, actor)
        if unit is not None:
            with service_errors_on(form):
                instrument = services.create_instrument(actor=actor, org_unit=unit, fields=form.instrument_fields())
                messages.success(request, _("Policy instrument saved. You can now upload its documents."))
                return redirect("planning:instrument_detail", pk=instrument.pk)
    context = {"form": form, "instrument": None, "title": _("New policy instrument")}
    return render(request, "planning/instrument_form.html", context)


@require_GET
@actor_required(policies.can_read_plans)
def instrument_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    instrument = policies.get_instrument(actor, pk)
    can_edit = policies.can_edit_instrument(actor, instrument)
    context = {
        "instrument": instrument,
        "documents": policies.visible_policy_documents(actor)
        .filter(instrument=instrument)
        .select_related("uploaded_by"),
        "can_edit": can_edit,
        "upload_form": InstrumentDocumentForm(initial={"version": instrument.version}) if can_edit else None,
    }
    return render(request, "planning/instrument_detail.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
def instrument_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    instrument = policies.get_instrument_for_edit(actor, pk)
    form = InstrumentForm(request.POST or None, initial=_initial(instrument))
    form.fields.pop("municipality")
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_instrument(
                actor=actor,
                instrument=instrument,
                expected_version=form.cleaned_data["version"],
                fields=form.instrument_fields(),
            )
            messages.success(request, _("Changes saved."))
            return redirect("planning:instrument_detail", pk=instrument.pk)
    context = {"form": form, "instrument": instrument, "title": _("Edit the policy instrument")}
    return render(request, "planning/instrument_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
@once_per_submission
def instrument_document_upload(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    instrument = policies.get_instrument_for_edit(actor, pk)
    form = InstrumentDocumentForm(request.POST or None, request.FILES or None, initial={"version": instrument.version})
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            document = services.add_instrument_document(
                actor=actor,
                instrument=instrument,
                expected_version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["evidence"],
            )
            messages.success(request, _("Document uploaded (version %(number)s).") % {"number": document.revision})
            return redirect("planning:instrument_detail", pk=instrument.pk)
    context = {"form": form, "instrument": instrument, "title": _("Upload a document"), "multipart": True}
    return render(request, "planning/instrument_form.html", context)


@require_GET
@actor_required(policies.can_read_plans)
def instrument_document_download(request: ActorRequest, pk: int) -> HttpResponseBase:
    """Never a public URL: the instrument's policy decides who gets the file."""
    document = policies.get_policy_document(get_actor(request), pk)
    return private_file_response(request, document.file, document.original_name, content_type=document.content_type)


# --- Investment in children: the plan's budgets against the municipal budget ---------------------
@require_GET
@actor_required(policies.can_read_plans)
def investment(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    plan = policies.get_plan(actor, pk)
    context = {
        "plan": plan,
        "years": contracts.plan_investment(plan),
        "can_edit": policies.can_manage_in(actor, plan.org_unit),
    }
    return render(request, "planning/investment.html", context)


def _missing_years(plan_years: list[int], taken: set[int]) -> list[tuple[int, str]]:
    return [(year, str(year)) for year in plan_years if year not in taken]


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
@once_per_submission
def municipal_budget_create(request: ActorRequest, pk: int) -> HttpResponse:
    """Enter the municipality's total budget of one of the plan's years."""
    actor = get_actor(request)
    plan = policies.get_plan(actor, pk)
    if not policies.can_manage_in(actor, plan.org_unit):
        raise Http404
    taken = set(policies.visible_municipal_budgets(actor).filter(org_unit=plan.org_unit).values_list("year", flat=True))
    years = list(range(plan.period_start.year, plan.period_end.year + 1))
    form = MunicipalBudgetForm(request.POST or None, request.FILES or None)
    form.fields.pop("version")
    form.fields["year"].choices = _missing_years(years, taken)  # type: ignore[attr-defined]
    if request.GET.get("anio", "").isdigit():
        form.fields["year"].initial = int(request.GET["anio"])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form, rename={"evidence": "document"}):
            services.create_municipal_budget(
                actor=actor,
                org_unit=plan.org_unit,
                year=data["year"],
                total=data["total"],
                source=data.get("source") or "",
                document=data.get("document"),
            )
            messages.success(request, _("Municipal budget saved."))
            return redirect("planning:investment", pk=plan.pk)
    context = {"form": form, "plan": plan, "budget": None, "title": _("Enter the municipal budget of a year")}
    return render(request, "planning/municipal_budget_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_plans)
def municipal_budget_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    budget = policies.get_municipal_budget_for_edit(actor, pk)
    form = MunicipalBudgetForm(
        request.POST or None,
        request.FILES or None,
        initial={"total": budget.total, "source": budget.source, "version": budget.version},
    )
    form.fields.pop("year")
    form.fields["version"].required = True
    plan = (
        policies.visible_plans(actor)
        .filter(org_unit=budget.org_unit, period_start__year__lte=budget.year, period_end__year__gte=budget.year)
        .first()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form, rename={"evidence": "document"}):
            services.update_municipal_budget(
                actor=actor,
                budget=budget,
                expected_version=data["version"],
                total=data["total"],
                source=data.get("source") or "",
                document=data.get("document"),
            )
            messages.success(request, _("Changes saved."))
            if plan is not None:
                return redirect("planning:investment", pk=plan.pk)
            return redirect("planning:plan_list")
    title = _("Municipal budget of %(year)s") % {"year": budget.year}
    context = {"form": form, "plan": plan, "budget": budget, "title": title}
    return render(request, "planning/municipal_budget_form.html", context)


@require_GET
@actor_required(policies.can_read_plans)
def municipal_budget_document(request: ActorRequest, pk: int) -> HttpResponseBase:
    budget = policies.get_municipal_budget(get_actor(request), pk)
    if not budget.document:
        raise Http404
    return private_file_response(request, budget.document, budget.document_name, content_type=budget.document_type)

"""The supervisor's pages: the overview, the exports of case lists; and the figures page.

Thin: a policy check, a selector or a service, a template. The overview's list rows name children,
and the selector logs them; the figures page names nobody (counts from ``cases.contracts``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronda.cases import exports, figures, policies_cases, selectors_supervision
from ronda.cases.models.casefile import ExportStatus
from ronda.core.files import private_file_response
from ronda.core.idempotency import once_per_submission
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, service_errors_on

CONTENT_TYPES = {
    "zip": "application/zip",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
@actor_required(policies_cases.can_supervise)
def overview(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    data = selectors_supervision.overview(actor, today=timezone.localdate())
    return render(request, "cases/supervision/overview.html", {"o": data})


# --- Figures ----------------------------------------------------------------------------------------
@require_GET
@actor_required(figures.can_view_figures)
def figures_page(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    this_year = timezone.localdate().year
    raw = request.GET.get("anio", "")
    year = int(raw) if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= this_year else this_year
    unit = actor.org_unit
    assert unit is not None  # can_view_figures asks for one
    context = {
        "unit": unit,
        "page": figures.page(unit, year),
        "years": list(range(this_year, max(this_year - 5, 1999), -1)),
        "bands": [figures.AGE_BAND_LABELS[band] for band in figures.BANDS],
    }
    return render(request, "cases/supervision/figures.html", context)


# --- Exports -----------------------------------------------------------------------------------------
class ExportForm(forms.Form):
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=list(exports.FORMATS.items()),
        initial="xlsx",
        widget=forms.RadioSelect,
    )
    personal_columns = forms.MultipleChoiceField(
        label=gettext_lazy("Personal columns (left out unless you choose them)"),
        choices=[(key, label) for key, label in exports.PERSONAL_COLUMNS.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "With any of them the file is a password-protected archive, and you must say why you need them."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why you need the personal columns"),
        required=False,
        max_length=exports.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("It is kept in the audit trail: do not write a child's name here."),
    )


def _exports_page(request: ActorRequest, form: ExportForm, revealed: tuple[int, str] | None = None) -> HttpResponse:
    actor = get_actor(request)
    source = request.POST if request.method == "POST" else request.GET
    filters = exports.filters_from_params(source)
    context: dict[str, Any] = {
        "form": form,
        "filter_params": exports.filters_as_params(filters),
        "filter_count": policies_cases.filtered_cases(actor, filters).count(),
        "exports": list(exports.visible_exports(actor).order_by("-created_at", "-id")[:20]),
        "revealed_pk": revealed[0] if revealed else None,
        "revealed_password": revealed[1] if revealed else "",
        "ready": ExportStatus.READY,
        "failed": ExportStatus.FAILED,
    }
    response = render(request, "cases/supervision/exports.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@actor_required(exports.can_export)
@once_per_submission
def export(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            exports.request_export(
                actor=actor,
                filters=exports.filters_from_params(request.POST),
                file_format=form.cleaned_data["file_format"],
                personal_columns=form.cleaned_data["personal_columns"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The export is being prepared. It will be listed below when it is ready."))
            return redirect("cases:export")
    return _exports_page(request, form)


@never_cache
@require_POST
@actor_required(exports.can_export)
def export_password(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    item = exports.get_export(actor, pk)
    form = ExportForm()
    with service_errors_on(form):
        password = exports.reveal_password(actor=actor, export=item)
        return _exports_page(request, form, (item.pk, password))
    return _exports_page(request, form)


@require_GET
@actor_required(exports.can_export)
def export_download(request: ActorRequest, pk: int) -> HttpResponseBase:
    actor = get_actor(request)
    item = exports.get_export(actor, pk)
    if item.status != ExportStatus.READY:
        raise Http404
    kind = CONTENT_TYPES["zip" if item.encrypted else item.file_format]
    return private_file_response(request, item.file, item.download_name, content_type=kind)

"""Tablero pages: import and export of data values (issue #10 item 4).

``/tablero/importar/``: upload a CSV or XLSX and see one's recent imports; ``/tablero/importar/<id>/``
follows the check (htmx asks again every 2 s while a job works; a ``<progress>`` with its text, in
a polite live region) and shows the report, with **Apply** when nothing was rejected.
``/tablero/exportar/``: a selection to CSV (streamed) or XLSX (openpyxl write-only).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronda.core import uploads
from ronda.core.forms import IdModelChoiceField, IdModelMultipleChoiceField
from ronda.core.http import as_download, download_name
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor
from ronda.tablero import exports, imports, policies_imports
from ronda.tablero import periods as iso_periods
from ronda.tablero.models import ImportStatus, ValueImport

IN_PROGRESS = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.APPLYING)
FIELD_LABELS = {
    "data_element": gettext_lazy("Data element"),
    "option_combo": gettext_lazy("Disaggregation"),
    "attribute_option_combo": gettext_lazy("Attribute option combination"),
    "org_unit": gettext_lazy("Org unit"),
    "period": gettext_lazy("Period"),
    "value": gettext_lazy("Value"),
    "comment": gettext_lazy("Comment"),
}


def _private(response: HttpResponseBase) -> HttpResponseBase:
    patch_cache_control(response, private=True, no_store=True)
    return response


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File of values"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv," + imports.XLSX_CONTENT_TYPE}),
        help_text=gettext_lazy(
            "CSV or Excel (XLSX). Columns: data_element, option_combo, org_unit, period, value, comment "
            "(codes; DHIS2's CSV columns and the Spanish names are accepted too)."
        ),
    )


@require_http_methods(["GET", "POST"])
@actor_required(policies_imports.can_import)
def import_index(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            value_import = imports.request_import(actor=actor, upload=upload, name=upload.name or "valores.csv")
        except uploads.UploadRejected as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("The file was received; it is being checked."))
            return redirect("tablero:import_detail", value_import.pk)
    recent = policies_imports.visible_imports(actor).select_related("org_unit")[:20]
    return render(request, "tablero/imports/index.html", {"form": form, "imports": recent})


def _context(value_import: ValueImport) -> dict[str, Any]:
    report = value_import.report or {}
    errors = [
        {**error, "label": FIELD_LABELS.get(error.get("field", ""), error.get("field", ""))}
        for error in report.get("errors", [])
    ]
    return {
        "value_import": value_import,
        "report": report,
        "errors": errors,
        "counts": report.get("counts"),
        "applied": report.get("applied"),
        "in_progress": value_import.status in IN_PROGRESS,
        "can_apply": value_import.status == ImportStatus.CHECKED and not errors,
    }


@require_GET
@actor_required(policies_imports.can_import)
def import_detail(request: ActorRequest, pk: int) -> HttpResponseBase:
    value_import = policies_imports.get_import(get_actor(request), pk)
    context = _context(value_import)
    if request.htmx:
        shown = f"{value_import.status}:{value_import.processed_rows}"
        if request.GET.get("shown") == shown:
            # Nothing new: no swap, so a screen reader does not hear the same sentence again.
            return _private(HttpResponse(status=204))
        return _private(render(request, "tablero/imports/partials/status.html", context))
    return _private(render(request, "tablero/imports/detail.html", context))


@require_POST
@actor_required(policies_imports.can_import)
def import_apply(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    value_import = policies_imports.get_import(actor, pk)
    try:
        imports.request_apply(actor=actor, value_import=value_import)
    except PermissionDenied:
        messages.error(request, _("Only a checked file without rejected rows can be applied."))
    else:
        messages.success(request, _("The values are being imported."))
    return redirect("tablero:import_detail", value_import.pk)


# --- Export --------------------------------------------------------------------------------------
class ExportForm(forms.Form):
    FORMATS = (("csv", "CSV"), ("xlsx", "Excel (XLSX)"))

    data_set = IdModelChoiceField(label=gettext_lazy("Data set"), queryset=None, required=False)
    elements = IdModelMultipleChoiceField(label=gettext_lazy("Data elements"), queryset=None, required=False)
    org_unit = IdModelChoiceField(
        label=gettext_lazy("Org unit"), queryset=None, help_text=gettext_lazy("With every unit inside it.")
    )
    start = forms.CharField(
        label=gettext_lazy("From period"), max_length=10, help_text=gettext_lazy("For example 202401, 2024Q1 or 2024.")
    )
    end = forms.CharField(label=gettext_lazy("To period"), max_length=10)
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=FORMATS, initial="csv")

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["data_set"].queryset = policies_imports.exportable_data_sets(actor)  # type: ignore[attr-defined]
        self.fields["elements"].queryset = policies_imports.exportable_elements(actor)  # type: ignore[attr-defined]
        self.fields["org_unit"].queryset = policies_imports.exportable_units(actor).order_by("path")  # type: ignore[attr-defined]

    def _period(self, name: str) -> iso_periods.Period:
        try:
            return iso_periods.parse(self.cleaned_data[name])
        except iso_periods.InvalidPeriod as exc:
            raise ValidationError(_("Write a period such as 202401, 2024Q1, 2024S1 or 2024.")) from exc

    def clean_start(self) -> iso_periods.Period:
        return self._period("start")

    def clean_end(self) -> iso_periods.Period:
        return self._period("end")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("data_set") and not data.get("elements"):
            self.add_error("elements", _("Choose a data set or some data elements."))
        start, end = data.get("start"), data.get("end")
        if start and end and start.start > end.end:
            self.add_error("end", _("The last period comes before the first one."))
        return data

    def selection(self) -> exports.Selection:
        data = self.cleaned_data
        elements = list(data.get("elements") or [])
        if data.get("data_set"):
            allowed = self.fields["elements"].queryset  # type: ignore[attr-defined]
            elements += list(allowed.filter(data_sets=data["data_set"]))
        unique = {e.pk: e for e in elements}
        return exports.Selection(
            elements=tuple(unique.values()), unit=data["org_unit"], start=data["start"], end=data["end"]
        )


@require_GET
@actor_required(policies_imports.can_export)
def export(request: ActorRequest) -> HttpResponseBase:
    actor = get_actor(request)
    bound = "org_unit" in request.GET
    form = ExportForm(request.GET if bound else None, actor=actor, initial={"org_unit": actor.org_unit})
    if bound and form.is_valid():
        selection = form.selection()
        name_parts = (selection.unit.name, _("values"), selection.start.iso, selection.end.iso)
        lines = exports.rows(actor, selection)
        if form.cleaned_data["format"] == "xlsx":
            response: HttpResponseBase = FileResponse(
                exports.xlsx_file(lines, title=_("Values")), content_type=imports.XLSX_CONTENT_TYPE
            )
            filename = download_name(*name_parts, extension="xlsx", default="valores")
        else:
            response = StreamingHttpResponse(exports.csv_chunks(lines), content_type="text/csv; charset=utf-8")
            filename = download_name(*name_parts, extension="csv", default="valores")
        return _private(as_download(response, filename))
    return _private(render(request, "tablero/imports/export.html", {"form": form}))


urlpatterns: list[URLPattern] = [
    path("importar/", import_index, name="imports"),
    path("importar/<int:pk>/", import_detail, name="import_detail"),
    path("importar/<int:pk>/aplicar/", import_apply, name="import_apply"),
    path("exportar/", export, name="export"),
]

"""The indicator catalogue under /tablero/catalogo/ (issue #10 item 1): data elements, indicators,
data sets, categories and disaggregations; lists with search and filters, detail pages, forms and
the archive. National objects are managed by the secretariat, a municipality's additions by its
coordinator; everyone in scope reads (``policies_catalogue``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronda.core.idempotency import once_per_submission
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest, actor_required, flash_errors, get_actor, service_errors_on
from ronda.planning.choices import GoalArea
from ronda.tablero import expressions, services
from ronda.tablero import policies_catalogue as policies
from ronda.tablero.forms_catalogue import (
    ArchiveForm,
    CatalogueForm,
    CategoryComboForm,
    CategoryForm,
    DataElementForm,
    DataSetForm,
    IndicatorForm,
)
from ronda.tablero.models import (
    CatalogueObject,
    Category,
    CategoryCombo,
    DataElement,
    DataSet,
    Indicator,
)
from ronda.territory.models import Level, OrgUnit

PAGE_SIZE = 25
COMMON = ("name", "short_name", "code", "description")


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[CatalogueObject]
    title: Promise
    new: Promise
    goal_area: bool = False


KINDS = {
    k.slug: k
    for k in (
        Kind("elementos", DataElement, gettext_lazy("Data elements"), gettext_lazy("New data element"), True),
        Kind("indicadores", Indicator, gettext_lazy("Indicators"), gettext_lazy("New indicator"), True),
        Kind("conjuntos", DataSet, gettext_lazy("Data sets"), gettext_lazy("New data set")),
        Kind("categorias", Category, gettext_lazy("Categories"), gettext_lazy("New category")),
        Kind("desagregaciones", CategoryCombo, gettext_lazy("Disaggregations"), gettext_lazy("New disaggregation")),
    )
}


def _kind(slug: str) -> Kind:
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404
    return kind


def _context(actor: Actor, kind: Kind, **extra: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "kinds": KINDS.values(),
        "can_create": policies.can_manage_some_catalogue(actor)
        and (policies.own_catalogue(actor) is not None or policies.owners_to_choose(actor).exists()),
        **extra,
    }


# --- Lists ----------------------------------------------------------------------------------
def _filtered(request: ActorRequest, actor: Actor, kind: Kind) -> tuple[QuerySet[Any], dict[str, str]]:
    params = request.GET
    filters = {
        "q": params.get("q", "").strip()[:100],
        "whose": params.get("de", "") if params.get("de") in policies.OWNER_LEVELS else "",
        "goal": params.get("area", "") if kind.goal_area and params.get("area") in GoalArea.values else "",
        "archived": "1" if params.get("archivados") == "1" else "",
    }
    rows: QuerySet[Any] = policies.visible(actor, kind.model).select_related("owner")
    rows = rows.filter(policies.owner_filter(filters["whose"]))
    if kind.model is CategoryCombo:
        rows = rows.filter(is_default=False)
    if not filters["archived"]:
        rows = rows.filter(is_archived=False)
    if filters["q"]:
        rows = rows.filter(
            Q(name__icontains=filters["q"]) | Q(code__icontains=filters["q"]) | Q(short_name__icontains=filters["q"])
        )
    if filters["goal"]:
        rows = rows.filter(goal_area=filters["goal"])
    return rows.order_by("name", "id"), filters


def _list(request: ActorRequest, kind: Kind) -> HttpResponse:
    actor = get_actor(request)
    rows, filters = _filtered(request, actor, kind)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = _context(
        actor,
        kind,
        page=page,
        filters=filters,
        query=query.urlencode(),
        goal_areas=GoalArea.choices,
    )
    if request.htmx:
        return render(request, "tablero/catalogue/_results.html", context)
    return render(request, "tablero/catalogue/list.html", context)


@require_GET
@actor_required(policies.can_view_catalogue)
def catalogue(request: ActorRequest) -> HttpResponse:
    """The catalogue's first page: its sections as tabs, the data elements shown."""
    return _list(request, KINDS["elementos"])


@require_GET
@actor_required(policies.can_view_catalogue)
def object_list(request: ActorRequest, kind: str) -> HttpResponse:
    return _list(request, _kind(kind))


# --- Detail ---------------------------------------------------------------------------------
def _detail_extra(obj: CatalogueObject) -> dict[str, Any]:
    if isinstance(obj, DataElement):
        return {"data_sets": obj.data_sets.filter(is_archived=False).order_by("name")}
    if isinstance(obj, Indicator):
        return {"formulas": obj.formulas.select_related("author").order_by("-valid_from", "-id")}
    if isinstance(obj, DataSet):
        return {"elements": obj.data_elements.order_by("name")}
    if isinstance(obj, Category):
        return {"options": obj.options.order_by("sort_order", "id")}
    if isinstance(obj, CategoryCombo):
        return {
            "categories": services.combo_categories(obj),
            "option_combos": obj.option_combos.order_by("sort_order", "id"),
            "elements": obj.data_elements.order_by("name"),
        }
    return {}


@require_GET
@actor_required(policies.can_view_catalogue)
def object_detail(request: ActorRequest, kind: str, pk: int) -> HttpResponse:
    actor = get_actor(request)
    spec = _kind(kind)
    obj = policies.get_catalogue_object(actor, spec.model, pk)
    context = _context(
        actor,
        spec,
        obj=obj,
        can_manage=policies.can_manage(actor, obj),
        archive_form=ArchiveForm(initial={"version": obj.version, "archived": not obj.is_archived}),
        **_detail_extra(obj),
    )
    return render(request, "tablero/catalogue/detail.html", context)


# --- Forms ----------------------------------------------------------------------------------
def _initial(obj: CatalogueObject, names: tuple[str, ...]) -> dict[str, Any]:
    initial = {name: getattr(obj, name) for name in names}
    initial["version"] = obj.version
    return initial


def _form(request: ActorRequest, actor: Actor, kind: Kind, obj: Any, owner: OrgUnit | None) -> CatalogueForm:
    """The form of ``kind``: for ``obj`` (an edit) or new (``owner`` None: the administrator chooses)."""
    data = request.POST if request.method == "POST" else None
    owners = policies.owners_to_choose(actor) if obj is None and owner is None else None
    base = obj.owner if obj is not None else owner
    form: CatalogueForm
    if kind.model is DataElement:
        combos = (
            policies.usable(actor, CategoryCombo, base)
            if base is not None
            else policies.visible(actor, CategoryCombo).filter(owner__level=Level.COUNTRY, is_archived=False)
        )
        initial = _initial(obj, services.DATA_ELEMENT_EDITABLE) if obj else {}
        if obj is not None and obj.category_combo.is_default:
            initial["category_combo"] = None
        elif obj is not None:  # the one it has stays a choice, even archived since
            combos = combos | policies.visible(actor, CategoryCombo).filter(pk=obj.category_combo_id)
        form = DataElementForm(
            data, initial=initial, owners=owners, combos=combos.exclude(is_default=True).distinct().order_by("name")
        )
    elif kind.model is Indicator:
        initial = _initial(obj, services.INDICATOR_EDITABLE) if obj else {}
        if obj is not None and (formula := services.current_formula(obj)) is not None:
            initial.update(
                numerator=formula.numerator,
                denominator=formula.denominator,
                factor=formula.factor,
                numerator_description=formula.numerator_description,
                denominator_description=formula.denominator_description,
            )
        form = IndicatorForm(data, initial=initial, owners=owners)
    elif kind.model is DataSet:
        elements = (
            policies.usable(actor, DataElement, base)
            if base is not None
            else policies.visible(actor, DataElement).filter(owner__level=Level.COUNTRY, is_archived=False)
        )
        initial = _initial(obj, services.DATA_SET_EDITABLE[:-1]) if obj else {}
        if obj is not None:
            initial["data_elements"] = list(obj.data_elements.values_list("pk", flat=True))
            elements = elements | policies.visible(actor, DataElement).filter(pk__in=initial["data_elements"])
        form = DataSetForm(
            data, initial=initial, owners=owners, elements=elements.distinct().order_by("goal_area", "name")
        )
    elif kind.model is Category:
        initial = _initial(obj, services.CATEGORY_EDITABLE) if obj else {}
        options = list(obj.options.order_by("sort_order", "id")) if obj else None
        form = CategoryForm(data, initial=initial, owners=owners, options=options)
    else:
        categories = (
            policies.usable(actor, Category, base)
            if base is not None
            else policies.visible(actor, Category).filter(owner__level=Level.COUNTRY, is_archived=False)
        )
        initial = _initial(obj, services.COMBO_EDITABLE[:-1]) if obj else {}
        if obj is not None:
            initial["categories"] = [c.pk for c in services.combo_categories(obj)]
            categories = categories | policies.visible(actor, Category).filter(pk__in=initial["categories"])
        form = CategoryComboForm(
            data, initial=initial, owners=owners, categories=categories.distinct().order_by("name")
        )
    if obj is not None:
        form.editing()
    return form


def _common(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data.get(name) or "" for name in COMMON}


def _formula(data: dict[str, Any]) -> services.FormulaInput:
    return services.FormulaInput(
        numerator=data["numerator"],
        denominator=data["denominator"],
        factor=data["factor"],
        valid_from=data.get("valid_from"),
        numerator_description=data.get("numerator_description") or "",
        denominator_description=data.get("denominator_description") or "",
    )


def _create(actor: Actor, kind: Kind, owner: OrgUnit, data: dict[str, Any]) -> CatalogueObject:
    common = _common(data)
    if kind.model is DataElement:
        return services.create_data_element(
            actor=actor,
            owner=owner,
            value_type=data["value_type"],
            aggregation_type=data["aggregation_type"],
            category_combo=data.get("category_combo"),
            goal_area=data.get("goal_area") or "",
            zero_is_significant=bool(data.get("zero_is_significant")),
            from_personal_records=bool(data.get("from_personal_records")),
            minimum=data.get("minimum"),
            maximum=data.get("maximum"),
            **common,
        )
    if kind.model is Indicator:
        formula = _formula(data)
        return services.create_indicator(
            actor=actor,
            owner=owner,
            numerator=formula.numerator,
            denominator=formula.denominator,
            factor=formula.factor,
            valid_from=formula.valid_from,
            numerator_description=formula.numerator_description,
            denominator_description=formula.denominator_description,
            direction=data["direction"],
            unit=data.get("unit") or "",
            decimals=data["decimals"],
            goal_area=data.get("goal_area") or "",
            **common,
        )
    if kind.model is DataSet:
        return services.create_data_set(
            actor=actor,
            owner=owner,
            period_type=data["period_type"],
            level=data["level"],
            owner_area_kind=data.get("owner_area_kind") or "",
            due_days=data["due_days"],
            data_elements=list(data["data_elements"]),
            **common,
        )
    if kind.model is Category:
        return services.create_category(actor=actor, owner=owner, options=data["options_text"], **common)
    return services.create_category_combo(actor=actor, owner=owner, categories=list(data["categories"]), **common)


def _update(actor: Actor, kind: Kind, obj: Any, form: CatalogueForm) -> CatalogueObject:
    data = form.cleaned_data
    common = _common(data)
    version = data["version"]
    if isinstance(obj, DataElement):
        return services.update_data_element(
            actor=actor,
            element=obj,
            expected_version=version,
            value_type=data["value_type"],
            aggregation_type=data["aggregation_type"],
            category_combo=data.get("category_combo") or services.default_combo(),
            goal_area=data.get("goal_area") or "",
            zero_is_significant=bool(data.get("zero_is_significant")),
            from_personal_records=bool(data.get("from_personal_records")),
            minimum=data.get("minimum"),
            maximum=data.get("maximum"),
            **common,
        )
    if isinstance(obj, Indicator):
        return services.update_indicator(
            actor=actor,
            indicator=obj,
            expected_version=version,
            formula=_formula(data),
            direction=data["direction"],
            unit=data.get("unit") or "",
            decimals=data["decimals"],
            goal_area=data.get("goal_area") or "",
            **common,
        )
    if isinstance(obj, DataSet):
        return services.update_data_set(
            actor=actor,
            data_set=obj,
            expected_version=version,
            period_type=data["period_type"],
            level=data["level"],
            owner_area_kind=data.get("owner_area_kind") or "",
            due_days=data["due_days"],
            data_elements=list(data["data_elements"]),
            **common,
        )
    if isinstance(obj, Category):
        assert isinstance(form, CategoryForm)
        with transaction.atomic():
            updated = services.update_category(actor=actor, category=obj, expected_version=version, **common)
            for option in form.options:
                services.update_category_option(
                    actor=actor,
                    option=option,
                    expected_version=data[f"option_{option.pk}_version"],
                    name=data[f"option_{option.pk}_name"],
                    sort_order=data[f"option_{option.pk}_order"],
                )
        return updated
    return services.update_category_combo(
        actor=actor, combo=obj, expected_version=version, categories=list(data["categories"]), **common
    )


def _form_view(request: ActorRequest, actor: Actor, kind: Kind, obj: Any) -> HttpResponse:
    owner = obj.owner if obj is not None else policies.own_catalogue(actor)
    form = _form(request, actor, kind, obj, owner)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form, rename={"options": "options_text"}):
            if obj is None:
                chosen = owner or policies.get_owner_for_create(actor, form.cleaned_data["owner"].pk)
                saved = _create(actor, kind, chosen, form.cleaned_data)
                messages.success(request, _("Saved in the catalogue."))
            else:
                saved = _update(actor, kind, obj, form)
                messages.success(request, _("Changes saved."))
            return redirect("tablero:catalogue_detail", kind=kind.slug, pk=saved.pk)
    context = _context(actor, kind, form=form, obj=obj, owner=owner)
    return render(request, "tablero/catalogue/form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_catalogue)
@once_per_submission
def object_create(request: ActorRequest, kind: str) -> HttpResponse:
    actor = get_actor(request)
    spec = _kind(kind)
    if policies.own_catalogue(actor) is None and not policies.owners_to_choose(actor).exists():
        raise Http404
    return _form_view(request, actor, spec, None)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_catalogue)
def object_edit(request: ActorRequest, kind: str, pk: int) -> HttpResponse:
    actor = get_actor(request)
    spec = _kind(kind)
    obj = policies.get_catalogue_object_for_edit(actor, spec.model, pk)
    return _form_view(request, actor, spec, obj)


@require_POST
@actor_required(policies.can_manage_some_catalogue)
def object_archive(request: ActorRequest, kind: str, pk: int) -> HttpResponse:
    """Archive an object (or bring it back): never deleted, since values and formulas refer to it."""
    actor = get_actor(request)
    spec = _kind(kind)
    obj = policies.get_catalogue_object_for_edit(actor, spec.model, pk)
    form = ArchiveForm(request.POST)
    if form.is_valid():
        archived = form.cleaned_data["archived"]
        with service_errors_on(form):
            services.set_archived(
                actor=actor, instance=obj, expected_version=form.cleaned_data["version"], archived=archived
            )
            messages.success(
                request,
                _("Archived: it no longer appears in lists and choices.")
                if archived
                else _("Brought back from the archive."),
            )
    flash_errors(request, form)
    return redirect("tablero:catalogue_detail", kind=spec.slug, pk=obj.pk)


# --- The formula's live check (htmx) --------------------------------------------------------
@require_GET
@actor_required(policies.can_manage_some_catalogue)
def formula_check(request: ActorRequest) -> HttpResponse:
    """What is wrong with the formula being typed, or the data elements it refers to."""
    actor = get_actor(request)
    field = "denominator" if "denominator" in request.GET else "numerator"
    text = request.GET.get(field, "")[: expressions.MAX_LENGTH + 1]
    problem = expressions.problem(text) if text.strip() else None
    names: list[str] = []
    unknown: list[str] = []
    if text.strip() and problem is None:
        refs = expressions.references(expressions.parse(text))
        keys = sorted({r.element for r in refs})
        found = policies.visible(actor, DataElement).filter(Q(code__in=keys) | Q(uid__in=keys))
        by_key: dict[str, str] = {}
        for element in found.order_by("name"):
            by_key.setdefault(element.code, element.name)
            by_key[element.uid] = element.name
        names = sorted({by_key[k] for k in keys if k in by_key})
        unknown = [k for k in keys if k not in by_key]
    context = {"problem": problem, "names": names, "unknown": unknown, "empty": not text.strip()}
    return render(request, "tablero/catalogue/_formula_check.html", context)


urlpatterns: list[URLPattern] = [
    path("catalogo/", catalogue, name="catalogue"),
    path("catalogo/formula/", formula_check, name="catalogue_formula_check"),
    path("catalogo/<slug:kind>/", object_list, name="catalogue_list"),
    path("catalogo/<slug:kind>/nuevo/", object_create, name="catalogue_create"),
    path("catalogo/<slug:kind>/<int:pk>/", object_detail, name="catalogue_detail"),
    path("catalogo/<slug:kind>/<int:pk>/editar/", object_edit, name="catalogue_edit"),
    path("catalogo/<slug:kind>/<int:pk>/archivar/", object_archive, name="catalogue_archive"),
]

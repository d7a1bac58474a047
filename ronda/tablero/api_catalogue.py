"""The Tablero's JSON API: the indicator catalogue (/api/v1/tablero/…, issue #10 item 11).

Data elements, indicators (with their formula versions), data sets, categories (with options),
disaggregations (category combinations) and their option combinations (read-only). The same
policies and services as the pages: what an actor may not see or change answers 404; a write
carries the ``version`` read (409 if somebody saved since) and is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from ronda.core.api_schemas import LIST_ERRORS, READ_ERRORS, MessageOut
from ronda.core.api_utils import read_filters
from ronda.core.pagination import page_response, paginate
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ApiRequest
from ronda.tablero import policies_catalogue as policies
from ronda.tablero import selectors, services
from ronda.tablero.models import (
    CatalogueObject,
    Category,
    CategoryCombo,
    DataElement,
    DataSet,
    Indicator,
)
from ronda.tablero.schemas_catalogue import (
    CatalogueFilters,
    CatalogueIn,
    CataloguePatch,
    CategoryComboCursorPage,
    CategoryComboIn,
    CategoryComboOut,
    CategoryComboPage,
    CategoryComboPatch,
    CategoryCursorPage,
    CategoryIn,
    CategoryOut,
    CategoryPage,
    CategoryPatch,
    DataElementCursorPage,
    DataElementIn,
    DataElementOut,
    DataElementPage,
    DataElementPatch,
    DataSetCursorPage,
    DataSetFilters,
    DataSetIn,
    DataSetOut,
    DataSetPage,
    DataSetPatch,
    FormulaIn,
    GoalAreaFilters,
    IndicatorCursorPage,
    IndicatorIn,
    IndicatorOut,
    IndicatorPage,
    IndicatorPatch,
    OptionComboCursorPage,
    OptionComboFilters,
    OptionComboOut,
    OptionComboPage,
    OptionOut,
    OptionPatch,
)
from ronda.territory.models import OrgUnit

router = Router(tags=["tablero"])

C = TypeVar("C", bound=CatalogueObject)
WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: MessageOut}
ORDER = ("name", "id")
COMMON = ("code", "name", "short_name", "description")
PREFETCH: dict[type[CatalogueObject], tuple[str, ...]] = {
    DataElement: ("category_combo",),
    Indicator: ("formulas",),
    DataSet: ("data_elements",),
    Category: ("options",),
    CategoryCombo: ("option_combos",),
}


# --- Helpers --------------------------------------------------------------------------------
def _rows(actor: Actor, model: type[C], filters: CatalogueFilters) -> QuerySet[C]:
    if not policies.can_view_catalogue(actor):
        raise Http404
    rows = policies.visible(actor, model).select_related("owner").prefetch_related(*PREFETCH.get(model, ()))
    rows = rows.filter(policies.owner_filter(filters.scope))
    if filters.owner_id is not None:
        rows = rows.filter(owner_id=filters.owner_id)
    if not filters.include_archived:
        rows = rows.filter(is_archived=False)
    if filters.q:
        rows = rows.filter(
            Q(name__icontains=filters.q) | Q(code__icontains=filters.q) | Q(short_name__icontains=filters.q)
        )
    goal_area = getattr(filters, "goal_area", None)
    if goal_area:
        rows = rows.filter(goal_area=goal_area)
    return rows


def _detail(actor: Actor, model: type[C], pk: int) -> C:
    obj = policies.get_catalogue_object(actor, model, pk)
    return _fresh(obj)


def _fresh(obj: C) -> C:
    """The object as the lists show it (its related rows prefetched)."""
    rows = type(obj)._default_manager.select_related("owner").prefetch_related(*PREFETCH.get(type(obj), ()))
    return rows.filter(pk=obj.pk)[0]


def _owner(actor: Actor, owner_id: int | None) -> OrgUnit:
    if not policies.can_manage_some_catalogue(actor):
        raise Http404
    if owner_id is not None:
        return policies.get_owner_for_create(actor, owner_id)
    own = policies.own_catalogue(actor)
    if own is None:
        raise ValidationError({"owner_id": _("Say which catalogue the object belongs to.")})
    return own


def _chosen(actor: Actor, model: type[C], owner: OrgUnit, ids: Sequence[int], field: str) -> list[C]:
    """The objects named by ``ids``, in that order, among those ``owner`` may use (422 on ``field``)."""
    choices = policies.usable(actor, model, owner)
    found = {o.pk: o for o in choices.filter(pk__in=list(ids))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {field: _("Not found or not usable here: %(ids)s.") % {"ids": ", ".join(str(i) for i in missing)}}
        )
    return [found[i] for i in ids]


def _common(payload: CatalogueIn) -> dict[str, str]:
    return {name: getattr(payload, name) for name in COMMON}


def _changes(payload: CataloguePatch, names: Sequence[str], nullable: Sequence[str] = ()) -> dict[str, Any]:
    given = payload.model_fields_set
    fields: dict[str, Any] = {}
    for name in names:
        if name in given:
            value = getattr(payload, name)
            if value is None and name not in nullable:
                raise ValidationError({name: _("This field cannot be null.")})
            fields[name] = value
    return fields


def _archive(actor: Actor, obj: C, payload: CataloguePatch) -> C:
    if "is_archived" in payload.model_fields_set and payload.is_archived is not None:
        obj = services.set_archived(
            actor=actor, instance=obj, expected_version=obj.version, archived=payload.is_archived
        )
    return obj


def _formula(payload: FormulaIn) -> services.FormulaInput:
    return services.FormulaInput(
        numerator=payload.numerator,
        denominator=payload.denominator,
        factor=payload.factor,
        valid_from=payload.valid_from,
        numerator_description=payload.numerator_description,
        denominator_description=payload.denominator_description,
    )


# --- Data elements --------------------------------------------------------------------------
@router.get(
    "/data-elements",
    response={200: page_response(DataElementPage, DataElementCursorPage), **LIST_ERRORS},
    summary="Data elements of the catalogues you can read (national and municipal), by name",
    description="Archived elements are left out unless include_archived=true.",
)
def list_data_elements(request: ApiRequest, filters: Query[GoalAreaFilters]) -> Any:
    read_filters(request, filters)
    rows = _rows(request.actor, DataElement, filters)
    return paginate(request, rows, filters, order=ORDER, scope="tablero.data_elements").response()


@router.get(
    "/data-elements/{int:element_id}", response={200: DataElementOut, **READ_ERRORS}, summary="One data element"
)
def get_data_element(request: ApiRequest, element_id: int) -> Any:
    return _detail(request.actor, DataElement, element_id)


@router.post(
    "/data-elements",
    response={201: DataElementOut, **WRITE_ERRORS},
    summary="Create a data element in your catalogue",
    description="A secretariat creates in its country's national catalogue, a coordinator in its municipality's "
    "additions (a code the national catalogue uses is refused).",
)
def create_data_element(request: ApiRequest, payload: DataElementIn) -> Any:
    actor = request.actor
    owner = _owner(actor, payload.owner_id)
    combo = None
    if payload.category_combo_id is not None:
        [combo] = _chosen(actor, CategoryCombo, owner, [payload.category_combo_id], "category_combo_id")
    element = services.create_data_element(
        actor=actor,
        owner=owner,
        value_type=payload.value_type,
        aggregation_type=payload.aggregation_type,
        category_combo=combo,
        goal_area=payload.goal_area,
        zero_is_significant=payload.zero_is_significant,
        from_personal_records=payload.from_personal_records,
        minimum=payload.minimum,
        maximum=payload.maximum,
        **_common(payload),
    )
    return Status(201, _fresh(element))


@router.patch(
    "/data-elements/{int:element_id}",
    response={200: DataElementOut, **WRITE_ERRORS},
    summary="Edit or archive a data element (send the version you read; 409 if it changed)",
)
def update_data_element(request: ApiRequest, element_id: int, payload: DataElementPatch) -> Any:
    actor = request.actor
    element = policies.get_data_element_for_edit(actor, element_id)
    fields = _changes(
        payload,
        (
            *COMMON,
            "value_type",
            "aggregation_type",
            "zero_is_significant",
            "goal_area",
            "from_personal_records",
            "minimum",
            "maximum",
        ),
        nullable=("minimum", "maximum"),
    )
    if "category_combo_id" in payload.model_fields_set:
        if payload.category_combo_id is None:
            fields["category_combo"] = services.default_combo()
        else:
            assert element.owner is not None
            [fields["category_combo"]] = _chosen(
                actor, CategoryCombo, element.owner, [payload.category_combo_id], "category_combo_id"
            )
    with transaction.atomic():
        updated = services.update_data_element(actor=actor, element=element, expected_version=payload.version, **fields)
        updated = _archive(actor, updated, payload)
    return _fresh(updated)


# --- Indicators -----------------------------------------------------------------------------
@router.get(
    "/indicators",
    response={200: page_response(IndicatorPage, IndicatorCursorPage), **LIST_ERRORS},
    summary="Indicators of the catalogues you can read, with every version of their formula",
)
def list_indicators(request: ApiRequest, filters: Query[GoalAreaFilters]) -> Any:
    read_filters(request, filters)
    rows = _rows(request.actor, Indicator, filters)
    return paginate(request, rows, filters, order=ORDER, scope="tablero.indicators").response()


@router.get(
    "/indicators/{int:indicator_id}",
    response={200: IndicatorOut, **READ_ERRORS},
    summary="One indicator, with its formula versions (the one in force now first)",
)
def get_indicator(request: ApiRequest, indicator_id: int) -> Any:
    return _detail(request.actor, Indicator, indicator_id)


@router.post(
    "/indicators",
    response={201: IndicatorOut, **WRITE_ERRORS},
    summary="Create an indicator with its first formula",
    description="The formula is checked: a problem answers 422 on formula.numerator or formula.denominator, "
    "with the reason in the request's language.",
)
def create_indicator(request: ApiRequest, payload: IndicatorIn) -> Any:
    actor = request.actor
    owner = _owner(actor, payload.owner_id)
    formula = _formula(payload.formula)
    try:
        indicator = services.create_indicator(
            actor=actor,
            owner=owner,
            numerator=formula.numerator,
            denominator=formula.denominator,
            factor=formula.factor,
            valid_from=formula.valid_from,
            numerator_description=formula.numerator_description,
            denominator_description=formula.denominator_description,
            direction=payload.direction,
            unit=payload.unit,
            decimals=payload.decimals,
            goal_area=payload.goal_area,
            **_common(payload),
        )
    except ValidationError as exc:
        raise _in_formula(exc) from exc
    return Status(201, _fresh(indicator))


FORMULA_FIELDS = frozenset({"numerator", "denominator", "factor", "valid_from"})


def _in_formula(exc: ValidationError) -> ValidationError:
    """The service names formula fields bare; the API's body has them under ``formula``."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({(f"formula.{k}" if k in FORMULA_FIELDS else k): v for k, v in exc.message_dict.items()})


@router.patch(
    "/indicators/{int:indicator_id}",
    response={200: IndicatorOut, **WRITE_ERRORS},
    summary="Edit an indicator; a different formula adds a version in force from formula.valid_from",
    description="The versions before stay, so the periods computed with them keep their values.",
)
def update_indicator(request: ApiRequest, indicator_id: int, payload: IndicatorPatch) -> Any:
    actor = request.actor
    indicator = policies.get_indicator_for_edit(actor, indicator_id)
    fields = _changes(payload, (*COMMON, "direction", "unit", "decimals", "goal_area"))
    formula = _formula(payload.formula) if payload.formula is not None else None
    try:
        with transaction.atomic():
            updated = services.update_indicator(
                actor=actor, indicator=indicator, expected_version=payload.version, formula=formula, **fields
            )
            updated = _archive(actor, updated, payload)
    except ValidationError as exc:
        raise _in_formula(exc) from exc
    return _fresh(updated)


# --- Data sets ------------------------------------------------------------------------------
@router.get(
    "/data-sets",
    response={200: page_response(DataSetPage, DataSetCursorPage), **LIST_ERRORS},
    summary="Data sets of the catalogues you can read",
)
def list_data_sets(request: ApiRequest, filters: Query[DataSetFilters]) -> Any:
    read_filters(request, filters)
    rows = _rows(request.actor, DataSet, filters)
    if filters.period_type:
        rows = rows.filter(period_type=filters.period_type)
    return paginate(request, rows, filters, order=ORDER, scope="tablero.data_sets").response()


@router.get("/data-sets/{int:data_set_id}", response={200: DataSetOut, **READ_ERRORS}, summary="One data set")
def get_data_set(request: ApiRequest, data_set_id: int) -> Any:
    return _detail(request.actor, DataSet, data_set_id)


@router.post("/data-sets", response={201: DataSetOut, **WRITE_ERRORS}, summary="Create a data set")
def create_data_set(request: ApiRequest, payload: DataSetIn) -> Any:
    actor = request.actor
    owner = _owner(actor, payload.owner_id)
    elements = _chosen(actor, DataElement, owner, payload.data_element_ids, "data_element_ids")
    data_set = services.create_data_set(
        actor=actor,
        owner=owner,
        period_type=payload.period_type,
        level=payload.level,
        owner_area_kind=payload.owner_area_kind,
        due_days=payload.due_days,
        data_elements=elements,
        **_common(payload),
    )
    return Status(201, _fresh(data_set))


@router.patch(
    "/data-sets/{int:data_set_id}",
    response={200: DataSetOut, **WRITE_ERRORS},
    summary="Edit or archive a data set (send the version you read)",
)
def update_data_set(request: ApiRequest, data_set_id: int, payload: DataSetPatch) -> Any:
    actor = request.actor
    data_set = policies.get_data_set_for_edit(actor, data_set_id)
    fields = _changes(payload, (*COMMON, "period_type", "level", "owner_area_kind", "due_days"))
    if "data_element_ids" in payload.model_fields_set:
        if payload.data_element_ids is None:
            raise ValidationError({"data_element_ids": _("This field cannot be null.")})
        assert data_set.owner is not None
        fields["data_elements"] = _chosen(
            actor, DataElement, data_set.owner, payload.data_element_ids, "data_element_ids"
        )
    with transaction.atomic():
        updated = services.update_data_set(actor=actor, data_set=data_set, expected_version=payload.version, **fields)
        updated = _archive(actor, updated, payload)
    return _fresh(updated)


# --- Categories -----------------------------------------------------------------------------
@router.get(
    "/categories",
    response={200: page_response(CategoryPage, CategoryCursorPage), **LIST_ERRORS},
    summary="Categories (sex, age band …) with their options in order",
)
def list_categories(request: ApiRequest, filters: Query[CatalogueFilters]) -> Any:
    read_filters(request, filters)
    rows = _rows(request.actor, Category, filters)
    return paginate(request, rows, filters, order=ORDER, scope="tablero.categories").response()


@router.get("/categories/{int:category_id}", response={200: CategoryOut, **READ_ERRORS}, summary="One category")
def get_category(request: ApiRequest, category_id: int) -> Any:
    return _detail(request.actor, Category, category_id)


@router.post("/categories", response={201: CategoryOut, **WRITE_ERRORS}, summary="Create a category with its options")
def create_category(request: ApiRequest, payload: CategoryIn) -> Any:
    actor = request.actor
    owner = _owner(actor, payload.owner_id)
    category = services.create_category(
        actor=actor, owner=owner, options=[(o.code, o.name) for o in payload.options], **_common(payload)
    )
    return Status(201, _fresh(category))


@router.patch(
    "/categories/{int:category_id}",
    response={200: CategoryOut, **WRITE_ERRORS},
    summary="Edit or archive a category (its options: PATCH …/options/{id})",
)
def update_category(request: ApiRequest, category_id: int, payload: CategoryPatch) -> Any:
    actor = request.actor
    category = policies.get_category_for_edit(actor, category_id)
    fields = _changes(payload, COMMON)
    with transaction.atomic():
        updated = services.update_category(actor=actor, category=category, expected_version=payload.version, **fields)
        updated = _archive(actor, updated, payload)
    return _fresh(updated)


@router.patch(
    "/categories/{int:category_id}/options/{int:option_id}",
    response={200: OptionOut, **WRITE_ERRORS},
    summary="Rename or reorder an option (its code stays)",
)
def update_category_option(request: ApiRequest, category_id: int, option_id: int, payload: OptionPatch) -> Any:
    actor = request.actor
    category = policies.get_category_for_edit(actor, category_id)
    option = policies.get_category_option_for_edit(actor, category, option_id)
    given = payload.model_fields_set
    fields: dict[str, Any] = {}
    if "name" in given:
        if payload.name is None:
            raise ValidationError({"name": _("This field cannot be null.")})
        fields["name"] = payload.name
    if "sort_order" in given:
        if payload.sort_order is None:
            raise ValidationError({"sort_order": _("This field cannot be null.")})
        fields["sort_order"] = payload.sort_order
    return services.update_category_option(actor=actor, option=option, expected_version=payload.version, **fields)


# --- Category combinations (disaggregations) and their option combinations -------------------
@router.get(
    "/category-combos",
    response={200: page_response(CategoryComboPage, CategoryComboCursorPage), **LIST_ERRORS},
    summary="Disaggregations (category combinations) with their option combinations",
    description="DHIS2's default combination (uid bjDvmb4bfuf) is listed too.",
)
def list_category_combos(request: ApiRequest, filters: Query[CatalogueFilters]) -> Any:
    read_filters(request, filters)
    rows = _rows(request.actor, CategoryCombo, filters)
    return paginate(
        request, rows, filters, order=ORDER, scope="tablero.category_combos", fetch=_with_category_order
    ).response()


def _with_category_order(rows: QuerySet[CategoryCombo]) -> list[CategoryCombo]:
    """The page's combinations, each with its categories' ids in order, read in one query."""
    combos = list(rows)
    order = selectors.category_ids_in_order(combos)
    for combo in combos:
        combo.category_ids_in_order = order[combo.pk]  # type: ignore[attr-defined]
    return combos


@router.get(
    "/category-combos/{int:combo_id}", response={200: CategoryComboOut, **READ_ERRORS}, summary="One disaggregation"
)
def get_category_combo(request: ApiRequest, combo_id: int) -> Any:
    return _detail(request.actor, CategoryCombo, combo_id)


@router.post(
    "/category-combos",
    response={201: CategoryComboOut, **WRITE_ERRORS},
    summary="Create a disaggregation from categories (its option combinations are made)",
)
def create_category_combo(request: ApiRequest, payload: CategoryComboIn) -> Any:
    actor = request.actor
    owner = _owner(actor, payload.owner_id)
    categories = _chosen(actor, Category, owner, payload.category_ids, "category_ids")
    combo = services.create_category_combo(actor=actor, owner=owner, categories=categories, **_common(payload))
    return Status(201, _fresh(combo))


@router.patch(
    "/category-combos/{int:combo_id}",
    response={200: CategoryComboOut, **WRITE_ERRORS},
    summary="Edit or archive a disaggregation; its categories change only while no data element uses it",
)
def update_category_combo(request: ApiRequest, combo_id: int, payload: CategoryComboPatch) -> Any:
    actor = request.actor
    combo = policies.get_category_combo_for_edit(actor, combo_id)
    fields = _changes(payload, COMMON)
    if "category_ids" in payload.model_fields_set:
        if payload.category_ids is None:
            raise ValidationError({"category_ids": _("This field cannot be null.")})
        assert combo.owner is not None
        fields["categories"] = _chosen(actor, Category, combo.owner, payload.category_ids, "category_ids")
    with transaction.atomic():
        updated = services.update_category_combo(actor=actor, combo=combo, expected_version=payload.version, **fields)
        updated = _archive(actor, updated, payload)
    return _fresh(updated)


@router.get(
    "/option-combos",
    response={200: page_response(OptionComboPage, OptionComboCursorPage), **LIST_ERRORS},
    summary="Option combinations (read-only: made from their disaggregation's categories)",
)
def list_option_combos(request: ApiRequest, filters: Query[OptionComboFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    if not policies.can_view_catalogue(actor):
        raise Http404
    rows = policies.visible_option_combos(actor).select_related("combo").prefetch_related("options")
    if filters.category_combo_id is not None:
        rows = rows.filter(combo_id=filters.category_combo_id)
    return paginate(request, rows, filters, order=("id",), scope="tablero.option_combos").response()


@router.get(
    "/option-combos/{int:option_combo_id}",
    response={200: OptionComboOut, **READ_ERRORS},
    summary="One option combination",
)
def get_option_combo(request: ApiRequest, option_combo_id: int) -> Any:
    return policies.get_option_combo(request.actor, option_combo_id)

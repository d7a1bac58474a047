"""The Tablero's catalogue: categories, options and combinations, data elements, indicators and
their formula versions, data sets and targets. Every write audited in its transaction."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ronda.core import audit, formatting
from ronda.core.errors import Errors, check_length
from ronda.core.models import AuditAction
from ronda.core.services import VersionedUpdate, check_editable, versioned_update
from ronda.core.tenancy import Acting, is_person
from ronda.planning.choices import GoalArea
from ronda.tablero import aggregation, policies
from ronda.tablero import periods as iso_periods
from ronda.tablero.computed import Computed
from ronda.tablero.models import (
    DEFAULT_COMBO_UID,
    DEFAULT_OPTION_COMBO_UID,
    AggregationType,
    CatalogueObject,
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    DataValue,
    Direction,
    Indicator,
    IndicatorFormula,
    Target,
    ValueType,
)
from ronda.tablero.periods import PeriodType
from ronda.tablero.services.values import VALUE_LIMIT
from ronda.territory.models import PATH_SEGMENT_WIDTH, AreaKind, Level, OrgUnit

if TYPE_CHECKING:
    from typing_extensions import Unpack

DEFAULT_CODE = "default"
NAME_LIMIT = 230
DESCRIPTION_LIMIT = 2_000
CODE_LIMIT = 50
SHORT_NAME_LIMIT = 50
UNIT_LIMIT = 80
MAX_SORT_ORDER = 32_767
MAX_DECIMALS = 6
MAX_DUE_DAYS = 365
# IndicatorFormula.factor has 12 digits, 2 of them decimals.
FACTOR_LIMIT = Decimal("1e10")
# Edits of these write rows beside the object's own (many-to-many), not columns.
RELATED_FIELDS = frozenset({"categories", "data_elements"})

C = TypeVar("C", bound=CatalogueObject)


def _require_catalogue_manager(actor: Acting, owner: OrgUnit | None) -> None:
    if is_person(actor) and (owner is None or not policies.can_manage_catalogue(actor, owner)):
        raise PermissionDenied


def national_owner(owner: OrgUnit) -> OrgUnit | None:
    """The country whose national catalogue a municipal addition sits beside (None for a country)."""
    if owner.level == Level.COUNTRY:
        return None
    return OrgUnit.objects.filter(path=owner.path[: PATH_SEGMENT_WIDTH + 1]).first()


def usable_owners(owner: OrgUnit) -> list[OrgUnit]:
    """Whose catalogue objects an object of ``owner`` may use: its own, and the national ones."""
    country = national_owner(owner)
    return [owner] if country is None else [owner, country]


def _code_errors(
    errors: Errors, model: type[CatalogueObject], owner: OrgUnit, code: str, *, exclude_pk: int | None = None
) -> None:
    """Codes are unique per owner; a municipality's addition cannot reuse (shadow) a national code."""
    code = code.strip()
    if not code:
        errors.add("code", _("Write a code."))
        return
    if len(code) > CODE_LIMIT:
        errors.add("code", _("A code has at most 50 characters."))
        return
    same = model._default_manager.filter(owner=owner, code=code).exclude(pk=exclude_pk)
    if same.exists():
        errors.add("code", _("This code is already in use."))
        return
    country = national_owner(owner)
    if country is not None and model._default_manager.filter(owner=country, code=code).exists():
        errors.add("code", _("The national catalogue already uses this code: choose another one."))


def _catalogue_errors(
    model: type[CatalogueObject], owner: OrgUnit, code: str, name: str, *, exclude_pk: int | None = None
) -> Errors:
    errors = Errors()
    if owner.level not in (Level.COUNTRY, Level.MUNICIPALITY):
        errors.add("owner", _("The catalogue belongs to a country or to a municipality."))
    _code_errors(errors, model, owner, code, exclude_pk=exclude_pk)
    if not name.strip():
        errors.add("name", _("Write a name."))
    check_length(errors, "name", name, NAME_LIMIT)
    return errors


def _texts(errors: Errors, fields: dict[str, Any]) -> None:
    """Strip the texts given and check their lengths."""
    for key, limit in (("short_name", SHORT_NAME_LIMIT), ("description", DESCRIPTION_LIMIT), ("unit", UNIT_LIMIT)):
        if key in fields:
            fields[key] = (fields[key] or "").strip()
            check_length(errors, key, fields[key], limit)
    for key in ("code", "name"):
        if key in fields:
            fields[key] = (fields[key] or "").strip()


def _update_catalogue(
    *,
    actor: Acting,
    instance: C,
    expected_version: int | None,
    fields: dict[str, Any],
    editable: tuple[str, ...],
    check: Callable[[C, dict[str, Any], Errors], None] | None = None,
    state: Callable[[C], dict[str, Any]] | None = None,
    related: Callable[[C], None] | None = None,
) -> C:
    """One edit of a catalogue object: the policy, the lock and version check, the rules (code unique
    per owner and against the national catalogue), then only what changed, audited."""
    check_editable(fields, editable)
    _require_catalogue_manager(actor, instance.owner)
    update = VersionedUpdate(instance, expected_version, state=state)
    row = update.instance
    owner = row.owner
    assert owner is not None  # the default combination is refused by the policy above
    columns = {k: v for k, v in fields.items() if k not in RELATED_FIELDS}
    errors = Errors()
    _texts(errors, columns)
    if "code" in columns and columns["code"] != row.code:
        _code_errors(errors, type(row), owner, columns["code"], exclude_pk=row.pk)
    if "name" in columns:
        if not columns["name"]:
            errors.add("name", _("Write a name."))
        check_length(errors, "name", columns["name"], NAME_LIMIT)
    if check is not None:
        check(row, fields, errors)
    errors.raise_if_any()
    update.apply(columns)
    if related is not None:
        related(update.instance)
    update.save(actor=actor, org_unit=owner)
    return update.instance


@transaction.atomic
def set_archived(*, actor: Acting, instance: C, expected_version: int | None, archived: bool = True) -> C:
    """Archive (or bring back) a catalogue object: it is never deleted once used, only hidden from
    the lists and from new choices; its values and formulas stay."""
    _require_catalogue_manager(actor, instance.owner)
    return versioned_update(
        actor=actor,
        instance=instance,
        expected_version=expected_version,
        changes={"is_archived": archived},
        org_unit=instance.owner,
    )


# --- Categories and combinations ------------------------------------------------------------


@transaction.atomic
def create_category(
    *,
    actor: Acting,
    owner: OrgUnit,
    code: str,
    name: str,
    options: Sequence[tuple[str, str]],
    short_name: str = "",
    description: str = "",
) -> Category:
    """A category with its options, given as (code, name) in order."""
    _require_catalogue_manager(actor, owner)
    errors = _catalogue_errors(Category, owner, code, name)
    texts = {"short_name": short_name, "description": description}
    _texts(errors, texts)
    codes = [c.strip() for c, _n in options]
    if not options:
        errors.add("options", _("A category needs at least one option."))
    elif len(set(codes)) != len(codes) or not all(codes):
        errors.add("options", _("Each option needs its own code."))
    elif not all(n.strip() for _c, n in options):
        errors.add("options", _("Each option needs a name."))
    errors.raise_if_any()
    category = Category.objects.create(owner=owner, code=code.strip(), name=name.strip(), **texts)
    audit.record_create(actor=actor, target=category, org_unit=owner)
    for order, (option_code, option_name) in enumerate(options):
        option = CategoryOption.objects.create(
            owner=owner, category=category, code=option_code.strip(), name=option_name.strip(), sort_order=order
        )
        audit.record_create(actor=actor, target=option, org_unit=owner)
    return category


class CategoryChanges(TypedDict, total=False):
    code: str
    name: str
    short_name: str
    description: str


CATEGORY_EDITABLE = tuple(CategoryChanges.__annotations__)


@transaction.atomic
def update_category(
    *, actor: Acting, category: Category, expected_version: int | None, **fields: Unpack[CategoryChanges]
) -> Category:
    _require_catalogue_manager(actor, category.owner)
    return _update_catalogue(
        actor=actor,
        instance=category,
        expected_version=expected_version,
        fields=dict(fields),
        editable=CATEGORY_EDITABLE,
    )


class CategoryOptionChanges(TypedDict, total=False):
    name: str
    sort_order: int


OPTION_EDITABLE = tuple(CategoryOptionChanges.__annotations__)


def combo_categories(combo: CategoryCombo) -> list[Category]:
    """The combination's categories in the order they were given (the order of the names)."""
    through = CategoryCombo.categories.through
    ids = list(through.objects.filter(categorycombo=combo).order_by("id").values_list("category_id", flat=True))
    by_id = {c.pk: c for c in Category.objects.filter(pk__in=ids)}
    return [by_id[i] for i in ids]


def _rename_option_combos(option: CategoryOption) -> None:
    """An option's new name in the names of the combinations that hold it."""
    for coc in CategoryOptionCombo.objects.filter(options=option).select_related("combo"):
        order = {c.pk: i for i, c in enumerate(combo_categories(coc.combo))}
        chosen = sorted(coc.options.all(), key=lambda o: order.get(o.category_id, 0))
        name = ", ".join(o.name for o in chosen)
        if name != coc.name:
            CategoryOptionCombo.objects.filter(pk=coc.pk).update(name=name)


@transaction.atomic
def update_category_option(
    *, actor: Acting, option: CategoryOption, expected_version: int | None, **fields: Unpack[CategoryOptionChanges]
) -> CategoryOption:
    """An option's name and order (its code stays: values and combinations are keyed by it)."""
    _require_catalogue_manager(actor, option.owner)

    def check(row: CategoryOption, given: dict[str, Any], errors: Errors) -> None:
        order = given.get("sort_order", row.sort_order)
        if order is None or not 0 <= order <= MAX_SORT_ORDER:
            errors.add("sort_order", _("Write an order between 0 and %(max)d.") % {"max": MAX_SORT_ORDER})

    updated = _update_catalogue(
        actor=actor,
        instance=option,
        expected_version=expected_version,
        fields=dict(fields),
        editable=OPTION_EDITABLE,
        check=check,
    )
    if "name" in fields:
        _rename_option_combos(updated)
    return updated


@transaction.atomic
def add_category_option(*, actor: Acting, category: Category, code: str, name: str) -> CategoryOption:
    """One more option, at the end; refused once the category splits a combination (its cells are made)."""
    owner = category.owner
    _require_catalogue_manager(actor, owner)
    assert owner is not None
    errors = Errors()
    code, name = code.strip(), name.strip()
    if not code:
        errors.add("code", _("Write a code."))
    elif len(code) > CODE_LIMIT:
        errors.add("code", _("A code has at most 50 characters."))
    elif category.options.filter(code=code).exists():
        errors.add("code", _("This code is already in use."))
    if not name:
        errors.add("name", _("Write a name."))
    check_length(errors, "name", name, NAME_LIMIT)
    if category.combos.exists():
        errors.add(
            "__all__",
            _("This category already splits a disaggregation: create a new category to add options."),
        )
    errors.raise_if_any()
    last = category.options.order_by("-sort_order").values_list("sort_order", flat=True).first()
    option = CategoryOption.objects.create(
        owner=owner, category=category, code=code, name=name, sort_order=0 if last is None else last + 1
    )
    audit.record_create(actor=actor, target=option, org_unit=owner)
    return option


def _option_combos(combo: CategoryCombo, categories: Sequence[Category]) -> None:
    """One option combination per element of the categories' product, named "Mujeres, 0–5 años"."""
    options = [list(c.options.order_by("sort_order", "id")) for c in categories]
    for order, chosen in enumerate(itertools.product(*options)):
        coc = CategoryOptionCombo.objects.create(
            combo=combo,
            key="-".join(str(o.pk) for o in sorted(chosen, key=lambda o: o.pk)),
            code="_".join(o.code for o in chosen),
            name=", ".join(o.name for o in chosen),
            sort_order=order,
        )
        coc.options.set(chosen)


def _categories_errors(errors: Errors, owner: OrgUnit, categories: Sequence[Category]) -> None:
    if len({c.pk for c in categories}) != len(categories):
        errors.add("categories", _("Each category may appear once."))
    if not categories:
        errors.add("categories", _("Choose at least one category."))
    owners = {o.pk for o in usable_owners(owner)}
    if any(c.owner_id not in owners for c in categories):
        errors.add("categories", _("Choose categories of this catalogue or of the national one."))


@transaction.atomic
def create_category_combo(
    *,
    actor: Acting,
    owner: OrgUnit,
    code: str,
    name: str,
    categories: Sequence[Category],
    short_name: str = "",
    description: str = "",
) -> CategoryCombo:
    _require_catalogue_manager(actor, owner)
    errors = _catalogue_errors(CategoryCombo, owner, code, name)
    texts = {"short_name": short_name, "description": description}
    _texts(errors, texts)
    _categories_errors(errors, owner, categories)
    errors.raise_if_any()
    combo = CategoryCombo.objects.create(owner=owner, code=code.strip(), name=name.strip(), **texts)
    combo.categories.set(categories)
    _option_combos(combo, categories)
    audit.record_create(actor=actor, target=combo, org_unit=owner)
    return combo


class CategoryComboChanges(TypedDict, total=False):
    code: str
    name: str
    short_name: str
    description: str
    categories: Sequence[Category]


COMBO_EDITABLE = tuple(CategoryComboChanges.__annotations__)


def _combo_state(combo: CategoryCombo) -> dict[str, Any]:
    return {"categories": [c.pk for c in combo_categories(combo)]}


@transaction.atomic
def update_category_combo(
    *, actor: Acting, combo: CategoryCombo, expected_version: int | None, **fields: Unpack[CategoryComboChanges]
) -> CategoryCombo:
    """Rename a combination; its categories change only while no data element uses it (the option
    combinations are then made again)."""
    _require_catalogue_manager(actor, combo.owner)
    categories = list(fields["categories"]) if "categories" in fields else None
    changed = False

    def check(row: CategoryCombo, given: dict[str, Any], errors: Errors) -> None:
        nonlocal changed
        if categories is None:
            return
        assert row.owner is not None
        _categories_errors(errors, row.owner, categories)
        changed = [c.pk for c in categories] != _combo_state(row)["categories"]
        if changed and row.data_elements.exists():
            errors.add(
                "categories",
                _(
                    "Data elements already use this disaggregation, so its categories cannot change: "
                    "create a new disaggregation instead."
                ),
            )

    def related(row: CategoryCombo) -> None:
        if categories is not None and changed:
            row.option_combos.all().delete()
            through = CategoryCombo.categories.through
            through.objects.filter(categorycombo=row).delete()
            for category in categories:  # one by one: the order of the rows is the order of the names
                row.categories.add(category)
            _option_combos(row, categories)

    return _update_catalogue(
        actor=actor,
        instance=combo,
        expected_version=expected_version,
        fields=dict(fields),
        editable=COMBO_EDITABLE,
        check=check,
        state=_combo_state,
        related=related,
    )


def default_combo() -> CategoryCombo:
    """The one combination without categories (one option combination, "default"), with DHIS2's
    fixed uids; created on first use."""
    combo = CategoryCombo.objects.filter(is_default=True).first()
    if combo is not None:
        return combo
    combo = CategoryCombo.objects.create(
        owner=None, uid=DEFAULT_COMBO_UID, code=DEFAULT_CODE, name=_("default"), is_default=True
    )
    CategoryOptionCombo.objects.create(
        combo=combo, uid=DEFAULT_OPTION_COMBO_UID, key="", code=DEFAULT_CODE, name=_("default")
    )
    return combo


# --- Data elements, indicators, data sets -----------------------------------------------------


def _element_errors(errors: Errors, owner: OrgUnit, values: dict[str, Any]) -> None:
    if values.get("value_type") not in ValueType.values:
        errors.add("value_type", _("Choose a value type."))
    if values.get("aggregation_type") not in AggregationType.values:
        errors.add("aggregation_type", _("Choose how values are aggregated."))
    if values.get("goal_area") and values["goal_area"] not in GoalArea.values:
        errors.add("goal_area", _("Choose a goal area."))
    combo = values.get("category_combo")
    if combo is not None and not combo.is_default and combo.owner_id not in {o.pk for o in usable_owners(owner)}:
        errors.add("category_combo", _("Choose a disaggregation of this catalogue or of the national one."))
    minimum, maximum = values.get("minimum"), values.get("maximum")
    for key, bound in (("minimum", minimum), ("maximum", maximum)):
        if bound is not None and abs(bound) >= VALUE_LIMIT:
            errors.add(key, _("The number is too large."))
    if minimum is not None and maximum is not None and minimum > maximum:
        errors.add("maximum", _("The highest valid value cannot be lower than the lowest."))


@transaction.atomic
def create_data_element(
    *,
    actor: Acting,
    owner: OrgUnit,
    code: str,
    name: str,
    value_type: str,
    aggregation_type: str,
    category_combo: CategoryCombo | None = None,
    short_name: str = "",
    description: str = "",
    goal_area: str = "",
    zero_is_significant: bool = False,
    from_personal_records: bool = False,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
) -> DataElement:
    _require_catalogue_manager(actor, owner)
    errors = _catalogue_errors(DataElement, owner, code, name)
    texts = {"short_name": short_name, "description": description}
    _texts(errors, texts)
    _element_errors(
        errors,
        owner,
        {
            "value_type": value_type,
            "aggregation_type": aggregation_type,
            "goal_area": goal_area,
            "category_combo": category_combo,
            "minimum": minimum,
            "maximum": maximum,
        },
    )
    errors.raise_if_any()
    element = DataElement.objects.create(
        owner=owner,
        code=code.strip(),
        name=name.strip(),
        value_type=value_type,
        aggregation_type=aggregation_type,
        category_combo=category_combo or default_combo(),
        goal_area=goal_area,
        zero_is_significant=zero_is_significant,
        from_personal_records=from_personal_records,
        minimum=minimum,
        maximum=maximum,
        **texts,
    )
    element.full_clean(exclude=["owner", "category_combo", "uid"])
    audit.record_create(actor=actor, target=element, org_unit=owner)
    return element


class DataElementChanges(TypedDict, total=False):
    code: str
    name: str
    short_name: str
    description: str
    value_type: str
    aggregation_type: str
    zero_is_significant: bool
    category_combo: CategoryCombo
    goal_area: str
    from_personal_records: bool
    minimum: Decimal | None
    maximum: Decimal | None


DATA_ELEMENT_EDITABLE = tuple(DataElementChanges.__annotations__)


@transaction.atomic
def update_data_element(
    *, actor: Acting, element: DataElement, expected_version: int | None, **fields: Unpack[DataElementChanges]
) -> DataElement:
    """Edit an element. Its disaggregation cannot change once it has values (they are stored by
    option combination)."""
    _require_catalogue_manager(actor, element.owner)

    def check(row: DataElement, given: dict[str, Any], errors: Errors) -> None:
        assert row.owner is not None
        values = {name: given.get(name, getattr(row, name)) for name in DATA_ELEMENT_EDITABLE}
        if "category_combo" not in given:
            values["category_combo"] = None  # unchanged: not checked again
        _element_errors(errors, row.owner, values)
        combo = given.get("category_combo")
        if (
            combo is not None
            and combo.pk != row.category_combo_id
            and DataValue.objects.filter(data_element=row).exists()
        ):
            errors.add("category_combo", _("This data element has values: its disaggregation cannot change."))

    return _update_catalogue(
        actor=actor,
        instance=element,
        expected_version=expected_version,
        fields=dict(fields),
        editable=DATA_ELEMENT_EDITABLE,
        check=check,
    )


@dataclass(frozen=True)
class FormulaInput:
    """A version of an indicator's formula, in force from ``valid_from``."""

    numerator: str
    denominator: str = "1"
    factor: Decimal = Decimal(1)
    valid_from: dt.date | None = None
    numerator_description: str = ""
    denominator_description: str = ""


def _formula_errors(errors: Errors, formula: FormulaInput) -> None:
    from ronda.tablero import expressions

    for name_, text in (("numerator", formula.numerator), ("denominator", formula.denominator or "1")):
        problem = expressions.problem(text)
        if problem:
            errors.add(name_, problem)
    if formula.factor <= 0:
        errors.add("factor", _("The factor must be greater than zero."))
    elif formula.factor >= FACTOR_LIMIT:
        errors.add("factor", _("The number is too large."))
    for name_, text in (
        ("numerator_description", formula.numerator_description),
        ("denominator_description", formula.denominator_description),
    ):
        check_length(errors, name_, text, NAME_LIMIT)


def _indicator_errors(errors: Errors, values: dict[str, Any]) -> None:
    if "direction" in values and values["direction"] not in Direction.values:
        errors.add("direction", _("Choose a direction of improvement."))
    if values.get("goal_area") and values["goal_area"] not in GoalArea.values:
        errors.add("goal_area", _("Choose a goal area."))
    decimals = values.get("decimals")
    if decimals is not None and not 0 <= decimals <= MAX_DECIMALS:
        errors.add("decimals", _("Write a number of decimals between 0 and %(max)d.") % {"max": MAX_DECIMALS})


def _add_formula(actor: Acting, indicator: Indicator, formula: FormulaInput, valid_from: dt.date) -> IndicatorFormula:
    version = IndicatorFormula.objects.create(
        indicator=indicator,
        numerator=formula.numerator.strip(),
        denominator=(formula.denominator or "").strip() or "1",
        factor=formula.factor,
        numerator_description=formula.numerator_description.strip(),
        denominator_description=formula.denominator_description.strip(),
        valid_from=valid_from,
        author=actor.user if is_person(actor) else None,
    )
    audit.record_create(actor=actor, target=version, org_unit=indicator.owner)
    return version


@transaction.atomic
def create_computed_indicator(*, actor: Acting, owner: OrgUnit, provider: Computed) -> Indicator:
    """The catalogue's entry for an indicator a domain computes (``tablero.computed``): no formula —
    its values come from the provider — but a code, a name and a unit like any other."""
    _require_catalogue_manager(actor, owner)
    code = provider.code
    errors = Errors()
    if Indicator.objects.filter(owner=owner, code=code).exists():
        errors.add("code", _("This code is already in use."))
    errors.raise_if_any()
    indicator = Indicator.objects.create(
        owner=owner,
        code=code,
        name=str(provider.name)[:NAME_LIMIT],
        description=str(provider.description),
        direction=provider.direction,
        unit=str(provider.unit),
        decimals=provider.decimals,
        goal_area=provider.goal_area,
        computed_by=code,
    )
    # A formula row all the same, so that a value always names the version it came from; "0" is
    # never evaluated (analytics asks the provider).
    IndicatorFormula.objects.create(
        indicator=indicator,
        numerator="0",
        numerator_description=_("Computed by Ronda from the module's records"),
        valid_from=dt.date(iso_periods.MIN_YEAR, 1, 1),
    )
    audit.record_create(actor=actor, target=indicator, org_unit=owner)
    return indicator


@transaction.atomic
def create_indicator(
    *,
    actor: Acting,
    owner: OrgUnit,
    code: str,
    name: str,
    numerator: str,
    denominator: str = "1",
    factor: Decimal = Decimal(1),
    direction: str,
    unit: str = "",
    decimals: int = 1,
    goal_area: str = "",
    valid_from: dt.date | None = None,
    short_name: str = "",
    description: str = "",
    numerator_description: str = "",
    denominator_description: str = "",
) -> Indicator:
    _require_catalogue_manager(actor, owner)
    errors = _catalogue_errors(Indicator, owner, code, name)
    texts = {"short_name": short_name, "description": description, "unit": unit}
    _texts(errors, texts)
    formula = FormulaInput(
        numerator=numerator,
        denominator=denominator,
        factor=factor,
        numerator_description=numerator_description,
        denominator_description=denominator_description,
    )
    _formula_errors(errors, formula)
    _indicator_errors(errors, {"direction": direction, "goal_area": goal_area, "decimals": decimals})
    errors.raise_if_any()
    indicator = Indicator.objects.create(
        owner=owner,
        code=code.strip(),
        name=name.strip(),
        direction=direction,
        decimals=decimals,
        goal_area=goal_area,
        **texts,
    )
    _add_formula(actor, indicator, formula, valid_from or dt.date(iso_periods.MIN_YEAR, 1, 1))
    audit.record_create(actor=actor, target=indicator, org_unit=owner)
    return indicator


class IndicatorChanges(TypedDict, total=False):
    code: str
    name: str
    short_name: str
    description: str
    unit: str
    decimals: int
    direction: str
    goal_area: str


INDICATOR_EDITABLE = tuple(IndicatorChanges.__annotations__)


def current_formula(indicator: Indicator) -> IndicatorFormula | None:
    """The latest version (the one in force for the periods after its start)."""
    return indicator.formulas.order_by("-valid_from", "-id").first()


def _same_formula(version: IndicatorFormula | None, formula: FormulaInput) -> bool:
    return version is not None and (
        version.numerator,
        version.denominator,
        version.factor,
        version.numerator_description,
        version.denominator_description,
    ) == (
        formula.numerator.strip(),
        (formula.denominator or "").strip() or "1",
        formula.factor,
        formula.numerator_description.strip(),
        formula.denominator_description.strip(),
    )


def _formula_state(indicator: Indicator) -> dict[str, Any]:
    version = current_formula(indicator)
    return {"formula": str(version) if version else "", "formula_from": str(version.valid_from) if version else ""}


@transaction.atomic
def update_indicator(
    *,
    actor: Acting,
    indicator: Indicator,
    expected_version: int | None,
    formula: FormulaInput | None = None,
    **fields: Unpack[IndicatorChanges],
) -> Indicator:
    """Edit an indicator. A changed formula is a new version in force from ``formula.valid_from``
    (after the current one's start): earlier periods keep the formula they were computed with."""
    _require_catalogue_manager(actor, indicator.owner)

    def check(row: Indicator, given: dict[str, Any], errors: Errors) -> None:
        _indicator_errors(errors, given)
        if formula is None:
            return
        _formula_errors(errors, formula)
        latest = current_formula(row)
        if _same_formula(latest, formula):
            return
        if formula.valid_from is None:
            errors.add("valid_from", _("Say from which date the new formula is in force."))
        elif latest is not None and formula.valid_from <= latest.valid_from:
            errors.add(
                "valid_from",
                _("The new formula must be in force after %(date)s, when the current one started.")
                % {"date": formatting.date(latest.valid_from, "SHORT_DATE_FORMAT")},
            )

    def related(row: Indicator) -> None:
        if formula is not None and not _same_formula(current_formula(row), formula):
            assert formula.valid_from is not None
            _add_formula(actor, row, formula, formula.valid_from)

    return _update_catalogue(
        actor=actor,
        instance=indicator,
        expected_version=expected_version,
        fields=dict(fields),
        editable=INDICATOR_EDITABLE,
        check=check,
        state=_formula_state,
        related=related,
    )


def _data_set_errors(errors: Errors, owner: OrgUnit, values: dict[str, Any]) -> None:
    if "period_type" in values and values["period_type"] not in PeriodType.values:
        errors.add("period_type", _("Choose a period type."))
    if "level" in values and values["level"] not in Level.values:
        errors.add("level", _("Choose an org-unit level."))
    if values.get("owner_area_kind") and values["owner_area_kind"] not in AreaKind.values:
        errors.add("owner_area_kind", _("Choose a kind of area."))
    due = values.get("due_days")
    if due is not None and not 0 <= due <= MAX_DUE_DAYS:
        errors.add("due_days", _("Write a number of days between 0 and %(max)d.") % {"max": MAX_DUE_DAYS})
    if "data_elements" in values:
        elements = values["data_elements"]
        if not elements:
            errors.add("data_elements", _("A data set needs at least one data element."))
        owners = {o.pk for o in usable_owners(owner)}
        if any(e.owner_id not in owners for e in elements):
            errors.add("data_elements", _("Choose data elements of this catalogue or of the national one."))


@transaction.atomic
def create_data_set(
    *,
    actor: Acting,
    owner: OrgUnit,
    code: str,
    name: str,
    period_type: str,
    level: int,
    data_elements: Sequence[DataElement],
    owner_area_kind: str = "",
    due_days: int = 15,
    short_name: str = "",
    description: str = "",
) -> DataSet:
    _require_catalogue_manager(actor, owner)
    errors = _catalogue_errors(DataSet, owner, code, name)
    texts = {"short_name": short_name, "description": description}
    _texts(errors, texts)
    _data_set_errors(
        errors,
        owner,
        {
            "period_type": period_type,
            "level": level,
            "owner_area_kind": owner_area_kind,
            "due_days": due_days,
            "data_elements": data_elements,
        },
    )
    errors.raise_if_any()
    data_set = DataSet.objects.create(
        owner=owner,
        code=code.strip(),
        name=name.strip(),
        period_type=period_type,
        level=level,
        owner_area_kind=owner_area_kind,
        due_days=due_days,
        **texts,
    )
    data_set.data_elements.set(data_elements)
    audit.record_create(actor=actor, target=data_set, org_unit=owner)
    return data_set


class DataSetChanges(TypedDict, total=False):
    code: str
    name: str
    short_name: str
    description: str
    period_type: str
    level: int
    owner_area_kind: str
    due_days: int
    data_elements: Sequence[DataElement]


DATA_SET_EDITABLE = tuple(DataSetChanges.__annotations__)


def _data_set_state(data_set: DataSet) -> dict[str, Any]:
    return {"data_elements": sorted(data_set.data_elements.values_list("pk", flat=True))}


@transaction.atomic
def update_data_set(
    *, actor: Acting, data_set: DataSet, expected_version: int | None, **fields: Unpack[DataSetChanges]
) -> DataSet:
    _require_catalogue_manager(actor, data_set.owner)
    elements = list(fields["data_elements"]) if "data_elements" in fields else None

    def check(row: DataSet, given: dict[str, Any], errors: Errors) -> None:
        assert row.owner is not None
        _data_set_errors(errors, row.owner, given)

    def related(row: DataSet) -> None:
        if elements is not None:
            row.data_elements.set(elements)

    return _update_catalogue(
        actor=actor,
        instance=data_set,
        expected_version=expected_version,
        fields=dict(fields),
        editable=DATA_SET_EDITABLE,
        check=check,
        state=_data_set_state,
        related=related,
    )


@transaction.atomic
def set_target(*, actor: Acting, indicator: Indicator, org_unit: OrgUnit, period: str, value: Decimal) -> Target:
    """What ``org_unit`` aims at for ``indicator`` in the ISO ``period`` (created, or changed when one
    exists). A person needs to manage the catalogue of the unit's municipality (or country)."""
    # A region's targets are the country's; a community's, its municipality's.
    owner = org_unit
    if org_unit.level in (Level.REGION, Level.COMMUNITY) and org_unit.parent is not None:
        owner = org_unit.parent
    _require_catalogue_manager(actor, owner)
    errors = Errors()
    parsed: iso_periods.Period | None = None
    try:
        parsed = iso_periods.parse(period)
    except iso_periods.InvalidPeriod:
        errors.add(
            "period",
            _("“%(period)s” is not a period (write 202403, 2024Q1, 2024S1 or 2024).") % {"period": str(period)[:20]},
        )
    if not Decimal(value).is_finite() or abs(Decimal(value)) >= VALUE_LIMIT:
        errors.add("value", _("“%(value)s” is not a number.") % {"value": str(value)[:40]})
    errors.raise_if_any()
    assert parsed is not None
    stored = aggregation.ensure_periods([parsed])[parsed.iso]
    target = Target.objects.filter(indicator=indicator, org_unit=org_unit, period=stored).first()
    if target is None:
        target = Target.objects.create(indicator=indicator, org_unit=org_unit, period=stored, value=value)
        audit.record_create(actor=actor, target=target, org_unit=org_unit)
    elif target.value != value:
        old = target.value
        target.value = value
        target.save(update_fields=["value"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=target,
            org_unit=org_unit,
            changes={"value": [str(old), str(value)]},
        )
    return target

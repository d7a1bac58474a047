"""Ronda's catalogue and org units as DHIS2 metadata objects (full dicts, references as ``Ref``).

A :class:`Catalogue` is made per request for one actor: it loads each resource the request touches
once (a few queries, whatever the number of objects), already scoped by ``tablero.policies``
(``catalogue_owner_filter``, ``readable_units``), so that an object outside the actor's scope is
simply absent, in lists, in single reads (404) and behind references.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core.tenancy import Acting
from ronda.tablero import policies
from ronda.tablero.dhis2.fields import Ref
from ronda.tablero.models import (
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    Indicator,
    IndicatorFormula,
)
from ronda.territory.models import Level, OrgUnit

Obj = dict[str, Any]

# Org-unit levels have no table in Ronda: fixed uids, one per level.
LEVEL_UIDS = {level: f"OuLevel{level:04d}" for level in Level.values}


def timestamp(value: dt.datetime | None) -> str | None:
    """DHIS2's ``yyyy-MM-ddTHH:mm:ss.SSS`` in local time, without a zone."""
    if value is None:
        return None
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}"


def _named(obj: Any, name: str, short_name: str = "", code: str | None = None) -> Obj:
    out: Obj = {
        "id": obj.uid,
        "name": name,
        "displayName": name,
        "shortName": short_name or name[:50],
        "displayShortName": short_name or name[:50],
    }
    if code is not None:
        out["code"] = code
    created = getattr(obj, "created_at", None)
    updated = getattr(obj, "updated_at", None)
    if created is not None:
        out["created"] = timestamp(created)
    if updated is not None:
        out["lastUpdated"] = timestamp(updated)
    return out


class Catalogue:
    """The metadata one actor sees, loaded per resource on first use."""

    RESOURCES = (
        "organisationUnits",
        "organisationUnitLevels",
        "dataElements",
        "categoryCombos",
        "categories",
        "categoryOptions",
        "categoryOptionCombos",
        "dataSets",
        "indicators",
    )

    def __init__(self, actor: Acting) -> None:
        self.actor = actor
        self._loaded: dict[str, dict[str, Obj]] = {}
        self._units: dict[str, OrgUnit] = {}
        self._unit_cache: dict[tuple[str, str], OrgUnit | None] = {}
        self._models: dict[str, dict[str, Any]] = defaultdict(dict)
        self._index: dict[tuple[str, str], dict[Any, str]] = {}
        self._loaders: dict[str, Callable[[], list[tuple[Any, Obj]]]] = {
            "organisationUnits": self._org_units,
            "organisationUnitLevels": self._levels,
            "dataElements": self._data_elements,
            "categoryCombos": self._combos,
            "categories": self._categories,
            "categoryOptions": self._options,
            "categoryOptionCombos": self._option_combos,
            "dataSets": self._data_sets,
            "indicators": self._indicators,
        }

    # --- access ---------------------------------------------------------------------------------

    def objects(self, resource: str) -> dict[str, Obj]:
        """uid → full dict, in the resource's order (by name; org units by level, then name)."""
        if resource not in self._loaded:
            rows = self._loaders[resource]()
            self._loaded[resource] = {obj["id"]: obj for _model, obj in rows}
            self._models[resource] = {obj["id"]: model for model, obj in rows}
        return self._loaded[resource]

    def model(self, resource: str, uid: str) -> Any | None:
        self.objects(resource)
        return self._models[resource].get(uid)

    def resolve(self, ref: Ref) -> Obj | None:
        if ref.resource not in self._loaders:
            return None
        return self.objects(ref.resource).get(ref.uid)

    # --- org units without the whole tree ------------------------------------------------------
    # A national scope is 50,000 units: serialising all of them to find the one a value names took
    # seconds per request (issue #10's benchmark). Units are looked up in the database instead, by
    # the same scope and order, unless the whole list was loaded anyway (/api/organisationUnits).
    UNIT_FIELDS = ("id", "uid", "code", "name", "level", "parent_id", "path", "created_at", "updated_at")
    UNIT_SCHEME_FIELDS = {"UID": "uid", "CODE": "code", "NAME": "name"}

    def _scoped_units(self) -> Any:
        return (
            policies.readable_units(self.actor)
            .filter(is_active=True)
            .only(*self.UNIT_FIELDS)
            .order_by("level", "name", "id")
        )

    def prefetch_units(self, keys: Any, scheme: str = "UID") -> None:
        """Look up many units at once (an import names thousands): one query per 2,000 keys."""
        if "organisationUnits" in self._loaded:
            return
        field = self.UNIT_SCHEME_FIELDS.get(scheme, "uid")
        wanted = sorted({k for k in keys if k and (scheme, k) not in self._unit_cache})
        for start in range(0, len(wanted), 2000):
            chunk = wanted[start : start + 2000]
            for unit in self._scoped_units().filter(**{f"{field}__in": chunk}):
                self._unit_cache.setdefault((scheme, getattr(unit, field)), unit)  # the first in order wins
            for key in chunk:
                self._unit_cache.setdefault((scheme, key), None)

    def _find_unit(self, key: str, scheme: str) -> OrgUnit | None:
        if (scheme, key) not in self._unit_cache:
            self.prefetch_units([key], scheme)
        return self._unit_cache.get((scheme, key))

    def units_under(self, roots: list[OrgUnit], levels: list[int]) -> list[OrgUnit]:
        """The units of ``levels`` inside any of ``roots``' subtrees, in the resource's order."""
        condition = Q()
        for root in roots:
            condition |= Q(path__startswith=root.path)
        if not roots or not levels:
            return []
        return list(self._scoped_units().filter(condition, level__in=levels))

    def units_of_level(self, level: int) -> list[OrgUnit]:
        return list(self._scoped_units().filter(level=level))

    def find(self, resource: str, key: str, scheme: str = "UID") -> Any | None:
        """The model of a resource by uid, code or name (None if absent or not visible)."""
        if resource == "organisationUnits" and resource not in self._loaded:
            return self._find_unit(key, scheme)
        objects = self.objects(resource)
        if scheme == "UID":
            return self._models[resource].get(key) if key in objects else None
        field = "code" if scheme == "CODE" else "name"
        index = self._index.get((resource, field))
        if index is None:
            index = {}
            for uid, obj in objects.items():
                index.setdefault(obj.get(field), uid)  # the first in the resource's order wins
            self._index[(resource, field)] = index
        found = index.get(key)
        return self._models[resource][found] if found is not None else None

    def identifier(self, resource: str, model: Any, scheme: str) -> str:
        if scheme == "CODE":
            return str(getattr(model, "code", "") or model.uid)
        if scheme == "NAME":
            return str(model.name)
        return str(model.uid)

    # --- loaders --------------------------------------------------------------------------------

    def _org_units(self) -> list[tuple[Any, Obj]]:
        units = list(
            policies.readable_units(self.actor)
            .filter(is_active=True)
            .only("id", "uid", "code", "name", "level", "parent_id", "path", "created_at", "updated_at")
            .order_by("level", "name", "id")
        )
        by_id = {u.pk: u for u in units}
        # Uids of the ancestors above the actor's scope (the path is written from the root).
        ancestor_ids = {int(s) for u in units for s in u.path.split(".") if s} - set(by_id)
        uids = {u.pk: u.uid for u in units}
        if ancestor_ids:
            uids.update(dict(OrgUnit.objects.filter(pk__in=ancestor_ids).values_list("id", "uid")))
        children: dict[int, list[str]] = defaultdict(list)
        for unit in units:
            if unit.parent_id in by_id:
                children[unit.parent_id].append(unit.uid)
        rows = []
        for unit in units:
            obj = _named(unit, unit.name, code=unit.code)
            ids = [int(s) for s in unit.path.split(".") if s]
            obj.update(
                {
                    "level": unit.level,
                    "path": "/" + "/".join(uids.get(i, "") for i in ids),
                    "parent": Ref("organisationUnits", uids[unit.parent_id]) if unit.parent_id in uids else None,
                    "children": [Ref("organisationUnits", uid) for uid in children[unit.pk]],
                    "ancestors": [Ref("organisationUnits", uids[i]) for i in ids[:-1] if i in uids],
                    "openingDate": "1970-01-01T00:00:00.000",
                }
            )
            if obj["parent"] is None:
                del obj["parent"]
            rows.append((unit, obj))
        return rows

    def units_by_uid(self) -> dict[str, OrgUnit]:
        self.objects("organisationUnits")
        return self._models["organisationUnits"]

    def _levels(self) -> list[tuple[Any, Obj]]:
        rows = []
        for level in Level:
            uid = LEVEL_UIDS[level.value]
            name = str(level.label)
            rows.append(
                (level, {"id": uid, "name": name, "displayName": name, "level": level.value, "offlineLevels": 0})
            )
        return rows

    def _visible(self, model: Any, owner: str = "owner") -> Any:
        return model._default_manager.filter(policies.catalogue_owner_filter(self.actor, owner))

    def _data_elements(self) -> list[tuple[Any, Obj]]:
        elements = (
            self._visible(DataElement)
            .filter(is_archived=False)
            .select_related("category_combo")
            .prefetch_related(Prefetch("data_sets", queryset=DataSet.objects.only("id", "uid")))
        )
        rows = []
        for element in elements:
            obj = _named(element, element.name, element.short_name, element.code)
            obj.update(
                {
                    "formName": element.name,
                    "description": element.description,
                    "valueType": element.value_type,
                    "aggregationType": element.aggregation_type,
                    "domainType": "AGGREGATE",
                    "zeroIsSignificant": element.zero_is_significant,
                    "categoryCombo": Ref("categoryCombos", element.category_combo.uid),
                    "dataSetElements": [
                        {"dataSet": Ref("dataSets", ds.uid), "dataElement": Ref("dataElements", element.uid)}
                        for ds in element.data_sets.all()
                    ],
                    "dataElementGroups": [],
                }
            )
            rows.append((element, obj))
        return rows

    def _combos(self) -> list[tuple[Any, Obj]]:
        combos = self._visible(CategoryCombo).prefetch_related(
            Prefetch("categories", queryset=Category.objects.only("id", "uid")),
            Prefetch("option_combos", queryset=CategoryOptionCombo.objects.only("id", "uid", "combo_id")),
        )
        rows = []
        for combo in combos:
            name = _("default") if combo.is_default else combo.name
            obj = _named(combo, name, combo.short_name, combo.code)
            obj.update(
                {
                    "dataDimensionType": "DISAGGREGATION",
                    "skipTotal": False,
                    "isDefault": combo.is_default,
                    "categories": [Ref("categories", c.uid) for c in combo.categories.all()],
                    "categoryOptionCombos": [Ref("categoryOptionCombos", c.uid) for c in combo.option_combos.all()],
                }
            )
            rows.append((combo, obj))
        return rows

    def _categories(self) -> list[tuple[Any, Obj]]:
        categories = self._visible(Category).prefetch_related(
            Prefetch("options", queryset=CategoryOption.objects.only("id", "uid", "category_id", "sort_order"))
        )
        rows = []
        for category in categories:
            obj = _named(category, category.name, category.short_name, category.code)
            obj.update(
                {
                    "dataDimensionType": "DISAGGREGATION",
                    "dataDimension": True,
                    "categoryOptions": [Ref("categoryOptions", o.uid) for o in category.options.all()],
                }
            )
            rows.append((category, obj))
        return rows

    def _options(self) -> list[tuple[Any, Obj]]:
        rows = []
        for option in self._visible(CategoryOption).select_related("category"):
            obj = _named(option, option.name, option.short_name, option.code)
            obj["categories"] = [Ref("categories", option.category.uid)]
            rows.append((option, obj))
        return rows

    def _option_combos(self) -> list[tuple[Any, Obj]]:
        combos = (
            self._visible(CategoryOptionCombo, "combo__owner")
            .select_related("combo")
            .prefetch_related(Prefetch("options", queryset=CategoryOption.objects.only("id", "uid")))
        )
        rows = []
        for coc in combos:
            name = _("default") if coc.combo.is_default else coc.name
            obj: Obj = {"id": coc.uid, "code": coc.code, "name": name, "displayName": name, "shortName": name[:50]}
            obj.update(
                {
                    "categoryCombo": Ref("categoryCombos", coc.combo.uid),
                    "categoryOptions": [Ref("categoryOptions", o.uid) for o in coc.options.all()],
                    "ignoreApproval": False,
                }
            )
            rows.append((coc, obj))
        return rows

    def _data_sets(self) -> list[tuple[Any, Obj]]:
        from ronda.tablero.services import default_combo

        attribute_combo = default_combo().uid
        data_sets = (
            self._visible(DataSet)
            .filter(is_archived=False)
            .select_related("owner")
            .prefetch_related(Prefetch("data_elements", queryset=DataElement.objects.only("id", "uid")))
        )
        rows = []
        units: list[OrgUnit] | None = None
        for data_set in data_sets:
            if units is None:
                units = list(self.units_by_uid().values())
            owner_path = data_set.owner.path if data_set.owner is not None else ""
            obj = _named(data_set, data_set.name, data_set.short_name, data_set.code)
            obj.update(
                {
                    "periodType": data_set.period_type,
                    "categoryCombo": Ref("categoryCombos", attribute_combo),
                    "openFuturePeriods": 0,
                    "expiryDays": data_set.due_days,
                    "timelyDays": data_set.due_days,
                    "dataSetElements": [
                        {"dataElement": Ref("dataElements", e.uid), "dataSet": Ref("dataSets", data_set.uid)}
                        for e in data_set.data_elements.all()
                    ],
                    # The units at the data set's level inside its owner's subtree that the actor sees.
                    "organisationUnits": [
                        Ref("organisationUnits", u.uid)
                        for u in units
                        if u.level == data_set.level and u.path.startswith(owner_path)
                    ],
                    "indicators": [],
                }
            )
            rows.append((data_set, obj))
        return rows

    def _indicators(self) -> list[tuple[Any, Obj]]:
        indicators = self._visible(Indicator).filter(is_archived=False)
        latest: dict[int, IndicatorFormula] = {}
        for formula in IndicatorFormula.objects.filter(indicator__in=indicators).order_by("valid_from", "id"):
            latest[formula.indicator_id] = formula
        rows = []
        for indicator in indicators:
            current = latest.get(indicator.pk)
            obj = _named(indicator, indicator.name, indicator.short_name, indicator.code)
            obj.update(
                {
                    "description": indicator.description,
                    "numerator": current.numerator if current else "",
                    "numeratorDescription": current.numerator_description if current else "",
                    "denominator": current.denominator if current else "1",
                    "denominatorDescription": current.denominator_description if current else "",
                    "factor": float(current.factor) if current else 1.0,
                    "decimals": indicator.decimals,
                    "annualized": False,
                }
            )
            rows.append((indicator, obj))
        return rows


def orgunit_levels_param(values: list[str]) -> set[int]:
    out = set()
    for value in values:
        try:
            out.add(int(value))
        except ValueError:
            continue
    return out

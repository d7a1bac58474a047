"""The Tablero's JSON API: values (/api/v1/tablero/…, issue #10 item 11).

``GET /data-values`` lists the values the actor reads; ``PUT /data-values`` saves a batch, all or
nothing, with the same checks as the entry form (``tablero.entry.save_batch``): a rejected batch is
a 422 with every row's problems. ``POST /data-set-periods/{submit,approve,reopen}`` move a data
set's period along. What the actor may not see or do answers 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Query, Router, Status

from ronda.core.api_schemas import LIST_ERRORS, READ_ERRORS, MessageOut
from ronda.core.api_utils import read_filters
from ronda.core.pagination import page_response, paginate
from ronda.core.views_helpers import ApiRequest
from ronda.tablero import entry, policies, policies_entry, services
from ronda.tablero import periods as iso_periods
from ronda.tablero.schemas_values import (
    PeriodIn,
    PeriodStatusOut,
    ReopenIn,
    RowsRejectedOut,
    SaveOut,
    ValueCursorPage,
    ValueFilters,
    ValueIn,
    ValuePage,
    ValuesIn,
)

router = Router(tags=["tablero"])

VALUE_ORDER = ("id",)


@router.get(
    "/data-values",
    response={200: page_response(ValuePage, ValueCursorPage), **LIST_ERRORS},
    summary="Data values you can read, filtered by data set, element, org unit and period",
)
def list_values(request: ApiRequest, filters: Query[ValueFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    if not policies_entry.may_read_values(actor):
        raise Http404
    rows = policies.visible_values(actor).filter(deleted=False)
    if filters.data_set_id is not None:
        data_set = policies_entry.get_data_set_for_reading(actor, filters.data_set_id)
        rows = rows.filter(data_element__in=data_set.data_elements.all())
    if filters.data_element_id is not None:
        rows = rows.filter(data_element=policies_entry.get_element_for_reading(actor, filters.data_element_id))
    if filters.org_unit_id is not None:
        unit = policies_entry.get_unit_for_reading(actor, filters.org_unit_id)
        rows = rows.filter(org_unit__path__startswith=unit.path) if filters.children else rows.filter(org_unit=unit)
    if filters.period:
        try:
            rows = rows.filter(period__iso=iso_periods.parse(filters.period).iso)
        except iso_periods.InvalidPeriod:
            rows = rows.none()
    if filters.start is not None:
        rows = rows.filter(period__start_date__gte=filters.start)
    if filters.end is not None:
        rows = rows.filter(period__end_date__lte=filters.end)
    rows = rows.select_related("data_element", "option_combo", "org_unit", "period", "stored_by")
    return paginate(request, rows, filters, order=VALUE_ORDER, scope="tablero.data_values").response()


def _resolve(actor: Any, items: list[ValueIn]) -> tuple[list[services.ValueInput], list[services.RowError]]:
    """The batch's rows as values to save, and a row error for each reference that names nothing
    the actor may enter."""
    elements = policies_entry.elements_named(actor, [i.data_element for i in items])
    units = policies_entry.units_named(actor, [i.org_unit for i in items])
    found_elements = [e for e in elements.values() if e is not None]
    combos = policies_entry.option_combos_of(found_elements)
    allowed = policies_entry.enterable_elements(actor, [u for u in units.values() if u is not None])
    values: list[services.ValueInput] = []
    errors: list[services.RowError] = []
    for row, item in enumerate(items):
        element = elements.get(item.data_element)
        unit = units.get(item.org_unit)
        problems = []
        if element is None:
            problems.append(("data_element", _("No data element you may enter is named “%(ref)s”.")))
        if unit is None:
            problems.append(("org_unit", _("No org unit you may enter is named “%(ref)s”.")))
        coc = None
        if element is not None:
            of_combo = [c for c in combos if c.combo_id == element.category_combo_id]
            if item.option_combo is None:
                coc = of_combo[0] if element.category_combo.is_default and of_combo else None
                if coc is None:
                    problems.append(("option_combo", _("Say which disaggregation the value is of.")))
            else:
                ref = item.option_combo
                named = [c for c in of_combo if ref in (c.pk, str(c.pk), c.uid, c.code)]
                coc = named[0] if len(named) == 1 else None
                if coc is None:
                    problems.append(("option_combo", _("This disaggregation does not belong to the data element.")))
        if element is not None and unit is not None and (element.pk, unit.pk) not in allowed:
            problems.append(("org_unit", _("You cannot enter values of this data element for this org unit.")))
        if problems:
            refs = {"data_element": item.data_element, "org_unit": item.org_unit}
            errors.extend(
                services.RowError(row, f, m % {"ref": str(refs.get(f, ""))[:60]} if "%(ref)s" in m else m)
                for f, m in problems
            )
            continue
        assert element is not None and unit is not None and coc is not None
        values.append(
            services.ValueInput(
                data_element=element,
                option_combo=coc,
                org_unit=unit,
                period=item.period,
                value=item.value,
                comment=item.comment,
                row=row,
            )
        )
    return values, errors


def _rejected(errors: list[services.RowError]) -> Any:
    rows = len({e.row for e in errors})
    return Status(
        422,
        {
            "message": ngettext(
                "No value was saved: %(n)d row has problems.", "No value was saved: %(n)d rows have problems.", rows
            )
            % {"n": rows},
            "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in errors],
        },
    )


@router.put(
    "/data-values",
    response={200: SaveOut, 401: MessageOut, 404: MessageOut, 422: RowsRejectedOut},
    summary="Save a batch of data values (by ids, uids or codes), all or nothing",
)
def put_values(request: ApiRequest, payload: ValuesIn) -> Any:
    actor = request.actor
    if not policies_entry.may_use_entry(actor):
        raise Http404
    values, errors = _resolve(actor, payload.values)
    if errors:
        # Report the other rows' problems too: what the resolved rows would meet.
        if values:
            checked = services.save_values(actor=actor, values=values, dry_run=True)
            errors = sorted({*errors, *checked.errors, *entry.check_not_approved(values)}, key=_order)
        return _rejected(errors)
    try:
        result = entry.save_batch(actor=actor, values=values)
    except services.ValuesRejected as exc:
        return _rejected(exc.result.errors)
    return {
        "imported": result.imported,
        "updated": result.updated,
        "deleted": result.deleted,
        "ignored": result.ignored,
    }


def _order(error: services.RowError) -> tuple[int, str, str]:
    return (error.row if error.row is not None else -1, error.field, error.message)


def _period_target(actor: Any, payload: PeriodIn) -> tuple[Any, Any, iso_periods.Period]:
    data_set = policies_entry.get_data_set_for_entry(actor, payload.data_set_id)
    unit = policies_entry.get_unit_for_entry(actor, data_set, payload.org_unit_id)
    return data_set, unit, policies_entry.get_period_for_entry(data_set, payload.period, timezone.localdate())


WRITE = {200: PeriodStatusOut, **READ_ERRORS}


@router.post("/data-set-periods/submit", response=WRITE, summary="Submit a data set's period of an org unit")
def submit_period(request: ApiRequest, payload: PeriodIn) -> Any:
    data_set, unit, period = _period_target(request.actor, payload)
    return entry.submit_period(actor=request.actor, data_set=data_set, org_unit=unit, period=period)


@router.post(
    "/data-set-periods/approve", response=WRITE, summary="Approve a submitted period (its values become read-only)"
)
def approve_period(request: ApiRequest, payload: PeriodIn) -> Any:
    data_set, unit, period = _period_target(request.actor, payload)
    return entry.approve_period(actor=request.actor, data_set=data_set, org_unit=unit, period=period)


@router.post("/data-set-periods/reopen", response=WRITE, summary="Reopen a submitted or approved period, with a reason")
def reopen_period(request: ApiRequest, payload: ReopenIn) -> Any:
    data_set, unit, period = _period_target(request.actor, payload)
    return entry.reopen_period(
        actor=request.actor, data_set=data_set, org_unit=unit, period=period, reason=payload.reason
    )

"""Every measure indicator with a value becomes a catalogue indicator of its plan's municipality,
and its value a data value of the Tablero (decision 0021): nothing is lost.

Per measure indicator with a latest value: a municipal data element (NUMBER, aggregation LAST,
the default disaggregation, zero significant), an indicator ``#{element uid}`` owned by the plan's
municipality, the value at the yearly period of the date it was measured on (the date itself kept
in the value's comment, as ISO ``YYYY-MM-DD``) and its aggregate cells over the municipality and its
ancestors; the measure indicator is linked to the new catalogue indicator. Indicators without a
value stay free text until their first value (the service then does the same).

The baseline is not copied into the series: it stays on the link (the measure's commitment), so a
later correction of it cannot disagree with a copy.

Historical models only; the uids come from ``ronda.core.uids.generate_uid`` (a pure function) and
the default disaggregation's fixed uids are DHIS2's. Reversible: going back writes the latest value
of each linked series into the restored columns and keeps the Tablero's rows (they may have grown).
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

from ronda.core.uids import generate_uid

# DHIS2's fixed uids of the "default" category combination and option combination
# (tablero.models.DEFAULT_COMBO_UID / DEFAULT_OPTION_COMBO_UID, copied: a migration is frozen).
DEFAULT_COMBO_UID = "bjDvmb4bfuf"
DEFAULT_OPTION_COMBO_UID = "HllvX50cXC0"
# planning.services.plans.OWN_SERIES_CODE, frozen.
CODE = "PLIA-MI-{pk}"
FORMULA_FROM = dt.date(1990, 1, 1)
SEGMENT = 8  # territory.models.PATH_SEGMENT_WIDTH


def _default_option_combo(apps):
    CategoryCombo = apps.get_model("tablero", "CategoryCombo")
    CategoryOptionCombo = apps.get_model("tablero", "CategoryOptionCombo")
    combo = CategoryCombo.objects.filter(is_default=True).first()
    if combo is None:
        combo = CategoryCombo.objects.create(
            owner=None, uid=DEFAULT_COMBO_UID, code="default", name="default", is_default=True
        )
    option_combo = CategoryOptionCombo.objects.filter(combo=combo).first()
    if option_combo is None:
        option_combo = CategoryOptionCombo.objects.create(
            combo=combo, uid=DEFAULT_OPTION_COMBO_UID, key="", code="default", name="default"
        )
    return combo, option_combo


def _free_code(model, owner, pk):
    code = CODE.format(pk=pk)
    candidate, n = code, 1
    while model.objects.filter(owner=owner, code=candidate).exists():
        n += 1
        candidate = f"{code}-{n}"
    return candidate


def _direction(baseline, target):
    if baseline is None or target is None or baseline == target:
        return "neutral"
    return "up" if target > baseline else "down"


def _path_ids(path):
    return [int(segment) for segment in path.split(".") if segment]


def forwards(apps, schema_editor):
    MeasureIndicator = apps.get_model("planning", "MeasureIndicator")
    DataElement = apps.get_model("tablero", "DataElement")
    Indicator = apps.get_model("tablero", "Indicator")
    IndicatorFormula = apps.get_model("tablero", "IndicatorFormula")
    Period = apps.get_model("tablero", "Period")
    DataValue = apps.get_model("tablero", "DataValue")
    AggregateValue = apps.get_model("tablero", "AggregateValue")

    # Archived indicators too (the base manager): their values are history as well.
    rows = (
        MeasureIndicator._base_manager.filter(latest_value__isnull=False, catalogue_indicator__isnull=True)
        .select_related("measure__plan__org_unit", "measure__objective__line")
        .order_by("pk")
    )
    if not rows.exists():
        return
    combo, option_combo = _default_option_combo(apps)
    for row in rows.iterator(chunk_size=500):
        plan = row.measure.plan
        unit = plan.org_unit
        measured_on = row.latest_on or plan.period_start
        element = DataElement.objects.create(
            uid=generate_uid(),
            owner=unit,
            code=_free_code(DataElement, unit, row.pk),
            name=row.name[:230],
            description=f"{plan.title} · {row.measure.code} {row.measure.title}".strip()[:2000],
            value_type="NUMBER",
            aggregation_type="LAST",
            zero_is_significant=True,
            category_combo=combo,
            goal_area=row.measure.objective.line.goal_area,
        )
        indicator = Indicator.objects.create(
            uid=generate_uid(),
            owner=unit,
            code=_free_code(Indicator, unit, row.pk),
            name=row.name[:230],
            description=element.description,
            unit=row.unit[:80],
            decimals=2,
            direction=_direction(row.baseline, row.target),
            goal_area=element.goal_area,
        )
        IndicatorFormula.objects.create(
            indicator=indicator, numerator="#{" + element.uid + "}", denominator="1", factor=1, valid_from=FORMULA_FROM
        )
        year = measured_on.year
        period, _created = Period.objects.get_or_create(
            iso=str(year),
            defaults={"period_type": "Yearly", "start_date": dt.date(year, 1, 1), "end_date": dt.date(year, 12, 31)},
        )
        value = Decimal(row.latest_value)
        DataValue.objects.create(
            data_element=element,
            option_combo=option_combo,
            org_unit=unit,
            period=period,
            value=value,
            comment=measured_on.isoformat(),
        )
        # A new element has no other value: each cell of the unit and its ancestors for the year
        # holds exactly this one (a yearly period counts in no coarser one).
        AggregateValue.objects.bulk_create(
            [
                AggregateValue(
                    data_element=element,
                    option_combo=option_combo,
                    org_unit_id=unit_id,
                    period=period,
                    total=value,
                    count=1,
                    last_total=value,
                    minimum=value,
                    maximum=value,
                )
                for unit_id in _path_ids(unit.path)
            ]
        )
        row.catalogue_indicator = indicator
        row.save(update_fields=["catalogue_indicator"])


def backwards(apps, schema_editor):
    """Back to a latest value on the row: the newest value of each linked series of a single element."""
    MeasureIndicator = apps.get_model("planning", "MeasureIndicator")
    IndicatorFormula = apps.get_model("tablero", "IndicatorFormula")
    DataElement = apps.get_model("tablero", "DataElement")
    DataValue = apps.get_model("tablero", "DataValue")
    rows = MeasureIndicator._base_manager.filter(catalogue_indicator__isnull=False).select_related(
        "measure__plan__org_unit"
    )
    for row in rows.iterator(chunk_size=500):
        formula = IndicatorFormula.objects.filter(indicator_id=row.catalogue_indicator_id).order_by(
            "-valid_from", "-id"
        )
        numerator = formula.values_list("numerator", flat=True).first() or ""
        name = numerator.strip()
        if not (name.startswith("#{") and name.endswith("}")) or "." in name:
            continue
        element = DataElement.objects.filter(uid=name[2:-1]).first()
        if element is None:
            continue
        value = (
            DataValue.objects.filter(
                data_element=element, org_unit=row.measure.plan.org_unit, deleted=False, value__isnull=False
            )
            .select_related("period")
            .order_by("-period__end_date", "period__start_date")
            .first()
        )
        if value is None:
            continue
        try:
            measured_on = dt.date.fromisoformat(value.comment)
        except ValueError:
            measured_on = value.period.end_date
        row.latest_value = round(value.value, 2)
        row.latest_on = measured_on
        row.save(update_fields=["latest_value", "latest_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0008_catalogue_links"),
        ("tablero", "0001_initial"),
        ("territory", "0005_orgunit_uid"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

"""The Tablero de Gestión Social (seed 002): the indicator catalogue, data values and their aggregates.

DHIS2's model, kept recognisable so that its clients and a ministry's DHIS2 can exchange with us:
a **data element** is what is counted; a **category combination** (sex × age band …) splits it into
**category option combinations**; a **data value** is one number of one element × option
combination × org unit × ISO period; **indicators** are formulas over elements; **data sets** are
the elements collected together, with a period type, at an org-unit level, by an owner area.

A catalogue object belongs to an org unit: a country (the national catalogue, managed by the
secretariat) or a municipality (its own additions, managed by its coordinator); everybody in the
country reads the national one. Every catalogue object has a DHIS2-style ``uid`` beside its
``code``.

Aggregates (decision 0017) are kept in :class:`AggregateValue`, written in the same transaction as
the values (``tablero.aggregation``): the dashboards read a handful of cells, never a scan.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.core.models import VersionedModel
from ronda.core.uids import generate_uid
from ronda.planning.choices import GoalArea
from ronda.tablero.periods import PeriodType
from ronda.territory.models import AreaKind


class TableroAction(models.TextChoices):
    """The Tablero's own audit actions (registered with the trail in AppConfig.ready)."""

    VALUES_SAVED = "tablero_values_saved", pgettext_lazy("audit action", "Data values saved")
    VALUES_IMPORTED = "tablero_values_imported", pgettext_lazy("audit action", "Data values imported")
    PERIOD_SUBMITTED = "tablero_period_submitted", pgettext_lazy("audit action", "Data set period submitted")
    PERIOD_APPROVED = "tablero_period_approved", pgettext_lazy("audit action", "Data set period approved")
    PERIOD_REOPENED = "tablero_period_reopened", pgettext_lazy("audit action", "Data set period reopened")
    PUSH_TARGET_SAVED = "tablero_push_target_saved", pgettext_lazy("audit action", "DHIS2 push target saved")
    PUSH_REQUESTED = "tablero_push_requested", pgettext_lazy("audit action", "DHIS2 push requested")
    PUSH_FINISHED = "tablero_push_finished", pgettext_lazy("audit action", "DHIS2 push finished")


class ValueType(models.TextChoices):
    # DHIS2's names (valueType), so the compatible API reads the same.
    INTEGER_ZERO_OR_POSITIVE = "INTEGER_ZERO_OR_POSITIVE", _("Whole number, zero or more")
    INTEGER = "INTEGER", _("Whole number")
    NUMBER = "NUMBER", pgettext_lazy("value type", "Number")
    PERCENTAGE = "PERCENTAGE", pgettext_lazy("value type", "Percentage")
    BOOLEAN = "BOOLEAN", _("Yes or no")


class AggregationType(models.TextChoices):
    """How values of many org units and periods become one (DHIS2's aggregationType).

    ``LAST``: each org unit's latest value within the period, summed over org units (a stock: the
    children enrolled, a population); ``AVERAGE``: the mean of every value counted.
    """

    SUM = "SUM", pgettext_lazy("aggregation", "Sum")
    AVERAGE = "AVERAGE", pgettext_lazy("aggregation", "Average")
    LAST = "LAST", _("Last value in the period")
    MIN = "MIN", pgettext_lazy("aggregation", "Minimum")
    MAX = "MAX", pgettext_lazy("aggregation", "Maximum")


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "up", _("Higher is better")
    LOWER_IS_BETTER = "down", _("Lower is better")
    NEUTRAL = "neutral", _("Neither higher nor lower is better")


def _uid_field() -> models.CharField:
    return models.CharField(_("uid"), max_length=11, unique=True, default=generate_uid, editable=False)


class CatalogueObject(VersionedModel):
    """What every catalogue object has: its owner (a country or a municipality), a code unique
    within the owner's country, a uid, a name, and an archive instead of a deletion."""

    uid = _uid_field()
    # A country (the national catalogue) or a municipality (its additions); None only for the one
    # system-wide "default" category combination, which DHIS2 knows by fixed uids.
    owner = models.ForeignKey(
        "territory.OrgUnit",
        verbose_name=_("owner"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    code = models.CharField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=230)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def display_short_name(self) -> str:
        return self.short_name or self.name


class Category(CatalogueObject):
    """A way of splitting a count: sex, age band, disability, ethnicity, migrant status."""

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "code"], name="tablero_category_code")]
        indexes = [models.Index(fields=["owner", "name"], name="tablero_category_owner")]


class CategoryOption(CatalogueObject):
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="options")
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category option")
        verbose_name_plural = _("category options")
        ordering = ["category_id", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="tablero_option_code")]


# DHIS2's fixed uids of its "default" category combination and option combination: a client that
# writes values without disaggregation names these.
DEFAULT_COMBO_UID = "bjDvmb4bfuf"
DEFAULT_OPTION_COMBO_UID = "HllvX50cXC0"


class CategoryCombo(CatalogueObject):
    """The categories an element is split by, e.g. sex × age band (six combinations)."""

    categories = models.ManyToManyField(Category, verbose_name=_("categories"), related_name="combos", blank=True)
    # The combination with no categories: one option combination, "default" (DHIS2's).
    is_default = models.BooleanField(_("default"), default=False, editable=False)

    class Meta:
        verbose_name = _("category combination")
        verbose_name_plural = _("category combinations")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "code"], name="tablero_combo_code")]


class CategoryOptionCombo(models.Model):
    """One cell of a combination: "Mujeres, 0–5 años". Made by the catalogue service, never typed."""

    uid = _uid_field()
    combo = models.ForeignKey(
        CategoryCombo, verbose_name=_("category combination"), on_delete=models.CASCADE, related_name="option_combos"
    )
    options = models.ManyToManyField(CategoryOption, verbose_name=_("options"), related_name="option_combos")
    # The option ids, sorted and joined ("3-8"): one combination per set of options.
    key = models.CharField(max_length=200, editable=False)
    code = models.CharField(_("code"), max_length=120)
    name = models.CharField(_("name"), max_length=230)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category option combination")
        verbose_name_plural = _("category option combinations")
        ordering = ["combo_id", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["combo", "key"], name="tablero_coc_key")]

    def __str__(self) -> str:
        return self.name


class DataElement(CatalogueObject):
    value_type = models.CharField(_("value type"), max_length=32, choices=ValueType.choices)
    aggregation_type = models.CharField(_("aggregation"), max_length=16, choices=AggregationType.choices)
    zero_is_significant = models.BooleanField(
        _("zero is significant"),
        default=False,
        help_text=_("When off, a zero is not stored (it counts as no data), as in DHIS2."),
    )
    category_combo = models.ForeignKey(
        CategoryCombo, verbose_name=_("disaggregation"), on_delete=models.PROTECT, related_name="data_elements"
    )
    goal_area = models.CharField(_("goal area"), max_length=20, choices=GoalArea.choices, blank=True)
    # Counts of children taken from personal records (cases, placements): published only with
    # small-count suppression.
    from_personal_records = models.BooleanField(_("counts people from personal records"), default=False)
    minimum = models.DecimalField(_("lowest valid value"), max_digits=20, decimal_places=4, null=True, blank=True)
    maximum = models.DecimalField(_("highest valid value"), max_digits=20, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="tablero_element_code"),
            models.CheckConstraint(
                condition=Q(minimum__isnull=True) | Q(maximum__isnull=True) | Q(minimum__lte=models.F("maximum")),
                name="tablero_element_bounds",
            ),
        ]


class Indicator(CatalogueObject):
    """A formula over data elements: ``numerator / denominator × factor``.

    Expressions use DHIS2's syntax: ``#{elementUid}`` (every option combination), ``#{elementUid.cocUid}``,
    ``+ - * /``, numbers and parentheses; codes in braces work too. The formula in force for a
    period is the latest :class:`IndicatorFormula` that started on or before the period's end, so a
    formula change keeps earlier values explainable.
    """

    goal_area = models.CharField(_("goal area"), max_length=20, choices=GoalArea.choices, blank=True)
    unit = models.CharField(
        _("unit"), max_length=80, blank=True, help_text=_('For example "%" or "per 1,000 children".')
    )
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=1)
    direction = models.CharField(_("direction of improvement"), max_length=8, choices=Direction.choices)
    # Filled by the computed-indicator registry for indicators no one types (plan progress …).
    computed_by = models.CharField(_("computed by"), max_length=80, blank=True, editable=False)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "code"], name="tablero_indicator_code")]


class IndicatorFormula(models.Model):
    """One version of an indicator's formula; never edited (a change adds a version)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="formulas"
    )
    numerator = models.TextField(_("numerator"))
    numerator_description = models.CharField(_("numerator description"), max_length=230, blank=True)
    denominator = models.TextField(_("denominator"), default="1")
    denominator_description = models.CharField(_("denominator description"), max_length=230, blank=True)
    factor = models.DecimalField(_("factor"), max_digits=12, decimal_places=2, default=1)
    valid_from = models.DateField(_("in force from"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("indicator formula")
        verbose_name_plural = _("indicator formulas")
        ordering = ["indicator_id", "valid_from", "id"]
        get_latest_by = ["valid_from", "id"]

    def __str__(self) -> str:
        return f"({self.numerator}) / ({self.denominator}) × {self.factor}"


class DataSet(CatalogueObject):
    period_type = models.CharField(_("period type"), max_length=16, choices=PeriodType.choices)
    level = models.PositiveSmallIntegerField(_("org-unit level"), help_text=_("Where the data are entered."))
    owner_area_kind = models.CharField(
        _("owner area"),
        max_length=32,
        choices=AreaKind.choices,
        blank=True,
        help_text=_("The kind of municipal area that enters the data."),
    )
    due_days = models.PositiveSmallIntegerField(_("due days after the period"), default=15)
    data_elements = models.ManyToManyField(DataElement, verbose_name=_("data elements"), related_name="data_sets")

    class Meta:
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="tablero_dataset_code"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="tablero_dataset_level"),
        ]


class Period(models.Model):
    """An ISO period, stored once and referred to by its id (``tablero.periods`` knows its rules)."""

    iso = models.CharField(_("period"), max_length=10, unique=True)
    period_type = models.CharField(_("period type"), max_length=16, choices=PeriodType.choices)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["start_date", "end_date"]
        indexes = [models.Index(fields=["period_type", "start_date"], name="tablero_period_type_start")]

    def __str__(self) -> str:
        return self.iso


class DataValue(models.Model):
    """One number: element × option combination × org unit × period. Deleting keeps the row
    (``deleted``), as DHIS2 does, so the trail and a sync to a ministry know it went away."""

    # No index per foreign key: every read names the element or the unit, which lead the unique key
    # and the (unit, period) index; each index more costs every row of a million-value import
    # (issue #10's benchmark: 9 indexes → 4). Deleting a catalogue object or a user (rare; PROTECT
    # and SET_NULL look the rows up) scans the table instead.
    data_element = models.ForeignKey(
        DataElement, verbose_name=_("data element"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    option_combo = models.ForeignKey(
        CategoryOptionCombo,
        verbose_name=_("disaggregation"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    follow_up = models.BooleanField(_("marked for follow-up"), default=False)
    deleted = models.BooleanField(_("deleted"), default=False)
    stored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("stored by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        constraints = [
            models.UniqueConstraint(
                fields=["data_element", "period", "org_unit", "option_combo"], name="tablero_value_unique"
            ),
        ]
        indexes = [
            # A unit's values of a period (the data entry form, the last-value recomputation).
            models.Index(fields=["org_unit", "period"], name="tablero_value_unit_period"),
            models.Index(fields=["updated_at"], name="tablero_value_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.data_element_id}/{self.option_combo_id}/{self.org_unit_id}/{self.period_id}"


class AggregateValue(models.Model):
    """One aggregate cell: an element × option combination over an org unit's whole subtree (the
    unit itself included) and a period (decision 0017). ``total`` and ``count`` add up every value
    counted; ``last_total`` adds up each contributing unit's latest value in the period; ``minimum``
    and ``maximum`` are the extremes. Written only by ``tablero.aggregation``.

    A cell is derived from the values (``manage.py tablero_verify --fix`` rebuilds it), so its keys
    carry no database foreign-key constraint (decision 0017, "Measured"): a national import inserts
    a million cells and each constraint is a trigger per row at commit. Deleting an element, a
    combination, a unit or a period through Django still deletes its cells (``CASCADE`` is Django's)."""

    data_element = models.ForeignKey(
        DataElement, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    option_combo = models.ForeignKey(
        CategoryOptionCombo, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    org_unit = models.ForeignKey(
        "territory.OrgUnit", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    total = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    count = models.BigIntegerField(default=0)
    last_total = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    minimum = models.DecimalField(max_digits=20, decimal_places=4, null=True)
    maximum = models.DecimalField(max_digits=20, decimal_places=4, null=True)

    class Meta:
        constraints = [
            # The key, in the order the dashboards ask: an element, a few units, a few periods.
            models.UniqueConstraint(
                fields=["data_element", "org_unit", "period", "option_combo"], name="tablero_aggregate_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.data_element_id}/{self.option_combo_id}/{self.org_unit_id}/{self.period_id}"


class Target(models.Model):
    """What a municipality (or the country) aims at for an indicator in a period."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("org unit"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=4)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "org_unit", "period"], name="tablero_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.org_unit_id}/{self.period_id}"


class PeriodStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("data set period", "Open")
    SUBMITTED = "submitted", pgettext_lazy("data set period", "Submitted")
    APPROVED = "approved", pgettext_lazy("data set period", "Approved")


class DataSetPeriod(VersionedModel):
    """A data set's figures of one org unit and period: entered (open), submitted by the focal point,
    approved by the coordinator (then read-only until reopened, with a reason). A row exists once
    somebody submitted; no row means open."""

    data_set = models.ForeignKey(DataSet, verbose_name=_("data set"), on_delete=models.CASCADE, related_name="periods")
    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("org unit"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    reopen_reason = models.CharField(_("reason for reopening"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("data set period")
        verbose_name_plural = _("data set periods")
        constraints = [
            models.UniqueConstraint(fields=["data_set", "org_unit", "period"], name="tablero_dataset_period_unique")
        ]
        indexes = [models.Index(fields=["org_unit", "status"], name="tablero_dsp_unit_status")]

    def __str__(self) -> str:
        return f"{self.data_set_id}/{self.org_unit_id}/{self.period_id}"


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    DHIS2_JSON = "dhis2_json", pgettext_lazy("import format", "DHIS2 JSON")
    ADX = "adx", "ADX"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("import status", "Queued")
    CHECKING = "checking", pgettext_lazy("import status", "Checking")
    CHECKED = "checked", pgettext_lazy("import status", "Checked")
    APPLYING = "applying", pgettext_lazy("import status", "Applying")
    APPLIED = "applied", pgettext_lazy("import status", "Applied")
    REJECTED = "rejected", pgettext_lazy("import status", "Rejected")
    FAILED = "failed", pgettext_lazy("import status", "Failed")


class ValueImport(VersionedModel):
    """One uploaded file of values: checked (dry run) first, then applied atomically by a job; the
    page follows ``processed_rows`` of ``total_rows`` and shows ``report`` (counts and every rejected
    row with its reason) when done."""

    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="tablero/imports/%Y/%m/", max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=12, choices=ImportFormat.choices)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("value import")
        verbose_name_plural = _("value imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["org_unit", "-created_at"], name="tablero_import_unit")]

    def __str__(self) -> str:
        return self.file_name


class PublishedIndicator(models.Model):
    """An indicator a municipality shows on its public page (the coordinator chooses)."""

    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+")
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("published indicator")
        verbose_name_plural = _("published indicators")
        ordering = ["org_unit_id", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "indicator"], name="tablero_published_unique")]

    def __str__(self) -> str:
        return f"{self.org_unit_id}/{self.indicator_id}"


class Dashboard(VersionedModel):
    """A saved dashboard: its owner, the org unit it looks at, the pinned indicators and the filters
    (``items``: a list of {"indicator": uid, "chart": "trend"|"bars"|"map"|"table", …})."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="+"
    )
    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("org unit"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    items = models.JSONField(_("items"), default=list, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboards")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- The push to a ministry's DHIS2 (issue #10 item 5, ``tablero.push``) -------------------------


class PushIdScheme(models.TextChoices):
    CODE = "CODE", pgettext_lazy("id scheme", "Codes")
    UID = "UID", pgettext_lazy("id scheme", "Uids")


class PushTarget(VersionedModel):
    """Where a country's approved values go: a ministry's DHIS2, its token, the ids it knows ours by.

    ``mapping`` is ``{"dataElements": {ronda_code: ministry_id}, "categoryOptionCombos": {…},
    "organisationUnits": {…}}``; a code without an entry is sent as it is (in ``id_scheme``).
    """

    # The token is a credential, not a person's data: declared here so that ``audit.snapshot``
    # writes "[redacted]" for it by itself (the trail records that it changed, never what it is).
    PERSONAL_FIELDS = ("token",)

    country = models.OneToOneField(
        "territory.OrgUnit", verbose_name=_("country"), on_delete=models.CASCADE, related_name="+"
    )
    base_url = models.URLField(_("DHIS2 address"), max_length=300)
    # Sealed (ronda/core/sealing.py): a 500-character token is 770 characters sealed.
    token = models.CharField(_("access token"), max_length=800, blank=True)
    id_scheme = models.CharField(
        _("identifiers sent"), max_length=8, choices=PushIdScheme.choices, default=PushIdScheme.CODE
    )
    mapping = models.JSONField(_("code mapping"), default=dict, blank=True)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    # The automatic push: every day at this hour of the country's time zone (None: only when asked
    # for). ``next_push_at`` is when the next one is due, kept by ``tablero.push`` (bookkeeping: it
    # changes without a new ``version``, so the nightly run never makes an open form stale).
    daily_push_hour = models.PositiveSmallIntegerField(
        _("automatic push hour"), null=True, blank=True, validators=[MaxValueValidator(23)]
    )
    next_push_at = models.DateTimeField(_("next automatic push"), null=True, blank=True)

    class Meta:
        verbose_name = _("DHIS2 push target")
        verbose_name_plural = _("DHIS2 push targets")
        constraints = [
            models.CheckConstraint(condition=Q(daily_push_hour__lte=23), name="tablero_push_hour_range"),
        ]

    def __str__(self) -> str:
        return self.base_url


class PushStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("push status", "Queued")
    RUNNING = "running", pgettext_lazy("push status", "Sending")
    SUCCESS = "success", pgettext_lazy("push status", "Imported by the ministry")
    WARNING = "warning", pgettext_lazy("push status", "Imported with conflicts")
    FAILED = "failed", pgettext_lazy("push status", "Failed")


class PushLog(models.Model):
    """One push of a data set's approved values: what was sent and what the ministry's DHIS2 said."""

    target = models.ForeignKey(PushTarget, verbose_name=_("target"), on_delete=models.CASCADE, related_name="logs")
    data_set = models.ForeignKey(DataSet, verbose_name=_("data set"), on_delete=models.CASCADE, related_name="+")
    # The ISO period asked for; blank: every approved period not pushed since its approval.
    period = models.CharField(_("period"), max_length=10, blank=True)
    periods = models.JSONField(_("periods sent"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=PushStatus.choices, default=PushStatus.QUEUED)
    sent = models.PositiveIntegerField(_("values sent"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    ignored = models.PositiveIntegerField(_("ignored"), default=0)
    deleted = models.PositiveIntegerField(_("deleted"), default=0)
    conflicts = models.JSONField(_("conflicts"), default=list, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("DHIS2 push")
        verbose_name_plural = _("DHIS2 pushes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target", "-created_at"], name="tablero_push_target")]

    def __str__(self) -> str:
        return f"{self.data_set_id}/{self.period or '*'}"


class PushedPeriod(models.Model):
    """An approved data set period as it was last pushed: pushed again only once it is approved anew."""

    target = models.ForeignKey(PushTarget, on_delete=models.CASCADE, related_name="+")
    data_set_period = models.ForeignKey(DataSetPeriod, on_delete=models.CASCADE, related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True)
    log = models.ForeignKey(PushLog, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "data_set_period"], name="tablero_pushed_period_unique")
        ]

    def __str__(self) -> str:
        return f"{self.target_id}/{self.data_set_period_id}"

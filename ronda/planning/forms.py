"""Forms of the planning pages. They parse input; the services decide what is valid and allowed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ronda.core.errors import Errors
from ronda.core.forms import (  # LongTextField: re-exported for planning callers
    BoundedDateField,
    IdModelChoiceField,
    IdModelMultipleChoiceField,
    LongTextField,
)
from ronda.planning import limits
from ronda.planning.choices import GoalArea, Horizon
from ronda.planning.models import (
    Criticality,
    ImprovementOpportunity,
    InstrumentKind,
    InstrumentStatus,
    LocalPlan,
    MeasureStatus,
    Objective,
    SituationAnalysis,
    Weighting,
)
from ronda.planning.services import (
    MAX_EVIDENCE_FILES,
    MAX_WORKSHOP_PARTICIPANTS,
    ChangeRecord,
    InstrumentFields,
    institutions_for,
)
from ronda.planning.services.common import check_in_period
from ronda.planning.services.measures import BudgetLine
from ronda.planning.services.series import usable_catalogue_indicators
from ronda.tablero.models import Indicator
from ronda.territory.forms import VersionField
from ronda.territory.models import Area, Level, OrgUnit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label: Any, required: bool = True, **kwargs: Any) -> BoundedDateField:
    return BoundedDateField(label=label, required=required, widget=DateInput(), **kwargs)


def amount_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
    )


class MunicipalityField(forms.CharField):
    """An administrator names the municipality by its code (there may be thousands)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label=_("Municipality (code)"), max_length=50, **kwargs)


def municipality_from_code(code: str, visible_units: Any) -> OrgUnit:
    unit = visible_units.filter(code=code.strip(), level=Level.MUNICIPALITY).first()
    if unit is None:
        raise forms.ValidationError(_("No municipality with code %(code)s in your territory."), params={"code": code})
    return unit


class ChangeFieldsMixin(forms.Form):
    """The change record an approved plan asks for; removed while the plan is a draft."""

    change_what = LongTextField(
        label=_("What changes"),
        required=False,
        max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty to describe it from the fields you changed."),
    )
    change_why = LongTextField(
        label=_("Why it changes"), required=False, max_length=limits.NOTE, widget=forms.Textarea(attrs={"rows": 2})
    )
    change_approved_by = forms.CharField(
        label=_("Change approved by"),
        required=False,
        max_length=255,
        help_text=_("E.g. the coordination body, session of 12/03; or the municipal council."),
    )

    CHANGE_FIELDS = ("change_what", "change_why", "change_approved_by")

    def setup_change(self, plan: LocalPlan | None) -> None:
        self.needs_change = plan is not None and plan.is_approved
        if not self.needs_change:
            for name in self.CHANGE_FIELDS:
                self.fields.pop(name, None)

    def change_fields(self) -> list[Any]:
        return [self[name] for name in self.CHANGE_FIELDS if name in self.fields]

    def other_fields(self) -> list[Any]:
        return [f for f in self.visible_fields() if f.name not in self.CHANGE_FIELDS]

    def change_record(self) -> ChangeRecord | None:
        if not getattr(self, "needs_change", False):
            return None
        data = self.cleaned_data
        return ChangeRecord(
            what=data.get("change_what", ""),
            why=data.get("change_why", ""),
            approved_by=data.get("change_approved_by", ""),
        )


# --- Diagnosis ------------------------------------------------------------------------
class AnalysisForm(forms.Form):
    municipality = MunicipalityField()
    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = date_field(_("Period start"))
    period_end = date_field(_("Period end"))
    summary = LongTextField(
        label=_("Summary"), required=False, max_length=limits.SUMMARY, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = VersionField(required=False)


class CatalogueIndicatorField(IdModelChoiceField):
    """A catalogue indicator of the Tablero a plan (or a diagnosis) may use: the municipality's own
    and the national ones, not archived (``setup_catalogue``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Indicator.objects.none(), required=False, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


def setup_catalogue(field: forms.Field, unit: OrgUnit, current: Indicator | None = None) -> None:
    field.queryset = usable_catalogue_indicators(unit, current)  # type: ignore[attr-defined]


class FindingForm(forms.Form):
    goal_area = forms.ChoiceField(label=_("Goal area"), choices=GoalArea.choices)
    text = LongTextField(label=_("Finding"), max_length=limits.DESCRIPTION, widget=forms.Textarea(attrs={"rows": 4}))
    cited_indicator = CatalogueIndicatorField(
        label=_("Indicator cited"),
        help_text=_("Optional: a figure of the Tablero the finding rests on. Its value is kept as it reads today."),
    )
    cited_period = forms.CharField(
        label=_("Period of the value"),
        required=False,
        max_length=10,
        help_text=_("For example 2025 (a year), 2025S1, 2025Q2 or 202506."),
    )

    def setup_catalogue(self, unit: OrgUnit, current: Indicator | None = None) -> None:
        setup_catalogue(self.fields["cited_indicator"], unit, current)


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = date_field(_("Held on"))
    adult_participants = forms.IntegerField(
        label=_("Adult participants"), min_value=0, max_value=MAX_WORKSHOP_PARTICIPANTS, initial=0
    )
    children_0_5 = forms.IntegerField(
        label=_("Children 0–5"), min_value=0, max_value=MAX_WORKSHOP_PARTICIPANTS, initial=0
    )
    children_6_11 = forms.IntegerField(
        label=_("Children 6–11"), min_value=0, max_value=MAX_WORKSHOP_PARTICIPANTS, initial=0
    )
    children_12_17 = forms.IntegerField(
        label=_("Adolescents 12–17"), min_value=0, max_value=MAX_WORKSHOP_PARTICIPANTS, initial=0
    )
    notes = LongTextField(
        label=_("Notes"), required=False, max_length=limits.NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )


class OpportunityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    description = LongTextField(
        label=_("Description"), required=False, max_length=limits.DESCRIPTION, widget=forms.Textarea(attrs={"rows": 3})
    )
    goal_area = forms.ChoiceField(label=_("Goal area"), choices=GoalArea.choices)
    criticality = forms.ChoiceField(label=_("Criticality"), choices=Criticality.choices)
    horizon = forms.ChoiceField(label=_("Horizon"), choices=Horizon.choices)
    version = VersionField(required=False)


# --- The plan ----------------------------------------------------------------------------
class PlanForm(ChangeFieldsMixin, forms.Form):
    municipality = MunicipalityField()
    title = forms.CharField(label=_("Title"), max_length=255)
    period_start = date_field(_("Period start"))
    period_end = date_field(_("Period end"))
    weighting = forms.ChoiceField(
        label=_("Progress weighting"),
        choices=Weighting.choices,
        help_text=_("How measures add up to objectives, lines and the plan."),
    )
    situation_analysis = IdModelChoiceField(
        label=_("Diagnosis"), queryset=SituationAnalysis.objects.none(), required=False
    )
    version = VersionField(required=False)
    field_order = ["municipality", "title", "period_start", "period_end", "weighting", "situation_analysis"]


class PlanStatusForm(forms.Form):
    approved_on = date_field(_("Approved on"), required=False)
    approved_by = forms.CharField(
        label=_("Approved by"), required=False, max_length=255, help_text=_("E.g. the municipal council.")
    )
    approval_reference = forms.CharField(
        label=_("Approval record"),
        required=False,
        max_length=255,
        help_text=_("E.g. the number of the council resolution or of the minutes."),
    )
    version = VersionField()


class LineForm(ChangeFieldsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    child_title = forms.CharField(
        label=_("Title for children"),
        required=False,
        max_length=limits.CHILD_TITLE,
        help_text=_(
            "Plain words a ten-year-old understands, without acronyms. Shown on the children's page "
            "instead of the title; left empty, the page uses the words of the goal area."
        ),
    )
    goal_area = forms.ChoiceField(label=_("Goal area"), choices=GoalArea.choices)
    field_order = ["title", "child_title", "goal_area"]


class ObjectiveForm(ChangeFieldsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    field_order = ["title"]


class MeasureForm(ChangeFieldsMixin, forms.Form):
    objective = IdModelChoiceField(label=_("Objective"), queryset=Objective.objects.none())
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        required=False,
        help_text=_("Leave it empty to number the measure by line and objective, e.g. 2.1.3."),
    )
    title = forms.CharField(label=_("Title"), max_length=255)
    description = LongTextField(
        label=_("Description"), required=False, max_length=limits.DESCRIPTION, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible_area = IdModelChoiceField(label=_("Responsible area"), queryset=Area.objects.none())
    co_areas = IdModelMultipleChoiceField(
        label=_("Co-responsible areas"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    co_institutions = IdModelMultipleChoiceField(
        label=_("Co-responsible institutions"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    horizon = forms.ChoiceField(label=_("Horizon"), choices=Horizon.choices)
    start_date = date_field(pgettext_lazy("period", "Start"))
    end_date = date_field(pgettext_lazy("period", "End"))
    status = forms.ChoiceField(
        label=pgettext_lazy("plan measure", "Status"), choices=MeasureStatus.choices, initial=MeasureStatus.NOT_STARTED
    )
    source_opportunity = IdModelChoiceField(
        label=_("From improvement opportunity"), queryset=ImprovementOpportunity.objects.none(), required=False
    )
    version = VersionField(required=False)

    MAIN = (
        "objective",
        "code",
        "title",
        "description",
        "responsible_area",
        "co_areas",
        "co_institutions",
        "horizon",
        "start_date",
        "end_date",
        "status",
        "source_opportunity",
    )

    def __init__(self, *args: Any, plan: LocalPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.years = list(range(plan.period_start.year, plan.period_end.year + 1))
        areas = Area.objects.filter(org_unit=plan.org_unit, is_active=True).order_by("name")
        # By line, then objective: 1.1, 1.2, 2.1 … (not by creation: 1.1, 2.1, 3.1, 1.2).
        self.fields["objective"].queryset = (  # type: ignore[attr-defined]
            Objective.objects.filter(line__plan=plan).select_related("line").order_by("line__order", "order", "id")
        )
        self.fields["objective"].label_from_instance = lambda o: f"{o.line.order}.{o.order} {o.title}"  # type: ignore[attr-defined]
        self.fields["responsible_area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["co_areas"].queryset = areas  # type: ignore[attr-defined]
        self.fields["co_institutions"].queryset = institutions_for(plan)  # type: ignore[attr-defined]
        self.fields["source_opportunity"].queryset = ImprovementOpportunity.objects.filter(  # type: ignore[attr-defined]
            analysis__org_unit=plan.org_unit
        ).order_by("title")
        for year in self.years:
            self.fields[f"planned_{year}"] = amount_field(_("Planned %(year)s") % {"year": year})
            self.fields[f"executed_{year}"] = amount_field(_("Executed %(year)s") % {"year": year})
        self.setup_change(plan)

    def clean(self) -> dict[str, Any]:
        """The date rules the service applies, checked here too, so that a form with another mistake
        (an empty title) reports a date outside the plan period in the same round (#9 item 19)."""
        data = super().clean() or {}
        errors = Errors()
        start, end = data.get("start_date"), data.get("end_date")
        check_in_period(errors, self.plan, "start_date", start)
        check_in_period(errors, self.plan, "end_date", end)
        if start is not None and end is not None and end < start:
            errors.add("end_date", gettext("The end cannot be before the start."))
        for field, messages in errors.as_dict().items():
            for message in messages:
                self.add_error(field, message)
        return data

    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.MAIN]

    def budget_rows(self) -> list[tuple[int, Any, Any]]:
        return [(y, self[f"planned_{y}"], self[f"executed_{y}"]) for y in self.years]

    def budgets(self) -> list[BudgetLine]:
        data = self.cleaned_data
        return [BudgetLine(y, data.get(f"planned_{y}"), data.get(f"executed_{y}")) for y in self.years]

    def measure_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = [name for name in self.MAIN if name not in ("co_areas", "co_institutions")]
        return {name: data[name] for name in names}


class IndicatorForm(ChangeFieldsMixin, forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=255)
    unit = forms.CharField(label=_("Unit"), max_length=50, required=False)
    baseline = forms.DecimalField(label=_("Baseline"), required=False, max_digits=14, decimal_places=2)
    baseline_year = forms.IntegerField(label=_("Baseline year"), required=False, min_value=1990, max_value=2100)
    target = forms.DecimalField(label=_("Target"), required=False, max_digits=14, decimal_places=2)
    catalogue_indicator = CatalogueIndicatorField(
        label=_("Indicator of the Tablero"),
        help_text=_(
            "The catalogue indicator whose values this one shows (the national catalogue or the "
            "municipality's). Left empty, the first value recorded starts the municipality's own."
        ),
    )
    field_order = ["name", "unit", "catalogue_indicator", "baseline", "baseline_year", "target"]

    def setup_change(self, plan: LocalPlan | None) -> None:
        super().setup_change(plan)
        if plan is not None:
            current = self.initial.get("catalogue_indicator")
            setup_catalogue(self.fields["catalogue_indicator"], plan.org_unit, current)


class IndicatorValueForm(forms.Form):
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    measured_on = date_field(_("Measured on"))


class MilestoneForm(ChangeFieldsMixin, forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=255)
    due_on = date_field(_("Due on"))
    field_order = ["title", "due_on"]


class MilestoneDoneForm(forms.Form):
    done_on = date_field(_("Done on"))


# --- Progress (the focal point's phone form) ------------------------------------------------
class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/*,application/pdf", "multiple": True}),
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class LocalizedDecimalInput(forms.TextInput):
    """A number written as the user's language writes it ("85,00" in Spanish), with the phone's
    decimal keypad. Not ``type="number"``: a browser shows and sends that one with a decimal point."""

    def __init__(self, decimal_places: int = 2, attrs: dict[str, Any] | None = None) -> None:
        self.decimal_places = decimal_places
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return formats.number_format(value, self.decimal_places, use_l10n=True)
        return super().format_value(value)


class LocalizedDecimalField(forms.DecimalField):
    """Accepts "85,5" and "85.5" alike, whatever the language: a percentage has no thousands."""

    widget = LocalizedDecimalInput

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # DecimalField would add min, max and step, which only a type="number" input understands.
        return {}


def percent_field(label: Any) -> LocalizedDecimalField:
    return LocalizedDecimalField(label=label, min_value=0, max_value=100, max_digits=5, decimal_places=2)


class ProgressForm(forms.Form):
    percent = percent_field(_("Progress (%)"))
    justification = LongTextField(
        label=_("What was done"),
        max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The justification of this progress: activities, results, difficulties."),
    )
    photo = forms.FileField(
        label=_("Take a photo"),
        required=False,
        help_text=_("On a phone this opens the camera."),
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    evidence = MultipleFileField(
        label=_("Evidence (photos or PDF)"),
        required=False,
    )
    drop_reason = LongTextField(
        label=_("Why does progress go down?"),
        required=False,
        max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required only when the progress you enter is lower than the current one."),
    )
    version = VersionField()

    def files_to_attach(self) -> list[Any]:
        photo = self.cleaned_data.get("photo")
        return ([photo] if photo else []) + list(self.cleaned_data.get("evidence") or [])

    def __init__(self, *args: Any, current: Decimal | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not current:
            # Progress at 0 % cannot go down: the phone form stays short.
            self.fields.pop("drop_reason")
        self.fields["evidence"].help_text = ngettext(
            "Optional. Photos (JPEG, PNG) or PDF documents: up to %(n)d file of %(mb)d MB.",
            "Optional. Photos (JPEG, PNG) or PDF documents: up to %(n)d files of %(mb)d MB each.",
            MAX_EVIDENCE_FILES,
        ) % {"n": MAX_EVIDENCE_FILES, "mb": settings.RONDA_UPLOAD_MAX_BYTES // (1024 * 1024)}


class ProgressCorrectionForm(forms.Form):
    percent = percent_field(_("Corrected progress (%)"))
    reason = LongTextField(
        label=_("What was wrong in the report"),
        max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The report keeps its figure and is shown as corrected, with this reason."),
    )
    version = VersionField()


# --- Policy instruments and the municipal budget (issue #13 item 13) ----------------------------
class InstrumentForm(forms.Form):
    municipality = MunicipalityField()
    kind = forms.ChoiceField(label=_("Kind"), choices=InstrumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE)
    reference = forms.CharField(
        label=_("Number or reference"), max_length=100, required=False, help_text=_("E.g. Ordinance 12-2024.")
    )
    status = forms.ChoiceField(label=pgettext_lazy("policy instrument", "Status"), choices=InstrumentStatus.choices)
    approved_on = date_field(_("Approved on"), required=False)
    in_force_from = date_field(_("In force from"), required=False)
    in_force_until = date_field(_("In force until"), required=False, help_text=_("Leave empty if it has no end."))
    approving_body = forms.CharField(
        label=_("Approving body"), max_length=limits.TITLE, required=False, help_text=_("E.g. the municipal council.")
    )
    summary = LongTextField(
        label=_("Summary"),
        required=False,
        max_length=limits.DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the public page once the instrument is approved."),
    )
    notes = LongTextField(
        label=_("Internal notes"),
        required=False,
        max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Never shown on the public page."),
    )
    version = VersionField(required=False)

    def instrument_fields(self) -> InstrumentFields:
        data = self.cleaned_data
        return InstrumentFields(
            kind=data["kind"],
            title=data["title"],
            status=data["status"],
            reference=data.get("reference") or "",
            approved_on=data.get("approved_on"),
            in_force_from=data.get("in_force_from"),
            in_force_until=data.get("in_force_until"),
            approving_body=data.get("approving_body") or "",
            summary=data.get("summary") or "",
            notes=data.get("notes") or "",
        )


class InstrumentDocumentForm(forms.Form):
    title = forms.CharField(
        label=pgettext_lazy("policy document", "Document"),
        max_length=200,
        help_text=_("E.g. the approved text. Uploading again under the same name keeps the earlier versions."),
    )
    evidence = forms.FileField(
        label=_("File (PDF or photo)"), widget=forms.FileInput(attrs={"accept": "image/*,application/pdf"})
    )
    version = VersionField()


class MunicipalBudgetForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    total = forms.DecimalField(
        label=_("Total municipal budget"),
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        help_text=_("The whole budget of the municipality for the year, in its currency."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=limits.TITLE,
        required=False,
        help_text=_("E.g. the budget approved by the council, agreement 12."),
    )
    document = forms.FileField(
        label=_("Document (PDF or photo)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    version = VersionField(required=False)


# --- Co-responsibility and the focal points' figures (services/coresponsibility.py) ----------------
class ContributionForm(forms.Form):
    partner = forms.ChoiceField(label=_("On behalf of"), required=False)
    reported_on = date_field(pgettext_lazy("contribution", "Date"))
    text = LongTextField(
        label=_("What your area or institution did"),
        max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your part of the measure: activities, results, difficulties."),
    )
    executed = amount_field(pgettext_lazy("contribution", "Executed of your own budget"))

    def __init__(self, *args: Any, partners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["executed"].help_text = _("Optional: what your area or institution spent on it, in total.")
        if len(partners) > 1:
            self.fields["partner"].choices = partners  # type: ignore[attr-defined]
            self.fields["partner"].required = True
        else:
            self.fields.pop("partner")


class MilestoneReportForm(forms.Form):
    done_on = date_field(_("Done on"))
    note = LongTextField(
        label=pgettext_lazy("focal report", "Note for the coordinator"), max_length=limits.NOTE, required=False
    )


class BudgetReportForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    executed = forms.DecimalField(
        label=pgettext_lazy("focal report", "Executed in the year"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        help_text=_("The total executed in that year so far; it replaces the figure in force once validated."),
    )
    note = LongTextField(
        label=pgettext_lazy("focal report", "Note for the coordinator"), max_length=limits.NOTE, required=False
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]


class IndicatorReportForm(forms.Form):
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    measured_on = date_field(_("Measured on"))
    note = LongTextField(
        label=pgettext_lazy("focal report", "Note for the coordinator"), max_length=limits.NOTE, required=False
    )


class ReviewForm(forms.Form):
    VALIDATE = "validate"
    RETURN = "return"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (VALIDATE, pgettext_lazy("focal report", "Validate: the figure counts from now")),
            (RETURN, pgettext_lazy("focal report", "Return it to the focal point with a comment")),
        ],
        widget=forms.RadioSelect,
    )
    comment = LongTextField(
        label=_("Comment"),
        max_length=limits.NOTE,
        required=False,
        help_text=_("Required when you return the figure: say what is wrong."),
    )
    version = VersionField()


class StaleWeeksForm(forms.Form):
    stale_weeks = forms.IntegerField(
        label=_("Weeks without a progress report before an alert"),
        min_value=1,
        max_value=52,
        help_text=_("From 1 to 52 weeks."),
    )
    version = VersionField()

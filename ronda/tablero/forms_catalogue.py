"""The catalogue's forms: data elements, indicators (with the formula), data sets, categories and
their options, disaggregations. The services check the rules again (codes, owners, formulas)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ronda.core.forms import BoundedDateField, IdModelChoiceField, IdModelMultipleChoiceField
from ronda.planning.choices import GoalArea
from ronda.tablero import services
from ronda.tablero.models import (
    AggregationType,
    Category,
    CategoryCombo,
    CategoryOption,
    DataElement,
    Direction,
    ValueType,
)
from ronda.tablero.periods import PeriodType
from ronda.territory.forms import VersionField
from ronda.territory.models import AreaKind, Level, OrgUnit

GOAL_CHOICES = [("", "—"), *GoalArea.choices]
LEVEL_CHOICES = [(str(value), label) for value, label in Level.choices]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CatalogueForm(forms.Form):
    """What every catalogue object has. ``owners``: the catalogues to choose from (administrators);
    None when the owner is the actor's own catalogue or the object exists already."""

    owner = IdModelChoiceField(label=_("Catalogue"), queryset=OrgUnit.objects.none(), required=False)
    name = forms.CharField(label=_("Name"), max_length=services.NAME_LIMIT)
    short_name = forms.CharField(
        label=_("Short name"),
        max_length=services.SHORT_NAME_LIMIT,
        required=False,
        help_text=_("For charts and tables; the name is used when empty."),
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=services.CODE_LIMIT,
        help_text=_("Unique in this catalogue and not used by the national one."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=services.DESCRIPTION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, owners: QuerySet[OrgUnit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.fields["owner"]
        else:
            cast(forms.ModelChoiceField, self.fields["owner"]).queryset = owners
            self.fields["owner"].required = True

    def editing(self) -> None:
        self.fields["version"].required = True


class DataElementForm(CatalogueForm):
    value_type = forms.ChoiceField(label=_("Value type"), choices=ValueType.choices)
    aggregation_type = forms.ChoiceField(
        label=_("Aggregation"),
        choices=AggregationType.choices,
        help_text=_("How values of several units and periods become one."),
    )
    zero_is_significant = forms.BooleanField(
        label=_("Zero is significant"),
        required=False,
        help_text=_("When off, a zero is not stored (it counts as no data), as in DHIS2."),
    )
    category_combo = IdModelChoiceField(
        label=_("Disaggregation"),
        queryset=CategoryCombo.objects.none(),
        required=False,
        empty_label=_("None (one total)"),
    )
    goal_area = forms.ChoiceField(label=_("Goal area"), choices=GOAL_CHOICES, required=False)
    from_personal_records = forms.BooleanField(
        label=_("Counts people from personal records"),
        required=False,
        help_text=_("Published only with small counts hidden."),
    )
    minimum = forms.DecimalField(label=_("Lowest valid value"), required=False, max_digits=20, decimal_places=4)
    maximum = forms.DecimalField(label=_("Highest valid value"), required=False, max_digits=20, decimal_places=4)

    def __init__(self, *args: Any, combos: QuerySet[CategoryCombo], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["category_combo"]).queryset = combos


class IndicatorForm(CatalogueForm):
    """The formula fields ask the server, as one types, what is wrong with them (htmx)."""

    numerator = forms.CharField(
        label=_("Numerator"),
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text=_("Data elements as #{code} or #{uid}, one disaggregation as #{code.option}; + - * / and numbers."),
    )
    numerator_description = forms.CharField(
        label=_("What the numerator counts"), required=False, max_length=services.NAME_LIMIT
    )
    denominator = forms.CharField(
        label=_("Denominator"),
        initial="1",
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text=_("1 for a count."),
    )
    denominator_description = forms.CharField(
        label=_("What the denominator counts"), required=False, max_length=services.NAME_LIMIT
    )
    factor = forms.DecimalField(
        label=_("Factor"),
        initial=Decimal(1),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("100 for a percentage, 1000 for a rate per 1,000."),
    )
    valid_from = BoundedDateField(
        label=_("In force from"),
        required=False,
        widget=DateInput(),
        help_text=_("A changed formula is a new version from this date; earlier periods keep the old one."),
    )
    decimals = forms.IntegerField(label=_("Decimals"), min_value=0, max_value=services.MAX_DECIMALS, initial=1)
    direction = forms.ChoiceField(label=_("Direction of improvement"), choices=Direction.choices)
    unit = forms.CharField(
        label=_("Unit"),
        required=False,
        max_length=services.UNIT_LIMIT,
        help_text=_('For example "%" or "per 1,000 children".'),
    )
    goal_area = forms.ChoiceField(label=_("Goal area"), choices=GOAL_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("numerator", "denominator"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("tablero:catalogue_formula_check"),
                    "hx-trigger": "input changed delay:400ms, load",
                    "hx-target": f"#{name}-check",
                    "hx-include": "this",
                }
            )


class ElementChoices(IdModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class DataSetForm(CatalogueForm):
    period_type = forms.ChoiceField(label=_("Period type"), choices=PeriodType.choices)
    level = forms.TypedChoiceField(
        label=_("Org-unit level"), choices=LEVEL_CHOICES, coerce=int, help_text=_("Where the data are entered.")
    )
    owner_area_kind = forms.ChoiceField(
        label=_("Owner area"),
        required=False,
        choices=[("", "—"), *AreaKind.choices],
        help_text=_("The kind of municipal area that enters the data."),
    )
    due_days = forms.IntegerField(
        label=_("Due days after the period"), min_value=0, max_value=services.MAX_DUE_DAYS, initial=15
    )
    data_elements = ElementChoices(label=_("Data elements"), queryset=DataElement.objects.none())

    def __init__(self, *args: Any, elements: QuerySet[DataElement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["data_elements"])
        field.queryset = elements
        field.choices = _grouped_by_goal_area(elements)


def _grouped_by_goal_area(elements: QuerySet[DataElement]) -> list[tuple[str, list[tuple[int, str]]]]:
    """The elements' checkboxes in groups, one per goal area (the widget renders a group each)."""
    labels = dict(GoalArea.choices)
    groups: dict[str, list[tuple[int, str]]] = {}
    for element in elements:
        groups.setdefault(element.goal_area, []).append((element.pk, f"{element.name} ({element.code})"))
    return [(str(labels.get(area, _("No goal area"))), choices) for area, choices in groups.items()]


class CategoryForm(CatalogueForm):
    """A new category takes its options as lines "CODE, Name"; an existing one shows each option's
    name and order to edit (``options``)."""

    options_text = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line, in order: code, comma, name. For example: F, Mujeres"),
    )

    def __init__(self, *args: Any, options: list[CategoryOption] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options or []
        if options is not None:
            del self.fields["options_text"]
        for option in self.options:
            self.fields[f"option_{option.pk}_name"] = forms.CharField(
                label=_("Option %(code)s: name") % {"code": option.code},
                max_length=services.NAME_LIMIT,
                initial=option.name,
            )
            self.fields[f"option_{option.pk}_order"] = forms.IntegerField(
                label=_("Option %(code)s: order") % {"code": option.code},
                min_value=0,
                max_value=services.MAX_SORT_ORDER,
                initial=option.sort_order,
            )
            self.fields[f"option_{option.pk}_version"] = VersionField(initial=option.version)

    def clean_options_text(self) -> list[tuple[str, str]]:
        lines = [line.strip() for line in self.cleaned_data["options_text"].splitlines() if line.strip()]
        options = []
        for line in lines:
            code, comma, name = line.partition(",")
            if not comma or not code.strip() or not name.strip():
                raise forms.ValidationError(_("Write each option as: code, comma, name (“%(line)s”).") % {"line": line})
            options.append((code.strip(), name.strip()))
        return options


class CategoryComboForm(CatalogueForm):
    categories = IdModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One combination is made for each option of one times each option of the others."),
    )

    def __init__(self, *args: Any, categories: QuerySet[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["categories"]).queryset = categories


class ArchiveForm(forms.Form):
    version = VersionField()
    archived = forms.BooleanField(required=False)

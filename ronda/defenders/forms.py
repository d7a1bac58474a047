from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.accounts.models import User
from ronda.core.forms import BoundedDateField, IdModelChoiceField
from ronda.defenders.models import Activity, ActivityStatus, AgeBand, Component, EventKind, Sex
from ronda.defenders.services import CELLS, MAX_ATTENDEES_PER_CELL, Cell
from ronda.territory.forms import VersionField
from ronda.territory.models import OrgUnit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class NewDefensoriaForm(forms.Form):
    community = IdModelChoiceField(label=_("Community"), queryset=OrgUnit.objects.none())
    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("For example: Defensoría Comunitaria de Motupe.")
    )
    address = forms.CharField(label=_("Service point"), max_length=255, required=False)
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=255, required=False)

    def __init__(self, *args: Any, communities: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        assert isinstance(field, IdModelChoiceField)
        field.queryset = communities


class DefensoriaForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Service point"), max_length=255, required=False)
    opening_hours = forms.CharField(
        label=_("Opening hours"), max_length=255, required=False, help_text=_("For example: Saturdays 9:00 to 12:00.")
    )
    active = forms.BooleanField(label=_("Active"), required=False)
    version = VersionField()


class DefenderForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    since = BoundedDateField(label=_("Defender since"), widget=DateInput())
    until = BoundedDateField(
        label=_("Defender until"),
        required=False,
        widget=DateInput(),
        help_text=_("Only when they left the defensoría."),
    )
    version = VersionField(required=False)


class NewDefenderForm(DefenderForm):
    user = IdModelChoiceField(
        label=_("Ronda user"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("A volunteer without a login"),
        help_text=_("Only users with the defender role in this community."),
    )

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, IdModelChoiceField)
        user_field.queryset = users


class TrainingForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("training taken", "Training"), max_length=200)
    taken_on = BoundedDateField(label=_("Taken on"), widget=DateInput())
    hours = forms.IntegerField(
        label=_("Hours"), min_value=1, max_value=2000, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )


class ActivityForm(forms.Form):
    component = forms.ChoiceField(label=_("Component"), choices=Component.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    planned_on = BoundedDateField(label=_("Planned date"), widget=DateInput())
    responsible = forms.CharField(label=_("Responsible"), max_length=200, required=False)
    budget = forms.DecimalField(
        label=_("Budget"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
    )
    version = VersionField(required=False)


class ActivityEditForm(ActivityForm):
    status = forms.ChoiceField(label=pgettext_lazy("activity", "Status"), choices=ActivityStatus.choices)
    cancel_reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=500, required=False, help_text=_("Required when cancelled.")
    )


def cell_field(cell: Cell) -> str:
    sex, band = cell
    return "att_" + sex + "_" + band.replace("-", "_").replace("+", "plus")


# The grid's column headers, also read out with each cell (a screen reader hears "Children 0 to 5:
# women and girls" on entering it).
SEX_COLUMNS = {Sex.FEMALE: _("Women and girls"), Sex.MALE: _("Men and boys")}


def cell_label(cell: Cell) -> str:
    sex, band = cell
    return f"{AgeBand(band).label}: {SEX_COLUMNS[Sex(sex)]}"


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of event"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    held_on = BoundedDateField(label=pgettext_lazy("event", "Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    component = forms.ChoiceField(label=_("Component"), choices=Component.choices)
    activity = IdModelChoiceField(
        label=_("Work plan activity"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label=pgettext_lazy("no work plan activity", "None"),
    )
    held = forms.BooleanField(label=_("The event has been held"), required=False)
    version = VersionField(required=False)

    def __init__(self, *args: Any, activities: QuerySet[Activity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        activity_field = self.fields["activity"]
        assert isinstance(activity_field, IdModelChoiceField)
        activity_field.queryset = activities
        # The attendance grid: one whole number per sex and age band (drawn as a table, not in the field list).
        for cell in CELLS:
            self.fields[cell_field(cell)] = forms.IntegerField(
                label=cell_label(cell),
                min_value=0,
                max_value=MAX_ATTENDEES_PER_CELL,
                required=False,
                initial=0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "cell"}),
            )

    GRID_FIELDS = frozenset(cell_field(c) for c in CELLS)

    def main_fields(self) -> list[forms.BoundField]:
        return [f for f in self.visible_fields() if f.name not in self.GRID_FIELDS]

    def grid(self) -> list[tuple[str, list[forms.BoundField]]]:
        """Rows of the grid: (age band, [the field of each sex])."""
        return [(str(band.label), [self[cell_field((sex, band.value))] for sex in Sex.values]) for band in AgeBand]

    def grid_columns(self) -> list[str]:
        return [str(SEX_COLUMNS[sex]) for sex in Sex]

    def attendance(self) -> dict[Cell, int]:
        return {cell: self.cleaned_data.get(cell_field(cell)) or 0 for cell in CELLS}

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.core.forms import BoundedDateField
from ronda.territory.forms import VersionField
from ronda.territory.models import Area
from ronda.training.models import Topic
from ronda.training.services import MAX_HOURS, MAX_PER_CELL, Counts

SEXES = (("women", _("Women")), ("men", _("Men")), ("other", _("Other or unknown")))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def cell_field(area: Area, sex: str) -> str:
    return f"area_{area.pk}_{sex}"


class TrainingForm(forms.Form):
    held_on = BoundedDateField(label=pgettext_lazy("training", "Date"), widget=DateInput())
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    topic_detail = forms.CharField(
        label=_("Subject"), max_length=255, required=False, help_text=_("What the training was about, in a few words.")
    )
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=MAX_HOURS, max_digits=5, decimal_places=1)
    trainer = forms.CharField(label=_("Trainer"), max_length=200, help_text=_("A person or an organisation."))
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_("Optional: the attendance sheet or a certificate, as a PDF or a photo (JPEG or PNG)."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        for area in areas:
            for sex, label in SEXES:
                self.fields[cell_field(area, sex)] = forms.IntegerField(
                    label=label, min_value=0, max_value=MAX_PER_CELL, required=False
                )

    def attendance(self) -> dict[Area, Counts]:
        data = self.cleaned_data
        return {area: Counts(*(data.get(cell_field(area, sex)) or 0 for sex, _label in SEXES)) for area in self.areas}

    def main_fields(self) -> list[Any]:
        return [self[name] for name in ("held_on", "topic", "topic_detail", "hours", "trainer", "evidence")]

    def area_rows(self) -> list[tuple[Area, list[Any]]]:
        return [(area, [self[cell_field(area, sex)] for sex, _label in SEXES]) for area in self.areas]

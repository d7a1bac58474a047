from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.core.forms import BoundedDateField, IdModelChoiceField, IdModelMultipleChoiceField, LongTextField
from ronda.evaluation.models import EvaluationKind, Priority, Rating, Recommendation, Timing
from ronda.evaluation.services import MAX_PARTICIPANTS, TEXT_LIMIT
from ronda.planning.choices import GoalArea, Horizon
from ronda.territory.forms import VersionField
from ronda.territory.models import Area


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=MAX_PARTICIPANTS, initial=0, required=False)


def _long(label: Any, *, rows: int = 4, help_text: Any = "") -> LongTextField:
    return LongTextField(
        label=label,
        max_length=TEXT_LIMIT,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class EvaluationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    kind = forms.ChoiceField(label=_("Type"), choices=EvaluationKind.choices)
    timing = forms.ChoiceField(label=_("Timing"), choices=Timing.choices)
    purpose = _long(_("Purpose"), rows=3)
    questions = _long(_("Evaluation questions"), rows=5, help_text=_("One question per line."))
    starts_on = BoundedDateField(label=_("Start of fieldwork"), widget=DateInput(), required=False)
    ends_on = BoundedDateField(label=_("End of fieldwork"), widget=DateInput(), required=False)
    evaluation_team = forms.CharField(
        label=_("Evaluation team"),
        max_length=500,
        required=False,
        help_text=_("The units or roles that evaluated (for example: the planning office). No people's names."),
    )
    external_firm = forms.CharField(
        label=_("External firm"),
        max_length=255,
        required=False,
        help_text=_("For an external or mixed evaluation."),
    )
    participants = _long(
        _("Who took part"), rows=3, help_text=_("Groups and institutions that took part. No people's names.")
    )
    adult_participants = _count(_("Adult participants"))
    children_0_5 = _count(_("Children 0–5"))
    children_6_11 = _count(_("Children 6–11"))
    children_12_17 = _count(_("Adolescents 12–17"))
    methodology = _long(_("Methodology"))
    summary = _long(_("Summary"), rows=6, help_text=_("Required to complete the evaluation."))
    conclusions = _long(_("Conclusions"), rows=6, help_text=_("Required to complete the evaluation."))
    lessons = _long(_("Lessons learned"))
    version = VersionField(required=False)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        for name in ("adult_participants", "children_0_5", "children_6_11", "children_12_17"):
            data[name] = data.get(name) or 0
        return data


class VersionForm(forms.Form):
    version = VersionField()


class RecommendationForm(forms.Form):
    title = forms.CharField(label=_("Recommendation"), max_length=255)
    description = _long(_("Description"))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    goal_area = forms.ChoiceField(label=_("Goal area"), choices=GoalArea.choices)
    horizon = forms.ChoiceField(label=_("Horizon"), choices=Horizon.choices)
    area = IdModelChoiceField(
        label=_("Addressed area"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("The area of the municipality the recommendation is addressed to."),
    )

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, IdModelChoiceField)
        field.queryset = areas


class AnalysisChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.period_start:%Y}–{obj.period_end:%Y})"


class CarryForm(forms.Form):
    analysis = AnalysisChoiceField(
        label=_("Diagnosis of the next plan"),
        queryset=Area.objects.none(),
        help_text=_("Each chosen recommendation becomes an improvement opportunity of this diagnosis."),
    )
    recommendations = IdModelMultipleChoiceField(
        label=_("Recommendations"), queryset=Recommendation.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, analyses: QuerySet[Any], recommendations: QuerySet[Recommendation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        analysis = self.fields["analysis"]
        chosen = self.fields["recommendations"]
        assert isinstance(analysis, IdModelChoiceField) and isinstance(chosen, IdModelMultipleChoiceField)
        analysis.queryset = analyses
        chosen.queryset = recommendations


RATING_CHOICES = [("", pgettext_lazy("evaluation rating", "Not assessed")), *Rating.choices]


class AssessmentForm(forms.Form):
    """One rating and one comment per line and per objective of the plan (fields built from the results)."""

    def __init__(self, *args: Any, nodes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nodes = nodes
        for key, label in nodes:
            self.fields[f"{key}_rating"] = forms.ChoiceField(
                label=pgettext_lazy("evaluation", "Rating"), choices=RATING_CHOICES, required=False
            )
            self.fields[f"{key}_comment"] = LongTextField(
                label=_("Comment"), max_length=TEXT_LIMIT, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"{key}_rating"].node_label = label  # type: ignore[attr-defined]

    def rows(self) -> list[tuple[str, Any, Any]]:
        return [(label, self[f"{key}_rating"], self[f"{key}_comment"]) for key, label in self.nodes]

"""The evaluator's forms (issue #14 item 5): independence, a conflict of interest, the findings per
requirement, the report. The services check everything again; these only shape the input."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.certification.models import Recommendation, Requirement, VerdictValue
from ronda.certification.services import TEXT_LIMIT
from ronda.core.forms import IdModelChoiceField, LongTextField
from ronda.territory.forms import VersionField
from ronda.territory.models import OrgUnit

FINDING_CHOICES = [("", pgettext_lazy("finding", "Not judged yet")), *VerdictValue.choices]


class IndependenceForm(forms.Form):
    version = VersionField()
    independent = forms.BooleanField(
        label=_(
            "I declare that I have no conflict of interest with this municipality: I do not work for it, and "
            "no relative of mine governs it or works in the areas evaluated."
        ),
        required=True,
    )


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you have a conflict of interest"),
        max_length=500,
        help_text=_("The secretariat reads it; it is not written in the audit trail."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StandingConflictForm(ConflictForm):
    org_unit = IdModelChoiceField(label=_("Municipality"), queryset=OrgUnit.objects.none())

    field_order = ["org_unit", "reason"]

    def __init__(self, *args: Any, municipalities: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = municipalities  # type: ignore[attr-defined]


class FindingsForm(forms.Form):
    """One verdict and one comment per requirement of the framework (fields built from the evidence)."""

    def __init__(self, *args: Any, requirements: Sequence[Requirement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requirements = list(requirements)
        for requirement in self.requirements:
            key = f"r{requirement.pk}"
            self.fields[f"{key}_value"] = forms.ChoiceField(
                label=pgettext_lazy("verdict", "Verdict"), choices=FINDING_CHOICES, required=False
            )
            self.fields[f"{key}_comment"] = LongTextField(
                label=_("Comment"), max_length=TEXT_LIMIT, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self) -> list[tuple[Requirement, Any, Any]]:
        return [(r, self[f"r{r.pk}_value"], self[f"r{r.pk}_comment"]) for r in self.requirements]

    def entries(self) -> list[tuple[Requirement, str, str]]:
        """The requirements given a verdict, with their verdict and comment."""
        data = self.cleaned_data
        return [
            (r, data[f"r{r.pk}_value"], data.get(f"r{r.pk}_comment") or "")
            for r in self.requirements
            if data.get(f"r{r.pk}_value")
        ]


class ReportForm(forms.Form):
    version = VersionField()
    report = LongTextField(
        label=_("Your report"),
        max_length=TEXT_LIMIT,
        help_text=_("What you verified, how, and what you found. Write no child's name."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    recommendation = forms.ChoiceField(label=_("Your recommendation"), choices=Recommendation.choices)

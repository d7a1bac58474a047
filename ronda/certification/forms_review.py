"""The secretariat's forms (issue #14 items 2 and 4): the queue's filters, the verdicts, a request
for information, the decision, a call, a revocation. They only shape the input: ``services``
checks everything again and its refusals come back on the form (``service_errors_on``). Fields are
named as the services name their keywords; a hidden ``version`` is the ``expected_version``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ronda.certification.models import (
    UNDER_REVIEW,
    Call,
    Category,
    CycleStage,
    Framework,
    HearingView,
    Outcome,
    Requirement,
    Verdict,
    VerdictValue,
)
from ronda.certification.services import MAX_HEARD, NAME_LIMIT, TEXT_LIMIT
from ronda.core.document_forms import DateInput
from ronda.core.forms import BoundedDateField, IdModelChoiceField, LongTextField
from ronda.territory.forms import VersionField
from ronda.territory.models import OrgUnit

REVOCATION_LIMIT = 500  # ``Certificate.revoked_reason``


def _long(label: Any, *, required: bool, rows: int = 4, help_text: Any = "", limit: int = TEXT_LIMIT) -> LongTextField:
    return LongTextField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, IdModelChoiceField)
    field.queryset = queryset


class QueueFilterForm(forms.Form):
    """The workspace's filters (GET): a stage of the review and a call the secretariat reads."""

    stage = forms.ChoiceField(
        label=_("Stage of the cycle"),
        required=False,
        choices=[("", _("Any"))] + [(s.value, s.label) for s in map(CycleStage, UNDER_REVIEW)],
    )
    call = IdModelChoiceField(
        label=_("Call for candidacies"),
        queryset=Call.objects.none(),
        required=False,
        empty_label=_("Any"),
    )

    def __init__(self, *args: Any, calls: QuerySet[Call], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "call", calls)


class VersionForm(forms.Form):
    """A button on the cycle (take it for review): the version of the cycle the page showed."""

    version = VersionField()


VERDICT_CHOICES = [("", pgettext_lazy("verdict", "Not judged yet")), *VerdictValue.choices]


@dataclass(frozen=True)
class VerdictRow:
    requirement: Requirement
    value: forms.BoundField
    comment: forms.BoundField
    version: forms.BoundField
    current: Verdict | None


class VerdictsForm(forms.Form):
    """One verdict and one comment per requirement of the framework, in one form (per-row errors):
    a row left "not judged" is not sent; a row unchanged is not sent again."""

    def __init__(self, data: Any = None, *, requirements: Iterable[Requirement], verdicts: dict[int, Verdict]) -> None:
        requirements = list(requirements)
        initial: dict[str, Any] = {}
        for requirement in requirements:
            current = verdicts.get(requirement.pk)
            if current is not None:
                initial[f"value_{requirement.pk}"] = current.value
                initial[f"comment_{requirement.pk}"] = current.comment
                initial[f"version_{requirement.pk}"] = current.version
        super().__init__(data, initial=initial)
        self.requirements = requirements
        self.verdicts = verdicts
        for requirement in requirements:
            code = {"code": requirement.code}
            # The requirement's code in the label: the error summary above the form names the row.
            self.fields[f"value_{requirement.pk}"] = forms.ChoiceField(
                label=pgettext("verdict", "Verdict on %(code)s") % code, choices=VERDICT_CHOICES, required=False
            )
            self.fields[f"comment_{requirement.pk}"] = _long(
                gettext("Comment on %(code)s") % code,
                required=False,
                rows=2,
                help_text=_("Required for partly met and not met: the municipality reads it."),
            )
            self.fields[f"version_{requirement.pk}"] = VersionField(required=False)

    def rows(self) -> list[VerdictRow]:
        return [
            VerdictRow(
                requirement=r,
                value=self[f"value_{r.pk}"],
                comment=self[f"comment_{r.pk}"],
                version=self[f"version_{r.pk}"],
                current=self.verdicts.get(r.pk),
            )
            for r in self.requirements
        ]

    def changed_rows(self) -> list[tuple[Requirement, str, str, int | None]]:
        """(requirement, value, comment, expected version) of each row to send to the service."""
        changed = []
        for requirement in self.requirements:
            value = self.cleaned_data.get(f"value_{requirement.pk}") or ""
            comment = (self.cleaned_data.get(f"comment_{requirement.pk}") or "").strip()
            current = self.verdicts.get(requirement.pk)
            if not value:
                continue  # not judged: nothing to record (a verdict is never taken back, only replaced)
            if current is not None and (current.value, current.comment) == (value, comment):
                continue
            changed.append((requirement, value, comment, self.cleaned_data.get(f"version_{requirement.pk}")))
        return changed


class InformationRequestForm(forms.Form):
    text = _long(
        _("What is asked of the municipality"),
        required=True,
        rows=5,
        help_text=_("The municipality answers and submits again; the evidence is frozen again then."),
    )
    version = VersionField()


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    category = IdModelChoiceField(
        label=_("Recognition category"),
        queryset=Category.objects.none(),
        required=False,
        help_text=_("Only for a recognition."),
    )
    reasons = _long(
        _("Reasons of the decision"),
        required=False,
        rows=5,
        help_text=_("Required for “not yet”: the municipality reads them."),
    )
    decided_on = BoundedDateField(label=_("Decided on"), widget=DateInput())
    version = VersionField()

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "category", Category.objects.filter(framework=framework).order_by("position", "id"))


class CallForm(forms.Form):
    framework = IdModelChoiceField(label=_("Framework"), queryset=Framework.objects.none())
    org_unit = IdModelChoiceField(
        label=_("Territory"),
        queryset=OrgUnit.objects.none(),
        help_text=_("The municipalities of this country or region may apply."),
    )
    title = forms.CharField(label=_("Title"), max_length=NAME_LIMIT)
    opens_on = BoundedDateField(label=_("Opens on"), widget=DateInput())
    closes_on = BoundedDateField(label=_("Closes on"), widget=DateInput())

    def __init__(
        self, *args: Any, frameworks: QuerySet[Framework], territories: QuerySet[OrgUnit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "framework", frameworks)
        _set_queryset(self, "org_unit", territories)


class RevokeForm(forms.Form):
    reason = _long(
        _("Reason of the revocation"),
        required=True,
        rows=3,
        limit=REVOCATION_LIMIT,
        help_text=_("The public verification page will say the certificate is revoked."),
    )


class EvaluatorChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class AssignEvaluatorForm(forms.Form):
    evaluator = EvaluatorChoiceField(
        label=_("Evaluator"),
        queryset=get_user_model().objects.none(),
        help_text=_(
            "The evaluators over the municipality's territory who are not on this candidacy yet and declared "
            "no conflict of interest with the municipality."
        ),
    )
    due_on = BoundedDateField(label=_("Report due on"), required=False, widget=DateInput())

    def __init__(self, *args: Any, evaluators: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "evaluator", evaluators)


class HearingForm(forms.Form):
    held_on = BoundedDateField(label=_("Held on"), widget=DateInput())
    children_6_11 = forms.IntegerField(
        label=_("Children aged 6 to 11"), min_value=0, max_value=MAX_HEARD, initial=0, required=False
    )
    children_12_17 = forms.IntegerField(
        label=_("Adolescents aged 12 to 17"), min_value=0, max_value=MAX_HEARD, initial=0, required=False
    )
    children_view = _long(
        _("What the children said"),
        required=True,
        rows=6,
        help_text=_("In their own words where possible. No names: how many took part is counted above."),
    )
    overall = forms.ChoiceField(
        label=_("The children's overall view"), choices=HearingView.choices, widget=forms.RadioSelect
    )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("children_6_11", "children_12_17"):
            data[name] = data.get(name) or 0
        return data


class WeighForm(forms.Form):
    weighed = _long(
        _("How the children's view was weighed"),
        required=True,
        rows=5,
        help_text=_("What the secretariat took from the hearing for its decision; the decision needs it."),
    )
    version = VersionField()

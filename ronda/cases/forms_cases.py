"""The forms of the case pages. They parse input; ``route`` checks the rules and says what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.accounts.models import User
from ronda.cases.forms import DateInput
from ronda.cases.models import (
    OPEN_STATES,
    RISK_GUIDANCE,
    CaseState,
    ClosingReason,
    ConsentGiver,
    ReporterType,
    Risk,
    ViolationType,
)
from ronda.cases.policies_cases import SORTS
from ronda.cases.route import DESCRIPTION_LIMIT, NOTE_LIMIT, REASON_LIMIT
from ronda.core.forms import BoundedDateField, IdModelChoiceField, IdModelMultipleChoiceField, LongTextField
from ronda.territory.forms import VersionField
from ronda.territory.models import Institution, OrgUnit


def _optional(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class HolderChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


# --- The list ----------------------------------------------------------------------------------
SENSITIVITY = (("si", _("Sensitive only")), ("no", _("Not sensitive")))
SORT_LABELS = {
    "recientes": _("Newest first"),
    "antiguos": _("Oldest first"),
    "riesgo": _("Highest risk first"),
    "hechos": _("Most recent facts first"),
}


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Child's or caregiver's name"), max_length=100, required=False)
    estado = forms.ChoiceField(
        label=pgettext_lazy("case", "State"), choices=_optional(CaseState.choices), required=False
    )
    tipo = IdModelChoiceField(
        label=_("Type of violation"), queryset=ViolationType.objects.none(), required=False, empty_label="—"
    )
    riesgo = forms.ChoiceField(label=_("Risk level"), choices=_optional(Risk.choices), required=False)
    comunidad = IdModelChoiceField(
        label=_("Community"), queryset=OrgUnit.objects.none(), required=False, empty_label="—"
    )
    sensible = forms.ChoiceField(label=_("Sensitivity"), choices=_optional(SENSITIVITY), required=False)
    vencidas = forms.BooleanField(label=_("With overdue tasks"), required=False)
    orden = forms.ChoiceField(
        label=_("Order"), choices=[(key, SORT_LABELS.get(key, key)) for key in SORTS], required=False
    )

    def __init__(self, *args: Any, types: QuerySet[ViolationType], communities: QuerySet[OrgUnit], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["tipo"].queryset = types  # type: ignore[attr-defined]
        self.fields["comunidad"].queryset = communities  # type: ignore[attr-defined]


# --- Opening and editing -------------------------------------------------------------------------
class ViolationTypesField(IdModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


def risk_choices() -> list[tuple[str, str]]:
    return [(value, f"{label} — {RISK_GUIDANCE[Risk(value)]}") for value, label in Risk.choices]


class CaseForm(forms.Form):
    violation_types = ViolationTypesField(
        label=_("Types of violation"), queryset=ViolationType.objects.none(), required=False
    )
    risk = forms.ChoiceField(label=_("Risk level"), choices=(), widget=forms.RadioSelect, required=False)
    reporter_type = forms.ChoiceField(label=_("Reported by"), choices=_optional(ReporterType.choices), required=False)
    reporter_name = forms.CharField(
        label=_("Reporter's name"),
        max_length=200,
        required=False,
        help_text=_("Leave it empty for an anonymous report."),
    )
    reporter_contact = forms.CharField(label=_("Reporter's contact"), max_length=200, required=False)
    facts_date = BoundedDateField(
        label=_("Date of the facts"),
        required=False,
        widget=DateInput(),
        help_text=_("An approximate date if the exact one is not known."),
    )
    description = LongTextField(
        label=_("What happened"),
        max_length=DESCRIPTION_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("As it was told, without judging. Write only what the case needs."),
    )
    sensitive = forms.BooleanField(
        label=_("Sensitive case"),
        required=False,
        help_text=_("Only the people working on it and the supervisors will see the child's name."),
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, types: QuerySet[ViolationType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["violation_types"].queryset = types  # type: ignore[attr-defined]
        self.fields["risk"].choices = risk_choices()  # type: ignore[attr-defined]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["violation_type_ids"] = [t.pk for t in data.pop("violation_types") or ()]
        return data


# --- The route ---------------------------------------------------------------------------------
class MoveForm(forms.Form):
    to_state = forms.ChoiceField(label=_("Move the case to"), choices=CaseState.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_LIMIT,
        required=False,
        help_text=_("Needed to skip a step or to go back. Do not write the child's name."),
    )
    closing_reason = forms.ChoiceField(
        label=_("Closing reason"),
        choices=_optional([c for c in ClosingReason.choices if c[0] != ClosingReason.TRANSFERRED]),
        required=False,
        help_text=_("Only when closing the case."),
    )
    closing_note = LongTextField(
        label=_("Closing note"), max_length=NOTE_LIMIT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = VersionField()


class ClosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=(("aprobar", _("Approve: close the case")), ("devolver", _("Return: the case stays open"))),
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment for the defender"),
        max_length=REASON_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when the case stays open."),
    )


class ReopenForm(forms.Form):
    to_state = forms.ChoiceField(
        label=_("Reopen at the step"),
        choices=[c for c in CaseState.choices if c[0] in OPEN_STATES],
        initial=CaseState.FOLLOW_UP,
    )
    reason = forms.CharField(
        label=_("Why it is reopened"), max_length=REASON_LIMIT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    user = HolderChoiceField(label=_("Person"), queryset=User.objects.none())

    def __init__(self, *args: Any, holders: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = holders  # type: ignore[attr-defined]


class TransferCommunityForm(forms.Form):
    community = IdModelChoiceField(label=_("New community"), queryset=OrgUnit.objects.none(), empty_label="—")
    owner = HolderChoiceField(
        label=_("Defender in charge there"),
        queryset=User.objects.none(),
        help_text=_("A defender of the new community, or a supervisor."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=REASON_LIMIT, required=False)
    version = VersionField()

    def __init__(self, *args: Any, communities: QuerySet[OrgUnit], holders: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        self.fields["owner"].queryset = holders  # type: ignore[attr-defined]


class TransferProtectionForm(forms.Form):
    institution = IdModelChoiceField(label=_("Protection office"), queryset=Institution.objects.none(), empty_label="—")
    reason = forms.CharField(label=_("Reason"), max_length=REASON_LIMIT, required=False)
    consent_to_sharing = forms.BooleanField(
        label=_("Consent to share the child's data with the protection office"), required=False
    )
    consent_given_by = forms.ChoiceField(
        label=_("Consent given by"), choices=_optional(ConsentGiver.choices), required=False
    )
    override_reason = forms.CharField(
        label=_("Why without consent (supervisors only)"),
        max_length=REASON_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("At least 20 characters."),
    )
    version = VersionField()

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]


class ReassignForm(forms.Form):
    owner = HolderChoiceField(label=_("New defender in charge"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=REASON_LIMIT, required=False)

    def __init__(self, *args: Any, holders: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = holders  # type: ignore[attr-defined]

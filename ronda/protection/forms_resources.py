"""The forms of the care-resource pages (facilities and their supervision, the foster-family bank,
the adoption registry) and of the sectors' focal points. They parse input; the services check the
rules and say what is wrong."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.cases.forms import DateInput
from ronda.core.forms import BoundedDateField, IdModelChoiceField, LongTextField
from ronda.protection.models import (
    ActionStatus,
    AdopterStatus,
    AdoptionKind,
    CorrectiveStatus,
    FindingResult,
    FosterStatus,
    FosterType,
    Operator,
    RecruitmentCampaign,
    StandardItem,
    SupervisionFinding,
    SupportKind,
)
from ronda.protection.services.files import TEXT_LIMIT as FILE_TEXT_LIMIT
from ronda.protection.services.resources import SHORT_LIMIT, TEXT_LIMIT
from ronda.territory.forms import VersionField
from ronda.territory.models import OrgUnit

# A note beside a finding or a status change: a few lines (the services accept up to TEXT_LIMIT).
NOTE_LIMIT = 2_000


def _optional(choices: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> BoundedDateField:
    return BoundedDateField(label=label, required=required, widget=DateInput(), help_text=help_text)


def _long(label: Any, limit: int, *, required: bool = True, rows: int = 4, help_text: Any = "") -> LongTextField:
    return LongTextField(
        label=label,
        max_length=limit,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def _age(label: Any, initial: int) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=17, initial=initial)


class UnitChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _units_field(label: Any, help_text: Any = "") -> UnitChoiceField:
    return UnitChoiceField(label=label, queryset=OrgUnit.objects.none(), help_text=help_text)


# --- Facilities -----------------------------------------------------------------------------------
class FacilityForm(forms.Form):
    name = forms.CharField(label=_("Name of the centre"), max_length=SHORT_LIMIT)
    unit = _units_field(_("Municipality or state"), _("Where the centre is registered."))
    operator = forms.ChoiceField(label=_("Operated by"), choices=Operator.choices)
    operator_name = forms.CharField(label=_("Operator's name"), max_length=SHORT_LIMIT, required=False)
    licence_number = forms.CharField(label=_("Licence number"), max_length=60, required=False)
    licence_valid_until = _date(_("Licence valid until"), required=False)
    register_number = forms.CharField(
        label=_("National register number"),
        max_length=60,
        required=False,
        help_text=_("In Mexico, the national register of social-assistance centres (RNCAS)."),
    )
    capacity = forms.IntegerField(label=_("Capacity (children)"), min_value=1, max_value=1000)
    min_age = _age(_("Receives children from age"), 0)
    max_age = _age(_("Up to age"), 17)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    opened_on = _date(_("Opened on"), required=False)
    version = VersionField(required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class FacilityEditForm(FacilityForm):
    is_active = forms.BooleanField(label=_("The centre is operating"), required=False)
    closed_on = _date(_("Closed on"), required=False, help_text=_("Only for a centre that stopped operating."))


class StaffingForm(forms.Form):
    as_of = _date(_("As of"))
    carers = forms.IntegerField(
        label=_("Carers"), min_value=0, max_value=1000, help_text=_("People caring for the children on this date.")
    )
    professionals = forms.IntegerField(
        label=_("Other professionals"),
        min_value=0,
        max_value=1000,
        initial=0,
        help_text=_("Psychologists, social workers, teachers, health staff."),
    )


# --- Supervision --------------------------------------------------------------------------------------
class SupervisionVisitForm(forms.Form):
    visited_on = _date(_("Visited on"))
    visitors = forms.CharField(
        label=_("Visitors"), max_length=300, help_text=_("Who made the visit: names and positions.")
    )
    children_present = forms.IntegerField(
        label=_("Children present"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("As counted on the day."),
    )
    summary = _long(_("Summary"), TEXT_LIMIT, required=False, rows=4)


class ChecklistForm(forms.Form):
    """One finding per standard of the country: the result (radio buttons) and a note.

    Fields ``result_<standard id>`` and ``note_<standard id>``; ``groups()`` gives them by the
    standard's group for the page's fieldsets. A standard left unanswered is not saved yet (the visit
    closes only when every standard has a result)."""

    def __init__(
        self,
        *args: Any,
        standards: Iterable[StandardItem],
        findings: Iterable[SupervisionFinding] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.standards = list(standards)
        answered = {finding.standard_id: finding for finding in findings}
        for standard in self.standards:
            finding = answered.get(standard.pk)
            self.fields[f"result_{standard.pk}"] = forms.ChoiceField(
                label=standard.text,
                choices=FindingResult.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=finding.result if finding is not None else None,
            )
            self.fields[f"note_{standard.pk}"] = LongTextField(
                label=_("Note on %(code)s") % {"code": standard.code},
                max_length=NOTE_LIMIT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=finding.note if finding is not None else "",
            )

    def groups(self) -> list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]]:
        """The standards by group, in order: (group name, [(result field, note field), …])."""
        result: list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]] = []
        for group, items in groupby(self.standards, key=lambda s: s.group):
            result.append((group, [(self[f"result_{s.pk}"], self[f"note_{s.pk}"]) for s in items]))
        return result

    def answers(self) -> list[tuple[StandardItem, str, str]]:
        """The standards answered: (standard, result, note)."""
        data = self.cleaned_data
        return [
            (standard, data[f"result_{standard.pk}"], data[f"note_{standard.pk}"])
            for standard in self.standards
            if data.get(f"result_{standard.pk}")
        ]


class FindingChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.standard.code} · {obj.get_result_display()}"


class CorrectiveActionForm(forms.Form):
    finding = FindingChoiceField(
        label=_("Finding it corrects"), queryset=SupervisionFinding.objects.none(), required=False
    )
    description = _long(_("Corrective action"), TEXT_LIMIT, rows=3)
    due_on = _date(_("Deadline"))

    def __init__(self, *args: Any, findings: QuerySet[SupervisionFinding], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = findings  # type: ignore[attr-defined]


class CorrectiveUpdateForm(forms.Form):
    status = forms.ChoiceField(label=pgettext_lazy("corrective action", "Status"), choices=CorrectiveStatus.choices)
    done_on = _date(_("Done on"), required=False, help_text=_("Required when the action is done."))
    follow_up = _long(pgettext_lazy("corrective action", "Follow-up"), TEXT_LIMIT, required=False, rows=3)
    version = VersionField()


class VersionForm(forms.Form):
    version = VersionField()


# --- Foster families ---------------------------------------------------------------------------------
class CampaignChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class FosterFamilyForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=32, help_text=_("The bank's reference of the family: it must not name anyone.")
    )
    unit = _units_field(_("Municipality or state"))
    type = forms.ChoiceField(label=_("Type of foster family"), choices=FosterType.choices)
    capacity = forms.IntegerField(label=_("Children it can care for"), min_value=1, max_value=20, initial=1)
    min_age = _age(_("Receives children from age"), 0)
    max_age = _age(_("Up to age"), 17)
    accepts_siblings = forms.BooleanField(label=_("Accepts sibling groups"), required=False)
    accepts_disability = forms.BooleanField(label=_("Accepts children with disabilities"), required=False)
    accepts_migrant = forms.BooleanField(label=_("Accepts migrant children"), required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=SHORT_LIMIT)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    campaign = CampaignChoiceField(
        label=_("Recruited by the campaign"), queryset=RecruitmentCampaign.objects.none(), required=False
    )
    applied_on = _date(_("Applied on"))
    notes = _long(_("Notes"), TEXT_LIMIT, required=False, rows=3)

    def __init__(
        self, *args: Any, units: QuerySet[OrgUnit], campaigns: QuerySet[RecruitmentCampaign], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class FosterFamilyEditForm(FosterFamilyForm):
    """The family's profile and contact, corrected with the version read: it stays where it was
    registered, its application day stays, and its status moves on its own page."""

    version = VersionField()

    def __init__(self, *args: Any, campaigns: QuerySet[RecruitmentCampaign], **kwargs: Any) -> None:
        super().__init__(*args, units=OrgUnit.objects.none(), campaigns=campaigns, **kwargs)
        del self.fields["unit"]
        del self.fields["applied_on"]


class FamilyFilterForm(forms.Form):
    tipo = forms.ChoiceField(label=_("Type"), choices=_optional(FosterType.choices), required=False)
    estado = forms.ChoiceField(
        label=pgettext_lazy("foster family", "Status"), choices=_optional(FosterStatus.choices), required=False
    )
    municipio = UnitChoiceField(label=_("Municipality"), queryset=OrgUnit.objects.none(), required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipio"].queryset = units  # type: ignore[attr-defined]


class FamilyMoveForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=FosterStatus.choices)
    on = _date(_("On"))
    note = _long(_("Note"), NOTE_LIMIT, required=False, rows=2)
    version = VersionField()

    def __init__(self, *args: Any, statuses: Iterable[tuple[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if statuses is not None:
            self.fields["to_status"].choices = list(statuses)  # type: ignore[attr-defined]


class TrainingForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=SHORT_LIMIT)
    held_on = _date(pgettext_lazy("training", "Date"))
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=999, max_digits=5, decimal_places=1)


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of support"), choices=SupportKind.choices)
    given_on = _date(pgettext_lazy("support", "Date"))
    note = _long(_("Note"), NOTE_LIMIT, required=False, rows=2)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name of the campaign"), max_length=SHORT_LIMIT)
    unit = _units_field(_("Municipality or state"))
    start_on = _date(pgettext_lazy("campaign", "From"))
    end_on = _date(pgettext_lazy("campaign", "Until"), required=False)
    channels = forms.CharField(
        label=_("Channels"), max_length=300, required=False, help_text=_("Radio, social networks, parishes, schools…")
    )
    notes = _long(_("Notes"), TEXT_LIMIT, required=False, rows=3)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


# --- Prospective adopters -------------------------------------------------------------------------------
class AdopterForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The registry's reference of the application: it must not name anyone."),
    )
    unit = _units_field(_("Municipality or state"))
    kind = forms.ChoiceField(label=_("Kind of adoption"), choices=AdoptionKind.choices)
    applicant_names = forms.CharField(label=_("Applicants"), max_length=300)
    contact = forms.CharField(label=_("Contact"), max_length=SHORT_LIMIT, required=False)
    country_of_residence = forms.CharField(label=_("Country of residence"), max_length=100, required=False)
    applied_on = _date(_("Applied on"))
    min_age = _age(_("Hope to adopt a child from age"), 0)
    max_age = _age(_("Up to age"), 17)
    accepts_siblings = forms.BooleanField(label=_("Accept sibling groups"), required=False)
    accepts_disability = forms.BooleanField(label=_("Accept children with disabilities"), required=False)
    notes = _long(_("Notes"), TEXT_LIMIT, required=False, rows=3)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class AdopterMoveForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=AdopterStatus.choices)
    on = _date(_("On"))
    version = VersionField()

    def __init__(self, *args: Any, statuses: Iterable[tuple[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if statuses is not None:
            self.fields["to_status"].choices = list(statuses)  # type: ignore[attr-defined]


# --- The sectors' focal points ---------------------------------------------------------------------------
class SectorActionForm(forms.Form):
    status = forms.ChoiceField(label=_("Status of the action"), choices=ActionStatus.choices)
    evidence = _long(
        _("Evidence"),
        FILE_TEXT_LIMIT,
        required=False,
        rows=5,
        help_text=_(
            "What was done and where it is recorded. Required when the action is done. Do not write the child's name."
        ),
    )
    version = VersionField()

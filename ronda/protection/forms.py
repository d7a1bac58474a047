"""The forms of the protection files' pages. They parse input; the services check the rules and say
what is wrong (the form only makes sure a date is a date and a choice is one of the list)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.cases.forms import ChildForm, DateInput
from ronda.core.forms import BoundedDateField, IdModelChoiceField, LongTextField
from ronda.protection.models import (
    ActionStatus,
    Alternative,
    AssignmentStatus,
    CareSetting,
    DiagnosisArea,
    FileClosingReason,
    FileStatus,
    IntakeSource,
    MeasureEndReason,
    PlacementEndReason,
    ReviewOutcome,
    Right,
    RightStatus,
    Sector,
)
from ronda.protection.services.files import SHORT_LIMIT, TEXT_LIMIT
from ronda.protection.services.measures import (
    AUTHORITY_LIMIT,
    LEGAL_BASIS_LIMIT,
    MAX_REVIEW_MONTHS,
    PARTICIPANTS_LIMIT,
)
from ronda.protection.services.resources import TEXT_LIMIT as RESOURCE_TEXT_LIMIT
from ronda.territory.forms import VersionField


def _optional(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> BoundedDateField:
    return BoundedDateField(label=label, required=required, widget=DateInput(), help_text=help_text)


def _long(label: Any, *, required: bool = True, rows: int = 4, help_text: Any = "") -> LongTextField:
    return LongTextField(
        label=label,
        max_length=TEXT_LIMIT,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def _line(label: Any, limit: int, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=limit, required=required, help_text=help_text)


def _queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """The choices of a model field, given by the view (what the actor may choose)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class PersonChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class VersionForm(forms.Form):
    """A button that changes a versioned row (send the plan, approve an exception)."""

    version = VersionField()


# --- The list and the opening of a file ---------------------------------------------------------
STATUS_ALL = "all"


class FileFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=pgettext_lazy("protection file", "Status"),
        required=False,
        choices=[*FileStatus.choices, (STATUS_ALL, pgettext_lazy("protection files", "All"))],
    )
    officer = PersonChoiceField(label=_("Officer in charge"), queryset=None, required=False, empty_label="—")
    municipality = IdModelChoiceField(label=_("Municipality"), queryset=None, required=False, empty_label="—")
    q = forms.CharField(
        label=_("Name or number"),
        required=False,
        max_length=100,
        help_text=_("The child's names or surnames, or the file's number."),
    )

    def __init__(self, *args: Any, officers: QuerySet[Any], municipalities: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "officer", officers)
        _queryset(self, "municipality", municipalities)


class ChildSearchForm(forms.Form):
    """Who the direct report is about: the registered children of the municipality that may be them."""

    first_names = forms.CharField(label=_("First names"), max_length=100)
    surnames = forms.CharField(label=_("Surnames"), max_length=100, required=False)
    birth_date = _date(_("Date of birth"), required=False)
    municipality = IdModelChoiceField(label=_("Municipality where the child lives"), queryset=None)

    def __init__(self, *args: Any, municipalities: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "municipality", municipalities)


class ChildChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        born = obj.birth_date.isoformat() if obj.birth_date else ""
        return f"{obj.display_name} · {born}" if born else str(obj.display_name)


class OpenFileForm(forms.Form):
    child = ChildChoiceField(label=_("The child"), queryset=None, widget=forms.RadioSelect, empty_label=None)
    office = IdModelChoiceField(label=_("Protection office that holds the file"), queryset=None)
    intake_source = forms.ChoiceField(label=_("How the case arrived"), choices=_optional(IntakeSource.choices))
    intake_summary = _long(_("Summary of the situation"), required=False, rows=6)
    opened_on = _date(_("Opened on"), required=False, help_text=_("Today when left empty."))

    def __init__(self, *args: Any, children: QuerySet[Any], offices: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "child", children)
        _queryset(self, "office", offices)
        # A direct opening: the transfer of a community case opens from the case itself.
        self.fields["intake_source"].choices = _optional(  # type: ignore[attr-defined]
            [(v, label) for v, label in IntakeSource.choices if v != IntakeSource.COMMUNITY_CASE]
        )


# The child's fields as the cases' registration has them (labels, limits, help): one child, one record.
_CHILD = ChildForm.base_fields


class NewChildFileForm(forms.Form):
    """A direct intake of a child never registered: the child's record (the cases' registration
    fields that find a duplicate) and the opening of the file; on the second step, after the
    candidates were shown, "a new child"."""

    CHILD_FIELDS = (
        "first_names",
        "paternal_surname",
        "maternal_surname",
        "alias",
        "sex",
        "birth_date",
        "estimated_age",
        "community",
    )
    OPENING_FIELDS = ("office", "intake_source", "intake_summary", "opened_on")

    first_names = _CHILD["first_names"]
    paternal_surname = _CHILD["paternal_surname"]
    maternal_surname = _CHILD["maternal_surname"]
    alias = _CHILD["alias"]
    sex = _CHILD["sex"]
    birth_date = _CHILD["birth_date"]
    estimated_age = _CHILD["estimated_age"]
    community = IdModelChoiceField(label=_("Community where the child lives"), queryset=None, required=False)
    office = OpenFileForm.base_fields["office"]
    intake_source = OpenFileForm.base_fields["intake_source"]
    intake_summary = OpenFileForm.base_fields["intake_summary"]
    opened_on = OpenFileForm.base_fields["opened_on"]
    confirmed_new = forms.BooleanField(label=_("I confirm this is a new child or adolescent"), required=False)

    def __init__(self, *args: Any, communities: QuerySet[Any], offices: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "community", communities)
        _queryset(self, "office", offices)
        self.fields["intake_source"].choices = _optional(  # type: ignore[attr-defined]
            [(v, label) for v, label in IntakeSource.choices if v != IntakeSource.COMMUNITY_CASE]
        )

    def child_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CHILD_FIELDS]

    def opening_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.OPENING_FIELDS]


class OpenFromCaseForm(forms.Form):
    office = IdModelChoiceField(label=_("Protection office that holds the file"), queryset=None, empty_label=None)

    def __init__(self, *args: Any, offices: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "office", offices)


# --- Diagnosis, rights ---------------------------------------------------------------------------
class DiagnosisForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), choices=_optional(DiagnosisArea.choices))
    findings = _long(_("Findings"), rows=6)
    needs = _long(_("Needs"), required=False)
    assessed_on = _date(_("Assessed on"), required=False, help_text=_("Today when left empty."))
    version = VersionField(required=False)


class RightForm(forms.Form):
    right = forms.ChoiceField(label=pgettext_lazy("child's right", "Right"), choices=_optional(Right.choices))
    status = forms.ChoiceField(label=pgettext_lazy("right", "Status"), choices=_optional(RightStatus.choices))
    note = _long(_("Note"), required=False, rows=3)
    version = VersionField(required=False)


# --- The restitution plan ------------------------------------------------------------------------
class PlanForm(forms.Form):
    objective = _long(_("Objective of the plan"), rows=5)
    version = VersionField(required=False)


class InstitutionChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class ActionForm(forms.Form):
    sector = forms.ChoiceField(label=_("Sector"), choices=_optional(Sector.choices))
    institution = InstitutionChoiceField(
        label=_("Institution"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=_("Its focal point will see this action and report on it."),
    )
    right = forms.ChoiceField(label=_("Right it restores"), choices=_optional(Right.choices), required=False)
    description = _long(_("Action"))
    owner = _line(_("Who does it"), SHORT_LIMIT)
    due_on = _date(_("Deadline"))
    status = forms.ChoiceField(
        label=pgettext_lazy("plan action", "Status"), choices=_optional(ActionStatus.choices), required=False
    )
    evidence = _long(_("Evidence"), required=False, rows=3)
    version = VersionField(required=False)

    def __init__(self, *args: Any, institutions: QuerySet[Any], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "institution", institutions)
        if not editing:
            # A new action starts pending, without evidence.
            del self.fields["status"]
            del self.fields["evidence"]


class ReturnPlanForm(forms.Form):
    note = _long(_("What should change in the plan"))
    version = VersionField()


class PlanReviewForm(forms.Form):
    reviewed_on = _date(_("Reviewed on"))
    summary = _long(_("What the review found"), rows=6)
    next_review_on = _date(_("Next review"), required=False)


# --- Measures ------------------------------------------------------------------------------------
class MeasureTypeField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.legal_reference})" if obj.legal_reference else str(obj.name)


class MeasureForm(forms.Form):
    type = MeasureTypeField(label=_("Type of measure"), queryset=None)
    issuing_authority = _line(_("Issuing authority"), AUTHORITY_LIMIT)
    issued_on = _date(_("Issued on"))
    legal_basis = _line(_("Legal basis"), LEGAL_BASIS_LIMIT)
    description = _long(_("What it orders"), required=False)
    review_interval_months = forms.IntegerField(
        label=_("Review every (months)"),
        required=False,
        min_value=1,
        max_value=MAX_REVIEW_MONTHS,
        help_text=_("The type's interval when left empty."),
    )

    def __init__(self, *args: Any, types: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "type", types)


class MeasureReviewForm(forms.Form):
    reviewed_on = _date(_("Reviewed on"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=_optional(ReviewOutcome.choices))
    participants = _line(_("Who took part"), PARTICIPANTS_LIMIT)
    child_heard = forms.BooleanField(label=_("The child's opinion was heard"), required=False)
    child_opinion = _long(_("What the child said"), required=False)
    notes = _long(_("Notes"), required=False)
    end_reason = forms.ChoiceField(
        label=_("Why it ends"),
        choices=_optional(MeasureEndReason.choices),
        required=False,
        help_text=_("Only when the outcome ends the measure."),
    )
    version = VersionField()


class RatifyForm(forms.Form):
    ratified_on = _date(_("Ratified on"))
    ratified_by = _line(_("Court that ratified it"), AUTHORITY_LIMIT)
    version = VersionField()


class EndMeasureForm(forms.Form):
    ended_on = _date(_("Ended on"))
    end_reason = forms.ChoiceField(label=_("Why it ends"), choices=_optional(MeasureEndReason.choices))
    end_note = _long(_("Note on the end"), required=False)
    version = VersionField()


# --- Gatekeeping and placements ------------------------------------------------------------------
def _care_choices() -> list[tuple[str, Any]]:
    return _optional(CareSetting.choices)


class GatekeepingForm(forms.Form):
    setting = forms.ChoiceField(label=_("Care setting proposed"), choices=_care_choices())
    decided_on = _date(_("Decided on"))
    alternatives = forms.MultipleChoiceField(
        label=_("Alternatives considered"), choices=Alternative.choices, widget=forms.CheckboxSelectMultiple
    )
    alternatives_note = _long(_("Why the alternatives were not enough"))
    necessity = _long(_("Necessity"), help_text=_("Why the child cannot stay with their family now."))
    suitability = _long(_("Suitability"), help_text=_("Why this setting fits this child."))
    decided_by = _line(_("Who decided"), 300)
    under_three_justification = _long(
        _("Exceptional justification (child under three)"),
        required=False,
        help_text=_("Only for residential care of a child under three; a supervisor must approve it."),
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, completing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if completing:
            del self.fields["setting"]  # the setting of the emergency entry stays
        else:
            del self.fields["version"]


class EmergencyForm(forms.Form):
    setting = forms.ChoiceField(label=_("Care setting of the emergency entry"), choices=_care_choices())
    entry_on = _date(_("Day of the entry"))


class ResourceChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class GatekeepingChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        day = obj.decided_on or obj.due_on
        return f"{obj.get_setting_display()} · {obj.get_status_display()} · {day.isoformat() if day else ''}"


class MeasureChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.type.name} · {obj.issued_on.isoformat()}"


class PlacementForm(forms.Form):
    setting = forms.ChoiceField(label=_("Care setting"), choices=_care_choices())
    start_on = _date(pgettext_lazy("placement", "From"))
    gatekeeping = GatekeepingChoiceField(label=_("Gatekeeping record"), queryset=None, required=False, empty_label="—")
    measure = MeasureChoiceField(label=_("Ordered by the measure"), queryset=None, required=False, empty_label="—")
    facility = ResourceChoiceField(
        label=_("Residential-care centre (CAS)"), queryset=None, required=False, empty_label="—"
    )
    foster_family = ResourceChoiceField(label=_("Foster family"), queryset=None, required=False, empty_label="—")
    adopter = ResourceChoiceField(label=_("Adoptive family"), queryset=None, required=False, empty_label="—")
    carer_name = _line(
        _("Carer"), SHORT_LIMIT, required=False, help_text=_("Kinship care without a registered family.")
    )
    change_reason = _long(_("Reason for the placement"), required=False)
    siblings_together = forms.NullBooleanField(
        label=_("Siblings kept together"),
        required=False,
        widget=forms.Select(choices=[("unknown", "—"), ("true", _("Yes")), ("false", pgettext_lazy("answer", "No"))]),
    )
    siblings_note = _long(_("Siblings: why not together"), required=False, rows=3)
    contact_plan = _long(_("Family contact plan"), required=False, rows=3)
    capacity_override_reason = _long(
        _("Why over capacity"),
        required=False,
        rows=3,
        help_text=_("Only a supervisor may place a child over a centre's or family's capacity."),
    )

    def __init__(
        self,
        *args: Any,
        gatekeepings: QuerySet[Any],
        measures: QuerySet[Any],
        facilities: QuerySet[Any],
        families: QuerySet[Any],
        adopters: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "gatekeeping", gatekeepings)
        _queryset(self, "measure", measures)
        _queryset(self, "facility", facilities)
        _queryset(self, "foster_family", families)
        _queryset(self, "adopter", adopters)


class EndPlacementForm(forms.Form):
    end_on = _date(pgettext_lazy("placement", "Until"))
    end_reason = forms.ChoiceField(label=_("Why it ended"), choices=_optional(PlacementEndReason.choices))
    note = _long(_("Note on the end"), required=False)
    version = VersionField()


class FollowUpForm(forms.Form):
    visited_on = _date(_("Visited on"))
    findings = _long(_("Findings"), rows=6)


# --- The file as a whole -------------------------------------------------------------------------
class TransferForm(forms.Form):
    to_office = InstitutionChoiceField(label=_("Receiving office"), queryset=None)
    to_officer = PersonChoiceField(label=_("New officer in charge"), queryset=None)
    reason = _long(_("Why the file goes to the other office"))
    version = VersionField()

    def __init__(self, *args: Any, offices: QuerySet[Any], officers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "to_office", offices)
        _queryset(self, "to_officer", officers)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Closing reason"), choices=_optional(FileClosingReason.choices))
    note = _long(_("Closing note"), required=False, help_text=_("Required when the reason is “Other”."))
    closed_on = _date(_("Closed on"), required=False, help_text=_("Today when left empty."))
    version = VersionField()


class ReopenForm(forms.Form):
    reason = _long(_("Why the file is reopened"))
    version = VersionField()


# --- Adoption ------------------------------------------------------------------------------------
# What may become of an adoption proposal (``services.resources.ASSIGNMENT_MOVES`` says from where).
ADOPTION_DECISIONS = [
    (status.value, status.label)
    for status in (AssignmentStatus.ACCEPTED, AssignmentStatus.COMPLETED, AssignmentStatus.WITHDRAWN)
]
ADOPTABILITY_RULING_LIMIT = 200
MAX_SIBLINGS = 20


class AdoptableForm(forms.Form):
    """The judge's ruling that declared the child adoptable (the file's version)."""

    declared_on = _date(_("Day of the ruling"))
    ruling = _line(
        pgettext_lazy("adoptability", "Ruling"),
        ADOPTABILITY_RULING_LIMIT,
        help_text=_("The court and the number of the ruling that declared the child adoptable."),
    )
    version = VersionField()


class AdopterChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # The application's code: the applicants' names are on its own page, which logs the read.
        return str(obj.code)


class ProposeAdoptionForm(forms.Form):
    adopter = AdopterChoiceField(label=_("Prospective adopters"), queryset=None, empty_label="—")
    reasons = LongTextField(
        label=_("Why these applicants suit the child"),
        max_length=RESOURCE_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    siblings = forms.IntegerField(
        label=_("Siblings adopted together"),
        min_value=0,
        max_value=MAX_SIBLINGS,
        required=False,
        initial=0,
        help_text=_("How many brothers or sisters go with the child to the same family (0 when none)."),
    )
    proposed_on = _date(_("Proposed on"), required=False, help_text=_("Today when left empty."))

    def __init__(self, *args: Any, adopters: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "adopter", adopters)


class AdoptionDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("What became of the proposal"), choices=ADOPTION_DECISIONS)
    on = _date(_("On"), required=False, help_text=_("Today when left empty."))
    version = VersionField()

    def __init__(self, *args: Any, decisions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if decisions is not None:
            self.fields["decision"].choices = list(decisions)  # type: ignore[attr-defined]

"""The forms of the children's pages. They parse input; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.cases.models import Disability, DocumentType, Ethnicity, MigrantStatus, Relationship, Sex
from ronda.cases.services import VIEWS_LIMIT
from ronda.core.forms import BoundedDateField, IdModelChoiceField, LongTextField
from ronda.territory.forms import VersionField
from ronda.territory.models import OrgUnit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _optional(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class ChildForm(forms.Form):
    first_names = forms.CharField(label=_("First names"), max_length=120, required=False)
    paternal_surname = forms.CharField(label=_("First surname"), max_length=60, required=False)
    maternal_surname = forms.CharField(label=_("Second surname"), max_length=60, required=False)
    alias = forms.CharField(
        label=_("Known as"), max_length=60, required=False, help_text=_("A nickname, if that is all you know.")
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=_optional(Sex.choices), required=False)
    birth_date = BoundedDateField(label=_("Date of birth"), required=False, widget=DateInput())
    estimated_age = forms.IntegerField(
        label=_("Estimated age (years)"),
        required=False,
        min_value=0,
        max_value=17,
        help_text=_("Only if nobody knows the date of birth."),
    )
    community = IdModelChoiceField(label=_("Community"), queryset=OrgUnit.objects.none(), required=False)
    document_type = forms.ChoiceField(
        label=_("Identity document"), choices=_optional(DocumentType.choices), required=False
    )
    document_number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    disability = forms.ChoiceField(
        label=pgettext_lazy("child", "Disability"), choices=_optional(Disability.choices), required=False
    )
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=_optional(Ethnicity.choices), required=False)
    migrant_status = forms.ChoiceField(
        label=_("Migrant status"), choices=_optional(MigrantStatus.choices), required=False
    )
    school = forms.CharField(label=pgettext_lazy("child", "School"), max_length=200, required=False)
    views_and_wishes = LongTextField(
        label=_("What the child says and wishes"),
        max_length=VIEWS_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In the child's own words, when they want to say it."),
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, communities: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        community = self.fields["community"]
        assert isinstance(community, IdModelChoiceField)
        community.queryset = communities

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class _PressedOrKept(forms.HiddenInput):
    """The hidden "a new child" flag and the button of the same name: a browser sends both (the button
    first, the empty hidden field after it), so the flag is set when any of the values says so."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return next((v for v in values if str(v).lower() in ("on", "true", "1")), values[-1] if values else None)


class RegistrationForm(ChildForm):
    """The registration: the same fields, the first caregiver's name (it helps find a duplicate) and,
    on the second step, "none of these: a new child"."""

    caregiver_name = forms.CharField(label=_("Name of the main caregiver"), max_length=120, required=False)
    confirmed_new = forms.BooleanField(widget=_PressedOrKept, required=False)

    def service_fields(self) -> dict[str, Any]:
        data = super().service_fields()
        data.pop("caregiver_name", None)
        data.pop("confirmed_new", None)
        return data


class CaregiverForm(forms.Form):
    first_names = forms.CharField(label=_("First names"), max_length=120, required=False)
    surnames = forms.CharField(label=_("Surnames"), max_length=120, required=False)
    relationship = forms.ChoiceField(
        label=_("Relationship with the child"), choices=_optional(Relationship.choices), required=False
    )
    lives_with_child = forms.BooleanField(label=_("Lives with the child"), required=False, initial=True)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    is_main_caregiver = forms.BooleanField(label=_("Main caregiver"), required=False)
    version = VersionField(required=False)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class ReviewRequestForm(forms.Form):
    candidate = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    community = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

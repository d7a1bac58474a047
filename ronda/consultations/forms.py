from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.consultations.models import (
    MAX_COUNT,
    ActorKind,
    Audience,
    ConsultationStatus,
    Level,
    Method,
    Relationship,
    SocialActor,
)
from ronda.consultations.services import ROLE_LIMIT, TEXT_LIMIT
from ronda.core.forms import BoundedDateField, IdModelChoiceField, IdModelMultipleChoiceField, LongTextField
from ronda.council.models import CouncilSession
from ronda.planning.models import Finding, Measure
from ronda.territory.forms import VersionField

# The empty choice of a filter: every row.
ALL = ("", pgettext_lazy("consultations filter", "All"))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _count(label: Any) -> forms.IntegerField:
    # Empty counts as none (a survey of adults leaves the children's boxes empty).
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_COUNT,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class FindingChoiceField(IdModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.analysis.title}: {obj}"


class MeasureChoiceField(IdModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class SessionChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.held_on.strftime("%d/%m/%Y") + (f" · {obj.place}" if obj.place else "")


class ConsultationForm(forms.Form):
    held_on = BoundedDateField(label=_("Held on"), widget=DateInput())
    title = forms.CharField(label=_("Topic"), max_length=200)
    audience = forms.ChoiceField(label=pgettext_lazy("consultation", "Audience"), choices=Audience.choices)
    method = forms.ChoiceField(label=pgettext_lazy("consultation", "Method"), choices=Method.choices)
    participants = LongTextField(
        label=_("Who took part"),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("Groups, schools, communities: never a child's name."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    girls_0_5 = _count(_("Girls 0–5"))
    boys_0_5 = _count(_("Boys 0–5"))
    girls_6_11 = _count(_("Girls 6–11"))
    boys_6_11 = _count(_("Boys 6–11"))
    girls_12_17 = _count(_("Girls 12–17"))
    boys_12_17 = _count(_("Boys 12–17"))
    adults = _count(_("Adults"))
    summary = LongTextField(label=_("What they said"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 5}))
    response = LongTextField(
        label=_("What was done with it"),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("The answer given to the participants, and what changed because of what they said."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    answered_by = forms.CharField(
        label=_("Answered by"), max_length=200, required=False, help_text=_("The body or office that answered.")
    )
    answered_on = BoundedDateField(label=_("Answered on"), required=False, widget=DateInput())
    status = forms.ChoiceField(
        label=pgettext_lazy("consultation", "Status"),
        choices=ConsultationStatus.choices,
        initial=ConsultationStatus.HELD,
    )
    council_session = SessionChoiceField(
        label=_("Council session"),
        queryset=CouncilSession.objects.none(),
        required=False,
        help_text=_("For a consultation of the children's council."),
    )
    findings = FindingChoiceField(
        label=_("Findings of the diagnosis it bears on"),
        queryset=Finding.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measures = MeasureChoiceField(
        label=_("Measures of the plan it bears on"),
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    actors = IdModelMultipleChoiceField(
        label=_("Social actors that took part"),
        queryset=SocialActor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = VersionField(required=False)

    def __init__(
        self,
        *args: Any,
        sessions: QuerySet[CouncilSession],
        findings: QuerySet[Finding],
        measures: QuerySet[Measure],
        actors: QuerySet[SocialActor],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("council_session", sessions),
            ("findings", findings),
            ("measures", measures),
            ("actors", actors),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset


class ActorForm(forms.Form):
    name = forms.CharField(label=_("Organisation"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActorKind.choices)
    role = LongTextField(
        label=_("Role in the system"),
        required=False,
        max_length=ROLE_LIMIT,
        help_text=_("What it does for children, or could do, with the team."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    interest = forms.ChoiceField(label=_("Interest"), choices=Level.choices)
    influence = forms.ChoiceField(label=_("Influence"), choices=Level.choices)
    relationship = forms.ChoiceField(label=_("Relationship"), choices=Relationship.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=40, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    contact_email = forms.CharField(
        label=_("Contact e-mail"), max_length=254, required=False, widget=forms.EmailInput()
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = VersionField(required=False)


class ConsultationFilterForm(forms.Form):
    audience = forms.ChoiceField(
        label=pgettext_lazy("consultation", "Audience"), required=False, choices=[ALL, *Audience.choices]
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("consultation", "Status"), required=False, choices=[ALL, *ConsultationStatus.choices]
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


class ActorFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[ALL, *ActorKind.choices])
    relationship = forms.ChoiceField(label=_("Relationship"), required=False, choices=[ALL, *Relationship.choices])
    interest = forms.ChoiceField(label=_("Interest"), required=False, choices=[ALL, *Level.choices])
    influence = forms.ChoiceField(label=_("Influence"), required=False, choices=[ALL, *Level.choices])
    active = forms.ChoiceField(
        label=_("Active"),
        required=False,
        choices=[ALL, ("yes", pgettext_lazy("filter", "Active only")), ("no", _("Inactive only"))],
    )

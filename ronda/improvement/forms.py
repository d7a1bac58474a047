from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.core.forms import BoundedDateField, IdModelChoiceField, IdModelMultipleChoiceField, LongTextField
from ronda.improvement.models import LEVELS, Criterion, Dimension, ProgrammeRole, StageStatus, TeamMember
from ronda.improvement.services import LEVEL_LIMIT, TEXT_LIMIT
from ronda.territory.forms import VersionField
from ronda.territory.models import Area


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class MemberChoices(IdModelMultipleChoiceField):
    """Team members by role and area (an administrator, who does not read names, sees their number)."""

    def __init__(self, *args: Any, names: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names = names

    def label_from_instance(self, obj: Any) -> str:
        role = obj.get_programme_role_display()
        return f"{obj.full_name} ({role})" if self.names else f"{obj} ({role})"


class VersionForm(forms.Form):
    version = VersionField()


class ActionForm(forms.Form):
    """A button that sends nothing but the CSRF token (the gap's "make it an opportunity")."""


class CriterionForm(forms.Form):
    dimension = IdModelChoiceField(label=_("Dimension"), queryset=Dimension.objects.none())
    title = forms.CharField(label=pgettext_lazy("checklist", "Criterion"), max_length=255)
    level_0 = forms.CharField(label=_("Level 0: absent"), max_length=LEVEL_LIMIT)
    level_1 = forms.CharField(label=_("Level 1: started"), max_length=LEVEL_LIMIT)
    level_2 = forms.CharField(label=_("Level 2: in progress"), max_length=LEVEL_LIMIT)
    level_3 = forms.CharField(label=_("Level 3: consolidated"), max_length=LEVEL_LIMIT)

    def __init__(self, *args: Any, revising: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if revising:
            del self.fields["dimension"]
        else:
            _set_queryset(self, "dimension", Dimension.objects.order_by("order", "id"))

    @property
    def levels(self) -> list[str]:
        return [self.cleaned_data[f"level_{n}"] for n in LEVELS]


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("For example: Self-assessment 2026."))
    held_on = BoundedDateField(label=_("Held on"), widget=DateInput())
    participants = MemberChoices(
        label=_("Team members who took part"),
        queryset=TeamMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_participants = forms.CharField(
        label=_("Other participants"),
        max_length=500,
        required=False,
        help_text=_("People outside the programme team who took part, and their areas."),
    )

    def __init__(self, *args: Any, team: QuerySet[TeamMember], names: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participants"]
        assert isinstance(field, MemberChoices)
        field.queryset, field.names = team, names


def level_field(criterion: Criterion) -> str:
    return f"level_{criterion.pk}"


class ScoresForm(forms.Form):
    """One level (0 to 3, or none yet), evidence and comment per criterion of the round."""

    version = VersionField()

    def __init__(self, *args: Any, criteria: Iterable[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            choices = [("", _("Not scored yet")), *((str(n), f"{n}: {text}") for n, text in criterion.levels)]
            self.fields[level_field(criterion)] = forms.TypedChoiceField(
                label=f"{criterion.code} {criterion.title}",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"evidence_{criterion.pk}"] = LongTextField(
                label=_("Evidence"),
                max_length=TEXT_LIMIT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"comment_{criterion.pk}"] = LongTextField(
                label=_("Comment"), max_length=TEXT_LIMIT, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self) -> list[tuple[Criterion, Any, Any, Any]]:
        return [(c, self[level_field(c)], self[f"evidence_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    programme_role = forms.ChoiceField(label=_("Role in the programme"), choices=ProgrammeRole.choices)
    area = IdModelChoiceField(label=_("Area of the municipality"), queryset=Area.objects.none(), required=False)
    profile = forms.CharField(
        label=_("Profile and expertise"),
        max_length=500,
        required=False,
        help_text=_("For example: psychologist, ten years in early childhood programmes."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    from_date = BoundedDateField(label=_("In the team from"), widget=DateInput())
    to_date = BoundedDateField(label=_("In the team until"), widget=DateInput(), required=False)
    version = VersionField(required=False)

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "area", areas)


class PilotForm(forms.Form):
    opportunity = IdModelChoiceField(label=_("Improvement opportunity"), queryset=TeamMember.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = LongTextField(
        label=_("What the project does"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    narrative = LongTextField(
        label=_("Results narrative"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    team = MemberChoices(
        label=pgettext_lazy("pilot project", "Team"),
        queryset=TeamMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = VersionField(required=False)

    def __init__(
        self,
        *args: Any,
        team: QuerySet[TeamMember],
        opportunities: Any = None,
        names: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if opportunities is None:
            del self.fields["opportunity"]
        else:
            _set_queryset(self, "opportunity", opportunities)
            del self.fields["narrative"]
        field = self.fields["team"]
        assert isinstance(field, MemberChoices)
        field.queryset, field.names = team, names


class StageForm(forms.Form):
    status = forms.ChoiceField(label=pgettext_lazy("pilot stage", "Status"), choices=StageStatus.choices)
    starts_on = BoundedDateField(label=_("Starts on"), widget=DateInput(), required=False)
    ends_on = BoundedDateField(label=_("Ends on"), widget=DateInput(), required=False)
    notes = LongTextField(
        label=_("Notes"), max_length=TEXT_LIMIT, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = VersionField()


class MentorForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    expertise = forms.CharField(label=_("Expertise"), max_length=300, required=False)


class ResultForm(forms.Form):
    indicator = IdModelChoiceField(label=_("Tablero indicator"), queryset=TeamMember.objects.none())
    expected_change = forms.CharField(label=_("Expected change"), max_length=500, required=False)

    def __init__(self, *args: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "indicator", indicators)


class ObjectiveChoice(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.line.plan.title} · {obj.line.order}.{obj.order} {obj.title}"


class ProposeForm(forms.Form):
    """The pilot as draft measures of a draft plan: the objective chooses the plan."""

    objective = ObjectiveChoice(label=_("Objective of a draft plan"), queryset=TeamMember.objects.none())
    responsible_area = IdModelChoiceField(label=_("Responsible area"), queryset=Area.objects.none())
    start_date = BoundedDateField(label=pgettext_lazy("period", "Start"), widget=DateInput())
    end_date = BoundedDateField(label=pgettext_lazy("period", "End"), widget=DateInput())
    titles = forms.CharField(
        label=_("Measures"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One measure per line."),
    )

    def __init__(self, *args: Any, objectives: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "objective", objectives)
        _set_queryset(self, "responsible_area", areas)

    @property
    def title_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["titles"].splitlines() if line.strip()]

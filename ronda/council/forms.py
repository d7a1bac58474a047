from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from ronda.core.forms import BoundedDateField, IdModelChoiceField, LongTextField
from ronda.council import limits, readability
from ronda.council.models import CouncilAgeBand, CouncilSession, RequestKind, RequestStatus
from ronda.planning.choices import GoalArea
from ronda.territory.forms import VersionField
from ronda.territory.models import Area, OrgUnit

NO_NAMES_HELP = _(
    "Do not write children's names: a request belongs to the council, not to one child. "
    "It may be published with its answer."
)
CHILD_FRIENDLY_HELP = _(
    "Write for the children: short sentences (up to 20 words), everyday words, no acronyms. "
    "Say what was decided, why, who will do it and when. It is published as written."
)
CONFIRM_ANSWER_LABEL = _("Publish the answer as it is, despite the warnings")
CONFIRM_ANSWER_MISSING = _("Rewrite the answer, or tick the box below to publish it despite the warnings.")
NAME_WARNING = _(
    "This text seems to contain the first name of a council member. Requests and answers are recorded "
    "without children's names: remove the name, or tick the box below if it does not refer to a child."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CouncilForm(forms.Form):
    org_unit = IdModelChoiceField(label=_("Municipality"), queryset=OrgUnit.objects.none(), required=False)
    name = forms.CharField(
        label=_("Name"), max_length=limits.NAME, help_text=_("For example: Consejo Cantonal de Niñez y Adolescencia.")
    )
    established_on = BoundedDateField(label=_("Established on"), required=False, widget=DateInput())
    response_days = forms.IntegerField(
        label=_("Days to answer a request"),
        min_value=1,
        max_value=365,
        initial=30,
        help_text=_("The children get an answer within this many days. Applies to requests received from now on."),
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, municipalities: QuerySet[OrgUnit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if municipalities is None:
            del self.fields["org_unit"]
        else:
            cast(forms.ModelChoiceField, self.fields["org_unit"]).queryset = municipalities
            self.fields["org_unit"].required = True


class MemberForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=limits.FIRST_NAME,
        help_text=_("Only the first name. No surnames, documents, addresses, phone numbers or photos."),
    )
    age_band = forms.ChoiceField(label=_("Age band"), choices=[("", "—"), *CouncilAgeBand.choices])
    community = IdModelChoiceField(label=_("Community"), queryset=OrgUnit.objects.none(), empty_label="—")
    guardian_consent_on = BoundedDateField(
        label=_("Guardian's consent on"),
        widget=DateInput(),
        help_text=_("Date a parent or guardian signed the consent. Keep the signed form on paper, not here."),
    )
    joined_on = BoundedDateField(label=_("Joined on"), widget=DateInput())
    left_on = BoundedDateField(
        label=_("Left on"), required=False, widget=DateInput(), help_text=_("Leave empty while the child takes part.")
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, communities: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["community"]).queryset = communities


class SessionForm(forms.Form):
    held_on = BoundedDateField(label=_("Held on"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=limits.PLACE, required=False)
    topics = LongTextField(
        label=_("Topics"),
        max_length=limits.TOPICS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the children talked about."),
    )
    attendees = forms.IntegerField(label=_("Children present"), min_value=0, max_value=1000, initial=0)
    version = VersionField(required=False)


class SessionChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = obj.held_on.strftime("%d/%m/%Y")
        return f"{label} · {obj.place}" if obj.place else label


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RequestKind.choices, initial=RequestKind.REQUEST)
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE)
    description = LongTextField(
        label=_("What the children ask or propose"),
        max_length=limits.REQUEST,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=NO_NAMES_HELP,
    )
    goal_area = forms.ChoiceField(label=_("Goal area"), choices=[("", "—"), *GoalArea.choices], required=False)
    routed_area = IdModelChoiceField(
        label=_("Routed to area"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Not routed yet"),
        help_text=_("The area of the municipality that studies and answers it."),
    )
    session = SessionChoiceField(
        label=_("Session where it was raised"),
        queryset=CouncilSession.objects.none(),
        required=False,
        empty_label=_("Not raised at a session"),
    )
    received_on = BoundedDateField(label=_("Received on"), widget=DateInput())
    due_on = BoundedDateField(label=_("Answer due on"), required=False, widget=DateInput())
    answer = LongTextField(
        label=_("Answer in child-friendly language"),
        max_length=limits.ANSWER,
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=CHILD_FRIENDLY_HELP,
    )
    confirm_no_names = forms.BooleanField(
        label=_("I checked: the text does not name any child"), required=False, widget=forms.HiddenInput
    )
    previewed = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    confirm_answer = forms.BooleanField(label=CONFIRM_ANSWER_LABEL, required=False, widget=forms.HiddenInput)
    version = VersionField(required=False)

    def __init__(
        self,
        *args: Any,
        areas: QuerySet[Area],
        sessions: QuerySet[CouncilSession],
        response_days: int,
        with_answer: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["routed_area"]).queryset = areas
        cast(forms.ModelChoiceField, self.fields["session"]).queryset = sessions
        self.fields["due_on"].help_text = ngettext(
            "Empty: %(days)d day after it was received.", "Empty: %(days)d days after it was received.", response_days
        ) % {"days": response_days}
        if not with_answer:
            del self.fields["answer"]


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    answer = LongTextField(
        label=_("Answer in child-friendly language"),
        max_length=limits.ANSWER,
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=CHILD_FRIENDLY_HELP,
    )
    on = BoundedDateField(
        label=pgettext_lazy("council request", "Date"), required=False, widget=DateInput(), help_text=_("Empty: today.")
    )
    confirm_no_names = forms.BooleanField(
        label=_("I checked: the text does not name any child"), required=False, widget=forms.HiddenInput
    )
    previewed = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    confirm_answer = forms.BooleanField(label=CONFIRM_ANSWER_LABEL, required=False, widget=forms.HiddenInput)
    version = VersionField()

    def __init__(self, *args: Any, allowed: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [(s, RequestStatus(s).label) for s in allowed]


class AccountabilityForm(forms.Form):
    held_on = BoundedDateField(label=_("Held on"), widget=DateInput())
    summary = LongTextField(
        label=_("What was reported"),
        max_length=limits.REPORT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the coordination body told the children: progress, decisions, answers to their requests."),
    )
    children_questions = LongTextField(
        label=_("Children's questions and comments"),
        max_length=limits.QUESTIONS,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    attendees = forms.IntegerField(label=_("Children present"), min_value=0, max_value=1000, initial=0)
    version = VersionField(required=False)


def show_answer_preview(form: forms.Form, answer: str, check: readability.AnswerCheck) -> None:
    """The preview step: the form comes back with the answer's fingerprint (publishing needs the
    preview of this very text) and, when the check warns, the box to publish it anyway."""
    data = form.data.copy() if isinstance(form.data, QueryDict) else dict(form.data)
    data["previewed"] = readability.fingerprint(answer)
    form.data = data
    if check.warnings:
        form.fields["confirm_answer"].widget = forms.CheckboxInput()


def show_name_confirmation(form: forms.Form, field: str) -> None:
    """Warn that a text names a child, and let the user confirm it does not."""
    form.add_error(field, NAME_WARNING)
    form.fields["confirm_no_names"].widget = forms.CheckboxInput()

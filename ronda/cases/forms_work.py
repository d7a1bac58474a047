"""The forms of the work on a case. They parse input; ``casework`` checks the rules and says what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.accounts.models import User
from ronda.cases.casework import MESSAGE_LIMIT, NOTE_LIMIT, SHORT_LIMIT, TEXT_LIMIT
from ronda.cases.forms import DateInput
from ronda.cases.models import (
    ActionStatus,
    AttachmentKind,
    ConsentGiver,
    FlagKind,
    Fulfilment,
    ReferralStatus,
)
from ronda.core.forms import BoundedDateField, IdModelChoiceField, LongTextField
from ronda.territory.forms import VersionField
from ronda.territory.models import Institution, InstitutionService


def _optional(choices: Any) -> list[tuple[str, Any]]:
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


class PersonChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


# --- Visits ------------------------------------------------------------------------------------
class VisitPlanForm(forms.Form):
    planned_for = _date(_("Day of the visit"))


class VisitRecordForm(forms.Form):
    done_on = _date(_("Done on"))
    findings = _long(
        _("What was found"), TEXT_LIMIT, rows=8, help_text=_("Who was there, how the child is, what was agreed.")
    )
    version = VersionField()


# --- The plan ----------------------------------------------------------------------------------
class PlanGoalForm(forms.Form):
    goal = _long(_("Goal of the plan"), TEXT_LIMIT, rows=4)
    version = VersionField(required=False)


class PlanActionForm(forms.Form):
    description = _long(_("Action"), TEXT_LIMIT, rows=3)
    responsible = forms.CharField(
        label=_("Responsible"),
        max_length=SHORT_LIMIT,
        help_text=_("A person or an institution's office. Do not write the child's name."),
    )
    starts_on = _date(pgettext_lazy("plan action", "Start"), required=False)
    due_on = _date(pgettext_lazy("plan action", "Due"))
    status = forms.ChoiceField(
        label=pgettext_lazy("plan action", "Status"), choices=ActionStatus.choices, required=False
    )
    version = VersionField(required=False)


class PlanDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=(("aprobar", _("Approve the plan")), ("devolver", _("Return it for changes"))),
        widget=forms.RadioSelect,
    )
    comment = _long(_("Comment"), NOTE_LIMIT, required=False, rows=3, help_text=_("Required to return the plan."))
    version = VersionField()


# --- Mediation ----------------------------------------------------------------------------------
AGREEMENT_ROWS = 3


class MediationForm(forms.Form):
    held_on = _date(_("Held on"))
    participants = _long(_("Who took part"), NOTE_LIMIT, rows=2)
    summary = _long(_("Summary"), TEXT_LIMIT, required=False, rows=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, AGREEMENT_ROWS + 1):
            self.fields[f"agreement_{i}"] = _long(
                _("Agreement %(number)d") % {"number": i}, TEXT_LIMIT, required=False, rows=2
            )
            self.fields[f"agreement_{i}_due"] = _date(_("Agreement %(number)d due on") % {"number": i}, required=False)

    def agreements(self) -> list[tuple[str, Any]]:
        data = self.cleaned_data
        return [
            (data[f"agreement_{i}"], data[f"agreement_{i}_due"])
            for i in range(1, AGREEMENT_ROWS + 1)
            if data.get(f"agreement_{i}", "").strip() or data.get(f"agreement_{i}_due")
        ]


class AgreementForm(forms.Form):
    text = _long(_("Agreement"), TEXT_LIMIT, rows=2)
    due_on = _date(_("Due on"), required=False)


class AgreementCheckForm(forms.Form):
    fulfilment = forms.ChoiceField(
        label=_("Fulfilment"), choices=[c for c in Fulfilment.choices if c[0] != Fulfilment.PENDING]
    )
    checked_on = _date(_("Checked on"))
    version = VersionField()


# --- Referrals ----------------------------------------------------------------------------------
class ReferralForm(forms.Form):
    institution = IdModelChoiceField(label=_("Institution"), queryset=Institution.objects.none())
    service = IdModelChoiceField(label=_("Service"), queryset=InstitutionService.objects.none(), required=False)
    reason = _long(_("Reason for the referral"), TEXT_LIMIT, rows=5)
    sent_on = _date(_("Sent on"), required=False, help_text=_("Today if left empty."))
    consent_to_services = forms.BooleanField(label=_("They agree to receive the service"), required=False)
    consent_to_sharing = forms.BooleanField(
        label=_("They agree that the child's data is shared with the institution"), required=False
    )
    consent_given_by = forms.ChoiceField(
        label=_("Consent given by"), choices=_optional(ConsentGiver.choices), required=False
    )
    override_reason = _long(
        _("Why refer without consent"),
        NOTE_LIMIT,
        required=False,
        rows=3,
        help_text=_("Only a supervisor, at least 20 characters."),
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["service"].queryset = InstitutionService.objects.filter(  # type: ignore[attr-defined]
            institution__in=institutions
        ).select_related("institution")
        self.fields["service"].label_from_instance = lambda s: f"{s.institution} · {s.name}"  # type: ignore[attr-defined]


class ReferralUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ReferralStatus.choices)
    feedback_on = _date(_("Day of the institution's answer"))
    feedback = _long(
        _("Institution's feedback"),
        TEXT_LIMIT,
        required=False,
        rows=4,
        help_text=_("Required when rejected or closed."),
    )
    version = VersionField()


# --- Notes, tasks, flags, attachments ------------------------------------------------------------
class NoteForm(forms.Form):
    text = _long(_("Note"), NOTE_LIMIT, rows=3)


class TaskForm(forms.Form):
    title = forms.CharField(
        label=_("Task"), max_length=SHORT_LIMIT, help_text=_("What is to be done, without the child's name.")
    )
    due_on = _date(pgettext_lazy("task", "Due"))
    assigned_to = PersonChoiceField(label=_("Assigned to"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, assignees: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = assignees  # type: ignore[attr-defined]


class VersionForm(forms.Form):
    version = VersionField()


class FlagForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of warning"), choices=FlagKind.choices)
    message = forms.CharField(
        label=_("Warning"), max_length=MESSAGE_LIMIT, help_text=_("Short, without names: it is shown to every worker.")
    )


class FlagRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Why it is removed"), max_length=MESSAGE_LIMIT)


class AttachmentForm(forms.Form):
    upload = forms.FileField(label=_("File (PDF, JPEG or PNG)"))
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)
    description = forms.CharField(label=_("Description"), max_length=MESSAGE_LIMIT, required=False)

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.accounts.models import User
from ronda.coordination import limits
from ronda.coordination.models import (
    AgreementStatus,
    AttendanceStatus,
    BodyMember,
    Commission,
    CoordinationBody,
    Meeting,
    MeetingInvitation,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    MemberLevel,
    RsvpStatus,
)
from ronda.coordination.questionnaire import COMMENT_MAX_LENGTH, COMMITMENT_LABELS, ITEMS, LIKERT_LABELS, SECTIONS
from ronda.coordination.selectors import active_members
from ronda.coordination.services import check_meeting_fields, linkable_users
from ronda.coordination.services.meetings import OBJECTIVES_MAX_LENGTH
from ronda.core.errors import Errors
from ronda.core.forms import (
    BoundedDateField,
    BoundedDateTimeField,
    IdModelChoiceField,
    IdModelMultipleChoiceField,
    LongTextField,
)
from ronda.territory.forms import VersionField
from ronda.territory.models import Area, Institution
from ronda.territory.selectors import institutions_serving

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _areas_of(body: CoordinationBody) -> Any:
    return Area.objects.filter(org_unit=body.org_unit, is_active=True).order_by("name")


def _members_of(body: CoordinationBody) -> Any:
    return BodyMember.objects.filter(body=body).order_by("full_name")


class BodyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=limits.NAME)
    established_on = BoundedDateField(label=_("Established on"), required=False, widget=DATE)
    safeguarding_protocol = LongTextField(
        label=_("Safeguarding protocol"),
        required=False,
        max_length=limits.PROTOCOL,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How the body protects children who take part in its activities."),
    )
    lead_areas = IdModelMultipleChoiceField(
        label=_("Lead areas"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The areas that drive the body's work, such as the mayor's office and the childhood area."),
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, org_unit: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if org_unit is None:
            del self.fields["lead_areas"]  # a body being set up has no areas to choose yet
        else:
            self.fields["lead_areas"].queryset = Area.objects.filter(org_unit=org_unit).order_by("name")  # type: ignore[attr-defined]


class CoatOfArmsForm(forms.Form):
    coat_of_arms = forms.FileField(
        label=_("Coat of arms"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("A PNG or JPEG image of the municipality's coat of arms, for the letterhead of the minutes."),
    )
    remove = forms.BooleanField(label=_("Remove the coat of arms"), required=False)
    version = VersionField()


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=limits.NAME)
    level = forms.ChoiceField(label=_("Level"), choices=MemberLevel.choices)
    position = forms.CharField(label=_("Position"), max_length=limits.POSITION)
    area = IdModelChoiceField(label=_("Area"), queryset=Area.objects.none(), required=False)
    institution = IdModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        required=False,
        help_text=_("For members who represent an allied institution instead of a municipal area."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=limits.PHONE, required=False)
    user = IdModelChoiceField(
        label=_("Ronda user"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Link the member to their Ronda user so they can answer the anonymous questionnaire."),
    )
    start_date = BoundedDateField(label=_("Member from"), widget=DATE)
    end_date = BoundedDateField(label=_("Member until"), required=False, widget=DATE)
    version = VersionField(required=False)

    def __init__(self, *args: Any, body: CoordinationBody, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas_of(body)  # type: ignore[attr-defined]
        self.fields["institution"].queryset = institutions_serving(body.org_unit, active_only=True)  # type: ignore[attr-defined]
        self.fields["user"].queryset = linkable_users(body)  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = lambda u: f"{u.get_full_name() or u.username} ({u.username})"  # type: ignore[attr-defined]


class CommissionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=limits.NAME)
    purpose = LongTextField(
        label=_("Purpose"), required=False, max_length=limits.PURPOSE, widget=forms.Textarea(attrs={"rows": 3})
    )
    members = IdModelMultipleChoiceField(
        label=_("Members"), queryset=BodyMember.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, body: CoordinationBody, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = _members_of(body)  # type: ignore[attr-defined]


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    mode = forms.ChoiceField(label=_("Mode"), choices=MeetingMode.choices)
    scheduled_at = BoundedDateTimeField(
        label=_("Date and time"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    place = forms.CharField(
        label=_("Place"), max_length=limits.PLACE, required=False, help_text=_("Required for in-person meetings.")
    )
    link = forms.URLField(
        label=_("Link"), required=False, assume_scheme="https", help_text=_("Required for virtual meetings.")
    )
    commission = IdModelChoiceField(
        label=_("Commission"),
        queryset=Commission.objects.none(),
        required=False,
        empty_label=_("Plenary (the whole body)"),
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("meeting", "Status"), choices=MeetingStatus.choices, initial=MeetingStatus.SCHEDULED
    )
    objectives = LongTextField(
        label=_("Objectives"),
        required=False,
        max_length=OBJECTIVES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the meeting should achieve. It appears in the convocation and in the minutes."),
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, body: CoordinationBody, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commission"].queryset = Commission.objects.filter(body=body)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """The service's rules between fields, here too: a wrong date and a missing place show together."""
        data = super().clean() or {}
        errors = Errors()
        check_meeting_fields(
            errors,
            mode=data.get("mode", ""),
            place=data.get("place", ""),
            link=data.get("link", ""),
            status=data.get("status", ""),
            scheduled_at=data.get("scheduled_at"),
        )
        for field, messages in errors.as_dict().items():
            if field not in self.errors:  # a field's own error (e.g. an invalid link) comes first
                for message in messages:
                    self.add_error(field, message)
        return data


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Item"), max_length=limits.AGENDA_ITEM)
    presenter = IdModelChoiceField(label=_("Presenter"), queryset=BodyMember.objects.none(), required=False)
    minutes_allotted = forms.IntegerField(label=_("Minutes allotted"), min_value=1, max_value=480, initial=15)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the members of the body on the day of the meeting (not those who had left by then).
        day = timezone.localtime(meeting.scheduled_at).date()
        self.fields["presenter"].queryset = active_members(meeting.body, day)  # type: ignore[attr-defined]


class AgendaProposalForm(forms.Form):
    """A member proposes an item for the agenda of a coming meeting."""

    title = forms.CharField(label=_("Item you propose"), max_length=limits.AGENDA_ITEM)
    reason = LongTextField(
        label=_("Why it should be discussed"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProposalDecisionForm(forms.Form):
    """The coordinator's answer to a proposal: accepted (it goes on the agenda) or declined."""

    version = VersionField()
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[("accept", _("Put it on the agenda")), ("decline", _("Decline it"))],
        widget=forms.RadioSelect,
    )
    decision_note = LongTextField(
        label=_("Answer to the member"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you decline it."),
    )


class AttendanceForm(forms.Form):
    """One choice per member: present, absent or excused; and the invited guests."""

    version = VersionField()
    guests = LongTextField(
        label=_("Invited guests"),
        required=False,
        max_length=limits.GUESTS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("People who attended without being members, one per line: name, institution or position."),
    )

    def __init__(
        self,
        *args: Any,
        rows: list[dict[str, Any]],
        invited_guests: list[MeetingInvitation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.invited_guests = invited_guests or []
        choices = [("", _("Not recorded")), *AttendanceStatus.choices]
        for row in rows:
            member = row["member"]
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=member.full_name, choices=choices, required=False, initial=row["status"]
            )
        for invitation in self.invited_guests:
            self.fields[f"guest_{invitation.pk}"] = forms.BooleanField(
                label=invitation.guest_name, required=False, initial=bool(invitation.attended)
            )

    def guests_attended(self) -> dict[int, bool]:
        """Invitation id -> attended, for every invited guest (unticked: did not attend)."""
        return {i.pk: bool(self.cleaned_data.get(f"guest_{i.pk}")) for i in self.invited_guests}

    def guest_fields(self) -> list[tuple[MeetingInvitation, Any]]:
        return [(i, self[f"guest_{i.pk}"]) for i in self.invited_guests]

    def statuses(self, *, rest_present: bool = False) -> dict[int, str]:
        """Member id -> status for every member given one; with ``rest_present``, every member left
        "not recorded" is recorded present (the "all present" action: mark only the exceptions)."""
        return {
            int(name.removeprefix("member_")): value or AttendanceStatus.PRESENT
            for name, value in self.cleaned_data.items()
            if name.startswith("member_") and (value or rest_present)
        }

    def member_fields(self) -> list[tuple[dict[str, Any], Any]]:
        return [(row, self[f"member_{row['member'].pk}"]) for row in self.rows]


TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class MinutesForm(forms.Form):
    started_at = forms.TimeField(label=_("Started at"), required=False, widget=TIME)
    ended_at = forms.TimeField(label=_("Ended at"), required=False, widget=TIME)
    chaired_by = IdModelChoiceField(
        label=_("Chaired by"),
        queryset=BodyMember.objects.none(),
        required=False,
        help_text=_("Signs the minutes with the secretary of the meeting."),
    )
    recorded_by = IdModelChoiceField(
        label=_("Secretary of the meeting"), queryset=BodyMember.objects.none(), required=False
    )
    minutes_text = LongTextField(
        label=_("Discussion"),
        max_length=limits.DISCUSSION,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("What was discussed under each agenda item. The agreements are listed separately."),
    )
    version = VersionField()

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = active_members(meeting.body, timezone.localtime(meeting.scheduled_at).date())
        for name in ("chaired_by", "recorded_by"):
            self.fields[name].queryset = members  # type: ignore[attr-defined]
            self.fields[name].label_from_instance = lambda m: f"{m.full_name} · {m.position}"  # type: ignore[attr-defined]


class ApproveMinutesForm(forms.Form):
    approved_at = IdModelChoiceField(label=_("Approved at the meeting of"), queryset=Meeting.objects.none())
    version = VersionField()

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approved_at"].queryset = (  # type: ignore[attr-defined]
            Meeting.objects.filter(
                body_id=meeting.body_id, scheduled_at__gt=meeting.scheduled_at, scheduled_at__lte=timezone.now()
            )
            .exclude(status=MeetingStatus.CANCELLED)
            .order_by("scheduled_at")
        )
        self.fields["approved_at"].label_from_instance = lambda m: (  # type: ignore[attr-defined]
            f"{timezone.localtime(m.scheduled_at):%d/%m/%Y} · {m.get_kind_display()}"
        )


class AgreementForm(forms.Form):
    text = LongTextField(label=_("Agreement"), max_length=limits.AGREEMENT, widget=forms.Textarea(attrs={"rows": 3}))
    owner_area = IdModelChoiceField(label=_("Owner area"), queryset=Area.objects.none(), required=False)
    owner_member = IdModelChoiceField(
        label=_("Owner member"),
        queryset=BodyMember.objects.none(),
        required=False,
        help_text=_("Give an area, a member or both."),
    )
    institutions = IdModelMultipleChoiceField(
        label=_("Co-responsible institutions"),
        queryset=Institution.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Allied institutions that share this agreement: their focal points follow it up."),
    )
    due_date = BoundedDateField(label=_("Due date"), widget=DATE)
    status = forms.ChoiceField(
        label=pgettext_lazy("agreement", "Status"), choices=AgreementStatus.choices, initial=AgreementStatus.PENDING
    )
    completed_on = BoundedDateField(
        label=_("Fulfilled on"), required=False, widget=DATE, help_text=_("Only for fulfilled agreements.")
    )
    version = VersionField(required=False)

    def __init__(
        self,
        *args: Any,
        body: CoordinationBody,
        current_owner: BodyMember | None = None,
        current_institutions: Collection[int] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_area"].queryset = _areas_of(body)  # type: ignore[attr-defined]
        # The active institutions serving the municipality; one already named that has since closed
        # stays offered (and checked), so that saving the form does not drop it.
        serving = institutions_serving(body.org_unit, active_only=True).values("pk")
        self.fields["institutions"].queryset = Institution.objects.filter(  # type: ignore[attr-defined]
            Q(pk__in=serving) | Q(pk__in=list(current_institutions))
        ).order_by("name")
        # Current members only; an agreement already owned by a member who has left keeps them offered.
        members = active_members(body).values("pk")
        owners = BodyMember.objects.filter(body=body).filter(
            Q(pk__in=members) | Q(pk=current_owner.pk if current_owner else None)
        )
        self.fields["owner_member"].queryset = owners.order_by("full_name")  # type: ignore[attr-defined]


class AgreementStatusForm(forms.Form):
    status = forms.ChoiceField(label=pgettext_lazy("agreement", "Status"), choices=AgreementStatus.choices)
    completed_on = BoundedDateField(
        label=_("Fulfilled on"), required=False, widget=DATE, help_text=_("Empty: today, when fulfilled.")
    )
    version = VersionField()


class NoteForm(forms.Form):
    text = LongTextField(label=_("Follow-up note"), max_length=limits.NOTE, widget=forms.Textarea(attrs={"rows": 3}))


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=limits.NAME)
    closes_on = BoundedDateField(label=_("Closes on"), required=False, widget=DATE)


class CloseRoundForm(forms.Form):
    version = VersionField()


class QuestionnaireForm(forms.Form):
    """Radio groups 1–5 for the fixed items, optional ratings per area, open comments per section."""

    def __init__(self, *args: Any, areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        likert = [(str(v), f"{v} · {label}") for v, label in LIKERT_LABELS.items()]
        for item in ITEMS:
            self.fields[item.key] = forms.ChoiceField(label=item.text, choices=likert, widget=forms.RadioSelect)
        commitment = [("", _("No opinion")), *((str(v), f"{v} · {label}") for v, label in COMMITMENT_LABELS.items())]
        self.area_keys = []
        for area in areas:
            key = f"area_{area.pk}"
            self.area_keys.append(key)
            self.fields[key] = forms.ChoiceField(
                label=area.name, choices=commitment, required=False, widget=forms.RadioSelect, initial=""
            )
        for section in SECTIONS:
            self.fields[f"comment_{section.key}"] = LongTextField(
                label=section.comment_prompt,
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def sections(self) -> list[dict[str, Any]]:
        return [
            {
                "title": section.title,
                "items": [self[item.key] for item in ITEMS if item.section == section.key],
                "areas": [self[k] for k in self.area_keys] if section.key == "commitment" else [],
                "comment": self[f"comment_{section.key}"],
            }
            for section in SECTIONS
        ]

    def answers(self) -> tuple[dict[str, str], dict[str, str]]:
        data = self.cleaned_data
        likert = {item.key: data[item.key] for item in ITEMS}
        likert.update({k: data[k] for k in self.area_keys if data.get(k)})
        comments = {s.key: data[f"comment_{s.key}"] for s in SECTIONS if data.get(f"comment_{s.key}")}
        return likert, comments


# --- Convocation (issue #13 item 2) -------------------------------------------------------------
class InviteMembersForm(forms.Form):
    members = IdModelMultipleChoiceField(
        label=_("Members"),
        queryset=BodyMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The members of the body on the day of the meeting."),
    )
    commission = IdModelChoiceField(
        label=_("Or a whole commission"),
        queryset=Commission.objects.none(),
        required=False,
        empty_label=_("No commission"),
        help_text=_("Invites every member of the commission."),
    )

    def __init__(self, *args: Any, meeting: Meeting, invited: Collection[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        day = timezone.localtime(meeting.scheduled_at).date()
        self.fields["members"].queryset = active_members(meeting.body, day).exclude(pk__in=invited)  # type: ignore[attr-defined]
        self.fields["members"].label_from_instance = lambda m: f"{m.full_name} · {m.position}"  # type: ignore[attr-defined]
        self.fields["commission"].queryset = Commission.objects.filter(body=meeting.body).order_by("name")  # type: ignore[attr-defined]


class GuestForm(forms.Form):
    guest_name = forms.CharField(label=_("Guest's name"), max_length=200)
    guest_organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("The area, institution or organisation the guest represents."),
    )
    # Not an EmailField: the service says in Spanish what is wrong, for the API too.
    guest_email = forms.CharField(
        label=_("Guest's e-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput,
        help_text=_("Required: the convocation and the link to answer it are sent there."),
    )


class ConvocationForm(forms.Form):
    again = forms.BooleanField(label=_("Send it again to everyone, also to who already received it"), required=False)


class RsvpForm(forms.Form):
    rsvp = forms.ChoiceField(
        label=_("Will you attend?"),
        choices=[
            (RsvpStatus.YES, RsvpStatus.YES.label),
            (RsvpStatus.NO, RsvpStatus.NO.label),
            (RsvpStatus.MAYBE, RsvpStatus.MAYBE.label),
        ],
        widget=forms.RadioSelect,
    )


class ReminderDaysForm(forms.Form):
    reminder_days = forms.CharField(
        label=_("Reminders, in days before the meeting"),
        required=False,
        max_length=50,
        help_text=_("Whole days separated by commas, for example “3, 1”. Leave it empty for no reminders."),
    )
    version = VersionField()

    def clean_reminder_days(self) -> list[int]:
        raw = self.cleaned_data["reminder_days"]
        parts = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(_("Write whole numbers of days, separated by commas."))
        return [int(p) for p in parts]

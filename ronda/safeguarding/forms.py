from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.accounts.models import User
from ronda.core.forms import BoundedDateField, IdModelChoiceField, LongTextField
from ronda.safeguarding.models import ConcernStatus, DocumentKind, Employment
from ronda.safeguarding.services import MAX_RENEWAL_MONTHS, TEXT_LIMIT
from ronda.territory.forms import VersionField
from ronda.territory.models import Area, Institution


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class UserChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("safeguarding document", "Document"), choices=DocumentKind.choices)
    edition = forms.CharField(label=_("Version"), max_length=40, help_text=_("For example: 2026-1."))
    approved_on = BoundedDateField(label=_("Approved on"), widget=DateInput())
    approving_act = forms.CharField(
        label=_("Approving act"),
        max_length=255,
        help_text=_("The resolution, ordinance or minutes that approved it."),
    )
    upload = forms.FileField(
        label=pgettext_lazy("safeguarding document", "Document"),
        help_text=_("A PDF document, or a photo (JPEG or PNG) of the signed page."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class SettingsForm(forms.Form):
    months = forms.IntegerField(
        label=_("Renewal interval (months)"),
        min_value=1,
        max_value=MAX_RENEWAL_MONTHS,
        help_text=_("How long a signature is in force before it must be renewed."),
    )
    version = VersionField(required=False)


class VersionForm(forms.Form):
    version = VersionField()


class ContactForm(forms.Form):
    user = UserChoiceField(label=_("User"), queryset=User.objects.none())
    protocol_role = forms.CharField(
        label=_("Role in the protocol"), max_length=200, help_text=_("For example: safeguarding focal point.")
    )

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, IdModelChoiceField)
        field.queryset = users


class SignatureForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    employment = forms.ChoiceField(label=_("Employment"), choices=Employment.choices)
    area = IdModelChoiceField(
        label=_("Area of the municipality"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("For municipal staff."),
    )
    company = forms.CharField(
        label=_("Company"), max_length=200, required=False, help_text=_("For subcontracted staff.")
    )
    position = forms.CharField(label=_("Position"), max_length=200)
    signed_on = BoundedDateField(label=_("Signed on"), widget=DateInput())
    renewal_due = BoundedDateField(
        label=_("Renewal due"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave it empty to count the municipality's renewal interval from the date of signing."),
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, IdModelChoiceField)
        field.queryset = areas


class ConcernForm(forms.Form):
    raised_on = BoundedDateField(label=_("Raised on"), widget=DateInput())
    raised_by = forms.CharField(label=_("Raised by"), max_length=200)
    description = LongTextField(label=_("Concern"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 5}))
    concerned = forms.CharField(label=_("Who is concerned"), max_length=500, required=False)
    actions = LongTextField(
        label=_("Actions taken"), max_length=TEXT_LIMIT, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(label=pgettext_lazy("safeguarding concern", "Status"), choices=ConcernStatus.choices)
    referred_to = IdModelChoiceField(label=_("Referred to"), queryset=Institution.objects.none(), required=False)
    version = VersionField(required=False)

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["referred_to"]
        assert isinstance(field, IdModelChoiceField)
        field.queryset = institutions

"""The municipality's forms of a certification cycle (issue #14 item 2). They only shape the input:
``services`` checks everything again and its refusals come back on the form (``service_errors_on``).
Fields are named as the services name their keywords; the hidden ``version`` is ``expected_version``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ronda.certification.models import Call, Cycle, Framework
from ronda.certification.services import NAME_LIMIT, TEXT_LIMIT
from ronda.core.document_forms import AnnexForm, DateInput
from ronda.core.forms import BoundedDateField, IdModelChoiceField, LongTextField
from ronda.territory.forms import VersionField


def _long(label: Any, *, required: bool, help_text: Any = "") -> LongTextField:
    return LongTextField(
        label=label,
        max_length=TEXT_LIMIT,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class CommitmentForm(forms.Form):
    resolution_on = BoundedDateField(label=_("Date of the council's resolution"), required=False, widget=DateInput())
    resolution_reference = forms.CharField(
        label=_("Reference of the resolution"),
        max_length=NAME_LIMIT,
        required=False,
        help_text=_("E.g. Resolution 012-2026 of the municipal council."),
    )
    agreement_signed_on = BoundedDateField(label=_("Commitment signed on"), required=False, widget=DateInput())
    liaison_name = forms.CharField(
        label=_("Municipal liaison"),
        max_length=NAME_LIMIT,
        required=False,
        help_text=_("The official who answers for the municipality before the secretariat."),
    )
    liaison_position = forms.CharField(label=_("Position of the liaison"), max_length=NAME_LIMIT, required=False)
    version = VersionField()

    FIELDS = ("resolution_on", "resolution_reference", "agreement_signed_on", "liaison_name", "liaison_position")

    @classmethod
    def initial_of(cls, cycle: Cycle) -> dict[str, Any]:
        return {**{name: getattr(cycle, name) for name in cls.FIELDS}, "version": cycle.version}

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class CandidacyForm(forms.Form):
    call = IdModelChoiceField(
        label=_("Call for candidacies"),
        queryset=Call.objects.none(),
        required=False,
        empty_label=_("No call: apply directly"),
        help_text=_("The calls open today to the municipality for this framework."),
    )
    version = VersionField()

    def __init__(self, *args: Any, calls: QuerySet[Call], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["call"]
        assert isinstance(field, IdModelChoiceField)
        field.queryset = calls


class CycleDocumentForm(AnnexForm):
    """The file for a document requirement; a second upload is a new version of the same document."""

    note = None  # type: ignore[assignment]  # the cycle's service keeps no note per version

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Empty: the requirement's title.")


class SubmitForm(forms.Form):
    note = _long(
        _("Note for the secretariat"),
        required=False,
        help_text=_("Optional: what the secretariat should know about this submission."),
    )
    version = VersionField()


class AnswerForm(forms.Form):
    answer = _long(_("Answer of the municipality"), required=True)
    version = VersionField()


class StartForm(forms.Form):
    """The "start" button of a framework on the home page."""

    framework = IdModelChoiceField(queryset=Framework.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, frameworks: QuerySet[Framework], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["framework"]
        assert isinstance(field, IdModelChoiceField)
        field.queryset = frameworks


class EmptyForm(forms.Form):
    """A button with nothing to fill in (renewal): a place for the service's refusal."""

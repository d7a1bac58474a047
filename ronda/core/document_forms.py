"""The forms of the document store (``core.documents``), which each domain's pages reuse.

A domain adds what only it knows (the kinds of its documents) by subclassing; the services check
everything again, so these only shape the input.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.core import documents
from ronda.core.forms import BoundedDateField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class _Version(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, **kwargs)


def upload_field() -> forms.FileField:
    return forms.FileField(
        label=pgettext_lazy("uploaded file", "File"),
        help_text=_("A PDF document, or a photo (JPEG or PNG) of the signed pages."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


def note_field() -> forms.CharField:
    return forms.CharField(
        label=_("Note"),
        max_length=documents.NOTE_LIMIT,
        required=False,
        help_text=_("What this version is: the signed copy, a correction, the reformed text …"),
    )


class DocumentForm(forms.Form):
    """A new document with its first file. Subclasses add ``kind`` when the owner has several."""

    title = forms.CharField(label=_("Title"), max_length=documents.TITLE_LIMIT)
    reference = forms.CharField(
        label=_("Number of the act"),
        max_length=documents.REFERENCE_LIMIT,
        required=False,
        help_text=_("E.g. Resolution 012-2026."),
    )
    dated = BoundedDateField(label=_("Date of the act"), required=False, widget=DateInput())
    upload = upload_field()
    note = note_field()


class AnnexForm(forms.Form):
    """A document without an act of its own (a meeting's annex): a title and the file."""

    title = forms.CharField(label=_("Title"), max_length=documents.TITLE_LIMIT)
    upload = upload_field()
    note = note_field()


class NewVersionForm(forms.Form):
    upload = upload_field()
    note = note_field()
    version = _Version()


class DetailsForm(forms.Form):
    """What a document says of itself; ``with_act=False`` leaves the act's number and date out."""

    title = forms.CharField(label=_("Title"), max_length=documents.TITLE_LIMIT)
    reference = forms.CharField(
        label=_("Number of the act"),
        max_length=documents.REFERENCE_LIMIT,
        required=False,
        help_text=_("E.g. Resolution 012-2026."),
    )
    dated = BoundedDateField(label=_("Date of the act"), required=False, widget=DateInput())
    version = _Version()

    def __init__(self, *args: Any, with_act: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_act:
            del self.fields["reference"]
            del self.fields["dated"]

"""The forms of the body's documents and the meetings' annexes: the kernel's, with the body's kinds."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import pgettext_lazy

from ronda.coordination.services.documents import FOUNDING_KINDS, BodyDocumentKind
from ronda.core.document_forms import AnnexForm, DetailsForm, DocumentForm, NewVersionForm


class BodyDocumentForm(DocumentForm):
    kind = forms.ChoiceField(label=pgettext_lazy("body document", "Document"), choices=BodyDocumentKind.choices)
    field_order = ["kind", "title", "reference", "dated", "upload", "note"]


class BodyDocumentDetailsForm(DetailsForm):
    """A founding act may be corrected into another kind of act; the regulation keeps its kind."""

    kind = forms.ChoiceField(
        label=pgettext_lazy("body document", "Document"),
        choices=[(value, label) for value, label in BodyDocumentKind.choices if value in FOUNDING_KINDS],
    )
    field_order = ["kind", "title", "reference", "dated"]

    def __init__(self, *args: Any, founding: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not founding:
            del self.fields["kind"]


__all__ = ["AnnexForm", "BodyDocumentDetailsForm", "BodyDocumentForm", "NewVersionForm"]

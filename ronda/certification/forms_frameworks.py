"""The forms of the framework pages (issue #14 item 1): a requirement of a draft edition, and the
version every action on an edition sends. The services check the rest (``check_params``)."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.certification import rules
from ronda.certification.models import Requirement, RequirementKind
from ronda.certification.services import TEXT_LIMIT
from ronda.core.forms import LongTextField
from ronda.territory.forms import VersionField

PARAMS_LIMIT = 2_000


class EditionForm(forms.Form):
    """Publishing a draft edition: the version of the edition the secretariat was looking at."""

    version = VersionField()


class RequirementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    description = LongTextField(
        label=_("Description"), max_length=TEXT_LIMIT, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=RequirementKind.choices, widget=forms.RadioSelect)
    rule = forms.ChoiceField(
        label=_("Evidence rule"),
        required=False,
        help_text=_("Only for a requirement computed from the data: what Ronda checks in the municipality's data."),
    )
    params = forms.CharField(
        label=_("Parameters of the rule"),
        max_length=PARAMS_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_(
            'Names and values in JSON, for example {"months": 12, "min_meetings": 2}. '
            "A parameter left out takes the rule's default. The parameters of each rule are listed below."
        ),
    )
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False)
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["rule"]).choices = [
            ("", pgettext_lazy("evidence rule", "None")),
            *rules.choices(),
        ]

    @classmethod
    def initial_for(cls, requirement: Requirement) -> dict[str, Any]:
        return {
            "title": requirement.title,
            "description": requirement.description,
            "kind": requirement.kind,
            "rule": requirement.rule,
            "params": json.dumps(requirement.params, ensure_ascii=False) if requirement.params else "",
            "mandatory": requirement.mandatory,
            "version": requirement.framework.version,
        }

    def clean_params(self) -> Any:
        text = (self.cleaned_data.get("params") or "").strip()
        if not text:
            return {}
        try:
            return json.loads(text)
        except ValueError:
            raise ValidationError(
                _('Write the parameters in JSON, between braces, for example {"months": 12}.'), code="json"
            ) from None

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "kind": data["kind"],
            "rule": data["rule"],
            "params": data["params"],
            "mandatory": data["mandatory"],
        }

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ronda.territory.models import AreaKind, InstitutionKind, OrgUnit


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, **kwargs)


class OrgUnitForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=200)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = VersionField(required=False)


class AreaForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=AreaKind.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = VersionField(required=False)


class InstitutionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    acronym = forms.CharField(label=_("Acronym"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=InstitutionKind.choices)
    seat_code = forms.CharField(
        label=_("Seat (org unit code)"), max_length=50, help_text=_("Code of the unit where it is located.")
    )
    jurisdiction_codes = forms.CharField(
        label=_("Jurisdiction (org unit codes)"),
        required=False,
        help_text=_("Codes of the units it serves, separated by commas. Empty: only its seat."),
        widget=forms.TextInput,
    )
    services = forms.CharField(
        label=_("Services"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One service per line."),
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = VersionField(required=False)

    def __init__(self, *args: Any, visible_units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visible_units = visible_units if visible_units is not None else OrgUnit.objects.none()

    def clean_seat_code(self) -> OrgUnit:
        code = self.cleaned_data["seat_code"].strip()
        unit = self.visible_units.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No unit with code %(code)s in your territory."), params={"code": code})
        return unit

    def clean_jurisdiction_codes(self) -> list[OrgUnit]:
        raw = self.cleaned_data.get("jurisdiction_codes", "")
        codes = [c.strip() for c in raw.replace(";", ",").split(",") if c.strip()]
        units = list(self.visible_units.filter(code__in=codes))
        missing = sorted(set(codes) - {u.code for u in units})
        if missing:
            raise forms.ValidationError(
                _("Unknown codes in your territory: %(codes)s"), params={"codes": ", ".join(missing)}
            )
        return units

    def clean_services(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("services", "").splitlines() if line.strip()]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("Columns: code, name, level, parent_code."))

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload a .csv file."))
        if upload.size > min(settings.RONDA_UPLOAD_MAX_BYTES, 5 * 1024 * 1024):
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return bytes(upload.read())

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ronda.territory.models import AreaKind, InstitutionKind, OrgUnit, validate_currency


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, **kwargs)


def _time_zone_choices() -> list[tuple[str, object]]:
    return [("", _("The parent unit's")), *((name, name) for name in sorted(zoneinfo.available_timezones()))]


class OrgUnitForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=200)
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        required=False,
        help_text=_("ISO 4217 code of the money its budgets are in (USD, CRC, MXN); blank: the parent's."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        choices=_time_zone_choices,
        help_text=_("Deadlines and today's date are computed in it. Blank: the parent unit's."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = VersionField(required=False)

    def clean_currency(self) -> str:
        currency = str(self.cleaned_data.get("currency") or "").strip().upper()
        if currency:
            validate_currency(currency)
        return currency


class IdentityForm(forms.Form):
    official_name = forms.CharField(
        label=_("Official name"),
        max_length=255,
        required=False,
        help_text=_("As it appears on official documents, e.g. Gobierno Autónomo Descentralizado Municipal de Cuenca."),
    )
    colour = forms.CharField(
        label=_("Colour"),
        max_length=7,
        required=False,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("Shown behind white text: it must be dark enough to read (contrast of at least 4.5:1)."),
    )
    coat_of_arms = forms.FileField(
        label=_("Coat of arms"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("PNG or JPEG, at most 512 KB and 1024 pixels a side."),
    )
    remove_coat_of_arms = forms.BooleanField(label=_("Remove the coat of arms"), required=False)
    version = VersionField()


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

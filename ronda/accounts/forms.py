from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from ronda.core.roles import Role
from ronda.territory.models import Area, Institution, OrgUnit


class LoginForm(AuthenticationForm):
    """Same message for an unknown user and a wrong password: never say which was wrong."""

    error_messages = {
        "invalid_login": _("The username or password is not correct. Check them and try again."),
        "inactive": _("The username or password is not correct. Check them and try again."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class OTPForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}),
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, mixing letters with digits or symbols."),
    )


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    org_unit_code = forms.CharField(
        label=_("Org unit code"), max_length=50, required=False, help_text=_("Empty only for administrators.")
    )
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none(), required=False)
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.select_related("org_unit").filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["institution"].queryset = Institution.objects.filter(is_active=True)  # type: ignore[attr-defined]

    def clean_org_unit_code(self) -> OrgUnit | None:
        code = self.cleaned_data.get("org_unit_code", "").strip()
        if not code:
            return None
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No unit with code %(code)s."), params={"code": code})
        return unit


BREAK_GLASS_MINUTES = [
    (15, _("15 minutes")),
    (30, _("30 minutes")),
    (60, _("1 hour")),
    (120, _("2 hours")),
    (240, _("4 hours")),
]


class BreakGlassForm(forms.Form):
    org_unit_code = forms.CharField(
        label=_("Unit code"),
        max_length=50,
        help_text=_("The municipality (or community) whose children's records you need, e.g. EC-1101."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Why you need it and for which case. The municipality's supervisors will read it."),
    )
    minutes = forms.TypedChoiceField(label=_("For how long"), choices=BREAK_GLASS_MINUTES, coerce=int, initial=30)

    def clean_org_unit_code(self) -> OrgUnit:
        code = self.cleaned_data.get("org_unit_code", "").strip()
        unit = OrgUnit.objects.filter(code=code, is_active=True).first()
        if unit is None:
            raise forms.ValidationError(_("No unit with code %(code)s."), params={"code": code})
        return unit

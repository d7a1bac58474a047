"""The one way views show a service's refusal (issue #8 item 4): on the form, or as messages after a redirect."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from ronda.core.errors import ConflictError
from ronda.core.views_helpers import apply_errors, flash_errors, service_errors_on
from ronda.testing import World


class MembershipLikeForm(forms.Form):
    org_unit_code = forms.CharField()
    password = forms.CharField(required=False)


def _valid_form() -> MembershipLikeForm:
    form = MembershipLikeForm({"org_unit_code": "A-M"})
    assert form.is_valid()
    return form


def test_errors_go_to_the_field_a_service_names_under_its_form_name() -> None:
    form = _valid_form()
    apply_errors(
        form, ValidationError({"org_unit": "Unknown unit.", "role": "Not here."}), rename={"org_unit": "org_unit_code"}
    )
    assert form.errors == {"org_unit_code": ["Unknown unit."], "__all__": ["Not here."]}


def test_errors_naming_no_field_go_to_the_chosen_field() -> None:
    form = _valid_form()
    apply_errors(form, ValidationError(["Too short.", "Too common."]), non_field="password")
    assert form.errors == {"password": ["Too short.", "Too common."]}
    top = _valid_form()
    apply_errors(top, ValidationError("Refused."))
    assert top.errors == {"__all__": ["Refused."]}


def _refuse(exc: Exception) -> None:
    raise exc


def test_service_errors_on_skips_the_success_and_keeps_the_message() -> None:
    done = []
    form = _valid_form()
    with service_errors_on(form):
        _refuse(ConflictError())
        done.append("success")
    assert done == [] and form.errors == {"__all__": [str(ConflictError())]}
    renamed = _valid_form()
    with service_errors_on(renamed, rename={"org_unit": "org_unit_code"}):
        raise ValidationError({"org_unit": "Unknown unit."})
    assert renamed.errors == {"org_unit_code": ["Unknown unit."]}


def test_flash_errors_turns_each_error_into_one_message() -> None:
    request = RequestFactory().post("/")
    request.__dict__["_messages"] = CookieStorage(request)  # what MessageMiddleware sets
    form = MembershipLikeForm({})  # org_unit_code missing
    with service_errors_on(form):
        raise ValidationError("Refused.")
    flash_errors(request, form)
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [
        ("error", str(forms.Field.default_error_messages["required"])),
        ("error", "Refused."),
    ]


def test_a_form_of_no_fields_carries_a_buttons_refusal() -> None:
    request = RequestFactory().post("/")
    request.__dict__["_messages"] = CookieStorage(request)  # what MessageMiddleware sets
    button = forms.Form()
    with service_errors_on(button):
        raise ValidationError("You cannot deactivate your own account.")
    flash_errors(request, button)
    assert [m.message for m in get_messages(request)] == ["You cannot deactivate your own account."]


def test_the_quick_select_writes_what_djangos_select_writes() -> None:
    """``QuickSelect`` (no template per option) gives the same options, attributes, escaping and choice."""
    import re

    from ronda.core.forms import QuickSelect

    choices = [("", "—"), (1, "Ana <b>"), (2, 'Beto "B"'), ("Grupo", [(3, "Carla & Co"), (2, "Again")]), (None, "x")]

    def normal(html: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()

    for value in (2, "2", 3, "", None, 99, [2, 3]):
        quick = QuickSelect(attrs={"id": "x", "required": True}, choices=choices).render("who", value)
        django = forms.Select(attrs={"id": "x", "required": True}, choices=choices).render("who", value)
        assert normal(quick) == normal(django), value
        many = type("QuickMultiple", (QuickSelect,), {"allow_multiple_selected": True})
        quick = many(attrs={"id": "y"}, choices=choices).render("who", value)
        django = forms.SelectMultiple(attrs={"id": "y"}, choices=choices).render("who", value)
        assert normal(quick) == normal(django), value
    quick = QuickSelect(choices=choices).render("who", 2)
    assert "Ana &lt;b&gt;" in quick and 'value="2" selected' in quick
    assert quick.count("selected") == 1  # the first option of the value, as Django's


@pytest.mark.django_db
def test_the_quick_select_of_a_model_field_writes_what_djangos_writes(world: World) -> None:
    import re

    from ronda.core.forms import IdModelChoiceField
    from ronda.territory.models import OrgUnit

    def normal(html: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()

    units = OrgUnit.objects.order_by("name")
    quick = IdModelChoiceField(queryset=units)
    plain = forms.ModelChoiceField(queryset=units)
    for value in (world.municipality.pk, str(world.region.pk), None):
        assert normal(quick.widget.render("unit", value)) == normal(plain.widget.render("unit", value))
    assert f'value="{world.municipality.pk}" selected' in quick.widget.render("unit", world.municipality.pk)

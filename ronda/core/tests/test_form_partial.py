"""The shared form partial (_form.html): an error summary that links to each field in error, every
required field marked, and each error tied to its field through aria-describedby."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from ronda.testing import build_world, login


class SampleForm(forms.Form):
    title = forms.CharField(label="Title", help_text="A short title.")
    place = forms.CharField(label="Place")
    notes = forms.CharField(label="Notes", required=False)

    def clean(self) -> dict[str, object]:
        raise forms.ValidationError("The whole form is wrong.")


def render(form: forms.Form) -> str:
    with translation.override("en"):
        if form.is_bound:
            form.full_clean()
        return render_to_string("_form.html", {"form": form})


def test_summary_lists_every_error_at_once_with_links_to_the_fields() -> None:
    form = SampleForm(data={"notes": "x"})
    html = render(form)
    assert not form.is_valid()
    summary = html[html.index('class="error-summary"') : html.index("</div>")]
    assert 'tabindex="-1"' in summary and "data-error-summary" in summary
    # Both required fields and the form-wide error appear, before the first field.
    assert '<a href="#id_title">Title: This field is required.</a>' in summary
    assert '<a href="#id_place">Place: This field is required.</a>' in summary
    assert "<li>The whole form is wrong.</li>" in summary
    assert html.index("error-summary") < html.index('name="title"')


def test_errors_are_tied_to_their_field() -> None:
    html = render(SampleForm(data={}))
    title = re.search(r"<input[^>]*name=\"title\"[^>]*>", html)
    assert title is not None
    tag = title.group(0)
    assert 'aria-invalid="true"' in tag
    assert 'aria-describedby="id_title_helptext id_title_error"' in tag
    # One element per id, holding every message of the field.
    assert html.count('id="id_title_error"') == 1
    assert html.count('id="id_place_error"') == 1


def test_required_fields_are_marked_and_the_mark_explained_once() -> None:
    html = render(SampleForm())
    assert "error-summary" not in html
    title = re.search(r"<input[^>]*name=\"title\"[^>]*>", html)
    notes = re.search(r"<input[^>]*name=\"notes\"[^>]*>", html)
    assert title is not None and notes is not None
    assert " required" in title.group(0) and " required" not in notes.group(0)
    assert html.count('class="required"') == 2 + 1  # two required labels and the explanation
    assert html.count("required-note") == 1


def test_a_form_without_required_fields_has_no_explanation() -> None:
    class Optional(forms.Form):
        notes = forms.CharField(required=False)

    assert "required-note" not in render(Optional())


@pytest.mark.django_db
def test_header_puts_the_secondary_links_in_the_account_menu(client) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    login(client, world.home["coordinator"])
    html = client.get(reverse("core:home")).content.decode()
    menu = html[html.index('<details class="user-menu">') : html.index("</details>")]
    for url in (reverse("accounts:password_change"), reverse("accounts:token_list"), reverse("accounts:logout")):
        assert url in menu
    nav = html[html.index('id="site-nav"') : html.index("</nav>", html.index('id="site-nav"'))]
    assert reverse("accounts:password_change") not in nav
    # The busy label htmx forms show, in the user's language.
    assert "data-busy-label=" in html

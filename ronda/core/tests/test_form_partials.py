"""One field partial (_field.html) and one error summary (_error_summary.html) for the forms of every app:
the summary lists every error at once and links to its field, every required field is marked, groups of
choices are a fieldset with a legend, long texts with a limit carry a counter, and every aria-describedby
points to an element that is on the page (issue #9, items 4 and 19)."""

from __future__ import annotations

import datetime
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ronda.coordination.tests.conftest import build_coordination
from ronda.core.tenancy import SYSTEM
from ronda.council import services as council_services
from ronda.planning.tests.conftest import build_plan
from ronda.territory.models import Area, AreaKind
from ronda.testing import World, login

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """What these tests look at in a page: ids, aria-describedby, the summary's links, required marks,
    fieldsets with their legend and inputs, and character counters."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()
        self.described: list[tuple[str, list[str]]] = []
        self.summaries = 0
        self.summary_links: list[str] = []
        self.summary_items = 0
        self.required_labels: set[str] = set()
        self.groups: list[dict[str, Any]] = []
        self.counters: dict[str, str] = {}
        self._stack: list[tuple[str, dict[str, str], Any]] = []
        self.feed(html)

    def _inside(self, tag: str, attr: str | None = None) -> tuple[str, dict[str, str], Any] | None:
        for entry in reversed(self._stack):
            if entry[0] == tag and (attr is None or attr in entry[1]):
                return entry
        return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids[a["id"]] += 1
        if "aria-describedby" in a:
            self.described.append((a.get("id") or a.get("name") or tag, a["aria-describedby"].split()))
        if "data-error-summary" in a:
            self.summaries += 1
        summary = self._inside("div", "data-error-summary")
        if summary and tag == "a":
            self.summary_links.append(a["href"])
        if summary and tag == "li":
            self.summary_items += 1
        if "data-counter" in a:
            self.counters[a["data-counter"]] = a.get("data-text", "")
        group = None
        if tag == "fieldset":
            group = {"legend": "", "required": False, "names": set(), "attrs": a}
            self.groups.append(group)
        fieldset = self._inside("fieldset")
        if fieldset and tag in ("input", "select", "textarea"):
            fieldset[2]["names"].add(a.get("name"))
        if tag == "span" and "required" in a.get("class", "").split():
            label = self._inside("label")
            if label:
                self.required_labels.add(label[1].get("for", ""))
            if self._inside("legend") and fieldset:
                fieldset[2]["required"] = True
        if tag not in VOID:
            self._stack.append((tag, a, group))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                return

    def handle_data(self, data: str) -> None:
        fieldset = self._inside("fieldset")
        if fieldset and self._inside("legend"):
            fieldset[2]["legend"] += data

    def group_of(self, name: str) -> dict[str, Any] | None:
        return next((g for g in self.groups if name in g["names"]), None)


def check_page(html: str, form: forms.Form) -> Page:
    """The rules every form page follows; returns the parsed page for the test's own checks."""
    page = Page(html)
    # Each aria-describedby names elements that exist, and each id is used once.
    for owner, refs in page.described:
        for ref in refs:
            assert page.ids[ref] == 1, f"{owner}: aria-describedby names {ref!r}, found {page.ids[ref]} times"
    # One summary, listing every error: each field's with a link to an element of the page.
    if form.errors:
        assert page.summaries == 1
        assert page.summary_items == sum(len(e) for e in form.errors.values())
        linked = {form[name] for name in form.errors if name != "__all__" and not form[name].is_hidden}
        assert len(page.summary_links) == sum(len(f.errors) for f in linked)
        for href in page.summary_links:
            assert href.startswith("#") and page.ids[href[1:]] == 1, href
        for field in linked:
            assert any(h[1:].startswith(field.auto_id) for h in page.summary_links), field.name
    else:
        assert page.summaries == 0
    # Every required field shown is marked: on its label, or on the legend of its group.
    for field in form.visible_fields():
        if not field.field.required:
            continue
        if field.use_fieldset:
            group = page.group_of(field.html_name)
            assert group is not None and group["required"], field.name
        elif f'id="{field.id_for_label}"' in html:
            assert field.id_for_label in page.required_labels, field.name
    return page


def post_page(client: Client, url: str, data: dict[str, Any]) -> tuple[str, forms.Form]:
    with translation.override("en"):
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode(), response.context["form"]


# --- The partials on their own -------------------------------------------------------------------
class Sample(forms.Form):
    topics = forms.MultipleChoiceField(
        label="Topics", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple, help_text="Pick some."
    )
    kind = forms.ChoiceField(label="Kind", choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)
    story = forms.CharField(label="Story", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    title = forms.CharField(label="Title", max_length=80)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)
    agree = forms.BooleanField(label="I agree")

    def clean(self) -> dict[str, Any]:
        super().clean()
        raise forms.ValidationError("The whole form is wrong.")


def render(form: forms.Form) -> str:
    with translation.override("en"):
        form.is_valid()
        return render_to_string("_form.html", {"form": form})


def test_groups_of_choices_are_a_fieldset_described_by_their_help_and_error() -> None:
    form = Sample(data={"story": "x" * 501})
    html = render(form)
    page = check_page(html, form)
    topics = page.group_of("topics")
    assert topics is not None and topics["legend"].startswith("Topics") and topics["required"]
    # Django leaves groups' inputs without aria-describedby: the fieldset carries it.
    assert topics["attrs"]["aria-describedby"] == "id_topics_helptext id_topics_error"
    # The summary links to the group's first option (a group has no single input to focus).
    assert "#id_topics_0" in page.summary_links and "#id_kind_0" in page.summary_links
    assert page.group_of("kind") is not None


def test_every_error_shows_at_once_with_the_form_error_first() -> None:
    form = Sample(data={"story": "x" * 501})
    html = render(form)
    check_page(html, form)
    summary = html[html.index("data-error-summary") : html.index("</ul>")]
    assert summary.index("The whole form is wrong.") < summary.index("Topics: This field is required.")
    assert '<a href="#id_story">Story: Ensure this value has at most 500 characters (it has 501).</a>' in summary
    assert "There is a problem" in summary


def test_a_required_checkbox_is_marked() -> None:
    form = Sample()
    page = check_page(render(form), form)
    assert "id_agree" in page.required_labels and "id_notes" not in page.required_labels


def test_long_texts_with_a_limit_carry_a_counter_and_others_do_not() -> None:
    page = Page(render(Sample()))
    assert page.counters == {"id_story": "{count} of 500 characters"}  # not the short title, not unlimited notes


def test_each_field_error_has_one_element_with_every_message() -> None:
    class Two(forms.Form):
        code = forms.CharField(label="Code", validators=[lambda v: _fail("First."), lambda v: _fail("Second.")])

    form = Two(data={"code": "x"})
    html = render(form)
    assert html.count('id="id_code_error"') == 1
    assert "First.<br>Second." in html
    check_page(html, form)


def _fail(message: str) -> None:
    raise forms.ValidationError(message)


# --- The forms of each app, through their pages -------------------------------------------------------
def test_planning_measure_form(client: Client, world: World) -> None:
    education = Area.objects.create(org_unit=world.municipality, kind=AreaKind.EDUCATION, name="Educación")
    plan = build_plan(world.municipality, world.area, education, approve=False)
    login(client, world.home["coordinator"])
    html, form = post_page(
        client, reverse("planning:measure_create", args=[plan.pk]), {"title": "", "description": "d" * 20_000}
    )
    assert {"objective", "title", "description", "responsible_area"} <= set(form.errors)
    page = check_page(html, form)
    assert "id_description" in page.counters
    co_areas = page.group_of("co_areas")
    assert co_areas is not None and co_areas["legend"].strip() == str(form["co_areas"].label)
    assert html.count("required-note") == 1


def test_coordination_meeting_form_reports_date_and_place_in_one_round(client: Client, world: World) -> None:
    build_coordination(world)
    login(client, world.home["coordinator"])
    html, form = post_page(
        client,
        reverse("coordination:meeting_create"),
        {"kind": "ordinary", "mode": "in_person", "scheduled_at": "not a date", "place": "", "status": "scheduled"},
    )
    assert {"scheduled_at", "place"} <= set(form.errors)
    page = check_page(html, form)
    assert "#id_scheduled_at" in page.summary_links and "#id_place" in page.summary_links
    # The commission form of the same app: its members are a group of checkboxes with a legend.
    html, form = post_page(client, reverse("coordination:commission_create"), {"name": ""})
    page = check_page(html, form)
    members = page.group_of("members")
    assert members is not None and members["legend"].strip() == str(form["members"].label)
    assert "name" in form.errors and "#id_name" in page.summary_links


def test_coordination_questionnaire_lists_every_missing_answer(client: Client, world: World) -> None:
    co = build_coordination(world)
    login(client, world.home["area_focal"])
    html, form = post_page(client, reverse("coordination:round_answer", args=[co.round.pk]), {"env_respect": "4"})
    assert len(form.errors) > 5
    page = check_page(html, form)
    assert "#id_env_respect_0" not in page.summary_links
    assert all(href.endswith("_0") for href in page.summary_links)  # radio groups: the first option


def test_coordination_attendance_errors_are_tied_to_their_member(client: Client, world: World) -> None:
    co = build_coordination(world)
    login(client, world.home["coordinator"])
    member = co.paper_members[0]
    html, form = post_page(
        client,
        reverse("coordination:attendance_edit", args=[co.meeting.pk]),
        {"version": co.meeting.version, f"member_{member.pk}": "nonsense"},
    )
    assert f"member_{member.pk}" in form.errors
    page = check_page(html, form)
    assert f"#id_member_{member.pk}" in page.summary_links


def test_council_request_form(client: Client, world: World) -> None:
    council = council_services.create_council(actor=SYSTEM, org_unit=world.municipality, name="Consejo A")
    login(client, world.home["coordinator"])
    url = f"{reverse('council:request_create')}?consejo={council.pk}"
    html, form = post_page(client, url, {"title": "", "kind": "request"})
    assert {"title", "description"} <= set(form.errors)
    page = check_page(html, form)
    assert "id_description" in page.counters and "id_title" not in page.counters


def test_council_transition_form_on_the_request_page(client: Client, world: World) -> None:
    council = council_services.create_council(actor=SYSTEM, org_unit=world.municipality, name="Consejo A")
    req = council_services.create_request(
        actor=SYSTEM,
        council=council,
        title="Agua en las canchas",
        description="Pedimos bebederos.",
        routed_area=world.area,
        received_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    login(client, world.home["coordinator"])
    html, form = post_page(client, reverse("council:request_transition", args=[req.pk]), {"version": req.version})
    assert "status" in form.errors
    page = check_page(html, form)
    status = page.group_of("status")
    assert status is not None and status["attrs"]["class"] == "choices has-error"
    assert status["attrs"]["aria-describedby"] == "id_status_error"
    assert "#id_status_0" in page.summary_links


def test_accounts_user_form(client: Client, world: World) -> None:
    login(client, world.home["admin"])
    html, form = post_page(client, reverse("accounts:user_create"), {"username": ""})
    assert {"username", "password"} <= set(form.errors)
    page = check_page(html, form)
    assert {"id_username", "id_password"} <= page.required_labels
    # The break-glass form: a reason with a limit, and its counter.
    html, form = post_page(client, reverse("accounts:break_glass"), {"action": "start", "reason": "r" * 2001})
    assert {"org_unit_code", "reason"} <= set(form.errors)
    page = check_page(html, form)
    assert page.counters.keys() == {"id_reason"}


@pytest.mark.parametrize("name", ["planning/_field.html", "planning/_errors.html"])
def test_the_planning_partials_are_the_core_ones(name: str) -> None:
    form = Sample(data={})
    form.is_valid()
    with translation.override("en"):
        html = render_to_string(name, {"form": form, "field": form["topics"]})
    with translation.override("en"):
        core = render_to_string(
            "_field.html" if "field" in name else "_error_summary.html", {"form": form, "field": form["topics"]}
        )
    assert html.strip() == core.strip()

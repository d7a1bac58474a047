"""The Tablero's pages on a phone, a keyboard and a screen reader.

The markup tests read the pages the server sends: every page loads the Tablero's stylesheet (the
classes its templates use live there), a checkbox sits inside its label, an empty list is a
sentence and not a one-cell table, a region's name is not another landmark's, a scroll box that
holds a chart takes the keyboard, the due list turns into cards. The browser test opens the pages
at 360 px in Chromium and measures what the markup cannot show: the page never scrolls sideways
(a wide entry grid scrolls in its own box), and the "show archived" box is next to its words.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ronda.core.tenancy import SYSTEM
from ronda.tablero import periods as iso_periods
from ronda.tablero import services
from ronda.tablero.models import Direction, Indicator
from ronda.tablero.tests.entry_catalogue import Catalogue, make_catalogue
from ronda.testing import World, login

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
LANDMARK_TAGS = {"nav": "navigation", "main": "main", "aside": "complementary", "form": "form", "section": "region"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split() + [c.all_text() for c in self.children]).strip()

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, tag: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.walk()
            if (tag is None or n.tag == tag)
            and all(
                (value in n.attrs.get(key.rstrip("_"), "").split())
                if key.rstrip("_") == "class"
                else n.attrs.get(key.rstrip("_")) == value
                for key, value in attrs.items()
            )
        ]

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class Tree(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.text.append(data)


def page(client: Client, url: str) -> Node:
    response = client.get(url)
    assert response.status_code == 200, url
    return Tree(response.content.decode()).root


def by_id(root: Node) -> dict[str, Node]:
    return {n.attrs["id"]: n for n in root.walk() if n.attrs.get("id")}


def landmark_names(root: Node) -> list[tuple[str, str]]:
    """(role, accessible name) of each named landmark, as a screen reader lists them."""
    ids = by_id(root)
    found = []
    for node in root.walk():
        role = node.attrs.get("role") or LANDMARK_TAGS.get(node.tag)
        if role not in {"region", "navigation", "search", "form", "complementary"}:
            continue
        if "aria-labelledby" in node.attrs:
            name = " ".join(ids[i].all_text() for i in node.attrs["aria-labelledby"].split() if i in ids)
        else:
            name = node.attrs.get("aria-label", "")
        if name:  # an unnamed section or form is no landmark
            found.append((role, " ".join(name.split())))
    return found


@pytest.fixture
def cat(world: World) -> Catalogue:
    catalogue = make_catalogue(world)
    month = iso_periods.of_type(iso_periods.PeriodType.MONTHLY, catalogue.period.start).previous()
    services.save_values(
        actor=SYSTEM,
        values=[
            services.ValueInput(catalogue.attended, coc, world.municipality, p.iso, str(10 + i))
            for i, coc in enumerate((catalogue.female, catalogue.male))
            for p in (month, month.previous(), month.previous().previous())
        ],
    )
    return catalogue


@pytest.fixture
def indicator(world: World, cat: Catalogue) -> Indicator:
    return services.create_indicator(
        actor=SYSTEM,
        owner=world.country,
        code="NAC_IND",
        name="Nacidos vivos registrados",
        numerator="#{NAC_VIVOS}",
        denominator="1",
        direction=Direction.HIGHER_IS_BETTER,
        goal_area="services",
    )


def coordinator(world: World) -> Client:
    return login(Client(), world.home["coordinator"])


def tablero_pages(world: World, cat: Catalogue) -> list[str]:
    element = cat.attended
    return [
        reverse("tablero:index"),
        reverse("tablero:catalogue_list", args=["elementos"]),
        reverse("tablero:catalogue_detail", args=["elementos", element.pk]),
        reverse("tablero:catalogue_create", args=["indicadores"]),
        reverse("tablero:entry_choose"),
        reverse("tablero:entry_due"),
        reverse("tablero:entry_form", args=[cat.health.pk, world.municipality.pk, cat.period.iso]),
        reverse("tablero:imports"),
        reverse("tablero:export"),
        reverse("tablero:dashboard"),
        reverse("tablero:comparison"),
        reverse("tablero:map"),
        reverse("tablero:saved_dashboards"),
        reverse("tablero:publication"),
    ]


def test_every_tablero_page_loads_the_tablero_stylesheet(world: World, cat: Catalogue, indicator: Indicator) -> None:
    # The catalogue's tabs, a detail's facts and an import's figures are styled there: a page
    # without it fell back to bare bullets and unlabelled-looking definitions.
    client = coordinator(world)
    pages = [*tablero_pages(world, cat), reverse("tablero:public_page", args=[world.municipality.code])]
    missing = [
        url
        for url in pages
        if not any(n.attrs.get("href", "").endswith("tablero/tablero.css") for n in page(client, url).find("link"))
    ]
    assert missing == []


def test_the_show_archived_checkbox_sits_inside_its_label(world: World, cat: Catalogue) -> None:
    root = page(coordinator(world), reverse("tablero:catalogue_list", args=["elementos"]))
    [box] = root.find("input", id="cat-archived")
    labels = [a for a in box.ancestors() if a.tag == "label"]
    assert labels, "the checkbox is outside its label: on a phone the two were a line apart"
    assert labels[0].attrs.get("for") == "cat-archived"
    assert labels[0].all_text() == "Mostrar archivados"
    assert "tablero-check" in labels[0].attrs.get("class", "").split()  # the 44 px row


def test_the_catalogue_tabs_are_the_tablero_tabs(world: World, cat: Catalogue) -> None:
    root = page(coordinator(world), reverse("tablero:catalogue_list", args=["indicadores"]))
    [tabs] = [n for n in root.find("nav") if n.attrs.get("aria-label") == "Secciones del catálogo"]
    assert "tablero-tabs" in tabs.attrs["class"].split()
    [current] = [a for a in tabs.find("a") if a.attrs.get("aria-current") == "page"]
    assert current.attrs["href"] == reverse("tablero:catalogue_list", args=["indicadores"])


def test_empty_lists_are_a_sentence_not_a_one_cell_table(world: World, cat: Catalogue) -> None:
    client = coordinator(world)
    imports = page(client, reverse("tablero:imports"))
    [section] = imports.find("section", **{"aria-labelledby": "recent-h"})
    assert section.find("table") == []
    assert "Todavía no hay importaciones." in [p.all_text() for p in section.find("p")]

    listing = page(client, reverse("tablero:catalogue_list", args=["elementos"]) + "?q=zzzz-nada")
    [results] = listing.find("div", id="catalogue-results")
    assert results.find("table") == []
    assert "No hay coincidencias." in [p.all_text() for p in results.find("p")]


def test_no_two_landmarks_share_a_name(world: World, cat: Catalogue, indicator: Indicator) -> None:
    # axe's landmark-unique: a section named "Tabla" around a scroll region also named "Tabla"
    # reads as two identical landmarks.
    client = coordinator(world)
    problems = {}
    for url in [*tablero_pages(world, cat), reverse("tablero:comparison") + "?nivel=3"]:
        repeated = [name for name, n in Counter(landmark_names(page(client, url))).items() if n > 1]
        if repeated:
            problems[url] = repeated
    assert problems == {}


def test_the_due_list_turns_into_cards_whose_link_names_the_period(world: World, cat: Catalogue) -> None:
    root = page(coordinator(world), reverse("tablero:entry_due"))
    tables = root.find("table")
    assert tables, "nothing is due: the fixture should leave last year's months open"
    for table in tables:
        assert "responsive" in table.attrs.get("class", "").split()
        rows = [r for r in table.find("tr") if r.parent is not None and r.parent.tag == "tbody"]
        assert rows
        for row in rows:
            head, *cells = [c for c in row.children if c.tag in {"th", "td"}]
            assert head.tag == "th" and head.attrs.get("scope") == "row"
            assert all(c.attrs.get("data-label") for c in cells)
            # Every row links to the same unit: the link says which period it opens.
            [link] = head.find("a")
            period = cells[0].all_text()
            assert link.all_text().endswith(period)


def test_publication_rows_begin_with_the_indicator_that_labels_the_checkbox(
    world: World, cat: Catalogue, indicator: Indicator
) -> None:
    root = page(coordinator(world), reverse("tablero:publication"))
    rows = [r for r in root.find("tr") if r.parent is not None and r.parent.tag == "tbody"]
    assert rows
    for row in rows:
        head, box_cell, _order = [c for c in row.children if c.tag in {"th", "td"}]
        [label] = head.find("label")
        [box] = box_cell.find("input", type="checkbox")
        assert head.attrs.get("scope") == "row" and label.attrs["for"] == box.attrs["id"]


def test_a_chart_that_scrolls_on_a_phone_takes_the_keyboard(world: World, cat: Catalogue, indicator: Indicator) -> None:
    client = coordinator(world)
    for url in (reverse("tablero:dashboard"), reverse("tablero:comparison")):
        root = page(client, url)
        boxes = root.find("div", class_="tablero-chart-box")
        assert boxes, url
        assert all(b.attrs.get("tabindex") == "0" and b.find("svg") for b in boxes), url
        # A scroll region that is a landmark is named; the data tables' regions are.
        for region in root.find(role="region"):
            assert region.attrs.get("aria-label") or region.attrs.get("aria-labelledby"), url


def test_the_entry_form_periods_and_comments_are_full_size_targets(world: World, cat: Catalogue) -> None:
    root = page(
        login(Client(), world.home["area_focal"]),
        reverse("tablero:entry_form", args=[cat.health.pk, world.municipality.pk, cat.period.iso]),
    )
    sheets = [n.attrs["href"] for n in root.find("link") if n.attrs.get("rel") == "stylesheet"]
    assert any(s.endswith("tablero/entry.css") for s in sheets)
    css = (Path(settings.BASE_DIR) / "ronda/tablero/static/tablero/entry.css").read_text(encoding="utf-8")
    # The rules the markup relies on: a comment's "+" and the period links are 44 px targets.
    assert ".entry-comment summary {" in css and "min-height: 44px" in css.split(".entry-comment summary {")[1]
    assert ".entry-periods a {" in css and "min-height: 44px" in css.split(".entry-periods a {")[1].split("}")[0]
    assert root.find("nav", class_="entry-periods")


# --- In Chromium, at 360 px ----------------------------------------------------------------------

CHROMIUM = os.environ.get("RONDA_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def phone(live_server: Any) -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) to run browser tests"
        if os.environ.get("RONDA_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="es-ES")
        yield context
        context.close()
        browser.close()


def signed_in(context: Any, live_server: Any, client: Client) -> Any:
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context.new_page()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_nothing_scrolls_sideways_and_the_checkbox_is_beside_its_words(
    phone: Any, live_server: Any, world: World, cat: Catalogue
) -> None:
    # A wide grid: six options across, so the entry table scrolls inside its box at 360 px.
    combo = services.create_category_combo(
        actor=SYSTEM,
        owner=world.country,
        code="EDAD_SEXO",
        name="Edad y sexo",
        categories=[
            cat.attended.category_combo.categories.get(),
            services.create_category(
                actor=SYSTEM,
                owner=world.country,
                code="EDAD",
                name="Edad",
                options=[("A", "Primera infancia"), ("B", "Niñez"), ("C", "Adolescencia")],
            ),
        ],
    )
    wide = services.create_data_element(
        actor=SYSTEM,
        owner=world.country,
        code="CONTROLES",
        name="Controles de niño sano",
        value_type="INTEGER_ZERO_OR_POSITIVE",
        aggregation_type="SUM",
        category_combo=combo,
    )
    data_set = services.create_data_set(
        actor=SYSTEM,
        owner=world.country,
        code="CONTROLES_M",
        name="Controles mensuales",
        period_type=iso_periods.PeriodType.MONTHLY,
        level=world.municipality.level,
        data_elements=[wide, cat.visits],
    )
    page_ = signed_in(phone, live_server, coordinator(world))

    page_.goto(
        live_server.url + reverse("tablero:entry_form", args=[data_set.pk, world.municipality.pk, cat.period.iso])
    )
    grid = page_.locator(".entry-grid-wrap").filter(has_text="Edad y sexo")
    assert grid.evaluate("el => el.scrollWidth > el.clientWidth"), "the grid should be wider than a phone"
    assert page_.evaluate("document.documentElement.scrollWidth") <= 360
    comment = page_.locator(".entry-comment summary").first
    box = comment.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44

    page_.goto(live_server.url + reverse("tablero:catalogue_list", args=["elementos"]))
    assert page_.evaluate("document.documentElement.scrollWidth") <= 360
    checkbox = page_.locator("#cat-archived")
    label = page_.locator("label[for=cat-archived]")
    words = label.evaluate(
        """el => { const r = document.createRange(); r.selectNodeContents(el); const rects = [...r.getClientRects()]
           .filter(x => x.width > 0 && x.left > el.querySelector('input').getBoundingClientRect().right - 1);
           return rects.length ? rects[0].left : null; }"""
    )
    box = checkbox.bounding_box()
    assert box is not None and words is not None
    assert words - (box["x"] + box["width"]) < 16, "the checkbox sits apart from its words"
    assert abs(label.bounding_box()["y"] - box["y"]) < 44  # the same line
    assert label.bounding_box()["height"] >= 44
    label.click()  # the words toggle the box
    assert checkbox.is_checked()

    page_.goto(live_server.url + reverse("tablero:imports"))
    assert page_.evaluate("document.documentElement.scrollWidth") <= 360
    empty = page_.get_by_text("Todavía no hay importaciones.")
    heading = page_.locator("#recent-h")
    assert abs(empty.bounding_box()["x"] - heading.bounding_box()["x"]) < 2  # not indented as if labelled


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_chart_box_is_a_tab_stop_only_where_it_scrolls(
    phone: Any, live_server: Any, world: World, cat: Catalogue, indicator: Indicator
) -> None:
    """Without JavaScript every chart box is a Tab stop (safe); with it, only a box that scrolls
    sideways stays one: a wide screen's dashboard is not 36 extra Tab stops."""
    tab = signed_in(phone, live_server, coordinator(world))
    for width in (360, 1366):
        tab.set_viewport_size({"width": width, "height": 900})
        tab.goto(live_server.url + reverse("tablero:dashboard"))
        tab.wait_for_load_state("load")
        tab.wait_for_timeout(300)
        boxes = tab.eval_on_selector_all(
            "[data-focus-if-scrolls]",
            "els => els.map(e => [e.scrollWidth > e.clientWidth + 1, e.getAttribute('tabindex') === '0'])",
        )
        assert boxes, width
        assert all(scrolls == stop for scrolls, stop in boxes), (width, boxes)
        if width == 1366:
            assert not any(stop for _scrolls, stop in boxes)

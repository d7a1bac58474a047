"""The ``fields=`` and ``filter=`` grammars of the DHIS2 API, on plain dicts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ronda.tablero.dhis2 import fields, filters
from ronda.tablero.dhis2.fields import Ref

UNITS = {
    "Root0000001": {
        "id": "Root0000001",
        "name": "País",
        "code": "P",
        "level": 1,
        "children": [Ref("o", "Child000001")],
    },
    "Child000001": {
        "id": "Child000001",
        "name": "Loja",
        "code": "L",
        "level": 2,
        "parent": Ref("o", "Root0000001"),
        "children": [],
        "path": "/Root0000001/Child000001",
    },
}


def resolve(ref: Ref):
    return UNITS.get(ref.uid)


def render(spec: str, uid: str = "Root0000001"):
    return fields.render(UNITS[uid], fields.parse(spec), resolve)


def test_plain_fields_keep_their_order_and_skip_unknown_ones():
    assert render("name,id,nothing") == {"name": "País", "id": "Root0000001"}


def test_the_default_is_id_and_display_name():
    assert fields.parse("") == fields.parse("id,displayName")


def test_a_bare_reference_is_its_id_and_brackets_nest_recursively():
    assert render("children") == {"children": [{"id": "Child000001"}]}
    assert render("children[id,name,parent[code]]") == {
        "children": [{"id": "Child000001", "name": "Loja", "parent": {"code": "P"}}]
    }


def test_all_and_exclusions():
    everything = render("*", "Child000001")
    assert everything["parent"] == {"id": "Root0000001"} and everything["path"] == "/Root0000001/Child000001"
    assert "children" not in render(":all,!children,!path", "Child000001")
    assert render(":identifiable", "Child000001") == {"id": "Child000001", "name": "Loja", "code": "L"}


@pytest.mark.parametrize("bad", ["children[id", "id]", "na me", "a[b[c[d[e[f[g[h]]]]]]]", "!", "x" * 3000])
def test_bad_fields_expressions_are_refused(bad):
    with pytest.raises(fields.FieldsError):
        fields.parse(bad)


@given(st.text(max_size=60))
def test_any_fields_text_parses_or_is_refused_cleanly(text):
    try:
        spec = fields.parse(text)
    except fields.FieldsError:
        return
    fields.render(UNITS["Child000001"], spec, resolve)


def select(*texts: str, junction_or: bool = False):
    found = filters.select(UNITS.values(), filters.parse_all(texts), resolve, junction_or=junction_or)
    return [o["id"] for o in found]


def test_equality_and_negation():
    assert select("code:eq:L") == ["Child000001"]
    assert select("code:!eq:L") == ["Root0000001"]
    assert select("code:ne:L") == ["Root0000001"]
    assert select("name:ieq:loja") == ["Child000001"]


def test_substring_prefix_and_suffix():
    assert select("name:like:oj") == ["Child000001"]
    assert select("name:ilike:LOJ") == ["Child000001"]
    assert select("name:$like:Lo") == ["Child000001"]
    assert select("name:like$:ís") == ["Root0000001"]
    assert select("name:!ilike:loj") == ["Root0000001"]


def test_comparisons_are_numeric_for_numbers():
    assert select("level:gt:1") == ["Child000001"]
    assert select("level:le:1") == ["Root0000001"]
    assert select("level:ge:10") == []


def test_membership_null_and_dotted_paths():
    assert select("id:in:[Child000001,Nope0000000]") == ["Child000001"]
    assert select("id:!in:[Child000001]") == ["Root0000001"]
    assert select("parent:null") == ["Root0000001"]
    assert select("parent:!null") == ["Child000001"]
    assert select("parent.id:eq:Root0000001") == ["Child000001"]
    assert select("parent.code:eq:P") == ["Child000001"]
    assert select("children.id:eq:Child000001") == ["Root0000001"]


def test_filters_are_anded_unless_the_root_junction_is_or():
    assert select("level:eq:1", "code:eq:L") == []
    assert select("level:eq:1", "code:eq:L", junction_or=True) == ["Root0000001", "Child000001"]


@pytest.mark.parametrize(
    ("bad", "code"), [("name", "E2014"), ("name:zz:x", "E2035"), ("id:in:abc", "E2014"), (":eq:x", "E2014")]
)
def test_bad_filters_say_why(bad, code):
    with pytest.raises(filters.FilterError) as caught:
        filters.parse(bad)
    assert caught.value.code == code

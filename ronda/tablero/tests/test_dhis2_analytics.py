"""/api/analytics: dx (elements, operands, indicators), pe (ISO and relative), ou (uids, LEVEL-n,
USER_ORGUNIT), co, filters; the DHIS2 response shape; scope; errors as 409 WebMessages."""

from __future__ import annotations

import pytest
from django.test import Client

from ronda.core.roles import Role
from ronda.tablero.tests.dhis2_catalogue import basic, build, save

pytestmark = pytest.mark.django_db

BASE = "/dhis2/api"


@pytest.fixture
def cat(world):
    cat = build(world)
    w = world
    save(cat, cat.vac, cat.default, w.municipality, "202401", 10)
    save(cat, cat.vac, cat.default, w.municipality, "202402", 5)
    save(cat, cat.vac, cat.default, w.community, "202401", 2)
    save(cat, cat.cases, cat.female, w.municipality, "202401", 3)
    save(cat, cat.cases, cat.male, w.municipality, "202401", 4)
    sibling = w.region.children.get(code="A-M2")
    save(cat, cat.vac, cat.default, sibling, "202401", 100)
    return cat


def analytics(user, query, suffix=""):
    return Client().get(f"{BASE}/analytics{suffix}?{query}", **basic(user.username))


def test_the_response_shape_with_values_as_strings(cat):
    w = cat.world
    response = analytics(
        w.home[Role.COORDINATOR],
        f"dimension=dx:{cat.vac.uid}&dimension=pe:202401;202402;202403&dimension=ou:{w.municipality.uid}",
    )
    assert response.status_code == 200
    body = response.json()
    assert [h["name"] for h in body["headers"]] == ["dx", "pe", "ou", "value"]
    assert body["headers"][3] == {
        "name": "value",
        "column": "Value",
        "valueType": "NUMBER",
        "type": "java.lang.Double",
        "hidden": False,
        "meta": False,
    }
    # The municipality's subtree (community included); March has no data: no row.
    assert body["rows"] == [
        [cat.vac.uid, "202401", w.municipality.uid, "12"],
        [cat.vac.uid, "202402", w.municipality.uid, "5"],
    ]
    assert body["height"] == 2 and body["width"] == 4 and body["headerWidth"] == 4
    assert body["metaData"]["dimensions"] == {
        "dx": [cat.vac.uid],
        "pe": ["202401", "202402", "202403"],
        "ou": [w.municipality.uid],
        "co": [],
    }
    items = body["metaData"]["items"]
    assert items[cat.vac.uid]["name"] == "Niños vacunados" and items[w.municipality.uid]["name"] == "Municipio A"
    assert items["dx"] == {"name": "Data"}


def test_coarser_periods_levels_indicators_and_operands(cat):
    w = cat.world
    user = w.home[Role.SECRETARIAT]
    body = analytics(
        user,
        f"dimension=dx:{cat.vac.uid};{cat.rate.uid};{cat.cases.uid}.{cat.female.uid}"
        f"&dimension=ou:LEVEL-3&filter=pe:2024Q1",
        ".json",
    ).json()
    sibling = w.region.children.get(code="A-M2").uid
    assert sorted(body["rows"]) == sorted(
        [
            [cat.vac.uid, w.municipality.uid, "17"],
            [cat.vac.uid, sibling, "100"],
            [cat.rate.uid, w.municipality.uid, "242.9"],  # 17 / 7 × 100, one decimal
            [f"{cat.cases.uid}.{cat.female.uid}", w.municipality.uid, "3"],
        ]
    )
    assert [h["name"] for h in body["headers"]] == ["dx", "ou", "value"]
    assert body["metaData"]["dimensions"]["pe"] == ["2024Q1"]


def test_the_co_dimension_breaks_an_element_down(cat):
    w = cat.world
    body = analytics(
        w.home[Role.COORDINATOR],
        f"dimension=dx:{cat.cases.uid}&dimension=co&dimension=pe:202401&filter=ou:USER_ORGUNIT",
    ).json()
    assert [h["name"] for h in body["headers"]] == ["dx", "co", "pe", "value"]
    assert sorted(body["rows"]) == sorted(
        [[cat.cases.uid, cat.female.uid, "202401", "3"], [cat.cases.uid, cat.male.uid, "202401", "4"]]
    )
    assert set(body["metaData"]["dimensions"]["co"]) == {cat.female.uid, cat.male.uid}


def test_relative_periods_resolve_from_today_in_the_municipality(cat):
    w = cat.world
    body = analytics(
        w.home[Role.COORDINATOR], f"dimension=dx:{cat.vac.uid}&dimension=pe:LAST_12_MONTHS&dimension=ou:USER_ORGUNIT"
    ).json()
    assert len(body["metaData"]["dimensions"]["pe"]) == 12
    assert "LAST_12_MONTHS" in body["metaData"]["items"]


def test_scope_the_neighbour_and_the_other_country_stay_invisible(cat):
    w = cat.world
    coordinator = w.home[Role.COORDINATOR]
    sibling = w.region.children.get(code="A-M2").uid
    refused = analytics(coordinator, f"dimension=dx:{cat.vac.uid}&dimension=pe:202401&dimension=ou:{sibling}")
    assert refused.status_code == 409 and refused.json()["errorCode"] == "E7120"
    level = analytics(coordinator, f"dimension=dx:{cat.vac.uid}&dimension=pe:202401&dimension=ou:LEVEL-3").json()
    assert [r[2] for r in level["rows"]] == [w.municipality.uid]
    away = analytics(w.away[Role.SECRETARIAT], f"dimension=dx:{cat.vac.uid}&dimension=pe:202401&dimension=ou:LEVEL-1")
    assert away.status_code == 409 and away.json()["errorCode"] == "E7124"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "E7101"),
        ("dimension=pe:202401&dimension=ou:USER_ORGUNIT", "E7102"),
        ("dimension=dx:{de}&dimension=ou:USER_ORGUNIT", "E7104"),
        ("dimension=dx:{de}&dimension=pe:2024W77&dimension=ou:USER_ORGUNIT", "E7124"),
        ("dimension=dx:{de}&dimension=pe:NEXT_CENTURY&dimension=ou:USER_ORGUNIT", "E7124"),
        ("dimension=dx:{de}&dimension=pe:202401&dimension=ou:USER_ORGUNIT&filter=pe:202402", "E7103"),
        ("dimension=dx:{de}&dimension=dx:{de}&dimension=pe:202401&dimension=ou:USER_ORGUNIT", "E7111"),
        ("dimension=dx:NoSuchDE001&dimension=pe:202401&dimension=ou:USER_ORGUNIT", "E7124"),
        ("dimension=dx:{de}&dimension=pe:202401&dimension=ou:LEVEL-x", "E7124"),
        ("dimension=dx:{de}&dimension=pe:202401&dimension=ou:USER_ORGUNIT&dimension=zz:1", "E7125"),
    ],
)
def test_bad_queries_are_409_web_messages(cat, query, code):
    response = analytics(cat.world.home[Role.COORDINATOR], query.format(de=cat.vac.uid))
    assert response.status_code == 409
    assert response.json()["errorCode"] == code and response.json()["status"] == "ERROR"


@pytest.fixture
def published(cat):
    from decimal import Decimal

    from ronda.core.tenancy import SYSTEM
    from ronda.tablero import publication, services
    from ronda.tablero.models import AggregationType, Direction, ValueType

    w = cat.world
    placements = services.create_data_element(
        actor=SYSTEM,
        owner=w.country,
        code="ACOG",
        name="Niños en acogimiento",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
        from_personal_records=True,
    )
    count = services.create_indicator(
        actor=SYSTEM,
        owner=w.country,
        code="ACOG_N",
        name="Niños en acogimiento (número)",
        numerator=f"#{{{placements.uid}}}",
        factor=Decimal(1),
        direction=Direction.LOWER_IS_BETTER,
        decimals=0,
    )
    save(cat, placements, cat.default, w.municipality, "2024", 3)
    save(cat, placements, cat.default, w.municipality, "2025", 8)
    for indicator in (cat.rate, count):
        publication.publish(actor=SYSTEM, org_unit=w.municipality, indicator=indicator)
    return count


def test_anonymous_reads_published_indicators_with_small_counts_dropped(cat, published):
    w = cat.world
    response = Client().get(
        f"{BASE}/analytics?dimension=dx:{published.uid};{cat.rate.uid}&dimension=pe:2024;2025"
        f"&dimension=ou:{w.municipality.uid}"
    )
    assert response.status_code == 200
    body = response.json()
    # 2024: 3 children from personal records, below 5: the row is dropped and flagged.
    assert body["rows"] == [
        [published.uid, "2025", w.municipality.uid, "8"],
        [cat.rate.uid, "2024", w.municipality.uid, "242.9"],  # not from personal records: as computed
    ]
    assert body["metaData"]["suppressed"] == [[published.uid, "2024", w.municipality.uid]]


@pytest.mark.parametrize(
    "query",
    [
        "dimension=dx:{de}&dimension=pe:2024&dimension=ou:{ou}",  # a data element, not an indicator
        "dimension=dx:{ind}&dimension=pe:202401&dimension=ou:{ou}",  # a month (parts of a year)
        "dimension=dx:{ind}&dimension=pe:2024&dimension=ou:{other}",  # a unit that published nothing
        "dimension=dx:{ind}&dimension=pe:2024&dimension=ou:LEVEL-3",
        "dimension=dx:{ind}&dimension=pe:2024&filter=ou:{ou};{other}",  # a sum beside its parts
        "dimension=dx:{ind}&dimension=co&dimension=pe:2024&dimension=ou:{ou}",
    ],
)
def test_the_public_scope_refuses_everything_else(cat, published, query):
    url = f"{BASE}/analytics?" + query.format(
        de=cat.vac.uid, ind=published.uid, ou=cat.world.municipality.uid, other=cat.world.other_municipality.uid
    )
    response = Client().get(url)
    assert response.status_code == 409 and response.json()["errorCode"] == "E7124"

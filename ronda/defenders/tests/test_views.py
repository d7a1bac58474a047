from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.defenders.models import Activity, Defender, Defensoria, Event, WorkPlan
from ronda.defenders.tests.conftest import DEFENDER_NAME, this_year_day
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = {r: 404 for r in ROLES}
DETAIL = dict(NONE, admin=200, coordinator=200, supervisor=200, defender=200)
FIGURES = dict(DETAIL, secretariat=200, analyst=200)
EDITORS = dict(NONE, supervisor=200, defender=200)


def state() -> tuple[int, ...]:
    return (
        AuditEvent.objects.count(),
        Defensoria.objects.filter(version__gt=1).count(),
        WorkPlan.objects.count(),
        Activity.objects.count(),
        Event.objects.count(),
    )


def test_index_matrix(world: World, defensoria: Defensoria) -> None:
    # The home defender is sent to their own defensoría.
    away = {"secretariat": 200, "coordinator": 200, "analyst": 200, "supervisor": 200, "defender": 200}
    check_access_matrix(world, url=reverse("defenders:index"), expected=dict(FIGURES, defender=302), away=away)


def test_index_lists_only_what_is_in_scope(
    client: Client, world: World, defensoria: Defensoria, other_defensoria: Defensoria
) -> None:
    login(client, world.home["coordinator"])
    response = client.get(reverse("defenders:index"))
    assert list(response.context["defensorias"]) == [defensoria]
    assert list(response.context["municipalities"]) == [world.municipality]


def test_detail_matrix(world: World, defensoria: Defensoria, defender: Defender, event: Event) -> None:
    check_access_matrix(world, url=reverse("defenders:detail", args=[defensoria.pk]), expected=DETAIL)


def test_detail_shows_names_only_to_personal_readers(
    client: Client, world: World, defensoria: Defensoria, defender: Defender, event: Event
) -> None:
    url = reverse("defenders:detail", args=[defensoria.pk])
    for role in ("defender", "coordinator", "supervisor"):
        login(client, world.home[role])
        html = client.get(url).content.decode()
        assert DEFENDER_NAME in html and "Taller de buen trato" in html
    login(client, world.home["admin"])
    response = client.get(url)
    assert DEFENDER_NAME not in response.content.decode()
    assert response.context["defenders"] == []
    progress = {p.code: p.figures for p in response.context["progress"]}
    assert progress["c1"].planned == 1


def test_edit_get_matrix(world: World, defensoria: Defensoria) -> None:
    check_access_matrix(world, url=reverse("defenders:edit", args=[defensoria.pk]), expected=EDITORS)


def test_edit_post_matrix(world: World, defensoria: Defensoria) -> None:
    def data(w: World) -> dict[str, Any]:
        current = Defensoria.objects.get(pk=defensoria.pk)
        return {
            "name": current.name,
            "address": "Escuela",
            "opening_hours": f"v{current.version}",
            "active": "on",
            "version": current.version,
        }

    check_access_matrix(
        world,
        url=reverse("defenders:edit", args=[defensoria.pk]),
        method="post",
        data=data,
        expected=dict(EDITORS, supervisor=302, defender=302),
        state=state,
    )
    assert Defensoria.objects.get(pk=defensoria.pk).version == 3


def test_edit_conflict_keeps_what_was_typed(client: Client, world: World, defensoria: Defensoria) -> None:
    login(client, world.home["defender"])
    url = reverse("defenders:edit", args=[defensoria.pk])
    first = {"name": "Defensoría A", "address": "Escuela", "opening_hours": "Sábados", "active": "on", "version": 1}
    assert client.post(url, first).status_code == 302
    second = dict(first, opening_hours="Domingos")
    response = client.post(url, second)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'value="Domingos"' in response.content.decode()


def test_plan_edit_get_matrix(world: World, defensoria: Defensoria, activity: Activity) -> None:
    year = timezone.localdate().year
    check_access_matrix(world, url=reverse("defenders:plan_edit", args=[defensoria.pk, year]), expected=EDITORS)


def test_plan_edit_post_matrix_opens_the_plan(world: World, defensoria: Defensoria) -> None:
    year = timezone.localdate().year
    data = {
        "component": "c3",
        "title": "Feria de salud",
        "planned_on": this_year_day().isoformat(),
        "responsible": "",
        "budget": "20",
    }
    check_access_matrix(
        world,
        url=reverse("defenders:plan_edit", args=[defensoria.pk, year]),
        method="post",
        data=data,
        expected=dict(EDITORS, supervisor=302, defender=302),
        state=state,
    )
    assert WorkPlan.objects.filter(defensoria=defensoria, year=year).count() == 1
    assert Activity.objects.filter(plan__defensoria=defensoria).count() == 2


def test_plan_edit_refuses_a_date_outside_the_year(client: Client, world: World, defensoria: Defensoria) -> None:
    login(client, world.home["defender"])
    year = timezone.localdate().year
    data = {"component": "c3", "title": "Feria", "planned_on": f"{year - 1}-06-01", "budget": "0"}
    response = client.post(reverse("defenders:plan_edit", args=[defensoria.pk, year]), data)
    assert response.status_code == 200
    assert "planned_on" in response.context["form"].errors
    assert not WorkPlan.objects.exists()  # the refused first activity opened no plan


def test_activity_edit_matrix(world: World, activity: Activity) -> None:
    url = reverse("defenders:activity_edit", args=[activity.pk])
    check_access_matrix(world, url=url, expected=EDITORS)

    def data(w: World) -> dict[str, Any]:
        current = Activity.objects.get(pk=activity.pk)
        return {
            "component": "c1",
            "title": current.title,
            "planned_on": current.planned_on.isoformat(),
            "budget": "10",
            "status": "cancelled",
            "cancel_reason": f"Lluvia {current.version}",
            "version": current.version,
        }

    check_access_matrix(
        world, url=url, method="post", data=data, expected=dict(EDITORS, supervisor=302, defender=302), state=state
    )
    assert Activity.objects.get(pk=activity.pk).status == "cancelled"


def test_event_create_matrix(world: World, defensoria: Defensoria) -> None:
    url = reverse("defenders:event_create", args=[defensoria.pk])
    check_access_matrix(world, url=url, expected=EDITORS)
    data = {
        "kind": "forum",
        "title": "Foro de niñez",
        "held_on": this_year_day().isoformat(),
        "component": "c5",
        "held": "on",
        "att_f_6_11": "4",
        "att_m_18plus": "2",
    }
    check_access_matrix(
        world, url=url, method="post", data=data, expected=dict(EDITORS, supervisor=302, defender=302), state=state
    )
    event = Event.objects.filter(defensoria=defensoria).first()
    assert event is not None
    assert {(a.sex, a.age_band): a.count for a in event.attendance.all()} == {("f", "6-11"): 4, ("m", "18+"): 2}


def test_event_create_refuses_future_held(client: Client, world: World, defensoria: Defensoria) -> None:
    login(client, world.home["defender"])
    future = (timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat()
    data = {"kind": "walk", "title": "Caminata", "held_on": future, "component": "c5", "held": "on"}
    response = client.post(reverse("defenders:event_create", args=[defensoria.pk]), data)
    assert response.status_code == 200 and "held_on" in response.context["form"].errors
    assert not Event.objects.exists()


def test_event_edit_matrix(world: World, event: Event) -> None:
    url = reverse("defenders:event_edit", args=[event.pk])
    check_access_matrix(world, url=url, expected=EDITORS)

    def data(w: World) -> dict[str, Any]:
        current = Event.objects.get(pk=event.pk)
        return {
            "kind": "training",
            "title": f"Taller {current.version}",
            "held_on": current.held_on.isoformat(),
            "component": "c1",
            "held": "on",
            "att_f_6_11": "9",
            "version": current.version,
        }

    check_access_matrix(
        world, url=url, method="post", data=data, expected=dict(EDITORS, supervisor=302, defender=302), state=state
    )
    assert event.attendance.get(sex="f", age_band="6-11").count == 9


def test_canton_matrix(world: World, defensoria: Defensoria, event: Event) -> None:
    url = reverse("defenders:canton", args=[world.municipality.pk])
    # The defender compares the defensorías of their own canton (figures only).
    check_access_matrix(world, url=url, expected=FIGURES)


def test_canton_shows_figures_without_names(
    client: Client, world: World, defensoria: Defensoria, defender: Defender, event: Event
) -> None:
    login(client, world.home["analyst"])
    response = client.get(reverse("defenders:canton", args=[world.municipality.pk]))
    html = response.content.decode()
    assert DEFENDER_NAME not in html
    row = response.context["rows"][0]
    assert row["figures"].events.people_reached == 16
    assert row["can_open"] is False
    assert reverse("defenders:detail", args=[defensoria.pk]) not in html


def defender_state() -> tuple[int, ...]:
    return (AuditEvent.objects.count(), Defender.objects.count(), Defender.objects.filter(version__gt=1).count())


def test_defender_create_matrix(world: World, defensoria: Defensoria) -> None:
    url = reverse("defenders:defender_create", args=[defensoria.pk])
    check_access_matrix(world, url=url, expected=EDITORS)
    data = {"full_name": "Gladys Armijos", "sex": "f", "phone": "", "since": this_year_day().isoformat()}
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=data,
        expected=dict(EDITORS, supervisor=302, defender=302),
        state=defender_state,
    )
    assert Defender.objects.filter(defensoria=defensoria).count() == 2


def test_defender_create_links_only_a_defender_of_the_community(
    client: Client, world: World, defensoria: Defensoria
) -> None:
    login(client, world.home["supervisor"])
    url = reverse("defenders:defender_create", args=[defensoria.pk])
    response = client.get(url)
    assert list(response.context["form"].fields["user"].queryset) == [world.home["defender"]]
    data = {"full_name": "X", "sex": "m", "since": this_year_day().isoformat(), "user": world.away["defender"].pk}
    assert "user" in client.post(url, data).context["form"].errors
    data["user"] = world.home["defender"].pk
    assert client.post(url, data).status_code == 302
    assert Defender.objects.get().user == world.home["defender"]


def test_defender_edit_matrix(world: World, defender: Defender) -> None:
    url = reverse("defenders:defender_edit", args=[defender.pk])
    check_access_matrix(world, url=url, expected=EDITORS)

    def data(w: World) -> dict[str, Any]:
        current = Defender.objects.get(pk=defender.pk)
        return {
            "full_name": current.full_name,
            "sex": "f",
            "phone": f"09{current.version}",
            "since": current.since.isoformat(),
            "until": "",
            "version": current.version,
        }

    check_access_matrix(
        world,
        url=url,
        method="post",
        data=data,
        expected=dict(EDITORS, supervisor=302, defender=302),
        state=defender_state,
    )
    assert Defender.objects.get(pk=defender.pk).version == 3


def test_training_create_matrix(world: World, defender: Defender) -> None:
    url = reverse("defenders:training_create", args=[defender.pk])
    check_access_matrix(world, url=url, expected=EDITORS)
    data = {"name": "Mediación comunitaria", "taken_on": this_year_day().isoformat(), "hours": "12"}

    def training_state() -> tuple[int, int]:
        return (AuditEvent.objects.count(), defender.trainings.count())

    check_access_matrix(
        world,
        url=url,
        method="post",
        data=data,
        expected=dict(EDITORS, supervisor=302, defender=302),
        state=training_state,
    )
    assert defender.trainings.count() == 2


def test_create_matrix(world: World) -> None:
    url = reverse("defenders:create")
    check_access_matrix(world, url=url, expected=dict(NONE, supervisor=200), away={"supervisor": 200})
    data = {"community": world.community.pk, "name": "Defensoría A", "address": "", "opening_hours": ""}
    # Away, the supervisor of the neighbouring municipality may not choose this community: the form says so.
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=data,
        expected=dict(NONE, supervisor=302),
        away={"supervisor": 200},
        state=lambda: (Defensoria.objects.count(), AuditEvent.objects.count()),
    )
    assert Defensoria.objects.get().community == world.community


def test_create_offers_only_own_communities_without_one(client: Client, world: World, defensoria: Defensoria) -> None:
    login(client, world.home["supervisor"])
    response = client.get(reverse("defenders:create"))
    assert list(response.context["form"].fields["community"].queryset) == []
    assert (
        "community"
        in client.post(reverse("defenders:create"), {"community": world.community.pk, "name": "X"})
        .context["form"]
        .errors
    )


def test_detail_year_switch_is_a_partial_for_htmx(
    client: Client, world: World, defensoria: Defensoria, event: Event
) -> None:
    login(client, world.home["defender"])
    url = reverse("defenders:detail", args=[defensoria.pk])
    last_year = timezone.localdate().year - 1
    partial = client.get(url, {"anio": last_year}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html and str(last_year) in html
    assert "Taller de buen trato" not in html  # this year's event is not last year's
    full = client.get(url, {"anio": "abc"})  # a bad year is this year
    assert full.context["year"] == timezone.localdate().year and "<html" in full.content.decode()


def test_the_defender_home_shows_their_defensoria(
    client: Client, world: World, defensoria: Defensoria, activity: Activity
) -> None:
    from ronda.core.tenancy import SYSTEM
    from ronda.defenders import services

    soon = timezone.localdate() + dt.timedelta(days=3)
    services.record_event(
        actor=SYSTEM, defensoria=defensoria, kind="assembly", title="Asamblea próxima", held_on=soon, component="c2"
    )
    login(client, world.home["defender"])
    html = client.get("/").content.decode()
    assert "Asamblea próxima" in html and defensoria.name in html
    login(client, world.away["defender"])
    assert defensoria.name not in client.get("/").content.decode()


def test_the_plan_shows_money_in_the_municipality_s_currency_and_labels_each_figure(
    client: Client, world: World, defensoria: Defensoria, activity: Activity
) -> None:
    """On a phone a row is a card: each figure keeps its column's name (data-label); a budget is
    money in the municipality's currency, formatted for the user's language."""
    from ronda.core import formatting
    from ronda.territory.selectors import currency_of

    login(client, world.home["defender"])
    year = timezone.localdate().year
    page = client.get(reverse("defenders:plan_edit", args=[defensoria.pk, year])).content.decode()
    assert formatting.money(Decimal("150.00"), currency_of(world.community)) in page
    assert 'data-label="Presupuesto"' in page and 'data-label="Estado"' in page
    detail = client.get(reverse("defenders:detail", args=[defensoria.pk])).content.decode()
    assert 'data-label="Planificadas"' in detail and 'data-label="Ejecución"' in detail

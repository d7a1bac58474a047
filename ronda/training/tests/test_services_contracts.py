"""The training services' checks and the figures, against trainings made by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM
from ronda.territory.models import Area, AreaKind
from ronda.testing import World
from ronda.training import contracts, services
from ronda.training.models import Topic, TrainingSession

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def _train(world: World, held_on: dt.date, hours: str, attendance, municipality=None) -> TrainingSession:  # type: ignore[no-untyped-def]
    return services.record_training(
        actor=SYSTEM,
        municipality=municipality or world.municipality,
        held_on=held_on,
        topic=Topic.RIGHTS,
        hours=Decimal(hours),
        trainer="UNICEF",
        attendance={area: services.Counts(*c) for area, c in attendance.items()},
    )


def test_figures(world: World) -> None:
    education = Area.objects.create(org_unit=world.municipality, kind=AreaKind.EDUCATION, name="Educación")
    Area.objects.create(org_unit=world.municipality, kind=AreaKind.CULTURE, name="Cultura")  # never trained
    Area.objects.create(org_unit=world.municipality, kind=AreaKind.SPORTS, name="Deportes", is_active=False)
    _train(world, dt.date(2025, 3, 1), "8", {world.area: (3, 1, 0)})  # 2025, more than 12 months ago
    _train(world, dt.date(2025, 7, 1), "2.5", {education: (2, 2, 1)})
    _train(world, dt.date(2026, 2, 1), "4", {world.area: (5, 0, 0), education: (1, 3, 0)})
    _train(world, dt.date(2026, 2, 1), "3", {world.other_area: (9, 9, 9)}, world.other_municipality)

    assert contracts.trainings_per_year(world.municipality) == [
        contracts.YearFigures(2025, 2, Decimal("10.5")),
        contracts.YearFigures(2026, 1, Decimal("4")),
    ]
    since = contracts.year_ago(TODAY)
    assert since == dt.date(2025, 6, 15)
    by_area = contracts.attendance_by_area(world.municipality, since, TODAY)
    assert [(a.area, a.women, a.men, a.other, a.total) for a in by_area] == [
        ("Educación", 3, 5, 1, 9),
        ("Salud", 5, 0, 0, 5),
    ]
    trained = contracts.areas_trained(world.municipality, TODAY)
    # Active areas: Salud, Educación, Cultura; trained since 15 June 2025: Salud and Educación.
    assert (trained.areas, trained.trained, trained.share) == (3, 2, Decimal("66.7"))


def test_bad_input(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        services.record_training(
            actor=SYSTEM,
            municipality=world.municipality,
            held_on=dt.date(2026, 1, 1),
            topic=Topic.OTHER,
            hours=Decimal(0),
            trainer="",
            attendance={world.other_area: services.Counts(1, 0, 0)},
        )
    assert set(refused.value.message_dict) == {"topic_detail", "hours", "trainer", "attendance"}
    assert TrainingSession.objects.count() == 0 and not AuditEvent.objects.exists()


def test_the_attendance_is_audited_with_the_training(world: World) -> None:
    training = _train(world, dt.date(2026, 1, 1), "2", {world.area: (1, 2, 0)})
    services.update_training(
        actor=SYSTEM,
        training=training,
        expected_version=training.version,
        attendance={world.area: services.Counts(1, 3, 0)},
    )
    update = AuditEvent.objects.filter(target_type="training.trainingsession").order_by("created_at", "id").last()
    assert update is not None
    assert update.changes["attendance"] == [{str(world.area.pk): [1, 2, 0]}, {str(world.area.pk): [1, 3, 0]}]
    assert TrainingSession.objects.get(pk=training.pk).version == 2

"""Issue #8 item 3: the agreement figures other domains read are defined once, and say of every
row what the model's own properties say of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ronda.coordination.contracts import agreement_figures
from ronda.coordination.models import Agreement, AgreementStatus
from ronda.coordination.tests.conftest import build_coordination
from ronda.testing import World

pytestmark = pytest.mark.django_db


def test_figures_agree_with_each_agreement(world: World) -> None:
    co = build_coordination(world)
    today = timezone.localdate()
    rows = [
        (today - dt.timedelta(days=10), AgreementStatus.DONE, today - dt.timedelta(days=12)),  # on time
        (today - dt.timedelta(days=10), AgreementStatus.DONE, today - dt.timedelta(days=2)),  # late
        (today - dt.timedelta(days=3), AgreementStatus.PENDING, None),  # overdue
        (today - dt.timedelta(days=3), AgreementStatus.IN_PROGRESS, None),  # overdue
        (today + dt.timedelta(days=3), AgreementStatus.PENDING, None),  # not due yet
        (today - dt.timedelta(days=5), AgreementStatus.CANCELLED, None),
    ]
    Agreement.objects.filter(body=co.body).delete()
    for due, status, done in rows:
        Agreement.objects.create(
            body=co.body, text="x", owner_area=world.area, due_date=due, status=status, completed_on=done
        )
    figures = agreement_figures(world.municipality, today - dt.timedelta(days=30), today + dt.timedelta(days=30))
    assert (
        figures.due,
        figures.fulfilled_on_time,
        figures.fulfilled_late,
        figures.open_overdue,
        figures.open_not_due,
        figures.cancelled,
    ) == (6, 1, 1, 2, 1, 1)
    assert figures.on_time_percent == 17
    every = list(Agreement.objects.filter(body=co.body))
    assert figures.fulfilled_on_time == sum(a.fulfilled_on_time for a in every)
    assert (
        figures.open_overdue
        == sum(a.is_overdue for a in every)
        == Agreement.objects.filter(body=co.body).overdue().count()
    )
    # The other country's body has an overdue agreement in the same window: it is not counted above (6).
    assert Agreement.objects.exclude(body=co.body).overdue().exists()

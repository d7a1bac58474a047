"""The Tlaxcala demo of protection and alternative care (issue #12 item 11): it loads through the
services, twice without duplicates, and tells the story it is meant to tell — the SEDIF's centre
emptying over three years, no child under three in residential care in the last year, families
along the pipeline, some measure reviews overdue."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.accounts import demo as accounts_demo
from ronda.accounts.models import User
from ronda.protection import contracts
from ronda.protection import demo as protection_demo
from ronda.protection.models import (
    ALTERNATIVE_CARE,
    CareSetting,
    Facility,
    FosterFamily,
    FosterStatus,
    Gatekeeping,
    MeasureType,
    Placement,
    ProspectiveAdopter,
    ProtectionFile,
    ProtectiveMeasure,
    SupervisionVisit,
)
from ronda.territory import demo as territory_demo
from ronda.territory.models import OrgUnit
from ronda.testing import login

pytestmark = pytest.mark.django_db


def _load() -> float:
    territory_demo.load_demo()
    accounts_demo.load_demo()
    started = time.perf_counter()
    protection_demo.load_demo()
    return time.perf_counter() - started


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            ProtectionFile,
            Placement,
            Gatekeeping,
            ProtectiveMeasure,
            MeasureType,
            Facility,
            SupervisionVisit,
            FosterFamily,
            ProspectiveAdopter,
        )
    }


def test_the_demo_loads_twice_without_duplicates() -> None:
    # Issue #12 item 11 asks for under 20 s; a loaded test machine may be slower: twice that.
    assert _load() < 40
    first = _counts()
    assert first["ProtectionFile"] == 80
    assert first["FosterFamily"] == 25 and first["ProspectiveAdopter"] == 10 and first["Facility"] == 3
    assert first["MeasureType"] >= 7 and first["SupervisionVisit"] == 6
    _load()
    assert _counts() == first


def test_the_demo_tells_its_story() -> None:
    _load()
    today = timezone.localdate()
    state = OrgUnit.objects.get(code=protection_demo.STATE)
    sedif = Facility.objects.get(name__startswith="Casa de Asistencia Social del SEDIF")
    three_years_ago = contracts.add_months(today, -36)
    population = contracts.facility_population([sedif.pk], [three_years_ago, today])
    assert 35 <= population[(sedif.pk, three_years_ago)] <= 42
    assert population[(sedif.pk, today)] == 12
    # No child under three in residential care during the last year (end of each month and today).
    last_year = contracts.care_by_month(state, contracts.add_months(today, -12), today)
    assert all(month.under_three_residential == 0 for month in last_year)
    # There were some three years ago, each with an approved exception.
    assert contracts.in_care_on(state, three_years_ago).under_three_residential > 0
    babies = Gatekeeping.objects.filter(setting=CareSetting.RESIDENTIAL).exclude(under_three_justification="")
    assert babies.exists() and not babies.filter(exception_approved_by__isnull=True).exists()
    # Every placement in alternative care came through a gatekeeping record.
    assert not Placement.objects.filter(setting__in=list(ALTERNATIVE_CARE), gatekeeping__isnull=True).exists()
    # The foster-family bank spans the pipeline; some measures are overdue for review.
    statuses = set(FosterFamily.objects.values_list("status", flat=True))
    assert {FosterStatus.APPLICANT, FosterStatus.EVALUATED, FosterStatus.TRAINED, FosterStatus.CLOSED} <= statuses
    reviews = contracts.measure_reviews(state, today)
    assert reviews.overdue > 0 and reviews.up_to_date > reviews.overdue
    assert contracts.reintegrations_count(state, contracts.add_months(today, -36), today) > 10
    # The demo supervisor of the state reads the state's figures.
    supervisor = User.objects.get(username=protection_demo.SUPERVISOR)
    response = login(Client(), supervisor).get(reverse("protection:dashboard"))
    assert response.status_code == 200 and "Tlaxcala" in response.content.decode()

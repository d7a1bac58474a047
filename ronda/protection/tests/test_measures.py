"""Protective measures: recording, periodic review, ratification and end, each rule refused in
Spanish with nothing written."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext

from ronda.core.errors import ConflictError
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.protection.models import (
    MeasureEndReason,
    MeasureReview,
    MeasureStatus,
    MeasureType,
    ProtectionAction,
    ProtectionFile,
    ProtectiveMeasure,
    ReviewOutcome,
)
from ronda.protection.services import measures
from ronda.protection.tests.factories import PWorld, act, make_file, measure_type, protection_world
from ronda.testing import World

pytestmark = pytest.mark.django_db

# "Today" in these tests: the last day of January, to see the month arithmetic at work.
NOW = dt.datetime(2026, 1, 31, 10, 0, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
TODAY = NOW.date()
OPENED = dt.date(2025, 10, 1)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[Any]:
    with translation.override("es"), time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def pw(world: World) -> PWorld:
    return protection_world(world)


def es(msgid: str) -> str:
    """The message as the officer reads it (the Spanish of /tmp/i18n_h2.json once merged)."""
    return gettext(msgid)


def _file(pw: PWorld) -> ProtectionFile:
    return make_file(pw, opened_on=OPENED)


def _record(pw: PWorld, file: ProtectionFile, **over: Any) -> ProtectiveMeasure:
    fields: dict[str, Any] = {
        "type": over.pop("type", None) or measure_type(pw.world),
        "issuing_authority": "Procuraduría de Protección",
        "issued_on": dt.date(2025, 10, 31),
        "legal_basis": "LGDNNA art. 122",
        "description": "Acogimiento residencial temporal mientras se evalúa a la familia extensa.",
    }
    fields.update(over)
    return measures.record_measure(actor=act(pw.officer), file=file, **fields)


def _counts() -> tuple[int, int, int]:
    return ProtectiveMeasure.objects.count(), MeasureReview.objects.count(), AuditEvent.objects.count()


def _review(pw: PWorld, measure: ProtectiveMeasure, **over: Any) -> MeasureReview:
    fields: dict[str, Any] = {
        "reviewed_on": TODAY,
        "outcome": ReviewOutcome.CONTINUE,
        "participants": "Procuradora, psicóloga, la abuela",
        "child_heard": True,
        "child_opinion": "Quiere volver con su abuela.",
    }
    fields.update(over)
    return measures.review_measure(actor=act(pw.officer), measure=measure, **fields)


# --- Month arithmetic ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2025, 11, 30), 3, dt.date(2026, 2, 28)),
        (dt.date(2025, 10, 15), 3, dt.date(2026, 1, 15)),
        (dt.date(2025, 12, 31), 12, dt.date(2026, 12, 31)),
        (dt.date(2026, 3, 31), 1, dt.date(2026, 4, 30)),
    ],
)
def test_next_review_adds_calendar_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert measures.next_review(day, months) == expected


# --- Recording -----------------------------------------------------------------------------------
def test_a_measure_takes_the_types_interval_and_an_urgent_one_its_ratification_deadline(pw: PWorld) -> None:
    file = _file(pw)
    measure = _record(pw, file)
    assert measure.review_interval_months == 3
    assert measure.next_review_on == dt.date(2026, 1, 31)
    assert measure.ratification_due_on == dt.date(2025, 11, 10)
    assert measure.status == MeasureStatus.ACTIVE and measure.recorded_by == pw.officer
    event = AuditEvent.objects.get(target_type="protection.protectivemeasure", target_id=str(measure.pk))
    assert event.action == "create" and event.org_unit_path == file.municipality.path
    # The description is personal: the trail knows it changed, never what it says.
    assert "Acogimiento residencial temporal" not in str(event.changes)


def test_a_measure_may_have_its_own_interval_and_a_type_that_is_not_urgent(pw: PWorld) -> None:
    file = _file(pw)
    kind = measure_type(pw.world, code="apoyo", name="Apoyo familiar", is_urgent=False, ratification_days=None)
    measure = _record(pw, file, type=kind, review_interval_months=1, issued_on=dt.date(2025, 12, 31))
    assert measure.next_review_on == dt.date(2026, 1, 31)
    assert measure.ratification_due_on is None


def test_recording_a_measure_refuses_every_wrong_field_at_once_and_writes_nothing(pw: PWorld) -> None:
    file = _file(pw)
    kind = measure_type(pw.world)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _record(
            pw,
            file,
            type=kind,
            issuing_authority="  ",
            legal_basis="",
            issued_on=TODAY + dt.timedelta(days=1),
            review_interval_months=0,
        )
    errors = exc.value.message_dict
    assert errors["issuing_authority"] == [es("Say which authority issued the measure.")]
    assert errors["legal_basis"] == [es("Write the legal basis of the measure.")]
    assert errors["issued_on"] == [es("The date cannot be in the future.")]
    assert errors["review_interval_months"] == [
        es("Choose a review interval between 1 and %(max)d months.") % {"max": 12}
    ]
    with pytest.raises(ValidationError) as exc:
        _record(pw, file, type=kind, issued_on=OPENED - dt.timedelta(days=1))
    assert exc.value.message_dict["issued_on"] == [es("The measure cannot be issued before the file was opened.")]
    assert _counts() == before


def test_a_type_of_another_country_or_out_of_use_is_refused(pw: PWorld) -> None:
    file = _file(pw)
    foreign = measure_type(pw.world, country=pw.world.other_country)
    retired = measure_type(pw.world, code="old", is_active=False)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _record(pw, file, type=foreign)
    assert exc.value.message_dict["type"] == [es("Choose a type of measure of the country where the file is held.")]
    with pytest.raises(ValidationError) as exc:
        _record(pw, file, type=retired)
    assert exc.value.message_dict["type"] == [es("This type of measure is no longer in use: choose another.")]
    assert _counts() == before


@pytest.mark.parametrize("who", ["away_officer", "focal", "analyst", "no_second_factor"])
def test_only_who_works_on_the_file_records_a_measure(pw: PWorld, who: str) -> None:
    file = _file(pw)
    kind = measure_type(pw.world)
    actor = {
        "away_officer": lambda: act(pw.world.away[Role.PROTECTION_OFFICER]),
        "focal": lambda: act(pw.health_focal),
        "analyst": lambda: act(pw.world.home[Role.ANALYST]),
        "no_second_factor": lambda: act(pw.officer, second_factor=False),
    }[who]()
    before = _counts()
    with pytest.raises(PermissionDenied):
        measures.record_measure(
            actor=actor, file=file, type=kind, issuing_authority="Juez", issued_on=TODAY, legal_basis="art. 1"
        )
    assert _counts() == before


def test_the_state_officer_records_a_measure_on_a_municipal_file_and_ronda_itself_may_too(pw: PWorld) -> None:
    file = _file(pw)
    kind = measure_type(pw.world)
    by_state = measures.record_measure(
        actor=act(pw.state_officer),
        file=file,
        type=kind,
        issuing_authority="PPNNA",
        issued_on=TODAY,
        legal_basis="art. 122",
    )
    assert by_state.recorded_by == pw.state_officer
    by_system = measures.record_measure(
        actor=SYSTEM, file=file, type=kind, issuing_authority="PPNNA", issued_on=TODAY, legal_basis="art. 122"
    )
    assert by_system.recorded_by == file.officer


# --- Reviews -------------------------------------------------------------------------------------
def test_a_review_moves_the_next_review_on_by_the_interval(pw: PWorld) -> None:
    measure = _record(pw, _file(pw))
    review = _review(pw, measure)
    measure.refresh_from_db()
    assert review.reviewed_by == pw.officer and review.child_heard
    assert measure.last_reviewed_on == TODAY
    assert measure.next_review_on == dt.date(2026, 4, 30)
    assert measure.status == MeasureStatus.ACTIVE
    event = AuditEvent.objects.filter(target_type="protection.protectivemeasure", target_id=str(measure.pk)).latest(
        "id"
    )
    assert event.action == ProtectionAction.MEASURE_REVIEWED
    review_event = AuditEvent.objects.get(target_type="protection.measurereview", target_id=str(review.pk))
    assert "Quiere volver" not in str(review_event.changes)


def test_a_review_dated_before_the_measure_or_the_last_review_or_in_the_future_is_refused(pw: PWorld) -> None:
    measure = _record(pw, _file(pw))
    _review(pw, measure, reviewed_on=dt.date(2026, 1, 20))
    measure.refresh_from_db()
    before = _counts()
    cases = [
        (dt.date(2025, 10, 30), "A review cannot be dated before the measure was issued."),
        (dt.date(2026, 1, 19), "A review cannot be dated before the last review of the measure."),
        (TODAY + dt.timedelta(days=1), "The date cannot be in the future."),
        (None, "Write the day of the review."),
    ]
    for day, message in cases:
        with pytest.raises(ValidationError) as exc:
            _review(pw, measure, reviewed_on=day)
        assert exc.value.message_dict["reviewed_on"] == [es(message)]
    assert _counts() == before
    measure.refresh_from_db()
    assert measure.last_reviewed_on == dt.date(2026, 1, 20)


def test_a_review_needs_participants_an_outcome_and_the_childs_words_when_heard(pw: PWorld) -> None:
    measure = _record(pw, _file(pw))
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _review(pw, measure, outcome="pause", participants=" ", child_heard=True, child_opinion="")
    errors = exc.value.message_dict
    assert errors["outcome"] == [es("Choose the outcome of the review.")]
    assert errors["participants"] == [es("Say who took part in the review.")]
    assert errors["child_opinion"] == [es("Write what the child said: their opinion was heard.")]
    assert _counts() == before


def test_a_review_that_ends_the_measure_needs_a_reason_and_ends_it(pw: PWorld) -> None:
    measure = _record(pw, _file(pw))
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _review(pw, measure, outcome=ReviewOutcome.END)
    assert exc.value.message_dict["end_reason"] == [es("Say why the review ends the measure.")]
    assert _counts() == before
    _review(pw, measure, outcome=ReviewOutcome.END, end_reason=MeasureEndReason.OBJECTIVE_MET)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.ENDED
    assert measure.ended_on == TODAY and measure.end_reason == MeasureEndReason.OBJECTIVE_MET
    assert measure.next_review_on is None
    assert (
        AuditEvent.objects.filter(target_type="protection.protectivemeasure", target_id=str(measure.pk))
        .latest("id")
        .action
        == ProtectionAction.MEASURE_ENDED
    )
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _review(pw, measure)
    assert exc.value.message_dict["__all__"] == [es("This measure has ended: it is no longer reviewed.")]
    assert _counts() == before


def test_a_review_on_a_stale_form_is_a_conflict(pw: PWorld) -> None:
    measure = _record(pw, _file(pw))
    loaded = measure.version
    _review(pw, measure, expected_version=loaded)
    before = _counts()
    with pytest.raises(ConflictError):
        _review(pw, measure, expected_version=loaded)
    assert _counts() == before


def test_an_away_officer_cannot_review(pw: PWorld) -> None:
    measure = _record(pw, _file(pw))
    before = _counts()
    with pytest.raises(PermissionDenied):
        measures.review_measure(
            actor=act(pw.world.away[Role.PROTECTION_OFFICER]),
            measure=measure,
            reviewed_on=TODAY,
            outcome=ReviewOutcome.CONTINUE,
            participants="x",
            child_heard=False,
        )
    assert _counts() == before


# --- Ratification and end ------------------------------------------------------------------------
def test_an_urgent_measure_is_ratified_once_and_not_before_it_was_issued(pw: PWorld) -> None:
    measure = _record(pw, _file(pw))
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        measures.ratify_measure(
            actor=act(pw.officer), measure=measure, ratified_on=dt.date(2025, 10, 1), ratified_by=""
        )
    errors = exc.value.message_dict
    assert errors["ratified_on"] == [es("A measure cannot be ratified before it was issued.")]
    assert errors["ratified_by"] == [es("Say which court ratified the measure.")]
    assert _counts() == before
    ratified = measures.ratify_measure(
        actor=act(pw.officer), measure=measure, ratified_on=dt.date(2025, 11, 5), ratified_by="Juzgado Primero Familiar"
    )
    assert ratified.ratified_on == dt.date(2025, 11, 5) and ratified.ratified_by == "Juzgado Primero Familiar"
    with pytest.raises(ValidationError) as exc:
        measures.ratify_measure(actor=act(pw.officer), measure=measure, ratified_on=TODAY, ratified_by="Otro")
    assert exc.value.message_dict["__all__"] == [es("This measure has already been ratified.")]


def test_a_measure_that_is_not_urgent_is_not_ratified(pw: PWorld) -> None:
    kind = measure_type(pw.world, code="apoyo", is_urgent=False, ratification_days=None)
    measure = _record(pw, _file(pw), type=kind)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        measures.ratify_measure(actor=act(pw.officer), measure=measure, ratified_on=TODAY, ratified_by="Juzgado")
    assert exc.value.message_dict["__all__"] == [es("Only an urgent measure is ratified by a judge.")]
    assert _counts() == before


def test_a_measure_ends_only_with_a_reason_and_other_needs_a_note(pw: PWorld) -> None:
    measure = _record(pw, _file(pw))
    _review(pw, measure, reviewed_on=dt.date(2026, 1, 15))
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        measures.end_measure(actor=act(pw.officer), measure=measure, ended_on=dt.date(2026, 1, 10), end_reason="")
    errors = exc.value.message_dict
    assert errors["end_reason"] == [es("Say why the measure ends.")]
    assert errors["ended_on"] == [es("A measure cannot end before its last review.")]
    with pytest.raises(ValidationError) as exc:
        measures.end_measure(
            actor=act(pw.officer), measure=measure, ended_on=TODAY, end_reason=MeasureEndReason.OTHER, end_note=""
        )
    assert exc.value.message_dict["end_note"] == [es("Explain in the note why the measure ends.")]
    assert _counts() == before
    ended = measures.end_measure(
        actor=act(pw.officer), measure=measure, ended_on=TODAY, end_reason=MeasureEndReason.REVOKED
    )
    assert ended.status == MeasureStatus.ENDED and ended.end_reason == MeasureEndReason.REVOKED
    assert ended.next_review_on is None
    with pytest.raises(ValidationError) as exc:
        measures.end_measure(actor=act(pw.officer), measure=measure, ended_on=TODAY, end_reason="revoked")
    assert exc.value.message_dict["__all__"] == [es("This measure has already ended.")]


def test_measure_type_factory_is_of_country_a(pw: PWorld) -> None:
    # The builders' type belongs to the file's country: the check above is not vacuous.
    assert MeasureType.objects.count() == 0
    kind = measure_type(pw.world)
    assert _file(pw).path.startswith(kind.country.path)

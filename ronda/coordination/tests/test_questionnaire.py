"""The anonymous questionnaire: nothing links answers to members, one answer each, results only from 3."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.accounts.selectors import active_memberships
from ronda.coordination import selectors, services
from ronda.coordination.models import BodyMember, QuestionnaireReceipt, QuestionnaireResponse
from ronda.coordination.questionnaire import ITEM_KEYS
from ronda.coordination.tests.conftest import Coordination, likert
from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.testing import World, login

pytestmark = pytest.mark.django_db


def actor(world: World, role: str) -> Actor:
    user = world.home[role]
    return actor_for(user, active_memberships(user)[0])


def test_response_model_has_no_link_to_anyone() -> None:
    fields = QuestionnaireResponse._meta.get_fields()
    relations = {f.name: f.related_model for f in fields if f.is_relation}
    assert list(relations) == ["round"], "a response may point to its round and nothing else"
    assert not any(isinstance(f, (models.DateTimeField, models.DateField)) for f in fields), "no timestamps"
    assert isinstance(QuestionnaireResponse._meta.pk, models.UUIDField), "no guessable insertion order"
    receipt_fields = {f.name for f in QuestionnaireReceipt._meta.get_fields()}
    assert receipt_fields == {"id", "round", "member"}, "a receipt says who answered, never what"


def test_submit_writes_response_and_receipt_and_audits_only_the_receipt(world: World, co: Coordination) -> None:
    focal = actor(world, "area_focal")
    receipt = services.submit_questionnaire(
        actor=focal,
        round_=co.round,
        likert={**likert(5), f"area_{co.education.pk}": 2},
        comments={"environment": "Muy buen ambiente"},
    )
    response = QuestionnaireResponse.objects.get(round=co.round)
    assert receipt.member == co.focal_member
    assert response.likert[f"area_{co.education.pk}"] == 2 and response.comments == {"environment": "Muy buen ambiente"}
    assert not AuditEvent.objects.filter(target_type="coordination.questionnaireresponse").exists()
    [event] = AuditEvent.objects.filter(target_type="coordination.questionnairereceipt")
    assert event.target_id == str(receipt.pk) and event.actor_username == "area_focal.home"
    assert event.changes == {"round": [None, co.round.pk], "member": [None, co.focal_member.pk]}
    serialized = str(event.changes) + event.target_repr
    assert str(response.pk) not in serialized and "Muy buen ambiente" not in serialized and "likert" not in serialized


def test_a_member_answers_once(world: World, co: Coordination) -> None:
    focal = actor(world, "area_focal")
    services.submit_questionnaire(actor=focal, round_=co.round, likert=likert(), comments={})
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.submit_questionnaire(actor=focal, round_=co.round, likert=likert(1), comments={})
    assert exc.value.messages == ["This member has already answered this questionnaire. Each member answers once."]
    assert QuestionnaireResponse.objects.count() == 1 and QuestionnaireReceipt.objects.count() == 1


def test_response_and_receipt_are_one_transaction(
    world: World, co: Coordination, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise IntegrityError("simulated race")

    monkeypatch.setattr(QuestionnaireReceipt.objects, "create", fail)
    with pytest.raises(ValidationError):
        services.submit_questionnaire(actor=actor(world, "area_focal"), round_=co.round, likert=likert(), comments={})
    assert not QuestionnaireResponse.objects.exists(), "the answers must not survive without their receipt"


def test_only_members_answer_open_rounds(world: World, co: Coordination) -> None:
    for role in ("analyst", "admin", "supervisor"):
        with pytest.raises(PermissionDenied):
            services.submit_questionnaire(actor=actor(world, role), round_=co.round, likert=likert(), comments={})
    closed = services.close_round(actor=SYSTEM, round_=co.round, expected_version=1)
    with pytest.raises(ValidationError):
        services.submit_questionnaire(actor=actor(world, "coordinator"), round_=closed, likert=likert(), comments={})
    assert not QuestionnaireResponse.objects.exists()


@pytest.mark.parametrize(
    ("answers", "comments", "field"),
    [
        ({**likert(), "env_respect": 6}, {}, "env_respect"),
        ({k: 3 for k in ITEM_KEYS if k != "met_time"}, {}, "met_time"),
        ({**likert(), "invented": 3}, {}, "invented"),
        ({**likert(), "area_999999": 3}, {}, "area_999999"),
        (likert(), {"environment": "x" * 2001}, "environment"),
        (likert(), {"gossip": "hola"}, "gossip"),
    ],
)
def test_invalid_answers_nothing_saved(
    world: World, co: Coordination, answers: dict, comments: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.submit_questionnaire(
            actor=actor(world, "area_focal"), round_=co.round, likert=answers, comments=comments
        )
    assert field in exc.value.message_dict
    assert not QuestionnaireResponse.objects.exists() and not QuestionnaireReceipt.objects.exists()
    assert not AuditEvent.objects.filter(target_type="coordination.questionnairereceipt").exists()


def test_paper_responses(world: World, co: Coordination) -> None:
    member = co.paper_members[0]
    receipt = services.record_paper_response(
        actor=actor(world, "coordinator"), round_=co.round, member=member, likert=likert(), comments={}
    )
    event = AuditEvent.objects.get(target_type="coordination.questionnairereceipt", target_id=str(receipt.pk))
    assert event.changes["source"] == [None, "paper"]
    with pytest.raises(ValidationError):
        services.record_paper_response(actor=SYSTEM, round_=co.round, member=member, likert=likert(), comments={})
    with pytest.raises(PermissionDenied):
        services.record_paper_response(
            actor=actor(world, "analyst"), round_=co.round, member=co.paper_members[1], likert=likert(), comments={}
        )
    with pytest.raises(ValidationError):
        services.record_paper_response(
            actor=SYSTEM,
            round_=co.round,
            member=BodyMember.objects.get(body=co.other_body),
            likert=likert(),
            comments={},
        )


def test_one_open_round_at_a_time(co: Coordination) -> None:
    with pytest.raises(ValidationError):
        services.open_round(actor=SYSTEM, body=co.body, title="Otra")


def _answer(co: Coordination, n: int, values: list[int], comment: str = "") -> None:
    answers = dict(zip(ITEM_KEYS, values, strict=True))
    comments = {"methodology": comment} if comment else {}
    services.record_paper_response(
        actor=SYSTEM, round_=co.round, member=co.paper_members[n], likert=answers, comments=comments
    )


def test_results_hidden_below_three_answers(world: World, co: Coordination) -> None:
    _answer(co, 0, [5] * 10, "Zeta comentario")
    _answer(co, 1, [1] * 10)
    co.round = services.close_round(actor=SYSTEM, round_=co.round, expected_version=None)
    results = selectors.questionnaire_results(co.round)
    assert results == {"answers": 2, "enough": False, "closed": True, "visible": False}
    client = login(Client(), world.home["coordinator"])
    page = client.get(reverse("coordination:round_detail", args=[co.round.pk])).content.decode()
    assert "Zeta comentario" not in page and "<meter" not in page
    with translation.override("en"):
        page = client.get(reverse("coordination:round_detail", args=[co.round.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200


def test_results_from_three_answers(world: World, co: Coordination) -> None:
    _answer(co, 0, [5] * 10, "Zeta: enviar la agenda antes")
    _answer(co, 1, [1] * 10, "Alfa: empezar puntuales")
    _answer(co, 2, [3] * 9 + [4])
    co.round = services.close_round(actor=SYSTEM, round_=co.round, expected_version=None)
    results = selectors.questionnaire_results(co.round)
    assert results["answers"] == 3 and results["visible"]
    methodology = next(s for s in results["sections"] if s["key"] == "methodology")
    first = methodology["items"][0]
    assert first.mean == 3.0 and dict(first.counts) == {1: 1, 2: 0, 3: 1, 4: 0, 5: 1}
    # Comments are sorted, never in the order they were given.
    assert methodology["comments"] == ["Alfa: empezar puntuales", "Zeta: enviar la agenda antes"]
    commitment = next(s for s in results["sections"] if s["key"] == "commitment")
    assert commitment["items"][-1].mean == round((5 + 1 + 4) / 3, 2)
    client = login(Client(), world.home["analyst"])
    page = client.get(reverse("coordination:round_detail", args=[co.round.pk])).content.decode()
    assert "<meter" in page and "Alfa: empezar puntuales" in page


def test_open_round_shows_no_results_even_with_enough_answers(world: World, co: Coordination) -> None:
    """Totals seen after three answers and again after four would give the fourth one away."""
    for n, value in enumerate((5, 1, 3)):
        _answer(co, n, [value] * 10, "Comentario visible solo al cerrar" if n == 0 else "")
    results = selectors.questionnaire_results(co.round)
    assert results == {"answers": 3, "enough": True, "closed": False, "visible": False}
    client = login(Client(), world.home["coordinator"])
    page = client.get(reverse("coordination:round_detail", args=[co.round.pk])).content.decode()
    assert "Comentario visible solo al cerrar" not in page and "<meter" not in page
    services.close_round(actor=SYSTEM, round_=co.round, expected_version=None)
    page = client.get(reverse("coordination:round_detail", args=[co.round.pk])).content.decode()
    assert "Comentario visible solo al cerrar" in page and "<meter" in page


def test_answer_page_flow(world: World, co: Coordination) -> None:
    client = login(Client(), world.home["area_focal"])
    url = reverse("coordination:round_answer", args=[co.round.pk])
    page = client.get(url)
    assert page.status_code == 200 and f'name="area_{co.education.pk}"' in page.content.decode()
    incomplete = client.post(url, {"env_respect": "4"})
    assert incomplete.status_code == 200 and not QuestionnaireResponse.objects.exists()
    data = {**dict.fromkeys(ITEM_KEYS, "4"), f"area_{co.education.pk}": "2", "comment_environment": "Bien"}
    done = client.post(url, data)
    assert done.status_code == 200 and QuestionnaireResponse.objects.count() == 1
    again = client.post(url, data)
    assert again.status_code == 200 and QuestionnaireResponse.objects.count() == 1
    assert "error-summary" in again.content.decode()
    listing = client.get(reverse("coordination:round_list")).content.decode()
    assert "badge ok" in listing  # "answered, thank you" instead of the button


def test_round_list_counts_but_never_names_who_answered(world: World, co: Coordination) -> None:
    _answer(co, 0, [4] * 10)
    client = login(Client(), world.home["coordinator"])
    page = client.get(reverse("coordination:round_detail", args=[co.round.pk])).content.decode()
    assert co.paper_members[0].full_name not in page

"""Issue #7 finding 6: the audit trail shows a role at most what it could read in the module itself,
and personal contact data never enters a change diff; finding 14: the trail is read-only (GET)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.accounts.selectors import active_memberships
from ronda.coordination import services as coordination
from ronda.core import audit_readers
from ronda.core.models import AuditEvent
from ronda.core.tenancy import actor_for
from ronda.council import services as council
from ronda.testing import World, login

pytestmark = pytest.mark.django_db

SECRETS = ("Rosa Contacto", "rosa@example.org", "+506 8888 1234", "Acuerdo confidencial de la mesa", "Valentina")
# Since #9 item 22 supervisors read the body of their municipality (its members' names and its agreements):
# what stays hidden from them is contact data and the children's names.
SUPERVISOR_SECRETS = ("rosa@example.org", "+506 8888 1234", "+506 7777 0000", "Valentina")


def _verified(world: World, role: str):  # type: ignore[no-untyped-def]
    user = world.home[role]
    return actor_for(user, active_memberships(user)[0], second_factor=True)


@pytest.fixture
def trail(world: World) -> None:
    """Writes by the coordinator of the home municipality: a body member, an agreement, a council member."""
    coordinator = _verified(world, "coordinator")
    today = timezone.localdate()
    body = coordination.create_body(actor=coordinator, org_unit=world.municipality, name="Mesa de A")
    member = coordination.add_member(
        actor=coordinator,
        body=body,
        full_name="Rosa Contacto",
        email="rosa@example.org",
        phone="+506 8888 1234",
        area=world.area,
        level="technical",
        position="Técnica",
        start_date=today - dt.timedelta(days=30),
    )
    meeting = coordination.schedule_meeting(
        actor=coordinator,
        body=body,
        kind="ordinary",
        mode="in_person",
        scheduled_at=timezone.now() - dt.timedelta(days=2),
        place="Sala",
    )
    coordination.create_agreement(
        actor=coordinator,
        body=body,
        meeting=meeting,
        text="Acuerdo confidencial de la mesa",
        owner_area=world.area,
        due_date=today + dt.timedelta(days=30),
    )
    coordination.update_member(
        actor=coordinator, member=member, expected_version=member.version, phone="+506 7777 0000"
    )
    the_council = council.create_council(
        actor=coordinator, org_unit=world.municipality, name="Consejo de A", established_on=today
    )
    council.add_member(
        actor=coordinator,
        council=the_council,
        first_name="Valentina",
        age_band="13-15",
        community=world.community,
        guardian_consent_on=today,
        joined_on=today,
    )


def test_contact_data_never_enters_the_trail(trail: None) -> None:
    stored = " ".join(str(e.changes) for e in AuditEvent.objects.all())
    for secret in ("rosa@example.org", "+506 8888 1234", "+506 7777 0000", "Valentina"):
        assert secret not in stored
    phone_change = AuditEvent.objects.get(target_type="coordination.bodymember", action="update")
    assert phone_change.changes["phone"] == ["[redacted]", "[redacted]"]
    assert "email" not in phone_change.changes  # unchanged: not in the diff at all


def test_supervisor_sees_who_did_what_but_not_the_content_of_modules_closed_to_them(world: World, trail: None) -> None:
    page = login(Client(), world.home["supervisor"]).get(reverse("core:audit"))
    assert page.status_code == 200
    html = page.content.decode()
    for secret in SUPERVISOR_SECRETS:
        assert secret not in html, secret
    assert "coordinator.home" in html
    assert "Rosa Contacto" in html and "Acuerdo confidencial de la mesa" in html  # the body is open to them


def test_a_module_closed_to_the_reader_shows_field_labels_without_values(world: World, trail: None) -> None:
    # A council member is a child's record the supervisor cannot open: its events keep the field labels
    # and hide the values.
    supervisor = _verified(world, "supervisor")
    rows = audit_readers.present(supervisor, AuditEvent.objects.filter(target_type="council.councilmember"))
    assert rows and all(not r.readable for r in rows)
    html = login(Client(), world.home["supervisor"]).get(reverse("core:audit")).content.decode()
    assert "Valores ocultos" in html or "Values hidden" in html


def test_admin_sees_the_content_but_never_the_contact_data(world: World, trail: None) -> None:
    html = login(Client(), world.home["admin"]).get(reverse("core:audit")).content.decode()
    assert "Rosa Contacto" in html and "Acuerdo confidencial de la mesa" in html
    assert "rosa@example.org" not in html and "+506" not in html and "Valentina" not in html


def test_searching_by_name_cannot_reveal_hidden_names(world: World, trail: None) -> None:
    supervisor = login(Client(), world.home["supervisor"])
    assert supervisor.get(reverse("core:audit"), {"object": "Valentina"}).context["page"].paginator.count == 0
    # The body is open to the supervisor since #9 item 22: its member is found by name.
    assert supervisor.get(reverse("core:audit"), {"object": "Rosa"}).context["page"].paginator.count >= 2
    neighbour = login(Client(), world.away["supervisor"])
    assert neighbour.get(reverse("core:audit"), {"object": "Rosa"}).context["page"].paginator.count == 0
    admin = login(Client(), world.home["admin"])
    assert admin.get(reverse("core:audit"), {"object": "Rosa"}).context["page"].paginator.count >= 2


def test_the_home_page_list_hides_the_same(world: World, trail: None) -> None:
    html = login(Client(), world.home["supervisor"]).get("/").content.decode()
    for secret in SUPERVISOR_SECRETS:
        assert secret not in html


def test_access_log_hides_what_the_role_cannot_open(world: World, trail: None) -> None:
    from ronda.council.models import ChildrenCouncil
    from ronda.council.policies import list_members

    list_members(_verified(world, "coordinator"), ChildrenCouncil.objects.get())
    page = login(Client(), world.home["supervisor"]).get(reverse("core:audit"), {"log": "access"})
    assert page.context["page"].paginator.count == 1
    assert "Valentina" not in page.content.decode()


def test_every_model_that_can_be_audited_has_a_reader() -> None:
    """A new model must say who may read its events (else only administrators see their content)."""
    registered = audit_readers.registered()
    # Never audited: the trail itself, form replays, sign-in throttling, and the scheduler's own
    # bookkeeping (core.schedule: when each periodic job last ran; what a job does is audited by it).
    skip = {"core.auditevent", "core.accessevent", "core.submittedform", "accounts.throttleevent", "core.scheduledjob"}
    missing = [
        m._meta.label_lower
        for m in apps.get_models()
        if m.__module__.startswith("ronda.") and m._meta.label_lower not in set(registered) | skip
    ]
    assert missing == []


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_audit_trail_answers_only_get(world: World, method: str) -> None:
    client = login(Client(), world.home["supervisor"])
    assert getattr(client, method)(reverse("core:audit")).status_code == 405


def test_an_impossible_date_is_a_form_error_not_a_500(world: World) -> None:
    client = login(Client(), world.home["supervisor"])
    response = client.get(reverse("core:audit"), {"date_from": "2026-13-01", "date_to": "2026-02-30"})
    assert response.status_code == 200
    assert response.context["errors"] == ["date_from", "date_to"]
    far = client.get(reverse("core:audit"), {"date_to": "9999-12-31"})
    assert far.status_code == 200
    assert far.context["errors"] == ["date_to"]


def test_editing_a_meeting_without_changing_its_time_records_no_time_change(world: World) -> None:
    """The form sends the local time; the database gives back UTC: the same instant is no change."""
    coordinator = _verified(world, "coordinator")
    body = coordination.create_body(actor=coordinator, org_unit=world.municipality, name="Mesa de A")
    meeting = coordination.schedule_meeting(
        actor=coordinator,
        body=body,
        kind="ordinary",
        mode="in_person",
        scheduled_at=(timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0),
        place="Sala",
    )
    meeting.refresh_from_db()
    local = timezone.localtime(meeting.scheduled_at)
    client = login(Client(), world.home["coordinator"])
    response = client.post(
        reverse("coordination:meeting_edit", args=[meeting.pk]),
        {
            "kind": "ordinary",
            "mode": "in_person",
            "scheduled_at": local.strftime("%Y-%m-%dT%H:%M"),
            "place": "Sala grande",
            "status": meeting.status,
            "version": meeting.version,
        },
    )
    assert response.status_code == 302, response.content
    update = AuditEvent.objects.filter(target_type="coordination.meeting", action="update").latest("id")
    assert "place" in update.changes
    assert "scheduled_at" not in update.changes

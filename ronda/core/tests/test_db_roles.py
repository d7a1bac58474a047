"""The hardened PostgreSQL deployment: an application role that owns nothing (issue 7, finding 11).

The trigger of core migration 0002 refuses UPDATE and DELETE on the audit tables, but the role
that owns a table can switch its triggers off, truncate it or drop it. ``grant_app_role`` gives
the application role DML on every table and only SELECT, INSERT on the append-only ones; these
tests create a temporary role, apply the grants, act as that role with ``SET ROLE`` and check
what it can and cannot do. The test database's own user (``postgres``) is a superuser, which is
what creating and dropping roles needs. Everything happens inside the test's transaction (rolled
back at the end); the role is also dropped explicitly, and ``RESET ROLE`` always runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from psycopg import sql

from ronda.core import audit
from ronda.core.management.commands.grant_app_role import (
    RoleSetupError,
    append_only_tables,
    check_app_role,
    grant_app_role,
)
from ronda.core.models import AccessEvent, AuditEvent
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.territory import services as territory_services
from ronda.territory.models import OrgUnit
from ronda.testing import World

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles and privileges exist on PostgreSQL only"
)
INSUFFICIENT_PRIVILEGE = "42501"


def quoted(*names: str) -> str:
    return rendered(sql.Identifier(*names))


def rendered(statement: str | sql.Composable) -> str:
    if isinstance(statement, str):
        return statement
    connection.ensure_connection()
    return statement.as_string(connection.connection)


def run(statement: str | sql.Composable, params: Sequence[Any] | None = None) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(rendered(statement), params)
        return list(cursor.fetchall()) if cursor.description else []


def assert_refused(statement: str | sql.Composable, params: Sequence[Any] | None = None) -> None:
    """The statement fails with a permission error (not, say, the trigger's own exception)."""
    statement = rendered(statement)
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
    assert getattr(caught.value.__cause__, "sqlstate", None) == INSUFFICIENT_PRIVILEGE, (statement, caught.value)


@contextmanager
def acting_as(role: str) -> Iterator[None]:
    run(f"SET ROLE {quoted(role)}")
    try:
        yield
    finally:
        run("RESET ROLE")


@pytest.fixture
def make_role(db: None) -> Iterator[Callable[..., str]]:
    """Create NOLOGIN roles with unique names; all are dropped at the end, even on failure."""
    created: list[str] = []
    # As docs/operations.md asks (already the default from PostgreSQL 15 on); rolled back after the test.
    run("REVOKE CREATE ON SCHEMA public FROM PUBLIC")

    def make(options: str = "", suffix: str = "") -> str:
        name = f"ronda_test_{uuid.uuid4().hex[:12]}{suffix}"
        run(f"CREATE ROLE {quoted(name)} NOLOGIN {options}")
        created.append(name)
        return name

    yield make
    for name in created:
        try:
            with transaction.atomic():
                run("RESET ROLE")
                run(f"DROP OWNED BY {quoted(name)}")
                run(f"DROP ROLE {quoted(name)}")
        except DatabaseError:
            # Only if the test left its transaction aborted; the rollback that ends the test
            # then undoes the CREATE ROLE and the SET ROLE as well.
            pass


@pytest.fixture
def app_role(make_role: Callable[..., str]) -> str:
    return make_role()


@on_postgresql
def test_app_role_can_append_and_read_the_audit_trail_but_not_tamper_with_it(world: World, app_role: str) -> None:
    earlier = audit.record(actor=SYSTEM, action="create", target=world.community, org_unit=world.community)
    done = grant_app_role(app_role)
    assert any("core_auditevent" in statement and statement.startswith("GRANT SELECT, INSERT ON") for statement in done)
    supervisor = actor_for(world.home["supervisor"], world.home["supervisor"].memberships.get())
    coordinator = actor_for(world.home["coordinator"], world.home["coordinator"].memberships.get())
    owner = run("SELECT current_user")[0][0]

    with acting_as(app_role):
        assert run("SELECT current_user")[0][0] == app_role
        # Appending and reading still work, through the ORM as the application does it.
        event = audit.record(actor=SYSTEM, action="create", target=world.municipality, org_unit=world.municipality)
        access = audit.record_access(actor=supervisor, target=world.community, org_unit=world.community, purpose="x")
        assert AuditEvent.objects.filter(pk__in=[earlier.pk, event.pk]).count() == 2
        assert AccessEvent.objects.filter(pk=access.pk).exists()

        for table in ("core_auditevent", "core_accessevent"):
            name = quoted(table)
            ident = sql.Identifier(table)
            assert_refused(sql.SQL("UPDATE {} SET target_repr = 'tampered' WHERE id = %s").format(ident), [earlier.pk])
            assert_refused(sql.SQL("DELETE FROM {} WHERE id = %s").format(ident), [earlier.pk])
            assert_refused(f"TRUNCATE {name}")
            assert_refused(f"ALTER TABLE {name} DISABLE TRIGGER ALL")
            assert_refused(f"ALTER TABLE {name} DISABLE TRIGGER {quoted(table + '_append_only')}")
            assert_refused(f"DROP TRIGGER {quoted(table + '_append_only')} ON {name}")
            assert_refused(f"ALTER TABLE {name} OWNER TO {quoted(app_role)}")
            assert_refused(f"DROP TABLE {name}")
            assert_refused(
                f"CREATE TRIGGER ronda_test_noop AFTER INSERT ON {name} "
                "FOR EACH ROW EXECUTE FUNCTION ronda_refuse_audit_change()"
            )
        assert_refused("SET session_replication_role = replica")
        assert_refused(
            "CREATE OR REPLACE FUNCTION ronda_refuse_audit_change() RETURNS trigger AS $$ "
            "BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql"
        )
        assert_refused("CREATE TABLE ronda_test_own (id integer)")
        run(f"GRANT UPDATE ON core_auditevent TO {quoted(app_role)}")  # only a warning: no grant option
        assert run("SELECT has_table_privilege(current_user, 'core_auditevent', 'UPDATE')") == [(False,)]

        # Ordinary tables: plain DML, raw and through a service (which also appends its audit row).
        assert run("SELECT name FROM territory_orgunit WHERE id = %s", [world.community.pk]) == [("Comunidad A",)]
        run("UPDATE territory_orgunit SET name = name WHERE id = %s", [world.community.pk])
        territory_services.update_org_unit(
            actor=coordinator, unit=world.community, expected_version=1, name="Renombrada"
        )
        assert OrgUnit.objects.get(pk=world.community.pk).name == "Renombrada"
        assert AuditEvent.objects.filter(action="update", target_id=str(world.community.pk)).exists()
        assert_refused("TRUNCATE territory_orgunit CASCADE")

    assert run("SELECT current_user")[0][0] == owner
    assert AuditEvent.objects.get(pk=earlier.pk).target_repr == str(world.community)


@on_postgresql
def test_tables_created_later_by_the_owner_get_dml_without_running_it_again(world: World, app_role: str) -> None:
    grant_app_role(app_role)
    later = sql.Identifier(f"ronda_test_later_{uuid.uuid4().hex[:8]}")
    table = rendered(later)
    serial = quoted(f"ronda_test_serial_{uuid.uuid4().hex[:8]}")
    run(f"CREATE TABLE {table} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, note text)")
    run(f"CREATE TABLE {serial} (id bigserial PRIMARY KEY)")  # a sequence of its own: default privileges too
    with acting_as(app_role):
        [(row_id,)] = run(sql.SQL("INSERT INTO {} (note) VALUES ('a') RETURNING id").format(later))
        run(sql.SQL("UPDATE {} SET note = 'b' WHERE id = %s").format(later), [row_id])
        assert run(sql.SQL("SELECT note FROM {}").format(later)) == [("b",)]
        run(sql.SQL("DELETE FROM {} WHERE id = %s").format(later), [row_id])
        run(f"INSERT INTO {serial} DEFAULT VALUES")
        assert_refused(f"TRUNCATE {table}")
        assert_refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL")


@on_postgresql
def test_grant_is_idempotent_and_check_passes(world: World, app_role: str) -> None:
    first = grant_app_role(app_role)
    assert grant_app_role(app_role) == first
    assert check_app_role(app_role) == []
    out = StringIO()
    call_command("grant_app_role", app_role, stdout=out)
    assert "GRANT SELECT, INSERT ON TABLE " + quoted("public", "core_auditevent") in out.getvalue()
    assert "Check passed" in out.getvalue()
    out = StringIO()
    call_command("grant_app_role", app_role, "--check", stdout=out)
    assert "Check passed" in out.getvalue() and "GRANT" not in out.getvalue()
    # The audit trail, the access log and a case's history along the route (decision 0025).
    assert set(append_only_tables()) == {"core_auditevent", "core_accessevent", "cases_caseevent"}


@on_postgresql
def test_check_fails_before_the_grants_are_applied(world: World, app_role: str) -> None:
    problems = check_app_role(app_role)
    assert any('lacks SELECT, INSERT, UPDATE, DELETE on "territory_orgunit"' in p for p in problems), problems
    with pytest.raises(CommandError):
        call_command("grant_app_role", app_role, "--check", stdout=StringIO(), stderr=StringIO())


@on_postgresql
@pytest.mark.parametrize("privilege", ["UPDATE", "DELETE", "TRUNCATE", "TRIGGER"])
def test_check_fails_when_the_app_role_may_change_audit_rows(world: World, app_role: str, privilege: str) -> None:
    grant_app_role(app_role)
    run(f"GRANT {privilege} ON core_auditevent TO {quoted(app_role)}")
    err = StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("grant_app_role", app_role, "--check", stdout=StringIO(), stderr=err)
    assert f'has {privilege} on append-only table "core_auditevent"' in err.getvalue()
    # Running the grants again restores the restriction.
    grant_app_role(app_role)
    assert check_app_role(app_role) == []


@on_postgresql
def test_check_fails_when_public_may_change_audit_rows(world: World, app_role: str) -> None:
    grant_app_role(app_role)
    run("GRANT DELETE ON core_accessevent TO PUBLIC")
    assert any('DELETE on append-only table "core_accessevent"' in p for p in check_app_role(app_role))
    grant_app_role(app_role)  # also revokes PUBLIC's privileges on the append-only tables
    assert check_app_role(app_role) == []


@on_postgresql
def test_an_app_role_that_owns_a_table_is_detected_and_refused(world: World, app_role: str) -> None:
    grant_app_role(app_role)
    table = f"ronda_test_owned_{uuid.uuid4().hex[:8]}"
    run(f"CREATE TABLE {quoted(table)} (id integer)")
    run(f"ALTER TABLE {quoted(table)} OWNER TO {quoted(app_role)}")
    problems = check_app_role(app_role)
    assert any(f'"{app_role}" owns 1 table(s) or sequence(s)' in p and table in p for p in problems), problems
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("grant_app_role", app_role, "--check", stdout=StringIO(), stderr=err)
    assert "owns 1 table" in err.getvalue()
    with pytest.raises(RoleSetupError, match="REASSIGN OWNED BY"):
        grant_app_role(app_role)


@on_postgresql
def test_an_app_role_that_can_act_as_the_owner_is_detected(world: World, app_role: str) -> None:
    grant_app_role(app_role)
    owner = run("SELECT current_user")[0][0]
    assert isinstance(owner, str)
    run(f"GRANT {quoted(owner)} TO {quoted(app_role)}")  # e.g. GRANT ronda_owner TO ronda_app
    problems = check_app_role(app_role)
    assert f'as a member of "{owner}", can act as the owner of' in problems[0], problems
    assert "cases_caseevent, core_accessevent, core_auditevent" in problems[0]
    assert not any(" has " in p or " lacks " in p for p in problems)  # no per-table noise
    with pytest.raises(RoleSetupError):
        grant_app_role(app_role)


@on_postgresql
def test_check_fails_when_the_audit_trigger_is_disabled(world: World, app_role: str) -> None:
    grant_app_role(app_role)
    with transaction.atomic():
        run("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        problems = check_app_role(app_role)
        run("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")
    assert problems == ['Append-only table "core_auditevent" has no enabled ronda_refuse_audit_change() trigger.']
    assert check_app_role(app_role) == []


@on_postgresql
def test_unsafe_or_unknown_roles_are_refused(world: World, make_role: Callable[..., str]) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("grant_app_role", f"ronda_missing_{uuid.uuid4().hex[:8]}", stdout=StringIO())
    with pytest.raises(RoleSetupError, match="superuser"):
        grant_app_role(make_role("SUPERUSER"))
    current = run("SELECT current_user")[0][0]
    assert isinstance(current, str)
    with pytest.raises(RoleSetupError, match="owner"):
        grant_app_role(current)
    # A name that needs quoting is quoted, not interpolated.
    odd = make_role(suffix='"; DROP TABLE core_auditevent; --')
    assert any(quoted(odd) in statement for statement in grant_app_role(odd))
    assert check_app_role(odd) == []
    assert run("SELECT to_regclass('core_auditevent') IS NOT NULL") == [(True,)]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for databases without roles")
def test_refused_on_sqlite() -> None:
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("grant_app_role", "ronda_app", stdout=StringIO())
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("grant_app_role", "ronda_app", "--check", stdout=StringIO())

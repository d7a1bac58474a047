"""(Re)apply the PostgreSQL privileges of Ronda's application role, or check them.

In the hardened deployment (docs/operations.md, "Database roles") two roles share the database:
the owner role (``ronda_owner``) owns the schema and every table and runs ``migrate``; the
application role (``ronda_app``) runs gunicorn and the workers and owns nothing. Run by the owner
role, after every ``migrate``::

    manage.py grant_app_role ronda_app           # apply (idempotent), then check
    manage.py grant_app_role ronda_app --check   # only check; exit status 1 on any problem

What the application role gets, in the current schema (normally ``public``):

- ``USAGE`` on the schema, never ``CREATE``;
- ``SELECT, INSERT, UPDATE, DELETE`` on every table and ``USAGE, SELECT`` on every sequence;
- the same on tables and sequences the owner creates later (``ALTER DEFAULT PRIVILEGES``), so a
  new table from a later migration is usable by the application without running this again;
- ``SELECT, INSERT`` only on the append-only tables (every model built on
  ``ronda.core.models.AppendOnlyModel``: ``core_auditevent`` and ``core_accessevent`` today).

Owning a table is what lets a role disable its triggers, truncate it, drop it or change its
privileges, so the application role must neither own a table nor be able to act as its owner
(be a member of the owning role); the command refuses such a role and ``--check`` reports it.
Grants on an existing table survive later migrations (PostgreSQL keeps a table's privileges
through ``ALTER TABLE``), so the audit tables stay restricted; only a release that adds a new
append-only table needs this command again before that table is restricted, and ``--check``
says so. Running it after every ``migrate`` as part of the deploy covers that.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

from ronda.core.models import AppendOnlyModel

TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
APPEND_ONLY_PRIVILEGES = ("SELECT", "INSERT")
SEQUENCE_PRIVILEGES = ("USAGE", "SELECT")
# Every table privilege PostgreSQL knows (MAINTAIN from PostgreSQL 17 on).
ALL_TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
TRIGGER_FUNCTION = "ronda_refuse_audit_change"  # installed by core migration 0002


class RoleSetupError(Exception):
    """The grants cannot be applied or checked (wrong database, unknown or unsafe role …)."""


def append_only_tables() -> list[str]:
    """The tables that must stay append-only: every model built on ``AppendOnlyModel``."""
    return sorted({model._meta.db_table for model in apps.get_models() if issubclass(model, AppendOnlyModel)})


def _require_postgresql(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor != "postgresql":
        raise RoleSetupError(
            f"grant_app_role works on PostgreSQL only; this database is {connection.vendor}. "
            "SQLite has no roles: there is nothing to grant (see docs/operations.md, 'Database roles')."
        )


def _quoted(connection: BaseDatabaseWrapper, statement: sql.Composable) -> str:
    connection.ensure_connection()
    return statement.as_string(connection.connection)


def _privileges(names: Sequence[str]) -> sql.Composable:
    return sql.SQL(", ").join(sql.SQL(name) for name in names)


def _one(connection: BaseDatabaseWrapper, query: str, params: Sequence[Any] = ()) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        row = cursor.fetchone()
    return None if row is None else row[0]


def _rows(connection: BaseDatabaseWrapper, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return list(cursor.fetchall())


def _context(connection: BaseDatabaseWrapper, role: str) -> dict[str, Any]:
    """Facts about the database and the role, refusing a role that does not exist."""
    _require_postgresql(connection)
    found = _rows(connection, "SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
    if not found:
        raise RoleSetupError(
            f'Role "{role}" does not exist. Create it first (as a superuser): '
            f"CREATE ROLE {_quoted(connection, sql.Identifier(role))} LOGIN PASSWORD '…';"
        )
    schema = _one(connection, "SELECT current_schema()")
    if schema is None:
        raise RoleSetupError("No current schema: check the search_path of the connecting role.")
    migrations_owner = _one(
        connection,
        "SELECT pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relname = 'django_migrations'",
        [schema],
    )
    if migrations_owner is None:
        raise RoleSetupError(f'No django_migrations table in schema "{schema}": run "manage.py migrate" first.')
    return {
        "role": role,
        "superuser": bool(found[0][0]),
        "schema": schema,
        "database": _one(connection, "SELECT current_database()"),
        "current_user": _one(connection, "SELECT current_user"),
        "owner": migrations_owner,
        "version": int(_one(connection, "SHOW server_version_num")),
    }


def _ownership_problems(connection: BaseDatabaseWrapper, ctx: dict[str, Any]) -> list[str]:
    """Objects the role owns, or can act as the owner of through role membership."""
    role, schema = ctx["role"], ctx["schema"]
    problems: list[str] = []
    if ctx["superuser"]:
        problems.append(f'"{role}" is a superuser: it bypasses every privilege and can disable the audit trigger.')
    owned = _rows(
        connection,
        "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') "
        "AND pg_has_role(%s, c.relowner, 'MEMBER') ORDER BY c.relname",
        [schema, role],
    )
    if owned:
        owners = sorted({owner for _name, owner in owned})
        guarded = append_only_tables()
        audit_first = sorted((name for name, _owner in owned), key=lambda name: (name not in guarded, name))
        names = ", ".join(audit_first[:10]) + (" …" if len(owned) > 10 else "")
        members_of = ", ".join('"' + owner + '"' for owner in owners)
        how = "owns" if owners == [role] else f"owns or, as a member of {members_of}, can act as the owner of"
        problems.append(f'"{role}" {how} {len(owned)} table(s) or sequence(s) in schema "{schema}": {names}.')
    if _one(
        connection,
        "SELECT pg_has_role(%s, nspowner, 'MEMBER') FROM pg_namespace WHERE nspname = %s",
        [role, schema],
    ):
        problems.append(
            f'"{role}" owns (or can act as the owner of) schema "{schema}", and so can drop any table in it: '
            f'is it the owner of database "{ctx["database"]}"?'
        )
    if _one(
        connection,
        "SELECT pg_has_role(%s, datdba, 'MEMBER') FROM pg_database WHERE datname = %s",
        [role, ctx["database"]],
    ):
        problems.append(f'"{role}" owns (or can act as the owner of) database "{ctx["database"]}".')
    return problems


def check_app_role(role: str, *, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Everything wrong with ``role``'s privileges, as sentences; an empty list means all is well."""
    connection = connections[using]
    ctx = _context(connection, role)
    schema = ctx["schema"]
    problems = _ownership_problems(connection, ctx)
    if ctx["superuser"] or _one(connection, "SELECT pg_has_role(%s, %s, 'MEMBER')", [role, ctx["owner"]]):
        # It can do anything the owner can: listing every privilege of every table would add nothing.
        return problems
    if _one(connection, "SELECT has_schema_privilege(%s, %s, 'CREATE')", [role, schema]):
        problems.append(
            f'"{role}" may CREATE objects in schema "{schema}" '
            "(REVOKE CREATE ON SCHEMA public FROM PUBLIC, then run grant_app_role again)."
        )
    if ctx["version"] >= 150000 and _one(
        connection, "SELECT has_parameter_privilege(%s, 'session_replication_role', 'SET')", [role]
    ):
        problems.append(f'"{role}" may SET session_replication_role, which switches triggers off.')

    table_privileges = ALL_TABLE_PRIVILEGES + (("MAINTAIN",) if ctx["version"] >= 170000 else ())
    held = {
        (name, privilege): bool(has)
        for name, privilege, has in _rows(
            connection,
            "SELECT c.relname, p.privilege, has_table_privilege(%s, c.oid, p.privilege) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, unnest(%s::text[]) AS p(privilege) "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
            [role, list(table_privileges), schema],
        )
    }
    tables = sorted({name for name, _privilege in held})
    append_only = append_only_tables()
    for table in append_only:
        if table not in tables:
            problems.append(f'Append-only table "{table}" is missing from schema "{schema}": run "manage.py migrate".')
    for table in tables:
        allowed = APPEND_ONLY_PRIVILEGES if table in append_only else TABLE_PRIVILEGES
        missing = [p for p in allowed if not held[(table, p)]]
        extra = [p for p in table_privileges if p not in allowed and held[(table, p)]]
        if table in append_only and extra:
            problems.append(f'"{role}" has {", ".join(extra)} on append-only table "{table}" (only SELECT, INSERT).')
        elif extra:
            problems.append(f'"{role}" has {", ".join(extra)} on "{table}" (needs only {", ".join(allowed)}).')
        if missing:
            problems.append(f'"{role}" lacks {", ".join(missing)} on "{table}": the application would fail there.')

    for name, usage, update in _rows(
        connection,
        "SELECT c.relname, has_sequence_privilege(%s, c.oid, 'USAGE'), has_sequence_privilege(%s, c.oid, 'UPDATE') "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'S' "
        "ORDER BY c.relname",
        [role, role, schema],
    ):
        if not usage:
            problems.append(f'"{role}" lacks USAGE on sequence "{name}".')
        if update:
            problems.append(f'"{role}" has UPDATE on sequence "{name}" (needs only USAGE, SELECT).')

    guarded = {
        name
        for (name,) in _rows(
            connection,
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc f ON f.oid = t.tgfoid "
            "WHERE n.nspname = %s AND f.proname = %s AND t.tgenabled IN ('O', 'A')",
            [schema, TRIGGER_FUNCTION],
        )
    }
    for table in append_only:
        if table in tables and table not in guarded:
            problems.append(f'Append-only table "{table}" has no enabled {TRIGGER_FUNCTION}() trigger.')
    return problems


def grant_app_role(role: str, *, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Apply the grants of the application role ``role`` (idempotent); returns the statements run.

    Runs in one transaction, so a running application never sees the privileges half applied.
    """
    connection = connections[using]
    ctx = _context(connection, role)
    if role == ctx["current_user"]:
        raise RoleSetupError(
            f'You are connected as "{role}" itself. Run this command as the owner (migration) role, '
            "with the owner's DATABASE_URL, and name the application role."
        )
    problems = _ownership_problems(connection, ctx)
    if problems:
        app, boss = (_quoted(connection, sql.Identifier(name)) for name in (role, ctx["owner"]))
        raise RoleSetupError(
            " ".join(problems) + " The application role must own nothing: as a superuser, "
            f"REASSIGN OWNED BY {app} TO {boss} (and REVOKE {boss} FROM {app} if it is a member), "
            "then run this command again."
        )

    foreign = _rows(
        connection,
        "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') "
        "AND NOT pg_has_role(current_user, c.relowner, 'MEMBER') ORDER BY c.relname",
        [ctx["schema"]],
    )
    if foreign:
        owners = ", ".join(sorted({f'"{owner}"' for _name, owner in foreign}))
        raise RoleSetupError(
            f'You are connected as "{ctx["current_user"]}", which does not own {len(foreign)} table(s) or '
            f"sequence(s) (owned by {owners}, e.g. {foreign[0][0]}). Run this command with the DATABASE_URL "
            "of the owner role that runs migrate."
        )

    who = sql.Identifier(role)
    schema = sql.Identifier(ctx["schema"])
    owner = sql.Identifier(ctx["owner"])
    statements: list[sql.Composable] = [
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(ctx["database"]), who),
        sql.SQL("REVOKE ALL ON SCHEMA {} FROM {}").format(schema, who),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, who),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(schema, who),
        sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA {} TO {}").format(_privileges(TABLE_PRIVILEGES), schema, who),
        sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {} FROM {}").format(schema, who),
        sql.SQL("GRANT {} ON ALL SEQUENCES IN SCHEMA {} TO {}").format(_privileges(SEQUENCE_PRIVILEGES), schema, who),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT {} ON TABLES TO {}").format(
            owner, schema, _privileges(TABLE_PRIVILEGES), who
        ),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT {} ON SEQUENCES TO {}").format(
            owner, schema, _privileges(SEQUENCE_PRIVILEGES), who
        ),
    ]
    present = {
        name
        for (name,) in _rows(
            connection,
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
            [ctx["schema"]],
        )
    }
    for table in append_only_tables():
        if table not in present:
            continue
        target = sql.Identifier(ctx["schema"], table)
        statements += [
            sql.SQL("REVOKE ALL ON TABLE {} FROM PUBLIC").format(target),
            sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(target, who),
            sql.SQL("GRANT {} ON TABLE {} TO {}").format(_privileges(APPEND_ONLY_PRIVILEGES), target, who),
        ]
    done: list[str] = []
    text = ""
    try:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            for statement in statements:
                text = _quoted(connection, statement)
                cursor.execute(text)  # utility statements take no parameters: identifiers are quoted above
                done.append(text)
    except DatabaseError as exc:
        raise RoleSetupError(f"{str(exc).strip()} (while running: {text}); nothing was changed.") from exc
    return done


class Command(BaseCommand):
    help = (
        "PostgreSQL only, run as the owner (migration) role after every migrate: give the application role "
        "SELECT/INSERT/UPDATE/DELETE on every table, USAGE/SELECT on sequences, default privileges for future "
        "tables, and only SELECT/INSERT on the append-only audit tables. --check only verifies (exit status 1 "
        "on any problem)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the application role, e.g. ronda_app")
        parser.add_argument("--check", action="store_true", help="verify the privileges without changing anything")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias (default: default)")

    def handle(self, *args: Any, **options: Any) -> None:
        role: str = options["role"]
        using: str = options["database"]
        try:
            if not options["check"]:
                for statement in grant_app_role(role, using=using):
                    self.stdout.write(f"  {statement};")
                self.stdout.write(self.style.SUCCESS(f'Privileges of "{role}" applied.'))
            problems = check_app_role(role, using=using)
        except RoleSetupError as exc:
            raise CommandError(str(exc)) from exc
        if problems:
            for problem in problems:
                self.stderr.write(f"  PROBLEM: {problem}")
            raise CommandError(f'{len(problems)} problem(s) with the privileges of "{role}".')
        tables = ", ".join(append_only_tables())
        self.stdout.write(
            self.style.SUCCESS(
                f'Check passed: "{role}" owns nothing, has SELECT/INSERT/UPDATE/DELETE on every table and '
                f"only SELECT/INSERT on {tables}."
            )
        )

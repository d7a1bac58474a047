"""A case's history (``CaseEvent``) is append-only: on PostgreSQL the database itself refuses UPDATE
and DELETE of its rows, with the audit trail's trigger function (core migration 0002).
``manage.py grant_app_role --check`` verifies that every append-only table has it."""

from django.db import migrations

TABLE = "cases_caseevent"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION ronda_refuse_audit_change();"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_cases_route"), ("core", "0002_audit_append_only")]

    operations = [migrations.RunPython(forwards, backwards)]

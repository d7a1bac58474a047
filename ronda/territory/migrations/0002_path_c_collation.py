"""On PostgreSQL, store the materialised path in the "C" collation with a plain btree index.

Paths are ASCII digits and dots, so byte order is the right order. With "C", one btree index
serves both the subtree filter (``path LIKE 'prefix%'``) and ``ORDER BY path``, so a page of a
large subtree is an index range scan instead of a sort of the whole subtree (benchmark, issue #2).
SQLite already compares text bytewise (BINARY), so it needs nothing.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('ALTER TABLE territory_orgunit ALTER COLUMN path TYPE varchar(255) COLLATE "C"')
    schema_editor.execute("DROP INDEX IF EXISTS orgunit_path_idx")
    schema_editor.execute("CREATE INDEX orgunit_path_idx ON territory_orgunit (path)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS orgunit_path_idx")
    schema_editor.execute('ALTER TABLE territory_orgunit ALTER COLUMN path TYPE varchar(255) COLLATE "default"')
    schema_editor.execute("CREATE INDEX orgunit_path_idx ON territory_orgunit (path varchar_pattern_ops)")


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]

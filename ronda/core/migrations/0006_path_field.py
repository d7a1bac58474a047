"""The audit tables' ``org_unit_path`` becomes a ``PathField`` with an (org_unit_path, created_at) index.

Before, each column had ``db_index=True``, which on PostgreSQL means two indexes under the
database's collation: a plain btree, useless for a prefix, and a ``varchar_pattern_ops`` one
(``*_like``) that serves ``LIKE 'P%'`` only when the value is known at planning time, never for a
prepared statement's generic plan. Now, on PostgreSQL::

    DROP INDEX "core_auditevent_org_unit_path_<hash>";       -- the db_index btree
    DROP INDEX "core_auditevent_org_unit_path_<hash>_like";  -- its varchar_pattern_ops twin
    ALTER TABLE "core_auditevent" ALTER COLUMN "org_unit_path" TYPE varchar(255) COLLATE "C";
    CREATE INDEX "audit_path_created_idx" ON "core_auditevent" ("org_unit_path", "created_at");

and the same for ``core_accessevent``. Changing only the collation of a ``varchar`` rewrites no row,
so the append-only triggers (0002) are not involved; the new index is built once. SQLite copies
each table and builds the index. Reversible: back to ``db_index=True`` under the default collation.
"""

import ronda.core.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0005_submitted_form")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="org_unit_path",
            field=ronda.core.fields.PathField(blank=True, max_length=255, verbose_name="org unit path"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["org_unit_path", "created_at"], name="audit_path_created_idx"),
        ),
        migrations.AlterField(
            model_name="accessevent",
            name="org_unit_path",
            field=ronda.core.fields.PathField(blank=True, max_length=255, verbose_name="org unit path"),
        ),
        migrations.AddIndex(
            model_name="accessevent",
            index=models.Index(fields=["org_unit_path", "created_at"], name="access_path_created_idx"),
        ),
    ]

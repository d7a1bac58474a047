"""``OrgUnit.path`` becomes a ``PathField``, and its index the plain btree the model declares.

Migration 0002 gave PostgreSQL the "C" collation and a plain ``orgunit_path_idx`` in raw SQL,
behind the back of the migration state, which still said ``varchar_pattern_ops``. These three
operations state what the database has, in Django's own terms, so that ``makemigrations --check``
and ``sqlmigrate`` agree with the schema. On a database migrated through 0002 (fresh or existing)
PostgreSQL runs::

    DROP INDEX "orgunit_path_idx";
    ALTER TABLE "territory_orgunit" ALTER COLUMN "path" TYPE varchar(255) COLLATE "C";  -- already "C"
    CREATE INDEX "orgunit_path_idx" ON "territory_orgunit" ("path");

The index is rebuilt once (about 50,000 rows nationally); no row changes. SQLite copies the table
(its way of altering a column) and recreates the same index; its text is in byte order already.
Reversed, the column goes back to the default collation with the ``varchar_pattern_ops`` index,
which is the state 0001 and 0002 declare.
"""

import ronda.core.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("territory", "0002_path_c_collation")]

    operations = [
        migrations.RemoveIndex(model_name="orgunit", name="orgunit_path_idx"),
        migrations.AlterField(
            model_name="orgunit",
            name="path",
            field=ronda.core.fields.PathField(blank=True, max_length=255, verbose_name="path"),
        ),
        migrations.AddIndex(
            model_name="orgunit",
            index=models.Index(fields=["path"], name="orgunit_path_idx"),
        ),
    ]

"""Reports now always carry their plan (filled by 0002; a separate migration because PostgreSQL
refuses ALTER TABLE while the deferred foreign-key checks of 0002's UPDATE are pending)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("planning", "0002_progressupdate_plan")]

    operations = [
        migrations.AlterField(
            model_name="progressupdate",
            name="plan",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="planning.localplan",
                verbose_name="plan",
            ),
        ),
        migrations.AddIndex(
            model_name="progressupdate",
            index=models.Index(fields=["plan", "-reported_on", "-id"], name="update_plan_recent_idx"),
        ),
    ]

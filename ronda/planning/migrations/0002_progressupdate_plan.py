"""Copy each progress report's plan onto the report, for the plan page's "latest reports"."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_plan(apps, schema_editor):
    ProgressUpdate = apps.get_model("planning", "ProgressUpdate")
    Measure = apps.get_model("planning", "Measure")
    plan_of_measure = Measure.objects.filter(pk=OuterRef("measure_id")).values("plan_id")[:1]
    ProgressUpdate.objects.update(plan_id=Subquery(plan_of_measure))


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="progressupdate",
            name="plan",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="planning.localplan",
                verbose_name="plan",
            ),
        ),
        migrations.RunPython(copy_plan, migrations.RunPython.noop, elidable=True),
    ]

"""Every org unit gets a DHIS2-style uid (issue #10): added empty, filled row by row, then unique."""

from django.db import migrations, models

import ronda.core.uids


def fill_uids(apps, schema_editor):
    OrgUnit = apps.get_model("territory", "OrgUnit")
    seen = set()
    batch = []
    for unit in OrgUnit.objects.filter(uid="").only("pk").iterator(chunk_size=2000):
        uid = ronda.core.uids.generate_uid()
        while uid in seen:
            uid = ronda.core.uids.generate_uid()
        seen.add(uid)
        unit.uid = uid
        batch.append(unit)
        if len(batch) >= 2000:
            OrgUnit.objects.bulk_update(batch, ["uid"])
            batch = []
    if batch:
        OrgUnit.objects.bulk_update(batch, ["uid"])


class Migration(migrations.Migration):
    dependencies = [("territory", "0004_currency_and_time_zone")]

    operations = [
        migrations.AddField(
            model_name="orgunit",
            name="uid",
            field=models.CharField(default="", editable=False, max_length=11, verbose_name="uid"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_uids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="orgunit",
            name="uid",
            field=models.CharField(
                default=ronda.core.uids.generate_uid, editable=False, max_length=11, unique=True, verbose_name="uid"
            ),
        ),
    ]

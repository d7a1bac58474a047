import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A measure's indicator follows a catalogue indicator of the Tablero; a finding may cite one.

    The schema only: the values move in 0009, the columns they leave go in 0010 (three migrations,
    three transactions: PostgreSQL refuses to alter a table with pending deferred-constraint checks)."""

    dependencies = [
        ("planning", "0007_line_child_title"),
        ("tablero", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="cited_indicator",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="tablero.indicator",
                verbose_name="cited indicator",
            ),
        ),
        migrations.AddField(
            model_name="finding",
            name="cited_period",
            field=models.CharField(blank=True, max_length=10, verbose_name="period cited"),
        ),
        migrations.AddField(
            model_name="finding",
            name="cited_value",
            field=models.DecimalField(
                blank=True, decimal_places=4, max_digits=24, null=True, verbose_name="value cited"
            ),
        ),
        migrations.AddField(
            model_name="measureindicator",
            name="catalogue_indicator",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="tablero.indicator",
                verbose_name="catalogue indicator",
            ),
        ),
    ]

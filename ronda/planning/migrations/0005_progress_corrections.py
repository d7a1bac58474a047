"""A progress drop carries its reason; a wrong report can be corrected by a correction record."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0004_structure_editing"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="progressupdate",
            name="drop_reason",
            field=models.TextField(blank=True, default="", verbose_name="reason for the drop"),
        ),
        migrations.CreateModel(
            name="ProgressCorrection",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "percent",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("100")),
                        ],
                        verbose_name="corrected progress (%)",
                    ),
                ),
                ("reason", models.TextField(verbose_name="reason for the correction")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="corrected")),
                (
                    "author",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="corrected by",
                    ),
                ),
                (
                    "update",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="correction",
                        to="planning.progressupdate",
                        verbose_name="progress update",
                    ),
                ),
            ],
            options={
                "verbose_name": "progress correction",
                "verbose_name_plural": "progress corrections",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("percent__gte", 0), ("percent__lte", 100)), name="correction_percent_range"
                    )
                ],
            },
        ),
    ]

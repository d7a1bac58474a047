from django.db import migrations


class Migration(migrations.Migration):
    """The latest value and its date now live in the Tablero (0009 moved them there)."""

    dependencies = [("planning", "0009_indicator_values_to_tablero")]

    operations = [
        migrations.RemoveField(model_name="measureindicator", name="latest_on"),
        migrations.RemoveField(model_name="measureindicator", name="latest_value"),
    ]

"""Measures without a code get one: line, objective and measure numbers ("2.1.3"), as new ones do.

Numbered per objective in the order the measures were created; a number another measure of the
plan already uses is skipped (services.measures.next_code follows the same rule)."""

from django.db import migrations


def number_measures(apps, schema_editor):
    Measure = apps.get_model("planning", "Measure")
    missing = Measure.objects.filter(code="").select_related("objective__line").order_by("plan_id", "id")
    taken: dict[int, set[str]] = {}
    counts: dict[int, int] = {}
    for measure in missing.iterator():
        if measure.plan_id not in taken:
            taken[measure.plan_id] = set(
                Measure.objects.filter(plan_id=measure.plan_id).exclude(code="").values_list("code", flat=True)
            )
        objective = measure.objective
        if objective.pk not in counts:
            counts[objective.pk] = Measure.objects.filter(objective_id=objective.pk).exclude(code="").count()
        prefix = f"{objective.line.order}.{objective.order}."
        number = counts[objective.pk] + 1
        while f"{prefix}{number}" in taken[measure.plan_id]:
            number += 1
        code = f"{prefix}{number}"
        counts[objective.pk] = number
        taken[measure.plan_id].add(code)
        # A data fix, not an edit: the version stays, so no open form is refused because of it.
        Measure.objects.filter(pk=measure.pk).update(code=code)


class Migration(migrations.Migration):
    dependencies = [("planning", "0005_progress_corrections")]

    operations = [migrations.RunPython(number_measures, migrations.RunPython.noop)]

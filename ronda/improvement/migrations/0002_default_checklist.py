"""The default maturity checklist of a local government's management of early childhood (seed 002:
"el grado de avance del gobierno local hacia una estrategia integral de gestión de la primera
infancia"). Data, in the users' language, like the Tablero's national catalogue: every municipality
scores these criteria and may add its own. Frozen here: a later change is a new migration that
revises criteria (a new row replacing the old), never an edit of these rows."""

from __future__ import annotations

from django.db import migrations

# (code, name, order, goal area, [(code, criterion, level 0, level 1, level 2, level 3)])
CHECKLIST = [
    (
        "team",
        "Equipo",
        1,
        "services",
        [
            (
                "E1",
                "Equipo de primera infancia conformado, con roles definidos",
                "No hay un equipo responsable de la primera infancia.",
                "Hay personas a cargo, sin roles ni dedicación definidos.",
                "Hay un equipo con roles definidos, pero sin dedicación suficiente o sin todas las áreas.",
                "El equipo está formalizado, con roles, perfiles y dedicación acordados por todas las áreas.",
            ),
            (
                "E2",
                "Formación del equipo en primera infancia",
                "El equipo no recibió formación específica.",
                "Algunas personas recibieron formación aislada.",
                "Hay un plan de formación que alcanza a la mayoría del equipo.",
                "La formación es continua, con especialistas, y se aplica a la gestión.",
            ),
        ],
    ),
    (
        "data",
        "Datos",
        2,
        "services",
        [
            (
                "D1",
                "Relevamiento y sistematización de datos de la primera infancia",
                "No se relevan datos propios de la primera infancia.",
                "Se relevan datos dispersos, sin sistematizar.",
                "Los datos se sistematizan con periodicidad, pero no todas las áreas aportan.",
                "Todas las áreas aportan datos periódicos, desagregados y verificados.",
            ),
            (
                "D2",
                "Uso del Tablero de Gestión Social para decidir",
                "No hay tablero ni indicadores de gestión.",
                "Hay indicadores definidos, sin datos cargados.",
                "El tablero tiene datos, pero se consulta poco en las decisiones.",
                "El tablero se revisa en la mesa y orienta las decisiones y la planificación.",
            ),
        ],
    ),
    (
        "budget",
        "Presupuesto",
        3,
        "services",
        [
            (
                "P1",
                "Presupuesto identificado para la primera infancia",
                "No se sabe cuánto se invierte en la primera infancia.",
                "Se estima la inversión de algunas áreas.",
                "La inversión se identifica en el presupuesto de la mayoría de las áreas.",
                "Hay un presupuesto etiquetado para la primera infancia, aprobado y publicado.",
            ),
            (
                "P2",
                "Seguimiento de la ejecución presupuestaria",
                "No se sigue la ejecución.",
                "Se conoce la ejecución al cierre del año.",
                "La ejecución se sigue durante el año en algunas medidas.",
                "La ejecución de cada medida se sigue y se rinde cuentas de ella.",
            ),
        ],
    ),
    (
        "coordination",
        "Coordinación",
        4,
        "services",
        [
            (
                "C1",
                "Articulación entre las áreas del gobierno local",
                "Cada área trabaja por su cuenta.",
                "Las áreas se reúnen de forma ocasional.",
                "Hay una mesa que se reúne con regularidad y toma acuerdos.",
                "La mesa da seguimiento a sus acuerdos y las áreas planifican en conjunto.",
            ),
            (
                "C2",
                "Mapeo y articulación con actores sociales",
                "No hay un mapeo de actores sociales.",
                "Hay un mapeo, sin trabajo conjunto.",
                "Se trabaja con algunos actores en acciones puntuales.",
                "Los actores sociales participan de forma estable en la estrategia.",
            ),
        ],
    ),
    (
        "participation",
        "Participación",
        5,
        "participation",
        [
            (
                "Q1",
                "Participación de las familias y la comunidad",
                "Las familias no son consultadas.",
                "Se consulta a las familias de forma ocasional.",
                "Hay instancias regulares de consulta a las familias.",
                "Las familias y la comunidad participan en el diseño y la evaluación.",
            ),
            (
                "Q2",
                "Participación de niñas y niños",
                "Las niñas y los niños no son escuchados.",
                "Se los escucha en actividades puntuales.",
                "Hay un consejo o espacio de participación que funciona.",
                "Sus propuestas reciben respuesta y se reflejan en el plan.",
            ),
        ],
    ),
    (
        "planning",
        "Planificación",
        6,
        "services",
        [
            (
                "L1",
                "Objetivos y métricas de gestión de la primera infancia",
                "No hay objetivos definidos.",
                "Hay objetivos generales, sin métricas.",
                "Hay objetivos con métricas, sin línea de base o sin metas.",
                "Los objetivos tienen métricas con línea de base, metas y responsables.",
            ),
            (
                "L2",
                "Plan de acción a corto, mediano y largo plazo",
                "No hay un plan de acción.",
                "Hay acciones sueltas, sin plan.",
                "Hay un plan, sin presupuesto o sin plazos.",
                "El plan tiene plazos, presupuesto y seguimiento, y está aprobado.",
            ),
        ],
    ),
]


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    Dimension = apps.get_model("improvement", "Dimension")
    Criterion = apps.get_model("improvement", "Criterion")
    for code, name, order, goal_area, criteria in CHECKLIST:
        dimension, _ = Dimension.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "goal_area": goal_area}
        )
        for number, (ccode, title, l0, l1, l2, l3) in enumerate(criteria, start=1):
            if not Criterion.objects.filter(municipality=None, code=ccode).exists():
                Criterion.objects.create(
                    dimension=dimension,
                    municipality=None,
                    code=ccode,
                    title=title,
                    level_0=l0,
                    level_1=l1,
                    level_2=l2,
                    level_3=l3,
                    order=number,
                )


class Migration(migrations.Migration):
    dependencies = [("improvement", "0001_initial")]

    # Backwards: nothing to do here; unapplying 0001 drops the tables with their rows (and the delete
    # collector cannot follow the self-reference of a historical Criterion).
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""The three frameworks Ronda ships (issue #14 item 1): written as data, installed once as their
first published edition (``services.install_shipped``, run after ``migrate``), then the
secretariat's to edit as new editions.

Their texts are the frameworks' own, in Spanish, as the secretariats publish them: they are data a
secretariat edits, not interface strings. Each computed requirement names a rule of
``certification.rules`` with its parameters.

- **CAI Costa Rica** (seed 000): the ST-CAI (IFAM, UNICEF, PANI, MIDEPLAN, COSECODENI) certifies the
  cantons on the pillars children's participation, a municipal liaison, a local policy,
  intersectoral coordination and periodic reports on the situation of children.
- **Ciudades Amigas de la Infancia** (UNICEF Spain): the plenary's resolution and a signed
  commitment, a diagnosis, a plan approved with its budget, a children's participation body, internal
  coordination; four years, with an interim report at year two.
- **UNICEF CFCI**: the cycle commitment → situation analysis → action plan → implementation →
  evaluation → recognition, and the three global minimum criteria (demonstrable results, meaningful
  and inclusive participation of children, non-discrimination); up to three years.
"""

from __future__ import annotations

from typing import Any

C = "computed"
D = "document"
V = "verdict"


def req(
    code: str, title: str, kind: str, rule: str = "", params: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"code": code, "title": title, "kind": kind, "rule": rule, "params": params or {}, **extra}


SHIPPED: list[dict[str, Any]] = [
    {
        "code": "cai-cr",
        "name": "Cantones Amigos de la Infancia (CAI) — Costa Rica",
        "description": (
            "Certificación de la Secretaría Técnica CAI (IFAM, UNICEF, PANI, MIDEPLAN, COSECODENI) a los "
            "cantones que adoptan acciones políticas, técnicas, administrativas y financieras para el pleno "
            "ejercicio de los derechos de la niñez y la adolescencia."
        ),
        "country_code": "CR",
        "validity_months": 48,
        "interim_report_months": 24,
        "categories": [("certificado", "Cantón Amigo de la Infancia certificado")],
        "stages": [
            (
                "compromiso",
                "Compromiso municipal",
                [
                    req(
                        "acuerdo",
                        "Acuerdo del Concejo Municipal, compromiso firmado y enlace municipal",
                        C,
                        "cycle.commitment",
                    ),
                    req("acta-concejo", "Acta del acuerdo del Concejo Municipal", D),
                ],
            ),
            (
                "participacion",
                "Participación de la niñez y la adolescencia",
                [
                    req(
                        "consejo",
                        "Consejo de niñez y adolescencia activo",
                        C,
                        "council.active",
                        {"months": 6, "min_sessions": 2},
                    ),
                    req(
                        "consulta",
                        "Niñas, niños y adolescentes consultados en el último año",
                        C,
                        "consultations.children_consulted",
                        {"min_children": 20},
                    ),
                ],
            ),
            (
                "politica",
                "Política y plan cantonal",
                [
                    req(
                        "diagnostico",
                        "Análisis situacional de la niñez y la adolescencia del cantón",
                        C,
                        "planning.diagnosis",
                    ),
                    req(
                        "plan",
                        "Plan de acción interinstitucional aprobado y con presupuesto",
                        C,
                        "planning.plan_with_budget",
                    ),
                    req(
                        "politica", "Política cantonal de niñez y adolescencia vigente", C, "planning.policy_instrument"
                    ),
                    req(
                        "presupuesto",
                        "Presupuesto cantonal invertido en la niñez",
                        C,
                        "planning.children_budget",
                        {"min_percent": 1},
                    ),
                ],
            ),
            (
                "coordinacion",
                "Coordinación intersectorial",
                [
                    req(
                        "mesa",
                        "Instancia de coordinación que sesiona con respaldo político",
                        C,
                        "coordination.body_meets",
                        {"min_meetings": 4},
                    ),
                    req(
                        "acuerdos",
                        "Acuerdos de la instancia cumplidos a tiempo",
                        C,
                        "coordination.agreements_on_time",
                        {"min_percent": 60},
                        mandatory=False,
                    ),
                    req(
                        "formacion",
                        "Personal municipal formado en derechos de la niñez",
                        C,
                        "training.areas_trained",
                        {"min_percent": 50},
                        mandatory=False,
                    ),
                ],
            ),
            (
                "informes",
                "Informes periódicos",
                [
                    req("informe", "Informe periódico del plan", C, "accountability.periodic_report"),
                    req(
                        "situacion",
                        "Informe de la situación de la niñez del cantón",
                        C,
                        "accountability.situation_report",
                        {"months": 24},
                    ),
                    req("tablero", "Indicadores del tablero reportados", C, "tablero.indicators_reported"),
                ],
            ),
        ],
    },
    {
        "code": "cai-es",
        "name": "Reconocimiento Ciudad Amiga de la Infancia — UNICEF España",
        "description": (
            "Reconocimiento de UNICEF España a los gobiernos locales que cuentan con diagnóstico, un plan de "
            "infancia aprobado por el pleno con su presupuesto, un órgano de participación infantil y "
            "coordinación interna. Vigencia de cuatro años con un informe de seguimiento obligatorio al segundo año."
        ),
        "country_code": "ES",
        "validity_months": 48,
        "interim_report_months": 24,
        "categories": [
            ("reconocimiento", "Ciudad Amiga de la Infancia"),
            ("excelencia", "Ciudad Amiga de la Infancia — mención de excelencia"),
        ],
        "stages": [
            (
                "compromiso",
                "Acuerdo del pleno y compromiso",
                [
                    req("acuerdo", "Acuerdo del pleno, compromiso firmado y persona de enlace", C, "cycle.commitment"),
                    req("certificado-pleno", "Certificado del acuerdo del pleno", D),
                    req("compromiso-firmado", "Documento de compromiso firmado por la alcaldía", D),
                ],
            ),
            (
                "diagnostico",
                "Diagnóstico",
                [
                    req(
                        "diagnostico",
                        "Diagnóstico de la situación de la infancia, con participación infantil",
                        C,
                        "planning.diagnosis",
                    )
                ],
            ),
            (
                "plan",
                "Plan local de infancia",
                [
                    req("plan", "Plan aprobado por el pleno con su presupuesto", C, "planning.plan_with_budget"),
                    req(
                        "plan-anterior",
                        "Evaluación del plan anterior",
                        C,
                        "planning.previous_plan_evaluated",
                        mandatory=False,
                    ),
                ],
            ),
            (
                "participacion",
                "Participación infantil",
                [
                    req(
                        "organo",
                        "Órgano de participación infantil y adolescente",
                        C,
                        "council.active",
                        {"months": 12, "min_sessions": 2},
                    )
                ],
            ),
            (
                "coordinacion",
                "Coordinación interna y con otros actores",
                [
                    req(
                        "coordinacion",
                        "Órgano de coordinación interna que se reúne",
                        C,
                        "coordination.body_meets",
                        {"min_meetings": 2, "political": False},
                    ),
                    req("otros-actores", "Coordinación con otros actores del territorio", V),
                ],
            ),
            (
                "indicadores",
                "Batería de indicadores",
                [
                    req(
                        "indicadores",
                        "Indicadores reportados, según el tamaño de la entidad",
                        C,
                        "tablero.indicators_reported",
                        {"min_small": 8, "min_medium": 12, "min_large": 17},
                    )
                ],
            ),
        ],
    },
    {
        "code": "cfci",
        "name": "Child Friendly Cities Initiative — UNICEF (criterios mínimos globales)",
        "description": (
            "El ciclo de la Iniciativa Ciudades Amigas de la Infancia de UNICEF: compromiso, análisis de "
            "situación, plan de acción, implementación, evaluación y reconocimiento, con los tres criterios "
            "mínimos globales: resultados demostrables, participación significativa e inclusiva de la niñez y "
            "no discriminación. El reconocimiento dura hasta tres años."
        ),
        "country_code": "",
        "validity_months": 36,
        "interim_report_months": None,
        "categories": [("reconocido", "Ciudad Amiga de la Infancia reconocida por UNICEF")],
        "stages": [
            (
                "compromiso",
                "Compromiso",
                [
                    req(
                        "compromiso",
                        "Compromiso del gobierno local (memorando de entendimiento)",
                        C,
                        "cycle.commitment",
                    ),
                    req("memorando", "Memorando de entendimiento firmado", D),
                ],
            ),
            (
                "analisis",
                "Análisis de situación",
                [
                    req(
                        "analisis",
                        "Análisis de situación de la niñez, con participación infantil",
                        C,
                        "planning.diagnosis",
                    )
                ],
            ),
            (
                "plan",
                "Plan de acción y presupuesto",
                [req("plan", "Plan de acción aprobado y con presupuesto", C, "planning.plan_with_budget")],
            ),
            (
                "implementacion",
                "Implementación y seguimiento",
                [
                    req("informe", "Informe de seguimiento del plan", C, "accountability.periodic_report"),
                    req(
                        "mesa",
                        "Coordinación intersectorial que sesiona",
                        C,
                        "coordination.body_meets",
                        {"min_meetings": 2},
                    ),
                ],
            ),
            (
                "criterios",
                "Criterios mínimos globales",
                [
                    req("resultados", "Resultados demostrables para la niñez", V),
                    req(
                        "participacion",
                        "Participación significativa e inclusiva de niñas, niños y adolescentes",
                        C,
                        "council.active",
                        {"months": 12, "min_sessions": 2, "min_on_time_percent": 50},
                    ),
                    req("no-discriminacion", "No discriminación e inclusión", V),
                ],
            ),
            (
                "evaluacion",
                "Evaluación",
                [
                    req(
                        "evaluacion",
                        "Evaluación del plan de acción",
                        C,
                        "planning.previous_plan_evaluated",
                        mandatory=False,
                    )
                ],
            ),
        ],
    },
]

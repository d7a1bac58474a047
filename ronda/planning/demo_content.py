"""Spanish content of the demo diagnosis and plan (seeds 000, 001, 002, 003). Data only, no logic
(but ``in_country``, which picks a country's version of a text).

``{c}`` is the canton's name. Whatever differs between countries is written whole, once per
country, as a dict keyed by the country code ("EC" for Loja, "CR" for San José, "MX" for
Tlaxcala): the words are not the only difference (San José is an urban canton of eleven
districts with no rural area,
its community child-rights bodies are the Comités Tutelares, health is the CCSS's EBAIS and the
budget is the "presupuesto ordinario"; Loja has rural parishes, community defenders, the MIES
child development centres and the "proforma presupuestaria"; Tlaxcala has presidencias de
comunidad, the DIF's CAIC, the SIPINNA municipal, a Cabildo and a "presupuesto de egresos"), and
substituting words breaks gender agreement ("las distritos").
"""

# ruff: noqa: E501
# fmt: off
from __future__ import annotations

from typing import Any

# A text the same in every country, or written whole for each: {"EC": …, "CR": …, "MX": …}.
Text = str | dict[str, str]


def in_country(text: Text, country: str) -> str:
    """The version of ``text`` for ``country`` (the only function here: the tables are data)."""
    return text[country] if isinstance(text, dict) else text


# (goal area, text)
FINDINGS: list[tuple[str, Text]] = [
    ("equity", "Se identifican niñas, niños y adolescentes en situación de trabajo infantil en mercados y terminales de {c}, sobre todo en temporada de vacaciones."),
    ("equity", {
        "EC": "Las niñas y niños con discapacidad de las parroquias rurales de Loja no acceden de forma regular a terapias ni a apoyo educativo.",
        "CR": "Las niñas y niños con discapacidad de Pavas, Hatillo y San Sebastián no acceden de forma regular a terapias ni a apoyo educativo.",
        "MX": "Las niñas y niños con discapacidad de Ocotlán, San Gabriel Cuauhtla y Acuitlapilco no acceden de forma regular a terapias ni a apoyo educativo.",
    }),
    ("participation", "No existe un espacio estable de participación de niñas, niños y adolescentes en las decisiones del gobierno local."),
    ("participation", "Las y los adolescentes conocen poco sus derechos y los mecanismos para exigirlos; la información municipal no está adaptada a su edad."),
    ("services", {
        "EC": "La cobertura de control de niño sano en menores de 2 años es baja en las parroquias rurales y la anemia afecta a uno de cada cuatro niños.",
        "CR": "La asistencia al control de crecimiento y desarrollo de menores de 2 años en los EBAIS es baja en Pavas, Hatillo y los asentamientos informales de La Uruca, y la anemia afecta a uno de cada cinco niños.",
        "MX": "La asistencia a la consulta del niño sano de menores de 2 años es baja en las presidencias de comunidad y la anemia afecta a uno de cada cuatro niños.",
    }),
    ("services", "No hay un sistema local de información sobre la infancia: cada institución registra datos distintos y no se comparten."),
    ("environment", "Las familias perciben inseguridad en los entornos escolares; se reportan casos de acoso y violencia entre pares sin una ruta de atención clara."),
    ("environment", "Varios parques y áreas verdes están deteriorados y no son accesibles para niñas y niños pequeños ni para personas con discapacidad."),
    ("family", "Las familias demandan apoyo en crianza positiva; el castigo físico sigue siendo una práctica aceptada por parte de madres, padres y cuidadores."),
    ("family", {
        "EC": "La oferta de actividades deportivas, culturales y de juego gratuitas se concentra en el centro urbano de Loja y casi no llega a las parroquias rurales.",
        "CR": "La oferta de actividades deportivas, culturales y de juego gratuitas se concentra en los distritos centrales (Carmen, Merced, Catedral) y es escasa en Pavas, Hatillo y La Uruca.",
        "MX": "La oferta de actividades deportivas, culturales y de juego gratuitas se concentra en el centro histórico de Tlaxcala y casi no llega a las presidencias de comunidad.",
    }),
]

# (title, held days after the analysis starts, adults, 0–5, 6–11, 12–17, notes)
WORKSHOPS: list[tuple[Any, ...]] = [
    (
        {
            "EC": "Taller participativo con niñas, niños y adolescentes de las parroquias urbanas de Loja",
            "CR": "Taller participativo con niñas, niños y adolescentes de los distritos centrales de San José",
            "MX": "Taller participativo con niñas, niños y adolescentes de las colonias del centro de Tlaxcala",
        },
        75,
        12,
        0,
        34,
        28,
        {
            "EC": "Metodología de mapas parlantes y árbol de problemas; acompañaron las defensorías comunitarias.",
            "CR": "Metodología de mapas parlantes y árbol de problemas; acompañaron los Comités Tutelares de los Derechos de la Niñez y la Adolescencia.",
            "MX": "Metodología de mapas parlantes y árbol de problemas; acompañó el personal del DIF municipal.",
        },
    ),
    (
        {
            "EC": "Taller con familias, docentes y personal de salud de las parroquias rurales",
            "CR": "Taller con familias, docentes y personal de los EBAIS de Pavas, Hatillo y San Sebastián",
            "MX": "Taller con familias, docentes y personal de salud de las presidencias de comunidad",
        },
        120,
        41,
        9,
        16,
        11,
        "Se priorizaron los problemas de salud, nutrición y violencia en el entorno escolar.",
    ),
]

# (title, goal area, criticality, horizon, description)
OPPORTUNITIES: list[tuple[Any, ...]] = [
    (
        {
            "EC": "Bajas coberturas de control de niño sano en las parroquias rurales",
            "CR": "Baja asistencia al control de crecimiento y desarrollo en Pavas, Hatillo y La Uruca",
            "MX": "Baja asistencia a la consulta del niño sano en las presidencias de comunidad",
        },
        "services", "high", "short",
        {
            "EC": "Ampliar la atención de primera infancia con brigadas móviles y agenda coordinada con los centros de salud del MSP.",
            "CR": "Ampliar la atención de primera infancia con visitas domiciliarias y agenda coordinada con los EBAIS de la CCSS.",
            "MX": "Ampliar la atención de primera infancia con unidades móviles y agenda coordinada con los centros de salud de la Secretaría de Salud.",
        },
    ),
    (
        "Ausencia de espacios de participación de niñas, niños y adolescentes", "participation", "high", "short",
        {
            "EC": "Crear y reglamentar un consejo consultivo que incida en el presupuesto y en el plan.",
            "CR": "Crear y reglamentar un consejo participativo que incida en el presupuesto y en el plan.",
            "MX": "Crear y reglamentar un mecanismo de participación de niñas, niños y adolescentes en el SIPINNA municipal que incida en el presupuesto y en el plan.",
        },
    ),
    ("Violencia escolar y comunitaria sin una ruta de atención articulada", "environment", "high", "medium", "Acordar un protocolo interinstitucional de detección, derivación y seguimiento de casos."),
    ("Trabajo infantil en mercados y espacios públicos", "equity", "high", "medium", "Intervención con las familias comerciantes y control en mercados municipales."),
    ("Escasos espacios públicos de juego seguros y accesibles", "family", "medium", "medium", "Recuperar parques con diseño participativo y criterios de accesibilidad universal."),
    ("Falta de un sistema local de información sobre la infancia", "services", "medium", "short", "Implementar el Tablero de Gestión Social con indicadores compartidos por las instituciones."),
    ("Acceso limitado de niñas y niños con discapacidad a servicios de apoyo", "equity", "medium", "long", "Atención temprana, accesibilidad de escuelas y transporte adaptado."),
    (
        "Débil oferta de programas de crianza positiva para las familias", "family", "low", "long",
        {
            "EC": "Escuelas de familias con enfoque de buen trato en los barrios y las parroquias rurales.",
            "CR": "Escuelas de familias con enfoque de buen trato en los once distritos del cantón.",
            "MX": "Escuelas para madres y padres con enfoque de buen trato en las colonias y las presidencias de comunidad.",
        },
    ),
]

# Each line in children's words, for the children's public page (StrategicLine.child_title).
CHILD_TITLES = {
    "equity": "Que ninguna niña ni ningún niño se quede fuera",
    "participation": "Que tu voz cuente en tu municipio",
    "services": "Salud, buena comida y escuela para ti",
    "environment": "Lugares seguros, sin violencia, para vivir y jugar",
    "family": "Tiempo para jugar y estar con tu familia",
}

# (title, goal area, [objectives])
LINES: list[tuple[Any, ...]] = [
    (
        "Equidad e inclusión de la niñez en situación de vulnerabilidad",
        "equity",
        [
            "Reducir el trabajo infantil y la exclusión escolar",
            "Garantizar el acceso de niñas y niños con discapacidad a servicios de apoyo",
        ],
    ),
    (
        "Participación infantil y adolescente",
        "participation",
        [
            "Institucionalizar la participación de niñas, niños y adolescentes en la gestión local",
            "Difundir los derechos de la niñez y la adolescencia en {c}",
        ],
    ),
    (
        "Servicios esenciales: salud, nutrición y educación",
        "services",
        [
            "Mejorar la salud y la nutrición en la primera infancia",
            "Fortalecer la educación inicial y la información sobre la infancia",
        ],
    ),
    (
        "Entornos seguros y protección frente a la violencia",
        "environment",
        [
            "Prevenir y atender la violencia contra niñas, niños y adolescentes",
            "Recuperar los espacios públicos para la niñez",
        ],
    ),
    (
        "Vida familiar, juego y tiempo libre",
        "family",
        [
            "Fortalecer las capacidades de las familias para la crianza",
            "Ampliar la oferta gratuita de juego, deporte y cultura",
        ],
    ),
]

# code, (line, objective), title, area, co-areas, institution acronyms, horizon,
# start (year offset, month), end (year offset, month), yearly planned amount (USD), progress now,
# status override, opportunity index, indicator (name, unit, baseline, target),
# activities (one is cited in each monthly report). Institutions are named by acronym or, without
# one, by name; each plan takes those of its canton (``services.institutions_for``).
MEASURES: list[tuple[Any, ...]] = [
    ("M-01", (0, 0), "Programa de erradicación del trabajo infantil en mercados municipales", "Desarrollo Social", ["Niñez y Adolescencia", "Seguridad Ciudadana"], ["JCPD", "DINAPEN", "MIES", "PANI", "PPNNA", "DIF"], "medium", (0, 3), (2, 12), 24000, 55, None, 3,
     ("Niñas y niños en trabajo infantil identificados en mercados", "niñas y niños", 86, 20),
     [{"EC": "Recorridos de identificación en el Mercado Mayorista y los mercados de Loja con el equipo técnico", "CR": "Recorridos de identificación en el Mercado Central y el Mercado Borbón con el equipo técnico", "MX": "Recorridos de identificación en el mercado municipal y los tianguis con el equipo técnico"}, {"EC": "Visitas domiciliarias a familias comerciantes y derivación a la Junta Cantonal de Protección de Derechos", "CR": "Visitas domiciliarias a familias comerciantes y derivación a la oficina local del PANI", "MX": "Visitas domiciliarias a familias comerciantes y derivación a la Procuraduría de Protección"}, "Reuniones con asociaciones de comerciantes para acuerdos de corresponsabilidad"]),
    ("M-02", (0, 0), "Becas de permanencia escolar para adolescentes en riesgo de abandono", "Educación", ["Desarrollo Social"], ["MINEDUC", "MEP", "SEPE"], "long", (0, 2), (3, 11), 30000, 40, None, 3,
     ("Adolescentes becados que permanecen en el sistema educativo", "%", 0, 90),
     ["Entrega de becas del periodo y seguimiento de asistencia con los colegios", "Tutorías académicas para adolescentes becados", {"EC": "Verificación de matrícula con la Dirección Distrital de Educación", "CR": "Verificación de matrícula con los circuitos educativos del MEP", "MX": "Verificación de inscripción con las escuelas secundarias y la SEPE"}]),
    ("M-03", (0, 1), "Unidad municipal de atención temprana para niñas y niños con discapacidad", "Salud", ["Desarrollo Social"], ["MSP", "CCSS", "MIES", "Patronato de Amparo Social Municipal de Loja", "SESA", "DIF"], "long", (1, 1), (3, 12), 40000, 20, None, 6,
     ("Niñas y niños con discapacidad atendidos en estimulación temprana", "niñas y niños", 35, 220),
     ["Adecuación del espacio y compra de material de estimulación", "Valoraciones iniciales con el equipo de terapia", "Sesiones de terapia física y de lenguaje con las familias"]),
    ("M-04", (0, 1), "Accesibilidad universal en diez escuelas y espacios públicos", "Obras Públicas", ["Educación", "Planificación"], [], "long", (1, 6), (3, 12), 60000, 10, "delayed", 6,
     ("Escuelas con accesibilidad universal", "escuelas", 2, 12),
     ["Levantamiento de barreras arquitectónicas en las escuelas priorizadas", "Diseño de rampas y baterías sanitarias accesibles", "Proceso de contratación de las obras (retrasado por reformulación presupuestaria)"]),
    ("M-05", (1, 0), {"EC": "Conformación y funcionamiento del Consejo Consultivo Cantonal de Niñas, Niños y Adolescentes", "CR": "Conformación y funcionamiento del Consejo Participativo de Niñez y Adolescencia", "MX": "Conformación y funcionamiento de la Red Municipal de Participación de Niñas, Niños y Adolescentes"}, "Niñez y Adolescencia", ["Comunicación"], ["CCPD", "PANI", "SIPINNA"], "short", (0, 2), (1, 6), 8000, 100, None, 1,
     ({"EC": "Sesiones anuales del consejo consultivo con acta", "CR": "Sesiones anuales del consejo participativo con acta", "MX": "Sesiones anuales de la red de participación con acta"}, "sesiones", 0, 6),
     [{"EC": "Elección de representantes en las unidades educativas", "CR": "Elección de representantes en los centros educativos de los once distritos", "MX": "Elección de representantes en las escuelas primarias y secundarias"}, {"EC": "Sesión ordinaria del consejo consultivo con la mesa técnica", "CR": "Sesión ordinaria del consejo participativo con la comisión técnica", "MX": "Sesión ordinaria de la red de participación con la comisión del SIPINNA municipal"}, {"EC": "Presentación de propuestas del consejo al Concejo Municipal", "CR": "Presentación de propuestas del consejo al Concejo Municipal", "MX": "Presentación de propuestas de la red al Cabildo"}]),
    ("M-06", (1, 0), {"EC": "Presupuesto participativo infantil en las parroquias urbanas", "CR": "Presupuesto participativo infantil en los once distritos", "MX": "Presupuesto participativo infantil en las colonias y las presidencias de comunidad"}, "Planificación", ["Hacienda", "Niñez y Adolescencia"], [], "medium", (1, 1), (2, 12), 50000, 35, None, 1,
     ("Proyectos propuestos por niñas y niños financiados", "proyectos", 0, 12),
     [{"EC": "Asambleas infantiles de priorización en los barrios", "CR": "Asambleas infantiles de priorización en cada distrito", "MX": "Asambleas infantiles de priorización en las colonias"}, "Revisión técnica y de costos de las propuestas infantiles", {"EC": "Inclusión de los proyectos priorizados en la proforma presupuestaria", "CR": "Inclusión de los proyectos priorizados en el presupuesto ordinario", "MX": "Inclusión de los proyectos priorizados en el presupuesto de egresos"}]),
    ("M-07", (1, 1), "Campaña anual de comunicación sobre derechos de la niñez y buen trato", "Comunicación", ["Cultura"], [], "short", (0, 4), (3, 12), 10000, 50, None, None,
     ("Personas alcanzadas por la campaña", "personas", 0, 60000),
     ["Producción de cuñas radiales y piezas para redes sociales con adolescentes", {"EC": "Feria de derechos en el parque central", "CR": "Feria de derechos en la plaza de la Cultura", "MX": "Feria de derechos en la plaza de la Constitución"}, "Difusión de materiales en lenguaje amigable en escuelas"]),
    ("M-08", (2, 0), {"EC": "Control de niño sano y vacunación con brigadas móviles en las parroquias rurales", "CR": "Control de crecimiento y desarrollo y vacunación con visitas de los EBAIS en Pavas, Hatillo y La Uruca", "MX": "Consulta del niño sano y vacunación con unidades móviles en las presidencias de comunidad"}, "Salud", ["Desarrollo Social"], ["MSP", "CCSS", "SESA"], "short", (0, 1), (1, 12), 35000, 85, None, 0,
     ({"EC": "Cobertura de control de niño sano en menores de 2 años", "CR": "Cobertura de control de crecimiento y desarrollo en menores de 2 años", "MX": "Cobertura de la consulta del niño sano en menores de 2 años"}, "%", 58, 90),
     [{"EC": "Brigadas móviles de control de niño sano y vacunación en las parroquias rurales", "CR": "Visitas domiciliarias de los asistentes técnicos de atención primaria en los asentamientos informales", "MX": "Unidades móviles de consulta del niño sano y vacunación en las presidencias de comunidad"}, "Búsqueda activa de niñas y niños con esquemas incompletos", {"EC": "Coordinación de agendas con los centros de salud del distrito 11D01", "CR": "Coordinación de agendas con los EBAIS del área de salud", "MX": "Coordinación de agendas con los centros de salud de la jurisdicción sanitaria"}]),
    ("M-09", (2, 0), "Consejería en lactancia materna y alimentación complementaria", "Salud", ["Niñez y Adolescencia"], ["MSP", "CCSS", "SESA"], "medium", (0, 3), (2, 12), 15000, 60, None, 0,
     ("Madres con lactancia materna exclusiva a los 6 meses", "%", 41, 65),
     [{"EC": "Grupos de apoyo a la lactancia en los centros de desarrollo infantil del MIES", "CR": "Grupos de apoyo a la lactancia en los CEN-CINAI", "MX": "Grupos de apoyo a la lactancia en los Centros de Asistencia Infantil Comunitarios del DIF"}, "Consejería individual en control prenatal y posparto", "Talleres de alimentación complementaria con productos locales"]),
    ("M-10", (2, 0), {"EC": "Tamizaje de anemia y desnutrición crónica en los centros de desarrollo infantil", "CR": "Tamizaje de anemia y desnutrición crónica en los CEN-CINAI y centros de la Red de Cuido", "MX": "Tamizaje de anemia y desnutrición crónica en los CAIC del DIF y las estancias infantiles"}, "Salud", ["Educación"], ["MSP", "MIES", "CCSS", "SESA", "DIF"], "medium", (1, 2), (2, 12), 18000, 45, None, 0,
     ("Prevalencia de anemia en niñas y niños de 6 a 59 meses", "%", 26, 15),
     [{"EC": "Tamizaje de hemoglobina en los centros de desarrollo infantil", "CR": "Tamizaje de hemoglobina en los CEN-CINAI", "MX": "Tamizaje de hemoglobina en los CAIC del DIF"}, "Entrega de micronutrientes y seguimiento nutricional", "Capacitación a educadoras en alimentación saludable"]),
    ("M-11", (2, 1), {"EC": "Formación de educadoras de los centros de desarrollo infantil en estimulación temprana", "CR": "Formación del personal de los CEN-CINAI y CECUDI en estimulación temprana", "MX": "Formación de educadoras de los CAIC del DIF en estimulación temprana"}, "Educación", ["Salud"], ["MIES", "DIF"], "medium", (0, 5), (2, 6), 12000, 70, None, None,
     ("Educadoras certificadas en estimulación temprana", "educadoras", 10, 80),
     ["Módulo de formación presencial para educadoras", "Acompañamiento en aula y retroalimentación", "Evaluación de desarrollo infantil con la escala aplicada"]),
    ("M-12", (2, 1), "Sistema local de información de la niñez (Tablero de Gestión Social)", "Planificación", ["Niñez y Adolescencia", "Comunicación"], ["CCPD", "MIDEPLAN", "SIPINNA"], "short", (0, 6), (1, 12), 20000, 90, None, 5,
     ("Indicadores de niñez actualizados en el tablero", "indicadores", 0, 30),
     [{"EC": "Acuerdos de intercambio de datos con el MSP, el MINEDUC y la Junta Cantonal", "CR": "Acuerdos de intercambio de datos con la CCSS, el MEP y el PANI", "MX": "Acuerdos de intercambio de datos con la Secretaría de Salud, la SEPE y la Procuraduría de Protección"}, "Carga y validación de datos del periodo", {"EC": "Presentación del tablero a la mesa técnica", "CR": "Presentación del tablero a la comisión técnica", "MX": "Presentación del tablero a la comisión del SIPINNA municipal"}]),
    ("M-13", (2, 1), {"EC": "Ampliación de la cobertura de educación inicial en los barrios periurbanos", "CR": "Ampliación de la cobertura de educación preescolar en Pavas, Hatillo y La Uruca", "MX": "Ampliación de la cobertura de educación preescolar en las presidencias de comunidad"}, "Educación", ["Obras Públicas"], ["MINEDUC", "MEP", "SEPE"], "long", (2, 1), (3, 12), 80000, 0, None, None,
     ("Niñas y niños de 3 a 5 años matriculados en educación inicial", "%", 62, 85), []),
    ("M-14", (3, 0), {"EC": "Ruta cantonal de atención de la violencia con protocolo interinstitucional", "CR": "Ruta cantonal de atención de la violencia con protocolo interinstitucional", "MX": "Ruta municipal de atención de la violencia con protocolo interinstitucional"}, "Niñez y Adolescencia", ["Seguridad Ciudadana", "Salud"], ["JCPD", "FGE", "DINAPEN", "PANI", "JPNA", "MP", "PPNNA", "FGJE"], "medium", (0, 3), (1, 12), 14000, 75, None, 2,
     ("Casos derivados con seguimiento a los 30 días", "%", 20, 90),
     [{"EC": "Mesas de trabajo para validar el protocolo con la Junta Cantonal y la Fiscalía", "CR": "Mesas de trabajo para validar el protocolo con el PANI y el Ministerio Público", "MX": "Mesas de trabajo para validar el protocolo con la Procuraduría de Protección y la Fiscalía"}, "Capacitación a docentes y personal de salud en la ruta", {"EC": "Revisión mensual de casos derivados en la mesa técnica", "CR": "Revisión mensual de casos derivados en la comisión técnica", "MX": "Revisión mensual de casos derivados en la comisión del SIPINNA municipal"}]),
    ("M-15", (3, 0), "Protocolo de salvaguarda para el personal municipal que trabaja con niñez", "Niñez y Adolescencia", ["Comunicación"], [], "short", (0, 2), (0, 12), 5000, 100, None, None,
     ("Personal municipal que firmó el código de conducta", "%", 0, 100),
     ["Redacción participativa del código de conducta", "Socialización del protocolo con monitores deportivos y culturales", "Firma del código de conducta por el personal"]),
    ("M-16", (3, 0), "Escuelas seguras: patrullajes y senderos seguros en entornos escolares", "Seguridad Ciudadana", ["Educación", "Obras Públicas"], ["DINAPEN"], "medium", (0, 9), (2, 12), 22000, 30, "delayed", 2,
     ("Escuelas con sendero seguro señalizado", "escuelas", 0, 25),
     [{"EC": "Diagnóstico de riesgos en los entornos escolares con las comunidades educativas", "CR": "Diagnóstico de riesgos en los entornos escolares con las juntas de educación", "MX": "Diagnóstico de riesgos en los entornos escolares con los comités de participación social"}, "Señalización de senderos seguros (pendiente de materiales)", {"EC": "Patrullajes coordinados con la DINAPEN en horarios de entrada y salida", "CR": "Patrullajes de la Policía Municipal en horarios de entrada y salida", "MX": "Patrullajes de Seguridad Pública en horarios de entrada y salida"}]),
    ("M-17", (3, 1), "Recuperación de parques y áreas verdes con enfoque de niñez", "Obras Públicas", ["Deportes y Recreación", "Planificación"], [], "long", (0, 6), (3, 6), 90000, 25, None, 4,
     ("Parques recuperados con juegos accesibles", "parques", 0, 15),
     ["Diseño participativo de parques con niñas y niños del barrio", "Obras de rehabilitación del parque priorizado", "Instalación de juegos inclusivos"]),
    ("M-18", (3, 1), {"EC": "Saneamiento y agua segura en los centros educativos rurales", "CR": "Agua segura y baterías sanitarias en los centros educativos de Pavas y Hatillo", "MX": "Saneamiento y agua segura en las escuelas de las presidencias de comunidad"}, "Obras Públicas", ["Salud"], [], "long", (2, 3), (3, 12), 70000, 0, None, None,
     ({"EC": "Escuelas rurales con agua segura", "CR": "Escuelas priorizadas con agua segura y baterías sanitarias", "MX": "Escuelas de las presidencias de comunidad con agua segura"}, "%", 55, 95), []),
    ("M-19", (4, 0), "Escuela de familias: talleres de crianza positiva y buen trato", "Desarrollo Social", ["Niñez y Adolescencia", "Salud"], ["JCPD", "MIES", "JPNA", "DIF"], "medium", (0, 4), (3, 11), 16000, 45, None, 7,
     ("Familias que completan el ciclo de talleres", "familias", 0, 900),
     [{"EC": "Ciclo de talleres de crianza positiva con las defensorías comunitarias", "CR": "Ciclo de talleres de crianza positiva con los Comités Tutelares", "MX": "Ciclo de talleres de crianza positiva con el DIF municipal"}, "Encuentro de familias sobre disciplina sin violencia", "Visitas de seguimiento a familias participantes"]),
    ("M-20", (4, 0), "Salud mental de adolescentes: consejería y prevención del suicidio", "Salud", ["Educación"], ["MSP", "CCSS", "SESA"], "medium", (1, 3), (2, 12), 20000, 30, None, None,
     ("Adolescentes atendidos en consejería", "adolescentes", 0, 600),
     ["Apertura del servicio de consejería adolescente", "Talleres de habilidades para la vida en colegios", "Formación de docentes en detección de señales de riesgo"]),
    ("M-21", (4, 1), {"EC": "Escuelas deportivas gratuitas en las parroquias rurales", "CR": "Escuelas deportivas gratuitas en los distritos del sur y del oeste", "MX": "Escuelas deportivas gratuitas en las presidencias de comunidad"}, "Deportes y Recreación", ["Educación"], [], "medium", (0, 3), (3, 12), 26000, 50, None, 4,
     ("Niñas, niños y adolescentes inscritos en escuelas deportivas", "inscritos", 300, 1200),
     [{"EC": "Inscripciones y apertura de disciplinas en las parroquias", "CR": "Inscripciones y apertura de disciplinas con el Comité Cantonal de Deportes y Recreación", "MX": "Inscripciones y apertura de disciplinas en las presidencias de comunidad"}, {"EC": "Torneo interparroquial de fútbol y básquet", "CR": "Torneo interdistrital de fútbol y baloncesto", "MX": "Torneo intercomunitario de fútbol y básquetbol"}, {"EC": "Recuperación de juegos tradicionales con las defensorías comunitarias", "CR": "Recuperación de juegos tradicionales con los Comités Tutelares", "MX": "Recuperación de juegos tradicionales con las familias de las comunidades"}]),
    ("M-22", (4, 1), "Vacaciones recreativas y culturales para niñas, niños y adolescentes", "Cultura", ["Deportes y Recreación"], [], "short", (0, 7), (3, 8), 12000, 60, None, None,
     ("Participantes en vacaciones recreativas", "participantes", 450, 1500),
     [{"EC": "Talleres de música, teatro y pintura en las casas barriales", "CR": "Talleres de música, teatro y pintura en los salones comunales", "MX": "Talleres de música, teatro y pintura en los centros comunitarios"}, "Muestra final de las vacaciones recreativas", {"EC": "Planificación del siguiente ciclo con el consejo consultivo", "CR": "Planificación del siguiente ciclo con el consejo participativo", "MX": "Planificación del siguiente ciclo con la red de participación"}]),
    ("M-23", (4, 1), {"EC": "Ludotecas comunitarias en casas barriales", "CR": "Ludotecas comunitarias en salones comunales", "MX": "Ludotecas comunitarias en los centros comunitarios"}, "Cultura", ["Desarrollo Social"], [], "long", (2, 1), (3, 12), 25000, 0, None, None,
     ("Ludotecas abiertas", "ludotecas", 0, 6), []),
]

# The two changes recorded after approval: (measure code, kind, what, why, approved by, days before today).
CHANGES: list[tuple[Any, ...]] = [
    (
        "M-16",
        "budget",
        "",
        "Los materiales de señalización costaron más de lo previsto y la comunidad pidió ampliar a cinco escuelas más.",
        {"EC": "Concejo Municipal de Loja, sesión ordinaria n.º 34", "CR": "Concejo Municipal de San José, sesión ordinaria n.º 34", "MX": "Cabildo de Tlaxcala, sesión ordinaria n.º 34"},
        45,
    ),
    (
        "M-23",
        "cancel",
        "Se cancela la medida de ludotecas comunitarias.",
        {"EC": "El programa de ludotecas del Patronato de Amparo Social Municipal cubre las mismas casas barriales; se evita la duplicidad de recursos.", "CR": "La Red Nacional de Cuido abre ludotecas en los mismos salones comunales; se evita la duplicidad de recursos.", "MX": "El DIF estatal abre ludotecas en los mismos centros comunitarios; se evita la duplicidad de recursos."},
        {"EC": "Mesa Técnica Cantonal de Niñez y Adolescencia, acta n.º 07", "CR": "Comisión Técnica Cantonal de Niñez y Adolescencia, acta n.º 07", "MX": "Comisión del SIPINNA municipal de Tlaxcala, acta n.º 07"},
        100,
    ),
]

MONTHS = [
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
]
# fmt: on

"""Spanish content of the demo diagnosis and plan (seeds 000, 001, 002). Data only, no logic.

``{c}`` is the canton's name and ``{p}`` the word for its subdivisions (parroquias, distritos).
"""

# ruff: noqa: E501
# fmt: off
from __future__ import annotations

# (goal area, text)
FINDINGS = [
    ("equity", "Se identifican niñas, niños y adolescentes en situación de trabajo infantil en mercados y terminales de {c}, sobre todo en temporada de vacaciones."),
    ("equity", "Las niñas y niños con discapacidad de las {p} rurales no acceden de forma regular a terapias ni a apoyo educativo."),
    ("participation", "No existe un espacio estable de participación de niñas, niños y adolescentes en las decisiones del gobierno local."),
    ("participation", "Las y los adolescentes conocen poco sus derechos y los mecanismos para exigirlos; la información municipal no está adaptada a su edad."),
    ("services", "La cobertura de control de niño sano en menores de 2 años es baja en las {p} rurales y la anemia afecta a uno de cada cuatro niños."),
    ("services", "No hay un sistema local de información sobre la infancia: cada institución registra datos distintos y no se comparten."),
    ("environment", "Las familias perciben inseguridad en los entornos escolares; se reportan casos de acoso y violencia entre pares sin una ruta de atención clara."),
    ("environment", "Varios parques y áreas verdes están deteriorados y no son accesibles para niñas y niños pequeños ni para personas con discapacidad."),
    ("family", "Las familias demandan apoyo en crianza positiva; el castigo físico sigue siendo una práctica aceptada por parte de madres, padres y cuidadores."),
    ("family", "La oferta de actividades deportivas, culturales y de juego gratuitas se concentra en el centro urbano de {c}."),
]

# (title, held days after the analysis starts, adults, 0–5, 6–11, 12–17, notes)
WORKSHOPS = [
    (
        "Taller participativo con niñas, niños y adolescentes de las {p} urbanas",
        75,
        12,
        0,
        34,
        28,
        "Metodología de mapas parlantes y árbol de problemas; acompañaron las defensorías comunitarias.",
    ),
    (
        "Taller con familias, docentes y personal de salud de las {p} rurales",
        120,
        41,
        9,
        16,
        11,
        "Se priorizaron los problemas de salud, nutrición y violencia en el entorno escolar.",
    ),
]

# (title, goal area, criticality, horizon, description)
OPPORTUNITIES = [
    ("Bajas coberturas de control de niño sano en {p} rurales", "services", "high", "short", "Ampliar la atención de primera infancia con brigadas móviles y agenda coordinada con los centros de salud."),
    ("Ausencia de espacios de participación de niñas, niños y adolescentes", "participation", "high", "short", "Crear y reglamentar un consejo consultivo que incida en el presupuesto y en el plan."),
    ("Violencia escolar y comunitaria sin una ruta de atención articulada", "environment", "high", "medium", "Acordar un protocolo interinstitucional de detección, derivación y seguimiento de casos."),
    ("Trabajo infantil en mercados y espacios públicos", "equity", "high", "medium", "Intervención con las familias comerciantes y control en mercados municipales."),
    ("Escasos espacios públicos de juego seguros y accesibles", "family", "medium", "medium", "Recuperar parques con diseño participativo y criterios de accesibilidad universal."),
    ("Falta de un sistema local de información sobre la infancia", "services", "medium", "short", "Implementar el Tablero de Gestión Social con indicadores compartidos por las instituciones."),
    ("Acceso limitado de niñas y niños con discapacidad a servicios de apoyo", "equity", "medium", "long", "Atención temprana, accesibilidad de escuelas y transporte adaptado."),
    ("Débil oferta de programas de crianza positiva para las familias", "family", "low", "long", "Escuelas de familias con enfoque de buen trato en los barrios y comunidades."),
]

# (title, goal area, [objectives])
LINES = [
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
# activities (one is cited in each monthly report).
MEASURES = [
    ("M-01", (0, 0), "Programa de erradicación del trabajo infantil en mercados municipales", "Desarrollo Social", ["Niñez y Adolescencia", "Seguridad Ciudadana"], ["JCPD", "DINAPEN", "PANI"], "medium", (0, 3), (2, 12), 24000, 55, None, 3,
     ("Niñas y niños en trabajo infantil identificados en mercados", "niñas y niños", 86, 20),
     ["Recorridos de identificación en los mercados mayoristas con el equipo técnico", "Visitas domiciliarias a familias comerciantes y derivación a la Junta", "Reuniones con asociaciones de comerciantes para acuerdos de corresponsabilidad"]),
    ("M-02", (0, 0), "Becas de permanencia escolar para adolescentes en riesgo de abandono", "Educación", ["Desarrollo Social"], [], "long", (0, 2), (3, 11), 30000, 40, None, 3,
     ("Adolescentes becados que permanecen en el sistema educativo", "%", 0, 90),
     ["Entrega de becas del periodo y seguimiento de asistencia con los colegios", "Tutorías académicas para adolescentes becados", "Verificación de matrícula con los distritos educativos"]),
    ("M-03", (0, 1), "Unidad municipal de atención temprana para niñas y niños con discapacidad", "Salud", ["Desarrollo Social"], ["MSP", "CCSS"], "long", (1, 1), (3, 12), 40000, 20, None, 6,
     ("Niñas y niños con discapacidad atendidos en estimulación temprana", "niñas y niños", 35, 220),
     ["Adecuación del espacio y compra de material de estimulación", "Valoraciones iniciales con el equipo de terapia", "Sesiones de terapia física y de lenguaje con las familias"]),
    ("M-04", (0, 1), "Accesibilidad universal en diez escuelas y espacios públicos", "Obras Públicas", ["Educación", "Planificación"], [], "long", (1, 6), (3, 12), 60000, 10, "delayed", 6,
     ("Escuelas con accesibilidad universal", "escuelas", 2, 12),
     ["Levantamiento de barreras arquitectónicas en las escuelas priorizadas", "Diseño de rampas y baterías sanitarias accesibles", "Proceso de contratación de las obras (retrasado por reformulación presupuestaria)"]),
    ("M-05", (1, 0), "Conformación y funcionamiento del Consejo Consultivo de Niñez y Adolescencia", "Niñez y Adolescencia", ["Comunicación"], ["CCPD"], "short", (0, 2), (1, 6), 8000, 100, None, 1,
     ("Sesiones anuales del consejo consultivo con acta", "sesiones", 0, 6),
     ["Elección de representantes en las unidades educativas", "Sesión ordinaria del consejo consultivo con la mesa técnica", "Presentación de propuestas del consejo al Concejo Municipal"]),
    ("M-06", (1, 0), "Presupuesto participativo infantil en las {p} urbanas", "Planificación", ["Hacienda", "Niñez y Adolescencia"], [], "medium", (1, 1), (2, 12), 50000, 35, None, 1,
     ("Proyectos propuestos por niñas y niños financiados", "proyectos", 0, 12),
     ["Asambleas infantiles de priorización en los barrios", "Revisión técnica y de costos de las propuestas infantiles", "Inclusión de los proyectos priorizados en la proforma presupuestaria"]),
    ("M-07", (1, 1), "Campaña anual de comunicación sobre derechos de la niñez y buen trato", "Comunicación", ["Cultura"], [], "short", (0, 4), (3, 12), 10000, 50, None, None,
     ("Personas alcanzadas por la campaña", "personas", 0, 60000),
     ["Producción de cuñas radiales y piezas para redes sociales con adolescentes", "Feria de derechos en el parque central", "Difusión de materiales en lenguaje amigable en escuelas"]),
    ("M-08", (2, 0), "Control de niño sano y vacunación con brigadas móviles en {p} rurales", "Salud", ["Desarrollo Social"], ["MSP", "CCSS"], "short", (0, 1), (1, 12), 35000, 85, None, 0,
     ("Cobertura de control de niño sano en menores de 2 años", "%", 58, 90),
     ["Brigadas móviles de control de niño sano y vacunación en las comunidades rurales", "Búsqueda activa de niñas y niños con esquemas incompletos", "Coordinación de agendas con los centros de salud del distrito"]),
    ("M-09", (2, 0), "Consejería en lactancia materna y alimentación complementaria", "Salud", ["Niñez y Adolescencia"], ["MSP", "CCSS"], "medium", (0, 3), (2, 12), 15000, 60, None, 0,
     ("Madres con lactancia materna exclusiva a los 6 meses", "%", 41, 65),
     ["Grupos de apoyo a la lactancia en los centros de desarrollo infantil", "Consejería individual en control prenatal y posparto", "Talleres de alimentación complementaria con productos locales"]),
    ("M-10", (2, 0), "Tamizaje de anemia y desnutrición crónica en centros de desarrollo infantil", "Salud", ["Educación"], ["MSP", "CCSS"], "medium", (1, 2), (2, 12), 18000, 45, None, 0,
     ("Prevalencia de anemia en niñas y niños de 6 a 59 meses", "%", 26, 15),
     ["Tamizaje de hemoglobina en los centros de desarrollo infantil", "Entrega de micronutrientes y seguimiento nutricional", "Capacitación a educadoras en alimentación saludable"]),
    ("M-11", (2, 1), "Formación de educadoras de centros de desarrollo infantil en estimulación temprana", "Educación", ["Salud"], [], "medium", (0, 5), (2, 6), 12000, 70, None, None,
     ("Educadoras certificadas en estimulación temprana", "educadoras", 10, 80),
     ["Módulo de formación presencial para educadoras", "Acompañamiento en aula y retroalimentación", "Evaluación de desarrollo infantil con la escala aplicada"]),
    ("M-12", (2, 1), "Sistema local de información de la niñez (Tablero de Gestión Social)", "Planificación", ["Niñez y Adolescencia", "Comunicación"], ["CCPD"], "short", (0, 6), (1, 12), 20000, 90, None, 5,
     ("Indicadores de niñez actualizados en el tablero", "indicadores", 0, 30),
     ["Acuerdos de intercambio de datos con salud, educación y la Junta", "Carga y validación de datos del periodo", "Presentación del tablero a la mesa técnica"]),
    ("M-13", (2, 1), "Ampliación de la cobertura de educación inicial en barrios periurbanos", "Educación", ["Obras Públicas"], [], "long", (2, 1), (3, 12), 80000, 0, None, None,
     ("Niñas y niños de 3 a 5 años matriculados en educación inicial", "%", 62, 85), []),
    ("M-14", (3, 0), "Ruta cantonal de atención de la violencia con protocolo interinstitucional", "Niñez y Adolescencia", ["Seguridad Ciudadana", "Salud"], ["JCPD", "FGE", "DINAPEN", "PANI", "MP"], "medium", (0, 3), (1, 12), 14000, 75, None, 2,
     ("Casos derivados con seguimiento a los 30 días", "%", 20, 90),
     ["Mesas de trabajo para validar el protocolo con la Junta y la Fiscalía", "Capacitación a docentes y personal de salud en la ruta", "Revisión mensual de casos derivados en la mesa técnica"]),
    ("M-15", (3, 0), "Protocolo de salvaguarda para el personal municipal que trabaja con niñez", "Niñez y Adolescencia", ["Comunicación"], [], "short", (0, 2), (0, 12), 5000, 100, None, None,
     ("Personal municipal que firmó el código de conducta", "%", 0, 100),
     ["Redacción participativa del código de conducta", "Socialización del protocolo con monitores deportivos y culturales", "Firma del código de conducta por el personal"]),
    ("M-16", (3, 0), "Escuelas seguras: patrullajes y senderos seguros en entornos escolares", "Seguridad Ciudadana", ["Educación", "Obras Públicas"], ["DINAPEN"], "medium", (0, 9), (2, 12), 22000, 30, "delayed", 2,
     ("Escuelas con sendero seguro señalizado", "escuelas", 0, 25),
     ["Diagnóstico de riesgos en los entornos escolares con las comunidades educativas", "Señalización de senderos seguros (pendiente de materiales)", "Patrullajes coordinados en horarios de entrada y salida"]),
    ("M-17", (3, 1), "Recuperación de parques y áreas verdes con enfoque de niñez", "Obras Públicas", ["Deportes y Recreación", "Planificación"], [], "long", (0, 6), (3, 6), 90000, 25, None, 4,
     ("Parques recuperados con juegos accesibles", "parques", 0, 15),
     ["Diseño participativo de parques con niñas y niños del barrio", "Obras de rehabilitación del parque priorizado", "Instalación de juegos inclusivos"]),
    ("M-18", (3, 1), "Saneamiento y agua segura en centros educativos rurales", "Obras Públicas", ["Salud"], [], "long", (2, 3), (3, 12), 70000, 0, None, None,
     ("Escuelas rurales con agua segura", "%", 55, 95), []),
    ("M-19", (4, 0), "Escuela de familias: talleres de crianza positiva y buen trato", "Desarrollo Social", ["Niñez y Adolescencia", "Salud"], ["JCPD"], "medium", (0, 4), (3, 11), 16000, 45, None, 7,
     ("Familias que completan el ciclo de talleres", "familias", 0, 900),
     ["Ciclo de talleres de crianza positiva con las defensorías comunitarias", "Encuentro de familias sobre disciplina sin violencia", "Visitas de seguimiento a familias participantes"]),
    ("M-20", (4, 0), "Salud mental de adolescentes: consejería y prevención del suicidio", "Salud", ["Educación"], ["MSP", "CCSS"], "medium", (1, 3), (2, 12), 20000, 30, None, None,
     ("Adolescentes atendidos en consejería", "adolescentes", 0, 600),
     ["Apertura del servicio de consejería adolescente", "Talleres de habilidades para la vida en colegios", "Formación de docentes en detección de señales de riesgo"]),
    ("M-21", (4, 1), "Escuelas deportivas gratuitas en {p} rurales", "Deportes y Recreación", ["Educación"], [], "medium", (0, 3), (3, 12), 26000, 50, None, 4,
     ("Niñas, niños y adolescentes inscritos en escuelas deportivas", "inscritos", 300, 1200),
     ["Inscripciones y apertura de disciplinas en las comunidades", "Torneo intercomunitario de fútbol y básquet", "Recuperación de juegos tradicionales con las defensorías"]),
    ("M-22", (4, 1), "Vacaciones recreativas y culturales para niñas, niños y adolescentes", "Cultura", ["Deportes y Recreación"], [], "short", (0, 7), (3, 8), 12000, 60, None, None,
     ("Participantes en vacaciones recreativas", "participantes", 450, 1500),
     ["Talleres de música, teatro y pintura en las casas barriales", "Muestra final de las vacaciones recreativas", "Planificación del siguiente ciclo con el consejo consultivo"]),
    ("M-23", (4, 1), "Ludotecas comunitarias en casas barriales", "Cultura", ["Desarrollo Social"], [], "long", (2, 1), (3, 12), 25000, 0, None, None,
     ("Ludotecas abiertas", "ludotecas", 0, 6), []),
]

# The two changes recorded after approval: (measure code, kind, what, why, approved by).
CHANGES = [
    (
        "M-16",
        "budget",
        "",
        "Los materiales de señalización costaron más de lo previsto y la comunidad pidió ampliar a cinco escuelas más.",
        "Concejo Municipal, sesión ordinaria n.º 34",
    ),
    (
        "M-23",
        "cancel",
        "Se cancela la medida de ludotecas comunitarias.",
        "El programa provincial de ludotecas cubre las mismas casas barriales; se evita la duplicidad de recursos.",
        "Mesa técnica de coordinación, acta n.º 07",
    ),
]

MONTHS = [
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
]
# fmt: on

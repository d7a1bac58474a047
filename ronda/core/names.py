"""Spanish first names: common hypocoristics and diminutive endings, as plain data.

Domain-free (no app, no model): the children's council uses it to find a member's name hidden in a
text (``council.name_variants``), the community cases to find a child registered twice under a
nickname (``cases.duplicates``). Keys and values are lower case, without accents.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case, without accents (``ñ`` becomes ``n``), blanks collapsed: the form names are compared in."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text or ""))
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Me"))
    return " ".join(plain.casefold().split())


# Spanish diminutive endings, without accents (-ín is "in").
DIMINUTIVE_SUFFIXES = (
    "ito", "ita", "itos", "itas", "cito", "cita", "citos", "citas",
    "illo", "illa", "illos", "illas", "in", "ina",
)  # fmt: skip

# Common Spanish hypocoristics, by name without accents (lower case). A diminutive ending is
# added to these too (Pepe → Pepito, Paco → Paquito, Concha → Conchita).
HYPOCORISTICS: dict[str, tuple[str, ...]] = {
    "adrian": ("adri",),
    "adriana": ("adri",),
    "agustin": ("agus",),
    "agustina": ("agus", "tina"),
    "alberto": ("beto", "tito"),
    "alejandra": ("ale", "alejita", "sandra"),
    "alejandro": ("ale", "alejo", "alex", "jandro"),
    "ana": ("anita", "ani"),
    "andres": ("andi",),
    "antonia": ("toni", "tona"),
    "antonio": ("tono", "toni", "tonio"),
    "beatriz": ("bea", "betty"),
    "camila": ("cami",),
    "carlos": ("carlitos", "charly"),
    "carolina": ("caro", "carol"),
    "catalina": ("cata", "cati"),
    "concepcion": ("concha", "conchita", "conchi", "chon"),
    "consuelo": ("chelo",),
    "cristina": ("cris", "tina"),
    "cristian": ("cris",),
    "daniel": ("dani",),
    "daniela": ("dani",),
    "dolores": ("lola", "loli"),
    "eduardo": ("lalo", "edu"),
    "emilia": ("emi", "mili"),
    "enrique": ("quique",),
    "esperanza": ("espe",),
    "federico": ("fede",),
    "fernanda": ("fer", "fercha"),
    "fernando": ("fer", "nando"),
    "francisca": ("paca", "pancha", "fran"),
    "francisco": ("paco", "pancho", "quico", "curro", "fran", "kiko"),
    "gabriel": ("gabi", "gaby", "gabo"),
    "gabriela": ("gabi", "gaby"),
    "graciela": ("chela",),
    "guadalupe": ("lupe", "lupita"),
    "guillermo": ("memo", "guille"),
    "ignacio": ("nacho",),
    "isabel": ("chabela", "isa", "chabe"),
    "isabela": ("isa",),
    "javier": ("javi",),
    "jesus": ("chucho", "chuy", "chus", "chuchi"),
    "jose": ("pepe", "pepito", "chepe"),
    "josefa": ("pepa", "chepa"),
    "juan": ("juancho", "juanito"),
    "leonardo": ("leo",),
    "lucia": ("luci",),
    "luis": ("lucho",),
    "manuel": ("manolo", "manu", "lolo"),
    "manuela": ("manoli", "manu", "manola"),
    "margarita": ("magui", "marga", "rita"),
    "maria": ("mari", "maruja", "maru", "mary"),
    "martina": ("marti", "tina"),
    "mercedes": ("meche", "merche", "mecha"),
    "miguel": ("migue",),
    "natalia": ("nati", "naty"),
    "nicolas": ("nico",),
    "patricia": ("pati", "paty"),
    "patricio": ("pato",),
    "pilar": ("pili",),
    "rafael": ("rafa", "rafi"),
    "ramon": ("moncho",),
    "roberto": ("beto", "robe"),
    "rodrigo": ("rodri",),
    "rosa": ("rosi", "rosita"),
    "rosario": ("charo", "chayo"),
    "santiago": ("santi", "chago"),
    "sebastian": ("sebas", "seba"),
    "sofia": ("sofi",),
    "teresa": ("tere",),
    "tomas": ("tomi",),
    "valentina": ("vale", "valen"),
    "valentin": ("valen",),
    "veronica": ("vero",),
    "victoria": ("vicky", "viki"),
    # compound first names, written as one key with a space
    "jose luis": ("joselu", "pepelu"),
    "jose maria": ("chema", "josema"),
    "juan carlos": ("juanca",),
    "juan jose": ("juanjo",),
    "maria del carmen": ("maricarmen", "mamen"),
    "maria fernanda": ("mafe", "marifer"),
    "maria jose": ("majo", "mariajo", "marijose"),
    "maria luisa": ("marisa",),
}

"""Issue #7, finding 9: a child's first name cannot slip into a published council text unseen.

``selectors.mentions_member_name`` sees through invisible characters, look-alike letters,
spelled-out names and diminutives, and still leaves everyday words alone.
"""

from __future__ import annotations

import pytest

from ronda.core.tenancy import SYSTEM
from ronda.council import name_variants, selectors, services
from ronda.council.models import ChildrenCouncil, CouncilAgeBand
from ronda.council.tests.conftest import days_ago
from ronda.testing import World

pytestmark = pytest.mark.django_db


def with_member(world: World, council: ChildrenCouncil, first_name: str) -> ChildrenCouncil:
    services.add_member(
        actor=SYSTEM,
        council=council,
        first_name=first_name,
        age_band=CouncilAgeBand.AGE_10_12,
        community=world.community,
        guardian_consent_on=days_ago(30),
        joined_on=days_ago(20),
    )
    return council


EVASIONS = [
    ("María", "Lo pidió Mar\u200bía en la sesión."),  # zero-width space
    ("María", "Lo pidió Ma\u00adría en la sesión."),  # soft hyphen
    ("María", "Lo pidió M\u2060a\u200dr\u200cía."),  # word joiner, zero-width joiner and non-joiner
    ("María", "Lo pidió M\u0430r\u0456\u0430."),  # Cyrillic а and і
    ("Sofía", "Lo pidió S\u03bff\u03b9\u03b1."),  # Greek ο, ι and α
    ("Carlos", "Lo pidió \u0421\u0430rl\u043es."),  # Cyrillic С, а and о
    ("María", "Lo pidió M a r í a."),
    ("María", "Lo pidió M.a.r.í.a."),
    ("María", "Lo pidió M-a-r-í-a."),
    ("María", "Nos lo contó a M a r í a y a su madre."),  # single-letter words next to it
    ("María", "Lo pidió Mariita."),
    ("María", "Lo pidió Marita."),
    ("María", "Lo pidió Mariíta."),
    ("José", "Lo pidió Pepe."),
    ("José", "Lo pidió Pepito."),
    ("José", "Lo pidió Josecito."),
    ("Guadalupe", "Lo pidió Lupita."),
    ("Guadalupe", "Lo pidió Lupe."),
    ("Francisco", "Lo pidieron Paco y Paquito."),
    ("Concepción", "Lo pidió Conchita."),
    ("Carlos", "Lo pidió Carlitos."),
    ("Juan", "Lo pidió Juancito."),
    ("Diego", "Lo pidió Dieguito."),
    ("Brayan", "Brayanito quiere bebederos."),
    ("Antonio", "Lo pidió Toño."),
    ("Valentina", "Lo pidió Vale."),
    ("María José", "Lo pidió Majo."),
    ("María José", "Lo pidió Mariajosé."),
    ("María José", "Lo pidió M a r í a J o s é."),
    ("María", "Lo pidió M\u200ba\u200br\u200b\u0456\u200ba."),  # two tricks at once
]


@pytest.mark.parametrize(("first_name", "text"), EVASIONS)
def test_an_evasion_is_still_a_name(world: World, council: ChildrenCouncil, first_name: str, text: str) -> None:
    assert selectors.mentions_member_name(with_member(world, council, first_name), text)


@pytest.mark.parametrize(
    ("first_name", "text"),
    [
        ("María", "Lo pidió María."),
        ("María", "lo pidió MARIA"),
        ("María", "Lo pidió ＭＡＲÍＡ."),  # full-width letters
        ("María José", "Lo dijo maria jose en la sesión"),
        ("Xiomara", "Xiomara pidió más juegos"),
    ],
)
def test_the_name_as_written_still_counts(world: World, council: ChildrenCouncil, first_name: str, text: str) -> None:
    assert selectors.mentions_member_name(with_member(world, council, first_name), text)


# Decided against: a word is never matched by its beginning alone (only the name, a listed
# variant, or the name with a diminutive ending), and variants that are everyday words count
# only with a capital letter (so "Vale la pena." opening a sentence does ask for confirmation).
@pytest.mark.parametrize(
    ("first_name", "text"),
    [
        ("Ana", "Esta semana, mañana, pedimos un ananá y ganas de jugar."),
        ("Ana", "Anabel y Mariana vinieron."),  # other names that contain it
        ("María", "Vimos una mariposa en la marina."),
        ("María José", "María quiere más juegos."),  # a compound name counts whole
        ("Valentina", "Dicen que vale la pena esperar: los juegos valen mucho."),
        ("Antonio", "El tono de la respuesta es amable."),
        ("Marta", "Necesitan un martillo."),
        ("Sol", "No quiere jugar solito."),
        ("Mar", "Visitaron la marina."),
        ("Guillermo", "El memo de la mesa llegó."),
        ("Ignacio", "Comimos nachos."),
        ("María", "Fuimos a la plaza y a la o y a la e."),  # single letters that spell nothing
        ("Luis", "Lucía pidió columpios."),
    ],
)
def test_everyday_words_are_not_names(world: World, council: ChildrenCouncil, first_name: str, text: str) -> None:
    assert not selectors.mentions_member_name(with_member(world, council, first_name), text)


def test_any_of_the_texts_and_any_member(world: World, council: ChildrenCouncil) -> None:
    with_member(world, council, "Xiomara")
    with_member(world, council, "Guadalupe")
    assert selectors.mentions_member_name(council, "Pedimos bebederos", "", "Gracias, Lupita")
    assert not selectors.mentions_member_name(council, "Pedimos bebederos", "Gracias a todos")


def test_no_members_no_warning(council: ChildrenCouncil) -> None:
    assert not selectors.mentions_member_name(council, "María pidió columpios")


def test_skeleton_drops_format_characters_and_maps_look_alikes() -> None:
    assert name_variants.skeleton("M\u200ba\u00adr\u0456\u0430 \u0421\u03bf\uff46\u00eda") == "Maria Cofia"

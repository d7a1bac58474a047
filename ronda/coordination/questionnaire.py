"""The member questionnaire: how the coordination body works, seen by its own members.

The items are fixed in code (so rounds can be compared year after year) and grouped in three
sections. Besides the fixed items, each member may rate the commitment of every area that sits
on the body (keys ``area_<id>``); those ratings are optional ("no opinion").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LIKERT_VALUES = (1, 2, 3, 4, 5)
LIKERT_LABELS = {
    1: gettext_lazy("Strongly disagree"),
    2: gettext_lazy("Disagree"),
    3: gettext_lazy("Neither agree nor disagree"),
    4: gettext_lazy("Agree"),
    5: gettext_lazy("Strongly agree"),
}
COMMITMENT_LABELS = {
    1: gettext_lazy("Very low"),
    2: pgettext_lazy("commitment level", "Low"),
    3: pgettext_lazy("commitment level", "Medium"),
    4: pgettext_lazy("commitment level", "High"),
    5: gettext_lazy("Very high"),
}
# Results are shown only from this many answers on: below it, one person's answers could be recognised.
MIN_ANSWERS_FOR_RESULTS = 3
COMMENT_MAX_LENGTH = 2000
AREA_KEY_PREFIX = "area_"


@dataclass(frozen=True)
class Section:
    key: str
    title: StrOrPromise
    comment_prompt: StrOrPromise


@dataclass(frozen=True)
class Item:
    key: str
    section: str
    text: StrOrPromise


SECTIONS = (
    Section(
        "environment",
        gettext_lazy("Working environment"),
        gettext_lazy("What would improve the working environment of the body?"),
    ),
    Section(
        "methodology",
        gettext_lazy("Methodology"),
        gettext_lazy("What would make our meetings and methods more useful?"),
    ),
    Section(
        "commitment",
        gettext_lazy("Commitment of the areas"),
        gettext_lazy("What would help the areas commit more to the body's work?"),
    ),
)

ITEMS = (
    Item("env_respect", "environment", gettext_lazy("Members treat each other with respect and listen to each other.")),
    Item("env_voice", "environment", gettext_lazy("Everyone can give their opinion freely in the meetings.")),
    Item("env_trust", "environment", gettext_lazy("There is trust to raise problems and disagreements.")),
    Item("met_agenda", "methodology", gettext_lazy("Meetings have a clear agenda that is sent in advance.")),
    Item("met_time", "methodology", gettext_lazy("Meetings start on time and keep to the agenda.")),
    Item(
        "met_minutes",
        "methodology",
        gettext_lazy("The minutes record the agreements accurately and are shared on time."),
    ),
    Item("met_followup", "methodology", gettext_lazy("The body follows up its agreements until they are fulfilled.")),
    Item("com_attendance", "commitment", gettext_lazy("The areas send their representative to every meeting.")),
    Item("com_fulfil", "commitment", gettext_lazy("The areas fulfil the agreements they take on.")),
    Item("com_resources", "commitment", gettext_lazy("The areas commit staff and budget to the body's work.")),
)
ITEM_KEYS = tuple(item.key for item in ITEMS)
SECTION_KEYS = tuple(section.key for section in SECTIONS)


def area_key(area_id: int) -> str:
    return f"{AREA_KEY_PREFIX}{area_id}"


def clean_answers(
    likert: dict[str, Any], comments: dict[str, Any], area_ids: Iterable[int]
) -> tuple[dict[str, int], dict[str, str]]:
    """Validate one response: every fixed item 1–5, area ratings optional, comments short.

    Raises a ValidationError keyed by item so that forms and the API can point at the field.
    """
    errors: dict[str, str] = {}
    allowed_areas = {area_key(pk) for pk in area_ids}
    clean_likert: dict[str, int] = {}
    for key in ITEM_KEYS:
        value = likert.get(key)
        if value in (None, ""):
            errors[key] = _("Choose a value from 1 to 5.")
            continue
        try:
            number = int(str(value))
        except (TypeError, ValueError):
            number = 0
        if number not in LIKERT_VALUES:
            errors[key] = _("Choose a value from 1 to 5.")
        else:
            clean_likert[key] = number
    for key, value in likert.items():
        if key in ITEM_KEYS:
            continue
        if key not in allowed_areas:
            errors[key] = _("This question is not part of the questionnaire.")
            continue
        if value in (None, ""):
            continue  # no opinion about this area
        try:
            number = int(str(value))
        except (TypeError, ValueError):
            number = 0
        if number not in LIKERT_VALUES:
            errors[key] = _("Choose a value from 1 to 5.")
        else:
            clean_likert[key] = number
    clean_comments: dict[str, str] = {}
    for key, value in comments.items():
        if key not in SECTION_KEYS:
            errors[key] = _("This question is not part of the questionnaire.")
            continue
        text = str(value or "").strip()
        if len(text) > COMMENT_MAX_LENGTH:
            errors[key] = _("Write at most %(max)d characters.") % {"max": COMMENT_MAX_LENGTH}
        elif text:
            clean_comments[key] = text
    if errors:
        raise ValidationError(errors)
    return clean_likert, clean_comments

"""The kinds of notification and the calendar feeds that the apps declare, found by convention.

Notifications sit below every domain and may not import one. A domain therefore declares what it
sends in a module of its own, ``ronda/<app>/notifications.py``, which this module finds through
``INSTALLED_APPS`` and imports by name (as the portal finds ``portal.py``):

- ``NOTIFICATION_KINDS``: a list of plain dicts (``KindSpec``)::

      {"key": "protection.weekly_digest", "label": _("…"), "description": _("…"),
       "default": True, "roles": [Role.PROTECTION_OFFICER], "digest": True}

  ``key`` is unique, prefixed with the app's label; ``roles`` are the roles it concerns (empty:
  every role), which decide where "Mis notificaciones" lists it; ``digest`` marks a weekly digest,
  which the person's weekly-digest switch also governs.
- ``CALENDAR_FEEDS``: a list of dicts (``FeedSpec``): ``key``, ``label``, ``roles``, ``events``
  (``callable(user, object_id) -> list[icalendar.Event]``, built with ``ronda.notifications.ics``)
  and optionally ``objects`` (``callable(actor) -> list[(id, label)]``: the bodies a person may
  subscribe to, for a feed per body; without it the feed is one per person). ``events`` receives
  the user, not an actor: it must rebuild the person's actors and ask its own policy again, and
  return nothing (or raise ``Http404``) for what they may no longer see.

Both are read once, at the first use; ``register_kind``/``register_feed`` add one by hand (the
tests' demo feed).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    import icalendar
    from django_stubs_ext import StrOrPromise

    from ronda.accounts.models import User
    from ronda.core.tenancy import Actor

APP_PREFIX = "ronda."
MODULE = "notifications"
# The person's switch for every digest kind at once (stored like a kind's choice).
WEEKLY_DIGEST = "weekly_digest"

EventSource = Callable[["User", "int | None"], "Sequence[icalendar.Event]"]
ObjectChoices = Callable[["Actor"], "Iterable[tuple[int, str]]"]


class KindSpec(TypedDict):
    key: str
    label: StrOrPromise
    description: StrOrPromise
    default: bool
    roles: Sequence[str]
    digest: NotRequired[bool]


class FeedSpec(TypedDict):
    key: str
    label: StrOrPromise
    roles: Sequence[str]
    events: EventSource
    objects: NotRequired[ObjectChoices]
    description: NotRequired[StrOrPromise]


@dataclass(frozen=True)
class Kind:
    key: str
    label: Any
    description: Any
    default: bool
    roles: frozenset[str] = field(default_factory=frozenset)
    digest: bool = False

    def concerns(self, roles: Iterable[str]) -> bool:
        return not self.roles or bool(self.roles & set(roles))


@dataclass(frozen=True)
class Feed:
    key: str
    label: Any
    events: EventSource
    roles: frozenset[str] = field(default_factory=frozenset)
    objects: ObjectChoices | None = None
    description: Any = ""

    def concerns(self, roles: Iterable[str]) -> bool:
        return not self.roles or bool(self.roles & set(roles))


KIND_KEYS = frozenset({"key", "label", "description", "default", "roles"})
FEED_KEYS = frozenset({"key", "label", "roles", "events"})


def _kind(spec: KindSpec, source: str) -> Kind:
    missing = KIND_KEYS - set(spec)
    if missing:
        raise ImproperlyConfigured(f"{source}: notification kind {spec!r} lacks {sorted(missing)}")
    if spec["key"] == WEEKLY_DIGEST or not spec["key"] or len(spec["key"]) > 100:
        raise ImproperlyConfigured(f"{source}: notification kind key {spec['key']!r} is not allowed")
    return Kind(
        key=spec["key"],
        label=spec["label"],
        description=spec["description"],
        default=bool(spec["default"]),
        roles=frozenset(spec["roles"]),
        digest=bool(spec.get("digest", False)),
    )


def _feed(spec: FeedSpec, source: str) -> Feed:
    missing = FEED_KEYS - set(spec)
    if missing:
        raise ImproperlyConfigured(f"{source}: calendar feed {spec!r} lacks {sorted(missing)}")
    if not callable(spec["events"]) or not spec["key"] or len(spec["key"]) > 100:
        raise ImproperlyConfigured(f"{source}: calendar feed {spec['key']!r} needs a key and an events callable")
    return Feed(
        key=spec["key"],
        label=spec["label"],
        events=spec["events"],
        roles=frozenset(spec["roles"]),
        objects=spec.get("objects"),
        description=spec.get("description", ""),
    )


class Registry:
    def __init__(self) -> None:
        self._kinds: dict[str, Kind] | None = None
        self._feeds: dict[str, Feed] | None = None

    def _load(self) -> None:
        if self._kinds is not None and self._feeds is not None:
            return
        kinds: dict[str, Kind] = {}
        feeds: dict[str, Feed] = {}
        for config in apps.get_app_configs():
            if not config.name.startswith(APP_PREFIX):
                continue
            name = f"{config.name}.{MODULE}"
            if importlib.util.find_spec(name) is None:
                continue
            module = importlib.import_module(name)
            for spec in getattr(module, "NOTIFICATION_KINDS", ()):
                self._add(kinds, _kind(spec, name), name)
            for spec in getattr(module, "CALENDAR_FEEDS", ()):
                self._add(feeds, _feed(spec, name), name)
        self._kinds, self._feeds = kinds, feeds

    @staticmethod
    def _add(table: dict[str, Any], item: Kind | Feed, source: str) -> None:
        if item.key in table and table[item.key] != item:
            raise ImproperlyConfigured(f"{source}: {item.key!r} is declared twice")
        table[item.key] = item

    def kinds(self) -> dict[str, Kind]:
        self._load()
        assert self._kinds is not None
        return self._kinds

    def feeds(self) -> dict[str, Feed]:
        self._load()
        assert self._feeds is not None
        return self._feeds


registry = Registry()


def all_kinds() -> list[Kind]:
    return sorted(registry.kinds().values(), key=lambda kind: kind.key)


def get_kind(key: str) -> Kind:
    """The kind declared under ``key``; an unknown key is a programming error, not a user's."""
    try:
        return registry.kinds()[key]
    except KeyError:
        raise ImproperlyConfigured(f"no app declares the notification kind {key!r}") from None


def get_feed(key: str) -> Feed | None:
    return registry.feeds().get(key)


def all_feeds() -> list[Feed]:
    return sorted(registry.feeds().values(), key=lambda feed: feed.key)


def register_kind(spec: KindSpec) -> Kind:
    kind = _kind(spec, "register_kind")
    Registry._add(registry.kinds(), kind, "register_kind")
    return kind


def register_feed(spec: FeedSpec) -> Feed:
    feed = _feed(spec, "register_feed")
    Registry._add(registry.feeds(), feed, "register_feed")
    return feed


def unregister(key: str) -> None:
    """Remove a kind or feed added by hand (tests clean up after ``register_*``)."""
    registry.kinds().pop(key, None)
    registry.feeds().pop(key, None)

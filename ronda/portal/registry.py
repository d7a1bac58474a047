"""What each domain contributes to the portal: navigation entries, home-page panels, demo data.

The portal is the top layer: it may import every domain, and no domain imports it. A domain
therefore contributes by convention, with modules of its own that the portal finds, the way
Django finds ``admin.py``:

- ``ronda/<app>/portal.py`` may define ``NAVIGATION`` (a list of ``NavEntry``) and
  ``HOME_PANELS`` (a list of ``HomePanel``). Both are plain dicts, so the module needs nothing from
  the portal at run time; for mypy it imports these ``TypedDict``\\ s under ``TYPE_CHECKING`` only
  (``.importlinter`` leaves type-checking imports out of the layering).
- ``ronda/<app>/demo.py`` may define ``load_demo()``: it creates the app's demo data through its
  services with ``actor=SYSTEM``, skips what already exists, and may return the demo logins it
  created. Loaders run in ``INSTALLED_APPS`` order, so an app's loader may rely on the data of the
  apps listed before it (as its migrations may rely on theirs).

``collect`` reads them, ``PortalConfig.ready`` installs the result once. The entries of today's
domains are declared the same way, in ``ronda/portal/entries.py``. A new domain adds its own
``portal.py``/``demo.py`` and touches neither the portal nor the kernel.

Every ``visible`` predicate receives an actor with an active membership and must ask the domain's
own policy for the page it links to (a link that the page would answer with 404 is a bug;
``portal/tests/test_navigation.py`` opens every link as every role).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from django.core.exceptions import ImproperlyConfigured

from ronda.core.tenancy import Actor

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Ronda's own apps contribute; third-party apps in INSTALLED_APPS are not asked, nor the portal
# itself (its ``demo.load_demo`` is the orchestrator that runs the others).
APP_PREFIX = "ronda."
PORTAL = "ronda.portal"
BUILTIN_ENTRIES = "ronda.portal.entries"


class NavEntry(TypedDict):
    url_name: str  # reversed with no arguments
    label: StrOrPromise
    visible: Callable[[Actor], bool]
    order: int  # position on screen, smallest first (today's entries use 10, 20 … 130)
    # Shown in the menu bar when given (the full label stays the page's name): keeps the desktop
    # menu on one row.
    short_label: NotRequired[StrOrPromise]


class HomePanel(TypedDict):
    template: str  # included after the role's own panel, with the page context
    visible: Callable[[Actor], bool]
    order: int
    # Extra context for the template, merged into the page's: prefix keys with your app label.
    context: NotRequired[Callable[[Actor], Mapping[str, Any]]]


# The required keys, spelled out: under ``from __future__ import annotations`` Python 3.11 does not
# see ``NotRequired`` in ``__required_keys__``.
NAV_KEYS = frozenset({"url_name", "label", "visible", "order"})
PANEL_KEYS = frozenset({"template", "visible", "order"})

DemoLoader = Callable[[], Sequence[str] | None]


@dataclass(frozen=True)
class Contributions:
    navigation: tuple[NavEntry, ...] = ()
    home_panels: tuple[HomePanel, ...] = ()
    demo_loaders: tuple[tuple[str, DemoLoader], ...] = ()


def _submodule(package: str, name: str) -> ModuleType | None:
    """``package.name`` if that module exists (its own import errors are not hidden)."""
    try:
        found = importlib.util.find_spec(f"{package}.{name}")
    except ModuleNotFoundError:
        return None
    return importlib.import_module(f"{package}.{name}") if found is not None else None


def _checked(entries: Iterable[Any], required: frozenset[str], source: str) -> list[Any]:
    checked = []
    for entry in entries:
        missing = required - set(entry) if isinstance(entry, Mapping) else required
        if missing:
            raise ImproperlyConfigured(f"{source}: entry {entry!r} lacks {sorted(missing)}")
        checked.append(entry)
    return checked


def collect(app_names: Iterable[str]) -> Contributions:
    """The contributions of the portal's own entries and of every app in ``app_names`` (in order)."""
    names = [name for name in app_names if name.startswith(APP_PREFIX) and name != PORTAL]
    navigation: list[NavEntry] = []
    panels: list[HomePanel] = []
    modules = [importlib.import_module(BUILTIN_ENTRIES)]
    modules += [module for name in names if (module := _submodule(name, "portal")) is not None]
    for module in modules:
        navigation += _checked(getattr(module, "NAVIGATION", ()), NAV_KEYS, module.__name__)
        panels += _checked(getattr(module, "HOME_PANELS", ()), PANEL_KEYS, module.__name__)
    loaders = []
    for name in names:
        demo = _submodule(name, "demo")
        loader = getattr(demo, "load_demo", None) if demo is not None else None
        # Only a loader defined in the app's own module: an alias re-exported from elsewhere (the
        # portal's orchestrator itself, say) is not the app's data.
        if callable(loader) and getattr(loader, "__module__", None) == name + ".demo":
            loaders.append((name, loader))
    return Contributions(
        navigation=tuple(sorted(navigation, key=lambda entry: entry["order"])),
        home_panels=tuple(sorted(panels, key=lambda panel: panel["order"])),
        demo_loaders=tuple(loaders),
    )


# Filled once, by PortalConfig.ready (tests may swap it for a moment with ``install``).
_installed: list[Contributions] = [Contributions()]


def install(contributions: Contributions) -> None:
    _installed[0] = contributions


def installed() -> Contributions:
    return _installed[0]

"""Access that one domain grants in another, without either importing the other.

The planning cycle's domains sit side by side (``.importlinter``): planning may not import
coordination. Yet a person who sits on the municipality's coordination body reads its diagnosis and
its plan, whatever their role (issue #13). The domain that knows the fact registers a *provider*
under a name at start-up (``AppConfig.ready``); the domain that grants access asks ``paths(actor,
name)``: the org-unit paths where the grant holds for this actor (empty: nowhere). The kernel only
keeps the table: it knows no name and no domain.

A provider runs at most once per actor object (the answer is kept on the actor, which lives for one
request or one job), so a page that asks a dozen policies pays one query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ronda.core.tenancy import Acting

Provider = Callable[["Acting"], tuple[str, ...]]

# The names in use, like the roles of ``core.roles``: the table is the kernel's, the meaning each
# domain's. BODY_SEAT: the municipalities whose coordination body the person sits on today
# (provided by coordination; read by planning and accountability).
BODY_SEAT = "body_seat"

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Declare who answers ``name`` (once per name; registering it again replaces the provider,
    as Django's autoreloader and the tests' app reloads do)."""
    _providers[name] = provider


def paths(actor: Acting | None, name: str) -> tuple[str, ...]:
    """The org-unit paths where ``name`` is granted to ``actor``; () for nobody, for the system
    actor (which needs no grant) and for a name nobody registered."""
    if actor is None or actor.is_system or actor.membership is None:
        return ()
    memo = getattr(actor, "memo", None)
    key = f"grants:{name}"
    if memo is not None and key in memo:
        return memo[key]  # type: ignore[no-any-return]
    provider = _providers.get(name)
    found = tuple(provider(actor)) if provider is not None else ()
    if memo is not None:
        memo[key] = found
    return found


def holds_at(actor: Acting | None, name: str, path: str | None) -> bool:
    """Whether ``name`` is granted to ``actor`` for an object at ``path`` (inside one of its paths)."""
    return path is not None and any(path.startswith(prefix) for prefix in paths(actor, name))

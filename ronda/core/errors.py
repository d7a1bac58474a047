"""Errors services raise; views and the API turn them into Spanish messages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """Somebody else saved the same record since it was loaded: no silent overwrite."""

    message = _(
        "Someone else changed this record while you were editing it. Reload the page to see their changes, "
        "then apply yours again."
    )

    def __str__(self) -> str:
        return str(self.message)


class Errors:
    """The field errors a service finds, raised together as one ``ValidationError({field: [messages]})``.

    A service that checks several things collects every problem here and calls ``raise_if_any()``
    before it writes anything, so a form shows them all at once and a refused write leaves no
    trace. (A single precondition may still raise ``ValidationError`` directly.) Messages keep the
    order in which they were found; ``"__all__"`` is a message about the whole form. To report
    only the first problem of a field, ask ``if field not in errors`` first.
    """

    __slots__ = ("_messages",)

    def __init__(self) -> None:
        self._messages: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self._messages.setdefault(field, []).append(message)

    def __contains__(self, field: object) -> bool:
        return field in self._messages

    def __bool__(self) -> bool:
        return bool(self._messages)

    def __repr__(self) -> str:
        return f"Errors({self._messages!r})"

    def as_dict(self) -> dict[str, list[str]]:
        return {field: list(messages) for field, messages in self._messages.items()}

    def raise_if_any(self) -> None:
        if self._messages:
            raise ValidationError(self.as_dict())


def text_length(value: str | None) -> int:
    """The length of a text as a limit counts it: a newline once (a browser sends CR LF), without the
    surrounding blanks the services strip."""
    return len((value or "").replace("\r\n", "\n").strip())


def too_long_message(limit: int, length: int | None = None) -> str:
    """What a text over its limit is told, from a service and from the API (which does not know the
    length: the API's validation does not keep the value it refused)."""
    shown = formats.number_format(limit, force_grouping=True)
    if length is None:
        return gettext("Shorten this text to %(limit)s characters at most.") % {"limit": shown}
    return gettext("Shorten this text to %(limit)s characters at most (it has %(length)s).") % {
        "limit": shown,
        "length": formats.number_format(length, force_grouping=True),
    }


def check_length(errors: Errors, field: str, value: str | None, limit: int) -> None:
    """A long text within its limit (each app's ``limits.py``): the database would take any length."""
    length = text_length(value)
    if length > limit:
        errors.add(field, too_long_message(limit, length))


__all__ = [
    "ConflictError",
    "Errors",
    "PermissionDenied",
    "ValidationError",
    "check_length",
    "text_length",
    "too_long_message",
]

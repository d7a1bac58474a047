"""Indicator formulas in DHIS2's syntax, parsed without ``eval``.

    #{elementUid}            the element's total (every option combination)
    #{elementUid.cocUid}     one option combination
    #{CODE} / #{CODE.COC}    the same by codes
    + - * / ( ) and numbers

:func:`parse` gives a tree; :func:`references` the operands; :func:`evaluate` the value given the
operands' values (None when an operand has no data, or on a division by zero: DHIS2 shows no value
rather than an invented zero).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation

from django.utils.translation import gettext as _

MAX_LENGTH = 1_000
_TOKEN = re.compile(r"\s*(?:(#\{[^}]*\})|(\d+(?:\.\d+)?)|([-+*/()]))")
_OPERAND = re.compile(r"^#\{([A-Za-z0-9_\-]{1,50})(?:\.([A-Za-z0-9_\-]{1,120}))?\}$")


@dataclass(frozen=True)
class Operand:
    element: str
    option_combo: str | None = None

    def __str__(self) -> str:
        return "#{" + self.element + ("." + self.option_combo if self.option_combo else "") + "}"


@dataclass(frozen=True)
class Number:
    value: Decimal


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Negative:
    operand: Node


Node = Operand | Number | Binary | Negative


class ExpressionError(ValueError):
    pass


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            raise ExpressionError(
                _("The formula has something Ronda does not understand near “%(part)s”.")
                % {"part": text[position : position + 15].strip()}
            )
        out.append(next(g for g in match.groups() if g is not None))
        position = match.end()
    return out


def parse(text: str) -> Node:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(_("A formula has at most %(max)d characters.") % {"max": MAX_LENGTH})
    tokens = _tokens(text)
    if not tokens:
        raise ExpressionError(_("Write a formula."))
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        token = tokens[position]
        position += 1
        return token

    def expression(depth: int) -> Node:
        node = term(depth)
        while peek() in ("+", "-"):
            op = take()
            node = Binary(op, node, term(depth))
        return node

    def term(depth: int) -> Node:
        node = factor(depth)
        while peek() in ("*", "/"):
            op = take()
            node = Binary(op, node, factor(depth))
        return node

    def factor(depth: int) -> Node:
        if depth > 50:
            raise ExpressionError(_("The formula nests too many parentheses."))
        token = peek()
        if token is None:
            raise ExpressionError(_("The formula ends too early."))
        take()
        if token == "-":  # noqa: S105 - a minus sign, not a password
            return Negative(factor(depth + 1))
        if token == "(":  # noqa: S105 - a parenthesis
            node = expression(depth + 1)
            if peek() != ")":
                raise ExpressionError(_("A parenthesis is not closed."))
            take()
            return node
        if token.startswith("#{"):
            match = _OPERAND.match(token)
            if not match:
                raise ExpressionError(_("“%(part)s” is not a data element reference.") % {"part": token[:60]})
            return Operand(match.group(1), match.group(2))
        if token[0].isdigit():
            return Number(Decimal(token))
        raise ExpressionError(
            _("The formula has something Ronda does not understand near “%(part)s”.") % {"part": token}
        )

    node = expression(0)
    if position != len(tokens):
        raise ExpressionError(
            _("The formula has something Ronda does not understand near “%(part)s”.") % {"part": tokens[position]}
        )
    return node


def problem(text: str) -> str | None:
    """The reason a formula cannot be used, in Spanish, or None."""
    try:
        parse(text)
    except ExpressionError as error:
        return str(error)
    return None


def references(node: Node) -> set[Operand]:
    if isinstance(node, Operand):
        return {node}
    if isinstance(node, Binary):
        return references(node.left) | references(node.right)
    if isinstance(node, Negative):
        return references(node.operand)
    return set()


def evaluate(node: Node, value_of: Callable[[Operand], Decimal | None]) -> Decimal | None:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Operand):
        return value_of(node)
    if isinstance(node, Negative):
        inner = evaluate(node.operand, value_of)
        return -inner if inner is not None else None
    left = evaluate(node.left, value_of)
    right = evaluate(node.right, value_of)
    if left is None or right is None:
        return None
    try:
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        return left / right
    except (DivisionByZero, InvalidOperation, ZeroDivisionError):
        return None

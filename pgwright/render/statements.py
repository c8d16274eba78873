"""What each kind's operations register: the statements they render to, and the line that
describes them to a reviewer. One function per operation (functools.singledispatch); the
kinds' modules (pgwright/kinds/) hold the registrations."""

from __future__ import annotations

from dataclasses import dataclass
from functools import singledispatch

from pgwright.ops import Operation


@dataclass(frozen=True)
class Statement:
    """One SQL statement and what a reviewer or runner must know about it."""

    sql: str
    transactional: bool = True  # False: must run outside a transaction block
    destructive: bool = False
    comment: str | None = None
    # Said in the DESTRUCTIVE marker; most destructive statements remove an object.
    why_destructive: str = "removes something the spec no longer declares"


@singledispatch
def render_operation(operation: Operation) -> list[Statement]:
    """The statements of one operation, each safe to run twice."""
    raise NotImplementedError(f"no renderer for {type(operation).__name__}")


@singledispatch
def describe(operation: Operation) -> str:
    """One line saying what an operation does: ``create table public.orders``."""
    words = []
    for char in type(operation).__name__:
        if char.isupper() and words:
            words.append(" ")
        words.append(char.lower())
    return f"{''.join(words)} {operation.subject}"


def rebuilt_note(operation) -> str | None:
    """The reviewer's note on an unchanged object dropped to be created again."""
    if operation.rebuilt_because is None:
        return None
    return f"dropped to be created again: {operation.rebuilt_because}"

"""Lint rules as data, and the one registry that holds them.

A rule is its code, severity, one-line summary, fix hint and docs page; the function that
finds its violations is registered next to it with :func:`rule`. ``RULES`` is the registry:
grep it, list it (``pgwright lint --list-rules``), document it (docs/lint.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pgwright.lint.context import LintContext

DOCS_PAGE = "docs/lint.md"


class Severity(str, Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


@dataclass(frozen=True)
class Location:
    """Where in the spec an object is written."""

    file: str
    line: int | None = None
    path: str = ""

    @classmethod
    def from_origin(cls, origin: str | None) -> Location | None:
        """``"schema.yaml:42 tables.orders"`` (a model object's origin) -> a Location."""
        if not origin:
            return None
        place, _, path = origin.partition(" ")
        file, _, line = place.rpartition(":")
        if not file or not line.isdigit():
            return None
        return cls(file=file, line=int(line), path=path)


@dataclass(frozen=True)
class Violation:
    """What a rule's check yields: the object, a stable message, where it is written."""

    object: str
    message: str
    origin: str | None = None


@dataclass(frozen=True)
class Rule:
    code: str  # stable: TEN001, RLS004...
    name: str  # a slug: missing-tenant-column
    severity: Severity
    summary: str  # what the rule finds, one line
    hint: str  # how to fix it
    family: str  # tenancy, rls, functions, references, lint
    check: Callable[[LintContext], Iterable[Violation]] | None = None

    @property
    def docs(self) -> str:
        return f"{DOCS_PAGE}#{self.code.lower()}-{self.name}"


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: Severity, family: str, summary: str, hint: str):
    """Register the decorated function as the check of a new rule; a code used twice raises."""

    def register(check: Callable[[LintContext], Iterable[Violation]]):
        add_rule(Rule(code, name, severity, summary, hint, family, check))
        return check

    return register


def add_rule(new: Rule) -> Rule:
    if new.code in RULES:
        raise ValueError(f"lint rule {new.code} is registered twice")
    RULES[new.code] = new
    return new

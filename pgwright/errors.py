"""The one exception hierarchy of pgwright.

The library raises these; only ``cli.py`` turns them into messages and exit codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class PgwrightError(Exception):
    """Base of every error pgwright raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec, located as precisely as the loader could.

    ``path`` is the dotted key path (``tables.orders.columns.customer_id``); ``line`` is
    1-based, or None when the problem concerns the document as a whole.
    """

    message: str
    path: str = ""
    line: int | None = None
    file: str = ""
    suggestion: str | None = None
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = self.file or "<spec>"
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        if self.suggestion:
            text += f" ({self.suggestion})"
        return text


class SpecError(PgwrightError):
    """The spec is malformed or inconsistent. Carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.severity == "error"]
        self.warnings = [p for p in problems if p.severity != "error"]
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the spec"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


class ConnectionFailed(PgwrightError):
    """The database could not be reached."""


class IntrospectionError(PgwrightError):
    """The live catalog could not be read or understood."""


class PlanError(PgwrightError):
    """The spec cannot be reached from the database state (for example an invalid expression).

    ``problems`` locates in the spec what the server refused, when that is known: a role it
    lacks is reported at the line that names the role. They follow the message, one a line.
    """

    def __init__(self, message: str, problems: Sequence[Problem] = ()):
        self.problems = tuple(problems)
        super().__init__(message + "".join(f"\n  {problem}" for problem in self.problems))


class UnsafePlanError(PgwrightError):
    """The plan was refused because it is unsafe (destructive, or would fail on existing data).

    ``findings`` lists the violating rows, when that is the reason.
    """

    def __init__(self, message: str, findings=()):
        super().__init__(message)
        self.findings = tuple(findings)


class PreflightRefused(UnsafePlanError):
    """A migration stopped at its preflight guard: existing rows violate what it adds, and
    nothing of it was applied."""


class MigrationError(PgwrightError):
    """A migration failed to run, or the migrations folder is inconsistent."""


class PendingMigrationsError(MigrationError):
    """Migrations exist on disk that the database has not applied yet."""


class RevisionConflictError(MigrationError):
    """Two migrations share a revision number (two branches each generated one).

    ``groups`` holds each set of migrations sharing a number.
    """

    def __init__(self, message: str, groups=()):
        super().__init__(message)
        self.groups = tuple(groups)

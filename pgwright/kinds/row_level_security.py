"""Whether a table's row level security is enabled, and forced on its owner."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pgwright.kinds.registry import Kind
from pgwright.model import Table
from pgwright.ops import Access, Action, ObjectKey, Operation, TableOperation
from pgwright.render.ddl import alter_table
from pgwright.render.statements import Statement, describe, render_operation


@dataclass(frozen=True)
class SetRowLevelSecurity(TableOperation, kind="row_level_security", action=Action.CHANGE):
    enabled: bool

    @property
    def target(self) -> ObjectKey:
        return ("row level security", self.schema, self.table)

    @property
    def security(self) -> Access:
        return Access.NARROWS if self.enabled else Access.WIDENS


@dataclass(frozen=True)
class SetForceRowLevelSecurity(TableOperation, kind="row_level_security", action=Action.CHANGE):
    """FORCE makes the table owner subject to the policies too."""

    forced: bool

    @property
    def target(self) -> ObjectKey:
        return ("row level security", self.schema, self.table, "forced")

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.table)

    @property
    def security(self) -> Access:
        return Access.NARROWS if self.forced else Access.WIDENS


def compare_row_level_security(spec: Table, live: Table) -> Iterator[Operation]:
    wanted, current = spec.row_level_security, live.row_level_security
    if wanted.enabled != current.enabled:
        yield SetRowLevelSecurity(spec.schema, spec.name, wanted.enabled)
    if wanted.forced != current.forced:
        yield SetForceRowLevelSecurity(spec.schema, spec.name, wanted.forced)


@render_operation.register
def _(operation: SetRowLevelSecurity) -> list[Statement]:
    action = "ENABLE" if operation.enabled else "DISABLE"
    return [Statement(f"{alter_table(operation)} {action} ROW LEVEL SECURITY")]


@render_operation.register
def _(operation: SetForceRowLevelSecurity) -> list[Statement]:
    action = "FORCE" if operation.forced else "NO FORCE"
    return [Statement(f"{alter_table(operation)} {action} ROW LEVEL SECURITY")]


@describe.register
def _(operation: SetRowLevelSecurity) -> str:
    return f"{'enable' if operation.enabled else 'disable'} row level security {operation.subject}"


@describe.register
def _(operation: SetForceRowLevelSecurity) -> str:
    return f"{'force' if operation.forced else 'stop forcing'} row level security {operation.subject}"


KIND = Kind("row_level_security", compare_table=compare_row_level_security)

"""Foreign keys, with their ON DELETE and ON UPDATE rules and declared orphan resolutions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pgwright.kinds.constraint import add_constraint_statements, drop_constraint_statements
from pgwright.kinds.keyed import replace_by_name
from pgwright.kinds.registry import Kind
from pgwright.model import ForeignKey, Table
from pgwright.names import qualified, quote_ident
from pgwright.ops import (
    Action,
    ObjectKey,
    Operation,
    Rebuildable,
    TableOperation,
    constraint_key,
    relation_key,
)
from pgwright.render.checks import orphan_condition
from pgwright.render.statements import Statement, rebuilt_note, render_operation


@dataclass(frozen=True)
class AddForeignKey(TableOperation, kind="foreign_key", action=Action.CREATE):
    foreign_key: ForeignKey
    # On an existing table: added NOT VALID, validated in its own step, so writers are
    # blocked only for a moment.
    online: bool = False

    @property
    def target(self) -> ObjectKey:
        return constraint_key(self.schema, self.table, self.foreign_key.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        fk = self.foreign_key
        return (relation_key(self.schema, self.table),
                relation_key(fk.target_schema, fk.target_table))


@dataclass(frozen=True)
class DropForeignKey(Rebuildable, TableOperation, kind="foreign_key", action=Action.DROP):
    """Drop a foreign key: the one the database has, as the plan found it (replaced: with a
    new definition, or because what it stands on changes)."""

    foreign_key: ForeignKey

    @property
    def name(self) -> str:
        return self.foreign_key.name

    @property
    def target(self) -> ObjectKey:
        return constraint_key(self.schema, self.table, self.name)


def compare_foreign_keys(spec: Table, live: Table) -> Iterator[Operation]:
    yield from replace_by_name(
        spec.foreign_keys, live.foreign_keys,
        lambda item, replaced: DropForeignKey(spec.schema, spec.name, item, replaced=replaced),
        lambda item: AddForeignKey(spec.schema, spec.name, item, online=True))


@render_operation.register
def _(operation: AddForeignKey) -> list[Statement]:
    fk = operation.foreign_key
    cleanup = []
    if fk.orphans is not None and operation.online:
        # Declared resolution: clean exactly the violating rows, in the same transaction,
        # right before the key is added.
        table = qualified(operation.schema, operation.table)
        condition = orphan_condition(fk)
        if fk.orphans == "delete":
            sql = f"DELETE FROM {table} c WHERE {condition}"
        else:
            assignments = ", ".join(f"{quote_ident(c)} = NULL" for c in fk.columns)
            sql = f"UPDATE {table} c SET {assignments} WHERE {condition}"
        cleanup.append(Statement(sql, comment=f"orphans: {fk.orphans} (declared in the spec)"))
    return cleanup + add_constraint_statements(operation, fk, operation.online)


@render_operation.register
def _(operation: DropForeignKey) -> list[Statement]:
    return drop_constraint_statements(operation, operation.foreign_key, rebuilt_note(operation))


KIND = Kind("foreign_key", compare_table=compare_foreign_keys)

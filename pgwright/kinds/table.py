"""Tables as wholes: created with their columns and keys, renamed, dropped."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from pgwright.kinds.comment import SetComment
from pgwright.kinds.constraint import AddConstraint
from pgwright.kinds.foreign_key import AddForeignKey, DropForeignKey
from pgwright.kinds.index import CreateIndex
from pgwright.kinds.keyed import keyed_diff
from pgwright.kinds.policy import CreatePolicy
from pgwright.kinds.registry import Kind
from pgwright.kinds.row_level_security import SetForceRowLevelSecurity, SetRowLevelSecurity
from pgwright.kinds.trigger import CreateTrigger
from pgwright.model import Catalog, Table
from pgwright.names import qualified, quote_ident, quote_literal
from pgwright.ops import Action, ObjectKey, Operation, TableOperation, relation_key
from pgwright.render.ddl import create_table_body, guarded, uniques_create_table_folds
from pgwright.render.statements import Statement, render_operation


@dataclass(frozen=True)
class CreateTable(Operation, kind="table", action=Action.CREATE):
    """Columns, primary key, unique and check constraints; FKs and indexes come later."""

    table: Table

    @property
    def target(self) -> ObjectKey:
        return relation_key(*self.table.key)

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        # the table, and the indexes of its keys, which take the keys' names
        schema = self.table.schema
        return (relation_key(schema, self.table.name),
                *(relation_key(schema, key.name) for key in self.table.key_constraints))


@dataclass(frozen=True)
class DropTable(TableOperation, kind="table", action=Action.DROP):
    # The plan gives the name to an index (or a key constraint's): the table is dropped only
    # while the name is a table's, so that a second run cannot reach the index.
    name_reused: bool = False


@dataclass(frozen=True)
class RenameTable(TableOperation, kind="table", action=Action.RENAME):
    """ALTER TABLE old RENAME TO new (``table`` is the old name): the rows stay."""

    new_name: str

    @property
    def renamed_target(self) -> ObjectKey:
        return relation_key(self.schema, self.new_name)


def create_table_operations(table: Table) -> Iterator[Operation]:
    """Everything that makes a new table: the table, then its FKs, indexes, triggers,
    policies, row-level security and comments."""
    yield CreateTable(table)
    for fk in table.foreign_keys:
        yield AddForeignKey(table.schema, table.name, fk)
    for index in table.indexes:
        yield CreateIndex(table.schema, table.name, index)
    for trigger in table.triggers:
        yield CreateTrigger(table.schema, table.name, trigger)
    for policy in table.policies:
        yield CreatePolicy(table.schema, table.name, policy)
    if table.row_level_security.enabled:
        yield SetRowLevelSecurity(table.schema, table.name, True)
    if table.row_level_security.forced:
        yield SetForceRowLevelSecurity(table.schema, table.name, True)
    if table.comment is not None:
        yield SetComment("TABLE", table.key, table.comment)
    for column in table.columns:
        if column.comment is not None:
            yield SetComment("COLUMN", (*table.key, column.name), column.comment)


def compare_tables(spec: Catalog, live: Catalog) -> Iterator[Operation]:
    # Tables in schemas the spec does not manage were never read; nothing to drop there.
    result = keyed_diff(spec.tables, live.tables, key=lambda t: t.key)
    for table in result.added:
        yield from create_table_operations(table)
    for table in result.removed:
        # Its foreign keys go first: another dropped table may be what they reference.
        for fk in table.foreign_keys:
            yield DropForeignKey(table.schema, table.name, fk, replaced=True)
        yield DropTable(table.schema, table.name)
    # A table both have is compared by each kind of its parts (diff.diff).


@render_operation.register
def _(operation: CreateTable) -> list[Statement]:
    table = operation.table
    statements = [Statement(f"CREATE TABLE IF NOT EXISTS {qualified(table.schema, table.name)} "
                            + create_table_body(table))]
    for unique in uniques_create_table_folds(table):
        add, *rest = render_operation(AddConstraint(table.schema, table.name, unique))
        statements += [replace(add, comment=f"{unique.name} repeats the columns of an earlier "
                                            "key: CREATE TABLE would leave it out"), *rest]
    return statements


@render_operation.register
def _(operation: DropTable) -> list[Statement]:
    name = qualified(operation.schema, operation.table)
    if not operation.name_reused:
        return [Statement(f"DROP TABLE IF EXISTS {name}", destructive=True)]
    # DROP TABLE IF EXISTS fails on an index of that name ("is not a table")
    table = ("EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE oid = "
             f"pg_catalog.to_regclass({quote_literal(name)}) AND relkind IN ('r', 'p'))")
    return [Statement(guarded(table, f"DROP TABLE {name}"), destructive=True,
                      comment=f"the plan gives the name {operation.table} to an index: the "
                              "table is dropped only while the name is a table's")]


@render_operation.register
def _(operation: RenameTable) -> list[Statement]:
    old, new = qualified(operation.schema, operation.table), qualified(operation.schema,
                                                                        operation.new_name)
    # Idempotent: only while the old name exists and the new one does not.
    condition = (f"pg_catalog.to_regclass({quote_literal(old)}) IS NOT NULL AND "
                 f"pg_catalog.to_regclass({quote_literal(new)}) IS NULL")
    return [Statement(guarded(condition, f"ALTER TABLE {old} RENAME TO "
                                          f"{quote_ident(operation.new_name)}"))]


KIND = Kind("table", compare=compare_tables)

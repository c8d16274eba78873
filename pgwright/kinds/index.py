"""Indexes: built CONCURRENTLY on existing tables, dropped, renamed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from pgwright.kinds.keyed import keyed_diff
from pgwright.kinds.registry import Kind
from pgwright.model import Index, Table
from pgwright.names import qualified, quote_ident, quote_literal
from pgwright.ops import (
    Action,
    ObjectKey,
    Operation,
    Rebuildable,
    RenameRelation,
    TableOperation,
    relation_key,
)
from pgwright.render.ddl import create_index_sql, guarded
from pgwright.render.statements import Statement, rebuilt_note, render_operation


@dataclass(frozen=True)
class CreateIndex(TableOperation, kind="index", action=Action.CREATE):
    index: Index
    # On an existing table: CREATE INDEX CONCURRENTLY, outside the transaction.
    online: bool = False

    @property
    def target(self) -> ObjectKey:
        return relation_key(self.schema, self.index.name)


@dataclass(frozen=True)
class DropIndex(Rebuildable, Operation, kind="index", action=Action.DROP):
    schema: str
    name: str
    online: bool = False
    # The plan gives the name to a table or a key constraint (its index takes the name): the
    # index is moved aside first, so that a second run cannot reach the new object by name.
    name_reused: bool = False

    @property
    def target(self) -> ObjectKey:
        return relation_key(self.schema, self.name)


@dataclass(frozen=True)
class RenameIndex(RenameRelation, kind="index", action=Action.RENAME):
    """ALTER INDEX old RENAME TO new: the index is kept, not rebuilt."""


def compare_indexes(spec: Table, live: Table) -> Iterator[Operation]:
    result = keyed_diff(spec.indexes, live.indexes, key=lambda i: i.name)
    # The table exists and may be large: indexes are built and dropped CONCURRENTLY.
    for index in result.removed:
        yield DropIndex(spec.schema, index.name, online=True)
    for index, _ in result.changed:
        yield DropIndex(spec.schema, index.name, online=True, replaced=True)
        yield CreateIndex(spec.schema, spec.name, index, online=True)
    for index in result.added:
        yield CreateIndex(spec.schema, spec.name, index, online=True)


@render_operation.register
def _(operation: CreateIndex) -> list[Statement]:
    index = operation.index
    if not operation.online:
        return [Statement(create_index_sql(operation.schema, operation.table, index))]
    name = qualified(operation.schema, index.name)
    # A failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind, which IF NOT EXISTS
    # would take for success: drop such a leftover first.
    leftover = ("EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = "
                f"pg_catalog.to_regclass({quote_literal(name)}) AND NOT indisvalid)")
    return [
        Statement(guarded(leftover, f"DROP INDEX {name}")),
        Statement(create_index_sql(operation.schema, operation.table, index, concurrently=True),
                  transactional=False, comment="built CONCURRENTLY: writers are not blocked"),
    ]


def set_aside_name(schema: str, name: str) -> str:
    """The name an index is moved to before it is dropped, when its own name passes to
    another object: pgwright's, and the same on every run of the migration."""
    digest = hashlib.sha1(f"{schema}.{name}".encode()).hexdigest()[:12]
    return f"pgwright_dropped_{digest}"


@render_operation.register
def _(operation: DropIndex) -> list[Statement]:
    statements = []
    name = qualified(operation.schema, operation.name)
    if operation.name_reused:
        # A guard cannot hold DROP INDEX CONCURRENTLY (no transaction block), but it can hold
        # a rename: the index goes aside while it is still the plain index the plan found.
        plain_index = ("EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indexrelid = "
                       f"pg_catalog.to_regclass({quote_literal(name)}) AND NOT EXISTS ("
                       "SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = "
                       "i.indexrelid AND c.contype IN ('p', 'u', 'x')))")
        aside = set_aside_name(operation.schema, operation.name)
        statements.append(Statement(
            guarded(plain_index, f"ALTER INDEX {name} RENAME TO {quote_ident(aside)}"),
            comment=f"the plan gives the name {operation.name} to another object: the index "
                    "is renamed aside, then dropped"))
        name = qualified(operation.schema, aside)
    concurrently = "CONCURRENTLY " if operation.online else ""
    return statements + [Statement(f"DROP INDEX {concurrently}IF EXISTS {name}",
                                   destructive=operation.destructive,
                                   transactional=not operation.online,
                                   comment=rebuilt_note(operation))]


@render_operation.register
def _(operation: RenameIndex) -> list[Statement]:
    return [Statement(f"ALTER INDEX IF EXISTS {qualified(operation.schema, operation.name)} "
                      f"RENAME TO {quote_ident(operation.new_name)}")]


KIND = Kind("index", compare_table=compare_indexes)

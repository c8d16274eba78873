"""Primary keys, unique and check constraints."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pgwright.kinds.keyed import replace_by_name
from pgwright.kinds.registry import Kind
from pgwright.model import CheckConstraint, ForeignKey, PrimaryKey, Table, UniqueConstraint
from pgwright.names import qualified, quote_ident, quote_literal
from pgwright.ops import (
    Action,
    ObjectKey,
    Operation,
    Rebuildable,
    TableOperation,
    constraint_key,
    relation_key,
)
from pgwright.render.ddl import alter_table, constraint_clause, constraint_exists, guarded
from pgwright.render.statements import Statement, rebuilt_note, render_operation

KeyConstraint = PrimaryKey | UniqueConstraint | CheckConstraint


def _constraint_keys(schema: str, table: str, constraint) -> tuple[ObjectKey, ...]:
    """A constraint's name on its table, and for a key the name of its index."""
    keys = (constraint_key(schema, table, constraint.name),)
    if isinstance(constraint, PrimaryKey | UniqueConstraint):
        keys += (relation_key(schema, constraint.name),)
    return keys


@dataclass(frozen=True)
class AddConstraint(TableOperation, kind="constraint", action=Action.CREATE):
    constraint: KeyConstraint
    # A CHECK on an existing table: added NOT VALID, validated in its own step.
    online: bool = False

    @property
    def target(self) -> ObjectKey:
        return constraint_key(self.schema, self.table, self.constraint.name)

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        return _constraint_keys(self.schema, self.table, self.constraint)


@dataclass(frozen=True)
class DropConstraint(Rebuildable, TableOperation, kind="constraint", action=Action.DROP):
    """Drop a key or check constraint: the one the database has, as the plan found it."""

    constraint: KeyConstraint

    @property
    def name(self) -> str:
        return self.constraint.name

    @property
    def target(self) -> ObjectKey:
        return constraint_key(self.schema, self.table, self.name)

    @property
    def removes(self) -> tuple[ObjectKey, ...]:
        return _constraint_keys(self.schema, self.table, self.constraint)


@dataclass(frozen=True)
class RenameConstraint(TableOperation, kind="constraint", action=Action.RENAME):
    name: str
    new_name: str

    @property
    def target(self) -> ObjectKey:
        return constraint_key(self.schema, self.table, self.name)

    @property
    def renamed_target(self) -> ObjectKey:
        return constraint_key(self.schema, self.table, self.new_name)


def compare_primary_key(spec: Table, live: Table) -> Iterator[Operation]:
    if spec.primary_key == live.primary_key:
        return
    if live.primary_key is not None:
        yield DropConstraint(spec.schema, spec.name, live.primary_key,
                                 replaced=spec.primary_key is not None)
    if spec.primary_key is not None:
        yield AddConstraint(spec.schema, spec.name, spec.primary_key)


def _replace_constraints(spec: Table, spec_items, live_items) -> Iterator[Operation]:
    yield from replace_by_name(
        spec_items, live_items,
        lambda item, replaced: DropConstraint(spec.schema, spec.name, item, replaced=replaced),
        lambda item: AddConstraint(spec.schema, spec.name, item, online=True))


def compare_uniques(spec: Table, live: Table) -> Iterator[Operation]:
    yield from _replace_constraints(spec, spec.uniques, live.uniques)


def compare_checks(spec: Table, live: Table) -> Iterator[Operation]:
    yield from _replace_constraints(spec, spec.checks, live.checks)


def add_constraint_statements(operation: TableOperation, constraint, online: bool) -> list[Statement]:
    """A guarded ADD CONSTRAINT; online, as NOT VALID followed by VALIDATE in its own step.

    NOT VALID takes its lock only for a moment; VALIDATE scans the table while writers go
    on, and is a no-op when the constraint is already valid, so both stay idempotent.
    """
    name = quote_ident(constraint.name)
    body = f"{alter_table(operation)} ADD CONSTRAINT {name} " + constraint_clause(constraint)
    condition = "NOT " + constraint_exists(operation.schema, operation.table, constraint.name)
    if not online:
        return [Statement(guarded(condition, body))]
    return [
        Statement(guarded(condition, body + " NOT VALID")),
        Statement(f"{alter_table(operation)} VALIDATE CONSTRAINT {name}", transactional=False,
                  comment="validated outside the transaction: writers are not blocked"),
    ]


@render_operation.register
def _(operation: AddConstraint) -> list[Statement]:
    online = operation.online and isinstance(operation.constraint, CheckConstraint)
    return add_constraint_statements(operation, operation.constraint, online)


_CONSTRAINT_KINDS = {PrimaryKey: "p", UniqueConstraint: "u", CheckConstraint: "c",
                     ForeignKey: "f"}


def _constraint_still_there(schema: str, table: str, constraint) -> str:
    """That ``constraint`` exists as the plan found it: by name, kind and key columns.

    A constraint the plan itself adds under the same name (a primary key on other columns, a
    check turned unique key) does not match, so a second run leaves it, and what depends on
    it, alone. A table dropped since matches nothing (to_regclass gives NULL).
    """
    condition = (f"c.conrelid = pg_catalog.to_regclass({quote_literal(qualified(schema, table))})"
                 f" AND c.conname = {quote_literal(constraint.name)} AND c.contype = "
                 f"'{_CONSTRAINT_KINDS[type(constraint)]}'")
    if not isinstance(constraint, CheckConstraint):
        names = ", ".join(quote_literal(column) for column in constraint.columns)
        condition += (" AND ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.conkey) WITH "
                      "ORDINALITY AS k(attnum, position) JOIN pg_catalog.pg_attribute a ON "
                      "a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.position) = "
                      f"ARRAY[{names}]::pg_catalog.name[]")
    return f"EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE {condition})"


def drop_constraint_statements(operation, constraint, comment: str | None = None) -> list[Statement]:
    condition = _constraint_still_there(operation.schema, operation.table, constraint)
    body = f"{alter_table(operation)} DROP CONSTRAINT {quote_ident(constraint.name)}"
    return [Statement(guarded(condition, body), destructive=operation.destructive,
                      comment=comment)]


@render_operation.register
def _(operation: DropConstraint) -> list[Statement]:
    return drop_constraint_statements(operation, operation.constraint, rebuilt_note(operation))


@render_operation.register
def _(operation: RenameConstraint) -> list[Statement]:
    condition = (constraint_exists(operation.schema, operation.table, operation.name)
                 + " AND NOT "
                 + constraint_exists(operation.schema, operation.table, operation.new_name))
    body = (f"{alter_table(operation)} RENAME CONSTRAINT {quote_ident(operation.name)} TO "
            f"{quote_ident(operation.new_name)}")
    return [Statement(guarded(condition, body))]


def compare_constraints(spec: Table, live: Table) -> Iterator[Operation]:
    """Primary key, unique constraints, then checks."""
    yield from compare_primary_key(spec, live)
    yield from compare_uniques(spec, live)
    yield from compare_checks(spec, live)


KIND = Kind("constraint", compare_table=compare_constraints)

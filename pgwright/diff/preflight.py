"""Which existing rows a plan's operations could find violating what they add: the data
checks a plan runs before it changes anything. Pure: from operations and the live model; the
checks' SQL is rendered by render/checks.py, and they run in introspect/violations.py."""

from __future__ import annotations

from pgwright.checks import (
    DataCheck,
    check_constraint_check,
    conversion_check,
    foreign_key_check,
    has_columns,
    length_check,
    needs_value_check,
    not_null_check,
    row_key,
    unique_check,
)
from pgwright.kinds.column import AddColumn, AlterColumnType, SetColumnNullable
from pgwright.kinds.constraint import AddConstraint
from pgwright.kinds.foreign_key import AddForeignKey
from pgwright.kinds.index import CreateIndex
from pgwright.model import Catalog, CheckConstraint, PrimaryKey, Table, UniqueConstraint, as_written


def checks_for_operations(operations, live: Catalog) -> list[DataCheck]:
    """The data checks a plan's operations need: only where existing rows can violate."""
    live_tables = live.tables_by_key()
    # Tables whose columns this plan adds or retypes: a check written against the new state
    # cannot be counted on the old one (and its rows change under the plan anyway).
    reshaped = {(o.schema, o.table) for o in operations
                if isinstance(o, AddColumn | AlterColumnType)}
    checks: list[DataCheck] = []
    for operation in operations:
        # an operation that knows which rows it could find violating carries its checks
        # (a domain's new check or NOT NULL: the rows of every column of the domain)
        checks.extend(getattr(operation, "preflight", ()))
        key = (getattr(operation, "schema", None), getattr(operation, "table", None))
        table = live_tables.get(key)
        if table is None:
            continue  # a table this plan creates has no rows yet
        if key in reshaped and not isinstance(operation, AddForeignKey | AddColumn
                                              | SetColumnNullable | AlterColumnType):
            continue
        if isinstance(operation, AddForeignKey) and _already_holds(
                operation.foreign_key, table, reshaped):
            continue
        checks.extend(_checks_for(operation, table, live_tables))
    return checks


def _already_holds(fk, table: Table, reshaped: set) -> bool:
    """Whether a validated foreign key of the live table already guarantees every row
    satisfies ``fk``: the same columns referencing the same columns, neither side retyped.
    Such a key is dropped and added again (a new ON DELETE rule, a key it rests on rebuilt);
    counting orphans would scan the table to find none."""
    if (table.schema, table.name) in reshaped or (fk.target_schema, fk.target_table) in reshaped:
        return False
    return any(live.validated and live.columns == fk.columns
               and (live.target_schema, live.target_table, live.target_columns)
               == (fk.target_schema, fk.target_table, fk.target_columns)
               for live in table.foreign_keys)


def _checks_for(operation, table: Table, live_tables) -> list[DataCheck]:
    schema, name = table.key
    if isinstance(operation, AddForeignKey):
        fk = operation.foreign_key
        if not has_columns(table, fk.columns):
            return []  # new columns: NULL in every existing row
        target = live_tables.get((fk.target_schema, fk.target_table))
        # a target column this plan adds holds no keys yet: every non-null value is an orphan
        target_exists = target is not None and has_columns(target, fk.target_columns)
        return [foreign_key_check(schema, name, fk, target_exists, fk.orphans)]
    if isinstance(operation, AlterColumnType):
        if table.column(operation.column) is None:
            return []
        if operation.converts:
            return [conversion_check(schema, name, operation.column, operation.to_type)]
        if (narrowed := length_check(schema, name, operation.column, operation.to_type,
                                     operation.from_type)):
            return [narrowed]
        return []
    if isinstance(operation, SetColumnNullable) and not operation.nullable:
        return [not_null_check(schema, name, operation.column, f"{operation.column} NOT NULL",
                               row_key(table))]
    if isinstance(operation, AddColumn):
        column = operation.definition
        if not column.nullable and column.default is None and column.identity is None \
                and column.generated is None and not column.serial:
            return [needs_value_check(schema, name, column.name, row_key(table))]
        return []
    if isinstance(operation, AddConstraint):
        constraint = operation.constraint
        if isinstance(constraint, PrimaryKey | UniqueConstraint):
            if not has_columns(table, constraint.columns):
                return []
            found = [unique_check(schema, name, constraint.columns, constraint.name)]
            if isinstance(constraint, PrimaryKey):
                found += [not_null_check(schema, name, c, constraint.name, row_key(table))
                          for c in constraint.columns]
            return found
        if isinstance(constraint, CheckConstraint):
            return [check_constraint_check(schema, name, constraint, row_key(table))]
    if isinstance(operation, CreateIndex) and operation.index.unique:
        columns = operation.index.columns
        if columns is not None and has_columns(table, columns):
            return [unique_check(schema, name, columns, operation.index.name,
                                 as_written(operation.index).where)]
    return []

"""Data checks: which rows would violate a constraint a plan adds, or a reference declares.

A check is data: what it is about (code, table, constraint, columns, description) and which
rows violate it (a Violation: orphans of a foreign key, NULLs in a column...). The checks are
computed from operations (diff/preflight.py) and from the spec (here, for ``pgwright
orphans``), never from SQL text. render/checks.py turns them into the SQL that counts the
violating rows, shows a few, and stops a migration; introspect/violations.py runs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pgwright.model import Catalog, CheckConstraint, ForeignKey, Table, as_written

SAMPLE_LIMIT = 5


@dataclass(frozen=True)
class Violation:
    """Which rows of a table violate a check; each kind is rendered by render/checks.py."""

    schema: str
    table: str


@dataclass(frozen=True)
class Orphans(Violation):
    """Rows whose (non-null) key has no row in the referenced table; every row with a key
    when the referenced columns do not exist yet."""

    foreign_key: ForeignKey
    target_exists: bool = True


@dataclass(frozen=True)
class NullValues(Violation):
    column: str
    row_key: tuple[str, ...] = ()  # the columns a sample shows; () for ctid


@dataclass(frozen=True)
class EveryRow(Violation):
    """Every existing row: a new NOT NULL column without a default gets NULL in each."""

    row_key: tuple[str, ...] = ()


@dataclass(frozen=True)
class DuplicateKeys(Violation):
    columns: tuple[str, ...]
    where: str | None = None  # a partial unique index's predicate


@dataclass(frozen=True)
class FailingCheck(Violation):
    expression: str  # the spec's text, as the migration runs it
    row_key: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotConvertible(Violation):
    """Values whose text the new type does not read (the explicit cast a type change uses)."""

    column: str
    to_type: str


@dataclass(frozen=True)
class TooLong(Violation):
    column: str
    limit: int
    blank_padded: bool = False  # char(n) ignores trailing spaces when it checks the length


@dataclass(frozen=True)
class UnknownDiscriminator(Violation):
    discriminator: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class PolymorphicTarget:
    value: str | None  # the discriminator's value naming it, if there is a discriminator
    schema: str
    table: str
    column: str
    column_type: str | None = None


@dataclass(frozen=True)
class PolymorphicOrphans(Violation):
    """Rows whose reference is in none of its targets, or (with a discriminator) not in the
    one target its discriminator names."""

    column: str
    column_type: str | None
    targets: tuple[PolymorphicTarget, ...]
    discriminator: str | None = None


@dataclass(frozen=True)
class DataCheck:
    """Rows that would break one constraint, and what a reviewer reads about them."""

    code: str          # orphaned-rows | null-values | duplicate-keys | failing-check | ...
    table: str         # schema.table
    constraint: str    # what is being added or declared
    columns: tuple[str, ...]
    description: str
    rows: Violation
    # False when the plan resolves the violations itself (orphans: delete | set_null): the
    # count then says how many rows the migration will touch.
    blocking: bool = True
    # Guarded by the plan's first statement; False when the statement it protects checks it
    # itself, just before it runs (a conversion to a type the plan creates first).
    guard_first: bool = True


@dataclass(frozen=True)
class Finding:
    check: DataCheck
    count: int
    samples: tuple[tuple, ...]


RESOLUTIONS = {"delete": "orphans-deleted", "set_null": "orphans-set-null"}


def foreign_key_check(schema: str, table: str, fk, target_exists: bool = True,
                      resolution: str | None = None) -> DataCheck:
    """Orphans: rows whose (non-null) key has no row in the referenced table."""
    columns = ", ".join(fk.columns)
    description = (f"{table}({columns}) values with no row in "
                   f"{fk.target_table}({', '.join(fk.target_columns)})")
    if resolution == "delete":
        description += ": these rows will be deleted"
    elif resolution == "set_null":
        description += f": {columns} will be set to NULL"
    return DataCheck(
        code=RESOLUTIONS.get(resolution, "orphaned-rows"), table=f"{schema}.{table}",
        constraint=fk.name, columns=fk.columns, description=description,
        rows=Orphans(schema, table, fk, target_exists), blocking=resolution is None)


def row_key(table: Table) -> tuple[str, ...]:
    """What a sample shows of a row: its primary key's columns, so that a reviewer can find
    it; () for ``ctid`` (its physical position), for a table without one."""
    key = table.primary_key
    if key is None or not all(table.column(c) is not None for c in key.columns):
        return ()
    return tuple(key.columns)


def not_null_check(schema: str, table: str, column: str, constraint: str,
                   key: tuple[str, ...] = ()) -> DataCheck:
    return DataCheck(
        code="null-values", table=f"{schema}.{table}", constraint=constraint, columns=(column,),
        description=f"rows where {column} is NULL", rows=NullValues(schema, table, column, key))


def needs_value_check(schema: str, table: str, column: str,
                      key: tuple[str, ...] = ()) -> DataCheck:
    return DataCheck(
        code="rows-need-a-value", table=f"{schema}.{table}",
        constraint=f"{column} NOT NULL", columns=(column,),
        description=f"existing rows would get NULL in the new NOT NULL column {column} "
                    "(give it a default)",
        rows=EveryRow(schema, table, key))


def unique_check(schema: str, table: str, columns, constraint: str,
                 where: str | None = None) -> DataCheck:
    return DataCheck(
        code="duplicate-keys", table=f"{schema}.{table}", constraint=constraint,
        columns=tuple(columns), description=f"groups of rows sharing ({', '.join(columns)})",
        rows=DuplicateKeys(schema, table, tuple(columns), where))


def check_constraint_check(schema: str, table: str, check: CheckConstraint,
                           key: tuple[str, ...] = ()) -> DataCheck:
    expression = as_written(check).expression  # the spec's text, as the migration runs it
    return DataCheck(
        code="failing-check", table=f"{schema}.{table}", constraint=check.name, columns=(),
        description=f"rows failing CHECK ({expression})",
        rows=FailingCheck(schema, table, expression, key))


def conversion_check(schema: str, table: str, column: str, to_type: str) -> DataCheck:
    """Rows whose value of ``column`` would not convert to ``to_type`` by the explicit cast
    a type change uses (the value's text, read by the new type)."""
    return DataCheck(
        code="values-not-convertible", table=f"{schema}.{table}",
        constraint=f"{column} TYPE {to_type}", columns=(column,),
        description=f"values of {column} that do not convert to {to_type}",
        rows=NotConvertible(schema, table, column, to_type), guard_first=False)


# A length-limited character type: the values longer than its limit make the type change
# fail (the assignment cast refuses them), so they are counted beforehand.
_LIMITED_CHARACTER_TYPE = re.compile(
    r"^(?P<kind>character varying|varchar|character|char|bpchar)\((?P<limit>\d+)\)$")


def length_check(schema: str, table: str, column: str, to_type: str,
                 from_type: str | None = None) -> DataCheck | None:
    """Rows whose value of ``column`` is longer than the limit of ``to_type`` (varchar(3),
    char(2)); None when ``to_type`` has no length limit, or when ``from_type`` has one no
    larger (a widening fails on no row)."""
    match = _LIMITED_CHARACTER_TYPE.match(to_type.strip().lower())
    if match is None:
        return None
    limit = int(match.group("limit"))
    before = _LIMITED_CHARACTER_TYPE.match((from_type or "").strip().lower())
    if before is not None and int(before.group("limit")) <= limit:
        return None
    blank_padded = match.group("kind") in ("character", "char", "bpchar")
    return DataCheck(
        code="values-too-long", table=f"{schema}.{table}",
        constraint=f"{column} TYPE {to_type}", columns=(column,),
        description=f"values of {column} longer than the {limit} characters of {to_type}",
        rows=TooLong(schema, table, column, limit, blank_padded))


def has_columns(table: Table, columns) -> bool:
    """Whether the live table has all of ``columns`` (a column the plan adds has no values)."""
    return all(table.column(c) is not None for c in columns)


def polymorphic_checks(table: Table, reference, spec: Catalog) -> list[DataCheck]:
    """Orphans of a reference that deliberately has no foreign key."""
    schema, name = table.key
    found = table.column(reference.column)
    column_type = found.type if found is not None else None

    def target(value, target_schema, target_table, target_column) -> PolymorphicTarget:
        target_spec = spec.table(target_schema, target_table)
        target_type = None
        if target_spec is not None and target_spec.column(target_column) is not None:
            target_type = target_spec.column(target_column).type
        return PolymorphicTarget(value, target_schema, target_table, target_column, target_type)

    label = f"{reference.column} (polymorphic)"
    if reference.discriminator:
        checks = [DataCheck(
            code="unknown-discriminator", table=f"{schema}.{name}", constraint=label,
            columns=(reference.discriminator,),
            description=f"{reference.discriminator} names no declared target",
            rows=UnknownDiscriminator(schema, name, reference.discriminator,
                                      tuple(value for value, *_ in reference.targets)))]
        for value, target_schema, target_table, target_column in reference.targets:
            checks.append(DataCheck(
                code="orphaned-rows", table=f"{schema}.{name}", constraint=label,
                columns=(reference.column,),
                description=f"{reference.discriminator} = '{value}' rows whose {reference.column} "
                            f"has no row in {target_table}({target_column})",
                rows=PolymorphicOrphans(
                    schema, name, reference.column, column_type,
                    (target(value, target_schema, target_table, target_column),),
                    reference.discriminator)))
        return checks
    names = ", ".join(f"{t[2]}({t[3]})" for t in reference.targets)
    return [DataCheck(
        code="orphaned-rows", table=f"{schema}.{name}", constraint=label,
        columns=(reference.column,),
        description=f"{reference.column} values found in none of {names}",
        rows=PolymorphicOrphans(schema, name, reference.column, column_type,
                                tuple(target(None, *t[1:]) for t in reference.targets)))]


def checks_for_spec(spec: Catalog, live: Catalog) -> list[DataCheck]:
    """Every reference the spec declares, as orphan checks: its foreign keys (whether the
    database has them, or has them NOT VALID, or not at all) and its polymorphic references.
    Tables or columns the database does not have yet are skipped: they hold no rows."""
    live_tables = live.tables_by_key()
    checks: list[DataCheck] = []
    for table in spec.tables:
        current = live_tables.get(table.key)
        if current is None:
            continue
        for fk in table.foreign_keys:
            if has_columns(current, fk.columns):
                target_exists = (fk.target_schema, fk.target_table) in live_tables \
                    or fk.target_schema not in spec.schema_names
                checks.append(foreign_key_check(table.schema, table.name, fk, target_exists))
        for reference in table.polymorphic:
            needed = [reference.column] + ([reference.discriminator] if reference.discriminator else [])
            targets_exist = all((t[1], t[2]) in live_tables for t in reference.targets)
            if has_columns(current, needed) and targets_exist:
                checks.extend(polymorphic_checks(current, reference, spec))
    return checks

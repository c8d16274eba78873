"""Columns of an existing table: added, dropped, renamed, and changed in type, default,
identity and nullability."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pgwright.checks import conversion_check
from pgwright.kinds.constraint import add_constraint_statements
from pgwright.kinds.keyed import keyed_diff
from pgwright.kinds.registry import Kind
from pgwright.model import CheckConstraint, Column, Identity, Table, as_written
from pgwright.names import (
    dollar_quote,
    make_object_name,
    qualified,
    quote_ident,
    quote_literal,
    truncate_identifier,
)
from pgwright.normalize import explicit_conversion
from pgwright.ops import Action, ObjectKey, Operation, TableOperation, column_key, relation_key
from pgwright.render.checks import guard_sql
from pgwright.render.ddl import (
    alter_table,
    collation_sql,
    column_definition,
    guarded,
    guarded_by_catalog,
    regclass_literal,
)
from pgwright.render.statements import Statement, describe, render_operation
from pgwright.sqlscript import referenced_names


@dataclass(frozen=True)
class ColumnOperation(TableOperation, kind="column"):
    column: str

    @property
    def target(self) -> ObjectKey:
        return column_key(self.schema, self.table, self.column)

    @property
    def order_within_kind(self) -> tuple:
        return _column_order(self, self.column)


def _column_order(operation: Operation, column: str) -> tuple:
    """A table's column changes read (and run) by what they do: new columns, type changes,
    defaults, identities, nullability; so a default is set once the type is the new one, and
    an identity is added to a column of its integer type."""
    return (operation.schema, operation.table,  # type: ignore[attr-defined]
            _COLUMN_CHANGES.index(type(operation).__name__), column)


_COLUMN_CHANGES = ("DropColumn", "RenameColumn", "AddColumn", "AlterColumnType",
                   "SetColumnDefault", "SetColumnIdentity", "SetColumnNullable")


@dataclass(frozen=True)
class ColumnChange(ColumnOperation, action=Action.CHANGE):
    """A change to a column in place: what is computed from the column comes after it.

    See _column_order for the order of the changes to one table's columns.
    """


@dataclass(frozen=True)
class AddColumn(TableOperation, kind="column", action=Action.CREATE):
    definition: Column

    @property
    def target(self) -> ObjectKey:
        return column_key(self.schema, self.table, self.definition.name)

    @property
    def order_within_kind(self) -> tuple:
        return _column_order(self, self.definition.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        # A generated column comes after the columns it is computed from: PostgreSQL refuses
        # to change the type of a column a generated column uses.
        computed_from = referenced_names(self.definition.generated or "")
        return (relation_key(self.schema, self.table),
                *(column_key(self.schema, self.table, name) for name in sorted(computed_from)
                  if name != self.definition.name))


@dataclass(frozen=True)
class DropColumn(ColumnOperation, action=Action.DROP):
    # Dropped only to be added again (a generated column's new expression): its values are
    # computed again from the other columns, nothing is lost.
    replaced: bool = False
    # The new generation expression, as the server prints it: a column that already has it
    # (the migration's second run) is not dropped again.
    unless_generated: str | None = None
    # (column, type): dropped around that column's type change, and only while the column
    # does not have that type yet (the migration's second run).
    unless_typed: tuple[str, str] | None = None
    # A generated column: the columns it is computed from, which PostgreSQL refuses to drop
    # while it is there.
    computed_from: tuple[str, ...] = ()

    @property
    def releases(self) -> tuple[ObjectKey, ...]:
        return tuple(column_key(self.schema, self.table, name) for name in self.computed_from)


@dataclass(frozen=True)
class AlterColumnType(ColumnChange):
    from_type: str
    to_type: str
    using: str | None = None
    # The USING is pgwright's explicit cast, not the spec's: a preflight counts the values
    # that would not convert before anything changes.
    converts: bool = False
    # A default is dropped before the change and set again after it, in the same statement:
    # PostgreSQL converts the old default too, and the old one may not convert ('new'::st).
    drop_default: bool = False
    default: str | None = None
    # The collation the column gets (None: its type's own), when it changes too.
    collation: str | None = None
    collation_changes: bool = False

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        """A conversion that can lose data: narrowing, or to a type that is not text."""
        from pgwright.normalize import widens

        return not widens(self.from_type, self.to_type)


@dataclass(frozen=True)
class SetColumnDefault(ColumnChange):
    default: str | None  # None drops the default
    # A column made serial: the sequence its default calls, created first (owned by the
    # column, starting after the column's largest value) when it is not there yet.
    serial_sequence: str | None = None
    serial_type: str = "integer"


@dataclass(frozen=True)
class SetColumnIdentity(ColumnChange):
    identity: Identity | None
    previous: Identity | None


@dataclass(frozen=True)
class SetColumnNullable(ColumnChange):
    nullable: bool
    # On a table that has rows, prove NOT NULL with a validated CHECK first, so SET NOT NULL
    # does not scan the table under an exclusive lock.
    online: bool = False


@dataclass(frozen=True)
class RenameColumn(ColumnOperation, action=Action.RENAME):
    new_name: str

    @property
    def renamed_target(self) -> ObjectKey:
        return column_key(self.schema, self.table, self.new_name)


def compare_columns(spec: Table, live: Table) -> Iterator[Operation]:
    result = keyed_diff(spec.columns, live.columns, key=lambda c: c.name)
    for column in result.added:
        yield AddColumn(spec.schema, spec.name, column)
    for column in result.removed:
        yield DropColumn(spec.schema, spec.name, column.name,
                             computed_from=computed_from(column))
    for column, current in result.changed:
        yield from _column_changes(spec, column, current)


def computed_from(column: Column) -> tuple[str, ...]:
    """The names a generated column's expression refers to (none for a plain column)."""
    return tuple(sorted(referenced_names(column.generated or ""))) if column.generated else ()


def _column_changes(table: Table, column: Column, current: Column) -> Iterator[Operation]:
    schema, name = table.key
    if column.generated != current.generated:
        # A generated expression cannot be altered in place before PostgreSQL 17. What rests
        # on the column goes with it and is made again (diff/dependencies.py).
        yield DropColumn(schema, name, column.name, replaced=True,
                             unless_generated=column.generated,
                             computed_from=computed_from(current))
        yield AddColumn(schema, name, column)
        return
    becomes_identity = column.identity is not None and current.identity is None
    if column.type != current.type or column.collation != current.collation:
        # The default goes with the type change, which must drop the old one first.
        using = column.using or explicit_conversion(quote_ident(column.name), current.type,
                                                    column.type)
        yield AlterColumnType(schema, name, column.name, current.type, column.type, using,
                                  converts=column.using is None and using is not None,
                                  drop_default=current.default is not None,
                                  default=as_written(column).default,
                                  collation=column.collation,
                                  collation_changes=column.collation != current.collation)
    elif column.default != current.default and not (becomes_identity and column.default is None):
        # (A column made an identity loses its default in the identity's own step.) The
        # spec's own text: the server's, run again, may not be stored as it was printed.
        yield SetColumnDefault(
            schema, name, column.name, as_written(column).default,
            serial_sequence=make_object_name(name, column.name, "seq") if column.serial else None,
            serial_type=column.type)
    if column.identity != current.identity:
        yield SetColumnIdentity(schema, name, column.name, column.identity, current.identity)
    if column.nullable != current.nullable:
        yield SetColumnNullable(schema, name, column.name, column.nullable, online=True)


@render_operation.register
def _(operation: AddColumn) -> list[Statement]:
    return [Statement(f"{alter_table(operation)} ADD COLUMN IF NOT EXISTS "
                      + column_definition(operation.definition))]


@render_operation.register
def _(operation: DropColumn) -> list[Statement]:
    sql = f"{alter_table(operation)} DROP COLUMN IF EXISTS {quote_ident(operation.column)}"
    if operation.unless_generated is not None:
        # A second run finds the column with its new expression and leaves it.
        column, wanted = operation.column, operation.unless_generated
        printed = "pg_catalog.pg_get_expr(d.adbin, d.adrelid)"
        source = ("pg_catalog.pg_attribute a JOIN pg_catalog.pg_attrdef d\n"
                  "      ON d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.attgenerated = 's'")
        comment = "added again with its new expression"
    elif operation.unless_typed is not None:
        # A second run finds the column it is computed from with its new type and leaves it.
        column, wanted = operation.unless_typed
        printed = "pg_catalog.format_type(a.atttypid, a.atttypmod)"
        source = "pg_catalog.pg_attribute a"
        comment = f"added again after {column} changes type, which PostgreSQL refuses under it"
    else:
        return [Statement(sql, destructive=operation.destructive)]
    select = (f"SELECT {printed} INTO printed\n    FROM {source}\n"
              "    WHERE a.attrelid = pg_catalog.to_regclass("
              f"{quote_literal(qualified(operation.schema, operation.table))})\n"
              f"      AND a.attname = {quote_literal(column)}")
    return [Statement(guarded_by_catalog("printed", "text", select,
                                         f"printed IS DISTINCT FROM {quote_literal(wanted)}", sql),
                      destructive=operation.destructive, comment=comment)]


@render_operation.register
def _(operation: AlterColumnType) -> list[Statement]:
    column = f"ALTER COLUMN {quote_ident(operation.column)}"
    change = f"{column} TYPE {operation.to_type}"
    if operation.collation_changes:
        change += f" COLLATE {collation_sql(operation.collation or 'default')}"
    if operation.using:
        change += f" USING {operation.using}"
    # One statement: PostgreSQL runs DROP DEFAULT before the type change, SET DEFAULT after.
    steps = [f"{column} DROP DEFAULT"] if operation.drop_default else []
    steps.append(change)
    if operation.default is not None:
        steps.append(f"{column} SET DEFAULT {operation.default}")
    sql = f"{alter_table(operation)} " + ",\n      ".join(steps)
    current, wanted = "pg_catalog.format_type(atttypid, atttypmod)", operation.to_type
    if operation.collation_changes:  # the type and the collation other than the type's own
        current += (" || coalesce(' COLLATE ' || (SELECT collname FROM pg_catalog.pg_collation"
                    " WHERE oid = attcollation AND attcollation <> (SELECT typcollation FROM"
                    " pg_catalog.pg_type WHERE oid = atttypid)), '')")
        wanted += f" COLLATE {operation.collation}" if operation.collation else ""
    # Guarded: a second run would rewrite the table again (and, under some foreign keys,
    # fail). The current type is read as format_type prints it with an empty search_path.
    select = (f"SELECT {current} INTO current_type\n"
              "    FROM pg_catalog.pg_attribute WHERE attrelid = "
              f"{regclass_literal(operation.schema, operation.table)}\n"
              f"      AND attname = {quote_literal(operation.column)}")
    changes_type = guarded_by_catalog("current_type", "text", select,
                                      f"current_type IS DISTINCT FROM {quote_literal(wanted)}",
                                      sql)
    guard = [Statement(guard_sql(conversion_check(operation.schema, operation.table,
                                                  operation.column, operation.to_type)),
                       comment=f"every {operation.column} value must convert to "
                               f"{operation.to_type}: stop, counting those that do not")
             ] if operation.converts else []
    return guard + [Statement(changes_type,
                      comment=f"type {operation.from_type} -> {operation.to_type}",
                      destructive=operation.destructive,
                      why_destructive=f"{operation.to_type} may not hold every {operation.from_type} "
                            "value: the conversion can fail or lose data")]


@render_operation.register
def _(operation: SetColumnDefault) -> list[Statement]:
    column = f"{alter_table(operation)} ALTER COLUMN {quote_ident(operation.column)}"
    if operation.default is None:
        return [Statement(f"{column} DROP DEFAULT")]
    set_default = Statement(f"{column} SET DEFAULT {operation.default}")
    if operation.serial_sequence is None:
        return [set_default]
    sequence = qualified(operation.schema, operation.serial_sequence)
    relation = qualified(operation.schema, operation.table)
    body = (
        f"\nBEGIN\n  IF pg_catalog.to_regclass({quote_literal(sequence)}) IS NULL THEN\n"
        f"    CREATE SEQUENCE {sequence} AS {operation.serial_type}"
        f" OWNED BY {relation}.{quote_ident(operation.column)};\n"
        f"    PERFORM pg_catalog.setval({quote_literal(sequence)}, coalesce(\n"
        f"      (SELECT pg_catalog.max({quote_ident(operation.column)}) FROM {relation}), 0) + 1, false);\n"
        "  END IF;\nEND\n")
    return [Statement("DO " + dollar_quote(body),
                      comment=f"the sequence of serial column {operation.column}, continuing "
                              "after its largest value"),
            set_default]


@render_operation.register
def _(operation: SetColumnNullable) -> list[Statement]:
    column = f"{alter_table(operation)} ALTER COLUMN {quote_ident(operation.column)}"
    if operation.nullable:
        return [Statement(f"{column} DROP NOT NULL")]
    if not operation.online:
        return [Statement(f"{column} SET NOT NULL")]
    # SET NOT NULL skips its full-table scan when a valid CHECK (col IS NOT NULL) proves it.
    proof = CheckConstraint(truncate_identifier(f"{operation.table}_{operation.column}_not_null"),
                            f"{quote_ident(operation.column)} IS NOT NULL")
    return [
        *add_constraint_statements(operation, proof, online=True),
        Statement(f"{column} SET NOT NULL"),
        Statement(f"{alter_table(operation)} DROP CONSTRAINT IF EXISTS {quote_ident(proof.name)}"),
    ]


@render_operation.register
def _(operation: SetColumnIdentity) -> list[Statement]:
    column = f"{alter_table(operation)} ALTER COLUMN {quote_ident(operation.column)}"
    if operation.identity is None:
        return [Statement(f"{column} DROP IDENTITY IF EXISTS")]
    if operation.previous is not None:
        return [Statement(f"{column} SET GENERATED {operation.identity.sql}")]
    # A serial column's sequence goes (an identity makes its own), and the identity carries
    # on from where that sequence, or the column's largest value, had got to: starting at 1
    # would give values the table already holds.
    table = quote_literal(qualified(operation.schema, operation.table))
    name = quote_literal(operation.column)
    body = (
        "\nDECLARE\n  serial_sequence text;\n  next_value bigint;\n  sequence_next bigint;\n"
        "BEGIN\n"
        "  IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
        f"{regclass_literal(operation.schema, operation.table)} AND attname = {name} "
        "AND attidentity = '') THEN\n"
        f"    SELECT pg_catalog.max({quote_ident(operation.column)}) INTO next_value"
        f" FROM {qualified(operation.schema, operation.table)};\n"
        "    next_value := coalesce(next_value, 0) + 1;\n"
        f"    serial_sequence := pg_catalog.pg_get_serial_sequence({table}, {name});\n"
        "    IF serial_sequence IS NOT NULL THEN\n"
        "      EXECUTE 'SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM '\n"
        "        || serial_sequence INTO sequence_next;\n"
        "      next_value := greatest(next_value, sequence_next);\n"
        "    END IF;\n"
        "    IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
        f"{regclass_literal(operation.schema, operation.table)} AND attname = {name} "
        "AND atthasdef) THEN\n"
        f"      {column} DROP DEFAULT;\n"
        "    END IF;\n"
        "    IF serial_sequence IS NOT NULL THEN\n"
        "      EXECUTE 'DROP SEQUENCE ' || serial_sequence;\n"
        "    END IF;\n"
        f"    {column} ADD GENERATED {operation.identity.sql} AS IDENTITY;\n"
        f"    PERFORM pg_catalog.setval(pg_catalog.pg_get_serial_sequence({table}, {name}), "
        "next_value, false);\n"
        "  END IF;\nEND\n")
    return [Statement("DO " + dollar_quote(body))]


def _column_exists(schema: str, table: str, column: str) -> str:
    return ("EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
            f"pg_catalog.to_regclass({quote_literal(qualified(schema, table))}) AND attname = "
            f"{quote_literal(column)} AND NOT attisdropped)")


@render_operation.register
def _(operation: RenameColumn) -> list[Statement]:
    condition = (_column_exists(operation.schema, operation.table, operation.column) + " AND NOT "
                 + _column_exists(operation.schema, operation.table, operation.new_name))
    body = (f"{alter_table(operation)} RENAME COLUMN {quote_ident(operation.column)} TO "
            f"{quote_ident(operation.new_name)}")
    return [Statement(guarded(condition, body))]


@describe.register
def _(operation: AlterColumnType) -> str:
    if operation.from_type == operation.to_type:  # only the collation changes
        return (f"change collation of {operation.subject} to "
                f"{operation.collation or 'its type default'}")
    using = f" (using {operation.using})" if operation.using else ""
    collation = f" collate {operation.collation}" if operation.collation_changes else ""
    return (f"change type of {operation.subject}: {operation.from_type} -> "
            f"{operation.to_type}{collation}{using}")


@describe.register
def _(operation: SetColumnNullable) -> str:
    return f"{'drop' if operation.nullable else 'set'} not null on {operation.subject}"


@describe.register
def _(operation: SetColumnDefault) -> str:
    if operation.default is None:
        return f"drop default of {operation.subject}"
    return f"set default of {operation.subject} to {operation.default}"


KIND = Kind("column", compare_table=compare_columns)

"""Operations to idempotent SQL statements: one function per operation.

Every statement is safe to run twice, or on a database where part of the migration already
happened: IF [NOT] EXISTS where PostgreSQL has it, a catalog lookup in a DO block where it
does not (constraints, enum types, identity).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import singledispatch

from pgwright import ops
from pgwright.checks import conversion_check, guard_sql, orphan_condition
from pgwright.model import CheckConstraint, ForeignKey, PrimaryKey, UniqueConstraint
from pgwright.names import (
    dollar_quote,
    escape_control_characters,
    qualified,
    quote_ident,
    quote_literal,
    sql_comment,
    truncate_identifier,
)
from pgwright.sqlscript import DESTRUCTIVE_MARKER, NO_TRANSACTION_MARKER
from pgwright.render.ddl import (
    collation_sql,
    column_definition,
    constraint_clause,
    create_enum_sql,
    create_extension_sql,
    create_function_sql,
    create_index_sql,
    create_policy_sql,
    create_schema_sql,
    create_table_body,
    create_trigger_sql,
    function_signature,
    policy_clauses,
    regclass_literal,
    uniques_create_table_folds,
)


@dataclass(frozen=True)
class Statement:
    """One SQL statement and what a reviewer or runner must know about it."""

    sql: str
    transactional: bool = True  # False: must run outside a transaction block
    destructive: bool = False
    comment: str | None = None
    # Said in the DESTRUCTIVE marker; most destructive statements remove an object.
    why_destructive: str = "removes something the spec no longer declares"


def render_statements(operations) -> list[Statement]:
    """The statements for a sequence of operations, in the order given."""
    operations = list(operations)
    statements = []
    if any(isinstance(operation, ops.CreateFunction) for operation in operations):
        # As pg_dump does: a function body may name a table this script creates later.
        statements.append(Statement("SET check_function_bodies = off",
                                    comment="function bodies are checked when first called"))
    return statements + [statement for operation in operations
                         for statement in render_operation(operation)]




def render_script(statements: list[Statement], header: str = "") -> str:
    """A SQL script runnable by pgwright's runner, by Alembic, or by ``psql -f``.

    A statement that cannot run inside a transaction block (CREATE INDEX CONCURRENTLY,
    a VALIDATE meant not to hold locks) is marked; the runner commits before it. Comments
    name objects, so they go through :func:`~pgwright.names.sql_comment`: a name cannot end one.
    """
    parts = [header.rstrip() + "\n"] if header else []
    for statement in statements:
        if statement.comment:
            parts.append(sql_comment(statement.comment))
        if statement.destructive:
            parts.append(f"{DESTRUCTIVE_MARKER} {escape_control_characters(statement.why_destructive)}")
        if not statement.transactional:
            parts.append(NO_TRANSACTION_MARKER)
        parts.append(statement.sql.rstrip() + ";\n")
    return "\n".join(parts)


def _guarded(condition: str, body: str) -> str:
    """A DO block running ``body`` only when ``condition`` holds."""
    return "DO " + dollar_quote(f"\nBEGIN\n  IF {condition} THEN\n    {body};\n  END IF;\nEND\n")


def _constraint_exists(schema: str, table: str, name: str) -> str:
    return ("EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = "
            f"{regclass_literal(schema, table)} AND conname = {quote_literal(name)})")


@singledispatch
def render_operation(operation: ops.Operation) -> list[Statement]:
    raise NotImplementedError(f"no renderer for {type(operation).__name__}")


@render_operation.register
def _(operation: ops.CreateSchema) -> list[Statement]:
    return [Statement(create_schema_sql(operation.name))]


@render_operation.register
def _(operation: ops.CreateExtension) -> list[Statement]:
    from pgwright.model import Extension

    return [Statement(create_extension_sql(Extension(operation.name, operation.schema)))]


@render_operation.register
def _(operation: ops.DropExtension) -> list[Statement]:
    return [Statement(f"DROP EXTENSION IF EXISTS {quote_ident(operation.name)}", destructive=True)]


@render_operation.register
def _(operation: ops.CreateEnum) -> list[Statement]:
    enum = operation.enum
    condition = ("NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n "
                 f"ON n.oid = t.typnamespace WHERE n.nspname = {quote_literal(enum.schema)} "
                 f"AND t.typname = {quote_literal(enum.name)})")
    return [Statement(_guarded(condition, create_enum_sql(enum)))]


@render_operation.register
def _(operation: ops.AddEnumValue) -> list[Statement]:
    sql = (f"ALTER TYPE {qualified(operation.schema, operation.name)} "
           f"ADD VALUE IF NOT EXISTS {quote_literal(operation.value)}")
    if operation.after is not None:
        sql += f" AFTER {quote_literal(operation.after)}"
    elif operation.before is not None:
        sql += f" BEFORE {quote_literal(operation.before)}"
    # Committed on its own: a new enum value cannot be used in the transaction that adds it.
    return [Statement(sql, transactional=False)]


@render_operation.register
def _(operation: ops.DropEnum) -> list[Statement]:
    return [Statement(f"DROP TYPE IF EXISTS {qualified(operation.schema, operation.name)}",
                      destructive=True)]


@render_operation.register
def _(operation: ops.CreateTable) -> list[Statement]:
    table = operation.table
    statements = [Statement(f"CREATE TABLE IF NOT EXISTS {qualified(table.schema, table.name)} "
                            + create_table_body(table))]
    for unique in uniques_create_table_folds(table):
        add, *rest = render_operation(ops.AddConstraint(table.schema, table.name, unique))
        statements += [replace(add, comment=f"{unique.name} repeats the columns of an earlier "
                                            "key: CREATE TABLE would leave it out"), *rest]
    return statements


@render_operation.register
def _(operation: ops.DropTable) -> list[Statement]:
    name = qualified(operation.schema, operation.table)
    if not operation.name_reused:
        return [Statement(f"DROP TABLE IF EXISTS {name}", destructive=True)]
    # DROP TABLE IF EXISTS fails on an index of that name ("is not a table")
    table = ("EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE oid = "
             f"pg_catalog.to_regclass({quote_literal(name)}) AND relkind IN ('r', 'p'))")
    return [Statement(_guarded(table, f"DROP TABLE {name}"), destructive=True,
                      comment=f"the plan gives the name {operation.table} to an index: the "
                              "table is dropped only while the name is a table's")]


def _alter_table(operation: ops.TableOperation) -> str:
    return f"ALTER TABLE {qualified(operation.schema, operation.table)}"


@render_operation.register
def _(operation: ops.AddColumn) -> list[Statement]:
    return [Statement(f"{_alter_table(operation)} ADD COLUMN IF NOT EXISTS "
                      + column_definition(operation.definition))]


@render_operation.register
def _(operation: ops.DropColumn) -> list[Statement]:
    sql = f"{_alter_table(operation)} DROP COLUMN IF EXISTS {quote_ident(operation.column)}"
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
    # Read as the plan read it: printed with an empty search_path.
    body = (
        "\nDECLARE\n  path text := pg_catalog.current_setting('search_path');\n"
        "  printed text;\nBEGIN\n"
        "  PERFORM pg_catalog.set_config('search_path', '', true);\n"
        f"  SELECT {printed} INTO printed\n    FROM {source}\n"
        "    WHERE a.attrelid = pg_catalog.to_regclass("
        f"{quote_literal(qualified(operation.schema, operation.table))})\n"
        f"      AND a.attname = {quote_literal(column)};\n"
        "  PERFORM pg_catalog.set_config('search_path', path, true);\n"
        f"  IF printed IS DISTINCT FROM {quote_literal(wanted)} THEN\n    {sql};\n"
        "  END IF;\nEND\n")
    return [Statement("DO " + dollar_quote(body), destructive=operation.destructive,
                      comment=comment)]


@render_operation.register
def _(operation: ops.AlterColumnType) -> list[Statement]:
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
    sql = f"{_alter_table(operation)} " + ",\n      ".join(steps)
    current, wanted = "pg_catalog.format_type(atttypid, atttypmod)", operation.to_type
    if operation.collation_changes:  # the type and the collation other than the type's own
        current += (" || coalesce(' COLLATE ' || (SELECT collname FROM pg_catalog.pg_collation"
                    " WHERE oid = attcollation AND attcollation <> (SELECT typcollation FROM"
                    " pg_catalog.pg_type WHERE oid = atttypid)), '')")
        wanted += f" COLLATE {operation.collation}" if operation.collation else ""
    # Guarded: a second run would rewrite the table again (and, under some foreign keys,
    # fail). The current type is read as format_type prints it with an empty search_path.
    body = (
        "\nDECLARE\n  path text := pg_catalog.current_setting('search_path');\n"
        "  current_type text;\nBEGIN\n"
        "  PERFORM pg_catalog.set_config('search_path', '', true);\n"
        f"  SELECT {current} INTO current_type\n"
        "    FROM pg_catalog.pg_attribute WHERE attrelid = "
        f"{regclass_literal(operation.schema, operation.table)}\n"
        f"      AND attname = {quote_literal(operation.column)};\n"
        "  PERFORM pg_catalog.set_config('search_path', path, true);\n"
        f"  IF current_type IS DISTINCT FROM {quote_literal(wanted)} THEN\n"
        f"    {sql};\n  END IF;\nEND\n")
    guard = [Statement(guard_sql(conversion_check(operation.schema, operation.table,
                                                  operation.column, operation.to_type)),
                       comment=f"every {operation.column} value must convert to "
                               f"{operation.to_type}: stop, counting those that do not")
             ] if operation.converts else []
    return guard + [Statement("DO " + dollar_quote(body),
                      comment=f"type {operation.from_type} -> {operation.to_type}",
                      destructive=operation.destructive,
                      why_destructive=f"{operation.to_type} may not hold every {operation.from_type} "
                            "value: the conversion can fail or lose data")]


@render_operation.register
def _(operation: ops.SetColumnDefault) -> list[Statement]:
    column = f"{_alter_table(operation)} ALTER COLUMN {quote_ident(operation.column)}"
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
def _(operation: ops.SetColumnNullable) -> list[Statement]:
    column = f"{_alter_table(operation)} ALTER COLUMN {quote_ident(operation.column)}"
    if operation.nullable:
        return [Statement(f"{column} DROP NOT NULL")]
    if not operation.online:
        return [Statement(f"{column} SET NOT NULL")]
    # SET NOT NULL skips its full-table scan when a valid CHECK (col IS NOT NULL) proves it.
    proof = CheckConstraint(truncate_identifier(f"{operation.table}_{operation.column}_not_null"),
                            f"{quote_ident(operation.column)} IS NOT NULL")
    return [
        *_add_constraint(operation, proof, online=True),
        Statement(f"{column} SET NOT NULL"),
        Statement(f"{_alter_table(operation)} DROP CONSTRAINT IF EXISTS {quote_ident(proof.name)}"),
    ]


@render_operation.register
def _(operation: ops.SetColumnIdentity) -> list[Statement]:
    column = f"{_alter_table(operation)} ALTER COLUMN {quote_ident(operation.column)}"
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


def _add_constraint(operation: ops.TableOperation, constraint, online: bool) -> list[Statement]:
    """A guarded ADD CONSTRAINT; online, as NOT VALID followed by VALIDATE in its own step.

    NOT VALID takes its lock only for a moment; VALIDATE scans the table while writers go
    on, and is a no-op when the constraint is already valid, so both stay idempotent.
    """
    name = quote_ident(constraint.name)
    body = f"{_alter_table(operation)} ADD CONSTRAINT {name} " + constraint_clause(constraint)
    condition = "NOT " + _constraint_exists(operation.schema, operation.table, constraint.name)
    if not online:
        return [Statement(_guarded(condition, body))]
    return [
        Statement(_guarded(condition, body + " NOT VALID")),
        Statement(f"{_alter_table(operation)} VALIDATE CONSTRAINT {name}", transactional=False,
                  comment="validated outside the transaction: writers are not blocked"),
    ]


@render_operation.register
def _(operation: ops.AddConstraint) -> list[Statement]:
    online = operation.online and isinstance(operation.constraint, CheckConstraint)
    return _add_constraint(operation, operation.constraint, online)


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


def _drop_constraint(operation, constraint, comment: str | None = None) -> list[Statement]:
    condition = _constraint_still_there(operation.schema, operation.table, constraint)
    body = f"{_alter_table(operation)} DROP CONSTRAINT {quote_ident(constraint.name)}"
    return [Statement(_guarded(condition, body), destructive=operation.destructive,
                      comment=comment)]


@render_operation.register
def _(operation: ops.DropConstraint) -> list[Statement]:
    return _drop_constraint(operation, operation.constraint, _rebuilt(operation))


@render_operation.register
def _(operation: ops.AddForeignKey) -> list[Statement]:
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
    return cleanup + _add_constraint(operation, fk, operation.online)


@render_operation.register
def _(operation: ops.DropForeignKey) -> list[Statement]:
    return _drop_constraint(operation, operation.foreign_key, _rebuilt(operation))


def _rebuilt(operation) -> str | None:
    """The reviewer's note on an unchanged object dropped to be created again."""
    if operation.rebuilt_because is None:
        return None
    return f"dropped to be created again: {operation.rebuilt_because}"


@render_operation.register
def _(operation: ops.CreateIndex) -> list[Statement]:
    index = operation.index
    if not operation.online:
        return [Statement(create_index_sql(operation.schema, operation.table, index))]
    name = qualified(operation.schema, index.name)
    # A failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind, which IF NOT EXISTS
    # would take for success: drop such a leftover first.
    leftover = ("EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = "
                f"pg_catalog.to_regclass({quote_literal(name)}) AND NOT indisvalid)")
    return [
        Statement(_guarded(leftover, f"DROP INDEX {name}")),
        Statement(create_index_sql(operation.schema, operation.table, index, concurrently=True),
                  transactional=False, comment="built CONCURRENTLY: writers are not blocked"),
    ]


def set_aside_name(schema: str, name: str) -> str:
    """The name an index is moved to before it is dropped, when its own name passes to
    another object: pgwright's, and the same on every run of the migration."""
    digest = hashlib.sha1(f"{schema}.{name}".encode()).hexdigest()[:12]
    return f"pgwright_dropped_{digest}"


@render_operation.register
def _(operation: ops.DropIndex) -> list[Statement]:
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
            _guarded(plain_index, f"ALTER INDEX {name} RENAME TO {quote_ident(aside)}"),
            comment=f"the plan gives the name {operation.name} to another object: the index "
                    "is renamed aside, then dropped"))
        name = qualified(operation.schema, aside)
    concurrently = "CONCURRENTLY " if operation.online else ""
    return statements + [Statement(f"DROP INDEX {concurrently}IF EXISTS {name}",
                                   destructive=operation.destructive,
                                   transactional=not operation.online,
                                   comment=_rebuilt(operation))]


@render_operation.register
def _(operation: ops.SetComment) -> list[Statement]:
    target = ".".join(quote_ident(part) for part in operation.path)
    if operation.arguments is not None:
        target += f"({', '.join(operation.arguments)})"
    text = "NULL" if operation.comment is None else quote_literal(operation.comment)
    return [Statement(f"COMMENT ON {operation.object_type} {target} IS {text}")]


@render_operation.register
def _(operation: ops.CreateFunction) -> list[Statement]:
    return [Statement(create_function_sql(operation.function))]


@render_operation.register
def _(operation: ops.DropFunction) -> list[Statement]:
    signature = function_signature(operation.schema, operation.name, operation.argument_types)
    new = operation.replaced_by
    if new is None:
        return [Statement(f"DROP FUNCTION IF EXISTS {signature}", destructive=True)]
    names = ", ".join(quote_literal(argument.name) for argument in new.arguments)
    body = (
        "\nDECLARE\n  path text := pg_catalog.current_setting('search_path');\n"
        "  stale boolean;\nBEGIN\n"
        "  PERFORM pg_catalog.set_config('search_path', '', true);\n"
        "  SELECT pg_catalog.pg_get_function_result(oid) IS DISTINCT FROM "
        f"{quote_literal(new.returns)}\n"
        f"      OR coalesce(proargnames, '{{}}') IS DISTINCT FROM ARRAY[{names}]::text[]\n"
        "    INTO stale FROM pg_catalog.pg_proc\n"
        f"    WHERE oid = pg_catalog.to_regprocedure({quote_literal(signature)});\n"
        "  PERFORM pg_catalog.set_config('search_path', path, true);\n"
        f"  IF stale THEN\n    DROP FUNCTION {signature};\n  END IF;\nEND\n")
    return [Statement("DO " + dollar_quote(body),
                      comment="dropped to be made again: its result type or argument names "
                              "change, which CREATE OR REPLACE cannot do")]


def _policy_exists(schema: str, table: str, name: str) -> str:
    return ("EXISTS (SELECT 1 FROM pg_catalog.pg_policy WHERE polrelid = "
            f"{regclass_literal(schema, table)} AND polname = {quote_literal(name)})")


def _drop_policy_sql(schema: str, table: str, name: str) -> str:
    return f"DROP POLICY IF EXISTS {quote_ident(name)} ON {qualified(schema, table)}"


@render_operation.register
def _(operation: ops.CreatePolicy) -> list[Statement]:
    # CREATE POLICY has no IF NOT EXISTS.
    condition = "NOT " + _policy_exists(operation.schema, operation.table, operation.policy.name)
    body = create_policy_sql(operation.schema, operation.table, operation.policy)
    return [Statement(_guarded(condition, body))]


@render_operation.register
def _(operation: ops.AlterPolicy) -> list[Statement]:
    policy = operation.policy
    return [Statement(f"ALTER POLICY {quote_ident(policy.name)} ON "
                      f"{qualified(operation.schema, operation.table)} " + policy_clauses(policy))]


@render_operation.register
def _(operation: ops.ReplacePolicy) -> list[Statement]:
    # Dropped and created in the same transaction: no moment without the policy is visible.
    return [
        Statement(_drop_policy_sql(operation.schema, operation.table, operation.policy.name),
                  comment="replaced: PostgreSQL cannot alter a policy's command or kind"),
        Statement(create_policy_sql(operation.schema, operation.table, operation.policy)),
    ]


@render_operation.register
def _(operation: ops.DropPolicy) -> list[Statement]:
    return [Statement(_drop_policy_sql(operation.schema, operation.table, operation.policy.name),
                      destructive=operation.destructive, comment=_rebuilt(operation))]


@render_operation.register
def _(operation: ops.SetRowLevelSecurity) -> list[Statement]:
    action = "ENABLE" if operation.enabled else "DISABLE"
    return [Statement(f"{_alter_table(operation)} {action} ROW LEVEL SECURITY")]


@render_operation.register
def _(operation: ops.SetForceRowLevelSecurity) -> list[Statement]:
    action = "FORCE" if operation.forced else "NO FORCE"
    return [Statement(f"{_alter_table(operation)} {action} ROW LEVEL SECURITY")]


@render_operation.register
def _(operation: ops.CreateTrigger) -> list[Statement]:
    condition = ("NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = "
                 f"{regclass_literal(operation.schema, operation.table)} AND tgname = "
                 f"{quote_literal(operation.trigger.name)})")
    body = create_trigger_sql(operation.schema, operation.table, operation.trigger)
    return [Statement(_guarded(condition, body))]


@render_operation.register
def _(operation: ops.DropTrigger) -> list[Statement]:
    return [Statement(f"DROP TRIGGER IF EXISTS {quote_ident(operation.name)} ON "
                      f"{qualified(operation.schema, operation.table)}",
                      destructive=operation.destructive, comment=_rebuilt(operation))]


@render_operation.register
def _(operation: ops.AssertNoViolations) -> list[Statement]:
    return [Statement(guard_sql(operation.check),
                      comment=f"preflight: {operation.check.description}")]


def _column_exists(schema: str, table: str, column: str) -> str:
    return ("EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
            f"pg_catalog.to_regclass({quote_literal(qualified(schema, table))}) AND attname = "
            f"{quote_literal(column)} AND NOT attisdropped)")


@render_operation.register
def _(operation: ops.RenameTable) -> list[Statement]:
    old, new = qualified(operation.schema, operation.table), qualified(operation.schema,
                                                                        operation.new_name)
    # Idempotent: only while the old name exists and the new one does not.
    condition = (f"pg_catalog.to_regclass({quote_literal(old)}) IS NOT NULL AND "
                 f"pg_catalog.to_regclass({quote_literal(new)}) IS NULL")
    return [Statement(_guarded(condition, f"ALTER TABLE {old} RENAME TO "
                                          f"{quote_ident(operation.new_name)}"))]


@render_operation.register
def _(operation: ops.RenameColumn) -> list[Statement]:
    condition = (_column_exists(operation.schema, operation.table, operation.column) + " AND NOT "
                 + _column_exists(operation.schema, operation.table, operation.new_name))
    body = (f"{_alter_table(operation)} RENAME COLUMN {quote_ident(operation.column)} TO "
            f"{quote_ident(operation.new_name)}")
    return [Statement(_guarded(condition, body))]


@render_operation.register
def _(operation: ops.RenameConstraint) -> list[Statement]:
    condition = (_constraint_exists(operation.schema, operation.table, operation.name)
                 + " AND NOT "
                 + _constraint_exists(operation.schema, operation.table, operation.new_name))
    body = (f"{_alter_table(operation)} RENAME CONSTRAINT {quote_ident(operation.name)} TO "
            f"{quote_ident(operation.new_name)}")
    return [Statement(_guarded(condition, body))]


@render_operation.register
def _(operation: ops.RenameIndex) -> list[Statement]:
    return [Statement(f"ALTER INDEX IF EXISTS {qualified(operation.schema, operation.name)} "
                      f"RENAME TO {quote_ident(operation.new_name)}")]

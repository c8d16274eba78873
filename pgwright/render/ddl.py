"""SQL fragments for model objects: the one place DDL text is assembled.

Identifiers go through names.quote_ident, literals through names.quote_literal. Expressions
come from the spec as SQL by design and were checked by validation to be embeddable; they are
rendered as the spec wrote them (``as_written``), even where the plan compared them in the
server's text.
"""

from __future__ import annotations

from pgwright.model import (
    CheckConstraint,
    Column,
    Enum,
    Extension,
    ForeignKey,
    Function,
    Index,
    Policy,
    PrimaryKey,
    Table,
    Trigger,
    UniqueConstraint,
    as_written,
)
from pgwright.names import dollar_quote, qualified, quote_ident, quote_literal, search_path_sql

SERIAL_FOR = {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}


def column_list(columns) -> str:
    return ", ".join(quote_ident(c) for c in columns)


def column_type_sql(column: Column) -> str:
    if column.serial:
        return SERIAL_FOR.get(column.type, column.type)
    return column.type


def collation_sql(collation: str) -> str:
    """A collation of pg_catalog, named so that no schema of the search path hides it."""
    return f"pg_catalog.{quote_ident(collation)}"


def column_definition(column: Column) -> str:
    """``name type [GENERATED ...] [DEFAULT ...] [NOT NULL]`` as in CREATE TABLE / ADD COLUMN."""
    column = as_written(column)
    parts = [quote_ident(column.name), column_type_sql(column)]
    if column.collation is not None:
        parts.append(f"COLLATE {collation_sql(column.collation)}")
    if column.generated is not None:
        parts.append(f"GENERATED ALWAYS AS ({column.generated}) STORED")
    if column.identity is not None:
        parts.append(f"GENERATED {column.identity.sql} AS IDENTITY")
    if column.default is not None and not column.serial:
        parts.append(f"DEFAULT {column.default}")
    if not column.nullable:
        parts.append("NOT NULL")
    return " ".join(parts)


def check_clause(check: CheckConstraint) -> str:
    return f"CHECK ({as_written(check).expression})"


def constraint_clause(constraint) -> str:
    """The constraint body, as after ``ADD CONSTRAINT name``."""
    if isinstance(constraint, PrimaryKey):
        return f"PRIMARY KEY ({column_list(constraint.columns)})"
    if isinstance(constraint, UniqueConstraint):
        return f"UNIQUE ({column_list(constraint.columns)})"
    if isinstance(constraint, CheckConstraint):
        return check_clause(constraint)
    if isinstance(constraint, ForeignKey):
        return foreign_key_clause(constraint)
    raise TypeError(f"not a constraint: {constraint!r}")


def foreign_key_clause(fk: ForeignKey) -> str:
    text = (f"FOREIGN KEY ({column_list(fk.columns)}) REFERENCES "
            f"{qualified(fk.target_schema, fk.target_table)} ({column_list(fk.target_columns)})")
    if fk.on_delete.sql != "NO ACTION":
        text += f" ON DELETE {fk.on_delete.sql}"
    if fk.on_update.sql != "NO ACTION":
        text += f" ON UPDATE {fk.on_update.sql}"
    if fk.deferrable:
        text += " DEFERRABLE INITIALLY " + ("DEFERRED" if fk.initially_deferred else "IMMEDIATE")
    return text


def uniques_create_table_folds(table: Table) -> tuple[UniqueConstraint, ...]:
    """The unique constraints CREATE TABLE would silently leave out: those on exactly the
    columns (in order) of the primary key or of an earlier unique constraint. PostgreSQL folds
    such repeats into the first key there; ALTER TABLE ... ADD CONSTRAINT does create them."""
    seen = {table.primary_key.columns} if table.primary_key is not None else set()
    folded = []
    for unique in table.uniques:
        if unique.columns in seen:
            folded.append(unique)
        seen.add(unique.columns)
    return tuple(folded)


def create_table_body(table: Table) -> str:
    """The parenthesized body of CREATE TABLE: columns, then key and check constraints,
    except the unique constraints it would fold (see :func:`uniques_create_table_folds`)."""
    lines = [column_definition(c) for c in table.columns]
    if table.primary_key is not None:
        lines.append(f"CONSTRAINT {quote_ident(table.primary_key.name)} "
                     + constraint_clause(table.primary_key))
    folded = uniques_create_table_folds(table)
    for constraint in (*(u for u in table.uniques if u not in folded), *table.checks):
        lines.append(f"CONSTRAINT {quote_ident(constraint.name)} " + constraint_clause(constraint))
    return "(\n    " + ",\n    ".join(lines) + "\n)"


def index_body(index: Index) -> str:
    """``USING method (keys) [INCLUDE (...)] [WHERE ...]``: what follows ``ON table``."""
    index = as_written(index)
    text = f"USING {index.method} ({', '.join(index.keys)})"
    if index.include:
        text += f" INCLUDE ({column_list(index.include)})"
    if index.where:
        text += f" WHERE {index.where}"
    return text


def create_index_sql(schema: str, table: str, index: Index, concurrently: bool = False) -> str:
    unique = "UNIQUE " if index.unique else ""
    how = "CONCURRENTLY " if concurrently else ""
    return (f"CREATE {unique}INDEX {how}IF NOT EXISTS {quote_ident(index.name)} ON "
            f"{qualified(schema, table)} " + index_body(index))


def create_schema_sql(name: str) -> str:
    return f"CREATE SCHEMA IF NOT EXISTS {quote_ident(name)}"


def create_extension_sql(extension: Extension) -> str:
    text = f"CREATE EXTENSION IF NOT EXISTS {quote_ident(extension.name)}"
    if extension.schema:
        text += f" SCHEMA {quote_ident(extension.schema)}"
    return text


def create_enum_sql(enum: Enum) -> str:
    values = ", ".join(quote_literal(v) for v in enum.values)
    return f"CREATE TYPE {qualified(enum.schema, enum.name)} AS ENUM ({values})"


def regclass_literal(schema: str, table: str) -> str:
    """``'public."order"'::regclass``: a table's OID inside a guard query."""
    return f"{quote_literal(qualified(schema, table))}::pg_catalog.regclass"


def function_signature(schema: str, name: str, argument_types) -> str:
    return f"{qualified(schema, name)}({', '.join(argument_types)})"


VOLATILITY_SQL = {"volatile": "VOLATILE", "stable": "STABLE", "immutable": "IMMUTABLE"}


def create_function_sql(function: Function) -> str:
    """CREATE OR REPLACE FUNCTION, with the body dollar-quoted exactly as the spec has it.
    Its types come parsed (``function_type_sql``); its search_path, a schema at a time."""
    arguments = ", ".join(f"{quote_ident(a.name)} {a.type}" if a.name else a.type
                          for a in function.arguments)
    lines = [f"CREATE OR REPLACE FUNCTION {qualified(function.schema, function.name)}({arguments})",
             f"RETURNS {function.returns}",
             f"LANGUAGE {quote_ident(function.language)}",
             VOLATILITY_SQL[function.volatility]]
    if function.security_definer:
        lines.append("SECURITY DEFINER")
    if function.search_path is not None:
        lines.append(f"SET search_path = {search_path_sql(function.search_path)}")
    source = function.source if function.source is not None else f"\n{function.body}\n"
    lines.append("AS " + dollar_quote(source, tag="function"))
    return "\n".join(lines)


def role_list(roles) -> str:
    return ", ".join("PUBLIC" if role == "public" else quote_ident(role) for role in roles)


def policy_clauses(policy: Policy) -> str:
    """``TO roles USING (...) WITH CHECK (...)``: what CREATE and ALTER POLICY share."""
    policy = as_written(policy)
    text = f"TO {role_list(policy.roles)}"
    if policy.using is not None:
        text += f" USING ({policy.using})"
    if policy.with_check is not None:
        text += f" WITH CHECK ({policy.with_check})"
    return text


def create_policy_sql(schema: str, table: str, policy: Policy) -> str:
    kind = "PERMISSIVE" if policy.permissive else "RESTRICTIVE"
    return (f"CREATE POLICY {quote_ident(policy.name)} ON {qualified(schema, table)} AS {kind} "
            f"FOR {policy.command.sql} " + policy_clauses(policy))


def create_trigger_sql(schema: str, table: str, trigger: Trigger) -> str:
    trigger = as_written(trigger)
    events = []
    for event in trigger.events:
        if event == "UPDATE" and trigger.columns:
            events.append(f"UPDATE OF {column_list(trigger.columns)}")
        else:
            events.append(event)
    text = (f"CREATE TRIGGER {quote_ident(trigger.name)} {trigger.timing} {' OR '.join(events)} "
            f"ON {qualified(schema, table)} FOR EACH {trigger.level}")
    if trigger.when is not None:
        text += f" WHEN ({trigger.when})"
    return text + f" EXECUTE FUNCTION {qualified(trigger.function_schema, trigger.function_name)}()"


def guarded_by_catalog(variable: str, declared: str, select_into: str, condition: str,
                       body: str) -> str:
    """A DO block that reads ``variable`` from the catalog as the plan read it (printed with an
    empty search_path, which is restored afterwards) with ``select_into``, then runs ``body``
    only when ``condition`` holds: the guard of a step a second run must not repeat."""
    return "DO " + dollar_quote(
        f"\nDECLARE\n  path text := pg_catalog.current_setting('search_path');\n"
        f"  {variable} {declared};\nBEGIN\n"
        "  PERFORM pg_catalog.set_config('search_path', '', true);\n"
        f"  {select_into};\n"
        "  PERFORM pg_catalog.set_config('search_path', path, true);\n"
        f"  IF {condition} THEN\n    {body};\n  END IF;\nEND\n")


def guarded(condition: str, body: str) -> str:
    """A DO block running ``body`` only when ``condition`` holds."""
    return "DO " + dollar_quote(f"\nBEGIN\n  IF {condition} THEN\n    {body};\n  END IF;\nEND\n")


def constraint_exists(schema: str, table: str, name: str) -> str:
    return ("EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = "
            f"{regclass_literal(schema, table)} AND conname = {quote_literal(name)})")


def alter_table(operation) -> str:
    return f"ALTER TABLE {qualified(operation.schema, operation.table)}"

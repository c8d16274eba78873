"""Comparators for catalog-level kinds: schemas, extensions, enums, tables as wholes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from pgwright import ops
from pgwright.diff.keyed import keyed_diff
from pgwright.diff.registry import TABLE_COMPARATORS, catalog_comparator
from pgwright.errors import PlanError
from pgwright.model import Catalog, Enum, Table


@catalog_comparator("schemas")
def compare_schemas(spec: Catalog, live: Catalog) -> Iterator[ops.Operation]:
    result = keyed_diff(spec.schemas, live.schemas, key=lambda s: s.name)
    for schema in result.added:
        yield ops.CreateSchema(schema.name)
        if schema.comment is not None:
            yield ops.SetComment("SCHEMA", (schema.name,), schema.comment)
    # Schemas are never dropped: leaving the spec means "no longer managed", not "delete".
    # A schema comment is managed only when the spec states one (public has a stock comment).
    for schema, _ in result.changed:
        if schema.comment is not None:
            yield ops.SetComment("SCHEMA", (schema.name,), schema.comment)


@catalog_comparator("extensions")
def compare_extensions(spec: Catalog, live: Catalog) -> Iterator[ops.Operation]:
    result = keyed_diff(spec.extensions, live.extensions, key=lambda e: e.name)
    for extension in result.added:
        yield ops.CreateExtension(extension.name, extension.schema)
    for extension in result.removed:
        yield ops.DropExtension(extension.name)


def _enum_value_additions(spec: Enum, live: Enum) -> list[ops.AddEnumValue]:
    """ADD VALUE operations turning live's values into spec's, or PlanError if impossible."""
    missing = [v for v in spec.values if v not in live.values]
    kept = [v for v in spec.values if v in live.values]
    if kept != list(live.values):
        removed = [v for v in live.values if v not in spec.values]
        what = f"removes {', '.join(map(repr, removed))}" if removed else "reorders values"
        raise PlanError(
            f"enum {spec.schema}.{spec.name} {what}: PostgreSQL can only add enum values. "
            "Create a new enum type, move the columns to it, and drop the old one"
        )
    additions = []
    for position, value in enumerate(spec.values):
        if value not in missing:
            continue
        if position == 0:
            # in front of what exists now: later values go AFTER the ones added before them
            additions.append(ops.AddEnumValue(spec.schema, spec.name, value,
                                              before=live.values[0] if live.values else None))
        else:
            additions.append(ops.AddEnumValue(spec.schema, spec.name, value,
                                              after=spec.values[position - 1]))
    return additions


@catalog_comparator("enums")
def compare_enums(spec: Catalog, live: Catalog) -> Iterator[ops.Operation]:
    result = keyed_diff(spec.enums, live.enums, key=lambda e: e.key)
    for enum in result.added:
        yield ops.CreateEnum(enum)
        if enum.comment is not None:
            yield ops.SetComment("TYPE", enum.key, enum.comment)
    for enum in result.removed:
        yield ops.DropEnum(enum.schema, enum.name)
    for enum, current in result.changed:
        if enum.values != current.values:
            yield from _enum_value_additions(enum, current)
        if enum.comment != current.comment:
            yield ops.SetComment("TYPE", enum.key, enum.comment)


@catalog_comparator("functions")
def compare_functions(spec: Catalog, live: Catalog) -> Iterator[ops.Operation]:
    result = keyed_diff(spec.functions, live.functions, key=lambda f: f.key)
    for function in result.added:
        yield ops.CreateFunction(function)
        if function.comment is not None:
            yield _function_comment(function)
    for function in result.removed:
        yield ops.DropFunction(function.schema, function.name, function.key[2])
    for function, current in result.changed:
        definition_changed = replace(function, comment=None) != replace(current, comment=None)
        if definition_changed:
            renamed_arguments = [a.name for a in function.arguments] != \
                [a.name for a in current.arguments]
            if function.returns != current.returns or renamed_arguments:
                # CREATE OR REPLACE cannot change the result type or argument names. What
                # uses the function is dropped and made again around it (diff/dependencies).
                yield ops.DropFunction(current.schema, current.name, current.key[2],
                                       replaced_by=function)
                yield ops.CreateFunction(function, recreates=True)
            else:
                yield ops.CreateFunction(function, replaces=True)
        if function.comment != current.comment:
            yield _function_comment(function)


def _function_comment(function) -> ops.SetComment:
    return ops.SetComment("FUNCTION", (function.schema, function.name), function.comment,
                          arguments=function.key[2])


def create_table_operations(table: Table) -> Iterator[ops.Operation]:
    """Everything that makes a new table: the table, then its FKs, indexes, triggers,
    policies, row-level security and comments."""
    yield ops.CreateTable(table)
    for fk in table.foreign_keys:
        yield ops.AddForeignKey(table.schema, table.name, fk)
    for index in table.indexes:
        yield ops.CreateIndex(table.schema, table.name, index)
    for trigger in table.triggers:
        yield ops.CreateTrigger(table.schema, table.name, trigger)
    for policy in table.policies:
        yield ops.CreatePolicy(table.schema, table.name, policy)
    if table.row_level_security.enabled:
        yield ops.SetRowLevelSecurity(table.schema, table.name, True)
    if table.row_level_security.forced:
        yield ops.SetForceRowLevelSecurity(table.schema, table.name, True)
    if table.comment is not None:
        yield ops.SetComment("TABLE", table.key, table.comment)
    for column in table.columns:
        if column.comment is not None:
            yield ops.SetComment("COLUMN", (*table.key, column.name), column.comment)


@catalog_comparator("tables")
def compare_tables(spec: Catalog, live: Catalog) -> Iterator[ops.Operation]:
    # Tables in schemas the spec does not manage were never read; nothing to drop there.
    result = keyed_diff(spec.tables, live.tables, key=lambda t: t.key)
    for table in result.added:
        yield from create_table_operations(table)
    for table in result.removed:
        # Its foreign keys go first: another dropped table may be what they reference.
        for fk in table.foreign_keys:
            yield ops.DropForeignKey(table.schema, table.name, fk, replaced=True)
        yield ops.DropTable(table.schema, table.name)
    for table, current in result.changed:
        for comparator in TABLE_COMPARATORS.values():
            yield from comparator(table, current)

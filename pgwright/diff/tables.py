"""Comparators for the parts of one table that exists on both sides."""

from __future__ import annotations

from collections.abc import Iterator

from pgwright import ops
from pgwright.diff.keyed import keyed_diff
from pgwright.diff.registry import table_comparator
from pgwright.model import Column, Table, as_written
from pgwright.names import make_object_name, quote_ident
from pgwright.normalize import explicit_conversion
from pgwright.sqlscript import referenced_names


@table_comparator("columns")
def compare_columns(spec: Table, live: Table) -> Iterator[ops.Operation]:
    result = keyed_diff(spec.columns, live.columns, key=lambda c: c.name)
    for column in result.added:
        yield ops.AddColumn(spec.schema, spec.name, column)
    for column in result.removed:
        yield ops.DropColumn(spec.schema, spec.name, column.name,
                             computed_from=computed_from(column))
    for column, current in result.changed:
        yield from _column_changes(spec, column, current)


def computed_from(column: Column) -> tuple[str, ...]:
    """The names a generated column's expression refers to (none for a plain column)."""
    return tuple(sorted(referenced_names(column.generated or ""))) if column.generated else ()


def _column_changes(table: Table, column: Column, current: Column) -> Iterator[ops.Operation]:
    schema, name = table.key
    if column.generated != current.generated:
        # A generated expression cannot be altered in place before PostgreSQL 17. What rests
        # on the column goes with it and is made again (diff/dependencies.py).
        yield ops.DropColumn(schema, name, column.name, replaced=True,
                             unless_generated=column.generated,
                             computed_from=computed_from(current))
        yield ops.AddColumn(schema, name, column)
        return
    becomes_identity = column.identity is not None and current.identity is None
    if column.type != current.type or column.collation != current.collation:
        # The default goes with the type change, which must drop the old one first.
        using = column.using or explicit_conversion(quote_ident(column.name), current.type,
                                                    column.type)
        yield ops.AlterColumnType(schema, name, column.name, current.type, column.type, using,
                                  converts=column.using is None and using is not None,
                                  drop_default=current.default is not None,
                                  default=as_written(column).default,
                                  collation=column.collation,
                                  collation_changes=column.collation != current.collation)
    elif column.default != current.default and not (becomes_identity and column.default is None):
        # (A column made an identity loses its default in the identity's own step.) The
        # spec's own text: the server's, run again, may not be stored as it was printed.
        yield ops.SetColumnDefault(
            schema, name, column.name, as_written(column).default,
            serial_sequence=make_object_name(name, column.name, "seq") if column.serial else None,
            serial_type=column.type)
    if column.identity != current.identity:
        yield ops.SetColumnIdentity(schema, name, column.name, column.identity, current.identity)
    if column.nullable != current.nullable:
        yield ops.SetColumnNullable(schema, name, column.name, column.nullable, online=True)


@table_comparator("primary_key")
def compare_primary_key(spec: Table, live: Table) -> Iterator[ops.Operation]:
    if spec.primary_key == live.primary_key:
        return
    if live.primary_key is not None:
        yield ops.DropConstraint(spec.schema, spec.name, live.primary_key,
                                 replaced=spec.primary_key is not None)
    if spec.primary_key is not None:
        yield ops.AddConstraint(spec.schema, spec.name, spec.primary_key)


def _replace_by_name(spec_items, live_items, drop, add) -> Iterator[ops.Operation]:
    """Keyed by name: drop what the spec no longer has, drop and add again what changed
    (``replaced``: not destructive), add what is new. ``drop`` is given the live item."""
    result = keyed_diff(spec_items, live_items, key=lambda item: item.name)
    for item in result.removed:
        yield drop(item, False)
    for item, current in result.changed:
        yield drop(current, True)
        yield add(item)
    for item in result.added:
        yield add(item)


def _replace_constraints(spec: Table, spec_items, live_items) -> Iterator[ops.Operation]:
    yield from _replace_by_name(
        spec_items, live_items,
        lambda item, replaced: ops.DropConstraint(spec.schema, spec.name, item, replaced=replaced),
        lambda item: ops.AddConstraint(spec.schema, spec.name, item, online=True))


@table_comparator("uniques")
def compare_uniques(spec: Table, live: Table) -> Iterator[ops.Operation]:
    yield from _replace_constraints(spec, spec.uniques, live.uniques)


@table_comparator("checks")
def compare_checks(spec: Table, live: Table) -> Iterator[ops.Operation]:
    yield from _replace_constraints(spec, spec.checks, live.checks)


@table_comparator("foreign_keys")
def compare_foreign_keys(spec: Table, live: Table) -> Iterator[ops.Operation]:
    yield from _replace_by_name(
        spec.foreign_keys, live.foreign_keys,
        lambda item, replaced: ops.DropForeignKey(spec.schema, spec.name, item, replaced=replaced),
        lambda item: ops.AddForeignKey(spec.schema, spec.name, item, online=True))


@table_comparator("indexes")
def compare_indexes(spec: Table, live: Table) -> Iterator[ops.Operation]:
    result = keyed_diff(spec.indexes, live.indexes, key=lambda i: i.name)
    # The table exists and may be large: indexes are built and dropped CONCURRENTLY.
    for index in result.removed:
        yield ops.DropIndex(spec.schema, index.name, online=True)
    for index, _ in result.changed:
        yield ops.DropIndex(spec.schema, index.name, online=True, replaced=True)
        yield ops.CreateIndex(spec.schema, spec.name, index, online=True)
    for index in result.added:
        yield ops.CreateIndex(spec.schema, spec.name, index, online=True)


@table_comparator("row_level_security")
def compare_row_level_security(spec: Table, live: Table) -> Iterator[ops.Operation]:
    wanted, current = spec.row_level_security, live.row_level_security
    if wanted.enabled != current.enabled:
        yield ops.SetRowLevelSecurity(spec.schema, spec.name, wanted.enabled)
    if wanted.forced != current.forced:
        yield ops.SetForceRowLevelSecurity(spec.schema, spec.name, wanted.forced)


@table_comparator("policies")
def compare_policies(spec: Table, live: Table) -> Iterator[ops.Operation]:
    result = keyed_diff(spec.policies, live.policies, key=lambda p: p.name)
    for policy in result.added:
        yield ops.CreatePolicy(spec.schema, spec.name, policy)
    for policy in result.removed:
        yield ops.DropPolicy(spec.schema, spec.name, policy)
    for policy, current in result.changed:
        # ALTER POLICY can change roles, USING and WITH CHECK, but not remove a clause,
        # nor change the command or the permissive/restrictive kind.
        clause_removed = (policy.using is None and current.using is not None) or \
            (policy.with_check is None and current.with_check is not None)
        if policy.command != current.command or policy.permissive != current.permissive \
                or clause_removed:
            yield ops.ReplacePolicy(spec.schema, spec.name, policy, current)
        else:
            yield ops.AlterPolicy(spec.schema, spec.name, policy, current)


@table_comparator("triggers")
def compare_triggers(spec: Table, live: Table) -> Iterator[ops.Operation]:
    result = keyed_diff(spec.triggers, live.triggers, key=lambda t: t.name)
    for trigger in result.added:
        yield ops.CreateTrigger(spec.schema, spec.name, trigger)
    for trigger in result.removed:
        yield ops.DropTrigger(spec.schema, spec.name, trigger.name)
    for trigger, _ in result.changed:
        yield ops.DropTrigger(spec.schema, spec.name, trigger.name, replaced=True)
        yield ops.CreateTrigger(spec.schema, spec.name, trigger)


@table_comparator("comments")
def compare_comments(spec: Table, live: Table) -> Iterator[ops.Operation]:
    if spec.comment != live.comment:
        yield ops.SetComment("TABLE", spec.key, spec.comment)
    live_columns = {c.name: c for c in live.columns}
    for column in spec.columns:
        current = live_columns.get(column.name)
        current_comment = current.comment if current is not None else None
        recreated = current is not None and column.generated != current.generated
        if column.comment != current_comment or (recreated and column.comment is not None):
            yield ops.SetComment("COLUMN", (*spec.key, column.name), column.comment)

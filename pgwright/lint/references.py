"""Reference rules: every relation is declared, indexed, and deletes only what it should."""

from __future__ import annotations

from pgwright.analysis import unlinked_reference_columns
from pgwright.lint.context import LintContext, index_columns, object_name
from pgwright.lint.expressions import not_null_columns
from pgwright.lint.registry import Severity, Violation, rule
from pgwright.model import ReferentialAction, Table

REFERENCES = "references"


@rule("REF001", "undeclared-reference", Severity.WARNING, REFERENCES,
      "a *_id column (or entity_id, stream_id) with neither a foreign key nor a "
      "`polymorphic:` declaration",
      "add `references:` to the column, or declare it under `polymorphic:` with its targets "
      "and the reason it has no foreign key")
def undeclared_reference(context: LintContext):
    for unlinked in unlinked_reference_columns(context.catalog):
        table = context.tables[unlinked.table]
        if (unlinked.column,) in _own_keys(table):
            continue  # the table's own identifier (events.event_id), not a reference
        name = object_name(table, unlinked.column)
        target = (f", probably to {unlinked.likely_target[0]}.{unlinked.likely_target[1]}"
                  if unlinked.likely_target else "")
        yield Violation(name, f"{name} looks like a reference{target} but has no foreign key "
                        "and no polymorphic declaration", table.origin)


@rule("REF002", "polymorphic-target-missing", Severity.ERROR, REFERENCES,
      "a polymorphic declaration whose target table or column does not exist",
      "point the target at an existing `table.column`, or remove the value")
def polymorphic_target_missing(context: LintContext):
    for table in context.catalog.tables:
        for declaration in table.polymorphic:
            for value, schema, name, column in declaration.targets:
                target = context.tables.get((schema, name))
                if target is not None and target.column(column) is not None:
                    continue
                object_ = object_name(table, declaration.column)
                yield Violation(object_, f"{object_} declares target {value!r} as "
                                f"{schema}.{name}.{column}, which does not exist", table.origin)


@rule("REF003", "unindexed-foreign-key", Severity.WARNING, REFERENCES,
      "a foreign key whose columns do not lead any index: every delete or key update of "
      "the parent scans the whole child table",
      "add an index led by the foreign key's columns")
def unindexed_foreign_key(context: LintContext):
    for table in context.catalog.tables:
        tenant = context.tenant_columns(table)
        for fk in table.foreign_keys:
            if not any(_serves(columns, fk.columns, tenant)
                       for columns in _index_columns(table, fk.columns)):
                name = object_name(table, fk.name)
                yield Violation(name, f"{name} ({', '.join(fk.columns)}) has no index led by "
                                "its columns", fk.origin or table.origin)


@rule("REF004", "set-null-on-not-null", Severity.ERROR, REFERENCES,
      "ON DELETE SET NULL on a NOT NULL column: deleting the parent fails instead",
      "make the column nullable, or choose CASCADE or RESTRICT")
def set_null_on_not_null(context: LintContext):
    for table in context.catalog.tables:
        for fk in table.foreign_keys:
            if fk.on_delete is not ReferentialAction.SET_NULL:
                continue
            required = [name for name in fk.columns
                        if (column := table.column(name)) is not None and not column.nullable]
            if required:
                name = object_name(table, fk.name)
                yield Violation(name, f"{name} is ON DELETE SET NULL on NOT NULL "
                                f"{', '.join(required)}", fk.origin or table.origin)


@rule("REF005", "cascade-into-outlives", Severity.WARNING, REFERENCES,
      "an ON DELETE CASCADE into a table whose rows should outlive what they record (audit, "
      "events, approvals; `outlives: true`)",
      "use ON DELETE SET NULL (nullable column) or RESTRICT, or a polymorphic reference with "
      "no foreign key; deleting the whole tenant may still cascade")
def cascade_into_outlives(context: LintContext):
    for table in context.catalog.tables:
        if not context.outlives(table):
            continue
        for fk in table.foreign_keys:
            parent = (fk.target_schema, fk.target_table)
            # Deleting a tenant deletes its audit trail too: that is the tenant's erasure.
            # An outlives parent takes its own record with it: both are records.
            parent_table = context.tables.get(parent)
            if (fk.on_delete is ReferentialAction.CASCADE and not context.is_root(parent)
                    and parent != table.key
                    and not (parent_table is not None and context.outlives(parent_table))):
                name = object_name(table, fk.name)
                yield Violation(name, f"{name} deletes rows of {object_name(table)}, which "
                                f"should outlive them, with every deleted row of "
                                f"{parent[0]}.{parent[1]}", fk.origin or table.origin)


@rule("REF006", "recursive-cascade", Severity.INFO, REFERENCES,
      "a self-referencing ON DELETE CASCADE: one delete removes a whole subtree, to any depth",
      "make sure deleting a subtree is meant; RESTRICT or SET NULL keeps children")
def recursive_cascade(context: LintContext):
    for table in context.catalog.tables:
        for fk in table.foreign_keys:
            if fk.on_delete is ReferentialAction.CASCADE and \
                    (fk.target_schema, fk.target_table) == table.key:
                name = object_name(table, fk.name)
                yield Violation(name, f"{name} cascades into its own table: deleting a row "
                                "deletes its whole subtree", fk.origin or table.origin)


@rule("REF007", "orphaned-references", Severity.ERROR, REFERENCES,
      "rows of a live database whose reference points at no row: a polymorphic reference, or "
      "a foreign key the database lacks or holds NOT VALID (with --db and a spec)",
      "delete or repair the rows (`pgwright orphans` prints the query of each check), then "
      "find what deletes targets without their references")
def orphaned_references(context: LintContext):
    for found in context.orphans:
        if not found.count:
            continue
        check = found.check
        name = f"{check.table}.{check.columns[0]}" if check.columns else check.table
        samples = ", ".join(str(row[0]) for row in found.samples[:3])
        yield Violation(name, f"{name}: {found.count} row(s) with {check.description}"
                        + (f" (e.g. {samples})" if samples else ""),
                        _origin_of(context, check.table))


def _origin_of(context: LintContext, qualified_name: str) -> str | None:
    schema, _, name = qualified_name.partition(".")
    table = context.tables.get((schema, name))
    return table.origin if table is not None else None


def _own_keys(table: Table) -> set[tuple[str | None, ...]]:
    """The table's primary key, unique constraints and unique indexes, as column lists."""
    keys = {tuple(unique.columns) for unique in table.uniques}
    if table.primary_key:
        keys.add(tuple(table.primary_key.columns))
    keys |= {index_columns(index) for index in table.indexes if index.unique and index.where is None}
    return keys


def _index_columns(table: Table, referencing: tuple[str, ...]) -> list[tuple[str | None, ...]]:
    """The column lists of the table's primary key, unique constraints and indexes that can
    serve a lookup on ``referencing``: a partial index counts when it only leaves out rows
    whose referencing columns are NULL (which reference nothing)."""
    found = [tuple(unique.columns) for unique in table.uniques]
    if table.primary_key:
        found.append(tuple(table.primary_key.columns))
    for index in table.indexes:
        if index.where is not None:
            skipped = not_null_columns((index.written or index).where)
            if skipped is None or not skipped <= set(referencing):
                continue
        found.append(index_columns(index))
    return found


def _serves(columns: tuple[str | None, ...], referencing: tuple[str, ...],
            tenant: frozenset[str]) -> bool:
    """Whether an index on ``columns`` finds the rows of a key on ``referencing``: its leading
    columns are all referencing ones, and are all of them, or at least one that is not the
    tenant column (an index on the tenant alone scans the whole tenant)."""
    prefix = []
    for column in columns:
        if column not in referencing:
            break
        prefix.append(column)
    return set(prefix) == set(referencing) or bool(set(prefix) - tenant)

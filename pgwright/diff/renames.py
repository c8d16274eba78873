"""Declared renames: ``renamed_from`` on a table or column becomes a RENAME, never a drop and
an add. Renames are applied to the live model first, so the rest of the diff compares the
renamed table with the spec like any other."""

from __future__ import annotations

from dataclasses import replace

from pgwright import ops
from pgwright.kinds.column import RenameColumn
from pgwright.kinds.constraint import RenameConstraint
from pgwright.kinds.index import RenameIndex
from pgwright.kinds.table import RenameTable
from pgwright.model import Catalog, Table
from pgwright.names import quote_ident


def _rename_in_table(table: Table, old: str, new: str) -> Table:
    """The live table as it will be once column ``old`` is called ``new``."""
    def rename(columns):
        return tuple(new if c == old else c for c in columns)

    return replace(
        table,
        columns=tuple(replace(c, name=new) if c.name == old else c for c in table.columns),
        primary_key=replace(table.primary_key, columns=rename(table.primary_key.columns))
        if table.primary_key else None,
        uniques=tuple(replace(u, columns=rename(u.columns)) for u in table.uniques),
        foreign_keys=tuple(replace(f, columns=rename(f.columns)) for f in table.foreign_keys),
        indexes=tuple(replace(i, keys=tuple(quote_ident(new) if k == quote_ident(old) else k
                                            for k in i.keys)) for i in table.indexes),
    )


def _follow_renames(live: Table, spec: Table) -> tuple[Table, list[ops.Operation]]:
    """Keys and indexes of a renamed table or column keep their definition but not their
    default name (orders_client_id_fkey should now be orders_customer_id_fkey): where a live
    object and a spec object differ only by name, the object is renamed, not rebuilt."""
    operations: list[ops.Operation] = []

    def follow(live_items, spec_items, make_operation):
        live_names = {item.name for item in live_items}
        spec_by_definition = {}
        for item in spec_items:
            if item.name not in live_names:
                spec_by_definition.setdefault(replace(item, name=""), item.name)
        spec_names = {item.name for item in spec_items}
        followed = []
        for item in live_items:
            target = None
            if item.name not in spec_names:
                target = spec_by_definition.pop(replace(item, name=""), None)
            if target is None:
                followed.append(item)
                continue
            operations.append(make_operation(item.name, target))
            followed.append(replace(item, name=target))
        return tuple(followed)

    def constraint(old, new):
        return RenameConstraint(live.schema, spec.name, old, new)

    def index(old, new):
        return RenameIndex(live.schema, old, new)

    primary = follow((live.primary_key,) if live.primary_key else (),
                     (spec.primary_key,) if spec.primary_key else (), constraint)
    renamed = replace(
        live,
        primary_key=primary[0] if primary else None,
        uniques=follow(live.uniques, spec.uniques, constraint),
        checks=follow(live.checks, spec.checks, constraint),
        foreign_keys=follow(live.foreign_keys, spec.foreign_keys, constraint),
        indexes=follow(live.indexes, spec.indexes, index),
    )
    return renamed, operations


def _follow_target(fk, table_renames, renamed_columns):
    table = table_renames.get((fk.target_schema, fk.target_table), fk.target_table)
    columns = tuple(renamed_columns.get((fk.target_schema, table, c), c) for c in fk.target_columns)
    return replace(fk, target_table=table, target_columns=columns)


def apply_declared_renames(spec: Catalog, live: Catalog) -> tuple[Catalog, list[ops.Operation]]:
    """The live catalog with the spec's declared renames applied, and the rename operations.

    A rename applies only when the old name exists and the new one does not, so a second run
    (or a stale ``renamed_from``) does nothing.
    """
    operations: list[ops.Operation] = []
    live_tables = live.tables_by_key()
    table_renames: dict[tuple[str, str], str] = {}
    touched: set[tuple[str, str]] = set()
    for table in spec.tables:
        if table.key in live_tables:
            continue
        for old in table.renamed_from:
            if (table.schema, old) in live_tables:
                current = live_tables.pop((table.schema, old))
                operations.append(RenameTable(table.schema, old, table.name))
                live_tables[table.key] = replace(current, name=table.name)
                table_renames[(table.schema, old)] = table.name
                touched.add(table.key)
                break
    renamed_columns: dict[tuple[str, str, str], str] = {}
    for table in spec.tables:
        current = live_tables.get(table.key)
        if current is None:
            continue
        for column in table.columns:
            if current.column(column.name) is not None:
                continue
            for old in column.renamed_from:
                if current.column(old) is not None:
                    operations.append(RenameColumn(table.schema, table.name, old, column.name))
                    current = _rename_in_table(current, old, column.name)
                    renamed_columns[(*table.key, old)] = column.name
                    touched.add(table.key)
                    break
        live_tables[table.key] = current
    if table_renames or renamed_columns:
        # foreign keys elsewhere follow a renamed table or column, as PostgreSQL makes them
        for key, current in list(live_tables.items()):
            live_tables[key] = replace(current, foreign_keys=tuple(
                _follow_target(f, table_renames, renamed_columns) for f in current.foreign_keys))
    spec_tables = spec.tables_by_key()
    for key in sorted(touched | {k for k, t in live_tables.items()
                                 if any((f.target_schema, f.target_table) in touched
                                        for f in t.foreign_keys)}):
        if key in spec_tables:
            live_tables[key], followed = _follow_renames(live_tables[key], spec_tables[key])
            operations += followed
    ordered = tuple(sorted(live_tables.values(), key=lambda t: t.key))
    return replace(live, tables=ordered), operations

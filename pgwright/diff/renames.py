"""Declared renames: ``renamed_from`` on a table or column becomes a RENAME, never a drop and
an add. Renames are applied to the live model first, so the rest of the diff compares the
renamed table with the spec like any other."""

from __future__ import annotations

from dataclasses import replace

from pgwright import ops
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


def _renamed_objects(live: Table, spec: Table, old_table: str) -> tuple[Table, list[ops.Operation]]:
    """Constraints and indexes named after the old table (orders_pkey) follow the new name,
    when the spec expects them so: renamed, not rebuilt."""
    operations: list[ops.Operation] = []
    spec_names = {c.name for c in (*spec.uniques, *spec.checks, *spec.foreign_keys)}
    if spec.primary_key:
        spec_names.add(spec.primary_key.name)
    spec_index_names = {i.name for i in spec.indexes}
    prefix = old_table + "_"

    def new_name(name: str, wanted: set[str]) -> str | None:
        if name.startswith(prefix):
            candidate = spec.name + "_" + name[len(prefix):]
            if candidate in wanted and name not in wanted:
                return candidate
        return None

    def constraint(item):
        target = new_name(item.name, spec_names)
        if target is None:
            return item
        operations.append(ops.RenameConstraint(live.schema, spec.name, item.name, target))
        return replace(item, name=target)

    def index(item):
        target = new_name(item.name, spec_index_names)
        if target is None:
            return item
        operations.append(ops.RenameIndex(live.schema, item.name, target))
        return replace(item, name=target)

    renamed = replace(
        live,
        primary_key=constraint(live.primary_key) if live.primary_key else None,
        uniques=tuple(constraint(u) for u in live.uniques),
        checks=tuple(constraint(c) for c in live.checks),
        foreign_keys=tuple(constraint(f) for f in live.foreign_keys),
        indexes=tuple(index(i) for i in live.indexes),
    )
    return renamed, operations


def apply_declared_renames(spec: Catalog, live: Catalog) -> tuple[Catalog, list[ops.Operation]]:
    """The live catalog with the spec's declared renames applied, and the rename operations.

    A rename applies only when the old name exists and the new one does not, so a second run
    (or a stale ``renamed_from``) does nothing.
    """
    operations: list[ops.Operation] = []
    live_tables = live.tables_by_key()
    table_renames: dict[tuple[str, str], str] = {}
    for table in spec.tables:
        if table.key in live_tables:
            continue
        for old in table.renamed_from:
            if (table.schema, old) in live_tables:
                current = live_tables.pop((table.schema, old))
                operations.append(ops.RenameTable(table.schema, old, table.name))
                current, renamed = _renamed_objects(replace(current, name=table.name), table, old)
                operations += renamed
                live_tables[table.key] = current
                table_renames[(table.schema, old)] = table.name
                break
    for table in spec.tables:
        current = live_tables.get(table.key)
        if current is None:
            continue
        for column in table.columns:
            if current.column(column.name) is not None:
                continue
            for old in column.renamed_from:
                if current.column(old) is not None:
                    operations.append(ops.RenameColumn(table.schema, table.name, old, column.name))
                    current = _rename_in_table(current, old, column.name)
                    break
        live_tables[table.key] = current
    if table_renames:
        # foreign keys elsewhere follow a renamed table, as PostgreSQL makes them do
        for key, current in list(live_tables.items()):
            live_tables[key] = replace(current, foreign_keys=tuple(
                replace(f, target_table=table_renames.get((f.target_schema, f.target_table),
                                                          f.target_table))
                for f in current.foreign_keys))
    ordered = tuple(sorted(live_tables.values(), key=lambda t: t.key))
    return replace(live, tables=ordered), operations

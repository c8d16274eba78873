"""What one change asks of the objects that depend on what it changes.

Each comparator looks at one kind of object in one table; PostgreSQL's dependencies cross
kinds and tables. These passes run over a plan's operations once the comparators are done:

- a foreign key rests on a key of the table it references (the unique index of a primary
  key, of a unique constraint or a unique index on exactly its columns): dropping that key
  fails while the foreign key is there;
- a foreign key compares its two sides: changing the type of both, one ALTER after the
  other, leaves a moment where they cannot be compared (integer and text), and PostgreSQL,
  which rebuilds the key after each ALTER, fails;
- ALTER COLUMN TYPE makes PostgreSQL re-create the indexes and checks on the column from
  the text it prints of them, and that text is not always stored back as it was (x IN ('a',
  'b') on a varchar column): pgwright re-creates them itself, from the spec's text;
- a generated column whose expression changes is dropped and added again: PostgreSQL drops
  the indexes and constraints on it with it and refuses while a policy, a trigger or another
  table's foreign key depends on it, so pgwright drops them first and makes them again;
- a function whose result type or argument names change is dropped and made again, which
  PostgreSQL refuses while a check, an index, a policy or a trigger uses it: those are
  dropped first and made again after it;
- indexes share one namespace per schema with tables and the indexes of key constraints: a
  relation whose name the plan gives to one of another kind cannot be dropped by that name
  on a second run, when the name means the new object.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from pgwright import ops
from pgwright.kinds.column import AddColumn, AlterColumnType, DropColumn, computed_from
from pgwright.kinds.constraint import AddConstraint, DropConstraint
from pgwright.kinds.foreign_key import AddForeignKey, DropForeignKey
from pgwright.kinds.function import DropFunction
from pgwright.kinds.index import CreateIndex, DropIndex
from pgwright.kinds.policy import CreatePolicy, DropPolicy
from pgwright.kinds.table import CreateTable, DropTable
from pgwright.kinds.trigger import CreateTrigger, DropTrigger
from pgwright.model import Catalog, Index, PrimaryKey, UniqueConstraint
from pgwright.sqlscript import IDENTIFIER, referenced_names


def settle_dependencies(spec: Catalog, live: Catalog,
                        operations: list[ops.Operation]) -> list[ops.Operation]:
    """``operations`` with what the dependencies between objects ask for added or marked."""
    operations = generated_columns_around_type_changes(spec, live, operations)
    operations = operations + rebuilt_around_recreated_columns(spec, live, operations)
    operations = operations + rebuilt_foreign_keys(spec, live, operations)
    operations = operations + rebuilt_around_type_changes(spec, live, operations)
    operations = operations + rebuilt_around_replaced_functions(spec, live, operations)
    return mark_reused_relation_names(operations)


def generated_columns_around_type_changes(spec: Catalog, live: Catalog,
                                          operations: list[ops.Operation]) -> list[ops.Operation]:
    """``operations`` with each generated column computed from a column whose type the plan
    changes dropped before the change and added again after it (generated columns are added
    after the type changes: AddColumn), as PostgreSQL refuses to change the type of a
    column a generated column uses."""
    retyped = _retyped_columns(operations)
    if not retyped:
        return operations
    live_tables = live.tables_by_key()
    recreated = {(*table, column) for table, columns in _recreated_columns(operations).items()
                 for column in columns}
    added: list[ops.Operation] = []
    for table in spec.tables:
        types, current = retyped.get(table.key), live_tables.get(table.key)
        if not types or current is None:
            continue
        for column in table.columns:
            found = current.column(column.name)
            if column.generated is None or found is None or found.generated is None:
                continue
            used = sorted(set(types) & referenced_names(found.generated))
            if not used or (*table.key, column.name) in recreated:
                continue
            added += [DropColumn(*table.key, column.name, replaced=True,
                                     unless_typed=(used[0], types[used[0]]),
                                     computed_from=computed_from(found)),
                      AddColumn(*table.key, column)]
            recreated.add((*table.key, column.name))
    return operations + added


def rebuilt_foreign_keys(spec: Catalog, live: Catalog,
                         operations: list[ops.Operation]) -> list[ops.Operation]:
    """A drop and an add for each foreign key the spec keeps as it is, but that cannot stay
    while the plan runs: its referenced key is dropped (or replaced), or both sides of one of
    its column pairs change type. It is dropped first and added again last (NOT VALID, then
    validated), as a changed foreign key is.

    Which of several keys on the same columns a foreign key rests on is PostgreSQL's choice
    (the oldest index), so dropping any of them counts.
    """
    dropped_keys = _dropped_keys(live, operations)
    retyped = {(o.schema, o.table, o.column) for o in operations
               if isinstance(o, AlterColumnType)}
    if not dropped_keys and not retyped:
        return []
    live_tables = live.tables_by_key()
    added = {(o.schema, o.table, o.foreign_key.name) for o in operations
             if isinstance(o, AddForeignKey)}
    rebuilt: list[ops.Operation] = []
    for table in spec.tables:
        current = live_tables.get(table.key)
        if current is None:
            continue
        live_foreign_keys = {fk.name: fk for fk in current.foreign_keys}
        for fk in table.foreign_keys:
            if live_foreign_keys.get(fk.name) != fk or (*table.key, fk.name) in added:
                continue  # new or changed (the comparator adds it), or already rebuilt
            target = (fk.target_schema, fk.target_table)
            referenced = f"{fk.target_table}({', '.join(fk.target_columns)})"
            because = None
            if frozenset(fk.target_columns) in dropped_keys.get(target, ()):
                because = f"the plan drops the key on {referenced} it rests on"
            elif any((*table.key, mine) in retyped and (*target, theirs) in retyped
                     for mine, theirs in zip(fk.columns, fk.target_columns, strict=True)):
                because = f"both {', '.join(fk.columns)} and {referenced} change type"
            if because is not None:
                rebuilt += [DropForeignKey(*table.key, live_foreign_keys[fk.name],
                                               replaced=True, rebuilt_because=because),
                            AddForeignKey(*table.key, fk, online=True)]
    return rebuilt


def _dropped_keys(live: Catalog, operations) -> dict[tuple[str, str], set[frozenset[str]]]:
    """Column sets, by table, of the keys the plan drops that a foreign key could rest on."""
    indexes = {(table.schema, index.name): (table.key, index)
               for table in live.tables for index in table.indexes}
    dropped: dict[tuple[str, str], set[frozenset[str]]] = defaultdict(set)
    for operation in operations:
        if isinstance(operation, DropConstraint) \
                and isinstance(operation.constraint, PrimaryKey | UniqueConstraint):
            dropped[(operation.schema, operation.table)].add(
                frozenset(operation.constraint.columns))
        elif isinstance(operation, DropIndex) \
                and (operation.schema, operation.name) in indexes:
            table_key, index = indexes[(operation.schema, operation.name)]
            columns = _referenceable_columns(index)
            if columns is not None:
                dropped[table_key].add(columns)
    return dropped


def _referenceable_columns(index: Index) -> frozenset[str] | None:
    """The columns of a unique index a foreign key may rest on: plain columns, no predicate."""
    if not index.unique or index.where is not None:
        return None
    columns = _plain_columns(index)
    return None if columns is None else frozenset(columns)


def _plain_columns(index: Index) -> list[str] | None:
    """The columns of an index whose keys are plain columns, or None (an expression, an
    operator class, an ordering)."""
    columns = []
    for key in index.keys:
        if key.startswith('"') and key.endswith('"') and len(key) > 1:
            columns.append(key[1:-1].replace('""', '"'))
        elif IDENTIFIER.fullmatch(key):
            columns.append(key)
        else:
            return None
    return columns


def rebuilt_around_recreated_columns(spec: Catalog, live: Catalog,
                                     operations: list[ops.Operation]) -> list[ops.Operation]:
    """A drop and an add for each object the spec keeps as it is on a column the plan drops
    and adds again (a generated column with a new expression): indexes, checks, keys and
    foreign keys, which PostgreSQL would drop silently with the column, and policies and
    triggers, which would stop the drop. The foreign keys of other tables that rest on a key
    dropped here are rebuilt by :func:`rebuilt_foreign_keys`."""
    recreated = _recreated_columns(operations)
    live_tables = live.tables_by_key()
    rebuilt: list[ops.Operation] = []
    for table in spec.tables:
        columns = recreated.get(table.key)
        current = live_tables.get(table.key)
        if not columns or current is None:
            continue
        schema, name = table.key

        def because(names: set[str], columns: set[str] = columns) -> str | None:
            named = sorted(columns & set(names))
            return (f"generated column {', '.join(named)} is dropped and added again"
                    if named else None)

        for check, found in _unchanged(table.checks, current.checks):
            if reason := because(referenced_names(found.expression)):
                rebuilt += [DropConstraint(schema, name, found, replaced=True,
                                               rebuilt_because=reason),
                            AddConstraint(schema, name, check, online=True)]
        keys = [key for key in (table.primary_key,) if key is not None] + list(table.uniques)
        live_keys = [key for key in (current.primary_key,) if key is not None] + list(current.uniques)
        for key, found in _unchanged(keys, live_keys):
            if reason := because(found.columns):
                rebuilt += [DropConstraint(schema, name, found, replaced=True,
                                               rebuilt_because=reason),
                            AddConstraint(schema, name, key)]
        for fk, found in _unchanged(table.foreign_keys, current.foreign_keys):
            if reason := because(found.columns):
                rebuilt += [DropForeignKey(schema, name, found, replaced=True,
                                               rebuilt_because=reason),
                            AddForeignKey(schema, name, fk, online=True)]
        for index, found in _unchanged(table.indexes, current.indexes):
            if reason := because(_index_names(found)):
                rebuilt += [DropIndex(schema, index.name, online=True, replaced=True,
                                          rebuilt_because=reason),
                            CreateIndex(schema, name, index, online=True)]
        for policy, found in _unchanged(table.policies, current.policies):
            if reason := because(referenced_names(f"{found.using or ''} {found.with_check or ''}")):
                rebuilt += [DropPolicy(schema, name, found, rebuilt_because=reason),
                            CreatePolicy(schema, name, policy, rebuilt=True)]
        for trigger, found in _unchanged(table.triggers, current.triggers):
            if reason := because({*found.columns, *referenced_names(found.when or "")}):
                rebuilt += [DropTrigger(schema, name, found.name, replaced=True,
                                            rebuilt_because=reason),
                            CreateTrigger(schema, name, trigger, rebuilt=True)]
    return rebuilt


def rebuilt_around_replaced_functions(spec: Catalog, live: Catalog,
                                      operations: list[ops.Operation]) -> list[ops.Operation]:
    """A drop and an add for each check, index, policy and trigger the spec keeps as it is
    that calls a function the plan drops and makes again (a new result type or argument
    names). Calls are found by the function's name in the object's text: a false match only
    rebuilds an object that did not need it."""
    replaced = {operation.name for operation in operations
                if isinstance(operation, DropFunction) and operation.replaced_by is not None}
    if not replaced:
        return []
    dropped = {(o.schema, o.constraint.name) for o in operations
               if isinstance(o, DropConstraint)} | {
              (o.schema, o.name) for o in operations if isinstance(o, DropIndex)} | {
              (o.schema, o.table, o.policy.name) for o in operations
              if isinstance(o, DropPolicy)} | {
              (o.schema, o.table, o.name) for o in operations if isinstance(o, DropTrigger)}
    live_tables = live.tables_by_key()
    rebuilt: list[ops.Operation] = []
    for table in spec.tables:
        current = live_tables.get(table.key)
        if current is None:
            continue
        schema, name = table.key

        def because(text: str) -> str | None:
            called = sorted(replaced & referenced_names(text))
            return f"function {', '.join(called)} is dropped and made again" if called else None

        for check, found in _unchanged(table.checks, current.checks):
            if (schema, found.name) not in dropped and (reason := because(found.expression)):
                rebuilt += [DropConstraint(schema, name, found, replaced=True,
                                               rebuilt_because=reason),
                            AddConstraint(schema, name, check, online=True)]
        for index, found in _unchanged(table.indexes, current.indexes):
            text = " ".join([*found.keys, found.where or ""])
            if (schema, found.name) not in dropped and (reason := because(text)):
                # Dropped in the transaction, not CONCURRENTLY: that would commit while a
                # policy dropped here is missing, until the policies come back.
                rebuilt += [DropIndex(schema, index.name, online=False, replaced=True,
                                          rebuilt_because=reason),
                            CreateIndex(schema, name, index, online=True)]
        for policy, found in _unchanged(table.policies, current.policies):
            text = f"{found.using or ''} {found.with_check or ''}"
            if (schema, name, found.name) not in dropped and (reason := because(text)):
                rebuilt += [DropPolicy(schema, name, found, rebuilt_because=reason),
                            CreatePolicy(schema, name, policy, rebuilt=True)]
        for trigger, found in _unchanged(table.triggers, current.triggers):
            text = f"{found.function_name} {found.when or ''}"
            if (schema, name, found.name) not in dropped and (reason := because(text)):
                rebuilt += [DropTrigger(schema, name, found.name, replaced=True,
                                            rebuilt_because=reason),
                            CreateTrigger(schema, name, trigger, rebuilt=True)]
    return rebuilt


def _unchanged(items, live_items) -> list[tuple]:
    """The spec's items that the live table has as they are, each with its live twin."""
    found = {item.name: item for item in live_items}
    return [(item, found[item.name]) for item in items if found.get(item.name) == item]


def rebuilt_around_type_changes(spec: Catalog, live: Catalog,
                                operations: list[ops.Operation]) -> list[ops.Operation]:
    """A drop and an add for each check and each index with an expression or a predicate
    that the spec keeps as it is, on a column whose type the plan changes. They go before the
    ALTER COLUMN TYPE and come back after it, from the spec's text (checks NOT VALID, then
    validated; indexes CONCURRENTLY), rather than be re-created by PostgreSQL from its print.
    Plain-column indexes and keys print back exactly, and are left to PostgreSQL."""
    retyped = _retyped_columns(operations)
    live_tables = live.tables_by_key()
    # what an earlier pass already drops and makes again (around a re-created column)
    dropped = {(o.schema, o.constraint.name) for o in operations
               if isinstance(o, DropConstraint)} | {
              (o.schema, o.name) for o in operations if isinstance(o, DropIndex)}
    rebuilt: list[ops.Operation] = []
    for table in spec.tables:
        columns = retyped.get(table.key)
        current = live_tables.get(table.key)
        if not columns or current is None:
            continue
        schema, name = table.key
        live_checks = {check.name: check for check in current.checks
                       if (schema, check.name) not in dropped}
        for check in table.checks:
            found = live_checks.get(check.name)
            if found == check and (reason := _retyped(columns, referenced_names(found.expression))):
                rebuilt += [DropConstraint(schema, name, found, replaced=True,
                                               rebuilt_because=reason),
                            AddConstraint(schema, name, check, online=True)]
        live_indexes = {index.name: index for index in current.indexes
                        if (schema, index.name) not in dropped}
        for index in table.indexes:
            found = live_indexes.get(index.name)
            if found != index or (found.where is None and _plain_columns(found) is not None):
                continue  # changed (rebuilt anyway), or plain columns only
            if reason := _retyped(columns, _index_names(found)):
                rebuilt += [DropIndex(schema, index.name, online=True, replaced=True,
                                          rebuilt_because=reason),
                            CreateIndex(schema, name, index, online=True)]
    return rebuilt


def _retyped_columns(operations) -> dict[tuple[str, str], dict[str, str]]:
    """The columns the plan changes the type of, with their new types, by table."""
    retyped: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for operation in operations:
        if isinstance(operation, AlterColumnType):
            retyped[(operation.schema, operation.table)][operation.column] = operation.to_type
    return retyped


def _recreated_columns(operations) -> dict[tuple[str, str], set[str]]:
    """The columns the plan drops only to add them again (generated columns), by table."""
    recreated: dict[tuple[str, str], set[str]] = defaultdict(set)
    for operation in operations:
        if isinstance(operation, DropColumn) and operation.replaced:
            recreated[(operation.schema, operation.table)].add(operation.column)
    return recreated


def _index_names(index: Index) -> set[str]:
    """The names an index may refer to: in its keys, its predicate and its INCLUDE list."""
    return referenced_names(" ".join([*index.keys, index.where or ""])) | set(index.include)


def _retyped(retyped, names: set[str]) -> str | None:
    named = sorted(set(retyped) & names)
    return (f"{', '.join(named)} changes type, and PostgreSQL would re-create it from its own "
            "print") if named else None


def mark_reused_relation_names(operations: list[ops.Operation]) -> list[ops.Operation]:
    """Mark ``name_reused`` the drops of a relation whose name the plan gives to a relation
    of another kind: an index's name to a table or a key constraint (whose index takes the
    constraint's name), a table's name to an index. A second run must not reach the new
    object by the old name: DROP INDEX fails on a constraint's index, DROP TABLE on an index.
    (An index dropped and built again under its name is the same kind: nothing to mark.)"""
    tables: set[tuple[str, str]] = set()
    key_indexes: set[tuple[str, str]] = set()
    plain_indexes: set[tuple[str, str]] = set()
    for operation in operations:
        if isinstance(operation, AddConstraint) \
                and isinstance(operation.constraint, PrimaryKey | UniqueConstraint):
            key_indexes.add((operation.schema, operation.constraint.name))
        elif isinstance(operation, CreateIndex):
            plain_indexes.add((operation.schema, operation.index.name))
        elif isinstance(operation, CreateTable):
            table = operation.table
            keys = (table.primary_key,) if table.primary_key is not None else ()
            tables.add(table.key)
            key_indexes.update((table.schema, key.name) for key in (*keys, *table.uniques))

    def reused(operation: ops.Operation) -> bool:
        if isinstance(operation, DropIndex):
            return (operation.schema, operation.name) in tables | key_indexes
        if isinstance(operation, DropTable):
            return (operation.schema, operation.table) in key_indexes | plain_indexes
        return False

    return [replace(operation, name_reused=True) if reused(operation) else operation
            for operation in operations]


__all__ = ["generated_columns_around_type_changes", "mark_reused_relation_names",
           "rebuilt_around_recreated_columns",
           "rebuilt_around_type_changes", "rebuilt_foreign_keys", "settle_dependencies"]

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
from collections.abc import Iterator
from dataclasses import dataclass, replace

from pgwright import ops
from pgwright.kinds.column import AddColumn, AlterColumnType, DropColumn, computed_from
from pgwright.kinds.constraint import AddConstraint, DropConstraint
from pgwright.kinds.foreign_key import AddForeignKey, DropForeignKey
from pgwright.kinds.function import DropFunction
from pgwright.kinds.index import CreateIndex, DropIndex
from pgwright.kinds.policy import CreatePolicy, DropPolicy
from pgwright.kinds.table import CreateTable, DropTable
from pgwright.kinds.trigger import CreateTrigger, DropTrigger
from pgwright.model import Catalog, Index, PrimaryKey, Table, UniqueConstraint
from pgwright.sqlscript import referenced_names


def settle_dependencies(spec: Catalog, live: Catalog,
                        operations: list[ops.Operation]) -> list[ops.Operation]:
    """``operations`` with what the dependencies between objects ask for added or marked."""
    operations = generated_columns_around_type_changes(spec, live, operations)
    operations = operations + rebuilt_around_changes(spec, live, operations)
    operations = operations + rebuilt_foreign_keys(spec, live, operations)
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
    if not index.unique or index.where is not None or index.columns is None:
        return None
    return frozenset(index.columns)


# What rests on what: the objects of a table that refer to a column or a function by name,
# each with the names it refers to. A word that is no column costs at most a rebuild.
_DEPENDENT_KINDS = ("check", "key", "foreign_key", "index", "policy", "trigger")


@dataclass(frozen=True)
class _Dependent:
    kind: str           # one of _DEPENDENT_KINDS
    wanted: object      # the spec's object, as it is made again
    found: object       # the database's, as it is dropped
    names: frozenset[str]


def _dependents(table: Table, current: Table) -> Iterator[_Dependent]:
    """The objects the spec keeps as the database has them on a table both have."""
    def unchanged(kind, items, live_items, names):
        found = {item.name: item for item in live_items}
        for item in items:
            if found.get(item.name) == item:
                yield _Dependent(kind, item, found[item.name], frozenset(names(found[item.name])))

    yield from unchanged("check", table.checks, current.checks,
                         lambda check: referenced_names(check.expression))
    yield from unchanged("key", table.key_constraints, current.key_constraints,
                         lambda key: key.columns)
    yield from unchanged("foreign_key", table.foreign_keys, current.foreign_keys,
                         lambda fk: fk.columns)
    yield from unchanged("index", table.indexes, current.indexes, _index_names)
    yield from unchanged("policy", table.policies, current.policies, lambda policy:
                         referenced_names(f"{policy.using or ''} {policy.with_check or ''}"))
    yield from unchanged("trigger", table.triggers, current.triggers, lambda trigger: {
        *trigger.columns, trigger.function_name.lower(), *referenced_names(trigger.when or "")})


@dataclass(frozen=True)
class _Disturbance:
    """A change an unchanged object cannot stay through when it refers to what changes."""

    names: frozenset[str]   # what changes, as the objects refer to it
    rebuilds: frozenset[str]  # the kinds of dependent that must be dropped and made again
    because: str            # for the reviewer: "{} changes type, ..." ({} is the names)
    plain_indexes: bool = True  # False: only indexes with an expression or a predicate
    index_online: bool = True   # indexes dropped CONCURRENTLY (False: in the transaction)

    def reason(self, dependent: _Dependent) -> str | None:
        if dependent.kind not in self.rebuilds:
            return None
        if dependent.kind == "index" and not self.plain_indexes \
                and dependent.found.where is None and dependent.found.columns is not None:
            return None
        named = sorted(self.names & dependent.names)
        return self.because.format(", ".join(named)) if named else None


def _disturbances(table: Table, operations_by_table, replaced_functions) -> list[_Disturbance]:
    """What the plan does on ``table`` that unchanged objects on it cannot stay through, the
    first that applies to an object deciding how it is rebuilt."""
    recreated, retyped = operations_by_table.get(table.key, (set(), set()))
    disturbances = []
    if recreated:
        # A column dropped and added again (a generated column with a new expression):
        # PostgreSQL would drop the indexes, checks, keys and foreign keys on it silently,
        # and refuses the drop while a policy or a trigger uses it.
        disturbances.append(_Disturbance(
            frozenset(recreated), frozenset(_DEPENDENT_KINDS),
            "generated column {} is dropped and added again"))
    if retyped:
        # ALTER COLUMN TYPE re-creates checks and expression indexes from PostgreSQL's print,
        # which is not always stored back as it was; plain-column indexes and keys print back
        # exactly and are left to it.
        disturbances.append(_Disturbance(
            frozenset(retyped), frozenset({"check", "index"}),
            "{} changes type, and PostgreSQL would re-create it from its own print",
            plain_indexes=False))
    if replaced_functions:
        # A function dropped to be made again (a new result type or argument names), which
        # PostgreSQL refuses while something calls it. Indexes go in the transaction, not
        # CONCURRENTLY: that would commit while a policy dropped here is missing.
        disturbances.append(_Disturbance(
            frozenset(replaced_functions), frozenset({"check", "index", "policy", "trigger"}),
            "function {} is dropped and made again", index_online=False))
    return disturbances


def rebuilt_around_changes(spec: Catalog, live: Catalog,
                           operations: list[ops.Operation]) -> list[ops.Operation]:
    """A drop and an add for each object the spec keeps as it is that refers to a column the
    plan drops and adds again, to a column whose type it changes, or to a function it drops
    and makes again (see _disturbances). The foreign keys of other tables that rest on a key
    dropped here are rebuilt by :func:`rebuilt_foreign_keys`."""
    by_table: dict[tuple[str, str], tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    replaced_functions = set()
    for operation in operations:
        if isinstance(operation, DropColumn) and operation.replaced:
            by_table[(operation.schema, operation.table)][0].add(operation.column)
        elif isinstance(operation, AlterColumnType):
            by_table[(operation.schema, operation.table)][1].add(operation.column)
        elif isinstance(operation, DropFunction) and operation.replaced_by is not None:
            replaced_functions.add(operation.name)
    if not by_table and not replaced_functions:
        return []
    live_tables = live.tables_by_key()
    rebuilt: list[ops.Operation] = []
    for table in spec.tables:
        current = live_tables.get(table.key)
        disturbances = _disturbances(table, by_table, replaced_functions) if current else []
        if not disturbances:
            continue
        for dependent in _dependents(table, current):
            for disturbance in disturbances:
                if reason := disturbance.reason(dependent):
                    rebuilt += _rebuild(table, dependent, reason, disturbance.index_online)
                    break
    return rebuilt


def _rebuild(table: Table, dependent: _Dependent, because: str,
             index_online: bool) -> list[ops.Operation]:
    """The drop of an unchanged object and its making again, from the spec's text."""
    schema, name = table.key
    wanted, found = dependent.wanted, dependent.found
    if dependent.kind == "check":  # NOT VALID, then validated
        return [DropConstraint(schema, name, found, replaced=True, rebuilt_because=because),
                AddConstraint(schema, name, wanted, online=True)]
    if dependent.kind == "key":
        return [DropConstraint(schema, name, found, replaced=True, rebuilt_because=because),
                AddConstraint(schema, name, wanted)]
    if dependent.kind == "foreign_key":
        return [DropForeignKey(schema, name, found, replaced=True, rebuilt_because=because),
                AddForeignKey(schema, name, wanted, online=True)]
    if dependent.kind == "index":
        return [DropIndex(schema, wanted.name, online=index_online, replaced=True,
                          rebuilt_because=because),
                CreateIndex(schema, name, wanted, online=True)]
    if dependent.kind == "policy":
        return [DropPolicy(schema, name, found, rebuilt_because=because),
                CreatePolicy(schema, name, wanted, rebuilt=True)]
    return [DropTrigger(schema, name, found.name, replaced=True, rebuilt_because=because),
            CreateTrigger(schema, name, wanted, rebuilt=True)]


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
            tables.add(table.key)
            key_indexes.update((table.schema, key.name) for key in table.key_constraints)

    def reused(operation: ops.Operation) -> bool:
        if isinstance(operation, DropIndex):
            return (operation.schema, operation.name) in tables | key_indexes
        if isinstance(operation, DropTable):
            return (operation.schema, operation.table) in key_indexes | plain_indexes
        return False

    return [replace(operation, name_reused=True) if reused(operation) else operation
            for operation in operations]


__all__ = ["generated_columns_around_type_changes", "mark_reused_relation_names",
           "rebuilt_around_changes", "rebuilt_foreign_keys", "settle_dependencies"]

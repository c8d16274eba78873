"""How tables relate, computed from the model alone: who references whom, who the tenant
root is, what deleting one row does once PostgreSQL has followed every foreign key, and
which columns look like references that no foreign key declares.

Pure functions over a :class:`~pgwright.model.Catalog`; no database, no SQL text parsing.

What a delete does, as PostgreSQL runs it (and as :func:`blast_radius` predicts it):

- ``ON DELETE CASCADE`` deletes the referencing rows, whose own referencing rows are then
  handled the same way; ``SET NULL`` / ``SET DEFAULT`` rewrite the referencing columns (all
  of them, for a composite key), which fails on a ``NOT NULL`` column; ``RESTRICT`` and
  ``NO ACTION`` make the whole statement fail while a referencing row remains.
- Every one of these actions is a row trigger that fires *after* the delete that queued it,
  one cascade step at a time: the actions queued by the deleted row run first, then those
  queued by the rows they deleted, and so on. So a RESTRICT / NO ACTION check on a table that
  the same delete also empties passes when the cascade reaches those rows in an earlier step
  (a "diamond": ``organizations -> customers`` and ``organizations -> orders`` with
  ``orders.customer_id`` RESTRICT), fails when the cascade gets there only later, and depends
  on trigger order within one step. A deferred NO ACTION key is checked at commit, after all
  of it. The database tests in ``tests/test_docs.py`` pin each case down.
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import NamedTuple

from pgwright.model import Catalog, ForeignKey, PolymorphicReference, ReferentialAction, Table

TableKey = tuple[str, str]  # (schema, name)

# Spec-free guesses, until the spec can say it (see outlives_what_it_records).
AUDIT_GROUPS = frozenset({"audit", "events", "approvals"})
AUDIT_NAME_SUFFIXES = ("_events", "_audit", "_log", "_logs", "_history", "approvals")


# ------------------------------------------------------------------------------ references


@dataclass(frozen=True)
class Reference:
    """One foreign key, or one target of a polymorphic declaration, seen from its target."""

    source: TableKey  # the referencing table
    columns: tuple[str, ...]  # its referencing columns
    target: TableKey
    target_columns: tuple[str, ...]
    foreign_key: ForeignKey | None = None  # None for a polymorphic target
    polymorphic: PolymorphicReference | None = None
    discriminator_value: str | None = None  # the polymorphic target's value

    @property
    def is_polymorphic(self) -> bool:
        return self.foreign_key is None


def references_by_target(catalog: Catalog) -> dict[TableKey, tuple[Reference, ...]]:
    """Every foreign key and polymorphic target, grouped by the table it points at.

    Targets outside the catalog (``auth.users``) are included; each group is sorted by
    referencing table, then constraint name or discriminator value.

    >>> refs = references_by_target(catalog)  # doctest: +SKIP
    >>> [r.source for r in refs[("public", "customers")]]  # doctest: +SKIP
    [('public', 'ai_approval_entities'), ('public', 'conversations'), ...]
    """
    grouped: dict[TableKey, list[Reference]] = {}
    for table in catalog.tables:
        for fk in table.foreign_keys:
            target = (fk.target_schema, fk.target_table)
            grouped.setdefault(target, []).append(Reference(
                source=table.key, columns=fk.columns, target=target,
                target_columns=fk.target_columns, foreign_key=fk))
        for declaration in table.polymorphic:
            for value, schema, name, column in declaration.targets:
                grouped.setdefault((schema, name), []).append(Reference(
                    source=table.key, columns=(declaration.column,), target=(schema, name),
                    target_columns=(column,), polymorphic=declaration, discriminator_value=value))
    return {target: tuple(sorted(references, key=_reference_order))
            for target, references in sorted(grouped.items())}


def _reference_order(reference: Reference) -> tuple:
    name = reference.foreign_key.name if reference.foreign_key else ""
    return (reference.source, reference.is_polymorphic, name, reference.columns,
            reference.discriminator_value or "")


# ---------------------------------------------------------------------------------- tenancy


@dataclass(frozen=True)
class Tenancy:
    """The tenant roots of a schema and which tables belong to which root."""

    roots: tuple[TableKey, ...]
    # For each table that references a root directly: the foreign keys that do.
    tenant_keys: tuple[tuple[TableKey, tuple[ForeignKey, ...]], ...] = ()

    def columns_of(self, root: TableKey) -> tuple[tuple[tuple[str, ...], int], ...]:
        """The column lists that reference ``root``, each with the number of tables using it,
        most used first: ``((("organization_id",), 14),)``."""
        counts: dict[tuple[str, ...], int] = {}
        for _table, keys in self.tenant_keys:
            for columns in {fk.columns for fk in keys
                            if (fk.target_schema, fk.target_table) == root}:
                counts[columns] = counts.get(columns, 0) + 1
        return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def keys_of(self, table: TableKey) -> tuple[ForeignKey, ...]:
        """The foreign keys by which ``table`` points at a tenant root."""
        return self._keys_by_table.get(table, ())

    @cached_property
    def _keys_by_table(self) -> dict[TableKey, tuple[ForeignKey, ...]]:
        return dict(self.tenant_keys)

    def owners(self, table: TableKey) -> frozenset[TableKey]:
        """The roots ``table`` belongs to: itself if it is one, else those it references."""
        if table in self.roots:
            return frozenset({table})
        return frozenset((fk.target_schema, fk.target_table) for fk in self.keys_of(table))


def tenancy(catalog: Catalog, roots: Iterable[TableKey] | None = None) -> Tenancy:
    """Find the tenant roots, or take them as given.

    Without ``roots``, a table is a root when it references no other table and at least a
    third of the other tables (two at least) reference it directly with a NOT NULL foreign
    key (every row belongs to one): ``organizations`` in a multi-tenant schema.

    >>> tenancy(catalog).roots  # doctest: +SKIP
    (('public', 'organizations'),)
    """
    owned_by: dict[TableKey, set[TableKey]] = {}
    for table in catalog.tables:
        for fk in table.foreign_keys:
            target = (fk.target_schema, fk.target_table)
            required = all((c := table.column(name)) is not None and not c.nullable
                           for name in fk.columns)
            if target != table.key and required:
                owned_by.setdefault(target, set()).add(table.key)
    if roots is None:
        managed = catalog.tables_by_key()
        threshold = max(2, math.ceil((len(catalog.tables) - 1) / 3))
        found = []
        for table in catalog.tables:
            references_others = any((fk.target_schema, fk.target_table) != table.key
                                    for fk in table.foreign_keys)
            if not references_others and len(owned_by.get(table.key, ())) >= threshold:
                found.append(table.key)
        roots = tuple(key for key in found if key in managed)
    roots = tuple(sorted(roots))
    tenant_keys = []
    for table in catalog.tables:
        keys = tuple(fk for fk in table.foreign_keys
                     if (fk.target_schema, fk.target_table) in roots and table.key not in roots)
        if keys:
            tenant_keys.append((table.key, keys))
    return Tenancy(roots=roots, tenant_keys=tuple(tenant_keys))


def outlives_what_it_records(table: Table) -> bool:
    """A guess at whether rows of ``table`` should survive the rows they record.

    Audit trails, event stores and approvals: the table's group is ``audit``, ``events`` or
    ``approvals``, or its name ends in ``_events``, ``_audit``, ``_log(s)``, ``_history`` or
    ``approvals``. A spec key would say it outright; pass your own predicate to
    :func:`blast_radius` meanwhile.

    >>> outlives_what_it_records(Table("public", "domain_events", group="events"))
    True
    """
    name = table.name.lower()
    return (table.group or "").lower() in AUDIT_GROUPS or name.endswith(AUDIT_NAME_SUFFIXES)


# ----------------------------------------------------------------------------- blast radius


class Outcome(str, Enum):
    """What one foreign key does to the referencing rows when a delete reaches it."""

    DELETED = "deleted"  # ON DELETE CASCADE
    SET_NULL = "set null"  # ON DELETE SET NULL
    SET_DEFAULT = "set default"  # ON DELETE SET DEFAULT
    UPDATED = "updated"  # ON UPDATE CASCADE of a key that a SET NULL / SET DEFAULT changed
    BLOCKS = "blocks"  # the delete fails while such a row exists
    MAY_BLOCK = "may block"  # ... unless the same delete removed those rows first

    @property
    def fails(self) -> bool:
        return self in (Outcome.BLOCKS, Outcome.MAY_BLOCK)


@dataclass(frozen=True)
class Effect:
    """One foreign key's consequence of deleting a row, reached through ``chain``."""

    outcome: Outcome
    table: TableKey  # whose rows are affected
    foreign_key: str  # the constraint that does it
    columns: tuple[str, ...]  # its referencing columns (the ones rewritten, for SET ...)
    chain: tuple[TableKey, ...]  # from the deleted table to ``table``, both included
    action: ReferentialAction  # the referential action that applies
    reason: str = ""  # why it fails or might, in words; "" when it simply happens
    triggers: tuple[str, ...] = ()  # names of the triggers of ``table`` this fires
    recursive: bool = False  # a cascade back into a table already being deleted from


class FindingKind(str, Enum):
    OUTLIVES = "outlives"  # a cascade deletes rows meant to outlive what they record
    CROSSES_TENANTS = "crosses tenants"  # a cascade reaches rows of another tenant root
    SHARED_ROWS = "shared rows"  # it deletes rows that also belong to another tenant
    DELETE_TRIGGER = "delete trigger"  # it deletes rows guarded by a DELETE trigger


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    table: TableKey
    chain: tuple[TableKey, ...]
    message: str


@dataclass(frozen=True)
class BlastRadius:
    """Everything deleting one row of ``table`` does."""

    table: TableKey
    effects: tuple[Effect, ...]
    findings: tuple[Finding, ...] = ()

    def with_outcome(self, *outcomes: Outcome) -> tuple[Effect, ...]:
        return tuple(e for e in self.effects if e.outcome in outcomes)

    @property
    def deleted_tables(self) -> tuple[TableKey, ...]:
        """Tables that lose rows, the deleted table's own included when recursive."""
        return tuple(dict.fromkeys(e.table for e in self.with_outcome(Outcome.DELETED)))

    @property
    def blocked(self) -> bool:
        """True when a referencing row certainly makes the delete fail."""
        return bool(self.with_outcome(Outcome.BLOCKS))

    @property
    def is_empty(self) -> bool:
        return not self.effects


@dataclass(frozen=True)
class _Edge:
    child: Table
    fk: ForeignKey


def _incoming_edges(catalog: Catalog) -> dict[TableKey, tuple[_Edge, ...]]:
    edges: dict[TableKey, list[_Edge]] = {}
    for table in catalog.tables:
        for fk in table.foreign_keys:
            edges.setdefault((fk.target_schema, fk.target_table), []).append(_Edge(table, fk))
    return {key: tuple(sorted(found, key=lambda e: (e.child.key, e.fk.name)))
            for key, found in edges.items()}


def _triggers(table: Table, event: str, columns: Collection[str] = ()) -> tuple[str, ...]:
    fired = []
    for trigger in sorted(table.triggers, key=lambda t: t.name):
        if event not in trigger.events:
            continue
        if event == "UPDATE" and trigger.columns and not set(trigger.columns) & set(columns):
            continue
        fired.append(trigger.name)
    return tuple(fired)


def blast_radius(
    catalog: Catalog,
    table: TableKey,
    *,
    outlives: Callable[[Table], bool] = outlives_what_it_records,
    tenants: Tenancy | None = None,
    _edges: Mapping[TableKey, tuple[_Edge, ...]] | None = None,
) -> BlastRadius:
    """What deleting one row of ``table`` does, followed through every foreign key.

    Effects come in cascade order (breadth first, then by table and constraint name), each
    with the chain that leads to it; a table reached by several chains is listed once, with
    the shortest. Findings flag cascades into tables that should outlive what they record
    (``outlives``), across tenant roots (``tenants``, found by :func:`tenancy` when None),
    and into tables guarded by DELETE triggers.

    >>> radius = blast_radius(catalog, ("public", "orders"))  # doctest: +SKIP
    >>> [(e.outcome.value, e.table[1]) for e in radius.effects]  # doctest: +SKIP
    [('deleted', 'order_attachments'), ('deleted', 'order_items')]
    """
    tables = catalog.tables_by_key()
    edges = _edges if _edges is not None else _incoming_edges(catalog)
    tenants = tenants if tenants is not None else tenancy(catalog)

    # Breadth first, like PostgreSQL's queue of referential-action triggers: depth[t] is the
    # cascade step at which rows of t are deleted (0: the row itself).
    depth = {table: 0}
    chains = {table: (table,)}
    queue = deque([table])
    pending: list[tuple[TableKey, _Edge]] = []  # (deleted parent, edge) for non-cascades
    effects: list[Effect] = []
    recursive: set[TableKey] = set()
    while queue:
        parent = queue.popleft()
        for edge in edges.get(parent, ()):
            child = edge.child.key
            if edge.fk.on_delete is not ReferentialAction.CASCADE:
                pending.append((parent, edge))
                continue
            if child in depth:
                # Back into a table being deleted from: a self-reference or a cycle deletes
                # whole subtrees; a second path into a table already listed adds nothing.
                if child == parent or child in chains[parent]:
                    recursive.add(child)
                    effects.append(Effect(
                        Outcome.DELETED, child, edge.fk.name, edge.fk.columns,
                        chains[parent] + (child,), edge.fk.on_delete,
                        reason="recursively, down every chain of references",
                        triggers=_triggers(edge.child, "DELETE"), recursive=True))
                continue
            depth[child] = depth[parent] + 1
            chains[child] = chains[parent] + (child,)
            queue.append(child)
            effects.append(Effect(Outcome.DELETED, child, edge.fk.name, edge.fk.columns,
                                  chains[child], edge.fk.on_delete,
                                  triggers=_triggers(edge.child, "DELETE")))

    for parent, edge in pending:
        effects.extend(_non_cascade_effects(parent, edge, depth, chains, recursive, edges))

    outcome_order = list(Outcome)
    ordered = sorted(effects, key=lambda e: (len(e.chain), outcome_order.index(e.outcome),
                                             e.table, e.foreign_key))
    findings = _findings(table, ordered, tables, outlives, tenants)
    return BlastRadius(table=table, effects=tuple(ordered), findings=findings)


def blast_radii(
    catalog: Catalog,
    *,
    outlives: Callable[[Table], bool] = outlives_what_it_records,
    tenants: Tenancy | None = None,
) -> dict[TableKey, BlastRadius]:
    """:func:`blast_radius` of every table of the catalog, in catalog order."""
    edges = _incoming_edges(catalog)
    tenants = tenants if tenants is not None else tenancy(catalog)
    return {table.key: blast_radius(catalog, table.key, outlives=outlives, tenants=tenants,
                                    _edges=edges)
            for table in catalog.tables}


def _timing(parent: TableKey, edge: _Edge, step: int, depth: Mapping[TableKey, int],
            recursive: Collection[TableKey], what: str) -> tuple[Outcome, str]:
    """Whether an action that fails on remaining rows (a check, a SET NULL on a NOT NULL
    column...) blocks the delete, knowing which tables the same delete empties, and when.

    ``step`` is the cascade step at which the action runs; rows of a table are deleted at
    step ``depth[table]``."""
    child = edge.child.key
    name = child[1]
    # A self-reference deletes other rows of its own table only when it cascades.
    deleted_too = child in depth and (child != parent or child in recursive)
    if not deleted_too:
        return Outcome.BLOCKS, f"{what} while a row of {name} references a deleted row"
    if edge.fk.on_delete is ReferentialAction.NO_ACTION and edge.fk.initially_deferred:
        return Outcome.MAY_BLOCK, (f"{what} at commit unless the cascade has deleted every "
                                   f"referencing row of {name} by then")
    if depth[child] < step:
        return Outcome.MAY_BLOCK, (f"{what} unless every referencing row of {name} is among "
                                   f"those the cascade deletes first (step {depth[child]}; "
                                   f"this runs at step {step})")
    if depth[child] == step:
        return Outcome.MAY_BLOCK, (f"{what} unless the cascade deletes the referencing rows of "
                                   f"{name} first: both run at step {step}, in trigger order")
    return Outcome.BLOCKS, (f"{what}: this runs at step {step}, before the cascade deletes "
                            f"rows of {name} at step {depth[child]}")


def _non_cascade_effects(parent: TableKey, edge: _Edge, depth, chains, recursive,
                         edges) -> list[Effect]:
    """SET NULL, SET DEFAULT, RESTRICT and NO ACTION keys on a table the delete reaches."""
    fk, child = edge.fk, edge.child
    chain = chains[parent] + (child.key,)
    step = depth[parent] + 1
    action = fk.on_delete
    if action in (ReferentialAction.RESTRICT, ReferentialAction.NO_ACTION):
        outcome, reason = _timing(parent, edge, step, depth, recursive, f"fails ({action.sql})")
        return [Effect(outcome, child.key, fk.name, fk.columns, chain, action, reason=reason)]
    return _rewrite(parent, edge, action, action is ReferentialAction.SET_NULL, chain, step,
                    depth, recursive, edges, seen=set())


def _rewrite(parent: TableKey, edge: _Edge, action: ReferentialAction, writes_null: bool,
             chain, step: int, depth, recursive, edges, seen: set) -> list[Effect]:
    """The referencing columns of ``edge`` get NULL or their default (``action`` SET ...),
    or, for an ON UPDATE CASCADE (``action`` CASCADE), a referenced key that was itself
    rewritten, NULL when ``writes_null``."""
    fk, child = edge.fk, edge.child
    if (child.key, fk.name) in seen:
        return []
    seen.add((child.key, fk.name))
    outcome = {ReferentialAction.SET_NULL: Outcome.SET_NULL,
               ReferentialAction.SET_DEFAULT: Outcome.SET_DEFAULT,
               ReferentialAction.CASCADE: Outcome.UPDATED}[action]
    if outcome is Outcome.SET_DEFAULT:
        # The new value is the column's default; no default means NULL.
        not_null = [name for name in fk.columns if (column := child.column(name)) is not None
                    and not column.nullable and column.default is None]
    else:
        not_null = [name for name in fk.columns if writes_null
                    and (column := child.column(name)) is not None and not column.nullable]
    triggers = _triggers(child, "UPDATE", fk.columns)
    label = action.sql if outcome is not Outcome.UPDATED else "ON UPDATE CASCADE of NULL"
    if not_null:
        plural = "s" if len(not_null) > 1 else ""
        what = f"fails ({label} on NOT NULL column{plural} {', '.join(not_null)})"
        failed, reason = _timing(parent, edge, step, depth, recursive, what)
        return [Effect(failed, child.key, fk.name, fk.columns, chain, action, reason=reason,
                       triggers=triggers)]
    reason = ""
    if outcome is Outcome.SET_DEFAULT:
        reason = "the default must match a row that survives, or the foreign key check fails"
    effects = [Effect(outcome, child.key, fk.name, fk.columns, chain, action, reason=reason,
                      triggers=triggers)]
    # Rewritten columns that are themselves (part of) a referenced key: their ON UPDATE applies.
    for downstream in edges.get(child.key, ()):
        if not set(downstream.fk.target_columns) & set(fk.columns):
            continue
        on_update = downstream.fk.on_update
        next_chain = chain + (downstream.child.key,)
        if on_update in (ReferentialAction.RESTRICT, ReferentialAction.NO_ACTION):
            failed, why = _timing(child.key, downstream, step + 1, depth, recursive,
                                  f"fails (ON UPDATE {on_update.sql})")
            effects.append(Effect(failed, downstream.child.key, downstream.fk.name,
                                  downstream.fk.columns, next_chain, on_update, reason=why))
            continue
        copies_null = writes_null if on_update is ReferentialAction.CASCADE else (
            on_update is ReferentialAction.SET_NULL)
        effects.extend(_rewrite(child.key, downstream, on_update, copies_null, next_chain,
                                step + 1, depth, recursive, edges, seen))
    return effects


def _findings(root: TableKey, effects: list[Effect], tables: Mapping[TableKey, Table],
              outlives: Callable[[Table], bool], tenants: Tenancy) -> tuple[Finding, ...]:
    findings = []
    root_owners = tenants.owners(root)
    for effect in effects:
        if effect.outcome is not Outcome.DELETED:
            continue
        table = tables.get(effect.table)
        if table is None:
            continue
        name = effect.table[1]
        if outlives(table):
            findings.append(Finding(FindingKind.OUTLIVES, effect.table, effect.chain,
                                    f"deletes rows of {name}, which should outlive what it records"))
        owners = tenants.owners(effect.table)
        if owners and root_owners and owners.isdisjoint(root_owners):
            findings.append(Finding(
                FindingKind.CROSSES_TENANTS, effect.table, effect.chain,
                f"crosses from tenant root {_names(root_owners)} into {name}, which belongs "
                f"to {_names(owners)}"))
        tenant_keys = tenants.keys_of(effect.table)
        if len({fk.columns for fk in tenant_keys}) > 1:
            columns = ", ".join(sorted("(" + ", ".join(fk.columns) + ")" if len(fk.columns) > 1
                                       else fk.columns[0] for fk in tenant_keys))
            findings.append(Finding(
                FindingKind.SHARED_ROWS, effect.table, effect.chain,
                f"deletes rows of {name}, which can belong to two tenants at once ({columns})"))
        if effect.triggers and not effect.recursive:
            findings.append(Finding(
                FindingKind.DELETE_TRIGGER, effect.table, effect.chain,
                f"deletes rows of {name}, which fires {', '.join(effect.triggers)} for each: "
                f"a trigger that raises makes the whole delete fail"))
    return tuple(findings)


def _names(keys: Iterable[TableKey]) -> str:
    return ", ".join(name for _, name in sorted(keys))


# ------------------------------------------------------------------ references without a key


@dataclass(frozen=True)
class UnlinkedColumn:
    """A column that looks like a reference but is neither a foreign key nor polymorphic."""

    table: TableKey
    column: str
    type: str
    likely_target: TableKey | None = None  # the table its name suggests, if any


def unlinked_reference_columns(catalog: Catalog) -> tuple[UnlinkedColumn, ...]:
    """``*_id`` columns that no foreign key and no polymorphic declaration covers.

    A column counts when its name suggests a table of the catalog whose key has the
    column's type (``customer_id uuid`` -> ``customers``), or when its type is the type of
    some table's single-column primary key (so ``external_thread_id text`` next to uuid keys
    does not).

    >>> unlinked_reference_columns(catalog)  # doctest: +SKIP
    (UnlinkedColumn(table=('public', 'invoices'), column='project_id', type='uuid',
                    likely_target=('public', 'projects')),)
    """
    key_type: dict[TableKey, str] = {}
    for table in catalog.tables:
        if table.primary_key and len(table.primary_key.columns) == 1:
            column = table.column(table.primary_key.columns[0])
            if column is not None:
                key_type[table.key] = column.type
    by_name: dict[str, list[TableKey]] = {}
    for table in catalog.tables:
        by_name.setdefault(table.name.lower(), []).append(table.key)
    found = []
    for table in catalog.tables:
        covered = {c for fk in table.foreign_keys for c in fk.columns}
        covered |= {p.column for p in table.polymorphic}
        covered |= {p.discriminator for p in table.polymorphic if p.discriminator}
        for column in table.columns:
            name = column.name.lower()
            if not name.endswith("_id") or column.name in covered:
                continue
            candidates = [key for key in _named_tables(name[: -len("_id")], by_name)
                          if key_type.get(key, column.type) == column.type]
            same_schema = [key for key in candidates if key[0] == table.schema]
            target = (same_schema or candidates or [None])[0]
            if target is None and column.type not in key_type.values():
                continue
            found.append(UnlinkedColumn(table.key, column.name, column.type, target))
    return tuple(found)


def _named_tables(stem: str, by_name: Mapping[str, list[TableKey]]) -> list[TableKey]:
    """Tables a ``<stem>_id`` column may be named after: ``customer`` -> ``customers``,
    ``category`` -> ``categories``, ``parent_category`` -> ``categories``."""
    words = [stem]
    if "_" in stem:
        words.append(stem.rsplit("_", 1)[-1])
    found: list[TableKey] = []
    for word in words:
        forms = [word, word + "s", word + "es"]
        if word.endswith("y"):
            forms.append(word[:-1] + "ies")
        for form in forms:
            found += sorted(by_name.get(form, ()))
    return list(dict.fromkeys(found))


# ------------------------------------------------------------ reference hints for inspect


class ReferenceHint(NamedTuple):
    """A column named like a reference (``customer_id``) that has no foreign key."""

    schema: str
    table: str
    column: str
    target: str | None  # a likely ``references:`` value, when a table of that name exists
    discriminator: str | None  # a sibling ``<prefix>_type`` (or Django's ``content_type_id``)


_REFERENCE_LIKE = re.compile(r"^(?P<prefix>.+)_(?:id|uuid)$", re.IGNORECASE)
# Django's GenericForeignKey: object_id beside content_type_id (to_object_id beside
# to_content_type_id...), the row's model named by a row of django_content_type.
_GENERIC_RELATION = re.compile(r"(?P<head>(?:.+_)?)object_id")


def reference_hints(catalog: Catalog) -> list[ReferenceHint]:
    """Columns named like references (``*_id``, ``*_uuid``) that no foreign key covers.

    What ``pgwright inspect`` writes above such a column. Unlike
    :func:`unlinked_reference_columns`, which judges a spec (its polymorphic declarations
    included), it reads a database, which has none: every such column is named, with the
    sibling column that makes it look polymorphic, if any.
    """
    tables = catalog.tables_by_key()
    hints = []
    for table in catalog.tables:
        covered = {column for fk in table.foreign_keys for column in fk.columns}
        names = [c.name for c in table.columns]
        identifiers = {u.columns[0] for u in table.uniques if len(u.columns) == 1}
        if table.primary_key is not None and len(table.primary_key.columns) == 1:
            identifiers.add(table.primary_key.columns[0])
        for column in table.columns:
            match = _REFERENCE_LIKE.match(column.name)
            if not match or column.name in covered:
                continue
            prefix = match.group("prefix")
            if column.name in identifiers and _names_itself(table.name, prefix):
                continue  # streams.stream_id is the stream's own id, not a reference
            discriminator = next((f"{prefix}_{suffix}" for suffix in ("type", "kind", "table")
                                  if f"{prefix}_{suffix}" in names), None)
            generic = _GENERIC_RELATION.fullmatch(column.name)
            if discriminator is None and generic and f"{generic['head']}content_type_id" in names:
                discriminator = f"{generic['head']}content_type_id"  # Django's generic relation
            hints.append(ReferenceHint(table.schema, table.name, column.name,
                                       _likely_target(tables, table, prefix, catalog.schema_names),
                                       discriminator))
    return hints


def _names_itself(table: str, prefix: str) -> bool:
    table, prefix = table.lower(), prefix.lower()
    return any(table == name or table.endswith("_" + name)
               for name in (prefix, prefix + "s", prefix + "es"))


def _likely_target(tables, table: Table, prefix: str, schemas: Sequence[str]) -> str | None:
    """``customers.id`` for ``customer_id``, when such a table has a one-column key."""
    last_word = prefix.rsplit("_", 1)[-1]
    names = [prefix, prefix + "s", prefix + "es", last_word + "s", last_word]
    if prefix.endswith("y"):
        names.append(prefix[:-1] + "ies")
    first = schemas[0] if schemas else table.schema
    candidates = [(schema, name) for schema in dict.fromkeys([table.schema, first, *schemas])
                  for name in names]
    if prefix == "parent":  # parent_id: the row's parent, in the same table
        candidates.insert(0, table.key)
    for schema, name in candidates:
        target = tables.get((schema, name))
        if target is not None and target.primary_key and len(target.primary_key.columns) == 1:
            qualified = name if schema == first else f"{schema}.{name}"
            return f"{qualified}.{target.primary_key.columns[0]}"
    return None

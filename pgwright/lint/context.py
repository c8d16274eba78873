"""The facts every rule reads, computed once per lint run from the model and the lint config.

Tenancy comes from the spec where it says it (``tenancy: {root: ...}``, ``lint: {global:
true}``) and is guessed otherwise, the way the docs guess it (:func:`pgwright.analysis.tenancy`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property

from pgwright.analysis import TableKey, Tenancy, outlives_what_it_records, tenancy
from pgwright.lint.expressions import Predicate, read_predicate
from pgwright.model import Catalog, Index, Policy, Table


# The names a guessed tenant root must have (see LintContext.tenancy).
TENANT_ROOT_NAMES = frozenset({
    "organizations", "organisations", "orgs", "tenants", "accounts", "workspaces",
    "companies", "teams", "businesses",
})


@dataclass(frozen=True)
class LintContext:
    catalog: Catalog
    global_tables: frozenset[TableKey] = frozenset()  # declared shared by every tenant
    # Roles that bypass RLS (superusers, BYPASSRLS): known only from a live database.
    bypass_roles: frozenset[str] = frozenset()
    # Orphan checks run on a live database (pgwright.checks.Finding), with --db and a spec.
    orphans: tuple = ()
    tables: dict[TableKey, Table] = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "tables", self.catalog.tables_by_key())

    @cached_property
    def tenancy(self) -> Tenancy:
        """The spec's tenant roots; without them, the docs' guess (the table most others
        reference with a NOT NULL key), kept only when its name says tenant: a guessed
        ``approvers`` or ``principals`` would turn every rule about tenants into noise."""
        if self.catalog.tenant_roots:
            return tenancy(self.catalog, self.catalog.tenant_roots)
        guessed = tenancy(self.catalog).roots
        return tenancy(self.catalog, [key for key in guessed
                                      if key[1].lower() in TENANT_ROOT_NAMES])

    @cached_property
    def tenant_column_names(self) -> frozenset[str]:
        """The column names that hold the tenant: the most used key to each root."""
        names = set()
        for root in self.tenancy.roots:
            for columns, _count in self.tenancy.columns_of(root)[:1]:
                if len(columns) == 1:
                    names.add(columns[0])
        return frozenset(names)

    def tenant_columns(self, table: Table) -> frozenset[str]:
        """The columns of ``table`` that say which tenant a row belongs to; empty for a table
        outside tenancy. A root's own key is its tenant column."""
        found = self._tenant_columns.get(table.key)
        if found is None:
            found = self._tenant_columns[table.key] = self._find_tenant_columns(table)
        return found

    @cached_property
    def _tenant_columns(self) -> dict[TableKey, frozenset[str]]:
        return {}

    def _find_tenant_columns(self, table: Table) -> frozenset[str]:
        if table.key in self.tenancy.roots:
            return frozenset(table.primary_key.columns) if table.primary_key else frozenset()
        found = {name for fk in self.tenancy.keys_of(table.key) for name in fk.columns}
        found |= {name for name in self.tenant_column_names if table.column(name) is not None}
        return frozenset(found)

    def is_tenant_table(self, table: Table) -> bool:
        """A table whose rows belong to a tenant (the roots included), unless declared global."""
        return table.key not in self.global_tables and bool(self.tenant_columns(table))

    def is_root(self, key: TableKey) -> bool:
        return key in self.tenancy.roots

    @cached_property
    def outlives_tagged(self) -> bool:
        return any(table.outlives is not None for table in self.catalog.tables)

    def outlives(self, table: Table) -> bool:
        """Whether rows of ``table`` should survive what they record: once any table says
        ``outlives:``, the tags decide; until then a guess from group and name, like docs."""
        return bool(table.outlives) if self.outlives_tagged else outlives_what_it_records(table)

    @cached_property
    def helper_names(self) -> frozenset[str]:
        """Names of the catalog's own functions: the helpers a policy may call."""
        return frozenset(function.name for function in self.catalog.functions)

    def predicates(self, policy: Policy) -> tuple[Predicate | None, Predicate | None]:
        """The parsed USING and WITH CHECK of ``policy``, in the spec's own text when known."""
        written = policy.written or policy
        return read_predicate(written.using), read_predicate(written.with_check)


def object_name(table: Table, *parts: str) -> str:
    """``public.tasks``, ``public.tasks.project_id``: the table first, then the part."""
    return ".".join((table.schema, table.name) + parts)


def names(items: Collection[str]) -> str:
    return ", ".join(sorted(items))


def index_columns(index: Index) -> tuple[str | None, ...]:
    """The column each key of ``index`` names (quoted or bare, with or without an operator
    class or ordering), None for an expression key."""
    return tuple(_key_column(key) for key in index.keys)


def _key_column(key: str) -> str | None:
    if key.startswith('"'):
        end = key.find('"', 1)
        while end != -1 and key[end + 1:end + 2] == '"':
            end = key.find('"', end + 2)
        return key[1:end].replace('""', '"') if end != -1 else None
    word = key.split(" ", 1)[0]
    return word if word.replace("_", "").replace("$", "").isalnum() else None

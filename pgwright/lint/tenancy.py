"""Tenancy rules: every row belongs to one tenant, and nothing ties it to another."""

from __future__ import annotations

from pgwright.analysis import FindingKind, blast_radius
from pgwright.lint.context import LintContext, index_columns, names, object_name
from pgwright.lint.registry import Severity, Violation, rule

TENANCY = "tenancy"


@rule("TEN001", "missing-tenant-column", Severity.ERROR, TENANCY,
      "a table without the tenant column that is not declared global",
      "add the tenant column (NOT NULL, referencing the tenant root), or declare the table "
      "shared: `lint: {global: true, reason: ...}`")
def missing_tenant_column(context: LintContext):
    if not context.tenant_column_names:
        return
    column = names(context.tenant_column_names)
    for table in context.catalog.tables:
        if table.key in context.global_tables or context.tenant_columns(table):
            continue
        yield Violation(object_name(table), f"{object_name(table)} has no {column} column and "
                        "is not declared global", table.origin)


@rule("TEN002", "cross-tenant-foreign-key", Severity.WARNING, TENANCY,
      "a foreign key between two tenant tables on the id only: a row can point into another "
      "tenant",
      "make it a composite key with the tenant column, (organization_id, x_id) REFERENCES "
      "x (organization_id, id), backed by UNIQUE (organization_id, id) on the target")
def cross_tenant_foreign_key(context: LintContext):
    for table in context.catalog.tables:
        if not context.is_tenant_table(table) or context.is_root(table.key):
            continue
        own = context.tenant_columns(table)
        for fk in table.foreign_keys:
            target = context.tables.get((fk.target_schema, fk.target_table))
            if (target is None or context.is_root(target.key)
                    or not context.is_tenant_table(target)):
                continue
            if own & set(fk.columns) and context.tenant_columns(target) & set(fk.target_columns):
                continue
            yield Violation(
                object_name(table, fk.name),
                f"{object_name(table, fk.name)} references {object_name(target)} on "
                f"({', '.join(fk.target_columns)}) only: a row can point into another tenant",
                fk.origin or table.origin)


@rule("TEN003", "unique-without-tenant", Severity.WARNING, TENANCY,
      "a UNIQUE constraint or index on a tenant table that does not include the tenant column",
      "add the tenant column to the key, UNIQUE (organization_id, slug): otherwise one "
      "tenant's value blocks every other tenant and reveals that it exists")
def unique_without_tenant(context: LintContext):
    for table in context.catalog.tables:
        if not context.is_tenant_table(table) or context.is_root(table.key):
            continue
        tenant = context.tenant_columns(table)
        distinct = _tenant_distinct_columns(context, table)
        keys = [(unique.name, unique.columns) for unique in table.uniques]
        keys += [(index.name, index_columns(index))
                 for index in table.indexes if index.unique and index.where is None]
        for name, columns in keys:
            # A key that holds the primary key is unique anyway; it is not about tenants.
            primary = set(table.primary_key.columns) if table.primary_key else set()
            if tenant & set(columns) or (primary and primary <= set(columns)) \
                    or distinct & set(columns):
                continue
            yield Violation(object_name(table, name),
                            f"{object_name(table, name)} is unique across tenants: "
                            f"({', '.join(c or '<expression>' for c in columns)}) leaves out "
                            f"{names(tenant)}", table.origin)


@rule("TEN004", "cascade-crosses-tenants", Severity.ERROR, TENANCY,
      "deleting a tenant cascades into rows of another tenant, or rows that belong to two",
      "reference the other tenant's rows with ON DELETE RESTRICT or SET NULL, so deleting one "
      "tenant never deletes another's data")
def cascade_crosses_tenants(context: LintContext):
    for root in context.tenancy.roots:
        radius = blast_radius(context.catalog, root, outlives=lambda _table: False,
                              tenants=context.tenancy)
        for finding in radius.findings:
            if finding.kind not in (FindingKind.CROSSES_TENANTS, FindingKind.SHARED_ROWS):
                continue
            table = context.tables[finding.table]
            chain = " -> ".join(name for _, name in finding.chain)
            yield Violation(object_name(table), f"deleting a row of {root[0]}.{root[1]} "
                            f"{finding.message} ({chain})", table.origin)


def _tenant_distinct_columns(context: LintContext, table) -> set[str]:
    """Columns whose values can never repeat in two tenants, so a key holding one cannot
    collide across tenants: generated ones (identity, serial, gen_random_uuid()) and
    references to rows of a tenant table (each belongs to one tenant)."""
    found = {column.name for column in table.columns
             if column.identity or column.serial or column.generated
             or (column.default or "").startswith(("gen_random_uuid(", "nextval("))}
    for fk in table.foreign_keys:
        target = context.tables.get((fk.target_schema, fk.target_table))
        if target is not None and context.is_tenant_table(target):
            found |= set(fk.columns) - context.tenant_columns(table)
    for declaration in table.polymorphic:
        if all((target := context.tables.get((schema, name))) is not None
               and context.is_tenant_table(target)
               for _, schema, name, _ in declaration.targets):
            found.add(declaration.column)
    return found

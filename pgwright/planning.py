"""From a spec and a live database to a plan: the pipeline's middle, in one function.

    spec (load + validate) -> model  <- introspect (live)
    canonicalize spec expressions (server)  -> diff -> operations -> statements
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from pgwright.checks import Finding
from pgwright.diff.preflight import checks_for_operations
from pgwright.diff import diff
from pgwright.diff.renames import apply_declared_renames
from pgwright.errors import PlanError, Problem
from pgwright.gcpause import without_collector
from pgwright.introspect.canonical import canonicalize
from pgwright.introspect import queries
from pgwright.introspect.violations import evaluate_checks
from pgwright.introspect.catalog import (
    PendingRows,
    catalog_snapshot,
    external_columns,
    external_columns_query,
    missing_roles,
    roles_query,
    send_catalog_reads,
    user_types,
    user_types_query,
)
from pgwright.introspect.extra import unmanaged_objects, unmanaged_query
from pgwright.model import Catalog
from pgwright.names import quote_ident
from pgwright.ops import AssertNoViolations, Operation
from pgwright.render.sql import Statement, render_script, render_statements
from pgwright.spec import with_lines
from pgwright.spec.document import SpecDocument
from pgwright.spec.reading import extension_entries_with_paths, managed_schemas, role_paths


@dataclass(frozen=True)
class UnmanagedObject:
    """Something in a managed schema that the spec cannot express (a view, a grant, a
    partitioned table...): the plan leaves it as it is, and says so."""

    kind: str
    name: str  # quoted and qualified, as PostgreSQL prints it
    detail: str | None = None

    def __str__(self) -> str:
        return f"{self.kind} {self.name}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class Plan:
    """What it takes to bring a database to the spec."""

    operations: tuple[Operation, ...]
    statements: tuple[Statement, ...]
    spec: Catalog
    live: Catalog
    # Rows that would violate what the plan adds (a plan with blocking findings is
    # refused), and rows the plan itself cleans (orphans: delete | set_null).
    findings: tuple[Finding, ...] = ()
    unmanaged: tuple[UnmanagedObject, ...] = ()

    @property
    def blocking_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.check.blocking)

    @property
    def is_empty(self) -> bool:
        return not self.operations

    @property
    def destructive(self) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.destructive)

    def sql(self, header: str = "") -> str:
        return render_script(list(self.statements), header)

    def single_transaction_sql(self, header: str = "") -> str:
        """The script with every statement in a form that runs inside one transaction
        block (``psql -1``): indexes are built without CONCURRENTLY, so writers to their
        tables wait while they build."""
        def in_transaction(statement: Statement) -> Statement:
            if statement.transactional:
                return statement
            sql = transactional_form(statement.sql)
            comment = statement.comment if sql == statement.sql else \
                "built inside the transaction: writers wait until it commits"
            return replace(statement, sql=sql, transactional=True, comment=comment)

        return render_script([in_transaction(s) for s in self.statements], header)


def transactional_form(sql: str) -> str:
    """A statement as it can run in a transaction block: CREATE INDEX CONCURRENTLY builds
    the same index without CONCURRENTLY (the other statements pgwright runs outside one,
    VALIDATE CONSTRAINT and ALTER TYPE ... ADD VALUE, run inside one as they are)."""
    return sql.replace("INDEX CONCURRENTLY ", "INDEX ", 1)


def build_spec_catalog(document: SpecDocument, user_types: dict[str, str]) -> Catalog:
    """The spec's model with user types resolved against the database first.

    The model depends on nothing else, so for a validated spec it is cached beside it.
    """
    from pgwright.spec import cache

    key = None
    if document.digest is not None:
        key = cache.derived_key(document.digest, "catalog", sorted(user_types.items()))
        cached = cache.read_entry(key)
        if isinstance(cached, Catalog):
            return cached
    from pgwright.spec.to_model import chained, default_type_resolver, spec_to_catalog

    catalog = spec_to_catalog(document, chained(user_types.get, default_type_resolver(document.data)))
    if key is not None:
        cache.write_entry(key, catalog)
    return catalog


def _check_external_references(spec: Catalog, external: dict) -> None:
    managed = set(spec.schema_names)
    problems = []
    for table in spec.tables:
        for fk in table.foreign_keys:
            if fk.target_schema in managed:
                continue
            columns = external.get((fk.target_schema, fk.target_table))
            target = f"{fk.target_schema}.{fk.target_table}"
            if columns is None:
                problems.append(f"{fk.origin}: references {target}, which does not exist "
                                "in the database")
                continue
            for mine, theirs in zip(fk.columns, fk.target_columns, strict=True):
                if theirs not in columns:
                    problems.append(f"{fk.origin}: {target} has no column '{theirs}'")
                elif (own := table.column(mine)) is not None and own.type != columns[theirs]:
                    problems.append(f"{fk.origin}: {mine} is {own.type} but {target}.{theirs} "
                                    f"is {columns[theirs]}")
    if problems:
        raise PlanError("references outside the managed schemas do not hold:\n  "
                        + "\n  ".join(problems))


def _missing_role_problems(document: SpecDocument, missing_roles: list[str]) -> list[Problem]:
    paths = role_paths(document.data)
    document = with_lines(document)  # a spec read from the cache left its lines behind
    return [document.problem(paths.get(role, ("roles",)), f"role {role} does not exist on the "
                             "server", f"create it first: CREATE ROLE {quote_ident(role)} NOLOGIN")
            for role in missing_roles]


def _unavailable_extensions(names: list[str], rows) -> list[str]:
    """The extensions of ``names`` the server cannot create (not installed on its machine),
    from the rows of queries.AVAILABLE_EXTENSIONS."""
    return sorted(set(names) - {row[0] for row in rows})


def _unavailable_extension_problems(document: SpecDocument, names: list[str]) -> list[Problem]:
    paths = {name: path for name, _, path in extension_entries_with_paths(document.data)}
    document = with_lines(document)
    return [document.problem(paths.get(name, ("extensions",)), f"extension {name} is not "
                             "available on the server",
                             "install its package on the database server, or check the name "
                             "against pg_available_extensions")
            for name in names]


def named_roles(spec: Catalog) -> list[str]:
    """Every role the spec names: its roles list and each policy's roles."""
    roles = set(spec.roles)
    for table in spec.tables:
        for policy in table.policies:
            roles.update(policy.roles)
    return sorted(roles - {"public"})


def external_relations(spec: Catalog) -> list[str]:
    """The tables outside the managed schemas that the spec's foreign keys reference."""
    managed = set(spec.schema_names)
    return sorted({f"{fk.target_schema}.{fk.target_table}" for table in spec.tables
                   for fk in table.foreign_keys if fk.target_schema not in managed})


def claimed_labels(spec: Catalog) -> frozenset[str]:
    """The labels of the list of unmanaged objects that the spec's kinds take over: a view
    is unmanaged until the spec has views:."""
    from pgwright.kinds import KINDS

    return frozenset(label for kind in KINDS if kind.claims and spec.manages(kind.name)
                     for label in kind.claims)


@without_collector
def plan_against(connection, document: SpecDocument) -> Plan:
    """The plan that brings the database behind ``connection`` to the spec document."""
    schemas = managed_schemas(document.data)
    with catalog_snapshot(connection):
        # Two round trips for the whole snapshot (statements are pipelined): what does not
        # depend on the spec, user types first, since the spec's model needs them; then
        # what the spec names outside the managed schemas.
        types = PendingRows(connection, [user_types_query(schemas)])
        reading = send_catalog_reads(connection, schemas)
        unmanaged_reading = PendingRows(connection, [unmanaged_query(connection, schemas)])
        found_types = user_types(types.rows()[0])
        # The spec's model is built (or read from the cache) in a thread while the server
        # answers the catalog queries: the driver releases the GIL while it waits.
        with ThreadPoolExecutor(max_workers=1) as pool:
            building = pool.submit(build_spec_catalog, document, found_types)
            live = reading.catalog()
            spec = building.result()
        relations, roles = external_relations(spec), named_roles(spec)
        installed = {extension.name for extension in live.extensions}
        wanted = [extension.name for extension in spec.extensions
                  if extension.name not in installed]
        dependent = [query for needed, query in (
            (relations, external_columns_query(relations)), (roles, roles_query(roles)),
            (wanted, (queries.AVAILABLE_EXTENSIONS, {"names": wanted}))) if needed]
        dependent_rows = iter(PendingRows(connection, dependent).rows())
        claimed = claimed_labels(spec)
        unmanaged = tuple(UnmanagedObject(*row)
                          for row in unmanaged_objects(unmanaged_reading.rows()[0])
                          if row[0] not in claimed)
        external = external_columns(next(dependent_rows)) if relations else {}
        missing_roles_found = missing_roles(roles, next(dependent_rows)) if roles else []
        unavailable = _unavailable_extensions(wanted, next(dependent_rows)) if wanted else []
    if unavailable:
        raise PlanError(f"extension(s) {', '.join(unavailable)} are not available on the "
                        "server, so they cannot be created:",
                        _unavailable_extension_problems(document, unavailable))
    if missing_roles_found:
        raise PlanError(f"role(s) {', '.join(missing_roles_found)} do not exist on the server; "
                        "pgwright checks roles but never creates them:",
                        _missing_role_problems(document, missing_roles_found))
    _check_external_references(spec, external)
    live, partitioned = _without_partitioned_tables(live, unmanaged)
    # A table or column the spec renames is compared under its new name, as the diff does:
    # otherwise its expressions go unprinted and an unchanged policy shows as an access change.
    canonical = canonicalize(connection, spec, apply_declared_renames(spec, live)[0])
    operations = diff(canonical, live)
    _refuse_partitioned_tables(operations, partitioned)
    _refuse_changes_under_views(connection, operations)
    checks, findings = evaluate_checks(connection, checks_for_operations(operations, live))
    operations = [AssertNoViolations(check) for check in checks
                  if check.blocking and check.guard_first] + operations
    return Plan(operations=tuple(operations), statements=tuple(render_statements(operations)),
                spec=canonical, live=live, findings=tuple(findings), unmanaged=unmanaged)


def _without_partitioned_tables(live: Catalog, unmanaged) -> tuple[Catalog, set[str]]:
    """The live catalog without its partitioned tables, which pgwright leaves alone as it
    does views (they are listed as unmanaged), and their quoted names."""
    from pgwright.names import qualified

    partitioned = {o.name for o in unmanaged if o.kind == "partitioned table"}
    if not partitioned:
        return live, partitioned
    tables = tuple(t for t in live.tables if qualified(*t.key) not in partitioned)
    return replace(live, tables=tables), partitioned


def _refuse_partitioned_tables(operations, partitioned: set[str]) -> None:
    """PlanError when the plan would touch a partitioned table (the spec declares one):
    pgwright does not model partitions yet, and acting on one as on a plain table fails
    (CREATE INDEX CONCURRENTLY is refused on it) or does the wrong thing."""
    from pgwright.names import qualified
    from pgwright.render.plan import describe

    if not partitioned:
        return
    touching = [o for o in operations
                if getattr(o, "table", None) is not None and getattr(o, "schema", None) is not None
                and qualified(o.schema, o.table) in partitioned]
    if touching:
        tables = sorted({qualified(o.schema, o.table) for o in touching})
        raise PlanError(
            f"the plan would change the partitioned table(s) {', '.join(tables)}, which "
            "pgwright does not manage yet (partitions are not modelled): "
            + "; ".join(describe(o) for o in touching[:5])
            + ". Leave them out of the spec, or make these changes by hand.")


def locate_rejected_expressions(connection, schema_names, table) -> list[str]:
    """``spec origin: server error`` for each expression of ``table`` (defaults, generated
    columns, checks, indexes, policies, trigger conditions) the server rejects on its own,
    each tried on a temporary stand-in of the table. Used once a statement of a new
    migration has failed, to say which line of the spec it came from; empty when no single
    expression is to blame."""
    from pgwright.introspect import canonical

    everything = canonical._StandIn(
        table, frozenset(c.name for c in table.columns if c.default or c.generated),
        frozenset(c.name for c in table.checks), frozenset(i.name for i in table.indexes),
        frozenset(p.name for p in table.policies), frozenset(t.name for t in table.triggers))
    search_path = ", ".join([*(quote_ident(s) for s in schema_names), "pg_temp"])
    located = []
    with connection.transaction(force_rollback=True):
        connection.execute(f"SET LOCAL search_path = {search_path}")
        for origin, alone in canonical._each_expression(everything):
            rejected = canonical._rejection(
                connection, canonical._stand_in_sql(0, table.name, alone))
            if rejected is not None:
                located.append(f"{origin}: {rejected}")
    return located


# The views (and materialized views) that use each column of the given tables, from the
# rewrite rules' dependencies: PostgreSQL refuses to drop or retype such a column, or to drop
# such a table, while the view stands.
_VIEWS_USING_SQL = """
SELECT DISTINCT source_ns.nspname, source.relname, attribute.attname,
       pg_catalog.quote_ident(view_ns.nspname) || '.' || pg_catalog.quote_ident(view.relname)
FROM pg_catalog.pg_depend dependency
JOIN pg_catalog.pg_rewrite rule ON rule.oid = dependency.objid
JOIN pg_catalog.pg_class view ON view.oid = rule.ev_class
JOIN pg_catalog.pg_namespace view_ns ON view_ns.oid = view.relnamespace
JOIN pg_catalog.pg_class source ON source.oid = dependency.refobjid
JOIN pg_catalog.pg_namespace source_ns ON source_ns.oid = source.relnamespace
LEFT JOIN pg_catalog.pg_attribute attribute
       ON attribute.attrelid = source.oid AND attribute.attnum = dependency.refobjsubid
WHERE dependency.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
  AND dependency.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
  AND view.oid <> source.oid
  AND (source_ns.nspname::text, source.relname::text) IN
      (SELECT * FROM ROWS FROM (pg_catalog.unnest(%s::text[]), pg_catalog.unnest(%s::text[])))
"""


def _refuse_changes_under_views(connection, operations) -> None:
    """PlanError when the plan drops or retypes a column (or drops a table) that a view
    the spec does not manage uses: the migration would fail there, so plan says so now."""
    from pgwright.kinds.column import AlterColumnType, DropColumn
    from pgwright.kinds.table import DropTable
    from pgwright.names import qualified
    from pgwright.render.plan import describe

    touching = [o for o in operations if isinstance(o, DropColumn | AlterColumnType
                                                    | DropTable)]
    if not touching:
        return
    tables = sorted({(o.schema, o.table) for o in touching})
    uses: dict[tuple[str, str, str | None], set[str]] = {}
    for schema, table, column, view in connection.execute(
            _VIEWS_USING_SQL, ([t[0] for t in tables], [t[1] for t in tables])):
        uses.setdefault((schema, table, column), set()).add(view)
        uses.setdefault((schema, table, None), set()).add(view)
    blocked = []
    for operation in touching:
        column = None if isinstance(operation, DropTable) else operation.column
        views = uses.get((operation.schema, operation.table, column))
        if views:
            used = qualified(operation.schema, operation.table) + (f".{column}" if column else "")
            blocked.append(f"{describe(operation)}: {used} is used by view(s) "
                           f"{', '.join(sorted(views))}")
    if blocked:
        raise PlanError("the plan would fail on views the spec does not manage (PostgreSQL "
                        "refuses to drop or retype what a view uses):\n  " + "\n  ".join(blocked)
                        + "\nDrop or change those views first (and make them again after), "
                        "or leave these columns as they are.")

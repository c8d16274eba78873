"""Domains: a base type with NOT NULL, a default, a collation and named CHECKs on VALUE.

A kind with a top-level key of its own, ``domains:``. A spec without the key does not
manage domains; a spec with it (even empty) manages every domain of its schemas.

What changes in place: the default (SET/DROP DEFAULT), NOT NULL (SET/DROP NOT NULL, after a
preflight that counts the NULLs of the columns of the domain), each check (DROP CONSTRAINT,
ADD CONSTRAINT ... NOT VALID then VALIDATE, after a preflight that counts the rows of those
columns that fail it), the comment and the name (renamed_from). PostgreSQL cannot change a
domain's base type or collation in place: the plan is refused with what to do instead.

Check expressions and the default are compared as the server prints them: the spec's are
printed on the server, on stand-in domains of a rolled-back transaction (``canonicalize``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Sequence as Objects
from dataclasses import dataclass, field, replace

from pgwright.checks import DataCheck, FailingCheck, NullValues, row_key
from pgwright.errors import PlanError
from pgwright.kinds.comment import SetComment
from pgwright.kinds.keyed import declared_renames, keyed_diff
from pgwright.kinds.registry import CatalogQuery, DocsTable, Kind, SpecSection, SpecWriting
from pgwright.model import Catalog
from pgwright.names import qualified, quote_ident, quote_literal
from pgwright.normalize import qualified_type_name, split_quoted
from pgwright.ops import Action, ObjectKey, Operation
from pgwright.render.ddl import guarded
from pgwright.render.statements import Statement, describe, render_operation

# ------------------------------------------------------------------------------ model


@dataclass(frozen=True)
class DomainCheck:
    name: str
    expression: str  # as the spec writes it, or as the server prints it (without CHECK)
    # The spec's own text once canonicalization gave it the server's: what the plan runs.
    written: str | None = field(default=None, compare=False)

    @property
    def sql(self) -> str:
        return self.written if self.written is not None else self.expression


@dataclass(frozen=True)
class Domain:
    schema: str
    name: str
    base_type: str  # format_type() text
    nullable: bool = True
    default: str | None = None
    collation: str | None = None  # a collation other than the base type's, of pg_catalog
    checks: tuple[DomainCheck, ...] = ()
    comment: str | None = None
    written_default: str | None = field(default=None, compare=False)
    renamed_from: tuple[str, ...] = field(default=(), compare=False)
    origin: str | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)

    @property
    def type_name(self) -> str:
        """How format_type() prints the domain: what a column of it is typed."""
        return qualified_type_name(self.schema, self.name)

    @property
    def default_sql(self) -> str | None:
        return self.written_default if self.written_default is not None else self.default


def type_key(schema: str, name: str) -> ObjectKey:
    """Domains, composite types and enums share pg_type's namespace of each schema."""
    return ("type", schema, name)


# ------------------------------------------------------------------------- operations


@dataclass(frozen=True)
class CreateDomain(Operation, kind="domain", action=Action.CREATE):
    domain: Domain

    @property
    def target(self) -> ObjectKey:
        return type_key(*self.domain.key)


@dataclass(frozen=True)
class SetDomainDefault(Operation, kind="domain", action=Action.CHANGE):
    schema: str
    name: str
    default: str | None

    @property
    def target(self) -> ObjectKey:
        return ("domain default", self.schema, self.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        return (type_key(self.schema, self.name),)


@dataclass(frozen=True)
class SetDomainNullable(Operation, kind="domain", action=Action.CHANGE):
    schema: str
    name: str
    nullable: bool
    preflight: tuple[DataCheck, ...] = ()

    @property
    def target(self) -> ObjectKey:
        return ("domain not null", self.schema, self.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        return (type_key(self.schema, self.name),)


@dataclass(frozen=True)
class AddDomainCheck(Operation, kind="domain", action=Action.CREATE):
    """ADD CONSTRAINT ... NOT VALID, then VALIDATE: the columns of the domain are scanned
    without blocking writers for long; the preflight counts their failing rows first."""

    schema: str
    name: str
    check: DomainCheck
    preflight: tuple[DataCheck, ...] = ()

    @property
    def target(self) -> ObjectKey:
        return ("domain check", self.schema, self.name, self.check.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        return (type_key(self.schema, self.name),)


@dataclass(frozen=True)
class DropDomainCheck(Operation, kind="domain", action=Action.DROP):
    schema: str
    name: str
    check_name: str
    replaced: bool = False  # dropped to be added again, with another expression

    @property
    def target(self) -> ObjectKey:
        return ("domain check", self.schema, self.name, self.check_name)

    @property
    def order_within_kind(self) -> tuple:
        return (self.schema, self.name, self.check_name)


@dataclass(frozen=True)
class RenameDomain(Operation, kind="domain", action=Action.RENAME):
    schema: str
    name: str
    new_name: str

    @property
    def target(self) -> ObjectKey:
        return type_key(self.schema, self.name)

    @property
    def renamed_target(self) -> ObjectKey:
        return type_key(self.schema, self.new_name)


@dataclass(frozen=True)
class DropDomain(Operation, kind="domain", action=Action.DROP):
    schema: str
    name: str

    @property
    def target(self) -> ObjectKey:
        return type_key(self.schema, self.name)


# ------------------------------------------------------------------------- comparison


def compare_domains(spec: Catalog, live: Catalog) -> Iterator[Operation]:
    declared = spec.objects(KIND_NAME)
    current = list(declared_renames(declared, live.objects(KIND_NAME), RenameDomain))
    for operation, _ in current:
        if operation is not None:
            yield operation
    result = keyed_diff(declared, [domain for _, domain in current], key=lambda d: d.key)
    for domain in result.added:
        yield CreateDomain(domain)
        if domain.comment is not None:
            yield SetComment("DOMAIN", domain.key, domain.comment)
    for domain in result.removed:
        yield DropDomain(domain.schema, domain.name)
    for domain, now in result.changed:
        yield from _changes(domain, now, live)


def _changes(domain: Domain, now: Domain, live: Catalog) -> Iterator[Operation]:
    for what, wanted, found in (("base type", domain.base_type, now.base_type),
                                ("collation", domain.collation, now.collation)):
        if wanted != found:
            raise PlanError(
                f"{domain.origin or qualified(*domain.key)}: domain {qualified(*domain.key)} "
                f"changes its {what} ({found or 'default'} -> {wanted or 'default'}): "
                "PostgreSQL cannot change it in place. Declare a new domain, move the "
                "columns to it (their type: the new domain), and drop the old one")
    if domain.default != now.default:
        yield SetDomainDefault(domain.schema, domain.name, domain.default_sql)
    columns = _columns_of(live, now)
    if domain.nullable != now.nullable:
        preflight = () if domain.nullable else tuple(
            DataCheck(code="null-values", table=f"{table.schema}.{table.name}",
                      constraint=f"domain {domain.name} NOT NULL", columns=(column,),
                      description=f"rows where {column} is NULL",
                      rows=NullValues(table.schema, table.name, column, row_key(table)))
            for table, column in columns)
        yield SetDomainNullable(domain.schema, domain.name, domain.nullable, preflight)
    live_checks = {check.name: check for check in now.checks}
    spec_checks = {check.name: check for check in domain.checks}
    for name, check in live_checks.items():
        if name not in spec_checks or spec_checks[name] != check:
            yield DropDomainCheck(domain.schema, domain.name, name, replaced=name in spec_checks)
    for name, check in spec_checks.items():
        if name not in live_checks or live_checks[name] != check:
            yield AddDomainCheck(domain.schema, domain.name, check,
                                 tuple(_failing_rows(domain, check, table, column)
                                       for table, column in columns))
    if domain.comment != now.comment:
        yield SetComment("DOMAIN", domain.key, domain.comment)


def _columns_of(live: Catalog, domain: Domain):
    """(table, column) of each live column typed with the domain itself."""
    return [(table, column.name) for table in live.tables for column in table.columns
            if column.type == domain.type_name]


def _failing_rows(domain: Domain, check: DomainCheck, table, column: str) -> DataCheck:
    """The rows of ``table`` whose ``column`` fails ``check``: its expression with VALUE
    (a keyword token, found by the SQL lexer, never inside a string) read as the column."""
    expression = _with_value_as(check.sql, quote_ident(column))
    return DataCheck(code="failing-check", table=f"{table.schema}.{table.name}",
                     constraint=f"domain {domain.name} check {check.name}", columns=(column,),
                     description=f"values of {column} failing CHECK ({check.sql})",
                     rows=FailingCheck(table.schema, table.name, expression, row_key(table)))


_VALUE = re.compile(r"(?<![\w$.])value(?![\w$])", re.IGNORECASE)


def _with_value_as(expression: str, replacement: str) -> str:
    return "".join(chunk if quoted else _VALUE.sub(lambda _: replacement, chunk)
                   for chunk, quoted in split_quoted(expression))


# ---------------------------------------------------------------------------- SQL


def _type_exists(schema: str, name: str) -> str:
    return ("EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n "
            f"ON n.oid = t.typnamespace WHERE n.nspname = {quote_literal(schema)} "
            f"AND t.typname = {quote_literal(name)})")


def _check_exists(schema: str, name: str, check: str) -> str:
    return ("EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_type t "
            "ON t.oid = c.contypid JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
            f"WHERE n.nspname = {quote_literal(schema)} AND t.typname = {quote_literal(name)} "
            f"AND c.conname = {quote_literal(check)})")


def create_domain_sql(domain: Domain, name: str | None = None) -> str:
    """CREATE DOMAIN, under ``name`` (a stand-in's) or its own qualified name."""
    parts = [f"CREATE DOMAIN {name or qualified(*domain.key)} AS {domain.base_type}"]
    if domain.collation is not None:
        parts.append(f"COLLATE {quote_ident(domain.collation)}")
    if domain.default is not None:
        parts.append(f"DEFAULT {domain.default_sql}")
    if not domain.nullable:
        parts.append("NOT NULL")
    parts += [f"CONSTRAINT {quote_ident(check.name)} CHECK ({check.sql})"
              for check in domain.checks]
    return " ".join(parts)


@render_operation.register
def _(operation: CreateDomain) -> list[Statement]:
    domain = operation.domain
    return [Statement(guarded("NOT " + _type_exists(*domain.key), create_domain_sql(domain)))]


@render_operation.register
def _(operation: SetDomainDefault) -> list[Statement]:
    action = "DROP DEFAULT" if operation.default is None else f"SET DEFAULT {operation.default}"
    return [Statement(f"ALTER DOMAIN {qualified(operation.schema, operation.name)} {action}")]


@render_operation.register
def _(operation: SetDomainNullable) -> list[Statement]:
    action = "DROP NOT NULL" if operation.nullable else "SET NOT NULL"
    return [Statement(f"ALTER DOMAIN {qualified(operation.schema, operation.name)} {action}")]


@render_operation.register
def _(operation: AddDomainCheck) -> list[Statement]:
    domain = qualified(operation.schema, operation.name)
    name = quote_ident(operation.check.name)
    body = f"ALTER DOMAIN {domain} ADD CONSTRAINT {name} CHECK ({operation.check.sql}) NOT VALID"
    return [
        Statement(guarded("NOT " + _check_exists(operation.schema, operation.name,
                                                 operation.check.name), body)),
        Statement(f"ALTER DOMAIN {domain} VALIDATE CONSTRAINT {name}", transactional=False,
                  comment="validated outside the transaction: writers are not blocked"),
    ]


@render_operation.register
def _(operation: DropDomainCheck) -> list[Statement]:
    return [Statement(f"ALTER DOMAIN {qualified(operation.schema, operation.name)} DROP "
                      f"CONSTRAINT IF EXISTS {quote_ident(operation.check_name)}",
                      destructive=not operation.replaced)]


@render_operation.register
def _(operation: RenameDomain) -> list[Statement]:
    return [Statement(guarded(_type_exists(operation.schema, operation.name),
                              f"ALTER DOMAIN {qualified(operation.schema, operation.name)} "
                              f"RENAME TO {quote_ident(operation.new_name)}"))]


@render_operation.register
def _(operation: DropDomain) -> list[Statement]:
    return [Statement(f"DROP DOMAIN IF EXISTS {qualified(operation.schema, operation.name)}",
                      destructive=True)]


@describe.register
def _(operation: SetDomainDefault) -> str:
    if operation.default is None:
        return f"drop default of domain {operation.subject}"
    return f"set default of domain {operation.subject} to {operation.default}"


@describe.register
def _(operation: SetDomainNullable) -> str:
    return f"domain {operation.subject} {'nullable' if operation.nullable else 'NOT NULL'}"


@describe.register
def _(operation: AddDomainCheck) -> str:
    return (f"add check {operation.check.name} to domain {operation.schema}.{operation.name}: "
            f"{operation.check.sql}")


@describe.register
def _(operation: DropDomainCheck) -> str:
    return f"drop check {operation.check_name} of domain {operation.schema}.{operation.name}"


@describe.register
def _(operation: RenameDomain) -> str:
    return f"rename domain {operation.subject} to {operation.new_name}"


def domain_stand_ins(spec: Catalog, live: Catalog) -> list[str]:
    """The spec's domains the database lacks, for the expressions that name them."""
    existing = {domain.key for domain in live.objects(KIND_NAME)}
    return [create_domain_sql(domain) for domain in spec.objects(KIND_NAME)
            if domain.key not in existing]


def canonicalize_domains(connection, spec: Catalog, live: Catalog) -> Catalog:
    """The spec with each domain's checks and default as the server prints them, where they
    differ from the live domain's text: printed on stand-in domains in pg_temp, in a
    transaction rolled back. Where the server prints the spec's text as it prints the live
    text, the spec takes the live text."""
    from pgwright.introspect.canonical import _prerequisites

    # the live domains under the names the spec gives them (renamed_from)
    live_domains = {now.key: now for _, now in declared_renames(
        spec.objects(KIND_NAME), live.objects(KIND_NAME), RenameDomain)}
    needs = [domain for domain in spec.objects(KIND_NAME)
             if (now := live_domains.get(domain.key)) is not None
             and (domain.default != now.default or domain.checks != now.checks)]
    if not needs:
        return spec
    search_path = ", ".join([*(quote_ident(s) for s in spec.schema_names), "pg_temp"])
    printed: dict[str, tuple] = {}
    with connection.transaction(force_rollback=True):
        connection.execute(f"SET LOCAL search_path = {search_path}")
        for statement in _prerequisites(spec, live, []):
            connection.execute(statement)
        for number, domain in enumerate(needs):
            for side, version in (("s", domain), ("l", live_domains[domain.key])):
                name = f"pgwright_canon_{side}{number}"
                connection.execute(create_domain_sql(replace(version, nullable=True),
                                                     f"pg_temp.{name}"))
        connection.execute("SET LOCAL search_path = ''")
        rows = connection.execute(_PRINTED_QUERY).fetchall()
    for name, default, check, expression in rows:
        entry = printed.setdefault(name, (default, {}))
        if check is not None:
            entry[1][check] = expression
    canonical = {}
    for number, domain in enumerate(needs):
        now = live_domains[domain.key]
        spec_default, spec_checks = printed.get(f"pgwright_canon_s{number}", (None, {}))
        live_default, live_checks = printed.get(f"pgwright_canon_l{number}", (None, {}))
        default = domain.default
        if default is not None:
            default = now.default if spec_default == live_default else spec_default
        checks = []
        for check in domain.checks:
            text = spec_checks.get(check.name, check.expression)
            if check.name in live_checks and live_checks[check.name] == text:
                text = next(c.expression for c in now.checks if c.name == check.name)
            checks.append(replace(check, expression=text, written=check.sql))
        canonical[domain.key] = replace(domain, default=default, checks=tuple(checks),
                                        written_default=domain.default_sql)
    return spec.with_objects(KIND_NAME, [canonical.get(domain.key, domain)
                                         for domain in spec.objects(KIND_NAME)])


_PRINTED_QUERY = """
SELECT t.typname, t.typdefault, c.conname, pg_catalog.pg_get_constraintdef(c.oid)
FROM pg_catalog.pg_type t
LEFT JOIN pg_catalog.pg_constraint c ON c.contypid = t.oid AND c.contype = 'c'
WHERE t.typnamespace = pg_catalog.pg_my_temp_schema() AND t.typtype = 'd'
  AND t.typname LIKE 'pgwright\\_canon\\_%'
"""


# ----------------------------------------------------------------------------- spec

_SHAPE = """\
domain:
  type: str()
  nullable: bool(required=False, none=False)
  default: any(str(), num(), bool(), required=False, none=False)
  collation: str(required=False, none=False)
  checks: map(str(), key=str(), required=False, none=False)
  comment: str(required=False)
  renamed_from: any(str(), list(str()), required=False, none=False)
"""


def declared_domain_types(data: dict, schemas: Objects[str]) -> list[tuple[str, str]]:
    """(schema, name) of each domain the spec data declares: user types columns may name."""
    from pgwright.spec.reading import split_key

    value = data.get("domains")
    if not isinstance(value, dict) or not schemas:
        return []
    return [split_key(str(key), schemas[0]) for key in value]


def read_domains(reader) -> list[Domain]:
    """The ``domains:`` key: ``email: {type: text, checks: {has_at: "VALUE ~ '@'"}}``."""
    domains = []
    for key, entry in (reader.value or {}).items():
        path = (reader.key, key)
        schema, name = reader.object_key(path, str(key), "domain")
        base_type = reader.type(path + ("type",), entry["type"])
        if base_type == qualified_type_name(schema, name):
            reader.error(path + ("type",), f"domain {key} cannot be a domain over itself")
        collation = entry.get("collation")
        if collation is not None:
            collation = reader.name(path + ("collation",), str(collation), "collation name")
        checks = []
        for check_name, expression in (entry.get("checks") or {}).items():
            check_path = path + ("checks", check_name)
            reader.name(check_path, str(check_name), "constraint name")
            if reader.validating:
                from pgwright.spec.expressions import check_expression

                check_expression(reader._context, check_path, str(expression), "check")
            checks.append(DomainCheck(str(check_name), str(expression)))
        default = entry.get("default")
        if isinstance(default, bool):
            default = "true" if default else "false"
        written = entry.get("renamed_from")
        olds = written if isinstance(written, list) else ([] if written is None else [written])
        renamed_from = tuple(reader.name(path + ("renamed_from",), str(old), "domain name")
                             for old in olds)
        domains.append(Domain(
            schema, name, base_type or "text", nullable=entry.get("nullable", True),
            default=None if default is None else str(default), collation=collation,
            checks=tuple(sorted(checks, key=lambda c: c.name)),
            comment=entry.get("comment") or None, renamed_from=renamed_from,
            origin=reader.origin(path)))
    return domains


def write_domains(domains: Objects[Domain], writer: SpecWriting) -> dict | None:
    """Inspect: each domain with what it sets."""
    entries = {}
    for domain in domains:
        entry: dict = {"type": writer.type_name(domain.base_type)}
        if not domain.nullable:
            entry["nullable"] = False
        if domain.default is not None:
            entry["default"] = domain.default
        if domain.collation is not None:
            entry["collation"] = domain.collation
        if domain.checks:
            entry["checks"] = {check.name: _readable(check.expression)
                               for check in domain.checks}
        if domain.comment is not None:
            entry["comment"] = domain.comment
        entries[writer.key(*domain.key)] = entry
    return entries or None


def _readable(expression: str) -> str:
    """``(VALUE > 0)`` as ``VALUE > 0``: the outer parentheses the server adds, when they
    enclose the whole expression."""
    if not (expression.startswith("(") and expression.endswith(")")):
        return expression
    depth = 0
    for position, char in enumerate(expression):
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and position < len(expression) - 1:
            return expression
    return expression[1:-1]


# ----------------------------------------------------------------------- introspection

# Every domain of the managed schemas (not an extension's), its checks (contype 'c': from
# PostgreSQL 17 a domain's NOT NULL is a constraint too), and its comment.
_QUERY = """
SELECT n.nspname, t.typname, pg_catalog.format_type(t.typbasetype, t.typtypmod),
       t.typnotnull, pg_catalog.pg_get_expr(t.typdefaultbin, 0),
       CASE WHEN t.typcollation <> b.typcollation THEN co.collname END,
       ARRAY(SELECT ARRAY[c.conname::text, pg_catalog.pg_get_constraintdef(c.oid)]
             FROM pg_catalog.pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c'
             ORDER BY c.conname),
       d.description
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype
LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation
LEFT JOIN pg_catalog.pg_description d ON d.objoid = t.oid
     AND d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objsubid = 0
WHERE t.typtype = 'd' AND n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
                    AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY 1, 2
"""


def _expression(definition: str) -> str:
    """``CHECK ((VALUE > 0))`` as ``(VALUE > 0)``."""
    text = definition.removeprefix("CHECK ").strip()
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def build_domains(rows) -> list[Domain]:
    return [Domain(schema, name, base_type, nullable=not not_null, default=default,
                   collation=collation,
                   checks=tuple(DomainCheck(check, _expression(definition))
                                for check, definition in checks),
                   comment=comment)
            for (schema, name, base_type, not_null, default, collation, checks, comment) in rows]


# ----------------------------------------------------------------------------- docs


def document_domains(catalog: Catalog) -> DocsTable | None:
    domains = catalog.objects(KIND_NAME)
    if not domains:
        return None
    first_schema = catalog.schema_names[0] if catalog.schema_names else "public"
    rows = tuple((domain.name if domain.schema == first_schema
                  else f"{domain.schema}.{domain.name}",
                  domain.base_type + ("" if domain.nullable else " NOT NULL"),
                  "; ".join(f"{check.name}: {_readable(check.sql)}" for check in domain.checks),
                  domain.comment or "") for domain in domains)
    return DocsTable("Domains", ("Domain", "Base type", "Checks", "Comment"), rows,
                     code_columns=frozenset({0, 1, 2}))


def _declares_types(data: dict, schemas) -> list[tuple[str, str]]:
    return declared_domain_types(data, schemas)


KIND_NAME = "domain"
KIND = Kind(KIND_NAME, shared=True, compare=compare_domains,
            section=SpecSection("domains", "map(include('domain'), key=str())", read_domains,
                                includes=_SHAPE, write=write_domains),
            query=CatalogQuery(_QUERY, build_domains),
            claims=frozenset({"domain"}), document=document_domains,
            stand_ins=domain_stand_ins, declares_types=_declares_types,
            canonicalize=canonicalize_domains)

"""Data checks: which rows would violate a constraint a plan adds, or a reference declares.

The checks are computed from operations (and from the spec for ``pgwright orphans``), never
from SQL text. Each check has a stable code, counts the violating rows, and can show a few
sample keys; the SQL it runs is part of the check so people can review and reuse it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pgwright.model import (
    Catalog,
    CheckConstraint,
    Table,
    as_written,
)
from pgwright.names import qualified, quote_ident, quote_literal

SAMPLE_LIMIT = 5


@dataclass(frozen=True)
class DataCheck:
    """Rows that would break one constraint: ``count_sql`` counts them, ``sample_sql``
    shows up to five of their keys."""

    code: str          # orphaned-rows | null-values | duplicate-keys | failing-check | ...
    table: str         # schema.table
    constraint: str    # what is being added or declared
    columns: tuple[str, ...]
    description: str
    count_sql: str
    sample_sql: str
    # False when the plan resolves the violations itself (orphans: delete | set_null): the
    # count then says how many rows the migration will touch.
    blocking: bool = True
    # Run first, in the same transaction: what count_sql and sample_sql call.
    setup_sql: str | None = None
    # Guarded by the plan's first statement; False when the statement it protects checks it
    # itself, just before it runs (a conversion to a type the plan creates first).
    guard_first: bool = True


@dataclass(frozen=True)
class Finding:
    check: DataCheck
    count: int
    samples: tuple[tuple, ...]


def _where_all_not_null(alias: str, columns) -> str:
    return " AND ".join(f"{alias}.{quote_ident(c)} IS NOT NULL" for c in columns)


def _key_list(alias: str, columns) -> str:
    return ", ".join(f"{alias}.{quote_ident(c)}" for c in columns)


def orphan_condition(fk, target_exists: bool = True) -> str:
    """Rows ``c`` of the referencing table whose non-null key has no referenced row."""
    condition = _where_all_not_null("c", fk.columns)
    if target_exists:
        parent = qualified(fk.target_schema, fk.target_table)
        match = " AND ".join(f"p.{quote_ident(t)} = c.{quote_ident(c)}"
                             for c, t in zip(fk.columns, fk.target_columns, strict=True))
        condition += f" AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE {match})"
    return condition


RESOLUTIONS = {"delete": "orphans-deleted", "set_null": "orphans-set-null"}


def foreign_key_check(schema: str, table: str, fk, target_exists: bool = True,
                      resolution: str | None = None) -> DataCheck:
    """Orphans: rows whose (non-null) key has no row in the referenced table."""
    child = qualified(schema, table)
    condition = orphan_condition(fk, target_exists)
    columns = ", ".join(fk.columns)
    description = (f"{table}({columns}) values with no row in "
                   f"{fk.target_table}({', '.join(fk.target_columns)})")
    if resolution == "delete":
        description += ": these rows will be deleted"
    elif resolution == "set_null":
        description += f": {columns} will be set to NULL"
    return DataCheck(
        code=RESOLUTIONS.get(resolution, "orphaned-rows"), table=f"{schema}.{table}",
        constraint=fk.name, columns=fk.columns, description=description,
        count_sql=f"SELECT count(*) FROM {child} c WHERE {condition}",
        sample_sql=f"SELECT DISTINCT {_key_list('c', fk.columns)} FROM {child} c "
                   f"WHERE {condition} LIMIT {SAMPLE_LIMIT}",
        blocking=resolution is None,
    )


def row_key(table: Table) -> str:
    """What a sample shows of a row: its primary key's columns, so that a reviewer can find
    it; ``ctid`` (its physical position) only for a table without one."""
    key = table.primary_key
    if key is None or not all(table.column(c) is not None for c in key.columns):
        return "ctid"
    return ", ".join(quote_ident(c) for c in key.columns)


def not_null_check(schema: str, table: str, column: str, constraint: str,
                   key: str = "ctid") -> DataCheck:
    relation = qualified(schema, table)
    return DataCheck(
        code="null-values", table=f"{schema}.{table}", constraint=constraint, columns=(column,),
        description=f"rows where {column} is NULL",
        count_sql=f"SELECT count(*) FROM {relation} WHERE {quote_ident(column)} IS NULL",
        sample_sql=f"SELECT {key} FROM {relation} WHERE {quote_ident(column)} IS NULL "
                   f"LIMIT {SAMPLE_LIMIT}",
    )


def unique_check(schema: str, table: str, columns, constraint: str,
                 where: str | None = None) -> DataCheck:
    relation = qualified(schema, table)
    keys = ", ".join(quote_ident(c) for c in columns)
    condition = " AND ".join(f"{quote_ident(c)} IS NOT NULL" for c in columns)
    if where:
        condition += f" AND ({where})"
    groups = f"SELECT {keys} FROM {relation} WHERE {condition} GROUP BY {keys} HAVING count(*) > 1"
    return DataCheck(
        code="duplicate-keys", table=f"{schema}.{table}", constraint=constraint,
        columns=tuple(columns), description=f"groups of rows sharing ({', '.join(columns)})",
        count_sql=f"SELECT count(*) FROM ({groups}) duplicates",
        sample_sql=f"{groups} LIMIT {SAMPLE_LIMIT}",
    )


def check_constraint_check(schema: str, table: str, check: CheckConstraint,
                           key: str = "ctid") -> DataCheck:
    relation = qualified(schema, table)
    expression = as_written(check).expression  # the spec's text, as the migration runs it
    # A CHECK passes when its expression is true or NULL: only FALSE violates it.
    condition = f"({expression}) IS FALSE"
    return DataCheck(
        code="failing-check", table=f"{schema}.{table}", constraint=check.name, columns=(),
        description=f"rows failing CHECK ({expression})",
        count_sql=f"SELECT count(*) FROM {relation} WHERE {condition}",
        sample_sql=f"SELECT {key} FROM {relation} WHERE {condition} LIMIT {SAMPLE_LIMIT}",
    )


# Whether a value's text converts to a type: the explicit cast from a string type is the
# type's input function. A function of the session (pg_temp), made where a check needs it;
# PostgreSQL 16's pg_input_is_valid does the same without one, but not on 13 to 15.
_CONVERTS_SQL = (
    "CREATE OR REPLACE FUNCTION pg_temp.pgwright_converts(value text, type_name regtype)\n"
    "RETURNS boolean LANGUAGE plpgsql AS $converts$\nBEGIN\n"
    "  EXECUTE pg_catalog.format('SELECT %L::%s', value, type_name);\n  RETURN true;\n"
    "EXCEPTION WHEN OTHERS THEN\n  RETURN false;\nEND\n$converts$")


def conversion_check(schema: str, table: str, column: str, to_type: str) -> DataCheck:
    """Rows whose value of ``column`` would not convert to ``to_type`` by the explicit cast
    a type change uses (the value's text, read by the new type)."""
    relation = qualified(schema, table)
    quoted = quote_ident(column)
    # As a regtype the type is looked up when the query is read: before a plan that creates
    # it, the check cannot run beforehand (runnable_checks), and the type change runs it.
    condition = (f"{quoted} IS NOT NULL AND NOT pg_temp.pgwright_converts({quoted}::text, "
                 f"{quote_literal(to_type)}::pg_catalog.regtype)")
    return DataCheck(
        code="values-not-convertible", table=f"{schema}.{table}",
        constraint=f"{column} TYPE {to_type}", columns=(column,),
        description=f"values of {column} that do not convert to {to_type}",
        count_sql=f"SELECT count(*) FROM {relation} WHERE {condition}",
        sample_sql=f"SELECT DISTINCT {quoted} FROM {relation} WHERE {condition} "
                   f"LIMIT {SAMPLE_LIMIT}",
        setup_sql=_CONVERTS_SQL, guard_first=False,
    )


# A length-limited character type: the values longer than its limit make the type change
# fail (the assignment cast refuses them), so they are counted beforehand.
_LIMITED_CHARACTER_TYPE = re.compile(
    r"^(?P<kind>character varying|varchar|character|char|bpchar)\((?P<limit>\d+)\)$")


def length_check(schema: str, table: str, column: str, to_type: str,
                 from_type: str | None = None) -> DataCheck | None:
    """Rows whose value of ``column`` is longer than the limit of ``to_type`` (varchar(3),
    char(2)); None when ``to_type`` has no length limit, or when ``from_type`` has one no
    larger (a widening fails on no row)."""
    match = _LIMITED_CHARACTER_TYPE.match(to_type.strip().lower())
    if match is None:
        return None
    limit = int(match.group("limit"))
    before = _LIMITED_CHARACTER_TYPE.match((from_type or "").strip().lower())
    if before is not None and int(before.group("limit")) <= limit:
        return None
    quoted = quote_ident(column)
    # char(n) ignores trailing spaces when it checks the length
    text = f"pg_catalog.rtrim({quoted}::text)" if match.group("kind") in ("character", "char",
                                                                         "bpchar") \
        else f"{quoted}::text"
    relation = qualified(schema, table)
    condition = f"pg_catalog.length({text}) > {limit}"
    return DataCheck(
        code="values-too-long", table=f"{schema}.{table}",
        constraint=f"{column} TYPE {to_type}", columns=(column,),
        description=f"values of {column} longer than the {limit} characters of {to_type}",
        count_sql=f"SELECT count(*) FROM {relation} WHERE {condition}",
        sample_sql=f"SELECT DISTINCT {quoted} FROM {relation} WHERE {condition} "
                   f"LIMIT {SAMPLE_LIMIT}",
    )


def has_columns(table: Table, columns) -> bool:
    """Whether the live table has all of ``columns`` (a column the plan adds has no values)."""
    return all(table.column(c) is not None for c in columns)


def runnable_checks(connection, checks: list[DataCheck]) -> list[DataCheck]:
    """The checks the database can evaluate before the plan runs. A check that names what the
    plan itself brings (an enum value it adds, say) cannot be counted beforehand, and its guard
    would fail the same way, so it is left out; the constraint still checks every row."""
    usable = []
    for check in checks:
        try:
            with connection.transaction(force_rollback=True):
                if check.setup_sql:
                    connection.execute(check.setup_sql)
                connection.execute(f"EXPLAIN {check.count_sql}")
            usable.append(check)
        except Exception:  # the driver's error
            pass
    return usable


def run_checks(connection, checks: list[DataCheck]) -> list[Finding]:
    """Run each check; the findings are the checks with violating rows."""
    return [finding for finding in run_all_checks(connection, checks) if finding.count]


PREFLIGHT_PREFIX = "pgwright preflight:"
HINTS = {
    "orphaned-rows": "clean the rows first (pgwright orphans lists them), or declare "
                     "orphans: delete | set_null on the foreign key",
    "rows-need-a-value": "give the new column a default, or add it nullable and fill it first",
    "values-not-convertible": "fix those values first, or give the column a using: "
                              "expression that converts them",
}


def guard_sql(check: DataCheck) -> str:
    """A DO block that stops a migration, before it changes anything, when rows violate."""
    from pgwright.names import dollar_quote

    # RAISE's format string: a % of the spec's own text must not read as a placeholder
    details = f"of {check.table} would violate {check.constraint}: {check.description}"
    message = quote_literal(f"{PREFLIGHT_PREFIX} % row(s) " + details.replace("%", "%%")
                            + "; for example: %")
    hint = quote_literal(HINTS.get(check.code, "fix or remove those rows first"))
    count_into = check.count_sql.replace("SELECT count(*)", "SELECT count(*) INTO violations", 1)
    setup = f"  EXECUTE {quote_literal(check.setup_sql)};\n" if check.setup_sql else ""
    body = (f"\nDECLARE\n  violations bigint;\n  examples text;\nBEGIN\n{setup}  {count_into};\n"
            "  IF violations > 0 THEN\n"
            "    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples\n"
            f"      FROM ({check.sample_sql}) sample;\n"
            f"    RAISE EXCEPTION {message}, violations, examples\n"
            f"      USING ERRCODE = 'check_violation', HINT = {hint};\n"
            "  END IF;\nEND\n")
    return "DO " + dollar_quote(body)


def _comparison(left: str, left_type: str | None, right: str, right_type: str | None) -> str:
    """``left = right``, compared as text when the declared types differ (uuid vs text ids)."""
    if left_type and right_type and left_type != right_type:
        return f"{left}::text = {right}::text"
    return f"{left} = {right}"


def polymorphic_checks(table: Table, reference, spec: Catalog) -> list[DataCheck]:
    """Orphans of a reference that deliberately has no foreign key."""
    schema, name = table.key
    relation = qualified(schema, name)
    column = quote_ident(reference.column)
    column_type = table.column(reference.column).type if table.column(reference.column) else None
    checks: list[DataCheck] = []

    def target_match(target) -> str:
        _, target_schema, target_table, target_column = target
        target_spec = spec.table(target_schema, target_table)
        target_type = None
        if target_spec is not None and target_spec.column(target_column) is not None:
            target_type = target_spec.column(target_column).type
        match = _comparison(f"p.{quote_ident(target_column)}", target_type, f"c.{column}",
                            column_type)
        return f"EXISTS (SELECT 1 FROM {qualified(target_schema, target_table)} p WHERE {match})"

    label = f"{reference.column} (polymorphic)"
    if reference.discriminator:
        discriminator = quote_ident(reference.discriminator)
        values = ", ".join(quote_literal(value) for value, *_ in reference.targets)
        condition = f"c.{discriminator} IS NOT NULL AND c.{discriminator}::text NOT IN ({values})"
        checks.append(DataCheck(
            code="unknown-discriminator", table=f"{schema}.{name}", constraint=label,
            columns=(reference.discriminator,),
            description=f"{reference.discriminator} names no declared target",
            count_sql=f"SELECT count(*) FROM {relation} c WHERE {condition}",
            sample_sql=f"SELECT DISTINCT c.{discriminator} FROM {relation} c WHERE {condition} "
                       f"LIMIT {SAMPLE_LIMIT}"))
        for target in reference.targets:
            value, target_schema, target_table, target_column = target
            condition = (f"c.{discriminator}::text = {quote_literal(value)} AND c.{column} IS NOT NULL "
                         f"AND NOT {target_match(target)}")
            checks.append(DataCheck(
                code="orphaned-rows", table=f"{schema}.{name}", constraint=label,
                columns=(reference.column,),
                description=f"{reference.discriminator} = '{value}' rows whose {reference.column} "
                            f"has no row in {target_table}({target_column})",
                count_sql=f"SELECT count(*) FROM {relation} c WHERE {condition}",
                sample_sql=f"SELECT DISTINCT c.{column} FROM {relation} c WHERE {condition} "
                           f"LIMIT {SAMPLE_LIMIT}"))
        return checks
    condition = f"c.{column} IS NOT NULL AND NOT (" + " OR ".join(
        target_match(t) for t in reference.targets) + ")"
    names = ", ".join(f"{t[2]}({t[3]})" for t in reference.targets)
    checks.append(DataCheck(
        code="orphaned-rows", table=f"{schema}.{name}", constraint=label,
        columns=(reference.column,),
        description=f"{reference.column} values found in none of {names}",
        count_sql=f"SELECT count(*) FROM {relation} c WHERE {condition}",
        sample_sql=f"SELECT DISTINCT c.{column} FROM {relation} c WHERE {condition} "
                   f"LIMIT {SAMPLE_LIMIT}"))
    return checks


def checks_for_spec(spec: Catalog, live: Catalog) -> list[DataCheck]:
    """Every reference the spec declares, as orphan checks: its foreign keys (whether the
    database has them, or has them NOT VALID, or not at all) and its polymorphic references.
    Tables or columns the database does not have yet are skipped: they hold no rows."""
    live_tables = live.tables_by_key()
    checks: list[DataCheck] = []
    for table in spec.tables:
        current = live_tables.get(table.key)
        if current is None:
            continue
        for fk in table.foreign_keys:
            if has_columns(current, fk.columns):
                target_exists = (fk.target_schema, fk.target_table) in live_tables \
                    or fk.target_schema not in spec.schema_names
                checks.append(foreign_key_check(table.schema, table.name, fk, target_exists))
        for reference in table.polymorphic:
            needed = [reference.column] + ([reference.discriminator] if reference.discriminator else [])
            targets_exist = all((t[1], t[2]) in live_tables for t in reference.targets)
            if has_columns(current, needed) and targets_exist:
                checks.extend(polymorphic_checks(current, reference, spec))
    return checks


def run_all_checks(connection, checks: list[DataCheck]) -> list[Finding]:
    """Like run_checks, but every check appears, with its count (0 when clean)."""
    results = []
    for check in checks:
        try:
            with connection.transaction(force_rollback=True):
                if check.setup_sql:
                    connection.execute(check.setup_sql)
                count = connection.execute(check.count_sql).fetchone()[0]
                samples = tuple(tuple(row) for row in connection.execute(check.sample_sql)) \
                    if count else ()
        except Exception:  # the driver's error: see runnable_checks
            continue
        results.append(Finding(check, count, samples))
    return results

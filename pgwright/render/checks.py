"""The SQL of data checks (pgwright.checks): the query that counts the violating rows, the
one that shows a few of them, what must exist first, and the guard that stops a migration.

The violating rows of a check are rows ``c`` of its table where a condition holds; each kind
of Violation gives its condition and what a sample shows of a row (see ``_rows``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import singledispatch

from pgwright.checks import (
    SAMPLE_LIMIT,
    DataCheck,
    DuplicateKeys,
    EveryRow,
    FailingCheck,
    NotConvertible,
    NullValues,
    Orphans,
    PolymorphicOrphans,
    TooLong,
    UnknownDiscriminator,
    Violation,
)
from pgwright.names import dollar_quote, qualified, quote_ident, quote_literal

# What a migration's guard raises: apply tells a migration stopped by its preflight from
# these two fields of the server's error (apply._stopped_by_preflight).
PREFLIGHT_PREFIX = "pgwright preflight:"
PREFLIGHT_SQLSTATE = "23514"  # check_violation, as rows violate what the migration adds

HINTS = {
    "orphaned-rows": "clean the rows first (pgwright orphans lists them), or declare "
                     "orphans: delete | set_null on the foreign key",
    "rows-need-a-value": "give the new column a default, or add it nullable and fill it first",
    "values-not-convertible": "fix those values first, or give the column a using: "
                              "expression that converts them",
}

# Whether a value's text converts to a type: the explicit cast from a string type is the
# type's input function. A function of the session (pg_temp), made where a check needs it;
# PostgreSQL 16's pg_input_is_valid does the same without one, but not on 13 to 15.
_CONVERTS_SQL = (
    "CREATE OR REPLACE FUNCTION pg_temp.pgwright_converts(value text, type_name regtype)\n"
    "RETURNS boolean LANGUAGE plpgsql AS $converts$\nBEGIN\n"
    "  EXECUTE pg_catalog.format('SELECT %L::%s', value, type_name);\n  RETURN true;\n"
    "EXCEPTION WHEN OTHERS THEN\n  RETURN false;\nEND\n$converts$")


@dataclass(frozen=True)
class _Rows:
    """Rows of the check's table where ``condition`` holds (None: every row), aliased ``c``
    or not at all; a sample shows ``shown``, DISTINCT or not."""

    condition: str | None
    shown: str
    distinct: bool = False
    aliased: bool = False


def _key(row_key: tuple[str, ...]) -> str:
    return ", ".join(quote_ident(c) for c in row_key) if row_key else "ctid"


def _all_not_null(alias: str, columns) -> str:
    return " AND ".join(f"{alias}.{quote_ident(c)} IS NOT NULL" for c in columns)


def orphan_condition(fk, target_exists: bool = True) -> str:
    """Rows ``c`` of the referencing table whose non-null key has no referenced row."""
    condition = _all_not_null("c", fk.columns)
    if target_exists:
        parent = qualified(fk.target_schema, fk.target_table)
        match = " AND ".join(f"p.{quote_ident(t)} = c.{quote_ident(c)}"
                             for c, t in zip(fk.columns, fk.target_columns, strict=True))
        condition += f" AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE {match})"
    return condition


@singledispatch
def _rows(violation: Violation) -> _Rows:
    raise NotImplementedError(f"no SQL for {type(violation).__name__}")


@_rows.register
def _(violation: Orphans) -> _Rows:
    shown = ", ".join(f"c.{quote_ident(c)}" for c in violation.foreign_key.columns)
    return _Rows(orphan_condition(violation.foreign_key, violation.target_exists), shown,
                 distinct=True, aliased=True)


@_rows.register
def _(violation: NullValues) -> _Rows:
    return _Rows(f"{quote_ident(violation.column)} IS NULL", _key(violation.row_key))


@_rows.register
def _(violation: EveryRow) -> _Rows:
    return _Rows(None, _key(violation.row_key))


@_rows.register
def _(violation: FailingCheck) -> _Rows:
    # A CHECK passes when its expression is true or NULL: only FALSE violates it.
    return _Rows(f"({violation.expression}) IS FALSE", _key(violation.row_key))


@_rows.register
def _(violation: NotConvertible) -> _Rows:
    quoted = quote_ident(violation.column)
    # As a regtype the type is looked up when the query is read: before a plan that creates
    # it, the check cannot run beforehand (runnable_checks), and the type change runs it.
    condition = (f"{quoted} IS NOT NULL AND NOT pg_temp.pgwright_converts({quoted}::text, "
                 f"{quote_literal(violation.to_type)}::pg_catalog.regtype)")
    return _Rows(condition, quoted, distinct=True)


@_rows.register
def _(violation: TooLong) -> _Rows:
    quoted = quote_ident(violation.column)
    text = f"pg_catalog.rtrim({quoted}::text)" if violation.blank_padded else f"{quoted}::text"
    return _Rows(f"pg_catalog.length({text}) > {violation.limit}", quoted, distinct=True)


@_rows.register
def _(violation: UnknownDiscriminator) -> _Rows:
    discriminator = quote_ident(violation.discriminator)
    values = ", ".join(quote_literal(value) for value in violation.values)
    condition = f"c.{discriminator} IS NOT NULL AND c.{discriminator}::text NOT IN ({values})"
    return _Rows(condition, f"c.{discriminator}", distinct=True, aliased=True)


def _comparison(left: str, left_type: str | None, right: str, right_type: str | None) -> str:
    """``left = right``, compared as text when the declared types differ (uuid vs text ids)."""
    if left_type and right_type and left_type != right_type:
        return f"{left}::text = {right}::text"
    return f"{left} = {right}"


@_rows.register
def _(violation: PolymorphicOrphans) -> _Rows:
    column = quote_ident(violation.column)

    def found_in(target) -> str:
        match = _comparison(f"p.{quote_ident(target.column)}", target.column_type,
                            f"c.{column}", violation.column_type)
        return f"EXISTS (SELECT 1 FROM {qualified(target.schema, target.table)} p WHERE {match})"

    if violation.discriminator is not None:
        (target,) = violation.targets
        condition = (f"c.{quote_ident(violation.discriminator)}::text = "
                     f"{quote_literal(target.value)} AND c.{column} IS NOT NULL "
                     f"AND NOT {found_in(target)}")
    else:
        condition = f"c.{column} IS NOT NULL AND NOT (" + " OR ".join(
            found_in(target) for target in violation.targets) + ")"
    return _Rows(condition, f"c.{column}", distinct=True, aliased=True)


def _from(check: DataCheck, rows: _Rows) -> str:
    relation = qualified(check.rows.schema, check.rows.table)
    relation += " c" if rows.aliased else ""
    return relation if rows.condition is None else f"{relation} WHERE {rows.condition}"


def _duplicate_groups(violation: DuplicateKeys) -> str:
    keys = ", ".join(quote_ident(c) for c in violation.columns)
    condition = " AND ".join(f"{quote_ident(c)} IS NOT NULL" for c in violation.columns)
    if violation.where:
        condition += f" AND ({violation.where})"
    relation = qualified(violation.schema, violation.table)
    return f"SELECT {keys} FROM {relation} WHERE {condition} GROUP BY {keys} HAVING count(*) > 1"


def count_sql(check: DataCheck) -> str:
    """The query counting the violating rows (the groups of them, for duplicate keys)."""
    if isinstance(check.rows, DuplicateKeys):
        return f"SELECT count(*) FROM ({_duplicate_groups(check.rows)}) duplicates"
    return f"SELECT count(*) FROM {_from(check, _rows(check.rows))}"


def sample_sql(check: DataCheck) -> str:
    """The query showing up to SAMPLE_LIMIT violating rows, by their keys."""
    if isinstance(check.rows, DuplicateKeys):
        return f"{_duplicate_groups(check.rows)} LIMIT {SAMPLE_LIMIT}"
    rows = _rows(check.rows)
    distinct = "DISTINCT " if rows.distinct else ""
    return f"SELECT {distinct}{rows.shown} FROM {_from(check, rows)} LIMIT {SAMPLE_LIMIT}"


def setup_sql(check: DataCheck) -> str | None:
    """What must exist, in the same transaction, before the check's queries run."""
    return _CONVERTS_SQL if isinstance(check.rows, NotConvertible) else None


def guard_sql(check: DataCheck) -> str:
    """A DO block that stops a migration, before it changes anything, when rows violate."""
    # RAISE's format string: a % of the spec's own text must not read as a placeholder
    details = f"of {check.table} would violate {check.constraint}: {check.description}"
    message = quote_literal(f"{PREFLIGHT_PREFIX} % row(s) " + details.replace("%", "%%")
                            + "; for example: %")
    hint = quote_literal(HINTS.get(check.code, "fix or remove those rows first"))
    count_into = count_sql(check).replace("SELECT count(*)", "SELECT count(*) INTO violations", 1)
    setup = setup_sql(check)
    setup = f"  EXECUTE {quote_literal(setup)};\n" if setup else ""
    body = (f"\nDECLARE\n  violations bigint;\n  examples text;\nBEGIN\n{setup}  {count_into};\n"
            "  IF violations > 0 THEN\n"
            "    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples\n"
            f"      FROM ({sample_sql(check)}) sample;\n"
            f"    RAISE EXCEPTION {message}, violations, examples\n"
            f"      USING ERRCODE = 'check_violation', HINT = {hint};\n"
            "  END IF;\nEND\n")
    return "DO " + dollar_quote(body)

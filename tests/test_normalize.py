"""Canonical type names: what the spec may write, and what format_type() prints for it;
and names in double quotes inside the spec's references.

The type table is checked twice: in Python (no database), and against the server itself,
which creates a column of each spelling and prints its type.
"""

from __future__ import annotations

import pytest
from psycopg import sql

from pgwright.names import spec_name
from pgwright.normalize import PG_CATALOG_TYPES, canonical_type, parse_type
from pgwright.spec.reading import parse_reference

# (as the spec may write it, as format_type() prints it)
BUILTIN_SPELLINGS = [
    ("int", "integer"), ("int4", "integer"), ("INTEGER", "integer"), ('"int4"', "integer"),
    ("pg_catalog.int4", "integer"), ("int8", "bigint"), ("smallint", "smallint"),
    ("serial", "integer"), ("bigserial", "bigint"),
    ("float", "double precision"), ("float(10)", "real"), ("float(30)", "double precision"),
    ("float4", "real"), ("double precision", "double precision"), ('"float8"', "double precision"),
    ("bool", "boolean"), ("pg_catalog.bool", "boolean"),
    ("varchar", "character varying"), ("varchar(10)", "character varying(10)"),
    ("character varying(10)", "character varying(10)"),
    ("char varying(3)", "character varying(3)"),
    ("national character varying(3)", "character varying(3)"),
    ('"varchar"(5)', "character varying(5)"), ("pg_catalog.varchar(3)", "character varying(3)"),
    ("char", "character(1)"), ("character", "character(1)"), ("char(3)", "character(3)"),
    ("nchar(2)", "character(2)"), ("bpchar", "bpchar"), ("bpchar(3)", "character(3)"),
    ('"char"', '"char"'), ('pg_catalog."char"', '"char"'), ('"char"[]', '"char"[]'),
    ("bit", "bit(1)"), ("bit(3)", "bit(3)"), ('"bit"', '"bit"'), ("varbit", "bit varying"),
    ("bit varying(4)", "bit varying(4)"),
    ("numeric", "numeric"), ("numeric(5)", "numeric(5,0)"), ("decimal(7, 2)", "numeric(7,2)"),
    ("dec(3)", "numeric(3,0)"),
    ("timestamp", "timestamp without time zone"), ("timestamp(0)", "timestamp(0) without time zone"),
    ("timestamptz", "timestamp with time zone"), ("timestamptz(3)", "timestamp(3) with time zone"),
    ("timestamp(3) with time zone", "timestamp(3) with time zone"),
    ("TIME(3) WITH TIME ZONE", "time(3) with time zone"), ("time(2)", "time(2) without time zone"),
    ("timetz(2)", "time(2) with time zone"),
    ("interval", "interval"), ("interval(3)", "interval(3)"),
    ("interval year to month", "interval year to month"),
    ("interval day to second(3)", "interval day to second(3)"),
    ("interval second(2)", "interval second(2)"), ("interval hour", "interval hour"),
    ("interval year to month[]", "interval year to month[]"),
    ("int4multirange", "int4multirange"), ("datemultirange", "datemultirange"),
    ("regtype", "regtype"), ("xid8", "xid8"), ("pg_snapshot", "pg_snapshot"), ("tid", "tid"),
    ("pg_lsn", "pg_lsn"), ("money", "money"), ("Text", "text"), ('"text"', "text"),
    ("integer[]", "integer[]"), ("int[3]", "integer[]"), ("int array", "integer[]"),
    ("int array[4]", "integer[]"), ("text[][]", "text[]"), ("int4 [ ]", "integer[]"),
    ("timestamp with time zone[]", "timestamp with time zone[]"),
    ("double precision[]", "double precision[]"),
    ("character varying(3)[]", "character varying(3)[]"),
]

# User types: resolved by name, never read as keywords or built-in names once quoted.
USER_TYPES = {"order status": 'public."order status"', "OrderStatus": 'public."OrderStatus"',
              "app.status": "app.status", "Sales.Priority": '"Sales"."Priority"',
              "app.a.b": 'app."a.b"'}
USER_SPELLINGS = [
    ('"order status"', 'public."order status"'), ('"order status"[]', 'public."order status"[]'),
    ("OrderStatus", 'public."OrderStatus"'), ('"OrderStatus"', 'public."OrderStatus"'),
    ("app.status", "app.status"), ('app."status"', "app.status"),
    ("Sales.Priority", '"Sales"."Priority"'), ('"Sales"."Priority"', '"Sales"."Priority"'),
    ('app."a.b"', 'app."a.b"'), ("unknown_type", None), ('"Text"', None),
]

NOT_TYPES = ["", "numeric(", '"unclosed', "a.b.c", "text[x]", "int4 int4", "float(99)",
             "varchar(10) extra", '""', "text;", "double precision precision"]


@pytest.mark.parametrize(("written", "printed"), BUILTIN_SPELLINGS)
def test_builtin_types_canonicalize_as_format_type_prints_them(written, printed):
    assert canonical_type(written, lambda name: None) == printed
    assert parse_type(written).builtin


@pytest.mark.parametrize(("written", "printed"), BUILTIN_SPELLINGS)
def test_canonical_forms_are_fixed_points(written, printed):
    """What format_type printed, written in a spec, reads back as itself (inspect relies on it)."""
    assert canonical_type(printed, lambda name: None) == printed


@pytest.mark.parametrize(("written", "printed"), USER_SPELLINGS)
def test_user_types_resolve_by_their_exact_name(written, printed):
    assert canonical_type(written, USER_TYPES.get) == printed


@pytest.mark.parametrize("text", NOT_TYPES)
def test_what_is_not_a_type_name(text):
    assert parse_type(text) is None


def test_any_pg_catalog_type_can_be_written_qualified():
    assert canonical_type("pg_catalog.some_future_type[]", lambda name: None) \
        == "some_future_type[]"


def test_the_server_prints_each_spelling_as_canonicalized(db):
    """The table above is the server's own answer, not a guess."""
    printed = {}
    for number, (written, _) in enumerate(BUILTIN_SPELLINGS):
        if parse_type(written).serial:
            continue
        if "multirange" in written and db.info.server_version < 140000:
            continue  # multiranges came with PostgreSQL 14
        db.execute(f"CREATE TABLE t{number} (c {written})")
        printed[written] = db.execute(
            "SELECT pg_catalog.format_type(atttypid, atttypmod) FROM pg_catalog.pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = 'c'", (f"t{number}",)).fetchone()[0]
    assert printed == {written: expected for written, expected in BUILTIN_SPELLINGS
                       if written in printed}


def test_every_pg_catalog_type_is_known(db):
    """Every base, range and multirange type of the server's pg_catalog is a built-in type,
    so a spec may name it unqualified; a new server version with new types fails here."""
    rows = db.execute("""
        SELECT t.typname FROM pg_catalog.pg_type t
        JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'pg_catalog' AND t.typtype IN ('b', 'r', 'm') AND t.typcategory <> 'A'
    """).fetchall()
    unknown = sorted(name for (name,) in rows
                     if not parse_type(sql.Identifier(name).as_string(db)).builtin
                     and name not in PG_CATALOG_TYPES)
    assert unknown == []


# ------------------------------------------------------------------------------ references

REFERENCES = [
    ("orders.id", True, ("public", "orders", ["id"])),
    ("app.orders.id", True, ("app", "orders", ["id"])),
    ("orders(id)", False, ("public", "orders", ["id"])),
    ("app.orders(a, b)", False, ("app", "orders", ["a", "b"])),
    (' orders ( id ) ', False, ("public", "orders", ["id"])),
    ('"line items"(a, b)', False, ("public", "line items", ["a", "b"])),
    ('app."line items"(a, "b, c")', False, ("app", "line items", ["a", "b, c"])),
    ('"line items".a', True, ("public", "line items", ["a"])),
    ("line items.a", True, ("public", "line items", ["a"])),  # bare names are taken as written
    ('"a.b"."c(d)"', True, ("public", "a.b", ["c(d)"])),
    ('"t(x)"(a)', False, ("public", "t(x)", ["a"])),
    ('"say ""hi"""(a)', False, ("public", 'say "hi"', ["a"])),
    ("orders(a.b)", False, ("public", "orders", ["a.b"])),
    ('quo"te.ref "q"', True, ("public", 'quo"te', ['ref "q"'])),  # a quote inside: as written
    ("Other Schema.with space(a)", False, ("Other Schema", "with space", ["a"])),
    ('quo"te(amount, ref "q")', False, ("public", 'quo"te', ["amount", 'ref "q"'])),
    ('t(quo"te, id)', False, ("public", "t", ['quo"te', "id"])),
    ('t("a, ""b""", id)', False, ("public", "t", ['a, "b"', "id"])),
]
NOT_REFERENCES = ["orders()", "orders(a", "orders(a) junk", "x.y.z.w", '"unclosed.a',
                  "a.b.c(x)", "orders(a,,b)", "orders", "orders.", ".id", 'orders("a" b)',
                  'orders("a)']


@pytest.mark.parametrize(("text", "dotted", "target"), REFERENCES)
def test_references_may_quote_their_names(text, dotted, target):
    assert parse_reference(text, "public", dotted=dotted) == target


@pytest.mark.parametrize("text", NOT_REFERENCES)
def test_what_is_not_a_reference(text):
    assert parse_reference(text, "public", dotted=True) is None


@pytest.mark.parametrize("name", ["orders", "OrderItems", "café", "line items", "a.b", "t(x)",
                                  'say "hi"', "a,b", " padded ", "1st", "[x]"])
def test_a_name_written_by_spec_name_reads_back(name):
    reference = f"{spec_name(name)}.{spec_name(name)}({spec_name(name)})"
    assert parse_reference(reference, "public") == (name, name, [name])
    assert parse_reference(f"{spec_name(name)}.{spec_name(name)}", "public", dotted=True) \
        == ("public", name, [name])

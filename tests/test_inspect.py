"""`pgwright inspect`: a live database written back as a spec that reproduces it.

The corpus (tests/corpus/*.sql) holds hand-written schemas. Each one is loaded into a
database A and inspected; the spec must validate, plan nothing against A, and, pushed to an
empty database B, build a B that the independent pg_catalog reader (tests/pgcatalog.py)
cannot tell from A, except for the objects inspect reported as inexpressible, which are
listed per schema below and left out of the comparison by name. Inspecting B gives the
same YAML text.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pgwright import api
from pgwright.connect import with_database
from pgwright.inspect import inspect_database, readable_in_lists
from pgwright.names import make_object_name
from pgwright.spec.write import (
    UnsupportedObject,
    catalog_to_spec,
    default_value,
    dump_spec,
    unwrapped,
)
from tests.pgcatalog import catalog_snapshot

CORPUS = Path(__file__).parent / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.sql"))

# What inspect must report for each corpus schema: nothing else, nothing less.
EXPECTED_UNSUPPORTED: dict[str, list[tuple[str, str]]] = {
    "approval_audit": [
        ("exclusion constraint",
         "public.delegations.delegations_no_overlap: EXCLUDE USING gist (valid_during WITH &&)"),
        ("trigger option", "public.approval_steps.approval_steps_audit: function arguments"),
    ],
    "business_app": [
        ("function option", "public.line_total(numeric, numeric, numeric): STRICT"),
        # the sequence itself is written under sequences:; its grant is not yet
        ("grant", "sequence public.invoice_number_seq"),
    ],
    "entity_registry": [],
    "event_store": [
        ("materialized view", "projections.daily_event_counts"),
        ("view", "projections.stream_heads"),
    ],
    "every_construct": [
        ("comment", 'constraint public."order"."order total is positive"'),
        ("composite type", "public.address"),
        # the domain public.positive_amount is written under domains: (kinds/domain.py)
        ("function option", "public.strict_add(integer, integer): STRICT, PARALLEL SAFE"),
        ("materialized view", "public.order_totals"),
        ("partition", "public.measurements_2024"),
        ("partitioned table", "public.measurements"),
        ("rule", "public.open_orders.order_no_delete_rule"),
        ("table option", "public.scratch: UNLOGGED"),
        ("view", "public.open_orders"),
    ],
    "framework_migrations": [
        ("index option", "public.device_event_seen_at_brin: WITH (autosummarize=on)"),
        ("materialized view", "public.shop_product_category_closure"),
        ("sequence", "public.customer_notice_id_seq: identity sequence of mail_notice.id "
                     "under another name"),
    ],
    "saas_tenancy": [],
}


@pytest.fixture
def second_database(pg_server_url: str) -> Iterator[Callable[[], str]]:
    """Makes another new, empty database (B) on first call and gives its URL; dropped after.

    Lazy, so that a test failing before it needs B does not pay for creating one."""
    created: list[str] = []

    def make() -> str:
        if not created:
            created.append(f"pgwright_test_{secrets.token_hex(6)}")
            with psycopg.connect(pg_server_url, autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {created[0]} TEMPLATE template0")
        return with_database(pg_server_url, created[0])

    yield make
    for name in created:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def inspect_url(url: str, schemas=None):
    with psycopg.connect(url) as connection:
        return inspect_database(connection, schemas)


def snapshot(url: str) -> dict[str, list[tuple]]:
    with psycopg.connect(url) as connection:
        return catalog_snapshot(connection)


# ----------------------------------------------------------------- leaving objects out


def _name_parts(name: str) -> list[str]:
    """``"Sales"."order".x: detail`` -> ["Sales", "order", "x"]; function arguments dropped."""
    parts, current, index = [], "", 0
    while index < len(name):
        char = name[index]
        if char == '"':
            end = index + 1
            while True:
                end = name.index('"', end)
                if name[end + 1:end + 2] == '"':
                    end += 2
                    continue
                break
            current += name[index + 1:end].replace('""', '"')
            index = end + 1
            continue
        if char == ".":
            parts.append(current)
            current = ""
        elif char in "(:" or char == " ":
            break
        else:
            current += char
        index += 1
    parts.append(current)
    return parts


# Which rows of the snapshot an unsupported object accounts for. Rows are matched on
# schema + object ("object"), schema + table + member ("member"; the member is the column,
# constraint, index, policy or trigger name), or schema + index name ("index").
_RELATION = [(kind, "object") for kind in
             ("tables", "columns", "constraints", "indexes", "rls", "policies", "triggers")]
EXCLUDED_ROWS: dict[str, list[tuple[str, str]]] = {
    "view": _RELATION, "materialized view": _RELATION, "foreign table": _RELATION,
    "partitioned table": _RELATION, "partition": _RELATION, "table inheritance": _RELATION,
    "sequence": [("tables", "object")], "sequence option": [("tables", "object")],
    "domain": [("types", "object")], "range type": [("types", "object")],
    "base type": [("types", "object")],
    "exclusion constraint": [("constraints", "member"), ("indexes", "member")],
    "constraint option": [("constraints", "member"), ("indexes", "member")],
    "primary key name": [("constraints", "member"), ("indexes", "member")],
    "foreign key": [("constraints", "member")],
    "constraint trigger": [("constraints", "member"), ("triggers", "member")],
    "index option": [("indexes", "index")], "index method": [("indexes", "index")],
    "invalid index": [("indexes", "index")],
    "function option": [("functions", "object")], "function language": [("functions", "object")],
    "function body": [("functions", "object")],
    "procedure": [("functions", "object")], "aggregate": [("functions", "object")],
    "window function": [("functions", "object")],
    "trigger option": [("triggers", "member")], "trigger": [("triggers", "member")],
    "column collation": [("columns", "member")], "column type": [("columns", "member")],
    "virtual generated column": [("columns", "member")],
    # Not in the snapshot at all; reported all the same.
    "grant": [], "default privileges": [], "table option": [], "comment": [], "rule": [],
    "composite type": [], "statistics object": [], "collation": [], "operator": [],
    "text search configuration": [], "extension": [], "event trigger": [], "publication": [],
}


_RENAMED_IDENTITY = re.compile(
    r": identity sequence of (?P<table>[^.]+)\.(?P<column>\S+) under another name$")


def _row_key(snapshot_kind: str, row: tuple, match: str) -> tuple:
    if match == "object":
        return row[:2]
    if match == "index":
        return (row[0], row[2])
    member = 3 if snapshot_kind == "columns" else 2  # columns: (schema, table, attnum, name...)
    return (row[0], row[1], row[member])


def without_unsupported(snapshot: dict[str, list[tuple]],
                        unsupported: list[UnsupportedObject]) -> dict[str, list[tuple]]:
    """The snapshot minus the rows of every object inspect reported it cannot express."""
    excluded: dict[str, set[tuple[str, tuple]]] = {}
    for kind, name in unsupported:
        assert kind in EXCLUDED_ROWS, f"no exclusion rule for unsupported kind {kind!r}"
        parts = _name_parts(name)
        renamed = _RENAMED_IDENTITY.search(name)
        if kind == "sequence" and renamed:  # the rebuilt one has the name identity gives
            excluded.setdefault("tables", set()).add(("object", (parts[0], make_object_name(
                renamed.group("table"), renamed.group("column"), "seq"))))
        for snapshot_kind, match in EXCLUDED_ROWS[kind]:
            width = 3 if match == "member" else 2
            excluded.setdefault(snapshot_kind, set()).add((match, tuple(parts[:width])))
    return {kind: [row for row in rows
                   if not any((match, _row_key(kind, row, match)) in excluded[kind]
                              for match in {match for match, _ in excluded[kind]})]
            if kind in excluded else rows
            for kind, rows in snapshot.items()}


# ------------------------------------------------------------------------- the corpus


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.stem for p in CORPUS_FILES])
def test_corpus_round_trips(path: Path, db, database_url, second_database, tmp_path):
    db.execute(path.read_text())
    inspected = inspect_url(database_url)
    spec = tmp_path / "schema.yaml"
    spec.write_text(inspected.yaml_text)

    assert [tuple(u) for u in inspected.unsupported] == EXPECTED_UNSUPPORTED[path.stem]
    problems = api.validate(spec)
    assert problems == [], "\n".join(map(str, problems))
    plan = api.plan(spec, database_url)
    assert plan.is_empty, plan.sql()

    database_b = second_database()
    api.push(spec, database_b)
    assert without_unsupported(snapshot(database_b), inspected.unsupported) == \
        without_unsupported(snapshot(database_url), inspected.unsupported)
    assert inspect_url(database_b).yaml_text == inspected.yaml_text


def test_inspected_example_project_plans_nothing(database_url, tmp_path):
    """pgwright's own example, built by its migrations, reads back as an equivalent spec."""
    root = Path(__file__).resolve().parent.parent
    api.apply(database_url, root / "migrations")
    inspected = inspect_url(database_url)
    spec = tmp_path / "schema.yaml"
    spec.write_text(inspected.yaml_text)
    assert inspected.schemas == ["public"]  # not pgwright, which holds migration history
    assert inspected.unsupported == []
    assert api.validate(spec) == []
    assert api.plan(spec, database_url).is_empty
    written = yaml.safe_load(inspected.yaml_text)
    original = yaml.safe_load((root / "schema.yaml").read_text())
    assert list(written["tables"]) == sorted(original["tables"], key=lambda k: (k.casefold(), k))
    assert {name: list(table["columns"]) for name, table in written["tables"].items()} == \
        {name: list(table["columns"]) for name, table in original["tables"].items()}


# ------------------------------------------------------------------------------- schemas


def test_default_schemas_are_the_user_schemas(db, database_url):
    db.execute("""
        CREATE SCHEMA app; CREATE SCHEMA audit; CREATE SCHEMA pgwright; CREATE SCHEMA owned;
        CREATE TABLE app.a (id integer); CREATE TABLE app.b (id integer);
        CREATE TABLE audit.log (id integer); CREATE TABLE pgwright.history (id integer);
        CREATE SCHEMA ext; CREATE EXTENSION citext SCHEMA ext;
        ALTER EXTENSION citext ADD SCHEMA owned;
    """)
    # public is empty (every database has one), pgwright holds migration history, owned
    # belongs to an extension; app has the most tables, so it is the default schema.
    assert inspect_url(database_url).schemas == ["app", "audit", "ext"]


def test_public_with_objects_is_managed_and_wins_a_tie(db, database_url):
    db.execute("CREATE SCHEMA app; CREATE TABLE app.a (id integer); CREATE TABLE b (id integer)")
    assert inspect_url(database_url).schemas == ["public", "app"]


def test_schemas_can_be_chosen_and_the_first_is_the_default(db, database_url):
    db.execute("""
        CREATE SCHEMA app; CREATE TABLE app.a (id integer PRIMARY KEY);
        CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES app.a);
    """)
    inspected = inspect_url(database_url, ["app"])
    assert inspected.schemas == ["app"]
    assert list(yaml.safe_load(inspected.yaml_text)["tables"]) == ["a"]
    both = yaml.safe_load(inspect_url(database_url, ["app", "public"]).yaml_text)
    assert both["tables"]["public.b"]["columns"]["a_id"] == {"type": "integer",
                                                             "references": "a.id"}


def test_an_empty_database_gives_a_valid_empty_spec(database_url, tmp_path):
    inspected = inspect_url(database_url)
    assert yaml.safe_load(inspected.yaml_text) == {"version": 1, "schemas": ["public"],
                                                   "tables": {}}
    spec = tmp_path / "schema.yaml"
    spec.write_text(inspected.yaml_text)
    assert api.validate(spec) == []


def test_an_unknown_schema_is_an_error(db, database_url):
    from pgwright.errors import IntrospectionError

    with pytest.raises(IntrospectionError, match="no such schema: nope"):
        inspect_url(database_url, ["public", "nope"])


INEXPRESSIBLE = """
CREATE SCHEMA other;
CREATE EXTENSION citext SCHEMA other;
""" + """CREATE TABLE parent (id integer PRIMARY KEY, code text, amount integer);
CREATE TABLE child (extra text) INHERITS (parent);
CREATE TYPE floatrange AS RANGE (subtype = float8);
CREATE TABLE t (
  id integer PRIMARY KEY,
  parent_id integer,
  code text,
  CONSTRAINT t_code_key UNIQUE (code) DEFERRABLE,
  CONSTRAINT t_parent_fkey FOREIGN KEY (parent_id) REFERENCES parent MATCH FULL,
  CONSTRAINT t_id_check CHECK (id > 0) NO INHERIT
) WITH (fillfactor = 70);
ALTER TABLE t ADD CONSTRAINT t_nv CHECK (id < 100) NOT VALID;
CREATE TABLE u (a integer, b integer, CONSTRAINT u_a_b_key UNIQUE NULLS NOT DISTINCT (a, b));
CREATE INDEX u_b_idx ON u (b) WITH (fillfactor = 50);
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$
begin
  return new;
end
$$;
CREATE CONSTRAINT TRIGGER t_ct AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION trg();
CREATE TRIGGER t_off BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();
ALTER TABLE t DISABLE TRIGGER t_off;
CREATE TRIGGER t_tt AFTER INSERT ON t REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION trg();
CREATE PROCEDURE p() LANGUAGE sql AS $$
select 1
$$;
CREATE AGGREGATE agg(integer) (sfunc = int4pl, stype = integer);
CREATE FUNCTION withdefault(a integer DEFAULT 1) RETURNS integer LANGUAGE sql AS $$
select a
$$;
CREATE FUNCTION outargs(a integer, OUT b integer) LANGUAGE sql AS $$
select a
$$;
CREATE FUNCTION tbl(a integer) RETURNS TABLE (x integer) LANGUAGE sql AS $$
select a
$$;
CREATE FUNCTION settings() RETURNS integer LANGUAGE sql SET work_mem = '64MB' COST 5 AS $$
select 1
$$;
CREATE FUNCTION atomic() RETURNS integer LANGUAGE sql RETURN 1;
DO $$ BEGIN CREATE ROLE pgw_inspect_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT USAGE ON SCHEMA public TO pgw_inspect_reader;
GRANT EXECUTE ON FUNCTION trg() TO pgw_inspect_reader;
REVOKE EXECUTE ON FUNCTION withdefault(integer) FROM PUBLIC;
GRANT SELECT (code) ON t TO pgw_inspect_reader;
GRANT USAGE ON TYPE floatrange TO pgw_inspect_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO pgw_inspect_reader;
COMMENT ON INDEX u_b_idx IS 'x';
COMMENT ON TRIGGER t_off ON t IS 'x';
CREATE POLICY pol ON t USING (true);
COMMENT ON POLICY pol ON t IS 'x';
CREATE STATISTICS t_stats ON id, parent_id FROM t;
CREATE COLLATION my_collation FROM "C";
CREATE FUNCTION int_eq(integer, integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
select $1 = $2
$$;
CREATE OPERATOR === (leftarg = integer, rightarg = integer, function = int_eq);
CREATE TEXT SEARCH CONFIGURATION my_ts (COPY = english);
CREATE FUNCTION evt() RETURNS event_trigger LANGUAGE plpgsql AS $$
begin
end
$$;
CREATE EVENT TRIGGER my_evt ON ddl_command_start EXECUTE FUNCTION evt();
CREATE PUBLICATION my_pub FOR TABLE t;
CREATE TABLE s (id integer GENERATED ALWAYS AS IDENTITY (START WITH 100) PRIMARY KEY, n bigserial);
ALTER SEQUENCE s_n_seq CACHE 20;
CREATE TABLE lang (id integer);
CREATE FUNCTION c_func(cstring) RETURNS integer LANGUAGE internal IMMUTABLE AS 'int4in';
"""


def inexpressible_on(server_version_num: int) -> tuple[str, set[tuple[str, str]]]:
    """INEXPRESSIBLE as the server under test can run it, and the reports it cannot cause."""
    sql, not_reported = INEXPRESSIBLE, set()
    if server_version_num < 150000:  # NULLS NOT DISTINCT is new in 15; INCLUDE reports the same
        sql = sql.replace("UNIQUE NULLS NOT DISTINCT (a, b)", "UNIQUE (a) INCLUDE (b)")
    if server_version_num < 140000:  # SQL-standard function bodies are new in 14
        sql = sql.replace("CREATE FUNCTION atomic() RETURNS integer LANGUAGE sql RETURN 1;\n", "")
        not_reported.add(("function body", "public.atomic(): SQL-standard body (BEGIN ATOMIC or RETURN)"))
    return sql, not_reported


def test_what_the_spec_cannot_say_is_reported(db, database_url, server_version_num):
    sql, not_reported = inexpressible_on(server_version_num)
    db.execute(sql)
    me = db.execute("SELECT current_user").fetchone()[0]
    inspected = inspect_url(database_url, ["public"])
    assert [tuple(u) for u in inspected.unsupported] == [report for report in [
        ("aggregate", "public.agg(integer)"),
        ("collation", "public.my_collation"),
        ("comment", "index public.u_b_idx"),
        ("comment", "policy public.t.pol"),
        ("comment", "trigger public.t.t_off"),
        ("constraint option", "public.t.t_code_key: DEFERRABLE"),
        ("constraint option", "public.t.t_id_check: NO INHERIT"),
        ("constraint option", "public.t.t_nv: NOT VALID"),
        ("constraint option", "public.t.t_parent_fkey: MATCH FULL"),
        ("constraint option", "public.u.u_a_b_key: INCLUDE or NULLS NOT DISTINCT"),
        ("constraint trigger", "public.t.t_ct: TRIGGER DEFERRABLE INITIALLY DEFERRED"),
        ("default privileges", f"{me} in schema public"),
        ("event trigger", "my_evt"),
        ("extension", "citext: in unmanaged schema other"),
        ("function body", "public.atomic(): SQL-standard body (BEGIN ATOMIC or RETURN)"),
        ("function language", "public.c_func(cstring): internal"),
        ("function option", "public.outargs(integer): OUT, INOUT, VARIADIC or TABLE arguments"),
        ("function option", "public.settings(): COST 5, SET work_mem=64MB"),
        ("function option", "public.tbl(integer): OUT, INOUT, VARIADIC or TABLE arguments"),
        ("function option", "public.withdefault(integer): argument defaults"),
        ("grant", "column public.t.code"),
        ("grant", "function public.trg()"),
        ("grant", "function public.withdefault(integer)"),
        ("grant", "schema public"),
        ("grant", "type public.floatrange"),
        ("index option", "public.u_b_idx: WITH (fillfactor=50)"),
        ("operator", "public.==="),
        ("procedure", "public.p()"),
        ("publication", "my_pub"),
        ("range type", "public.floatrange"),
        ("sequence option", "public.s_id_seq: START 100"),
        ("sequence option", "public.s_n_seq: CACHE 20"),
        ("statistics object", "public.t_stats"),
        ("table inheritance", "public.child: INHERITS public.parent"),
        ("table option", "public.t: WITH (fillfactor=70)"),
        ("text search configuration", "public.my_ts"),
        ("trigger option", "public.t.t_off: not enabled (D)"),
        ("trigger option", "public.t.t_tt: REFERENCING transition tables"),
    ] if report not in not_reported]
    # A serial column stays serial when only its sequence's options are lost.
    assert yaml.safe_load(inspected.yaml_text)["tables"]["s"]["columns"]["n"] == "bigserial"


# ------------------------------------------------------------------- columns and names


def test_serial_needs_a_sequence_owned_by_its_column(db, database_url):
    db.execute("""
        CREATE TABLE t (id serial PRIMARY KEY, n integer NOT NULL);
        CREATE SEQUENCE free_seq;
        ALTER TABLE t ALTER COLUMN n SET DEFAULT nextval('free_seq');
    """)
    inspected = inspect_url(database_url)
    columns = yaml.safe_load(inspected.yaml_text)["tables"]["t"]["columns"]
    assert columns["id"] == {"type": "serial", "primary_key": True}
    assert columns["n"] == {"type": "integer", "nullable": False,
                            "default": "nextval('public.free_seq'::regclass)"}
    # the free-standing sequence is written under sequences:, nothing is left out
    assert yaml.safe_load(inspected.yaml_text)["sequences"] == {"free_seq": {}}
    assert inspected.unsupported == []


def test_default_names_are_left_out_and_others_kept(db, database_url):
    db.execute("""
        CREATE TABLE parent (id integer PRIMARY KEY, code text UNIQUE, a int, b int, UNIQUE (a, b));
        CREATE TABLE child (
            id integer PRIMARY KEY,
            parent_id integer REFERENCES parent,
            other_id integer CONSTRAINT child_to_parent REFERENCES parent,
            code text CONSTRAINT child_code_unique UNIQUE);
        CREATE INDEX ON child (parent_id);
        CREATE INDEX child_by_code ON child (code);
        CREATE INDEX ON child (lower(code));
    """)
    tables = yaml.safe_load(inspect_url(database_url).yaml_text)["tables"]
    assert tables["parent"]["unique"] == [["a", "b"]]
    assert tables["parent"]["columns"]["code"] == {"type": "text", "unique": True}
    child = tables["child"]
    assert child["columns"]["parent_id"] == {"type": "integer", "references": "parent.id"}
    assert child["foreign_keys"] == [
        {"name": "child_to_parent", "columns": ["other_id"], "references": "parent(id)"}]
    assert child["unique"] == [{"name": "child_code_unique", "columns": ["code"]}]
    assert child["indexes"] == [{"name": "child_by_code", "columns": ["code"]},
                                {"expression": "lower(code)"}, {"columns": ["parent_id"]}]


def test_reference_hints_are_yaml_comments_above_their_column(db, database_url):
    db.execute("""
        CREATE TABLE customers (id uuid PRIMARY KEY);
        CREATE TABLE orders (id uuid PRIMARY KEY, customer_id uuid NOT NULL,
                             entity_type text, entity_id uuid, external_uuid text);
    """)
    text = inspect_url(database_url).yaml_text
    lines = text.splitlines()
    above = {lines[number + 1].strip().split(":")[0]: line.strip()
             for number, line in enumerate(lines) if line.strip().startswith("# hint:")}
    assert set(above) == {"customer_id", "entity_id", "external_uuid"}
    assert "references: customers.id" in above["customer_id"]
    assert "entity_type" in above["entity_id"] and "polymorphic" in above["entity_id"]
    assert "polymorphic" in above["external_uuid"]
    assert "hint" not in str(yaml.safe_load(text))


def test_a_django_generic_relation_is_hinted_as_polymorphic(db, database_url):
    """object_id beside content_type_id: the row's model is named by django_content_type."""
    db.execute("""
        CREATE TABLE django_content_type (id integer PRIMARY KEY, app_label text, model text);
        CREATE TABLE reference_index (
            id integer PRIMARY KEY,
            content_type_id integer NOT NULL REFERENCES django_content_type,
            object_id varchar(255) NOT NULL,
            to_content_type_id integer NOT NULL REFERENCES django_content_type,
            to_object_id varchar(255) NOT NULL,
            other_object_id integer);
    """)
    lines = inspect_url(database_url).yaml_text.splitlines()
    above = {lines[number + 1].strip().split(":")[0]: line.strip()
             for number, line in enumerate(lines) if line.strip().startswith("# hint:")}
    assert "with content_type_id beside it" in above["object_id"]
    assert "with to_content_type_id beside it" in above["to_object_id"]
    assert "polymorphic" in above["other_object_id"] and "beside" not in above["other_object_id"]


def test_plan_sees_an_index_operator_class_change(db, database_url, tmp_path):
    db.execute("CREATE TABLE docs (body jsonb); "
               "CREATE INDEX docs_body_idx ON docs USING gin (body jsonb_path_ops)")
    spec = tmp_path / "schema.yaml"
    spec.write_text(inspect_url(database_url).yaml_text)
    db.execute("DROP INDEX docs_body_idx; CREATE INDEX docs_body_idx ON docs USING gin (body)")
    assert not api.plan(spec, database_url).is_empty


PRINTED_IN_LIST = ("(status)::text = ANY ((ARRAY['a'::character varying, "
                   "'b'::character varying])::text[])")


def _in_list_spec(tmp_path: Path, check: str) -> Path:
    spec = tmp_path / "schema.yaml"
    spec.write_text(yaml.safe_dump({"version": 1, "tables": {"t": {
        "columns": {"id": {"type": "integer", "primary_key": True},
                    "status": {"type": "varchar(20)", "nullable": False}},
        "checks": {"t_status_check": check}}}}))
    return spec


@pytest.mark.parametrize("written", ["status IN ('a', 'b')", PRINTED_IN_LIST])
def test_a_check_written_either_way_matches_the_database_built_from_either(
        written, db, database_url, tmp_path):
    """The server reads its own print of an IN list back as another expression; the spec's
    text, whichever it is, still compares equal to a database built from either text."""
    for built_from in ("status IN ('a', 'b')", PRINTED_IN_LIST):
        db.execute("DROP TABLE IF EXISTS t; CREATE TABLE t (id integer PRIMARY KEY, "
                   f"status varchar(20) NOT NULL, CONSTRAINT t_status_check CHECK ({built_from}))")
        plan = api.plan(_in_list_spec(tmp_path, written), database_url)
        assert plan.is_empty, plan.sql()


def test_a_changed_in_list_is_still_planned(db, database_url, tmp_path):
    db.execute("CREATE TABLE t (id integer PRIMARY KEY, status varchar(20) NOT NULL, "
               f"CONSTRAINT t_status_check CHECK ({PRINTED_IN_LIST}))")
    plan = api.plan(_in_list_spec(tmp_path, "status IN ('a', 'b', 'c')"), database_url)
    assert "status IN ('a', 'b', 'c')" in plan.sql()
    api.push(_in_list_spec(tmp_path, "status IN ('a', 'b', 'c')"), database_url)
    assert api.plan(_in_list_spec(tmp_path, "status IN ('a', 'b', 'c')"), database_url).is_empty


def test_index_keys_with_parentheses_inside_quotes_round_trip(db, database_url, second_database,
                                                               tmp_path):
    """A ')' inside a quoted name or a string literal does not end the index's key list."""
    _round_trips_exactly(
        'CREATE TABLE t ("we)ird" text, name text); '
        "CREATE INDEX t_odd_idx ON t (\"we)ird\", (coalesce(name, ')')) DESC)",
        db, database_url, second_database, tmp_path)


def test_every_builtin_column_type_round_trips(db, database_url, second_database, tmp_path):
    """A column of each base, range and multirange type of pg_catalog (and an array of it),
    as the server under test has them, with the modifiers format_type() prints its own way."""
    names = [name for (name,) in db.execute("""
        SELECT t.typname FROM pg_catalog.pg_type t
        JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'pg_catalog' AND t.typtype IN ('b', 'r', 'm') AND t.typcategory <> 'A'
        ORDER BY 1""").fetchall()]
    columns = []
    for number, name in enumerate(names):
        try:  # some internal types cannot be column types (pg_node_tree's input is refused)
            with db.transaction():
                db.execute(f'CREATE TEMP TABLE probe (c pg_catalog."{name}", a pg_catalog."{name}"[])')
                db.execute("DROP TABLE probe")
        except psycopg.Error:
            continue
        columns.append(f'c{number} pg_catalog."{name}", a{number} pg_catalog."{name}"[]')
    columns += ["m1 bit(3)", "m2 bpchar(2)", "m3 char", "m4 interval hour to minute",
                "m5 interval(2)", "m6 interval minute to second(1)", "m7 float(10)",
                "m8 timestamptz(0)", "m9 time(3) with time zone", "m10 varbit(5)", "m11 text[][]"]
    _round_trips_exactly(f"CREATE TABLE every_type ({', '.join(columns)})",
                         db, database_url, second_database, tmp_path)


def test_type_names_with_quotes_round_trip(db, database_url, second_database, tmp_path):
    _round_trips_exactly(
        'CREATE SCHEMA app; CREATE TYPE app."say ""hi""" AS ENUM (\'x\'); '
        'CREATE TYPE "Order Status" AS ENUM (\'new\'); '
        'CREATE TABLE t (id integer PRIMARY KEY, a app."say ""hi""", b "Order Status"[])',
        db, database_url, second_database, tmp_path)


def test_expression_index_keys_are_written_pretty(db, database_url):
    db.execute("CREATE TABLE t (email varchar(20), a int, b int); "
               "CREATE INDEX t_lower_idx ON t (lower(email)); "
               "CREATE INDEX t_sum_idx ON t ((a + b) DESC, (a * 2))")
    indexes = yaml.safe_load(inspect_url(database_url).yaml_text)["tables"]["t"]["indexes"]
    # not lower((email)::text) nor ((a + b)) DESC, as the plain definition prints them
    assert indexes == [{"expression": "lower(email::text)"},
                       {"name": "t_sum_idx", "expression": "(a + b) DESC, (a * 2)"}]


# ------------------------------------------------------------------------ without a database


@pytest.mark.parametrize(("printed", "written"), [
    ("(quantity > 0)", "quantity > 0"),
    ("((a > 0) AND (b > 0))", "(a > 0) AND (b > 0)"),
    ("(a > 0) AND (b > 0)", "(a > 0) AND (b > 0)"),
    ("(status = ')('::text)", "status = ')('::text"),
    ("(\"odd)\" > 0)", "\"odd)\" > 0"),
    ("active", "active"),
    ("( SELECT public.is_member(t.o) AS is_member)", "( SELECT public.is_member(t.o) AS is_member)"),
    ("((SELECT 1))", "(SELECT 1)"),
])
def test_unwrapped_drops_only_the_parentheses_around_the_whole(printed, written):
    assert unwrapped(printed) == written


@pytest.mark.parametrize(("printed", "written"), [
    ("(status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])",
     "status IN ('a', 'b')"),
    ("(status)::text <> ALL ((ARRAY['it''s'::character varying])::text[])",
     "status NOT IN ('it''s')"),
    ("((\"Kind\")::text = ANY ((ARRAY['x'::character varying])::text[])) AND (id > 0)",
     "(\"Kind\" IN ('x')) AND (id > 0)"),
    ("(t.status)::text = ANY ((ARRAY['a, b'::character varying])::text[])",
     "t.status IN ('a, b')"),
    # Not the varchar IN-list print: left as the server wrote it.
    ("status = ANY (ARRAY['a'::text, 'b'::text])", "status = ANY (ARRAY['a'::text, 'b'::text])"),
    ("(code)::bpchar = ANY (ARRAY['a'::bpchar])", "(code)::bpchar = ANY (ARRAY['a'::bpchar])"),
])
def test_readable_in_lists_writes_the_in_list_a_person_wrote(printed, written):
    assert readable_in_lists(printed) == written


@pytest.mark.parametrize(("printed", "column_type", "written"), [
    ("'draft'::public.order_status", "public.order_status", "'draft'"),
    ("'n/a'::character varying", "character varying(20)", "'n/a'"),
    ("'{}'::jsonb", "jsonb", "'{}'"),
    ("'it''s'::text", "text", "'it''s'"),
    ("'-1'::integer", "smallint", -1),
    ("'-1'::integer", "integer", -1),
    ("'-3000000000'::bigint", "bigint", -3000000000),
    ("'-1'::integer", "text", "'-1'::integer"),
    ("'-1'::numeric", "numeric", "'-1'"),
    ("'-01'::integer", "integer", "'-01'"),
    ("'abc'::bpchar", "character(3)", "'abc'::bpchar"),
    ("0", "integer", 0),
    ("42", "bigint", 42),
    ("0.00", "numeric(12,2)", "0.00"),
    ("true", "boolean", True),
    ("now()", "timestamp with time zone", "now()"),
    ("('now'::text)::date", "date", "('now'::text)::date"),
])
def test_default_value(printed, column_type, written):
    assert default_value(printed, column_type) == written


def test_negative_integer_defaults_are_written_as_numbers_and_round_trip(
        db, database_url, second_database, tmp_path):
    """Airflow's and Prefect's map_index DEFAULT -1: the server prints '-1'::integer."""
    sql = ("CREATE TABLE t (id integer PRIMARY KEY, a integer NOT NULL DEFAULT -1, "
           "b bigint DEFAULT -3000000000, c smallint DEFAULT -3, d text DEFAULT -1)")
    _round_trips_exactly(sql, db, database_url, second_database, tmp_path)
    columns = yaml.safe_load(inspect_url(database_url).yaml_text)["tables"]["t"]["columns"]
    assert [columns[name]["default"] for name in "abcd"] == [-1, -3000000000, -3, "'-1'::integer"]


def _catalog(*tables, enums=(), schemas=("public",)):
    from pgwright.model import Catalog, Enum, Schema

    return Catalog(schemas=tuple(Schema(s) for s in schemas),
                   enums=tuple(Enum(schema, name, ("a",)) for schema, name in enums),
                   tables=tables)


@pytest.mark.parametrize(("format_type", "written"), [
    ("character varying(320)", "varchar(320)"),
    ("character varying", "varchar"),
    ("character(1)", "char(1)"),
    ("timestamp with time zone", "timestamptz"),
    ("timestamp(3) with time zone", "timestamptz(3)"),
    ("timestamp without time zone", "timestamp"),
    ("time with time zone", "timetz"),
    ("bit varying(16)", "varbit(16)"),
    ("numeric(12,2)", "numeric(12,2)"),
    ("double precision", "double precision"),
    ("integer", "integer"),
    ("text[]", "text[]"),
    ("character varying(10)[]", "varchar(10)[]"),
    ("public.order_status", "order_status"),
    ("public.order_status[]", "order_status[]"),
    ('public."OrderStatus"', "OrderStatus"),
    ("app.status", "app.status"),
    ('"Sales"."Priority"', "Sales.Priority"),
    ("public.status", "public.status"),  # app.status would win an unqualified 'status'
    ('public."order status"', '"order status"'),
    ('public."order status"[]', '"order status"[]'),
    ('app."a.b"', 'app."a.b"'),
    ('"char"', '"char"'),
    ('"bit"', '"bit"'),
    ("bpchar", "bpchar"),
    ("int4multirange", "int4multirange"),
    ("interval day to second(3)", "interval day to second(3)"),
    ("regtype[]", "regtype[]"),
    ("some_future_type[]", "pg_catalog.some_future_type[]"),  # a type a later server adds
])
def test_types_are_written_short_where_they_read_back(format_type, written):
    from pgwright.model import Column, Table

    catalog = _catalog(Table("public", "t", columns=(Column("c", format_type),)),
                       enums=[("public", "order_status"), ("public", "OrderStatus"),
                              ("app", "status"), ("public", "status"), ("Sales", "Priority"),
                              ("public", "order status"), ("app", "a.b")],
                       schemas=("public", "app", "Sales"))
    assert catalog_to_spec(catalog).data["tables"]["t"]["columns"]["c"] == written


# Strings YAML reads as something else, or cannot hold plain.
TRICKY = ["yes", "No", "on", "OFF", "y", "null", "~", "1", "-1.5", "0x1F", "1e3", ".inf",
          "2024-01-31", "12:30:00", "", " padded ", "a: b", "a #b", "# x", "*star", "&anchor",
          "!tag", "- dash", "-", "[x]", "{x}", "it's", 'say "hi"', "both ' and \"", "tab\there",
          "line\nbreak", "trailing\n", "two\n\n", "\nleading", "spaces \nbefore break",
          "back\\slash", "%percent", "@at", "`tick", "Ünïcödé ✓", "emoji 😀", "\x07bell",
          "true", "False", "NULL", "=", "<<", "?", "? x", "|", ">", ",", "a,b", "key: {x}",
          "SELECT 'a' || 'b'", "\ufeffbom", "nbsp\xa0x", "\u2028sep", "\x85next"]


def _read_back_through_spec(labels: list[str], comments: list[str]):
    """Enum labels (a one-line list), column names (keys) and comments (block values and
    one-line mappings) written by inspect and read by the spec loader."""
    from pgwright.model import Catalog, Column, Enum, Schema, Table
    from pgwright.spec.load import parse_spec_text

    columns = tuple(Column(f"c{n} {text}", "text", comment=text or None)
                    for n, text in enumerate(comments))
    table = Table("public", "t", columns=columns, comment="\n".join(comments) or None)
    catalog = Catalog(schemas=(Schema("public"),), enums=(Enum("public", "e", tuple(labels)),),
                      tables=(table,))
    data = parse_spec_text(catalog_to_spec(catalog).yaml_text()).data
    read_columns = data["tables"]["t"]["columns"]
    assert data["enums"]["e"] == labels
    assert list(read_columns) == [c.name for c in columns]
    assert [c.get("comment") if isinstance(c, dict) else None for c in read_columns.values()] \
        == [c.comment for c in columns]
    assert data["tables"]["t"].get("comment") == table.comment


def test_strings_yaml_would_misread_read_back_the_same():
    _read_back_through_spec(TRICKY, TRICKY)


# Any text PostgreSQL can store: no NUL, no lone surrogates.
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=40)


@given(labels=st.lists(_TEXT, unique=True, max_size=6), comments=st.lists(_TEXT, max_size=6))
def test_any_string_reads_back_the_same(labels, comments):
    _read_back_through_spec(labels, comments)


def test_dump_spec_writes_block_yaml_with_one_line_collections():
    text = dump_spec({"version": 1, "schemas": ["public"], "tables": {"t": {"columns": {
        "id": "uuid"}, "unique": [["a", "b"]]}}})
    assert yaml.safe_load(text) == {"version": 1, "schemas": ["public"], "tables": {
        "t": {"columns": {"id": "uuid"}, "unique": [["a", "b"]]}}}


# ------------------------------------------------------------------- what the model lacks
#
# Each case is a database the spec format should reproduce exactly, but cannot yet; the
# reason names the change that would make it pass. strict: a fix makes the test fail until
# the xfail is removed.


def _round_trips_exactly(sql: str, db, database_url: str, second_database, tmp_path):
    db.execute(sql)
    inspected = inspect_url(database_url)
    spec = tmp_path / "schema.yaml"
    spec.write_text(inspected.yaml_text)
    assert inspected.unsupported == []
    problems = [p for p in api.validate(spec) if p.severity == "error"]  # warnings are fine
    assert problems == [], "\n".join(map(str, problems))
    plan = api.plan(spec, database_url)
    assert plan.is_empty, plan.sql()
    database_b = second_database()
    api.push(spec, database_b)
    assert snapshot(database_b) == snapshot(database_url)


GAPS = {
    "primary_key_name": (
        "CREATE TABLE orders (id uuid CONSTRAINT pk_orders PRIMARY KEY)",
        "the spec cannot name a primary key: primary_key_entry() always uses <table>_pkey; "
        "proposed: accept primary_key: {name, columns} on the table"),
    "function_body_layout": (
        "CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS $$ select 1 $$",
        "Function.body is prosrc stripped and CREATE FUNCTION re-adds newlines, so a body "
        "written on one line comes back as '\\nselect 1\\n'; proposed: keep prosrc verbatim in "
        "the model (compare it stripped, create it as it is)"),
    "long_serial_name": (
        "CREATE TABLE a_table_name_long_enough_to_push_the_sequence_name_past_the_limit "
        "(identifier serial PRIMARY KEY)",
        "spec/to_model.py names a serial's sequence f'{table}_{column}_seq' without the "
        "63-byte truncation PostgreSQL applies; proposed: names.make_object_name(table, "
        "column, 'seq')"),
    "enum_name_with_space": (
        "CREATE TYPE \"order status\" AS ENUM ('new'); "
        "CREATE TABLE orders (id integer PRIMARY KEY, status \"order status\")",
        "normalize._TYPE_PATTERN cannot read a quoted type name, so no spelling of the "
        "type validates; proposed: accept quoted identifiers in parse_type"),
    "composite_reference_to_spaced_name": (
        'CREATE TABLE "line items" (a integer, b integer, PRIMARY KEY (a, b)); '
        'CREATE TABLE notes (a integer, b integer, '
        'FOREIGN KEY (a, b) REFERENCES "line items" (a, b))',
        "reading._CALL_REFERENCE allows no whitespace in the table of table(col, ...); "
        "proposed: accept a quoted table name there"),
    "builtin_type_outside_aliases": (
        "CREATE TABLE spans (id integer PRIMARY KEY, taken int4range, kind regtype, "
        "code \"char\")",
        "validation rejects built-in types missing from normalize.TYPE_ALIASES (multiranges, "
        "\"char\", regtype...); proposed: resolve unknown unqualified names against "
        "pg_catalog types at plan time and only warn at validation"),
    "function_overloads": (
        "CREATE FUNCTION area(r numeric) RETURNS numeric LANGUAGE sql AS $$\nselect r\n$$; "
        "CREATE FUNCTION area(w numeric, h numeric) RETURNS numeric LANGUAGE sql AS "
        "$$\nselect w * h\n$$",
        "functions are keyed by name in the spec, so two overloads cannot both be declared; "
        "proposed: allow a list of signatures under one name"),
    "function_empty_search_path": (
        "CREATE FUNCTION now_utc() RETURNS timestamp LANGUAGE sql SET search_path = '' AS "
        "$$\nselect pg_catalog.timezone('UTC', pg_catalog.now())\n$$",
        "proconfig holds search_path=\"\" and render/ddl.py writes SET search_path = \"\", "
        "a zero-length identifier; proposed: write SET search_path = '' for an empty path"),
    "foreign_key_across_integer_widths": (
        "CREATE TABLE parents (id bigint PRIMARY KEY); "
        "CREATE TABLE children (id integer PRIMARY KEY, parent_id integer REFERENCES parents)",
        "PostgreSQL accepts an integer column referencing a bigint key; validation calls it a "
        "type mismatch error; proposed: make it a warning"),
    "names_with_a_dot": (
        'CREATE TYPE "order.status" AS ENUM (\'new\'); '
        'CREATE TABLE "line.items" (id integer PRIMARY KEY, status "order.status"); '
        'CREATE TABLE notes (id integer PRIMARY KEY, '
        'item_id integer REFERENCES "line.items")',
        "a table or enum key is split at its first dot, so inspect's unqualified key "
        "line.items reads as table items of schema line; proposed: qualify such keys "
        "(public.line.items)"),
    "table_with_no_columns": (
        "CREATE TABLE markers ()",
        "validation required at least one column, which PostgreSQL does not: the inspected "
        "spec (columns: {}) was then rejected by pgwright itself"),
    "set_null_on_not_null_column": (
        "CREATE TABLE parents (id integer PRIMARY KEY); "
        "CREATE TABLE children (id integer PRIMARY KEY, "
        "parent_id integer NOT NULL REFERENCES parents ON DELETE SET NULL)",
        "PostgreSQL accepts ON DELETE SET NULL on a NOT NULL column (and fails at the first "
        "delete); validation makes it an error, so the spec cannot describe such a database; "
        "proposed: a warning, which inspect's output would then carry"),
    # The most common CHECK in real schemas: the server prints it as an ANY over a text[]
    # cast that it reads back as another expression, so the print never converged.
    "varchar_in_list_check": (
        "CREATE TABLE t (id integer PRIMARY KEY, "
        "status varchar(20) NOT NULL CHECK (status IN ('a', 'b')))",
        "inspect wrote the server's print, which plans a drop and re-add on every run"),
    "varchar_not_in_list_partial_index": (
        "CREATE TABLE t (id integer PRIMARY KEY, status varchar(20)); "
        "CREATE INDEX t_open ON t (id) WHERE status NOT IN ('done', 'it''s gone')",
        "inspect wrote the server's print, which plans a drop and re-add on every run"),
    "varchar_in_list_inside_a_larger_check": (
        "CREATE TABLE t (id integer PRIMARY KEY, \"Kind\" varchar, "
        "CHECK (\"Kind\" IN ('x') AND id > 0 OR \"Kind\" IS NULL))",
        "inspect wrote the server's print, which plans a drop and re-add on every run"),
    # Supabase's advice: a helper wrapped in a sub-select runs once per query, not per row.
    "policy_calling_a_helper_in_a_sub_select": (
        "CREATE FUNCTION is_member(o integer) RETURNS boolean LANGUAGE sql STABLE "
        "AS $$\nselect o > 0\n$$; "
        "CREATE TABLE t1 (id integer PRIMARY KEY, o integer); "
        "ALTER TABLE t1 ENABLE ROW LEVEL SECURITY; "
        "CREATE POLICY p1 ON t1 USING ((SELECT is_member(o)))",
        "inspect stripped the parentheses of the sub-select, leaving SELECT ... as the "
        "policy's expression, a syntax error"),
    "policy_with_a_sub_select_inside_a_larger_expression": (
        "CREATE FUNCTION is_member(o integer) RETURNS boolean LANGUAGE sql STABLE "
        "AS $$\nselect o > 0\n$$; "
        "CREATE TABLE t2 (id integer PRIMARY KEY, o integer); "
        "ALTER TABLE t2 ENABLE ROW LEVEL SECURITY; "
        "CREATE POLICY p2 ON t2 USING (id > 0 AND (SELECT is_member(o)))",
        "the inspected (id > 0) AND ( SELECT public.is_member(t2.o) ...) failed to plan"),
    "varchar_in_list_policy_and_generated_column": (
        "CREATE TABLE t (id integer PRIMARY KEY, status varchar(20), "
        "open integer GENERATED ALWAYS AS (CASE WHEN status IN ('a') THEN 1 ELSE 0 END) STORED); "
        "ALTER TABLE t ENABLE ROW LEVEL SECURITY; "
        "CREATE POLICY visible ON t USING (status NOT IN ('hidden'))",
        "inspect wrote the server's print, which plans a drop and re-add on every run"),
}


# Gaps that were closed: each must now round-trip exactly.
CLOSED_GAPS = {"long_serial_name", "function_empty_search_path", "function_body_layout",
               "foreign_key_across_integer_widths", "primary_key_name", "enum_name_with_space",
               "builtin_type_outside_aliases", "composite_reference_to_spaced_name",
               "function_overloads", "names_with_a_dot", "varchar_in_list_check",
               "varchar_not_in_list_partial_index", "varchar_in_list_inside_a_larger_check",
               "varchar_in_list_policy_and_generated_column",
               "policy_calling_a_helper_in_a_sub_select",
               "policy_with_a_sub_select_inside_a_larger_expression",
               "set_null_on_not_null_column", "table_with_no_columns"}


@pytest.mark.parametrize("sql", [
    pytest.param(sql, id=case, marks=() if case in CLOSED_GAPS
                 else pytest.mark.xfail(reason=reason, strict=True))
    for case, (sql, reason) in GAPS.items()])
def test_gap_round_trips_exactly(sql, db, database_url, second_database, tmp_path):
    _round_trips_exactly(sql, db, database_url, second_database, tmp_path)

"""pgwright's laws, checked on random specs (Hypothesis) against a real PostgreSQL server.

1. Convergence from empty: push a spec into an empty database, and the plan is empty.
2. Convergence from any start: push spec A, then push spec B (drawn to share and change A's
   objects): the plan for B is empty.
3. Idempotency: the SQL of a plan, run a second time on the database it already migrated,
   succeeds and changes nothing, by a catalog snapshot read straight from pg_catalog.

The specs come from ``strategies.py``: 1 to 4 tables of up to ~6 columns, with every column
type, key, check, foreign key, index and comment form docs/spec.md describes, and names that
need quoting. What a start spec may change into is limited to what PostgreSQL can do to an
empty table without a USING clause: see ``strategies.can_alter`` for the type changes that are
left out and why, and ``strategies.draw_enums`` for enum labels (they are only ever added).

Each example resets the test's database itself: the ``database_url`` fixture is made once per
test, not once per example.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from psycopg import sql
from strategies import (
    SpecDraft,
    spec_drafts,
    spec_pairs,
)

from pgwright import api
from pgwright.sqlscript import read_script
from tests.pgcatalog import catalog_snapshot as independent_snapshot

# PGWRIGHT_PROPERTY_EXAMPLES=500 for a deeper hunt than the default quick run.
PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("PGWRIGHT_PROPERTY_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=True,
)


# ---------------------------------------------------------------------------------------
# Helpers


def reset_database(connection) -> None:
    """Back to an empty database: every non-system schema dropped, an empty public made."""
    schemas = connection.execute(
        "SELECT nspname FROM pg_catalog.pg_namespace "
        "WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"
    ).fetchall()
    for (schema,) in schemas:
        connection.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
    connection.execute("CREATE SCHEMA public")


def push(spec_path, database_url: str) -> None:
    """Bring the database to the spec, dropping whatever it no longer declares."""
    api.push(spec_path, database_url, allow_destructive=True)


def write_spec(directory, spec: SpecDraft, name: str = "schema.yaml"):
    path = directory / name
    path.write_text(spec.to_yaml(), encoding="utf-8")
    return path


def describe_plan(plan) -> str:
    operations = "\n".join(f"  {operation!r}" for operation in plan.operations)
    return f"operations:\n{operations}\nSQL:\n{plan.sql()}"


def assert_plan_is_empty(spec_path, database_url: str) -> None:
    plan = api.plan(spec_path, database_url)
    assert plan.is_empty, "the database does not match the spec it was brought to:\n" \
        + describe_plan(plan)


def run_script(connection, script: str) -> None:
    """Run a plan's SQL as pgwright's runner does: runs of ordinary statements each in one
    transaction, and every statement marked ``-- pgwright:no-transaction`` on its own."""
    batch: list[str] = []

    def run_batch() -> None:
        if batch:
            with connection.transaction():
                for statement in batch:
                    connection.execute(statement)
            batch.clear()

    for statement in read_script(script):
        if not statement.transactional:
            run_batch()
            connection.execute(statement.sql)
        else:
            batch.append(statement.sql)
    run_batch()


# One query per kind of object, over every schema that is not PostgreSQL's own. Names of
# other schemas come out qualified (search_path is emptied), expressions as the server prints.
SNAPSHOT_QUERIES = {
    "schemas": """
        SELECT n.nspname, pg_catalog.obj_description(n.oid, 'pg_namespace')
        FROM pg_catalog.pg_namespace n
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'""",
    "extensions": "SELECT extname, extversion FROM pg_catalog.pg_extension",
    "types": """
        SELECT n.nspname, t.typname, t.typtype, pg_catalog.format_type(t.oid, NULL),
               ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e
                     WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),
               pg_catalog.obj_description(t.oid, 'pg_type')
        FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
          AND t.typtype IN ('e', 'd', 'c', 'r') AND t.typelem = 0""",
    "relations": """
        SELECT n.nspname, c.relname, c.relkind, c.relpersistence,
               pg_catalog.obj_description(c.oid, 'pg_class')
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'""",
    "columns": """
        SELECT n.nspname, c.relname, a.attnum, a.attname,
               pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
               co.collname, pg_catalog.col_description(c.oid, a.attnum)
        FROM pg_catalog.pg_attribute a
        JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
          AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped""",
    "constraints": """
        SELECT n.nspname, c.relname, con.conname, con.contype,
               pg_catalog.pg_get_constraintdef(con.oid, true), con.condeferrable,
               con.condeferred, con.convalidated,
               pg_catalog.obj_description(con.oid, 'pg_constraint')
        FROM pg_catalog.pg_constraint con
        JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'""",
    "indexes": """
        SELECT n.nspname, ic.relname, pg_catalog.pg_get_indexdef(i.indexrelid, 0, true),
               i.indisunique, i.indisprimary, i.indisvalid, i.indisready
        FROM pg_catalog.pg_index i
        JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'""",
    "sequences": """
        SELECT n.nspname, c.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart,
               s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle
        FROM pg_catalog.pg_sequence s
        JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace""",
}


def catalog_snapshot(connection) -> dict[str, list[tuple]]:
    """Every schema object outside PostgreSQL's own schemas, as sorted rows per kind."""
    snapshot = {}
    with connection.transaction():
        connection.execute("SET LOCAL search_path = ''")
        for kind, query in SNAPSHOT_QUERIES.items():
            rows = connection.execute(query).fetchall()
            snapshot[kind] = sorted((tuple(map(_comparable, row)) for row in rows), key=repr)
    return snapshot


def _comparable(value):
    return tuple(value) if isinstance(value, list) else value


def snapshot_difference(before: dict, after: dict) -> str:
    lines = []
    for kind in before:
        gone = [row for row in before[kind] if row not in after[kind]]
        new = [row for row in after[kind] if row not in before[kind]]
        lines += [f"  {kind} -{row!r}" for row in gone] + [f"  {kind} +{row!r}" for row in new]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# The laws


@PROPERTY_SETTINGS
@given(spec=spec_drafts())
def test_push_into_an_empty_database_leaves_nothing_to_plan(db, database_url, tmp_path, spec):
    reset_database(db)
    note(f"spec:\n{spec.to_yaml()}")
    spec_path = write_spec(tmp_path, spec)

    push(spec_path, database_url)

    assert_plan_is_empty(spec_path, database_url)


@PROPERTY_SETTINGS
@given(pair=spec_pairs())
def test_push_from_any_start_state_leaves_nothing_to_plan(db, database_url, tmp_path, pair):
    start, target = pair
    reset_database(db)
    note(f"start spec:\n{start.to_yaml()}\ntarget spec:\n{target.to_yaml()}")
    push(write_spec(tmp_path, start, "start.yaml"), database_url)
    target_path = write_spec(tmp_path, target, "target.yaml")

    push(target_path, database_url)

    assert_plan_is_empty(target_path, database_url)


@PROPERTY_SETTINGS
@given(start=st.none() | spec_drafts(), data=st.data())
def test_plan_sql_run_twice_changes_nothing_the_second_time(db, database_url, tmp_path, start,
                                                            data):
    target = data.draw(spec_drafts(previous=start), label="target")
    reset_database(db)
    if start is not None:
        note(f"start spec:\n{start.to_yaml()}")
        push(write_spec(tmp_path, start, "start.yaml"), database_url)
    note(f"target spec:\n{target.to_yaml()}")
    target_path = write_spec(tmp_path, target, "target.yaml")
    script = api.plan(target_path, database_url).sql()
    note(f"plan SQL:\n{script}")

    run_script(db, script)
    once = catalog_snapshot(db)
    run_script(db, script)
    twice = catalog_snapshot(db)

    assert once == twice, "the second run changed the catalog:\n" \
        + snapshot_difference(once, twice)
    assert_plan_is_empty(target_path, database_url)


def test_snapshot_sees_what_the_properties_compare(db):
    """The snapshot is the oracle of law 3: it must notice each kind of change."""
    reset_database(db)
    db.execute("CREATE TYPE public.mood AS ENUM ('a')")
    db.execute('CREATE TABLE public."T" (id integer PRIMARY KEY, x text DEFAULT \'a\')')
    db.execute('CREATE INDEX "T_x_idx" ON public."T" (lower(x))')
    before = catalog_snapshot(db)
    changes = [
        "ALTER TYPE public.mood ADD VALUE 'b'",
        'ALTER TABLE public."T" ALTER COLUMN x SET DEFAULT \'b\'',
        'ALTER TABLE public."T" ALTER COLUMN x SET NOT NULL',
        'ALTER TABLE public."T" ADD CONSTRAINT c CHECK (id > 0)',
        'DROP INDEX public."T_x_idx"',
        'COMMENT ON COLUMN public."T".x IS \'it\'\'s\'',
        'COMMENT ON TABLE public."T" IS \'t\'',
        'ALTER TABLE public."T" ALTER COLUMN x TYPE varchar(5)',
    ]
    for change in changes:
        db.execute(change)
        after = catalog_snapshot(db)
        assert after != before, change
        before = after


# ---------------------------------------------------------------------------------------
# Regressions: minimal examples of the bugs the properties found. None is open now. A new one
# goes in a section "Still open", marked xfail(strict=True) so that its fix shows up as XPASS,
# with a switch in strategies.py that keeps the triggering input out of the drafts meanwhile.


def push_in_turn(database_url: str, directory, *spec_texts: str) -> None:
    """Push each spec in turn, then expect nothing left to plan for the last one."""
    for number, text in enumerate(spec_texts):
        spec_path = directory / f"spec{number}.yaml"
        spec_path.write_text(text, encoding="utf-8")
        push(spec_path, database_url)
    assert_plan_is_empty(spec_path, database_url)


def run_plan_twice(db, database_url: str, directory, start_text: str, target_text: str) -> None:
    """Push the start spec, then run the SQL planned for the target twice: the second run
    must succeed and change nothing, by the independent reader of tests/pgcatalog.py."""
    start, target = directory / "start.yaml", directory / "target.yaml"
    start.write_text(start_text, encoding="utf-8")
    target.write_text(target_text, encoding="utf-8")
    push(start, database_url)
    script = api.plan(target, database_url).sql()
    run_script(db, script)
    once = independent_snapshot(db)
    run_script(db, script)
    assert independent_snapshot(db) == once, "the second run changed the catalog"


# Fixed.


def test_numeric_without_scale_converges(database_url, tmp_path):
    # numeric(5) stayed numeric(5) in the model; format_type prints numeric(5,0).
    push_in_turn(database_url, tmp_path, """
version: 1
tables:
  t:
    columns:
      n: numeric(5)
""")


def test_enum_name_with_a_dollar_converges(database_url, tmp_path):
    # quote_ident left a$b unquoted; format_type prints public."a$b".
    push_in_turn(database_url, tmp_path, """
version: 1
enums:
  a$b: [draft]
tables:
  orders:
    columns:
      id: a$b
""")


def test_enum_named_like_a_keyword_of_some_versions_converges(database_url, tmp_path):
    # Every plan altered the column to the type as pgwright quotes it: PostgreSQL 15 prints
    # public.system_user where pgwright writes public."system_user", PostgreSQL 17 and 18
    # print public."json_table" where pgwright wrote public.json_table. The spec's types now
    # take the server's own spelling (read_user_types).
    push_in_turn(database_url, tmp_path, """
version: 1
enums:
  system_user: [a]
  json_table: [a]
tables:
  t:
    columns:
      x: system_user
      y: json_table
""")


def test_schema_named_like_a_keyword_of_newer_versions_converges(database_url, tmp_path):
    # json_table is a column-name keyword from PostgreSQL 17, which may start a table name
    # but not a type name: pgwright wrote "x json_table.status", a syntax error there.
    push_in_turn(database_url, tmp_path, """
version: 1
schemas: [json_table]
enums:
  status: [a]
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      x: {type: status, default: "'a'"}
  u:
    columns:
      ref: {type: integer, references: t.id}
""")


def test_new_enum_value_used_by_a_default_in_the_same_push_converges(database_url, tmp_path):
    # "unsafe use of new value": ADD VALUE and its first use ran in one transaction.
    push_in_turn(database_url, tmp_path, """
version: 1
enums:
  status: [draft]
tables:
  t:
    columns:
      s: status
""", """
version: 1
enums:
  status: [draft, done]
tables:
  t:
    columns:
      s: {type: status, default: "'done'"}
""")


def test_two_enum_values_added_in_front_converge(database_url, tmp_path):
    # [c] -> [a, b, c] added 'a' BEFORE 'b' while 'b' did not exist yet.
    push_in_turn(database_url, tmp_path, """
version: 1
enums:
  status: [c]
tables:
  t:
    columns:
      id: integer
""", """
version: 1
enums:
  status: [a, b, c]
tables:
  t:
    columns:
      id: integer
""")


def test_dropping_a_table_with_a_foreign_key_converges(database_url, tmp_path):
    # DROP TABLE t1 ran before DROP TABLE t2 (name order) with t2's key still there:
    # "cannot drop table t1 because other objects depend on it". The same happened when the
    # plan dropped t1's primary key or column instead of t1.
    push_in_turn(database_url, tmp_path, """
version: 1
tables:
  t1:
    columns:
      id: {type: integer, primary_key: true}
  t2:
    columns:
      ref: {type: integer, references: t1.id}
""", """
version: 1
tables:
  other:
    columns:
      id: integer
""")


def test_empty_comment_converges(database_url, tmp_path):
    # COMMENT ... IS '' removes the comment in PostgreSQL: every plan set it again.
    push_in_turn(database_url, tmp_path, """
version: 1
tables:
  t:
    comment: ""
    columns:
      x: text
""")


def test_check_with_a_percent_sign_added_to_an_existing_table_converges(database_url, tmp_path):
    # The preflight guard's RAISE took the % for a placeholder: "too few parameters
    # specified for RAISE". The same with nullable: false on an existing column per%cent.
    push_in_turn(database_url, tmp_path, """
version: 1
tables:
  t:
    columns:
      x: text
""", """
version: 1
tables:
  t:
    columns:
      x: text
    checks:
      c1: "x LIKE 'a%'"
""")


def test_check_on_a_column_added_in_the_same_plan_converges(database_url, tmp_path):
    # The new check's rows were counted before the plan ran: column "y" does not exist.
    # Same family: c integer -> text with a new check length(c) > 0 failed with "function
    # length(integer) does not exist".
    push_in_turn(database_url, tmp_path, """
version: 1
tables:
  t:
    columns:
      x: integer
""", """
version: 1
tables:
  t:
    columns:
      x: integer
      y: integer
    checks:
      c1: y > 0
""")


def test_foreign_key_onto_a_column_added_in_the_same_plan_converges(database_url, tmp_path):
    # The orphan count named a target column the plan had not added yet: column p.k does
    # not exist. (Its retyped-column sibling: test_foreign_key_onto_a_retyped_column_converges.)
    push_in_turn(database_url, tmp_path, """
version: 1
tables:
  src:
    columns:
      s: integer
  tgt:
    columns:
      id: {type: integer, primary_key: true}
""", """
version: 1
tables:
  src:
    columns:
      s: {type: integer, references: tgt.k}
  tgt:
    columns:
      id: {type: integer, primary_key: true}
      k: {type: integer, unique: true}
""")


def test_foreign_key_onto_a_retyped_column_converges(database_url, tmp_path):
    # The orphan count compared the columns with their old types: operator does not exist:
    # uuid = text. With the referencing column retyped instead (src.s integer -> text onto an
    # existing text key): operator does not exist: text = integer.
    push_in_turn(database_url, tmp_path, """
version: 1
tables:
  src:
    columns:
      s: text
  tgt:
    columns:
      k: {type: uuid, unique: true}
""", """
version: 1
tables:
  src:
    columns:
      s: {type: text, references: tgt.k}
  tgt:
    columns:
      k: {type: text, unique: true}
""")

def test_plan_sql_with_a_dollar_in_an_identifier_runs(db, database_url, tmp_path):
    # a$b_table_a$b_key went unquoted into the SQL, and split_statements took its $b_table_a$
    # for a dollar-quote tag: the rest of the script became one statement, and CREATE INDEX
    # CONCURRENTLY ran in a transaction block (pgwright apply failed the same way).
    reset_database(db)
    start, target = tmp_path / "start.yaml", tmp_path / "target.yaml"
    start.write_text("""
version: 1
tables:
  a$b_table:
    columns:
      a$b: integer
      x: integer
    unique: [[a$b]]
""")
    target.write_text("""
version: 1
tables:
  a$b_table:
    columns:
      a$b: integer
      x: integer
    indexes:
      - columns: [x]
""")
    push(start, database_url)

    run_script(db, api.plan(target, database_url).sql())


def test_partial_unique_index_on_a_retyped_column_converges(database_url, tmp_path):
    # The duplicate count evaluated the WHERE on the old column: invalid input syntax for
    # type integer: "". With a WHERE on a column the plan adds: column "d" does not exist.
    push_in_turn(database_url, tmp_path, """
version: 1
tables:
  t:
    columns:
      c: integer
""", """
version: 1
tables:
  t:
    columns:
      c: text
    indexes:
      - {columns: [c], unique: true, where: "c <> ''"}
""")


def test_retype_rerun_under_a_foreign_key_with_an_enum_column_is_idempotent(db, database_url,
                                                                           tmp_path):
    # A PostgreSQL bug, reached through an unguarded ALTER COLUMN TYPE: on the second run the
    # no-op ALTER TABLE public.p ALTER COLUMN a TYPE bigint failed with "could not find cast
    # from <oid of e> to 3500" (3500 is anyenum). Plain SQL shows it, on 15 and 18 alike:
    #   CREATE TYPE e AS ENUM ('x');
    #   CREATE TABLE p (a bigint, k e, UNIQUE (a, k));
    #   CREATE TABLE c (a bigint, k e, FOREIGN KEY (a, k) REFERENCES p (a, k));
    #   ALTER TABLE p ALTER COLUMN a TYPE bigint;  -- ERROR
    # pgwright now alters a type only while format_type differs.
    reset_database(db)
    run_plan_twice(db, database_url, tmp_path, """
version: 1
enums:
  e: [x]
tables:
  p:
    columns:
      a: integer
      k: e
    unique: [[a, k]]
""",
                   """
version: 1
enums:
  e: [x]
tables:
  p:
    columns:
      a: bigint
      k: e
    unique: [[a, k]]
  c:
    columns:
      a: bigint
      k: e
    foreign_keys:
      - {columns: [a, k], references: "p(a, k)"}
""")


def test_unquoted_identifier_with_two_dollars_in_a_check_converges(database_url, tmp_path):
    # Validation refused valid SQL: "not a single SQL expression: unterminated dollar quote".
    # PostgreSQL's lexer reads an identifier whole (the longest match), so no dollar quote
    # starts inside one. split_statements had the same fault: split_statements("... CHECK
    # (a$b_c$d > 0); CREATE INDEX CONCURRENTLY ...") returned one statement.
    push_in_turn(database_url, tmp_path, """
version: 1
tables:
  t:
    columns:
      a$b_c$d: integer
    checks:
      c1: "a$b_c$d > 0"
""")


def test_unique_constraint_on_the_primary_key_columns_converges(database_url, tmp_path):
    # PostgreSQL's CREATE TABLE silently leaves out a unique constraint on exactly the columns
    # of the primary key (or of an earlier unique constraint), and every plan added it again.
    # ALTER TABLE ADD CONSTRAINT does create it: pgwright now adds such a key after the table.
    push_in_turn(database_url, tmp_path, """
version: 1
tables:
  orders:
    columns:
      id: integer
    primary_key: [id]
    unique:
      - [id]
""")


def test_replaced_primary_key_with_a_new_foreign_key_is_idempotent(db, database_url, tmp_path):
    # Second run: cannot drop constraint t_pkey on table t because other objects depend on it.
    # The same when a check named c1 became a unique constraint c1 that a new foreign key
    # references. A drop now names the constraint as the plan found it (kind and columns), so
    # it leaves the new one alone.
    reset_database(db)
    run_plan_twice(db, database_url, tmp_path, """
version: 1
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      x: {type: integer, nullable: false}
  u:
    columns:
      ref: integer
""",
                   """
version: 1
tables:
  t:
    columns:
      id: integer
      x: {type: integer, primary_key: true}
  u:
    columns:
      ref: {type: integer, references: t.x}
""")


def test_foreign_key_survives_its_key_moving_to_the_primary_key(database_url, tmp_path):
    # push failed: cannot drop constraint t_id_key on table t because other objects depend on
    # it (t_parent_id_fkey). The foreign key is now dropped first and added again last.
    push_in_turn(database_url, tmp_path, """
version: 1
tables:
  t:
    columns:
      id: {type: integer, nullable: false}
      parent_id: {type: integer, references: t.id}
    unique:
      - [id]
""", """
version: 1
tables:
  t:
    columns:
      id: {type: integer, nullable: false}
      parent_id: {type: integer, references: t.id}
    primary_key: [id]
""")


def test_foreign_key_survives_a_type_change_on_both_sides(database_url, tmp_path):
    # push failed: foreign key constraint "t_parent_id_fkey" cannot be implemented (text and
    # integer), between the two ALTER COLUMN TYPE. The foreign key is now dropped first and
    # added again last (integer -> bigint on both sides worked: comparable in between).
    push_in_turn(database_url, tmp_path, """
version: 1
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      parent_id: {type: integer, references: t.id}
""", """
version: 1
tables:
  t:
    columns:
      id: {type: text, primary_key: true}
      parent_id: {type: text, references: t.id}
""")


def test_index_name_taken_over_by_a_unique_constraint_is_idempotent(db, database_url, tmp_path):
    # Second run: cannot drop index uq_one because constraint uq_one on table t requires it.
    # The index is now renamed aside while it is still a plain index, then dropped.
    reset_database(db)
    table = "version: 1\ntables:\n  t:\n    columns:\n      a: integer\n"
    run_plan_twice(db, database_url, tmp_path,
                   table + "    indexes:\n      - {name: uq_one, columns: [a]}\n",
                   table + "    unique:\n      - {name: uq_one, columns: [a]}\n")


def test_changed_check_with_in_list_on_varchar_converges(database_url, tmp_path):
    # Every plan replaced c1, as the plan ran the server's text of the spec's check:
    # spec (canonical) ((x)::text = ANY ((ARRAY['a'::character varying, ...])::text[]))
    # live             ((x)::text = ANY (ARRAY[('a'::character varying)::text, ...]))
    # The server's text is now only compared; the plan runs the spec's own.
    push_in_turn(database_url, tmp_path, """
version: 1
tables:
  t:
    columns:
      x: varchar
    checks:
      c1: x IS NOT NULL
""", """
version: 1
tables:
  t:
    columns:
      x: varchar
    checks:
      c1: "x IN ('a', 'b')"
""")


def test_in_list_on_a_retyped_varchar_column_converges(database_url, tmp_path):
    # ALTER COLUMN TYPE made PostgreSQL re-create c1 and the index from its own print of them,
    # stored back as another expression: every later plan replaced them. pgwright now drops
    # them before the ALTER and creates them again from the spec's text.
    push_in_turn(database_url, tmp_path, """
version: 1
tables:
  t:
    columns:
      x: varchar(64)
      y: integer
    checks:
      c1: x IN ('a', 'b')
    indexes:
      - {columns: [y], where: "x IN ('a', 'b')"}
""", """
version: 1
tables:
  t:
    columns:
      x: varchar(10)
      y: integer
    checks:
      c1: x IN ('a', 'b')
    indexes:
      - {columns: [y], where: "x IN ('a', 'b')"}
""")

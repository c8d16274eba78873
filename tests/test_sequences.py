"""Sequences as code (``sequences:``): free-standing or owned by a column, with their options.
A plan never moves a sequence's current value; a spec without the key leaves sequences alone."""

from __future__ import annotations

import psycopg
import pytest
import yaml

from pgwright import api
from pgwright.diff import diff
from pgwright.errors import SpecError
from pgwright.inspect import inspect_database
from pgwright.kinds.sequence import AlterSequence, Sequence, compare_sequences, with_defaults
from pgwright.model import Catalog


def inspect_url(url: str):
    with psycopg.connect(url) as connection:
        return inspect_database(connection)


def _write(tmp_path, text: str):
    spec = tmp_path / "schema.yaml"
    spec.write_text(text)
    return spec


def _messages(spec) -> list[str]:
    with pytest.raises(SpecError) as raised:
        api.validate(spec)
    return [str(problem).removeprefix(f"{spec.parent}/") for problem in raised.value.problems]


# ------------------------------------------------------------------------- the model


def test_options_left_out_are_those_create_sequence_fills_in():
    assert with_defaults("public", "up") == Sequence("public", "up", "bigint", 1, 1, 1,
                                                     2**63 - 1, 1, False)
    down = with_defaults("public", "down", "integer", increment=-1)
    assert (down.minimum, down.maximum, down.start) == (-(2**31), -1, -1)


def test_a_spec_without_the_key_plans_nothing_for_the_sequences_of_the_database():
    live = Catalog().with_objects("sequence", [with_defaults("public", "legacy")])
    assert diff(Catalog(), live) == []
    managed = Catalog().with_objects("sequence", [])  # sequences: {}
    assert [type(op).__name__ for op in diff(managed, live)] == ["DropSequence"]


def test_a_sequence_owned_by_a_column_the_spec_does_not_declare_is_the_columns():
    serial = with_defaults("public", "orders_id_seq", "integer",
                           owned_by=("public", "orders", "id"))
    live = Catalog().with_objects("sequence", [serial])
    assert list(compare_sequences(Catalog().with_objects("sequence", []), live)) == []


# ------------------------------------------------------------------------ on a server


def test_new_options_leave_the_current_value_where_it_is(tmp_path, database_url, db):
    db.execute("CREATE SEQUENCE invoice_numbers START 1000")
    db.execute("SELECT nextval('invoice_numbers'), nextval('invoice_numbers')")  # now 1001
    spec = _write(tmp_path, "version: 1\nsequences:\n"
                  "  invoice_numbers: {start: 5000, increment: 10, max: 900000}\ntables: {}\n")
    plan = api.plan(spec, database_url)
    assert [type(op) for op in plan.operations] == [AlterSequence]
    assert "RESTART" not in plan.sql()
    api.push(spec, database_url)
    assert db.execute("SELECT nextval('invoice_numbers')").fetchone()[0] == 1011
    assert api.plan(spec, database_url).operations == ()


def test_a_sequence_is_used_by_a_new_tables_default_and_dropped_with_its_owner(
        tmp_path, database_url, db):
    spec = _write(tmp_path, """\
version: 1
sequences:
  line_numbers: {start: 100, owned_by: lines.number}
tables:
  lines:
    columns:
      id: {type: bigint, primary_key: true}
      number: {type: bigint, default: "nextval('line_numbers')"}
""")
    api.push(spec, database_url)
    db.execute("INSERT INTO lines (id) VALUES (1)")
    assert db.execute("SELECT number FROM lines").fetchone()[0] == 100
    assert api.plan(spec, database_url).operations == ()
    db.execute("ALTER TABLE lines DROP COLUMN number")  # OWNED BY: the sequence goes too
    assert db.execute("SELECT to_regclass('line_numbers')").fetchone()[0] is None


def test_inspect_writes_every_option_back_and_the_spec_plans_nothing(
        tmp_path, database_url, db):
    db.execute("""
        CREATE SEQUENCE a_numbers AS integer INCREMENT BY 5 MINVALUE 10 MAXVALUE 1000
            START 20 CACHE 3 CYCLE;
        CREATE SEQUENCE b_countdown INCREMENT BY -1;
        CREATE SEQUENCE c_plain;
        COMMENT ON SEQUENCE c_plain IS 'plain';
        CREATE TABLE t (id serial PRIMARY KEY, n bigint);
        CREATE SEQUENCE d_owned OWNED BY t.n;
    """)
    inspected = inspect_url(database_url)
    sequences = yaml.safe_load(inspected.yaml_text)["sequences"]
    assert sequences == {
        "a_numbers": {"type": "integer", "start": 20, "increment": 5, "min": 10, "max": 1000,
                      "cache": 3, "cycle": True},
        "b_countdown": {"increment": -1},
        "c_plain": {"comment": "plain"},
        "d_owned": {"owned_by": "t.n"},
    }  # and t_id_seq is the serial column's, not written here
    assert inspected.unsupported == []
    spec = _write(tmp_path, inspected.yaml_text)
    assert api.plan(spec, database_url).operations == ()


def test_the_docs_overview_lists_the_sequences(tmp_path):
    spec = _write(tmp_path, "version: 1\nsequences:\n"
                  "  invoice_numbers: {start: 1000, comment: Invoice numbers}\n"
                  "tables:\n  t:\n    columns: {id: {type: bigint, primary_key: true}}\n")
    overview = api.render_spec_docs(spec)["README.md"]
    assert "## Sequences" in overview
    assert "| `invoice_numbers` | bigint, from 1000, +1 |  | Invoice numbers |" in overview


# -------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("entry", "message"), [
    ("{type: text}", "schema.yaml:3: sequences.s.type: a sequence is smallint, integer or "
                     "bigint, not 'text' (write type: bigint (the default))"),
    ("{type: intger}", "schema.yaml:3: sequences.s.type: unknown type 'intger' "
                       "(did you mean 'integer'?)"),
    ("{type: smallint, max: 40000}", "schema.yaml:3: sequences.s.max: max 40000 is out of "
                                     "range for smallint (use a value from -32768 to 32767, or "
                                     "a wider type)"),
    ("{increment: 0}", "schema.yaml:3: sequences.s.increment: increment cannot be 0 (use 1 to "
                       "count up, -1 to count down)"),
    ("{min: 10, max: 5}", "schema.yaml:3: sequences.s.min: min (10) must be less than max (5)"),
    ("{start: 0}", "schema.yaml:3: sequences.s.start: start 0 is outside min 1 .. max "
                   "9223372036854775807"),
    ("{owned_by: ordrs.number}", "schema.yaml:3: sequences.s.owned_by: unknown table "
                                 "'ordrs' (did you mean 'orders'?)"),
    ("{owned_by: orders.numbr}", "schema.yaml:3: sequences.s.owned_by: table 'orders' has no "
                                 "column 'numbr' (did you mean 'number'?)"),
    ("{owned_by: number}", "schema.yaml:3: sequences.s.owned_by: owned_by names a column as "
                           "table.column, not 'number' (write owned_by: orders.number)"),
    ("{incremnt: 2}", "schema.yaml:3: sequences.s.incremnt: unknown key 'incremnt' "
                      "(did you mean 'increment'?)"),
])
def test_a_faulty_sequence_is_reported_at_its_line_and_key(tmp_path, entry, message):
    spec = _write(tmp_path, f"version: 1\nsequences:\n  s: {entry}\ntables:\n  orders:\n"
                  "    columns: {id: {type: bigint, primary_key: true}, number: bigint}\n")
    assert _messages(spec) == [message]


def test_a_sequence_in_a_schema_the_spec_does_not_manage_is_refused(tmp_path):
    spec = _write(tmp_path, "version: 1\nsequences:\n  billing.s: {}\ntables: {}\n")
    assert _messages(spec) == ["schema.yaml:3: sequences.billing.s: schema 'billing' is not "
                               "managed by this spec (add it to schemas: [public, billing])"]

"""Type, identity and serial changes on tables that hold rows (issue 12): every row is kept
and converted, or nothing changes and the message says which values stand in the way.

The golden cases in tests/cases/columns show the SQL; these tests show what happens to the
rows, which a plan cannot show.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pgwright import api
from pgwright.errors import PgwrightError, UnsafePlanError


def _spec(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schema.yaml"
    path.write_text(text)
    return path


AMOUNTS_AS_INTEGER = """\
version: 1
tables:
  payments:
    columns:
      id: {type: integer, primary_key: true}
      amount: integer
"""


def test_text_becomes_integer_through_an_explicit_cast_keeping_every_row(db, database_url,
                                                                        tmp_path):
    db.execute("CREATE TABLE payments (id integer PRIMARY KEY, amount text);"
               "INSERT INTO payments VALUES (1, '1250'), (2, '-3'), (3, NULL)")
    spec = _spec(tmp_path, AMOUNTS_AS_INTEGER)
    api.push(spec, database_url, allow_destructive=True)
    assert db.execute("SELECT id, amount FROM payments ORDER BY id").fetchall() == [
        (1, 1250), (2, -3), (3, None)]
    assert api.plan(spec, database_url).is_empty


def test_values_that_would_not_convert_are_counted_and_shown_before_anything_changes(
        db, database_url, tmp_path):
    db.execute("CREATE TABLE payments (id integer PRIMARY KEY, amount text);"
               "INSERT INTO payments VALUES (1, '12'), (2, 'twelve'), (3, '1.5')")
    spec = _spec(tmp_path, AMOUNTS_AS_INTEGER)
    with pytest.raises(UnsafePlanError) as refused:
        api.push(spec, database_url, allow_destructive=True)
    (finding,) = refused.value.findings
    assert finding.check.code == "values-not-convertible"
    assert finding.count == 2
    assert sorted(sample[0] for sample in finding.samples) == ["1.5", "twelve"]
    assert db.execute("SELECT pg_typeof(amount)::text FROM payments LIMIT 1").fetchone()[0] == "text"


def test_a_conversion_to_an_enum_the_plan_creates_stops_at_the_first_bad_value_with_examples(
        db, database_url, tmp_path):
    """The enum does not exist before the plan runs, so the count runs inside the migration,
    just before the type change: the transaction stops there, and nothing is left changed."""
    db.execute("CREATE TABLE orders (id integer PRIMARY KEY, state text DEFAULT 'open');"
               "INSERT INTO orders VALUES (1, 'open'), (2, 'lost')")
    spec = _spec(tmp_path, "version: 1\nenums:\n  order_state: [open, closed]\n"
                           "tables:\n  orders:\n    columns:\n"
                           "      id: {type: integer, primary_key: true}\n"
                           "      state: {type: order_state, default: \"'open'\"}\n")
    with pytest.raises(PgwrightError, match=r"1 row\(s\) of public.orders .* do not convert "
                                            r"to public.order_state; for example: \(lost\)"):
        api.push(spec, database_url, allow_destructive=True)
    assert db.execute("SELECT to_regtype('public.order_state')").fetchone()[0] is None
    db.execute("UPDATE orders SET state = 'closed' WHERE id = 2")
    api.push(spec, database_url, allow_destructive=True)
    assert db.execute("SELECT state::text FROM orders ORDER BY id").fetchall() == [
        ("open",), ("closed",)]
    assert db.execute("INSERT INTO orders (id) VALUES (3) RETURNING state::text").fetchone() == (
        "open",)


def test_a_serial_made_an_identity_carries_on_from_its_sequence_and_leaves_no_sequence_behind(
        db, database_url, tmp_path):
    db.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text);"
               "INSERT INTO notes (body) VALUES ('a'), ('b'), ('c'); DELETE FROM notes WHERE id = 3")
    spec = _spec(tmp_path, "version: 1\ntables:\n  notes:\n    columns:\n"
                           "      id: {type: integer, primary_key: true, identity: always}\n"
                           "      body: text\n")
    api.push(spec, database_url)
    assert db.execute("INSERT INTO notes (body) VALUES ('d') RETURNING id").fetchone() == (4,)
    assert db.execute("SELECT relname FROM pg_class WHERE relkind = 'S'").fetchall() == [
        ("notes_id_seq",)]
    assert api.plan(spec, database_url).is_empty


def test_an_integer_made_serial_numbers_new_rows_after_the_largest_value(db, database_url,
                                                                        tmp_path):
    db.execute("CREATE TABLE tickets (id integer PRIMARY KEY, number integer NOT NULL);"
               "INSERT INTO tickets VALUES (1, 41), (2, 42)")
    spec = _spec(tmp_path, "version: 1\ntables:\n  tickets:\n    columns:\n"
                           "      id: {type: integer, primary_key: true}\n      number: serial\n")
    api.push(spec, database_url)
    assert db.execute("INSERT INTO tickets (id) VALUES (3) RETURNING number").fetchone() == (43,)
    assert api.plan(spec, database_url).is_empty


def test_a_column_with_a_default_becomes_an_identity(db, database_url, tmp_path):
    db.execute("CREATE TABLE jobs (id integer PRIMARY KEY DEFAULT 7); INSERT INTO jobs VALUES (7)")
    spec = _spec(tmp_path, "version: 1\ntables:\n  jobs:\n    columns:\n"
                           "      id: {type: integer, primary_key: true, identity: by_default}\n")
    api.push(spec, database_url)
    assert db.execute("INSERT INTO jobs DEFAULT VALUES RETURNING id").fetchone() == (8,)
    assert api.plan(spec, database_url).is_empty

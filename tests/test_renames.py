"""Declared renames keep every row; USING converts data; orphans: resolutions clean exactly
the violating rows."""

from __future__ import annotations

import pytest

from pgwright import api
from pgwright.errors import UnsafePlanError
from tests.pgcatalog import catalog_snapshot

BEFORE = """\
version: 1
tables:
  clients:
    columns:
      id: {type: integer, primary_key: true}
      mail: text
    indexes:
      - columns: [mail]
  orders:
    columns:
      id: {type: integer, primary_key: true}
      client_id: {type: integer, references: clients.id}
"""

AFTER = """\
version: 1
tables:
  customers:
    renamed_from: clients
    columns:
      id: {type: integer, primary_key: true}
      email: {type: text, renamed_from: mail}
    indexes:
      - columns: [email]
  orders:
    columns:
      id: {type: integer, primary_key: true}
      customer_id: {type: integer, references: customers.id, renamed_from: client_id}
"""


def test_declared_renames_keep_every_row_and_converge(tmp_path, database_url, db):
    spec = tmp_path / "schema.yaml"
    spec.write_text(BEFORE)
    api.push(spec, database_url)
    db.execute("INSERT INTO clients VALUES (1, 'a@example.com'), (2, 'b@example.com')")
    db.execute("INSERT INTO orders VALUES (10, 1), (11, 2)")

    spec.write_text(AFTER)
    plan = api.plan(spec, database_url)
    kinds = [type(o).__name__ for o in plan.operations]
    assert "DropTable" not in kinds and "DropColumn" not in kinds
    assert {"RenameTable", "RenameColumn"} <= set(kinds)
    assert not any(o.destructive for o in plan.operations)
    sql = plan.sql()
    api.push(spec, database_url)

    assert db.execute("SELECT id, email FROM customers ORDER BY id").fetchall() == [
        (1, "a@example.com"), (2, "b@example.com")]
    assert db.execute("SELECT customer_id FROM orders ORDER BY id").fetchall() == [(1,), (2,)]
    assert api.plan(spec, database_url).is_empty, api.plan(spec, database_url).sql()
    # idempotent: a second run sees the new names and does nothing
    before = catalog_snapshot(db)
    db.execute(sql)
    assert catalog_snapshot(db) == before


def test_a_stale_renamed_from_is_harmless(tmp_path, database_url):
    spec = tmp_path / "schema.yaml"
    spec.write_text(AFTER)
    api.push(spec, database_url)  # nothing called clients exists: plain creates
    assert api.plan(spec, database_url).is_empty


def test_type_change_with_using_converts_the_data(tmp_path, database_url, db):
    spec = tmp_path / "schema.yaml"
    spec.write_text("version: 1\ntables:\n  events:\n    columns:\n"
                    "      id: {type: integer, primary_key: true}\n      ref: text\n")
    api.push(spec, database_url)
    db.execute("INSERT INTO events VALUES (1, '6f1c7f0e-5d3a-4c55-9f2a-0d6c8b9c1a11')")
    spec.write_text("version: 1\ntables:\n  events:\n    columns:\n"
                    "      id: {type: integer, primary_key: true}\n"
                    "      ref: {type: uuid, using: ref::uuid}\n")
    plan = api.plan(spec, database_url)
    assert "TYPE uuid USING ref::uuid" in plan.sql()
    assert [o.destructive for o in plan.operations] == [True]  # text -> uuid can fail or lose
    with pytest.raises(UnsafePlanError):
        api.push(spec, database_url)
    api.push(spec, database_url, allow_destructive=True)
    assert db.execute("SELECT pg_typeof(ref)::text, ref::text FROM events").fetchone() == (
        "uuid", "6f1c7f0e-5d3a-4c55-9f2a-0d6c8b9c1a11")


def test_widening_a_type_is_not_destructive(tmp_path, database_url):
    spec = tmp_path / "schema.yaml"
    spec.write_text("version: 1\ntables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n"
                    "      name: varchar(50)\n      amount: numeric(10,2)\n")
    api.push(spec, database_url)
    spec.write_text(spec.read_text().replace("varchar(50)", "varchar(120)").replace("numeric(10,2)", "numeric(12,2)"))
    assert not any(o.destructive for o in api.plan(spec, database_url).operations)
    spec.write_text(spec.read_text().replace("varchar(120)", "varchar(20)"))
    assert any(o.destructive for o in api.plan(spec, database_url).operations)


ORPHAN_BASE = """\
version: 1
tables:
  customers:
    columns:
      id: {type: integer, primary_key: true}
  orders:
    columns:
      id: {type: integer, primary_key: true}
      customer_id: integer
"""


@pytest.mark.parametrize("resolution, remaining", [
    ("delete", [(1, 1), (4, None)]),
    ("set_null", [(1, 1), (2, None), (3, None), (4, None)]),
])
def test_orphan_resolution_cleans_exactly_the_violating_rows(tmp_path, database_url, db,
                                                            resolution, remaining):
    spec = tmp_path / "schema.yaml"
    spec.write_text(ORPHAN_BASE)
    api.push(spec, database_url)
    db.execute("INSERT INTO customers VALUES (1)")
    db.execute("INSERT INTO orders VALUES (1, 1), (2, 7), (3, 8), (4, NULL)")
    spec.write_text(ORPHAN_BASE.replace(
        "      customer_id: integer",
        f"      customer_id: {{type: integer, references: customers.id, orphans: {resolution}}}"))
    plan = api.plan(spec, database_url)
    [finding] = plan.findings
    assert finding.count == 2 and not finding.check.blocking
    assert plan.blocking_findings == ()
    api.push(spec, database_url)
    assert db.execute("SELECT id, customer_id FROM orders ORDER BY id").fetchall() == remaining
    assert api.plan(spec, database_url).is_empty

"""Drift made by hand outside pgwright: `check` reports it (exit 2), `push` and
`generate` + `apply` repair it, and afterwards `check` passes (exit 0)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pgwright import api
from pgwright.cli import main

SPEC = """\
version: 1
tables:
  organizations:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      name: {type: text, nullable: false}
  customers:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      organization_id: {type: uuid, nullable: false, references: organizations.id, on_delete: cascade}
      email: text
    indexes:
      - columns: [organization_id]
  orders:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      organization_id: {type: uuid, nullable: false, references: organizations.id, on_delete: cascade}
      customer_id: {type: uuid, nullable: false, references: customers.id, on_delete: cascade}
    indexes:
      - columns: [organization_id]
"""

DRIFTS = {
    "fk_dropped": ("ALTER TABLE orders DROP CONSTRAINT orders_organization_id_fkey",
                   "orders_organization_id_fkey"),
    "on_delete_changed": ("ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey, "
                          "ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) "
                          "REFERENCES customers (id) ON DELETE RESTRICT",
                          "orders_customer_id_fkey"),
    "index_dropped": ("DROP INDEX customers_organization_id_idx",
                      "customers_organization_id_idx"),
    "column_added": ("ALTER TABLE customers ADD COLUMN nickname text", "nickname"),
    "column_removed": ("ALTER TABLE customers DROP COLUMN email", "email"),
}


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Path:
    (tmp_path / "schema.yaml").write_text(SPEC)
    (tmp_path / "migrations").mkdir()  # --migrations must name a folder that exists
    api.push(tmp_path / "schema.yaml", database_url)
    return tmp_path


def run(project: Path, database_url: str, *args: str):
    return CliRunner().invoke(main, [*args, "-s", str(project / "schema.yaml"), "--db", database_url,
                                     "--migrations", str(project / "migrations")])


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_check_reports_drift_and_push_repairs_it(drift, project, database_url, db):
    sql, mentioned = DRIFTS[drift]
    assert run(project, database_url, "check").exit_code == 0
    db.execute(sql)

    reported = run(project, database_url, "check")
    assert reported.exit_code == 2
    assert mentioned in reported.output

    assert run(project, database_url, "push", "--yes", "--allow-destructive").exit_code == 0
    assert run(project, database_url, "check").exit_code == 0


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_generate_and_apply_repair_drift(drift, project, database_url, db):
    db.execute(DRIFTS[drift][0])

    generated = run(project, database_url, "generate", "-m", f"repair {drift}")
    assert generated.exit_code == 0, generated.output
    assert (project / "migrations" / "versions").glob("0001_repair_*.sql")

    applied = run(project, database_url, "apply", "--allow-destructive")
    assert applied.exit_code == 0, applied.output
    assert run(project, database_url, "check").exit_code == 0


def test_check_json_lists_each_drifted_object(project, database_url, db):
    import json

    db.execute(DRIFTS["fk_dropped"][0])
    db.execute(DRIFTS["index_dropped"][0])
    result = run(project, database_url, "check", "--json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    subjects = {operation["subject"] for operation in document["operations"]}
    assert subjects == {"public.orders.orders_organization_id_fkey",
                        "public.customers_organization_id_idx"}

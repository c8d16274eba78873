"""Running migrations: history, atomicity, idempotency and concurrency, on a real server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pgwright import api
from pgwright.apply import read_current_revision, write_migration
from pgwright.cli import main
from pgwright.errors import MigrationError
from tests.pgcatalog import catalog_snapshot, table_names

SPEC_V1 = """\
version: 1
tables:
  customers:
    columns:
      id: {type: integer, primary_key: true}
      email: text
"""

SPEC_V2 = SPEC_V1 + """\
  orders:
    columns:
      id: {type: integer, primary_key: true}
      customer_id: {type: integer, references: customers.id, on_delete: cascade}
    indexes:
      - columns: [customer_id]
"""


def test_generate_apply_check_cycle(tmp_path: Path, database_url: str, db):
    spec, migrations = tmp_path / "schema.yaml", tmp_path / "migrations"
    spec.write_text(SPEC_V1)
    first, _ = api.generate(spec, database_url, migrations, "create customers")
    assert first.sql_path.name == "0001_create_customers.sql"
    assert first.sql_path.with_suffix(".py").exists()

    # The migration is not applied yet; generate diffs against the database as it will be
    # once it is, so nothing is written twice.
    assert api.generate(spec, database_url, migrations, "again")[0] is None
    assert table_names(db) == []

    assert [m.revision for m in api.apply(database_url, migrations)] == ["0001"]
    assert read_current_revision(db) == "0001"
    assert api.check(spec, database_url).is_empty
    assert api.generate(spec, database_url, migrations, "nothing")[0] is None

    spec.write_text(SPEC_V2)
    second, _ = api.generate(spec, database_url, migrations, "add orders")
    assert second is not None
    assert second.revision == "0002"
    assert "down_revision = '0001'" in second.sql_path.with_suffix(".py").read_text()
    assert [m.revision for m in api.apply(database_url, migrations)] == ["0002"]
    assert api.apply(database_url, migrations) == []
    assert table_names(db) == ["customers", "orders"]


def test_generated_migration_runs_twice_without_change(tmp_path: Path, database_url: str, db):
    spec, migrations = tmp_path / "schema.yaml", tmp_path / "migrations"
    spec.write_text(SPEC_V2)
    migration, _ = api.generate(spec, database_url, migrations, "initial")
    sql = migration.sql_path.read_text()
    db.execute(sql)
    before = catalog_snapshot(db)
    db.execute(sql)
    assert catalog_snapshot(db) == before


def test_migration_runs_on_partially_migrated_database(tmp_path: Path, database_url: str, db):
    spec, migrations = tmp_path / "schema.yaml", tmp_path / "migrations"
    spec.write_text(SPEC_V2)
    migration, _ = api.generate(spec, database_url, migrations, "initial")
    # Someone already created one of the tables, with its primary key, by hand.
    db.execute("CREATE TABLE customers (id integer PRIMARY KEY, email text)")
    api.apply(database_url, migrations)
    assert api.check(spec, database_url).is_empty


def _failing_migration(migrations: Path) -> None:
    statements = [
        "CREATE TABLE audit_a (id integer PRIMARY KEY)",
        "CREATE TABLE audit_b (id integer PRIMARY KEY)",
        "ALTER TABLE audit_a ADD COLUMN note text",
        "CREATE INDEX audit_a_note_idx ON audit_a (note)",
        "ALTER TABLE no_such_table ADD COLUMN boom integer",  # the fifth statement fails
        "CREATE TABLE audit_c (id integer PRIMARY KEY)",
    ]
    write_migration(migrations, "fails midway", ";\n".join(statements) + ";\n")


def test_failing_migration_leaves_database_exactly_as_before(tmp_path: Path, database_url: str,
                                                            db):
    migrations = tmp_path / "migrations"
    write_migration(migrations, "base", "CREATE TABLE base (id integer PRIMARY KEY);\n")
    api.apply(database_url, migrations)
    _failing_migration(migrations)
    before = catalog_snapshot(db)

    with pytest.raises(MigrationError, match=r"0002_fails_midway failed at statement 5 of 6 \(line 5: "
                       r"ALTER TABLE no_such_table .*\nIt was rolled back"):
        api.apply(database_url, migrations)

    assert catalog_snapshot(db) == before
    assert read_current_revision(db) == "0001"


def test_failing_migration_cli_exit_code(tmp_path: Path, database_url: str):
    migrations = tmp_path / "migrations"
    _failing_migration(migrations)
    result = CliRunner().invoke(main, ["apply", "--db", database_url, "--migrations",
                                       str(migrations)])
    assert result.exit_code == 1
    assert "no_such_table" in result.output


def test_concurrent_applies_run_each_migration_once(tmp_path: Path, database_url: str, db):
    migrations = tmp_path / "migrations"
    # Not idempotent on purpose: a second run would insert a second row.
    write_migration(migrations, "log", "CREATE TABLE apply_log (applied_at timestamptz);\n"
                    "SELECT pg_sleep(1);\nINSERT INTO apply_log VALUES (now());\n")
    write_migration(migrations, "more", "INSERT INTO apply_log VALUES (now());\n")
    command = [sys.executable, "-m", "pgwright.cli", "apply", "--db", database_url,
               "--migrations", str(migrations)]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    results = [(p.wait(timeout=60), p.stderr.read()) for p in processes]

    assert [code for code, _ in results] == [0, 0], results
    assert db.execute("SELECT count(*) FROM apply_log").fetchone()[0] == 2
    outputs = sorted(err for _, err in results)
    assert "up to date" in outputs[1] or "up to date" in outputs[0]


def test_apply_sql_prints_pending_migrations_without_running_them(tmp_path, database_url, db):
    migrations = tmp_path / "migrations"
    write_migration(migrations, "base", "CREATE TABLE base (id integer PRIMARY KEY);\n")
    result = CliRunner().invoke(main, ["apply", "--sql", "--db", database_url, "--migrations",
                                       str(migrations)])
    assert result.exit_code == 0
    assert "CREATE TABLE base" in result.stdout
    assert table_names(db) == []


def test_alembic_upgrade_head_runs_pgwright_migrations(tmp_path: Path, database_url: str, db):
    (tmp_path / "schema.yaml").write_text(SPEC_V2)
    api.generate(tmp_path / "schema.yaml", database_url, tmp_path / "migrations", "initial")
    assert (tmp_path / "alembic.ini").exists()
    result = subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=tmp_path,
                            env={**__import__("os").environ, "DATABASE_URL": database_url},
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert read_current_revision(db) == "0001"
    assert api.check(tmp_path / "schema.yaml", database_url).is_empty


def test_generate_diffs_against_pending_migrations(tmp_path: Path, database_url: str, db):
    spec, migrations = tmp_path / "schema.yaml", tmp_path / "migrations"
    spec.write_text(SPEC_V1)
    api.generate(spec, database_url, migrations, "create customers")
    spec.write_text(SPEC_V2)
    second, plan = api.generate(spec, database_url, migrations, "add orders")
    assert "CREATE TABLE IF NOT EXISTS public.customers" not in second.sql_path.read_text()
    assert "CREATE TABLE IF NOT EXISTS public.orders" in second.sql_path.read_text()
    assert table_names(db) == []  # the replay was rolled back
    api.apply(database_url, migrations)
    assert api.check(spec, database_url).is_empty


def test_a_failure_that_only_quotes_the_preflight_message_is_an_error_not_a_refusal(
        tmp_path: Path, database_url: str):
    # Apply tells a preflight refusal (exit 3) by the server error's SQLSTATE and primary
    # message, not by the text of the failure, which quotes the failing statement.
    migrations = tmp_path / "migrations"
    write_migration(migrations, "quotes", "CREATE TABLE t (n integer CHECK (n > 0));\n"
                    "INSERT INTO t VALUES (-1) /* pgwright preflight: 1 row(s) */;\n")

    result = CliRunner().invoke(main, ["apply", "--db", database_url, "--migrations",
                                       str(migrations)])

    assert result.exit_code == 1, result.output
    assert "violates check constraint" in result.output

"""Data-safe migrations on a real server with data: online DDL, destructive-change guard,
lock timeouts."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from pgwright import api
from pgwright.cli import main
from pgwright.errors import MigrationError, UnsafePlanError
from pgwright.runner import LockPolicy
from tests.pgcatalog import catalog_snapshot, table_names

BASE = """\
version: 1
tables:
  customers:
    columns:
      id: {type: integer, primary_key: true}
      email: text
  orders:
    columns:
      id: {type: integer, primary_key: true}
      customer_id: integer
"""

WITH_FK = BASE.replace("      customer_id: integer",
                       "      customer_id: {type: integer, references: customers.id}")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schema.yaml"
    path.write_text(text)
    return path


def test_fk_on_existing_table_is_added_not_valid_then_validated(tmp_path, database_url, db):
    api.push(write(tmp_path, BASE), database_url)
    plan = api.plan(write(tmp_path, WITH_FK), database_url)
    sql = [s.sql for s in plan.statements]
    assert any("NOT VALID" in s for s in sql)
    validate = [s for s in plan.statements if "VALIDATE CONSTRAINT orders_customer_id_fkey" in s.sql]
    assert len(validate) == 1 and not validate[0].transactional
    api.push(tmp_path / "schema.yaml", database_url)
    assert db.execute("SELECT convalidated FROM pg_constraint "
                      "WHERE conname = 'orders_customer_id_fkey'").fetchone() == (True,)


def test_fk_on_new_table_is_plain(tmp_path, database_url):
    plan = api.plan(write(tmp_path, WITH_FK), database_url)
    assert not any("NOT VALID" in s.sql or "VALIDATE" in s.sql for s in plan.statements)


def test_index_on_existing_table_is_built_concurrently(tmp_path, database_url):
    api.push(write(tmp_path, BASE), database_url)
    spec = write(tmp_path, BASE + "    indexes:\n      - columns: [customer_id]\n")
    plan = api.plan(spec, database_url)
    create = [s for s in plan.statements if "CREATE INDEX" in s.sql]
    assert create[0].sql.startswith("CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx")
    assert not create[0].transactional
    api.push(spec, database_url)
    assert api.plan(spec, database_url).is_empty


def test_invalid_index_left_by_a_failed_concurrent_build_is_rebuilt(tmp_path, database_url, db):
    api.push(write(tmp_path, BASE), database_url)
    spec = write(tmp_path, BASE + "    indexes:\n      - {columns: [customer_id], unique: true}\n")
    db.execute("INSERT INTO orders VALUES (1, 7), (2, 7)")
    # A concurrent unique build over duplicates fails and leaves an INVALID index behind.
    with pytest.raises(psycopg.errors.UniqueViolation):
        db.execute("CREATE UNIQUE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id)")
    db.execute("DELETE FROM orders WHERE id = 2")
    assert db.execute("SELECT indisvalid FROM pg_index "
                      "WHERE indexrelid = 'orders_customer_id_idx'::regclass").fetchone() == (False,)

    plan = api.plan(spec, database_url)
    assert "public.orders_customer_id_idx" in {o.subject for o in plan.operations}
    api.push(spec, database_url)
    assert db.execute("SELECT indisvalid FROM pg_index "
                      "WHERE indexrelid = 'orders_customer_id_idx'::regclass").fetchone() == (True,)
    assert api.plan(spec, database_url).is_empty


def test_migration_sql_rebuilds_an_invalid_leftover_when_run_again(tmp_path, database_url, db):
    api.push(write(tmp_path, BASE), database_url)
    spec = write(tmp_path, BASE + "    indexes:\n      - {columns: [customer_id], unique: true}\n")
    api.generate(spec, database_url, tmp_path / "migrations", "unique customer")
    # An earlier run of this migration was interrupted mid-build: an INVALID index is left.
    db.execute("INSERT INTO orders VALUES (1, 7), (2, 7)")
    with pytest.raises(psycopg.errors.UniqueViolation):
        db.execute("CREATE UNIQUE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id)")
    db.execute("DELETE FROM orders WHERE id = 2")
    api.apply(database_url, tmp_path / "migrations")  # the leftover is dropped, then rebuilt
    assert db.execute("SELECT indisvalid FROM pg_index "
                      "WHERE indexrelid = 'orders_customer_id_idx'::regclass").fetchone() == (True,)
    assert api.check(spec, database_url).is_empty


def test_not_null_on_existing_column_goes_through_a_validated_check(tmp_path, database_url, db):
    api.push(write(tmp_path, BASE), database_url)
    db.execute("INSERT INTO customers VALUES (1, 'a@example.com')")
    spec = write(tmp_path, BASE.replace("      email: text", "      email: {type: text, nullable: false}"))
    plan = api.plan(spec, database_url)
    sql = plan.sql()
    assert sql.index("CHECK (email IS NOT NULL) NOT VALID") < sql.index("VALIDATE CONSTRAINT") \
        < sql.index("SET NOT NULL") < sql.index("DROP CONSTRAINT IF EXISTS customers_email_not_null")
    api.push(spec, database_url)
    assert api.plan(spec, database_url).is_empty
    assert db.execute("SELECT count(*) FROM pg_constraint WHERE conname = "
                      "'customers_email_not_null'").fetchone() == (0,)


def test_destructive_push_is_refused_with_exit_3_and_nothing_changes(tmp_path, database_url, db):
    api.push(write(tmp_path, BASE), database_url)
    spec = write(tmp_path, BASE.replace("      email: text\n", ""))
    before = catalog_snapshot(db)
    with pytest.raises(UnsafePlanError, match="drop column public.customers.email"):
        api.push(spec, database_url)
    result = CliRunner().invoke(main, ["push", "--yes", "-s", str(spec), "--db", database_url])
    assert result.exit_code == 3
    assert catalog_snapshot(db) == before
    ok = CliRunner().invoke(main, ["push", "--yes", "--allow-destructive", "-s", str(spec),
                                   "--db", database_url])
    assert ok.exit_code == 0, ok.output
    assert api.plan(spec, database_url).is_empty


def test_destructive_migration_is_refused_by_apply_unless_allowed(tmp_path, database_url, db):
    migrations = tmp_path / "migrations"
    spec = write(tmp_path, BASE)
    api.generate(spec, database_url, migrations, "base")
    api.apply(database_url, migrations)
    write(tmp_path, BASE.replace("  orders:\n    columns:\n      id: {type: integer, primary_key: true}\n"
                                 "      customer_id: integer\n", ""))
    migration, _ = api.generate(spec, database_url, migrations, "drop orders")
    text = migration.sql_path.read_text()
    assert "WARNING: 1 DESTRUCTIVE change(s)" in text and "DROP TABLE IF EXISTS public.orders" in text

    result = CliRunner().invoke(main, ["apply", "--db", database_url, "--migrations", str(migrations)])
    assert result.exit_code == 3
    assert "0002_drop_orders" in result.output
    assert table_names(db) == ["customers", "orders"]
    result = CliRunner().invoke(main, ["apply", "--allow-destructive", "--db", database_url,
                                       "--migrations", str(migrations)])
    assert result.exit_code == 0
    assert table_names(db) == ["customers"]


def test_replacing_a_constraint_is_not_destructive(tmp_path, database_url):
    api.push(write(tmp_path, WITH_FK), database_url)
    spec = write(tmp_path, WITH_FK.replace("references: customers.id}",
                                           "references: customers.id, on_delete: cascade}"))
    plan = api.plan(spec, database_url)
    assert not any(o.destructive for o in plan.operations)
    api.push(spec, database_url)


def hold_lock(url: str, table: str, seconds: float) -> threading.Thread:
    started = threading.Event()

    def holder():
        with psycopg.connect(url) as connection:
            # what an open writing transaction holds: reads go on, DDL has to wait
            connection.execute(f"LOCK TABLE {table} IN ROW EXCLUSIVE MODE")
            started.set()
            time.sleep(seconds)
            connection.rollback()

    thread = threading.Thread(target=holder)
    thread.start()
    started.wait(10)
    return thread


def test_lock_timeout_is_retried_then_succeeds(tmp_path, database_url):
    api.push(write(tmp_path, BASE), database_url)
    spec = write(tmp_path, WITH_FK)
    holder = hold_lock(database_url, "orders", 0.6)
    policy = LockPolicy(timeout="200ms", retries=5, backoff_seconds=0.1)
    api.push(spec, database_url, lock_policy=policy)  # waits out the long transaction
    holder.join()
    assert api.plan(spec, database_url).is_empty


def test_lock_timeout_fails_cleanly_after_bounded_retries(tmp_path, database_url, db):
    api.push(write(tmp_path, BASE), database_url)
    spec = write(tmp_path, WITH_FK)
    before = catalog_snapshot(db)
    holder = hold_lock(database_url, "orders", 3)
    policy = LockPolicy(timeout="100ms", retries=2, backoff_seconds=0.05)
    started = time.monotonic()
    with pytest.raises(MigrationError, match="gave up after 3 attempts.*lock_timeout 100ms"):
        api.push(spec, database_url, lock_policy=policy)
    assert time.monotonic() - started < 2.5
    holder.join()
    assert catalog_snapshot(db) == before


def test_generated_migrations_set_lock_timeout(tmp_path, database_url):
    migration, _ = api.generate(write(tmp_path, BASE), database_url, tmp_path / "m", "base")
    assert "SET lock_timeout = '5s';" in migration.sql_path.read_text()


def test_lock_options_on_the_command_line_govern_push(tmp_path, database_url, db):
    api.push(write(tmp_path, BASE), database_url)
    spec = write(tmp_path, WITH_FK)
    before = catalog_snapshot(db)
    holder = hold_lock(database_url, "orders", 3)
    result = CliRunner().invoke(main, ["push", "--yes", "-s", str(spec), "--db", database_url,
                                       "--lock-timeout", "150ms", "--lock-retries", "1"])
    holder.join()
    assert result.exit_code == 1
    assert "gave up after 2 attempts" in result.output and "lock_timeout 150ms" in result.output
    assert catalog_snapshot(db) == before


def test_generate_writes_the_lock_timeout_it_is_given_and_apply_runs_under_it(
        tmp_path, database_url, db):
    migrations = tmp_path / "migrations"
    api.push(write(tmp_path, BASE), database_url)
    spec = write(tmp_path, WITH_FK)
    result = CliRunner().invoke(main, ["generate", "-m", "fk", "-s", str(spec), "--db", database_url,
                                       "--migrations", str(migrations), "--lock-timeout", "120ms"])
    assert result.exit_code == 0, result.output
    (sql,) = migrations.rglob("*.sql")
    assert "SET lock_timeout = '120ms';" in sql.read_text()

    before = catalog_snapshot(db)
    holder = hold_lock(database_url, "orders", 3)
    # apply's own --lock-timeout is only for files that set none: this one sets 120ms.
    result = CliRunner().invoke(main, ["apply", "--db", database_url, "--migrations",
                                       str(migrations), "--lock-retries", "0",
                                       "--lock-timeout", "10s"])
    holder.join()
    assert result.exit_code == 1
    assert "gave up after 1 attempt:" in result.output and "lock_timeout 120ms" in result.output
    assert catalog_snapshot(db) == before


@pytest.mark.parametrize("value", ["soon", "5 parsecs", "-1s", ""])
def test_a_lock_timeout_that_is_not_a_duration_is_a_usage_error(tmp_path, value):
    result = CliRunner().invoke(main, ["push", "--lock-timeout", value, "--db", "postgresql://x/y",
                                       "-s", str(tmp_path / "schema.yaml")])
    assert result.exit_code == 64
    assert "--lock-timeout" in result.output


ORPHANS = [(1, 10), (2, 11), (3, None)]


def with_orphans(tmp_path, database_url, db) -> Path:
    api.push(write(tmp_path, BASE), database_url)
    db.execute("INSERT INTO customers VALUES (10, 'a@example.com')")
    db.execute("INSERT INTO orders VALUES (1, 10), (2, 11), (3, NULL), (4, 12), (5, 11)")
    return write(tmp_path, WITH_FK)


def test_plan_reports_orphans_with_counts_and_samples_and_exits_3(tmp_path, database_url, db):
    spec = with_orphans(tmp_path, database_url, db)
    plan = api.plan(spec, database_url)
    [finding] = plan.findings
    assert (finding.check.code, finding.count) == ("orphaned-rows", 3)
    assert sorted(finding.samples) == [(11,), (12,)]
    result = CliRunner().invoke(main, ["plan", "-s", str(spec), "--db", database_url])
    assert result.exit_code == 3
    assert "orders_customer_id_fkey" in result.stderr and "11, 12" in result.stderr.replace("12, 11", "11, 12")


def test_a_new_generated_expression_is_not_destructive_and_keeps_what_rests_on_the_column(
        tmp_path, database_url, db):
    generated = BASE.replace("      email: text", "      email: text\n"
                             "      domain: {type: text, generated: \"split_part(email, '@', 2)\"}\n"
                             "    indexes:\n"
                             "      - columns: [domain]")
    api.push(write(tmp_path, generated), database_url)
    db.execute("INSERT INTO customers VALUES (1, 'a@example.com')")
    lower = generated.replace("split_part(email, '@', 2)", "lower(split_part(email, '@', 2))")
    api.push(write(tmp_path, lower), database_url)  # no allow_destructive needed
    assert api.plan(tmp_path / "schema.yaml", database_url).is_empty
    assert db.execute("SELECT domain FROM customers").fetchall() == [("example.com",)]
    assert db.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'customers_domain_idx'"
                      ).fetchone() == (1,)


def test_a_policy_rebuilt_around_a_generated_column_is_no_access_change(tmp_path, database_url):
    spec = BASE.replace("      email: text", "      email: text\n"
                        "      domain: {type: text, generated: \"split_part(email, '@', 2)\"}\n"
                        "    rls:\n"
                        "      enabled: true\n"
                        "      policies:\n"
                        "        same_domain: {command: select, using: \"domain <> ''\"}")
    api.push(write(tmp_path, spec), database_url)
    changed = spec.replace("split_part(email, '@', 2)", "lower(split_part(email, '@', 2))")
    plan = api.plan(write(tmp_path, changed), database_url)
    assert {type(o).__name__ for o in plan.operations} >= {"DropPolicy", "CreatePolicy"}
    assert [o for o in plan.operations if o.security is not None] == []
    assert not plan.destructive
    api.push(tmp_path / "schema.yaml", database_url)
    assert api.plan(tmp_path / "schema.yaml", database_url).is_empty


def test_a_validated_foreign_key_given_a_new_on_delete_rule_is_not_counted_again(
        tmp_path, database_url, db):
    api.push(write(tmp_path, WITH_FK), database_url)
    db.execute("INSERT INTO customers VALUES (10, 'a@example.com')")
    db.execute("INSERT INTO orders VALUES (1, 10)")
    cascade = WITH_FK.replace("references: customers.id}", "references: customers.id, "
                              "on_delete: cascade}")
    plan = api.plan(write(tmp_path, cascade), database_url)
    assert plan.findings == () and "pgwright preflight" not in plan.sql()
    assert "ON DELETE CASCADE" in plan.sql()


def test_a_foreign_key_not_yet_validated_is_still_counted_when_rebuilt(tmp_path, database_url, db):
    api.push(write(tmp_path, BASE), database_url)
    db.execute("INSERT INTO orders VALUES (1, 11)")
    db.execute("ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY "
               "(customer_id) REFERENCES customers (id) NOT VALID")
    cascade = WITH_FK.replace("references: customers.id}", "references: customers.id, "
                              "on_delete: cascade}")
    [finding] = api.plan(write(tmp_path, cascade), database_url).findings
    assert (finding.check.code, finding.count) == ("orphaned-rows", 1)


def test_push_refuses_orphans_and_changes_nothing(tmp_path, database_url, db):
    spec = with_orphans(tmp_path, database_url, db)
    before = catalog_snapshot(db)
    with pytest.raises(UnsafePlanError) as refused:
        api.push(spec, database_url)
    assert refused.value.findings[0].count == 3
    result = CliRunner().invoke(main, ["push", "--yes", "-s", str(spec), "--db", database_url])
    assert result.exit_code == 3
    assert catalog_snapshot(db) == before


def test_generated_migration_carries_the_check_and_refuses_on_apply(tmp_path, database_url, db):
    migrations = tmp_path / "migrations"
    api.generate(write(tmp_path, BASE), database_url, migrations, "base")
    api.apply(database_url, migrations)
    migration, _ = api.generate(write(tmp_path, WITH_FK), database_url, migrations, "fk")
    assert "pgwright preflight:" in migration.sql_path.read_text()
    # Orphans arrive after the migration was written: apply refuses, exit 3, nothing applied.
    db.execute("INSERT INTO orders VALUES (1, 99)")
    before = catalog_snapshot(db)
    result = CliRunner().invoke(main, ["apply", "--db", database_url, "--migrations", str(migrations)])
    assert result.exit_code == 3, result.output
    assert "1 row(s) of public.orders would violate orders_customer_id_fkey" in result.output
    assert catalog_snapshot(db) == before
    # psql runs it the same way: the guard raises before anything changes
    with pytest.raises(psycopg.errors.CheckViolation, match="pgwright preflight"):
        db.execute(migration.sql_path.read_text())


@pytest.mark.parametrize("change, code, count", [
    ("      email: {type: text, nullable: false}", "null-values", 2),
    ("      email: {type: text, unique: true}", "duplicate-keys", 1),
])
def test_not_null_and_unique_on_violating_data_are_refused(tmp_path, database_url, db, change,
                                                           code, count):
    api.push(write(tmp_path, BASE), database_url)
    db.execute("INSERT INTO customers VALUES (1, NULL), (2, NULL), (3, 'x'), (4, 'x')")
    spec = write(tmp_path, BASE.replace("      email: text", change))
    [finding] = api.plan(spec, database_url).findings
    assert (finding.check.code, finding.count) == (code, count)


def test_check_on_violating_rows_is_refused(tmp_path, database_url, db):
    api.push(write(tmp_path, BASE), database_url)
    db.execute("INSERT INTO customers VALUES (1, 'no-at-sign'), (2, 'a@b'), (3, NULL)")
    spec = write(tmp_path, BASE + "    checks:\n      email_has_at: \"position('@' in email) > 1\"\n"
                 .replace("    checks", "  customers_x:\n    columns: {id: integer}\n    checks")
                 if False else BASE.replace("      email: text\n", "      email: text\n    checks:\n"
                                            "      email_has_at: \"position('@' in email) > 1\"\n"))
    [finding] = api.plan(spec, database_url).findings
    assert (finding.check.code, finding.count) == ("failing-check", 1)

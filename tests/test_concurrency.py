"""Concurrent runs serialize (issue 11, section 2).

Every apply and push takes one advisory lock, waiting for it without holding a transaction
open: a waiter blocked inside ``SELECT pg_advisory_lock`` would hold a snapshot, and the
``CREATE INDEX CONCURRENTLY`` of the run holding the lock waits for every older snapshot.
Each test starts eight real ``pgwright`` processes at once against one database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from pgwright import api
from pgwright.apply import write_migration
from pgwright.runner import LockPolicy
from pgwright.sqlscript import NO_TRANSACTION_MARKER

RUNS = 8


def _run_at_once(arguments: list[str], cwd: Path) -> list[subprocess.CompletedProcess]:
    environment = {**os.environ, "PGWRIGHT_CACHE_DIR": ""}
    processes = [subprocess.Popen([sys.executable, "-m", "pgwright.cli", *arguments], cwd=cwd,
                                  env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
                 for _ in range(RUNS)]
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr))
    return results


SPEC = """\
version: 1
enums:
  status: [new, paid]
tables:
  organizations:
    columns:
      id: {type: integer, primary_key: true}
  invoices:
    columns:
      id: {type: integer, primary_key: true}
      organization_id: {type: integer, references: organizations.id, on_delete: cascade}
      status: {type: status, default: "'new'"}
    indexes:
      - columns: [organization_id, status]
"""


def test_eight_pushes_at_once_each_succeed_and_build_the_schema_once(database_url, tmp_path):
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    results = _run_at_once(["push", "--yes", "-s", str(spec), "--db", database_url], tmp_path)
    assert [r.returncode for r in results] == [0] * RUNS, [r.stderr for r in results]
    assert api.plan(spec, database_url).is_empty


def test_eight_applies_at_once_run_each_migration_exactly_once(db, database_url, tmp_path):
    db.execute("CREATE TABLE events (id integer); "
               "INSERT INTO events SELECT generate_series(1, 10000)")
    migrations = tmp_path / "migrations"
    # An online index build: it waits for every transaction older than itself, which is
    # what made waiting applies and the running one deadlock.
    # The pause lets every other apply reach its wait for the lock before the build starts.
    write_migration(migrations, "index events", "SELECT pg_sleep(2);\n\n"
                    f"{NO_TRANSACTION_MARKER}\n"
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS events_id ON events (id);\n")
    write_migration(migrations, "log the run", "CREATE TABLE IF NOT EXISTS runs (at timestamptz);\n"
                    "INSERT INTO runs VALUES (now());\n")
    results = _run_at_once(["apply", "--db", database_url, "--migrations", str(migrations)],
                           tmp_path)
    assert [r.returncode for r in results] == [0] * RUNS, [r.stderr for r in results]
    assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    assert db.execute("SELECT indisvalid FROM pg_index "
                      "WHERE indexrelid = 'events_id'::regclass").fetchone()[0]


def test_a_push_waits_while_another_run_holds_the_lock(db, database_url, tmp_path):
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    with psycopg.connect(database_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(x'70677772'::int)")
        waiting = subprocess.Popen(
            [sys.executable, "-m", "pgwright.cli", "push", "--yes", "-s", str(spec),
             "--db", database_url], cwd=tmp_path, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env={**os.environ, "PGWRIGHT_CACHE_DIR": ""})
        try:
            waiting.wait(timeout=3)
            raise AssertionError("push ran while another run held the lock")
        except subprocess.TimeoutExpired:
            pass
        assert db.execute("SELECT to_regclass('public.invoices')").fetchone()[0] is None
        holder.execute("SELECT pg_advisory_unlock(x'70677772'::int)")
        _, stderr = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, stderr
    assert api.plan(spec, database_url).is_empty


def _push_or_apply(how: str, spec_yaml: str, sql: str, tmp_path: Path, database_url: str,
                   policy: LockPolicy):
    """A callable making the same change by ``push`` of a spec or ``apply`` of a migration."""
    if how == "push":
        spec = tmp_path / "schema.yaml"
        spec.write_text(spec_yaml)
        return lambda: api.push(spec, database_url, lock_policy=policy)
    migrations = tmp_path / "migrations"
    write_migration(migrations, "add notes", sql)
    return lambda: api.apply(database_url, migrations, lock_policy=policy)


def _longest_reader_wait(database_url: str, reading: str, run, seconds: float,
                         blockers: list[tuple[str, float]]) -> float:
    """Run ``run`` in a thread while each ``(table, seconds)`` blocker holds an ACCESS
    EXCLUSIVE lock on its table for that long, and a reader runs ``reading`` in a loop;
    the reader's longest wait. ``run`` must succeed once the blockers are gone."""
    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            run()
            outcome.append(None)
        except BaseException as error:  # reported by the assertion below
            outcome.append(error)

    holders = [psycopg.connect(database_url) for _ in blockers]
    try:
        for holder, (table, _) in zip(holders, blockers):
            holder.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        releases = [threading.Timer(held, holder.rollback)
                    for holder, (_, held) in zip(holders, blockers)]
        for release in releases:
            release.start()
        longest = 0.0
        with psycopg.connect(database_url, autocommit=True) as reader:
            running = threading.Thread(target=target)
            running.start()
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                started = time.monotonic()
                reader.execute(reading).fetchone()
                longest = max(longest, time.monotonic() - started)
                time.sleep(0.02)
            for release in releases:
                release.join()
            running.join(timeout=30)
    finally:
        for holder in holders:
            holder.close()
    assert outcome == [None]
    return longest


NOTES_SPEC = ("version: 1\ntables:\n" + "".join(
    f"  {table}:\n    columns: {{id: {{type: integer, primary_key: true}}, note: text}}\n"
    for table in ("accounts", "invoices", "orders")))
# In the order a plan alters them too.
NOTES_SQL = "".join(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS note text;\n"
                    for table in ("accounts", "invoices", "orders"))


@pytest.mark.parametrize("how", ["push", "apply"])
def test_a_run_waiting_on_a_lock_never_holds_up_readers_of_a_table_it_altered_earlier(
        how, db, database_url, tmp_path):
    """While ``orders`` is locked by another session, each lock timeout rolls back the
    whole transaction chunk, ``accounts`` included, before the wait: a reader of
    ``accounts`` waits about one lock_timeout at most, not all the attempts and backoff."""
    db.execute("CREATE TABLE accounts (id integer PRIMARY KEY); INSERT INTO accounts VALUES (1);"
               "CREATE TABLE orders (id integer PRIMARY KEY);"
               "CREATE TABLE invoices (id integer PRIMARY KEY)")
    policy = LockPolicy(timeout="1s", retries=3, backoff_seconds=0.5)
    run = _push_or_apply(how, NOTES_SPEC, NOTES_SQL, tmp_path, database_url, policy)
    longest = _longest_reader_wait(database_url, "SELECT count(*) FROM accounts", run,
                                   seconds=3.5, blockers=[("orders", 3.0)])
    assert longest < 1.5, f"a reader of accounts waited {longest:.2f} s"


@pytest.mark.parametrize("how", ["push", "apply"])
def test_the_lock_waits_of_one_chunk_share_one_lock_timeout(how, db, database_url, tmp_path):
    """``invoices`` is freed after 0.7 s, ``orders`` stays locked for 3 s: if each statement
    waited a whole lock_timeout of its own, a reader of ``accounts`` would wait 0.7 + 1 s."""
    db.execute("CREATE TABLE accounts (id integer PRIMARY KEY); INSERT INTO accounts VALUES (1);"
               "CREATE TABLE orders (id integer PRIMARY KEY);"
               "CREATE TABLE invoices (id integer PRIMARY KEY)")
    policy = LockPolicy(timeout="1s", retries=3, backoff_seconds=0.5)
    run = _push_or_apply(how, NOTES_SPEC, NOTES_SQL, tmp_path, database_url, policy)
    longest = _longest_reader_wait(database_url, "SELECT count(*) FROM accounts", run,
                                   seconds=3.5, blockers=[("invoices", 0.7), ("orders", 3.0)])
    assert longest < 1.4, f"a reader of accounts waited {longest:.2f} s"


def test_plain_alembic_upgrade_waits_for_the_lock_too(db, database_url, tmp_path):
    """``alembic upgrade head`` through the env.py pgwright writes takes the same lock."""
    migrations = tmp_path / "migrations"
    write_migration(migrations, "first", "CREATE TABLE first_table (id integer);\n")
    environment = {**os.environ, "DATABASE_URL": database_url}
    with psycopg.connect(database_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(x'70677772'::int)")
        upgrading = subprocess.Popen([sys.executable, "-m", "alembic", "upgrade", "head"],
                                     cwd=tmp_path, env=environment, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        try:
            upgrading.wait(timeout=3)
            raise AssertionError("alembic upgrade ran while another run held the lock")
        except subprocess.TimeoutExpired:
            pass
        assert db.execute("SELECT to_regclass('public.first_table')").fetchone()[0] is None
        holder.execute("SELECT pg_advisory_unlock(x'70677772'::int)")
        _, stderr = upgrading.communicate(timeout=60)
    assert upgrading.returncode == 0, stderr
    assert db.execute("SELECT to_regclass('public.first_table')").fetchone()[0] is not None


def test_a_terminated_apply_says_how_far_it_got_and_the_next_apply_resumes(db, database_url,
                                                                          tmp_path):
    db.execute("CREATE TABLE events (id integer)")
    migrations = tmp_path / "migrations"
    write_migration(migrations, "in two parts", (
        "CREATE TABLE IF NOT EXISTS first_part (id integer);\n"
        f"{NO_TRANSACTION_MARKER}\n"
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS events_id ON events (id);\n"
        # sleeps until a table says the test is done with the first apply
        "SELECT pg_sleep(30) WHERE to_regclass('public.resume') IS NULL;\n"
        "CREATE TABLE IF NOT EXISTS second_part (id integer);\n"))
    command = [sys.executable, "-m", "pgwright.cli", "apply", "--db", database_url,
               "--migrations", str(migrations)]
    environment = {**os.environ, "PGWRIGHT_CACHE_DIR": ""}
    applying = subprocess.Popen(command, cwd=tmp_path, env=environment, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()"
                         ).fetchall():
        assert time.monotonic() < deadline, "the apply never reached its third statement"
        time.sleep(0.1)
    _, stderr = applying.communicate(timeout=60)
    assert applying.returncode == 1
    assert "Traceback" not in stderr
    assert "0001_in_two_parts failed at statement 3 of 4" in stderr
    assert "first 2 statement(s) had committed" in " ".join(stderr.split())
    assert "run `pgwright apply` again" in " ".join(stderr.split())

    db.execute("CREATE TABLE resume ()")
    again = subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True,
                           text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert db.execute("SELECT to_regclass('public.second_part') IS NOT NULL").fetchone()[0]


def test_a_push_shows_and_runs_the_plan_made_once_it_holds_the_lock(db, database_url, tmp_path):
    """The summary a push prints is of the plan it runs: made under the lock, after the run
    it waited for, never a plan made before the wait."""
    spec = tmp_path / "schema.yaml"
    spec.write_text("version: 1\ntables:\n  notes:\n    columns:\n"
                    "      id: {type: integer, primary_key: true}\n")
    with psycopg.connect(database_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(x'70677772'::int)")
        waiting = subprocess.Popen(
            [sys.executable, "-m", "pgwright.cli", "push", "--yes", "-s", str(spec),
             "--db", database_url], cwd=tmp_path, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env={**os.environ, "PGWRIGHT_CACHE_DIR": ""})
        time.sleep(2)  # long enough for a push to plan before it waits
        holder.execute("CREATE TABLE notes (id integer PRIMARY KEY)")  # another run's work
        holder.execute("SELECT pg_advisory_unlock(x'70677772'::int)")
        stdout, stderr = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, stderr
    assert "nothing to do" in stderr
    assert "create table" not in (stdout + stderr).lower()

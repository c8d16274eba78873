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

from pgwright import api
from pgwright.apply import write_migration
from pgwright.render.sql import NO_TRANSACTION_MARKER
from pgwright.runner import LockPolicy

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


def test_a_push_waiting_on_a_lock_never_holds_up_readers_of_a_table_it_altered_earlier(
        db, database_url, tmp_path):
    """While ``orders`` is locked by another session, the push's lock timeouts roll back the
    whole transaction, ``accounts`` included, before each wait: a reader of ``accounts``
    waits at most about one lock_timeout, not all the attempts and their backoff."""
    db.execute("CREATE TABLE accounts (id integer PRIMARY KEY); "
               "CREATE TABLE orders (id integer PRIMARY KEY); INSERT INTO accounts VALUES (1)")
    spec = tmp_path / "schema.yaml"
    spec.write_text("version: 1\ntables:\n"
                    "  accounts:\n    columns: {id: {type: integer, primary_key: true}, note: text}\n"
                    "  orders:\n    columns: {id: {type: integer, primary_key: true}, note: text}\n")
    policy = LockPolicy(timeout="1s", retries=3, backoff_seconds=0.5)
    longest_wait = 0.0
    pushed: list[BaseException | None] = []

    def push() -> None:
        try:
            api.push(spec, database_url, lock_policy=policy)
            pushed.append(None)
        except BaseException as error:  # reported by the assertion below
            pushed.append(error)

    with psycopg.connect(database_url) as blocker, \
            psycopg.connect(database_url, autocommit=True) as reader:
        blocker.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE")
        pushing = threading.Thread(target=push)
        pushing.start()
        deadline = time.monotonic() + 3.5
        while time.monotonic() < deadline:
            started = time.monotonic()
            reader.execute("SELECT count(*) FROM accounts").fetchone()
            longest_wait = max(longest_wait, time.monotonic() - started)
            time.sleep(0.02)
        blocker.rollback()  # let the push through
        pushing.join(timeout=30)
    assert pushed == [None]
    assert longest_wait < 1.5, f"a reader of accounts waited {longest_wait:.2f} s"
    assert api.plan(spec, database_url).is_empty

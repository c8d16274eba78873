"""Running statements against a live database: transaction chunks, lock_timeout, retries.

Statements run in order. Consecutive transactional statements share one transaction; a
statement that cannot run inside one (CREATE INDEX CONCURRENTLY, a VALIDATE meant not to hold
locks) commits what came before and runs on its own. A statement that cannot get its lock
within ``lock_timeout`` fails its whole chunk, which is rolled back (releasing every lock the
chunk took) and retried a bounded number of times with backoff, then fails cleanly, so a
migration never queues behind a long transaction and blocks everyone behind it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from typing import TypeVar

from pgwright.errors import MigrationError
from pgwright.names import quote_literal


@dataclass(frozen=True)
class LockPolicy:
    """How long one statement may wait for a lock, and how often it is tried again."""

    timeout: str = "5s"
    retries: int = 3
    backoff_seconds: float = 0.5  # doubled after each attempt

    def __post_init__(self) -> None:
        if not _TIMEOUT.match(self.timeout):
            raise ValueError(f"lock timeout {self.timeout!r} is not a duration such as "
                             "500ms, 5s or 1min")
        if self.retries < 0:
            raise ValueError("lock retries cannot be negative")

    def set_sql(self) -> str:
        return f"SET lock_timeout = {quote_literal(self.timeout)}"

    @property
    def timeout_seconds(self) -> float:
        number, unit = _TIMEOUT.match(self.timeout).groups()
        return float(number) * _SECONDS_PER_UNIT[unit or "ms"]  # a bare number is in ms


# What PostgreSQL accepts for lock_timeout that we also want to accept: a number and a unit.
_TIMEOUT = re.compile(r"^(\d+(?:\.\d+)?)\s*(us|ms|s|min|h)?$")
_SECONDS_PER_UNIT = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "min": 60.0, "h": 3600.0}
# The SET a generated migration starts with (render: LockPolicy.set_sql).
SET_LOCK_TIMEOUT = re.compile(r"^\s*SET\s+lock_timeout\s*(?:=|TO)\s*'([^']*)'", re.IGNORECASE | re.MULTILINE)


DEFAULT_LOCK_POLICY = LockPolicy()

# pg_advisory_lock key shared by every pgwright apply and push: 'pgwr' as an integer.
ADVISORY_LOCK_KEY = 0x70677772
TRY_LOCK_SQL = f"SELECT pg_catalog.pg_try_advisory_lock({ADVISORY_LOCK_KEY})"
UNLOCK_SQL = f"SELECT pg_catalog.pg_advisory_unlock({ADVISORY_LOCK_KEY})"


@contextmanager
def holding_migration_lock(try_lock: Callable[[], bool], unlock: Callable[[], None],
                           poll_seconds: float = 0.1) -> Iterator[None]:
    """Hold the session-level advisory lock that serializes every apply and push.

    ``try_lock`` runs ``TRY_LOCK_SQL`` in a transaction of its own and ends it. The wait is
    a poll, not a blocking ``pg_advisory_lock``: a session blocked in that statement holds a
    snapshot all the while, and CREATE INDEX CONCURRENTLY, run by the session holding the
    lock, waits for every older snapshot: each would wait for the other (a deadlock).
    """
    while not try_lock():
        time.sleep(poll_seconds)
    try:
        yield
    except BaseException:
        # The run's own error is the one to report. When its connection died (a terminated
        # backend), unlocking fails too, and the server has released the lock already.
        with suppress(Exception):
            unlock()
        raise
    unlock()


def _is_lock_timeout(error: Exception) -> bool:
    return getattr(error, "sqlstate", None) == "55P03"  # lock_not_available


def with_lock_retries(run: Callable[[], None], policy: LockPolicy, describe: Callable[[], str],
                      attempt_scope: Callable[[], object] | None = None) -> None:
    """Run ``run``; on a lock timeout wait and try again, up to ``policy.retries`` times.

    ``describe()`` names what waited, for the message when it gives up (known only then:
    the statement of a chunk that was running).

    ``attempt_scope`` opens what one attempt runs inside (a savepoint, when already in a
    transaction), so a failed attempt leaves the transaction usable.
    """
    delay = policy.backoff_seconds
    for attempt in range(policy.retries + 1):
        try:
            if attempt_scope is None:
                run()
            else:
                with attempt_scope():
                    run()
            return
        except Exception as error:
            if not _is_lock_timeout(error):
                raise
            if attempt == policy.retries:
                raise MigrationError(
                    f"gave up after {_attempts(policy.retries + 1)}: could not get a lock within "
                    f"lock_timeout {policy.timeout} for: "
                    f"{describe()}; a long-running transaction "
                    "holds it (see pg_stat_activity / pg_locks)") from error
            time.sleep(delay)
            delay *= 2


def _attempts(count: int) -> str:
    return f"{count} attempt" + ("" if count == 1 else "s")


Item = TypeVar("Item")


def transaction_chunks(statements: Sequence[Item], transactional: Callable[[Item], bool]
                       ) -> Iterator[tuple[int, Sequence[Item]]]:
    """``(index of its first statement, chunk)`` for each run of consecutive transactional
    statements, and for each statement that runs on its own outside a transaction."""
    index, total = 0, len(statements)
    while index < total:
        start = index
        index += 1
        if transactional(statements[start]):
            while index < total and transactional(statements[index]):
                index += 1
        yield start, statements[start:index]


# A chunk's statements travel together: queued in psycopg's pipeline mode and sent with one
# sync per batch, so a chunk of a thousand statements costs a few round trips, not a
# thousand, and each result still comes back on its own (the failing statement is known).
BATCH_SIZE = 200

# The lock waits of one chunk share one lock_timeout, counted on the server, since the
# statements of a batch run there one after the other with no word from the client: the
# chunk's start is noted, and before each later statement lock_timeout is set (SET LOCAL:
# undone when the transaction or the savepoint ends) to what is left.
_NOTE_CHUNK_START = ("SELECT pg_catalog.set_config('pgwright.chunk_started', "
                     "pg_catalog.clock_timestamp()::text, true)")


def _lock_budget_sql(policy: LockPolicy) -> str:
    elapsed_ms = ("extract(epoch FROM pg_catalog.clock_timestamp() - pg_catalog.current_setting("
                  "'pgwright.chunk_started')::timestamptz) * 1000")
    left_ms = f"greatest(1, {int(policy.timeout_seconds * 1000)} - ({elapsed_ms})::bigint)"
    return f"SELECT pg_catalog.set_config('lock_timeout', {left_ms}::text || 'ms', true)"


def run_chunk(connection, sqls: Sequence[str], policy: LockPolicy,
              scope: Callable[[], AbstractContextManager] | None,
              on_statement: Callable[[int], None] | None = None) -> None:
    """Run one chunk's statements on a psycopg ``connection``, inside ``scope`` (a
    transaction, or a savepoint at the chunk's start; None for a statement that runs on its
    own outside one), retrying the whole chunk on a lock timeout.

    The failed attempt's rollback releases every lock the chunk took, so no other session
    waits through the backoff, and the chunk's lock waits share one ``lock_timeout``: a
    session queued behind a lock the chunk took early never waits much longer than one
    lock_timeout, however many of the chunk's statements wait in turn.
    ``on_statement(offset)`` is called for each statement that ran, also when a later one
    fails (so a caller knows which one did: the first not reported).
    """
    running = [sqls[0]]  # the statement being run, for the message if it gives up

    def attempt() -> None:
        if scope is None:  # on its own, outside a transaction: nothing to share a budget with
            for offset, sql in enumerate(sqls):
                running[0] = sql
                connection.execute(sql)
                if on_statement:
                    on_statement(offset)
            return
        cursors = []
        reported = 0
        try:
            with connection.pipeline() as pipeline:
                connection.execute(_NOTE_CHUNK_START)
                budget = _lock_budget_sql(policy)
                for offset, sql in enumerate(sqls):
                    if offset:
                        connection.execute(budget)
                    cursors.append(connection.execute(sql))
                    if len(cursors) % BATCH_SIZE == 0:
                        pipeline.sync()
                        reported = _report(cursors, reported, on_statement)
        finally:
            reported = _report(cursors, reported, on_statement)
            running[0] = sqls[min(reported, len(sqls) - 1)]

    with_lock_retries(attempt, policy, lambda: _first_line(running[0]), attempt_scope=scope)


def _report(cursors, reported: int, on_statement: Callable[[int], None] | None) -> int:
    """Call ``on_statement`` for the statements past ``reported`` whose result came back
    (in order: the first without one failed, or was never run); how many have now."""
    while reported < len(cursors) and cursors[reported].pgresult is not None:
        if on_statement:
            on_statement(reported)
        reported += 1
    return reported


def run_statements(connection, statements: Sequence, policy: LockPolicy = DEFAULT_LOCK_POLICY,
                   on_statement: Callable[[int, int], None] | None = None) -> None:
    """Run rendered statements in order on an autocommit psycopg connection.

    Consecutive transactional statements form one chunk, run in one transaction (see
    :func:`run_chunk` for how they travel and what a lock timeout does to them).
    """
    connection.execute(policy.set_sql())
    total = len(statements)
    for start, chunk in transaction_chunks(statements, lambda statement: statement.transactional):
        run_chunk(connection, [statement.sql for statement in chunk], policy,
                  connection.transaction if chunk[0].transactional else None,
                  on_statement and (lambda offset, start=start: on_statement(start + offset + 1, total)))


def _first_line(sql: str) -> str:
    line = sql.strip().splitlines()[0]
    return line if len(line) < 120 else line[:117] + "..."

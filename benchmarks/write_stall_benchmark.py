"""How long do writers stall while a foreign key and an index are added to a big, busy table?

Loads a 1,000,000-row ``orders`` table (and its ``customers`` parent) into a scratch database,
starts a client that writes to ``orders`` without pause, then adds a foreign key
``orders.customer_id -> customers.id`` and an index on ``orders (customer_id)`` in one of four
ways, and measures the writer's longest stall while that ran:

    baseline          no DDL at all: the noise floor of the machine
    naive             ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY and CREATE INDEX in one
                      transaction, as a hand-written migration does
    pgwright push     pgwright.api.push of a spec declaring the key and the index
    pgwright apply    the same change as a migration written by pgwright.api.generate (before
                      the writer starts), run by pgwright.api.apply

    python benchmarks/write_stall_benchmark.py                   # 1,000,000 rows, local server
    python benchmarks/write_stall_benchmark.py --rows 200000 --runs 5
    python benchmarks/write_stall_benchmark.py --url postgresql://me@db.example/postgres

See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import multiprocessing
import os
import random
import secrets
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import psycopg
from _common import DEFAULT_URL, milliseconds, progress, server_label

from pgwright import api, ops
from pgwright.connect import redact, with_database
from pgwright.planning import Plan

DEFAULT_ROWS = 1_000_000
CUSTOMERS = 10_000

# The target of issue 5: the verdict line compares pgwright's longest stall with it.
TARGET_STALL_SECONDS = 0.2

BASELINE_SECONDS = 5.0  # the baseline window: about as long as pgwright's own
WARM_UP_SECONDS = 1.0  # the writer runs this long before a window opens (prepared statements)
COOL_DOWN_SECONDS = 0.5  # and this long after it closes, so a write blocked till the end lands
WRITER_START_SECONDS = 60.0  # a writer that has not written by then has failed

FOREIGN_KEY = "orders_customer_id_fkey"
INDEX = "orders_customer_id_idx"

# The starting state: no foreign key, no index on customer_id. The primary key is added after
# the load, which is faster than maintaining it row by row.
CREATE_TABLES = (
    "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL)",
    "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY, customer_id bigint NOT NULL,"
    " amount numeric(12,2) NOT NULL DEFAULT 0, created_at timestamptz NOT NULL DEFAULT now())",
)
LOAD_ROWS = (
    "INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, %(customers)s) g",
    # Every customer_id exists (1..customers), so the foreign key validates.
    "INSERT INTO orders (customer_id, amount) SELECT 1 + (g * 7919) %% %(customers)s,"
    " (g %% 100000) / 100.0 FROM generate_series(1::bigint, %(rows)s) g",
    "ALTER TABLE orders ADD PRIMARY KEY (id)",
)

# What a hand-written migration does: both statements in one transaction.
NAIVE_STATEMENTS = (
    f"ALTER TABLE orders ADD CONSTRAINT {FOREIGN_KEY} FOREIGN KEY (customer_id)"
    " REFERENCES customers (id)",
    f"CREATE INDEX {INDEX} ON orders (customer_id)",
)

# The same tables as CREATE_TABLES, plus the foreign key and the index, in pgwright's format.
SPEC = f"""\
version: 1
schemas: [public]
tables:
  customers:
    columns:
      id: {{type: bigint, primary_key: true}}
      name: {{type: text, nullable: false}}
  orders:
    columns:
      id: {{type: bigint, primary_key: true, identity: always}}
      customer_id: {{type: bigint, nullable: false, references: customers.id}}
      amount: {{type: "numeric(12,2)", nullable: false, default: 0}}
      created_at: {{type: timestamptz, nullable: false, default: now()}}
    indexes:
      - {{name: {INDEX}, columns: [customer_id]}}
"""

INSERT = "INSERT INTO orders (customer_id, amount) VALUES (%s, %s)"
UPDATE = "UPDATE orders SET amount = amount + 1 WHERE id = %s"


# --------------------------------------------------------------------------- the database

@contextlib.contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new database on the server, dropped on the way out (also on Ctrl-C and SIGTERM)."""
    database = f"pgwright_stall_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as maintenance:
        maintenance.execute(f'CREATE DATABASE "{database}"')
    try:
        yield with_database(server_url, database)
    finally:
        with psycopg.connect(server_url, autocommit=True) as maintenance:
            maintenance.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def load_tables(url: str, rows: int) -> None:
    """The starting state, with ``rows`` orders; vacuumed and checkpointed.

    VACUUM ANALYZE now keeps autovacuum from starting on the fresh rows in the middle of a
    window; CHECKPOINT flushes the load's dirty pages now rather than while measuring.
    """
    parameters = {"rows": rows, "customers": CUSTOMERS}
    with psycopg.connect(url, autocommit=True) as connection:
        with connection.transaction():
            for statement in CREATE_TABLES:
                connection.execute(statement)
            for statement in LOAD_ROWS:
                connection.execute(statement, parameters)
        connection.execute("VACUUM ANALYZE customers, orders")
        try:
            connection.execute("CHECKPOINT")
        except psycopg.errors.InsufficientPrivilege:
            pass  # not superuser nor pg_checkpoint: the figures are only a little noisier


def outcome_failures(url: str) -> list[str]:
    """What is missing of the foreign key and the index, read from the catalog: a scenario that
    silently did nothing must not pass for a fast one."""
    with psycopg.connect(url, autocommit=True) as connection:
        keys = connection.execute(
            "SELECT conname, convalidated FROM pg_catalog.pg_constraint "
            "WHERE conrelid = 'public.orders'::regclass AND contype = 'f' "
            "AND confrelid = 'public.customers'::regclass AND conkey = ARRAY["
            "(SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = 'public.orders'::regclass"
            " AND attname = 'customer_id')]").fetchall()
        indexes = connection.execute(
            "SELECT indexrelid::regclass::text, indisvalid AND indisready FROM pg_catalog.pg_index "
            "WHERE indrelid = 'public.orders'::regclass AND indnatts = 1 AND indexprs IS NULL "
            "AND indpred IS NULL AND indkey[0] = (SELECT attnum FROM pg_catalog.pg_attribute "
            "WHERE attrelid = 'public.orders'::regclass AND attname = 'customer_id')").fetchall()
    failures = []
    if not any(valid for _, valid in keys):
        failures.append(f"no valid foreign key orders(customer_id) -> customers(id): {keys}")
    if not any(valid for _, valid in indexes):
        failures.append(f"no valid index on orders(customer_id): {indexes}")
    return failures


# --------------------------------------------------------------------------- the writer

@dataclass(frozen=True)
class WriterLog:
    """Each write's start and end (time.monotonic), and the error that stopped the writer."""

    writes: list[tuple[float, float]]
    error: str | None = None


def write_continuously(url: str, rows: int, ready, stop, results: Connection) -> None:
    """The writer process: one write at a time on ``orders`` until ``stop`` is set.

    Alternates an INSERT of a new order and an UPDATE of a random existing one, each in its
    own transaction (autocommit), like an application's requests. Sends its log when done.
    """
    # Ctrl-C reaches the whole process group; the benchmark process stops the writer itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    generator = random.Random(5)
    writes: list[tuple[float, float]] = []
    error = None
    try:
        with psycopg.connect(url, autocommit=True) as connection:
            while not stop.is_set():
                start = time.monotonic()
                if len(writes) % 2:
                    connection.execute(UPDATE, (generator.randint(1, rows),))
                else:
                    connection.execute(INSERT, (generator.randint(1, CUSTOMERS),
                                                generator.randint(0, 99999) / 100))
                writes.append((start, time.monotonic()))
                if len(writes) == 1:
                    ready.set()
    except Exception as exception:  # sent back and reported: a silent writer measures nothing
        error = f"{type(exception).__name__}: {redact(str(exception)).strip()}"
    results.send(WriterLog(writes, error))


@dataclass(frozen=True)
class Measurement:
    """What the writer saw while one action ran."""

    action_seconds: float  # the window: from the action's start to its return
    longest_stall: float  # the longest time with no write completing, over the window
    p99_latency: float  # of the writes that overlapped the window
    writes: int  # completed inside the window

    @property
    def writes_per_second(self) -> float:
        return self.writes / self.action_seconds


def measure_under_writes(url: str, rows: int, action: Callable[[], None]) -> Measurement:
    """Run ``action`` while a writer process writes to ``orders``; what the writer saw.

    The writer is a process, not a thread: in a thread it would share the GIL with pgwright's
    planning in this process, and its stalls would include waiting for Python, not only for
    the server.
    """
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Event(), context.Event()
    receiver, sender = context.Pipe(duplex=False)
    writer = context.Process(target=write_continuously, args=(url, rows, ready, stop, sender),
                             daemon=True)
    writer.start()
    try:
        if not ready.wait(WRITER_START_SECONDS):
            raise RuntimeError(f"the writer did not write within {WRITER_START_SECONDS:.0f} s")
        time.sleep(WARM_UP_SECONDS)
        opened = time.monotonic()
        action()
        closed = time.monotonic()
        time.sleep(COOL_DOWN_SECONDS)
        stop.set()
        if not receiver.poll(WRITER_START_SECONDS):
            raise RuntimeError("the writer did not stop")
        log: WriterLog = receiver.recv()
    finally:
        stop.set()
        writer.join(5)
        if writer.is_alive():
            writer.terminate()
    if log.error:
        raise RuntimeError(f"the writer failed: {log.error}")
    return summarize(log.writes, opened, closed)


def summarize(writes: list[tuple[float, float]], opened: float, closed: float) -> Measurement:
    """The figures of the window [opened, closed] from the writer's log.

    A stall is a gap between consecutive completed writes; it counts when it overlaps the
    window, so the write blocked until the very end of the DDL is counted in full.
    """
    if not writes or writes[-1][1] <= closed:
        raise RuntimeError("no write completed after the window closed: the stall is unknown")
    ends = [end for _, end in writes]
    gaps = [later - earlier for earlier, later in itertools.pairwise(ends)
            if later > opened and earlier < closed]
    latencies = sorted(end - start for start, end in writes if end > opened and start < closed)
    return Measurement(
        action_seconds=closed - opened,
        longest_stall=max(gaps),
        p99_latency=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        writes=sum(1 for end in ends if opened <= end <= closed),
    )


# --------------------------------------------------------------------------- the scenarios

# A scenario prepares itself before the writer starts (untimed) and returns the action to
# measure. ``failures`` collects what went wrong beyond an exception.
Prepare = Callable[[str, Path, list[str]], Callable[[], None]]


def baseline(url: str, work: Path, failures: list[str]) -> Callable[[], None]:
    return lambda: time.sleep(BASELINE_SECONDS)


def naive(url: str, work: Path, failures: list[str]) -> Callable[[], None]:
    def run() -> None:
        with psycopg.connect(url) as connection:  # one transaction, committed on the way out
            for statement in NAIVE_STATEMENTS:
                connection.execute(statement)
    return run


def write_spec(work: Path) -> Path:
    path = work / "schema.yaml"
    path.write_text(SPEC)
    return path


def plan_failures(plan: Plan) -> list[str]:
    """Unless the plan is exactly the online foreign key and index (and their preflight), the
    figures would measure something else: a rewrite of a column, say, or nothing at all."""
    changes = [o for o in plan.operations if not isinstance(o, ops.AssertNoViolations)]
    kinds = sorted(f"{type(o).__name__}(online={getattr(o, 'online', None)})" for o in changes)
    expected = ["AddForeignKey(online=True)", "CreateIndex(online=True)"]
    return [] if kinds == expected else [f"pgwright planned {kinds}, expected {expected}"]


def pgwright_push(url: str, work: Path, failures: list[str]) -> Callable[[], None]:
    spec = write_spec(work)
    return lambda: failures.extend(plan_failures(api.push(spec, url)))


def pgwright_apply(url: str, work: Path, failures: list[str]) -> Callable[[], None]:
    migrations = work / "migrations"
    migration, plan = api.generate(write_spec(work), url, migrations, "orders foreign key")
    failures.extend(plan_failures(plan))
    if migration is None:
        failures.append("pgwright generate wrote no migration")

    def run() -> None:
        applied = api.apply(url, migrations)
        if len(applied) != 1:
            failures.append(f"pgwright apply ran {len(applied)} migrations, expected 1")
    return run


SCENARIOS: dict[str, Prepare] = {
    "baseline (no DDL)": baseline,
    "naive": naive,
    "pgwright push": pgwright_push,
    "pgwright apply": pgwright_apply,
}
CHANGES_SCHEMA = tuple(name for name, prepare in SCENARIOS.items() if prepare is not baseline)
PGWRIGHT = ("pgwright push", "pgwright apply")


# --------------------------------------------------------------------------- runs

@dataclass
class Figures:
    """One scenario's measurements over the runs, and what went wrong."""

    measurements: list[Measurement] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def median(self, figure: Callable[[Measurement], float]) -> float:
        return statistics.median(figure(m) for m in self.measurements)

    def worst(self, figure: Callable[[Measurement], float]) -> float:
        return max(figure(m) for m in self.measurements)

    def spread(self, figure: Callable[[Measurement], float]) -> tuple[float, float]:
        values = [figure(m) for m in self.measurements]
        return min(values), max(values)


def run_scenario(server_url: str, name: str, rows: int, figures: Figures) -> None:
    """One run of one scenario, in a database of its own (so every run starts the same)."""
    failures: list[str] = []
    with scratch_database(server_url) as url, \
            tempfile.TemporaryDirectory(prefix="pgwright-stall-") as directory:
        load_tables(url, rows)
        action = SCENARIOS[name](url, Path(directory), failures)
        measurement = measure_under_writes(url, rows, action)
        if name in CHANGES_SCHEMA:
            failures.extend(outcome_failures(url))
    figures.failures.extend(failures)
    figures.measurements.append(measurement)
    progress(f"{name}: {milliseconds(measurement.action_seconds)} of DDL, longest stall "
             f"{milliseconds(measurement.longest_stall)}" + (f"; {failures}" if failures else ""))


# --------------------------------------------------------------------------- report

def print_report(server: str, rows: int, runs: int, results: dict[str, Figures],
                 load_average: str) -> None:
    print(f"\n== {server}: orders {rows:,} rows (customers {CUSTOMERS:,}); one writer "
          f"alternating INSERT and UPDATE; load average {load_average} during the runs")
    print(f"   median of {runs} runs [min-max]; each run on a freshly loaded database")
    columns = (("DDL wall time", lambda m: m.action_seconds, milliseconds),
               ("longest stall", lambda m: m.longest_stall, milliseconds),
               ("p99 write", lambda m: m.p99_latency, milliseconds),
               ("writes/s", lambda m: m.writes_per_second, lambda v: f"{v:,.0f}"))
    print(f"   {'':<18}" + "".join(f"{title:>30}" for title, _, _ in columns))
    for name, figures in results.items():
        if not figures.measurements:
            print(f"   {name:<18} no run completed")
            continue
        cells = []
        for _, figure, show in columns:
            low, high = figures.spread(figure)
            cells.append(f"{show(figures.median(figure))} [{show(low)}-{show(high)}]")
        print(f"   {name:<18}" + "".join(f"{cell:>30}" for cell in cells))
    for name in CHANGES_SCHEMA:
        if results[name].measurements and not results[name].failures:
            print(f"   {name}: valid foreign key and valid index after every run")
    for name, figures in results.items():
        for failure in figures.failures:
            print(f"   FAILURE ({name}): {failure}")


def verdict(results: dict[str, Figures]) -> str:
    """pgwright's longest stall over all runs (not the median) against the target."""
    parts = []
    for name in PGWRIGHT:
        if not results[name].measurements:
            parts.append(f"{name}: not measured")
            continue
        worst = results[name].worst(lambda m: m.longest_stall)
        status = "met" if worst < TARGET_STALL_SECONDS else "MISSED"
        parts.append(f"{name} longest stall {milliseconds(worst)} (target < "
                     f"{milliseconds(TARGET_STALL_SECONDS)}: {status})")
    for name in ("naive", "baseline (no DDL)"):
        if results[name].measurements:
            parts.append(f"{name} {milliseconds(results[name].worst(lambda m: m.longest_stall))}")
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL,
                        help=f"server to benchmark on, any database of it (default: {DEFAULT_URL})")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS,
                        help=f"rows in orders (default: {DEFAULT_ROWS:,})")
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (default: 3)")
    arguments = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # figures and progress interleave in order
    # On SIGTERM, unwind like on Ctrl-C, so the scratch database is dropped.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))

    server = server_label(arguments.url)
    progress(f"{server} at {redact(arguments.url)}, {arguments.rows:,} rows, "
             f"{arguments.runs} runs of {len(SCENARIOS)} scenarios")
    results = {name: Figures() for name in SCENARIOS}
    for run in range(1, arguments.runs + 1):
        # The scenarios take turns, so that each sees the same background load.
        for name in SCENARIOS:
            progress(f"run {run}/{arguments.runs}: {name}")
            try:
                run_scenario(arguments.url, name, arguments.rows, results[name])
            except Exception as error:  # report it, and go on with the next scenario
                results[name].failures.append(f"run {run}: {type(error).__name__}: "
                                              f"{redact(str(error)).strip()}")
    load_average = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print_report(server, arguments.rows, arguments.runs, results, load_average)
    print(f"\nverdict: {verdict(results)}")
    failed = any(figures.failures for figures in results.values())
    if failed:
        print("FAILED: see the FAILURE lines above")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

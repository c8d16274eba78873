"""Is `pgwright push` as fast as `psql -f` of the same SQL, on this machine and over a slow
network? (issue 18)

Builds the synthetic multi-tenant spec of plan_benchmark.py (N tables), writes the SQL of its
plan against an empty database once, then times, alternated run by run, each on a fresh empty
database:

    psql -f      psql running that SQL file, one statement per round trip
    push         `pgwright push --yes` of the spec, as a whole process (its planning included)

directly and through a TCP proxy on 127.0.0.1 that delays every packet by a fixed number of
milliseconds each way (benchmarks/_proxy.py: asyncio, stops with the benchmark), at 0, 5, 20 and 50
ms by default. Prints medians and the ratio push / psql.

    python benchmarks/push_benchmark.py                       # 300 tables, 0 5 20 50 ms
    python benchmarks/push_benchmark.py --tables 1000 --delays 0 20 --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import yaml
from _common import DEFAULT_URL, progress, server_label
from _proxy import DelayingProxy, through
from plan_benchmark import generate_spec, with_database

from pgwright import api

# The targets of issue 18.
TARGET_LOCAL_RATIO = 1.0
TARGET_RATIO_AT_20_MS = 0.5


def fresh_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name} TEMPLATE template0")


def timed(command: list[str], cwd: Path, env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL, help="a server (any database of it)")
    parser.add_argument("--tables", type=int, default=300)
    parser.add_argument("--delays", type=float, nargs="+", default=[0, 5, 20, 50],
                        help="one-way delays of the proxy, in ms (0: straight to the server)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    database = f"pgwright_push_bench_{os.getpid()}"
    target = urlsplit(args.url)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        spec = work / "schema.yaml"
        spec.write_text(yaml.safe_dump(generate_spec(args.tables), sort_keys=False))
        environment = {**os.environ, "PGWRIGHT_CACHE_DIR": str(work / "cache")}
        fresh_database(args.url, database)
        direct = with_database(args.url, database)
        plan = api.plan(spec, direct)
        script = work / "plan.sql"
        script.write_text(plan.sql())
        progress(f"{args.tables} tables: {len(plan.statements)} statements; "
                 f"{server_label(args.url)}")
        rows = []
        try:
            for delay in args.delays:
                times: dict[str, list[float]] = {"psql -f": [], "push": []}
                proxy = DelayingProxy(target.hostname or "127.0.0.1", target.port or 5432,
                                      delay / 1000) if delay else None
                if proxy:
                    proxy.__enter__()
                try:
                    url = through(direct, proxy.port) if proxy else direct
                    for run in range(args.runs):
                        for name in ("psql -f", "push"):
                            fresh_database(args.url, database)
                            command = (["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-d", url,
                                        "-f", str(script)] if name == "psql -f" else
                                       [sys.executable, "-m", "pgwright.cli", "push", "--yes",
                                        "-s", str(spec), "--db", url])
                            times[name].append(timed(command, work, environment))
                        progress(f"{delay:g} ms, run {run + 1}: psql {times['psql -f'][-1]:.2f} s, "
                                 f"push {times['push'][-1]:.2f} s")
                finally:
                    if proxy:
                        proxy.__exit__(None, None, None)
                psql, push = (statistics.median(times[k]) for k in ("psql -f", "push"))
                rows.append((delay, psql, push))
        finally:
            with psycopg.connect(args.url, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")

    print(f"push vs psql -f, {args.tables} tables ({len(plan.statements)} statements), "
          f"medians of {args.runs}")
    print(f"{'one-way delay':>14} {'psql -f':>9} {'push':>9} {'push/psql':>10}")
    ok = True
    for delay, psql, push in rows:
        ratio = push / psql
        target_ratio = TARGET_LOCAL_RATIO if delay == 0 else \
            TARGET_RATIO_AT_20_MS if delay >= 20 else None
        verdict = "" if target_ratio is None else ("  ok" if ratio <= target_ratio
                                                    else f"  over {target_ratio:g}x")
        ok &= not verdict.startswith("  over")
        print(f"{delay:>11g} ms {psql:>8.2f}s {push:>8.2f}s {ratio:>9.2f}x{verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

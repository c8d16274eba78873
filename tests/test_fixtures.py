"""The database fixtures of conftest.py, against the real server."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import create_engine, text

from pgwright.connect import sqlalchemy_url

_databases_seen: list[str] = []


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_gets_its_own_database_dropped_afterwards(db, pg_server_url, run):
    name = db.execute("SELECT current_database()").fetchone()[0]
    assert name.startswith("pgwright_test_")
    assert name not in _databases_seen
    with psycopg.connect(pg_server_url) as server:
        left = server.execute(
            "SELECT datname FROM pg_database WHERE datname = ANY(%s)", (_databases_seen,)
        ).fetchall()
    assert left == []
    _databases_seen.append(name)


@pytest.mark.parametrize("run", [1, 2])
def test_a_table_made_in_one_test_is_not_in_the_next(db, run):
    assert db.execute("SELECT to_regclass('public.made_by_a_test')").fetchone()[0] is None
    db.execute("CREATE TABLE made_by_a_test (id integer)")


def test_the_database_starts_empty(db):
    relations = db.execute(
        "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
    ).fetchone()[0]
    extensions = db.execute("SELECT array_agg(extname) FROM pg_extension").fetchone()[0]
    assert relations == 0
    assert extensions == ["plpgsql"]


def test_the_connection_autocommits(db, database_url):
    db.execute("CREATE TABLE committed (id integer)")
    with psycopg.connect(database_url) as other:
        assert other.execute("SELECT to_regclass('public.committed')").fetchone()[0] is not None


def test_the_url_works_with_sqlalchemy(database_url):
    engine = create_engine(sqlalchemy_url(database_url))
    try:
        with engine.connect() as connection:
            name = connection.execute(text("SELECT current_database()")).scalar_one()
    finally:
        engine.dispose()
    assert database_url.split("?")[0].endswith(f"/{name}")


def test_server_version_num_is_the_servers(db, server_version_num):
    assert db.execute("SHOW server_version_num").fetchone()[0] == str(server_version_num)

"""The example project at the repository root stays consistent: its committed migrations
bring an empty database exactly to its schema.yaml."""

from __future__ import annotations

from pathlib import Path

from pgwright import api

ROOT = Path(__file__).resolve().parent.parent


def test_example_spec_is_valid():
    assert api.validate(ROOT / "schema.yaml") == []


def test_committed_migrations_build_the_example_spec(database_url):
    applied = api.apply(database_url, ROOT / "migrations")
    assert applied, "the example has no committed migrations"
    drift = api.check(ROOT / "schema.yaml", database_url)
    assert drift.is_empty, "migrations/ is stale; run pgwright generate:\n" + drift.sql()


def test_example_migrations_are_idempotent(database_url, db):
    from tests.pgcatalog import catalog_snapshot

    api.apply(database_url, ROOT / "migrations")
    before = catalog_snapshot(db)
    for migration in sorted((ROOT / "migrations" / "versions").glob("*.sql")):
        db.execute(migration.read_text())
    assert catalog_snapshot(db) == before

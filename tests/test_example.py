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


def test_rls_demo_shows_tenant_isolation(database_url):
    """The README's demo: as app_user acting for Acme, Globex's rows stay invisible."""
    import subprocess

    from pgwright.connect import find_psql

    api.apply(database_url, ROOT / "migrations")
    result = subprocess.run([find_psql(), database_url, "-f", str(ROOT / "examples" / "rls_demo.sql")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    visible = result.stdout.split("customers visible:")[1].split("Inserting")[0]
    assert "Alice (Acme)" in visible and "Bob (Globex)" not in visible
    assert 'new row violates row-level security policy for table "customers"' in result.stderr


def test_example_docs_are_current():
    """docs/schema is generated from schema.yaml; CI fails when it is stale."""
    stale = api.docs(ROOT / "schema.yaml", ROOT / "docs" / "schema", check=True)
    assert stale == [], f"run `pgwright docs`; stale: {stale}"


def test_a_tenant_with_events_can_be_deleted(database_url, db):
    """The event store is append-only, except for the organization's own cascade."""
    import psycopg
    import pytest

    api.apply(database_url, ROOT / "migrations")
    org = db.execute("INSERT INTO organizations (name, slug) VALUES ('Acme', 'acme') "
                     "RETURNING id").fetchone()[0]
    db.execute("INSERT INTO domain_events (organization_id, stream_type, stream_id, event_type, "
               "stream_version, payload) VALUES (%s, 'organization', %s, 'created', 1, '{}')",
               (org, org))
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        db.execute("DELETE FROM domain_events")
    db.execute("DELETE FROM organizations WHERE id = %s", (org,))
    assert db.execute("SELECT count(*) FROM domain_events").fetchone()[0] == 0

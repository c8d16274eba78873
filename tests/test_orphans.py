"""`pgwright orphans`: every foreign key and polymorphic reference of the spec, counted."""

from __future__ import annotations

import json
import uuid

from click.testing import CliRunner

from pgwright import api
from pgwright.cli import main

SPEC = """\
version: 1
tables:
  organizations:
    columns:
      id: {type: uuid, primary_key: true}
  customers:
    columns:
      id: {type: uuid, primary_key: true}
      organization_id: {type: uuid, nullable: false, references: organizations.id}
  domain_events:
    columns:
      id: {type: bigint, primary_key: true, identity: always}
      stream_type: {type: text, nullable: false}
      stream_id: {type: uuid, nullable: false}
    polymorphic:
      stream_id:
        discriminator: stream_type
        targets: {organization: organizations.id, customer: customers.id}
        reason: Event store; a stream may belong to any aggregate.
  audit_links:
    columns:
      id: {type: integer, primary_key: true}
      entity_id: text
    polymorphic:
      entity_id:
        targets: {organization: organizations.id, customer: customers.id}
        reason: Links to anything; no discriminator.
"""


def test_orphans_counts_fk_and_polymorphic_orphans(tmp_path, database_url, db):
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    api.push(spec, database_url)
    org, customer, ghost = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    db.execute("INSERT INTO organizations VALUES (%s)", (org,))
    db.execute("INSERT INTO customers VALUES (%s, %s)", (customer, org))
    # An FK that exists but was added NOT VALID by hand lets orphans in.
    db.execute("ALTER TABLE customers DROP CONSTRAINT customers_organization_id_fkey")
    db.execute("INSERT INTO customers VALUES (%s, %s)", (uuid.uuid4(), ghost))
    db.execute("ALTER TABLE customers ADD CONSTRAINT customers_organization_id_fkey "
               "FOREIGN KEY (organization_id) REFERENCES organizations NOT VALID")
    db.execute("INSERT INTO domain_events (stream_type, stream_id) VALUES "
               "('organization', %s), ('customer', %s), ('customer', %s), ('invoice', %s)",
               (org, customer, ghost, org))
    db.execute("INSERT INTO audit_links VALUES (1, %s), (2, %s), (3, 'nonsense'), (4, NULL)",
               (str(org), str(customer)))

    results = {(r.check.table, r.check.description): r.count
               for r in api.orphans(spec, database_url)}
    assert results[("public.customers", "customers(organization_id) values with no row in "
                    "organizations(id)")] == 1
    assert results[("public.domain_events", "stream_type names no declared target")] == 1
    assert results[("public.domain_events", "stream_type = 'customer' rows whose stream_id has "
                    "no row in customers(id)")] == 1
    assert results[("public.domain_events", "stream_type = 'organization' rows whose stream_id "
                    "has no row in organizations(id)")] == 0
    assert results[("public.audit_links", "entity_id values found in none of organizations(id), "
                    "customers(id)")] == 1

    result = CliRunner().invoke(main, ["orphans", "-s", str(spec), "--db", database_url])
    assert result.exit_code == 2
    assert "SELECT count(*) FROM public.domain_events c WHERE" in result.stdout
    document = json.loads(CliRunner().invoke(
        main, ["orphans", "--json", "-s", str(spec), "--db", database_url]).stdout)
    assert document["orphans"] == 4
    assert {"code", "table", "count", "samples", "sql"} <= set(document["checks"][0])


def test_orphans_exit_0_when_every_reference_holds(tmp_path, database_url):
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    api.push(spec, database_url)
    result = CliRunner().invoke(main, ["orphans", "-s", str(spec), "--db", database_url])
    assert result.exit_code == 0


def test_orphans_prints_the_checks_that_found_rows_and_counts_the_clean_ones(tmp_path,
                                                                           database_url, db):
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    api.push(spec, database_url)
    org = uuid.uuid4()
    db.execute("INSERT INTO organizations VALUES (%s)", (org,))
    db.execute("INSERT INTO domain_events (stream_type, stream_id) VALUES ('invoice', %s)", (org,))
    result = CliRunner().invoke(main, ["orphans", "-s", str(spec), "--db", database_url])
    assert result.exit_code == 2
    assert "stream_type names no declared target" in result.stdout
    assert "clean" not in result.stdout
    assert "organizations(id)" not in result.stdout  # a clean check, not printed
    assert "5 reference check(s): 4 clean, 1 with orphans (1 orphan row(s))" in result.stderr

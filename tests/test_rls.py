"""Row-level security as code, proved by behaviour: rows of one tenant stay invisible to
another, as a real non-superuser role, on a real server."""

from __future__ import annotations

import datetime
import json
import secrets
import uuid

import psycopg
import pytest

from pgwright import api
from pgwright.ops import Access

SPEC = """\
version: 1
roles: [{app_user}]
functions:
  current_org_id:
    returns: uuid
    language: sql
    volatility: stable
    security: definer
    search_path: public
    body: select nullif(current_setting('app.org_id', true), '')::uuid
    comment: The organization of the current request, from the app.org_id setting.
tables:
  organizations:
    columns:
      id: {{type: uuid, primary_key: true, default: gen_random_uuid()}}
  customers:
    columns:
      id: {{type: uuid, primary_key: true, default: gen_random_uuid()}}
      organization_id: {{type: uuid, nullable: false, references: organizations.id, on_delete: cascade}}
      name: text
    rls:
      enabled: true
      force: {force}
      policies:
        customers_tenant_isolation:
          command: all
          roles: [{app_user}]
          using: organization_id = current_org_id()
          with_check: organization_id = current_org_id()
"""


@pytest.fixture
def roles(db, pg_server_url):
    """Two non-superuser roles: the application's, and a table owner. Dropped afterwards."""
    suffix = secrets.token_hex(4)
    names = {"app_user": f"pgw_app_{suffix}", "owner": f"pgw_owner_{suffix}"}
    for name in names.values():
        db.execute(f"CREATE ROLE {name} NOLOGIN")
    yield names
    db.execute("RESET ROLE")
    for name in names.values():
        db.execute(f"DROP OWNED BY {name}")
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        for name in names.values():
            admin.execute(f"DROP ROLE IF EXISTS {name}")


@pytest.fixture
def tenants(tmp_path, database_url, db, roles):
    """The spec pushed, two organizations with a customer each, privileges granted."""
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC.format(app_user=roles["app_user"], force="true"))
    api.push(spec, database_url)
    org_a, org_b = uuid.uuid4(), uuid.uuid4()
    db.execute("INSERT INTO organizations (id) VALUES (%s), (%s)", (org_a, org_b))
    db.execute("INSERT INTO customers (organization_id, name) VALUES (%s, 'a1'), (%s, 'b1')",
               (org_a, org_b))
    db.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON customers TO {roles['app_user']}")
    db.execute(f"ALTER TABLE customers OWNER TO {roles['owner']}")
    return spec, org_a, org_b


def as_role(db, role: str, org=None):
    db.execute(f"SET ROLE {role}")
    db.execute("SELECT set_config('app.org_id', %s, false)", (str(org) if org else "",))


def test_tenant_sees_only_its_own_rows(db, roles, tenants):
    _, org_a, _ = tenants
    as_role(db, roles["app_user"], org_a)
    assert db.execute("SELECT name FROM customers").fetchall() == [("a1",)]


def test_writing_a_row_for_another_tenant_is_rejected(db, roles, tenants):
    _, org_a, org_b = tenants
    as_role(db, roles["app_user"], org_a)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        db.execute("INSERT INTO customers (organization_id, name) VALUES (%s, 'x')", (org_b,))
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        db.execute("UPDATE customers SET organization_id = %s", (org_b,))


def test_without_a_tenant_setting_nothing_is_visible(db, roles, tenants):
    as_role(db, roles["app_user"])
    assert db.execute("SELECT count(*) FROM customers").fetchone()[0] == 0


def test_forced_rls_applies_to_the_table_owner(db, roles, tenants):
    _, org_a, _ = tenants
    as_role(db, roles["owner"], org_a)
    # the owner has no policy naming it: with FORCE it sees nothing at all
    assert db.execute("SELECT count(*) FROM customers").fetchone()[0] == 0


def test_without_force_the_owner_bypasses_rls(db, roles, tenants, database_url):
    spec, _, _ = tenants
    spec.write_text(SPEC.format(app_user=roles["app_user"], force="false"))
    plan = api.plan(spec, database_url)
    assert [(type(o).__name__, o.security) for o in plan.operations] == [
        ("SetForceRowLevelSecurity", Access.WIDENS)]
    api.push(spec, database_url)
    as_role(db, roles["owner"])
    assert db.execute("SELECT count(*) FROM customers").fetchone()[0] == 2


def test_rls_enabled_without_policies_hides_everything(tmp_path, database_url, db, roles):
    spec = tmp_path / "schema.yaml"
    spec.write_text("""\
version: 1
tables:
  notes:
    columns:
      id: {type: integer, primary_key: true}
    rls: {enabled: true}
""")
    api.push(spec, database_url)
    db.execute("INSERT INTO notes VALUES (1)")
    db.execute(f"GRANT SELECT ON notes TO {roles['app_user']}")
    as_role(db, roles["app_user"])
    assert db.execute("SELECT count(*) FROM notes").fetchone()[0] == 0


DRIFTS = {
    "rls_disabled": "ALTER TABLE customers DISABLE ROW LEVEL SECURITY",
    "force_removed": "ALTER TABLE customers NO FORCE ROW LEVEL SECURITY",
    "policy_dropped": "DROP POLICY customers_tenant_isolation ON customers",
    "leaky_predicate": "ALTER POLICY customers_tenant_isolation ON customers "
                       "USING (organization_id = current_org_id() OR organization_id IS NULL)",
    "roles_changed": "ALTER POLICY customers_tenant_isolation ON customers TO PUBLIC",
    "made_restrictive": "DROP POLICY customers_tenant_isolation ON customers; "
                        "CREATE POLICY customers_tenant_isolation ON customers AS RESTRICTIVE "
                        "USING (organization_id = current_org_id()) "
                        "WITH CHECK (organization_id = current_org_id())",
    "function_body_changed": "CREATE OR REPLACE FUNCTION public.current_org_id() RETURNS uuid "
                             "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public "
                             "AS $$ select null::uuid $$",
}


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_rls_drift_is_detected_and_repaired(drift, db, roles, tenants, database_url):
    spec, _, _ = tenants
    assert api.check(spec, database_url).is_empty
    db.execute(DRIFTS[drift])

    drifted = api.check(spec, database_url)
    assert not drifted.is_empty, f"{drift} went unnoticed"
    assert all(operation.security is not None for operation in drifted.operations)

    api.push(spec, database_url)
    assert api.check(spec, database_url).is_empty


def test_plan_lists_security_changes_first_with_their_direction(db, roles, tenants,
                                                                 database_url):
    from pgwright.render.plan import plan_json, summary_lines

    spec, _, _ = tenants
    db.execute(DRIFTS["rls_disabled"])
    db.execute("ALTER TABLE customers ADD COLUMN extra text")
    plan = api.plan(spec, database_url)
    lines = summary_lines(plan.operations)
    assert lines[0] == "! narrows access: enable row level security public.customers", lines

    document = json.loads(plan_json(plan))
    assert document["security"] == [{"subject": "public.customers", "access": "narrows",
                                     "description": "enable row level security public.customers"}]


POLICY_SHAPES = {
    "all_both_clauses": "command: all\n  using: organization_id = current_org_id()\n"
                        "  with_check: organization_id = current_org_id()",
    "select_using_only": "command: select\n  using: organization_id = current_org_id()",
    "insert_with_check_only": "command: insert\n  with_check: organization_id = current_org_id()",
    "update_both": "command: update\n  using: organization_id = current_org_id()\n"
                   "  with_check: organization_id = current_org_id()",
    "delete_restrictive": "command: delete\n  as: restrictive\n  using: archived = false",
    "roles_public": "roles: [public]\n  using: 'true'",
    "casts_and_setting": "using: organization_id = current_setting('app.org_id', true)::uuid",
    "in_list": "using: status IN ('active', 'trial')",
    "any_array": "using: status = ANY (ARRAY['active', 'trial'])",
    "subquery": "using: organization_id IN (SELECT m.organization_id FROM memberships m "
                "WHERE m.user_name = current_user)",
    "exists_subquery": "using: EXISTS (SELECT 1 FROM memberships m WHERE m.organization_id = "
                       "customers.organization_id AND m.user_name = session_user)",
    "schema_qualified_call": "using: organization_id = public.current_org_id()",
    "extra_parentheses_and_space": "using: ((organization_id   =   current_org_id()))",
    "coalesce_and_boolean": "using: coalesce(archived, false) IS NOT TRUE AND "
                            "organization_id = current_org_id()",
}

SHAPE_SPEC = """\
version: 1
roles: [{app_user}]
functions:
  current_org_id:
    returns: uuid
    language: sql
    volatility: stable
    body: select nullif(current_setting('app.org_id', true), '')::uuid
tables:
  memberships:
    columns:
      organization_id: {{type: uuid, nullable: false}}
      user_name: {{type: text, nullable: false}}
    primary_key: [organization_id, user_name]
  customers:
    columns:
      id: {{type: uuid, primary_key: true}}
      organization_id: {{type: uuid, nullable: false}}
      status: text
      archived: boolean
    rls:
      enabled: true
      policies:
        the_policy:
          roles: [{app_user}]
          {shape}
"""


def _indented(shape: str) -> str:
    return shape.replace("\n  ", "\n          ")


@pytest.mark.parametrize("shape", sorted(POLICY_SHAPES))
def test_every_policy_shape_converges_and_is_idempotent(shape, tmp_path, database_url, db, roles):
    from tests.pgcatalog import catalog_snapshot

    text = SHAPE_SPEC.format(app_user=roles["app_user"], shape=_indented(POLICY_SHAPES[shape]))
    if "roles: [public]" in POLICY_SHAPES[shape]:
        text = text.replace(f"          roles: [{roles['app_user']}]\n", "")
    spec = tmp_path / "schema.yaml"
    spec.write_text(text)
    plan = api.plan(spec, database_url)
    api.push(spec, database_url)
    replanned = api.plan(spec, database_url)
    assert replanned.is_empty, replanned.sql()
    before = catalog_snapshot(db)
    db.execute(plan.sql())
    assert catalog_snapshot(db) == before


def test_changing_a_predicate_alters_the_policy_in_place(tmp_path, database_url, db, roles):
    text = SHAPE_SPEC.format(app_user=roles["app_user"],
                             shape=_indented(POLICY_SHAPES["select_using_only"]))
    spec = tmp_path / "schema.yaml"
    spec.write_text(text)
    api.push(spec, database_url)
    spec.write_text(text.replace("using: organization_id = current_org_id()",
                                 "using: organization_id = current_org_id() AND archived = false"))
    plan = api.plan(spec, database_url)
    assert [type(o).__name__ for o in plan.operations] == ["AlterPolicy"]
    assert plan.sql().startswith("ALTER POLICY the_policy ON public.customers TO ")
    api.push(spec, database_url)
    assert api.plan(spec, database_url).is_empty


def test_changing_permissive_to_restrictive_replaces_in_one_transaction(tmp_path, database_url,
                                                                          roles):
    text = SHAPE_SPEC.format(app_user=roles["app_user"],
                             shape=_indented(POLICY_SHAPES["select_using_only"]))
    spec = tmp_path / "schema.yaml"
    spec.write_text(text)
    api.push(spec, database_url)
    spec.write_text(text.replace("command: select", "command: select\n          as: restrictive"))
    plan = api.plan(spec, database_url)
    assert [type(o).__name__ for o in plan.operations] == ["ReplacePolicy"]
    assert "AS RESTRICTIVE" in plan.sql()
    api.push(spec, database_url)
    assert api.plan(spec, database_url).is_empty


def test_missing_role_is_a_clear_error_before_any_change(tmp_path, database_url, db):
    from pgwright.errors import PlanError
    from tests.pgcatalog import table_names

    spec = tmp_path / "schema.yaml"
    spec.write_text(SHAPE_SPEC.format(app_user="no_such_role_pgw",
                                      shape=_indented(POLICY_SHAPES["select_using_only"])))
    with pytest.raises(PlanError, match="no_such_role_pgw do not exist"):
        api.push(spec, database_url)
    assert table_names(db) == []


TRIGGER_SPEC = """\
version: 1
functions:
  touch_updated_at:
    returns: trigger
    language: plpgsql
    body: |
      begin
        new.updated_at := now();
        return new;
      end
    comment: Keeps updated_at current on every update.
  prevent_mutation:
    returns: trigger
    language: plpgsql
    body: |
      begin
        raise exception 'domain_events is append-only';
      end
tables:
  orders:
    columns:
      id: {type: integer, primary_key: true}
      status: text
      updated_at: timestamptz
    triggers:
      orders_touch_updated_at: {timing: before, events: [update], level: row, function: touch_updated_at}
      orders_status_changed:
        timing: before
        events: [update]
        columns: [status]
        when: old.status IS DISTINCT FROM new.status
        function: touch_updated_at
  domain_events:
    columns:
      id: {type: bigint, primary_key: true, identity: always}
      payload: jsonb
    triggers:
      domain_events_append_only: {timing: before, events: [update, delete], level: row, function: prevent_mutation}
"""


def test_triggers_run_converge_and_are_idempotent(tmp_path, database_url, db):
    from tests.pgcatalog import catalog_snapshot

    spec = tmp_path / "schema.yaml"
    spec.write_text(TRIGGER_SPEC)
    plan = api.plan(spec, database_url)
    api.push(spec, database_url)
    assert api.plan(spec, database_url).is_empty
    before = catalog_snapshot(db)
    db.execute(plan.sql())
    assert catalog_snapshot(db) == before

    db.execute("INSERT INTO orders (id, status) VALUES (1, 'new')")
    db.execute("UPDATE orders SET status = 'paid'")
    assert db.execute("SELECT updated_at IS NOT NULL FROM orders").fetchone()[0]
    db.execute("INSERT INTO domain_events (payload) VALUES ('{}')")
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        db.execute("DELETE FROM domain_events")


def test_trigger_and_function_drift_is_repaired(tmp_path, database_url, db):
    spec = tmp_path / "schema.yaml"
    spec.write_text(TRIGGER_SPEC)
    api.push(spec, database_url)
    db.execute("DROP TRIGGER domain_events_append_only ON domain_events")
    db.execute("CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql "
               "AS $$ begin return new; end $$")
    drift = api.check(spec, database_url)
    assert {o.subject for o in drift.operations} == {
        "public.domain_events.domain_events_append_only", "public.touch_updated_at()"}
    api.push(spec, database_url)
    assert api.check(spec, database_url).is_empty


OVERLOADS_SPEC = """\
version: 1
functions:
  stamp:
    - returns: trigger
      language: plpgsql
      body: begin new.updated_at := now(); return new; end
    - args: [{{name: at, type: timestamptz}}]
      returns: timestamptz
      body: select at
{third}tables:
  orders:
    columns:
      id: {{type: integer, primary_key: true}}
      updated_at: timestamptz
    triggers:
      orders_stamp: {{timing: before, events: [update], function: stamp}}
"""
THIRD_OVERLOAD = """\
    - args: [{name: at, type: date}]
      returns: date
      body: select at
"""


def test_overloads_are_created_and_dropped_one_by_one(tmp_path, database_url, db):
    spec = tmp_path / "schema.yaml"
    spec.write_text(OVERLOADS_SPEC.format(third=THIRD_OVERLOAD))
    api.push(spec, database_url)
    assert api.plan(spec, database_url).is_empty
    assert db.execute("SELECT stamp(date '2024-01-31'), stamp(timestamptz '2024-01-31 10:00Z')"
                      " IS NOT NULL").fetchone() == (datetime.date(2024, 1, 31), True)
    db.execute("INSERT INTO orders (id) VALUES (1); UPDATE orders SET id = 2")
    assert db.execute("SELECT updated_at IS NOT NULL FROM orders").fetchone()[0]

    spec.write_text(OVERLOADS_SPEC.format(third=""))
    plan = api.plan(spec, database_url)
    assert [o.subject for o in plan.operations] == ["public.stamp(date)"]
    api.push(spec, database_url, allow_destructive=True)
    assert api.plan(spec, database_url).is_empty
    assert db.execute("SELECT count(*) FROM pg_proc WHERE proname = 'stamp'").fetchone()[0] == 2

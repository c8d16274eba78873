"""The lint corpus: one small correct tenant schema (BASE) and its variants, each with one
defect (named by the pgwright rule that must find it) or a correct-but-tricky change that no
rule may flag. Run by tests/test_lint.py (pgwright alone) and benchmarks/lint_benchmark.py
(against pgrls)."""

from __future__ import annotations

from dataclasses import dataclass

BASE = """
CREATE FUNCTION current_org_id() RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public
    AS $$ select nullif(current_setting('app.org_id', true), '')::uuid $$;
CREATE TABLE organizations (id uuid PRIMARY KEY, name text);
CREATE TABLE projects (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
    name text,
    UNIQUE (organization_id, id), UNIQUE (organization_id, name));
CREATE INDEX ON projects (organization_id);
CREATE TABLE tasks (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
    project_id uuid NOT NULL,
    FOREIGN KEY (organization_id, project_id) REFERENCES projects (organization_id, id)
        ON DELETE CASCADE);
CREATE INDEX ON tasks (organization_id);
CREATE INDEX ON tasks (project_id);
ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organizations FORCE ROW LEVEL SECURITY;
CREATE POLICY isolation ON organizations
    USING (id = current_org_id()) WITH CHECK (id = current_org_id());
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
CREATE POLICY isolation ON projects USING (organization_id = current_org_id())
    WITH CHECK (organization_id = current_org_id());
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY isolation ON tasks USING (organization_id = current_org_id())
    WITH CHECK (organization_id = current_org_id());
"""


@dataclass(frozen=True)
class Case:
    name: str
    family: str  # tenancy, rls, functions, references, correct
    expect: str | None  # the pgwright rule of the defect; None for a correct variant
    sql: str  # run after BASE


CASES = [
    # tenancy
    Case("table without tenant column", "tenancy", "TEN001",
         "CREATE TABLE notes (id uuid PRIMARY KEY, body text);"),
    Case("cross-tenant FK on id only", "tenancy", "TEN002",
         "CREATE TABLE comments (id uuid PRIMARY KEY, organization_id uuid NOT NULL "
         "REFERENCES organizations ON DELETE CASCADE, task_id uuid NOT NULL REFERENCES tasks);"
         "CREATE INDEX ON comments (organization_id); CREATE INDEX ON comments (task_id);"
         "ALTER TABLE comments ENABLE ROW LEVEL SECURITY; ALTER TABLE comments FORCE ROW LEVEL "
         "SECURITY; CREATE POLICY isolation ON comments USING (organization_id = "
         "current_org_id()) WITH CHECK (organization_id = current_org_id());"),
    Case("UNIQUE without tenant column", "tenancy", "TEN003",
         "ALTER TABLE projects ADD CONSTRAINT projects_slug UNIQUE (name);"),
    Case("row owned by two tenants, cascading", "tenancy", "TEN004",
         "ALTER TABLE tasks ADD COLUMN partner_id uuid NOT NULL REFERENCES organizations "
         "ON DELETE CASCADE; CREATE INDEX ON tasks (partner_id);"),
    # rls
    Case("RLS disabled on tenant table", "rls", "RLS001",
         "DROP POLICY isolation ON tasks; ALTER TABLE tasks NO FORCE ROW LEVEL SECURITY;"
         "ALTER TABLE tasks DISABLE ROW LEVEL SECURITY;"),
    Case("RLS enabled, no policy", "rls", "RLS002", "DROP POLICY isolation ON tasks;"),
    Case("RLS not forced", "rls", "RLS003", "ALTER TABLE tasks NO FORCE ROW LEVEL SECURITY;"),
    Case("policy leaks: OR tenant IS NULL", "rls", "RLS004",
         "ALTER POLICY isolation ON tasks USING (organization_id = current_org_id() "
         "OR organization_id IS NULL);"),
    Case("policy leaks: USING (true)", "rls", "RLS004",
         "ALTER POLICY isolation ON tasks USING (true);"),
    Case("INSERT policy without WITH CHECK", "rls", "RLS005",
         "DROP POLICY isolation ON tasks; CREATE POLICY read ON tasks FOR SELECT USING "
         "(organization_id = current_org_id()); CREATE POLICY write ON tasks FOR INSERT;"),
    Case("INSERT policy WITH CHECK (true)", "rls", "RLS004",
         "DROP POLICY isolation ON tasks; CREATE POLICY read ON tasks FOR SELECT USING "
         "(organization_id = current_org_id()); CREATE POLICY write ON tasks FOR INSERT "
         "WITH CHECK (true);"),
    Case("WITH CHECK wider than USING", "rls", "RLS005",
         "ALTER POLICY isolation ON tasks WITH CHECK (project_id IS NOT NULL);"),
    Case("policy ignores the tenant", "rls", "RLS006",
         "ALTER POLICY isolation ON tasks USING (project_id IS NOT NULL) "
         "WITH CHECK (project_id IS NOT NULL);"),
    Case("current_setting per row", "rls", "RLS007",
         "ALTER POLICY isolation ON tasks USING (organization_id = "
         "current_setting('app.org_id')::uuid) WITH CHECK (organization_id = "
         "current_setting('app.org_id')::uuid);"),
    Case("two permissive policies", "rls", "RLS008",
         "CREATE POLICY read_too ON tasks FOR SELECT USING "
         "(organization_id = current_org_id());"),
    Case("policies but RLS disabled", "rls", "RLS011",
         "ALTER TABLE tasks NO FORCE ROW LEVEL SECURITY; "
         "ALTER TABLE tasks DISABLE ROW LEVEL SECURITY;"),
    # functions
    Case("SECURITY DEFINER without search_path", "functions", "FUN001",
         "ALTER FUNCTION current_org_id() RESET search_path;"),
    Case("volatile policy helper", "functions", "FUN002",
         "ALTER FUNCTION current_org_id() VOLATILE;"),
    Case("IMMUTABLE reads session", "functions", "FUN003",
         "CREATE FUNCTION org_label() RETURNS text LANGUAGE sql IMMUTABLE "
         "AS $$ select current_setting('app.org_id') $$;"),
    # references
    Case("*_id column without FK", "references", "REF001",
         "ALTER TABLE tasks ADD COLUMN parent_project_id uuid;"),
    Case("unindexed FK", "references", "REF003", "DROP INDEX tasks_project_id_idx;"),
    # Plain SET NULL, not SET NULL (task_id): a column list needs PostgreSQL 15, and the
    # corpus runs on every supported version.
    Case("SET NULL on NOT NULL", "references", "REF004",
         "ALTER TABLE tasks ADD UNIQUE (organization_id, id);"
         "CREATE TABLE links (id uuid PRIMARY KEY, organization_id uuid NOT NULL REFERENCES "
         "organizations ON DELETE CASCADE, task_id uuid NOT NULL, FOREIGN KEY "
         "(organization_id, task_id) REFERENCES tasks (organization_id, id) ON DELETE SET "
         "NULL);"
         "CREATE INDEX ON links (organization_id); CREATE INDEX ON links (task_id);"
         "ALTER TABLE links ENABLE ROW LEVEL SECURITY; ALTER TABLE links FORCE ROW LEVEL "
         "SECURITY; CREATE POLICY isolation ON links USING (organization_id = "
         "current_org_id()) WITH CHECK (organization_id = current_org_id());"),
    Case("cascade into audit table", "references", "REF005",
         "ALTER TABLE tasks ADD UNIQUE (organization_id, id);"
         "CREATE TABLE task_audit (id uuid PRIMARY KEY, organization_id uuid NOT NULL "
         "REFERENCES organizations ON DELETE CASCADE, task_id uuid, FOREIGN KEY "
         "(organization_id, task_id) REFERENCES tasks (organization_id, id) ON DELETE "
         "CASCADE);"
         "CREATE INDEX ON task_audit (organization_id); CREATE INDEX ON task_audit (task_id);"
         "ALTER TABLE task_audit ENABLE ROW LEVEL SECURITY; ALTER TABLE task_audit FORCE ROW "
         "LEVEL SECURITY; CREATE POLICY isolation ON task_audit USING (organization_id = "
         "current_org_id()) WITH CHECK (organization_id = current_org_id());"),
    # correct, tricky variants
    Case("correct: base schema", "correct", None, ""),
    Case("correct: restrictive policy USING (true)", "correct", None,
         "CREATE POLICY not_hidden ON tasks AS RESTRICTIVE USING (true);"),
    Case("correct: current_setting in a sub-select", "correct", None,
         "ALTER POLICY isolation ON tasks USING (organization_id = (select "
         "current_setting('app.org_id')::uuid)) WITH CHECK (organization_id = (select "
         "current_setting('app.org_id')::uuid));"),
    Case("correct: tenant via membership sub-query", "correct", None,
         "ALTER POLICY isolation ON tasks USING (organization_id IN (SELECT "
         "current_org_id())) WITH CHECK (organization_id IN (SELECT current_org_id()));"),
    Case("correct: partial index on nullable FK", "correct", None,
         "ALTER TABLE tasks ADD UNIQUE (organization_id, id);"
         "ALTER TABLE tasks ADD COLUMN parent_id uuid, ADD FOREIGN KEY (organization_id, "
         "parent_id) REFERENCES tasks (organization_id, id);"
         "CREATE INDEX ON tasks (parent_id) WHERE parent_id IS NOT NULL;"),
    Case("self-reference on id only", "tenancy", "TEN002",
         "ALTER TABLE tasks ADD COLUMN parent_id uuid REFERENCES tasks;"
         "CREATE INDEX ON tasks (parent_id);"),
    Case("correct: unique on identity column", "correct", None,
         "ALTER TABLE tasks ADD COLUMN number bigint GENERATED ALWAYS AS IDENTITY UNIQUE;"),
    Case("correct: IMMUTABLE with session words in a string", "correct", None,
         "CREATE FUNCTION label(v text) RETURNS text LANGUAGE sql IMMUTABLE "
         "AS $$ select 'now() ' || v $$;"),
    Case("correct: other column IS NULL branch", "correct", None,
         "ALTER TABLE tasks ADD COLUMN archived_at timestamptz; ALTER POLICY isolation ON "
         "tasks USING (organization_id = current_org_id() AND (archived_at IS NULL OR "
         "archived_at > now()));"),
]

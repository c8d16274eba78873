"""Recall and false alarms of `pgwright lint` on a corpus of multi-tenant schemas, against
pgrls in the same run, and the lint time of the 1,000-table benchmark spec.

Every case is the same small correct tenant schema (BASE: organizations, projects, tasks, a
SECURITY DEFINER helper, forced RLS with tenant policies) with one change: a defect that the
case names the pgwright rule of, or a correct-but-tricky variant that no tool should flag.
Each case is loaded into its own scratch database; both tools lint that database (pgwright
with `--no-spec`, since pgrls reads no spec). A tool detects a defect when it reports a rule
it does not report on BASE; it raises a false alarm when it does so on a correct variant.

    python benchmarks/lint_benchmark.py --url postgresql://root@127.0.0.1:5432/postgres
    python benchmarks/lint_benchmark.py --url ... --pgrls /path/to/pgrls   # default: on PATH
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgwright import api  # noqa: E402

TARGET_SECONDS_1000 = 0.5

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
    Case("SET NULL on NOT NULL", "references", "REF004",
         "ALTER TABLE tasks ADD UNIQUE (organization_id, id);"
         "CREATE TABLE links (id uuid PRIMARY KEY, organization_id uuid NOT NULL REFERENCES "
         "organizations ON DELETE CASCADE, task_id uuid NOT NULL, FOREIGN KEY "
         "(organization_id, task_id) REFERENCES tasks (organization_id, id) ON DELETE SET "
         "NULL (task_id));"
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
         "ALTER TABLE tasks ADD COLUMN parent_id uuid REFERENCES tasks ON DELETE SET NULL;"
         "CREATE INDEX ON tasks (parent_id) WHERE parent_id IS NOT NULL;"),
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


def with_database(url: str, database: str) -> str:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    return make_conninfo(**{**conninfo_to_dict(url), "dbname": database})


def run_case(url: str, case: Case, pgrls: str | None) -> tuple[set[str], set[str] | None]:
    name = f"pgwright_lint_{secrets.token_hex(5)}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE template0")
        try:
            case_url = with_database(url, name)
            with psycopg.connect(case_url, autocommit=True) as connection:
                connection.execute(BASE + case.sql)
            ours = {finding.rule for finding in api.lint(None, case_url).findings}
            theirs = None
            if pgrls:
                output = subprocess.run(
                    [pgrls, "lint", "--database-url", case_url, "--schemas", "public",
                     "--format", "json"], capture_output=True, text=True, timeout=300).stdout
                theirs = pgrls_rules(output)
            return ours, theirs
        finally:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def pgrls_rules(output: str) -> set[str]:
    """The rule ids of a pgrls JSON report (a list of findings, or {findings: [...]})."""
    try:
        report = json.loads(output)
    except json.JSONDecodeError:
        return set()
    findings = report.get("findings", report.get("violations", [])) \
        if isinstance(report, dict) else report
    return {str(f.get("rule") or f.get("rule_id") or f.get("id")) for f in findings
            if isinstance(f, dict)}


def lint_time_of_benchmark_spec(tables: int = 1000) -> float:
    from plan_benchmark import generate_spec

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "schema.yaml"
        path.write_text(yaml.safe_dump(generate_spec(tables), sort_keys=False))
        api.lint(path)  # the first run validates the spec and caches it, as plan does
        started = time.perf_counter()
        api.lint(path)
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a server to create scratch databases on")
    parser.add_argument("--pgrls", default=shutil.which("pgrls"), help="the pgrls executable")
    options = parser.parse_args()
    base = next(case for case in CASES if case.family == "correct" and not case.sql)
    base_ours, base_theirs = run_case(options.url, base, options.pgrls)
    rows = []
    for case in CASES:
        ours, theirs = run_case(options.url, case, options.pgrls)
        new_ours, new_theirs = ours - base_ours, (theirs - base_theirs) if theirs is not None \
            else None
        if case.expect is None:
            ours_ok = not ours
            theirs_ok = None if theirs is None else not new_theirs
        else:
            ours_ok = case.expect in ours
            theirs_ok = None if theirs is None else bool(new_theirs)
        rows.append((case, ours_ok, theirs_ok, sorted(ours), sorted(new_theirs or ())))
    print(f"{'case':<48} {'expect':<7} {'pgwright':<9} {'pgrls':<6} pgrls rules (new)")
    for case, ours_ok, theirs_ok, ours, theirs in rows:
        mark = {True: "ok", False: "MISS" if case.expect else "FALSE", None: "-"}
        print(f"{case.name:<48} {case.expect or 'clean':<7} {mark[ours_ok]:<9} "
              f"{mark[theirs_ok]:<6} {', '.join(theirs)}")
    print()
    for family in ("tenancy", "rls", "functions", "references"):
        family_rows = [row for row in rows if row[0].family == family]
        ours = sum(1 for row in family_rows if row[1])
        theirs = sum(1 for row in family_rows if row[2])
        print(f"recall {family:<11} pgwright {ours}/{len(family_rows)}   pgrls "
              f"{theirs if options.pgrls else '-'}/{len(family_rows)}")
    correct = [row for row in rows if row[0].family == "correct"]
    print(f"false alarms on {len(correct)} correct variants: pgwright "
          f"{sum(1 for row in correct if not row[1])}, pgrls "
          f"{sum(1 for row in correct if row[2] is False) if options.pgrls else '-'}"
          f" (pgrls on the correct base: {', '.join(sorted(base_theirs or ())) or 'nothing'})")
    seconds = lint_time_of_benchmark_spec()
    print(f"lint of the 1,000-table benchmark spec: {seconds * 1000:.0f} ms "
          f"(target {TARGET_SECONDS_1000 * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`pgwright lint`: each rule fires on a defect and stays silent on the correct schema.

Most cases lint a spec, no database needed: a small correct multi-tenant spec (TENANT_SPEC)
that lints clean, changed in one place per test. The `--db` cases lint a real database.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from benchmarks.lint_corpus import BASE as CORPUS_BASE
from benchmarks.lint_corpus import CASES as CORPUS
from pgwright import api
from pgwright.cli import main
from pgwright.errors import SpecError
from pgwright.lint import RULES, lint_catalog
from pgwright.lint.expressions import read_predicate
from pgwright.model import (
    Catalog,
    Column,
    ForeignKey,
    Index,
    PolymorphicReference,
    PrimaryKey,
    ReferentialAction,
    Table,
)

ROOT = Path(__file__).resolve().parent.parent

ISOLATION = {"using": "organization_id = current_org_id()",
             "with_check": "organization_id = current_org_id()"}


def tenant_rls(**policies) -> dict:
    return {"enabled": True, "force": True,
            "policies": policies or {"isolation": dict(ISOLATION)}}


def tenant_column() -> dict:
    return {"type": "uuid", "nullable": False, "references": "organizations.id",
            "on_delete": "cascade"}


TENANT_SPEC = {
    "version": 1,
    "tenancy": {"root": "organizations"},
    "functions": {"current_org_id": {
        "returns": "uuid", "language": "sql", "volatility": "stable", "security": "definer",
        "search_path": "public",
        "body": "select nullif(current_setting('app.org_id', true), '')::uuid"}},
    "tables": {
        "organizations": {
            "columns": {"id": {"type": "uuid", "primary_key": True}, "name": "text"},
            "rls": tenant_rls(isolation={"using": "id = current_org_id()",
                                         "with_check": "id = current_org_id()"}),
        },
        "projects": {
            "columns": {"id": {"type": "uuid", "primary_key": True},
                        "organization_id": tenant_column(), "name": "text"},
            "unique": [["organization_id", "id"], ["organization_id", "name"]],
            "rls": tenant_rls(),
        },
        "tasks": {
            "columns": {"id": {"type": "uuid", "primary_key": True},
                        "organization_id": tenant_column(),
                        "project_id": {"type": "uuid", "nullable": False}},
            "foreign_keys": [{"columns": ["organization_id", "project_id"],
                              "references": "projects(organization_id, id)",
                              "on_delete": "cascade"}],
            "indexes": [{"columns": ["organization_id"]}, {"columns": ["project_id"]}],
            "rls": tenant_rls(),
        },
    },
}


@pytest.fixture
def spec(tmp_path):
    """A fresh copy of TENANT_SPEC to change; ``spec.lint()`` writes it and lints it."""
    class Spec(dict):
        path = tmp_path / "schema.yaml"

        def write(self) -> Path:
            self.path.write_text(yaml.safe_dump(dict(self), sort_keys=False))
            return self.path

        def lint(self, **options):
            return api.lint(self.write(), **options)

        def codes(self, **options) -> list[str]:
            return [finding.rule for finding in self.lint(**options).findings]

    return Spec(copy.deepcopy(TENANT_SPEC))


def tables(spec) -> dict:
    return spec["tables"]


# ------------------------------------------------------------------------ the correct spec


def test_the_correct_tenant_spec_lints_clean(spec):
    assert spec.codes() == []


def test_the_example_schema_has_only_its_justified_findings():
    # schema.yaml keeps single-column foreign keys between tenant tables (TEN002: a row can
    # point into another tenant; the fix is a composite key) and one globally unique
    # storage path (TEN003). Nothing else.
    report = api.lint(ROOT / "schema.yaml")
    assert {finding.rule for finding in report.findings} == {"TEN002", "TEN003"}
    assert [f.object for f in report.findings if f.rule == "TEN003"] == [
        "public.order_attachments.order_attachments_storage_path_key"]


def test_every_rule_has_a_code_a_severity_a_hint_and_a_docs_section():
    docs = (ROOT / "docs" / "lint.md").read_text()
    for code, rule in RULES.items():
        assert rule.hint and rule.summary and rule.severity
        assert f"## {code} {rule.name}" in docs, f"{code} has no section in docs/lint.md"


# -------------------------------------------------------------------------- privileges


def granted(spec, table: str = "tasks", **grants) -> None:
    spec["roles"] = sorted({*spec.get("roles", []), *grants} - {"public"})
    tables(spec)[table]["grants"] = grants


def test_grants_that_policies_cover_lint_clean(spec):
    granted(spec, api_user=["select", "insert", "update", "delete"])
    assert spec.codes() == []


def test_prv001_fires_on_a_tenant_table_granted_without_row_level_security(spec):
    granted(spec, api_user=["select"])
    del tables(spec)["tasks"]["rls"]
    report = spec.lint()
    assert [f.rule for f in report.findings] == ["PRV001", "RLS001"]
    assert report.findings[0].message == ("public.tasks is granted to api_user without "
                                          "row-level security")


def test_prv002_fires_on_a_table_granted_to_public(spec):
    granted(spec, public=["select"])
    assert spec.codes() == ["PRV002"]


def test_prv003_fires_on_a_granted_command_no_policy_lets_the_role_use(spec):
    granted(spec, api_user=["select", "delete"])
    tables(spec)["tasks"]["rls"]["policies"]["isolation"] = {
        "command": "select", "roles": ["api_user"], "using": ISOLATION["using"]}
    report = spec.lint()
    assert [(f.rule, f.message) for f in report.findings] == [
        ("PRV003", "public.tasks grants delete to api_user, and no policy lets api_user "
                   "delete rows")]


def test_prv004_fires_on_a_policy_for_a_role_the_grants_leave_out(spec):
    granted(spec, api_user=["select"])
    spec["roles"] = ["api_admin", "api_user"]
    tables(spec)["tasks"]["rls"]["policies"]["admins"] = {
        "command": "delete", "roles": ["api_admin"], "as": "restrictive",
        "using": ISOLATION["using"]}
    assert [(f.rule, f.object) for f in spec.lint().findings] == [
        ("PRV004", "public.tasks.admins")]


# ----------------------------------------------------------------------------- tenancy


def test_ten001_fires_on_a_table_without_the_tenant_column(spec):
    tables(spec)["notes"] = {"columns": {"id": {"type": "uuid", "primary_key": True},
                                         "body": "text"}}
    report = spec.lint()
    assert [(f.rule, f.object) for f in report.findings] == [("TEN001", "public.notes")]
    assert report.findings[0].message == \
        "public.notes has no organization_id column and is not declared global"


def test_ten001_is_silent_on_a_table_declared_global(spec):
    tables(spec)["countries"] = {
        "columns": {"code": {"type": "text", "primary_key": True}},
        "lint": {"global": True, "reason": "reference data shared by every tenant"}}
    assert spec.codes() == []


def test_ten002_fires_on_a_foreign_key_between_tenant_tables_on_the_id_only(spec):
    tasks = tables(spec)["tasks"]
    tasks["columns"]["project_id"]["references"] = "projects.id"
    del tasks["foreign_keys"]
    report = spec.lint()
    assert [(f.rule, f.object) for f in report.findings] == [
        ("TEN002", "public.tasks.tasks_project_id_fkey")]
    assert report.findings[0].location.file == str(spec.path)
    assert report.findings[0].location.line is not None


def test_ten003_fires_on_a_unique_key_without_the_tenant_column(spec):
    tables(spec)["projects"]["unique"] = [["organization_id", "id"], ["name"]]
    assert spec.codes() == ["TEN003"]


def test_ten003_is_silent_on_a_unique_key_holding_a_generated_or_owned_value(spec):
    tasks = tables(spec)["tasks"]
    tasks["columns"]["number"] = {"type": "bigint", "nullable": False, "identity": "always"}
    tasks["columns"]["position"] = {"type": "integer", "nullable": False}
    tasks["unique"] = [["number"], ["project_id", "position"]]
    assert spec.codes() == []


def test_ten004_fires_when_deleting_a_tenant_deletes_rows_another_tenant_owns(spec):
    transfers = {"columns": {
        "id": {"type": "uuid", "primary_key": True},
        "organization_id": tenant_column(),
        "counterparty_id": {"type": "uuid", "nullable": False,
                            "references": "organizations.id", "on_delete": "cascade"}},
        "indexes": [{"columns": ["organization_id"]}, {"columns": ["counterparty_id"]}],
        "rls": tenant_rls()}
    tables(spec)["transfers"] = transfers
    report = spec.lint()
    assert [(f.rule, f.object) for f in report.findings] == [("TEN004", "public.transfers")]
    assert "can belong to two tenants at once" in report.findings[0].message


# ---------------------------------------------------------------------------------- RLS


def test_rls001_fires_on_a_tenant_table_without_row_level_security(spec):
    del tables(spec)["tasks"]["rls"]
    assert spec.codes() == ["RLS001"]


def test_rls002_fires_on_row_level_security_without_policies(spec):
    tables(spec)["tasks"]["rls"] = {"enabled": True, "force": True}
    assert spec.codes() == ["RLS002"]


def test_rls003_fires_on_row_level_security_not_forced(spec):
    tables(spec)["tasks"]["rls"]["force"] = False
    assert spec.codes() == ["RLS003"]


@pytest.mark.parametrize("using, shown", [
    ("organization_id = current_org_id() OR organization_id IS NULL",
     "USING (... OR organization_id IS NULL)"),
    ("organization_id = current_org_id() OR true", "USING (... OR true)"),
    ("true", "USING (true)"),
])
def test_rls004_fires_on_a_policy_that_lets_rows_escape_the_tenant(spec, using, shown):
    tables(spec)["tasks"]["rls"]["policies"]["isolation"]["using"] = using
    report = spec.lint()
    assert [f.rule for f in report.findings] == ["RLS004"]
    assert report.findings[0].message == \
        f"public.tasks.isolation lets rows of every tenant through: {shown}"


def test_rls004_is_silent_on_a_restrictive_policy_and_on_null_tests_of_other_columns(spec):
    policies = tables(spec)["tasks"]["rls"]["policies"]
    policies["isolation"]["using"] = \
        "organization_id = current_org_id() AND (project_id IS NULL OR project_id IS NOT NULL)"
    policies["not_archived"] = {"as": "restrictive", "using": "true"}
    assert spec.codes() == []


def test_rls005_fires_on_an_insert_policy_without_with_check(spec):
    tables(spec)["tasks"]["rls"]["policies"] = {
        "read": {"command": "select", "using": ISOLATION["using"]},
        "write": {"command": "insert"}}
    assert spec.codes() == ["RLS005"]


def test_rls005_fires_on_a_with_check_wider_than_using(spec):
    tables(spec)["tasks"]["rls"]["policies"]["isolation"]["with_check"] = "project_id IS NOT NULL"
    assert spec.codes() == ["RLS005"]


def test_rls006_fires_on_a_policy_that_does_not_restrict_the_tenant(spec):
    tables(spec)["tasks"]["rls"]["policies"]["isolation"] = {
        "using": "project_id IS NOT NULL", "with_check": "project_id IS NOT NULL"}
    report = spec.lint()
    assert [(f.rule, f.message) for f in report.findings] == [
        ("RLS006", "public.tasks.isolation USING and WITH CHECK does not restrict organization_id")]


def test_rls006_accepts_a_declared_helper_given_the_tenant_column(spec):
    spec["functions"]["is_member"] = {
        "returns": "boolean", "language": "sql", "volatility": "stable",
        "args": [{"name": "org", "type": "uuid"}], "body": "select org = current_org_id()"}
    tables(spec)["tasks"]["rls"]["policies"]["isolation"] = {
        "using": "is_member(organization_id)", "with_check": "is_member(organization_id)"}
    assert spec.codes() == []


def test_rls007_fires_on_current_setting_called_per_row(spec):
    tables(spec)["tasks"]["rls"]["policies"]["isolation"] = {
        "using": "organization_id = current_setting('app.org_id')::uuid",
        "with_check": "organization_id = (select current_setting('app.org_id')::uuid)"}
    report = spec.lint()
    assert [(f.rule, f.message) for f in report.findings] == [
        ("RLS007", "public.tasks.isolation calls current_setting() once per row")]


def test_rls008_fires_on_two_permissive_policies_for_the_same_role_and_command(spec):
    tables(spec)["tasks"]["rls"]["policies"]["read_too"] = {
        "command": "select", "using": ISOLATION["using"]}
    report = spec.lint()
    assert [f.rule for f in report.findings] == ["RLS008"]
    assert "isolation, read_too" in report.findings[0].message


def test_rls009_fires_on_a_policy_reading_a_tenant_table_without_rls(spec):
    del tables(spec)["projects"]["rls"]
    tables(spec)["tasks"]["rls"]["policies"]["isolation"] = {
        "using": "EXISTS (SELECT 1 FROM projects p WHERE p.id = project_id "
                 "AND p.organization_id = current_org_id()) AND "
                 "organization_id = current_org_id()",
        "with_check": ISOLATION["with_check"]}
    assert spec.codes() == ["RLS001", "RLS009"]


def test_rls011_fires_on_policies_with_row_level_security_disabled(spec):
    tables(spec)["tasks"]["rls"]["enabled"] = False
    tables(spec)["tasks"]["rls"]["force"] = False
    assert spec.codes() == ["RLS011"]


# ----------------------------------------------------------------------------- functions


def test_fun001_fires_on_security_definer_without_search_path(spec):
    del spec["functions"]["current_org_id"]["search_path"]
    report = spec.lint()
    assert [(f.rule, f.object) for f in report.findings] == [
        ("FUN001", "public.current_org_id()")]


def test_fun002_fires_on_a_volatile_helper_called_by_a_policy(spec):
    spec["functions"]["current_org_id"]["volatility"] = "volatile"
    assert spec.codes() == ["FUN002"]


def test_fun003_fires_on_an_immutable_function_reading_session_state(spec):
    spec["functions"]["current_org_id"]["volatility"] = "immutable"
    report = spec.lint()
    assert [(f.rule, f.message) for f in report.findings] == [
        ("FUN003", "public.current_org_id() is IMMUTABLE but uses current_setting")]


def test_fun003_ignores_session_words_in_comments_and_strings(spec):
    spec["functions"]["label"] = {
        "returns": "text", "language": "sql", "volatility": "immutable",
        "args": [{"name": "value", "type": "text"}],
        "body": "select 'now() ' || value -- not current_user\n"}
    assert spec.codes() == []


# ---------------------------------------------------------------------------- references


def test_ref001_fires_on_an_id_column_without_a_key_or_declaration(spec):
    tables(spec)["tasks"]["columns"]["assignee_project_id"] = "uuid"
    report = spec.lint()
    assert [(f.rule, f.object) for f in report.findings] == [
        ("REF001", "public.tasks.assignee_project_id")]


def test_ref001_is_silent_on_a_declared_polymorphic_reference(spec):
    tasks = tables(spec)["tasks"]
    tasks["columns"]["subject_type"] = "text"
    tasks["columns"]["subject_id"] = "uuid"
    tasks["polymorphic"] = {"subject_id": {
        "discriminator": "subject_type", "targets": {"project": "projects.id"},
        "reason": "one table of comments for every kind of subject"}}
    assert spec.codes() == []


def test_ref002_fires_on_a_polymorphic_target_that_does_not_exist():
    # The spec validator refuses an unknown target, so this is a model built by hand.
    table = Table("public", "comments", columns=(Column("subject_id", "uuid"),),
                  polymorphic=(PolymorphicReference(
                      "subject_id", (("page", "public", "pages", "id"),), "reason"),))
    report = lint_catalog(Catalog(tables=(table,)))
    assert [(f.rule, f.object) for f in report.findings] == [
        ("REF002", "public.comments.subject_id")]


def test_ref003_fires_on_a_foreign_key_without_an_index(spec):
    tables(spec)["tasks"]["indexes"] = [{"columns": ["organization_id"]}]
    report = spec.lint()
    assert [(f.rule, f.object) for f in report.findings] == [
        ("REF003", "public.tasks.tasks_organization_id_project_id_fkey")]


def test_ref003_accepts_a_partial_index_that_leaves_out_only_null_references(spec):
    tasks = tables(spec)["tasks"]
    tasks["columns"]["parent_id"] = {"type": "uuid", "references": "tasks.id",
                                     "on_delete": "set null"}
    tasks["indexes"].append({"columns": ["parent_id"], "where": "parent_id IS NOT NULL"})
    assert spec.codes(disabled=["TEN002"]) == []
    tasks["indexes"][-1]["where"] = "parent_id IS NOT NULL AND organization_id IS NOT NULL"
    assert spec.codes(disabled=["TEN002"]) == ["REF003"]


def test_ref004_fires_on_set_null_of_a_not_null_column():
    # The spec validator refuses this (a database can hold it): a model built by hand.
    def catalog(nullable: bool) -> Catalog:
        parent = Table("public", "projects", columns=(Column("id", "uuid", nullable=False),))
        child = Table(
            "public", "tasks", columns=(Column("project_id", "uuid", nullable=nullable),),
            foreign_keys=(ForeignKey("tasks_project_id_fkey", ("project_id",), "public",
                                     "projects", ("id",), on_delete=ReferentialAction.SET_NULL),))
        return Catalog(tables=(parent, child))

    def codes(nullable: bool) -> list[str]:
        return [f.rule for f in lint_catalog(catalog(nullable)).findings]

    assert codes(nullable=False) == ["REF003", "REF004"]
    assert codes(nullable=True) == ["REF003"]


def test_ref005_fires_on_a_cascade_into_a_table_that_outlives_its_subject(spec):
    tables(spec)["task_audit"] = {
        "outlives": True,
        "columns": {"id": {"type": "uuid", "primary_key": True},
                    "organization_id": tenant_column(),
                    "task_id": {"type": "uuid", "references": "tasks.id",
                                "on_delete": "cascade"}},
        "indexes": [{"columns": ["organization_id"]}, {"columns": ["task_id"]}],
        "rls": tenant_rls()}
    codes = spec.codes(disabled=["TEN002"])
    assert codes == ["REF005"]
    tables(spec)["task_audit"]["columns"]["task_id"]["on_delete"] = "set null"
    assert spec.codes(disabled=["TEN002"]) == []  # and the tenant's own cascade is fine


def test_ref006_notes_a_self_referencing_cascade(spec):
    tasks = tables(spec)["tasks"]
    tasks["columns"]["parent_id"] = {"type": "uuid", "references": "tasks.id",
                                     "on_delete": "cascade"}
    tasks["indexes"].append({"columns": ["parent_id"]})
    report = spec.lint(disabled=["TEN002"])  # tasks.id alone may be another tenant's task
    assert [(f.rule, f.severity.value) for f in report.findings] == [("REF006", "info")]


# ------------------------------------------------------------------ config and suppressions


def test_a_lint_ignore_with_its_reason_suppresses_the_finding(spec):
    tables(spec)["tasks"]["rls"]["force"] = False
    tables(spec)["tasks"]["lint"] = {"ignore": ["RLS003"], "reason": "owner is the app"}
    report = spec.lint()
    assert report.findings == ()
    assert [finding.rule for finding, _ in report.suppressed] == ["RLS003"]


def test_a_lint_ignore_that_matches_nothing_is_itself_reported(spec):
    tables(spec)["tasks"]["lint"] = {"ignore": ["RLS003"], "reason": "owner is the app"}
    report = spec.lint()
    assert [(f.rule, f.object) for f in report.findings] == [("LNT001", "public.tasks")]


def test_a_column_lint_ignore_covers_that_column_only(spec):
    tables(spec)["tasks"]["columns"]["legacy_project_id"] = {
        "type": "uuid", "lint": {"ignore": ["REF001"], "reason": "id in the old system"}}
    assert spec.codes() == []


def test_a_lint_ignore_needs_a_reason_and_known_codes(spec):
    tables(spec)["tasks"]["lint"] = {"ignore": ["RLS999"]}
    with pytest.raises(SpecError) as raised:
        spec.lint()
    messages = [problem.message for problem in raised.value.problems]
    assert "unknown lint rule 'RLS999'" in messages
    assert "a lint ignore or global declaration needs a reason" in messages


def test_rules_disabled_in_the_spec_do_not_run(spec):
    del tables(spec)["tasks"]["rls"]
    spec["lint"] = {"disable": ["RLS001"]}
    assert spec.codes() == []


def test_a_policy_predicate_that_does_not_parse_yields_no_finding():
    assert not read_predicate("organization_id = = 1").readable


# --------------------------------------------------------------------------- the CLI


def test_cli_exits_1_on_errors_and_prints_json(spec):
    del tables(spec)["tasks"]["rls"]
    result = CliRunner().invoke(main, ["lint", "-s", str(spec.write()), "--format", "json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert findings == [{
        "rule": "RLS001", "severity": "error", "object": "public.tasks",
        "message": "public.tasks is a tenant table without row-level security",
        "hint": RULES["RLS001"].hint,
        "location": {"file": str(spec.path), "line": findings[0]["location"]["line"],
                     "path": "tables.tasks"}}]


def test_cli_exits_0_on_warnings_and_2_with_strict(spec):
    tables(spec)["tasks"]["rls"]["force"] = False
    path = str(spec.write())
    assert CliRunner().invoke(main, ["lint", "-s", path]).exit_code == 0
    assert CliRunner().invoke(main, ["lint", "-s", path, "--strict"]).exit_code == 2
    assert CliRunner().invoke(main, ["lint", "-s", path, "--fail-on", "warning"]).exit_code == 1


def test_cli_sarif_names_rules_and_spec_lines(spec):
    tables(spec)["tasks"]["rls"]["force"] = False
    result = CliRunner().invoke(main, ["lint", "-s", str(spec.write()), "--format", "sarif"])
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert "RLS003" in [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    [result_] = run["results"]
    assert result_["ruleId"] == "RLS003" and result_["level"] == "warning"
    location = result_["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == str(spec.path)
    assert location["region"]["startLine"] > 1


def test_cli_github_format_writes_annotations(spec):
    tables(spec)["tasks"]["rls"]["force"] = False
    result = CliRunner().invoke(main, ["lint", "-s", str(spec.write()), "--format", "github"])
    assert result.stdout.startswith(f"::warning file={spec.path},line=")
    assert "title=RLS003::" in result.stdout


# ------------------------------------------------------------------- a live database


def test_lint_of_a_pushed_correct_spec_is_clean_on_the_database(spec, database_url):
    api.push(spec.write(), database_url)
    assert spec.codes(database_url=database_url) == []


def test_lint_finds_what_was_changed_on_the_database_behind_the_spec(spec, database_url, db):
    api.push(spec.write(), database_url)
    db.execute("ALTER TABLE public.tasks NO FORCE ROW LEVEL SECURITY")
    db.execute("ALTER POLICY isolation ON public.projects USING "
               "(organization_id = current_org_id() OR organization_id IS NULL)")
    report = spec.lint(database_url=database_url)
    assert [(f.rule, f.object) for f in report.findings] == [
        ("RLS004", "public.projects.isolation"), ("RLS003", "public.tasks")]
    # the spec's lines, for a table the spec declares
    assert all(f.location and f.location.file == str(spec.path) for f in report.findings)


def test_lint_audits_a_database_with_no_spec(db, database_url):
    db.execute("""
        CREATE TABLE organizations (id uuid PRIMARY KEY);
        CREATE TABLE projects (id uuid PRIMARY KEY,
            organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE);
        CREATE TABLE tasks (id uuid PRIMARY KEY,
            organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
            project_id uuid NOT NULL REFERENCES projects);
        CREATE INDEX ON projects (organization_id);
        CREATE INDEX ON tasks (organization_id);
        CREATE INDEX ON tasks (project_id);
    """)
    result = CliRunner().invoke(main, ["lint", "--db", database_url, "--no-spec",
                                       "--format", "json"])
    found = {(f["rule"], f["object"]) for f in json.loads(result.stdout)}
    assert ("TEN002", "public.tasks.tasks_project_id_fkey") in found
    assert {("RLS001", "public.projects"), ("RLS001", "public.tasks"),
            ("RLS001", "public.organizations")} <= found
    assert all(f["location"] is None for f in json.loads(result.stdout))
    assert result.exit_code == 1


def test_ref007_fires_on_orphans_of_a_polymorphic_reference(spec, database_url, db):
    tasks = tables(spec)["tasks"]
    tasks["columns"]["subject_type"] = "text"
    tasks["columns"]["subject_id"] = "uuid"
    tasks["polymorphic"] = {"subject_id": {
        "discriminator": "subject_type", "targets": {"project": "projects.id"},
        "reason": "one table of tasks for every kind of subject"}}
    api.push(spec.write(), database_url)
    org, project = "00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-0000000000b1"
    db.execute("INSERT INTO organizations (id) VALUES (%s)", (org,))
    db.execute("INSERT INTO projects (id, organization_id) VALUES (%s, %s)", (project, org))
    db.execute("INSERT INTO tasks (id, organization_id, project_id, subject_type, subject_id) "
               "VALUES (gen_random_uuid(), %s, %s, 'project', %s)", (org, project, project))
    assert spec.codes(database_url=database_url) == []
    db.execute("INSERT INTO tasks (id, organization_id, project_id, subject_type, subject_id) "
               "VALUES (gen_random_uuid(), %s, %s, 'project', gen_random_uuid())",
               (org, project))
    report = spec.lint(database_url=database_url)
    assert [(f.rule, f.object) for f in report.findings] == [
        ("REF007", "public.tasks.subject_id")]
    assert "1 row(s)" in report.findings[0].message


def test_rls010_fires_on_a_policy_for_a_role_that_bypasses_rls(spec, database_url, db):
    role = "pgwright_lint_bypass_" + db.info.dbname.rsplit("_", 1)[-1]
    db.execute(f"CREATE ROLE {role} BYPASSRLS")
    try:
        api.push(spec.write(), database_url)
        db.execute(f"CREATE POLICY admin ON public.tasks AS RESTRICTIVE TO {role} USING (true)")
        report = spec.lint(database_url=database_url)
        assert [(f.rule, f.object) for f in report.findings] == [
            ("RLS010", "public.tasks.admin")]
    finally:
        db.execute("DROP POLICY IF EXISTS admin ON public.tasks")
        db.execute(f"DROP ROLE {role}")



# ------------------------------------------------------------------------ the seed corpus


@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
def test_the_corpus_defect_is_found_and_correct_variants_are_clean(case, db, database_url):
    db.execute(CORPUS_BASE + case.sql)
    found = [finding.rule for finding in api.lint(None, database_url).findings]
    if case.expect is None:
        assert found == []
    else:
        assert found == [case.expect]


def test_a_guessed_tenant_root_that_is_not_named_like_a_tenant_is_not_used():
    # Without tenancy: in a spec, lint guesses the root like the docs do, and keeps the guess
    # only for a tenant's name: here `approvers` is referenced by every table, and is not one.
    approvers = Table("public", "approvers", columns=(Column("id", "uuid", nullable=False),))

    def child(name: str) -> Table:
        return Table("public", name, columns=(Column("approver_id", "uuid", nullable=False),),
                     foreign_keys=(ForeignKey(f"{name}_approver_id_fkey", ("approver_id",),
                                              "public", "approvers", ("id",)),),
                     indexes=(Index(f"{name}_approver_id_idx", ("approver_id",)),))

    others = (Table("public", "notes"), child("steps"), child("decisions"))
    assert lint_catalog(Catalog(tables=(approvers, *others))).findings == ()
    organizations = replace(approvers, name="organizations")
    renamed = tuple(replace(table, foreign_keys=tuple(
        replace(fk, target_table="organizations") for fk in table.foreign_keys))
        for table in others)
    codes = {f.rule for f in lint_catalog(Catalog(tables=(organizations, *renamed))).findings}
    assert {"TEN001", "RLS001"} <= codes


def test_ref001_is_silent_on_the_tables_own_identifier():
    events = Table("public", "events", columns=(Column("event_id", "uuid", nullable=False),),
                   primary_key=PrimaryKey("events_pkey", ("event_id",)))
    keyed = Table("public", "streams", columns=(Column("id", "uuid", nullable=False),),
                  primary_key=PrimaryKey("streams_pkey", ("id",)))
    assert lint_catalog(Catalog(tables=(events, keyed))).findings == ()
    unkeyed = replace(events, primary_key=None)
    assert [f.rule for f in lint_catalog(Catalog(tables=(unkeyed, keyed))).findings] == ["REF001"]


def test_a_spec_with_lint_settings_validates_and_plans_like_any_other(tmp_path, database_url):
    from pgwright import api

    spec = tmp_path / "schema.yaml"
    spec.write_text("version: 1\nlint: {disable: [RLS003]}\ntables:\n  countries:\n"
                    "    lint: {global: true, reason: shared reference data}\n    columns:\n"
                    "      id: {type: integer, primary_key: true}\n"
                    "      legacy_id: {type: integer, lint: {ignore: [REF001], reason: old ids}}\n")
    assert api.validate(spec) == []
    api.push(spec, database_url)
    assert api.plan(spec, database_url).is_empty

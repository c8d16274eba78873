"""The edit -> generate -> apply loop as a user meets it: generate never writes a migration
the server refuses, a migration that failed at apply can be written again, and two
branches that numbered a migration alike can be renumbered. Through the CLI, on the real
server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pgwright.cli import main
from tests.pgcatalog import table_names

TASKS = """\
version: 1
tables:
  tasks:
    columns:
      id: {type: integer, primary_key: true}
      title: {type: text, nullable: false}
"""


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def project(tmp_path: Path, database_url: str, monkeypatch):
    """A project folder with the spec TASKS, run from inside it against a fresh database."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    (tmp_path / "schema.yaml").write_text(TASKS)
    return tmp_path


def versions(project: Path) -> list[str]:
    folder = project / "migrations" / "versions"
    return sorted(p.name for p in folder.glob("*.sql")) if folder.exists() else []


def spec_with(project: Path, extra: str) -> None:
    (project / "schema.yaml").write_text(TASKS + extra)


def test_generate_refuses_a_check_naming_a_missing_column_and_names_its_spec_line(project):
    spec_with(project, "    checks:\n      title_present: length(trim(titel)) > 0\n")
    result = invoke("generate", "-m", "tasks")
    assert result.exit_code == 1
    assert 'column "titel" does not exist' in result.stderr
    assert "schema.yaml:8 tables.tasks.checks.title_present" in result.stderr
    assert versions(project) == []


def test_generate_refuses_a_policy_calling_an_undeclared_function(project):
    spec_with(project, "    rls:\n      enabled: true\n      policies:\n        by_tenant:\n"
                       "          using: id = current_tenant_id()\n")
    result = invoke("generate", "-m", "tasks")
    assert result.exit_code == 1, result.output
    assert "current_tenant_id() does not exist" in result.stderr
    assert "tables.tasks.rls.policies.by_tenant" in result.stderr
    assert versions(project) == []


def test_generate_refuses_a_default_of_the_wrong_type_on_an_existing_table(project):
    assert invoke("generate", "-m", "tasks").exit_code == 0
    assert invoke("apply").exit_code == 0
    spec_with(project, "      due: {type: date, default: 'not a date'}\n")
    result = invoke("generate", "-m", "due")
    assert result.exit_code == 1
    assert "not a date" in result.stderr
    assert versions(project) == ["0001_tasks.sql"]


def test_generate_proves_the_new_migration_after_the_pending_ones(project, db):
    """Rows a pending migration inserts make the new NOT NULL column fail: the proof runs
    the pending migration first, so generate refuses instead of writing a failing file."""
    assert invoke("generate", "-m", "tasks").exit_code == 0
    data = project / "migrations" / "versions" / "0001_tasks.sql"
    data.write_text(data.read_text() + "\nINSERT INTO public.tasks VALUES (1, 'first');\n")
    spec_with(project, "      owner: {type: text, nullable: false}\n")
    result = invoke("generate", "-m", "owner")
    assert result.exit_code == 1
    assert "the new migration would fail at statement" in result.stderr
    assert versions(project) == ["0001_tasks.sql"]
    assert table_names(db) == []  # the proof was rolled back


def test_generate_names_the_stale_pending_migration_and_the_way_out(project):
    assert invoke("generate", "-m", "tasks").exit_code == 0
    broken = project / "migrations" / "versions" / "0001_tasks.sql"
    broken.write_text(broken.read_text().replace("title text", "title no_such_type"))
    assert invoke("apply").exit_code == 1
    result = invoke("generate", "-m", "tasks again")
    assert result.exit_code == 1
    assert "migrations/versions/0001_tasks.sql does not replay" in result.stderr
    assert "generate --replace" in result.stderr


def test_generate_replace_rewrites_the_latest_unapplied_migration_under_its_number(project, db):
    assert invoke("generate", "-m", "tasks").exit_code == 0
    broken = project / "migrations" / "versions" / "0001_tasks.sql"
    broken.write_text(broken.read_text().replace("title text", "title no_such_type"))
    result = invoke("generate", "--replace", "-m", "tasks fixed")
    assert result.exit_code == 0, result.output
    assert versions(project) == ["0001_tasks_fixed.sql"]
    assert invoke("apply").exit_code == 0
    assert table_names(db) == ["tasks"]


def test_generate_replace_never_touches_an_applied_migration(project):
    assert invoke("generate", "-m", "tasks").exit_code == 0
    assert invoke("apply").exit_code == 0
    result = invoke("generate", "--replace", "-m", "again")
    assert result.exit_code == 1
    assert "nothing to replace" in result.stderr
    assert versions(project) == ["0001_tasks.sql"]


def two_branches(project: Path) -> None:
    """Migrations 0002 on two branches, merged: each adds a column."""
    assert invoke("generate", "-m", "tasks").exit_code == 0
    folder = project / "migrations" / "versions"
    spec_with(project, "      a: {type: text}\n")
    assert invoke("generate", "-m", "branch a").exit_code == 0
    aside = {p.name: p.read_text() for p in folder.glob("0002_*")}
    for name in aside:
        (folder / name).unlink()
    spec_with(project, "      b: {type: text}\n")
    assert invoke("generate", "-m", "branch b").exit_code == 0
    for name, text in aside.items():
        (folder / name).write_text(text)
    spec_with(project, "      a: {type: text}\n      b: {type: text}\n")


def test_a_revision_number_used_twice_is_reported_with_both_files(project):
    two_branches(project)
    result = invoke("apply")
    assert result.exit_code == 1
    assert "0002_branch_a.sql and 0002_branch_b.sql" in result.stderr
    assert "pgwright renumber" in result.stderr


def test_renumber_moves_the_unapplied_migration_after_the_others(project):
    two_branches(project)
    result = invoke("renumber")
    assert result.exit_code == 0, result.output
    assert "0002_branch_b.sql -> 0003_branch_b.sql" in result.stderr
    assert versions(project) == ["0001_tasks.sql", "0002_branch_a.sql", "0003_branch_b.sql"]
    assert invoke("apply").exit_code == 0
    assert invoke("check").exit_code == 0


def test_renumber_keeps_the_number_of_the_migration_the_database_applied(project):
    two_branches(project)
    folder = project / "migrations" / "versions"
    aside = {p.name: p.read_text() for p in folder.glob("0002_branch_a.*")}
    for name in aside:
        (folder / name).unlink()
    assert invoke("apply").exit_code == 0  # this database ran branch b's 0002
    for name, text in aside.items():
        (folder / name).write_text(text)
    assert invoke("renumber").exit_code == 1  # which one ran is not recorded
    result = invoke("renumber", "--move", "0002_branch_a.sql")
    assert result.exit_code == 0, result.output
    assert versions(project) == ["0001_tasks.sql", "0002_branch_b.sql", "0003_branch_a.sql"]
    assert invoke("apply").exit_code == 0
    assert invoke("check").exit_code == 0


def test_a_message_with_accents_gives_a_transliterated_file_name(project):
    result = invoke("generate", "-m", "tâches ünï")
    assert result.exit_code == 0
    assert versions(project) == ["0001_taches_uni.sql"]


def test_check_right_after_generate_says_a_migration_is_pending_not_drift(project):
    assert invoke("generate", "-m", "tasks").exit_code == 0
    result = invoke("check")
    assert result.exit_code == 2
    assert "pending: 1 migration(s) not applied yet (0001_tasks)" in result.stderr
    assert "pgwright apply" in result.stderr
    assert "drift" not in result.stderr


def test_check_json_tells_pending_from_drift(project):
    assert invoke("generate", "-m", "tasks").exit_code == 0
    pending = json.loads(invoke("check", "--json").stdout)
    assert (pending["state"], pending["pending"]) == ("pending", ["0001_tasks"])
    spec_with(project, "      due: {type: date}\n")
    drifted = json.loads(invoke("check", "--json").stdout)
    assert drifted["state"] == "drift"
    assert [o["description"] for o in drifted["operations"]] == ["add column public.tasks.due"]


def test_check_reads_the_migrations_folder_given(project, tmp_path):
    assert invoke("generate", "-m", "tasks", "--migrations", "elsewhere").exit_code == 0
    assert not (project / "migrations").exists()
    assert "drift" in invoke("check").stderr
    assert "pending" in invoke("check", "--migrations", "elsewhere").stderr


def test_status_lists_applied_and_pending_migrations(project):
    assert invoke("generate", "-m", "tasks").exit_code == 0
    assert invoke("apply").exit_code == 0
    spec_with(project, "      due: {type: date}\n")
    assert invoke("generate", "-m", "due").exit_code == 0
    result = invoke("status")
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "applied  0001_tasks", "pending  0002_due",
        "the database matches the spec once the pending migration(s) run: pgwright apply"]
    assert invoke("apply").exit_code == 0
    assert invoke("status").exit_code == 0


def test_status_json(project):
    assert invoke("generate", "-m", "tasks").exit_code == 0
    document = json.loads(invoke("status", "--json").stdout)
    assert (document["state"], document["applied"], document["pending"]) == \
        ("pending", [], ["0001_tasks"])


def test_plan_notes_pending_migrations(project):
    assert invoke("generate", "-m", "tasks").exit_code == 0
    result = invoke("plan")
    assert "note: 1 migration(s) in migrations not applied yet (0001_tasks)" in result.stderr


def test_generate_baseline_adopts_an_inspected_database(project, db, database_url):
    db.execute("CREATE TABLE tasks (id integer PRIMARY KEY, title text NOT NULL)")
    result = invoke("generate", "--baseline", "-m", "baseline")
    assert result.exit_code == 0, result.output
    assert versions(project) == ["0001_baseline.sql"]
    assert "up to date" in invoke("apply").stderr  # recorded as applied, not run here
    assert invoke("check").exit_code == 0
    # a fresh environment gets the schema from the baseline
    from pgwright.connect import with_database

    name = db.info.dbname + "_fresh"  # not from the URL: it may end in ?host=...
    fresh = with_database(database_url, name)
    db.execute(f"CREATE DATABASE {name}")
    try:
        assert invoke("apply", "--db", fresh).exit_code == 0
        assert invoke("check", "--db", fresh).exit_code == 0
    finally:
        db.execute(f"DROP DATABASE {name}")


def test_generate_baseline_refuses_a_database_that_does_not_match_the_spec(project):
    result = invoke("generate", "--baseline", "-m", "baseline")
    assert result.exit_code == 1
    assert "does not match the spec" in result.stderr
    assert versions(project) == []


def test_library_verbs_use_the_project_database_when_given_none(project):
    from pgwright import api

    assert not api.plan("schema.yaml", None).is_empty
    migration, _ = api.generate("schema.yaml", None, "migrations", "tasks", docs_dir="docs/schema")
    assert migration.name == "0001_tasks"
    assert (project / "docs" / "schema").is_dir()  # refreshed, as the CLI does
    assert [m.name for m in api.apply(None, "migrations")] == ["0001_tasks"]
    assert api.check("schema.yaml").is_empty


def test_check_without_migrations_ignores_the_revision_another_project_recorded(project, db):
    """A push-only project's CI: the database's version table is not this folder's concern."""
    db.execute("CREATE SCHEMA pgwright; CREATE TABLE pgwright.alembic_version "
               "(version_num varchar(32) PRIMARY KEY); INSERT INTO pgwright.alembic_version "
               "VALUES ('0042')")
    assert invoke("push", "--yes").exit_code == 0
    assert invoke("check").exit_code == 0


def test_generate_with_a_dev_database_replays_every_migration_there_and_never_touches_the_target(
        project, db, database_url, monkeypatch):
    # The target is out of reach: generate must not need it.
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/nowhere")
    assert invoke("generate", "-m", "tasks", "--dev-db", database_url).exit_code == 0
    spec_with(project, "      notes: {type: text}\n")

    result = invoke("generate", "-m", "notes", "--dev-db", database_url)

    assert result.exit_code == 0, result.output
    assert versions(project) == ["0001_tasks.sql", "0002_notes.sql"]
    second = (project / "migrations" / "versions" / "0002_notes.sql").read_text()
    assert "ADD COLUMN IF NOT EXISTS notes" in second and "CREATE TABLE" not in second
    assert table_names(db) == []  # the dev database is where it ran, not this one
    assert db.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'pgwright_dev_%'"
                      ).fetchone()[0] == 0
    # The migrations it wrote bring the real target to the spec.
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert invoke("apply").exit_code == 0
    assert invoke("check").exit_code == 0


def test_generate_with_a_dev_database_refuses_a_migration_the_server_rejects(project, database_url):
    spec_with(project, "    checks:\n      title_present: length(trim(titel)) > 0\n")

    result = invoke("generate", "-m", "tasks", "--dev-db", database_url)

    assert result.exit_code == 1
    assert "schema.yaml:8 tables.tasks.checks.title_present" in result.stderr
    assert versions(project) == []


def test_plan_prints_the_specs_lint_summary_when_asked_and_generate_always(project):
    assert "lint: no findings in the spec" in invoke("plan", "--lint").stderr
    assert "lint:" not in invoke("plan").stderr  # not a terminal: a script does not pay for it
    assert "lint: no findings in the spec" in invoke("generate", "-m", "tasks").stderr

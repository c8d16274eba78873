"""What plan, check and push print in a pipe or a CI log (no terminal): every name in
full, one change per thing a reviewer reads, and SQL that psql runs as documented."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pgcatalog import table_names

LONG = "tasks_reporter_assignments"
SPEC = f"""\
version: 1
tables:
  people:
    columns:
      id: {{type: integer, primary_key: true}}
  {LONG}:
    columns:
      id: {{type: integer, primary_key: true}}
      person_id: {{type: integer, references: people.id, on_delete: cascade}}
    indexes:
      - columns: [person_id]
"""


def pgwright(project: Path, database_url: str, *args: str, stdin: str | None = None):
    """The CLI in a subprocess, as a CI job runs it: stdout and stderr are pipes."""
    environment = {**os.environ, "DATABASE_URL": database_url, "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-m", "pgwright.cli", *args], cwd=project,
                          env=environment, capture_output=True, text=True, input=stdin)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "schema.yaml").write_text(SPEC.replace("\n    indexes:\n      - columns: [person_id]", ""))
    return tmp_path


def psql(database_url: str, *args: str, sql: str):
    return subprocess.run(["psql", database_url, "-v", "ON_ERROR_STOP=1", "-q", *args],
                          input=sql, capture_output=True, text=True)


def test_refused_plan_prints_full_names_and_the_way_out_without_a_terminal(project, database_url,
                                                                           db):
    db.execute(f"CREATE TABLE people (id integer PRIMARY KEY); CREATE TABLE {LONG} "
               "(id integer PRIMARY KEY, person_id integer); "
               f"INSERT INTO {LONG} VALUES (1, 42)")
    result = pgwright(project, database_url, "plan")
    assert result.returncode == 3, result.stderr
    assert f"public.{LONG}  {LONG}_person_id_fkey  1 row(s)" in result.stderr
    assert "…" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert "orphans: delete" in last and "orphans: set_null" in last


def test_an_on_delete_change_is_one_change_from_the_old_rule_to_the_new(project, database_url):
    assert pgwright(project, database_url, "push", "--yes").returncode == 0
    (project / "schema.yaml").write_text(
        (project / "schema.yaml").read_text().replace("on_delete: cascade", "on_delete: restrict"))
    text = pgwright(project, database_url, "plan")
    assert f"~ change foreign key public.{LONG}.{LONG}_person_id_fkey: on delete cascade -> " \
        "restrict" in text.stderr
    assert "drop foreign key" not in text.stderr and "1 change(s)" in text.stderr
    document = json.loads(pgwright(project, database_url, "plan", "--json").stdout)
    assert document["changes"] == 1
    [change] = document["operations"]
    assert (change["kind"], change["from"], change["to"]) == \
        ("ChangeForeignKey", {"on delete": "cascade"}, {"on delete": "restrict"})
    assert len(change["statements"]) >= 2


def test_plan_help_explains_the_markers(project, database_url):
    result = pgwright(project, database_url, "plan", "--help")
    assert "+ adds, ~ changes, - removes" in result.stdout


def test_plan_piped_to_psql_runs_when_it_builds_an_index_on_an_existing_table(project, database_url,
                                                                              db):
    assert pgwright(project, database_url, "push", "--yes").returncode == 0
    (project / "schema.yaml").write_text(SPEC)
    sql = pgwright(project, database_url, "plan").stdout
    assert "CONCURRENTLY" in sql
    ran = psql(database_url, sql=sql)
    assert ran.returncode == 0, ran.stderr
    assert pgwright(project, database_url, "check").returncode == 0


def test_plan_single_transaction_runs_in_psql_dash_1(project, database_url):
    assert pgwright(project, database_url, "push", "--yes").returncode == 0
    (project / "schema.yaml").write_text(SPEC)
    assert psql(database_url, "-1", sql=pgwright(project, database_url, "plan").stdout) \
        .returncode != 0  # why the option exists
    sql = pgwright(project, database_url, "plan", "--single-transaction").stdout
    assert "INDEX CONCURRENTLY" not in sql
    ran = psql(database_url, "-1", sql=sql)
    assert ran.returncode == 0, ran.stderr
    assert pgwright(project, database_url, "check").returncode == 0


RLS_SPEC = """\
version: 1
tables:
  tasks:
    columns:
      id: {type: integer, primary_key: true}
      org: {type: integer}
    rls:
      enabled: true
      policies:
        by_org:
          using: org = 1
          with_check: org = 1
"""


def test_a_pure_table_rename_reports_no_access_change(tmp_path, database_url):
    (tmp_path / "schema.yaml").write_text(RLS_SPEC)
    assert pgwright(tmp_path, database_url, "push", "--yes").returncode == 0
    (tmp_path / "schema.yaml").write_text(
        RLS_SPEC.replace("  tasks:\n", "  jobs:\n    renamed_from: tasks\n"))
    result = pgwright(tmp_path, database_url, "plan")
    assert "~ rename table public.tasks" in result.stderr
    assert "access" not in result.stderr and "alter policy" not in result.stderr


def test_plan_finds_an_extension_the_server_cannot_install(tmp_path, database_url):
    (tmp_path / "schema.yaml").write_text(
        "version: 1\nextensions: [no_such_extension]\n" + RLS_SPEC.split("\n", 1)[1])
    result = pgwright(tmp_path, database_url, "plan")
    assert result.returncode == 1
    assert "extension(s) no_such_extension are not available on the server" in result.stderr
    assert "schema.yaml:2: extensions[0]: extension no_such_extension is not available" \
        in result.stderr


def test_narrowing_a_type_counts_the_values_that_would_not_fit(tmp_path, database_url, db):
    spec = "version: 1\ntables:\n  codes:\n    columns:\n      id: {type: integer, primary_key: true}\n"
    (tmp_path / "schema.yaml").write_text(spec + "      code: {type: text}\n")
    assert pgwright(tmp_path, database_url, "push", "--yes").returncode == 0
    db.execute("INSERT INTO codes VALUES (1, 'ab'), (2, 'abcd'), (3, 'abcdef'), (4, NULL)")
    (tmp_path / "schema.yaml").write_text(spec + "      code: {type: varchar(3)}\n")
    result = pgwright(tmp_path, database_url, "plan")
    assert result.returncode == 3, result.stderr
    assert "public.codes  code TYPE character varying(3)  2 row(s): values of code longer " \
        "than the 3 characters" in result.stderr
    [samples] = [line.split("e.g. ", 1)[1] for line in result.stderr.splitlines() if "e.g. " in line]
    assert set(samples.split(", ")) == {"abcd", "abcdef"}
    assert "shorten the values" in result.stderr.strip().splitlines()[-1]


def test_plan_says_a_type_change_fails_on_a_view_the_spec_does_not_manage(tmp_path, database_url,
                                                                          db):
    spec = "version: 1\ntables:\n  codes:\n    columns:\n      id: {type: integer, primary_key: true}\n"
    (tmp_path / "schema.yaml").write_text(spec + "      code: {type: text}\n")
    assert pgwright(tmp_path, database_url, "push", "--yes").returncode == 0
    db.execute("CREATE VIEW code_list AS SELECT code FROM codes")
    (tmp_path / "schema.yaml").write_text(spec + "      code: {type: varchar(30)}\n")
    result = pgwright(tmp_path, database_url, "plan")
    assert result.returncode == 1
    assert "public.codes.code is used by view(s) public.code_list" in result.stderr


def test_samples_show_the_primary_keys_of_the_offending_rows(tmp_path, database_url, db):
    spec = "version: 1\ntables:\n  codes:\n    columns:\n      id: {type: integer, primary_key: true}\n"
    (tmp_path / "schema.yaml").write_text(spec + "      code: {type: text}\n")
    assert pgwright(tmp_path, database_url, "push", "--yes").returncode == 0
    db.execute("INSERT INTO codes VALUES (1, 'a'), (41, NULL), (42, NULL)")
    (tmp_path / "schema.yaml").write_text(spec + "      code: {type: text, nullable: false}\n")
    result = pgwright(tmp_path, database_url, "plan")
    assert result.returncode == 3
    [samples] = [line.split("e.g. ", 1)[1] for line in result.stderr.splitlines() if "e.g. " in line]
    assert set(samples.split(", ")) == {"41", "42"}

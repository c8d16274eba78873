"""The command line as a user meets it: output streams, exit codes, defaults."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from pgwright.cli import main
from tests.pgcatalog import table_names

SPEC = """\
version: 1
tables:
  organizations:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
  customers:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      organization_id: {type: uuid, nullable: false, references: organizations.id, on_delete: cascade}
"""


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "schema.yaml"
    path.write_text(SPEC)
    return path


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_plan_prints_runnable_sql_on_stdout_and_summary_on_stderr(spec, database_url, db):
    result = invoke("plan", "-s", str(spec), "--db", database_url)
    assert result.exit_code == 0
    assert result.stdout.lstrip().startswith("CREATE TABLE")
    assert "2 change(s)" not in result.stdout and "change(s)" in result.stderr
    db.execute(result.stdout)  # what `pgwright plan | psql -1` does
    again = invoke("plan", "-s", str(spec), "--db", database_url, "--exit-code")
    assert again.exit_code == 0
    assert all(line.startswith("--") for line in again.stdout.strip().splitlines())


def test_the_markers_legend_is_shown_on_the_first_plan_read_on_a_terminal(
        spec, database_url, tmp_path):
    terminal = {"TTY_COMPATIBLE": "1", "PGWRIGHT_CACHE_DIR": str(tmp_path / "cache")}

    def plan_on_a_terminal() -> str:
        return CliRunner(env=terminal).invoke(main, ["plan", "-s", str(spec), "--db",
                                                     database_url]).stderr

    assert "markers: + adds" in plan_on_a_terminal()
    assert "markers: + adds" not in plan_on_a_terminal()  # read once; plan --help has it
    assert "+ adds" in invoke("plan", "--help").output


def test_plan_exit_code_is_2_when_there_are_changes(spec, database_url):
    assert invoke("plan", "-s", str(spec), "--db", database_url, "--exit-code").exit_code == 2


def test_plan_json(spec, database_url):
    result = invoke("plan", "-s", str(spec), "--db", database_url, "--json")
    document = json.loads(result.stdout)
    assert document["changes"] == 3
    assert [o["kind"] for o in document["operations"]] == ["CreateTable", "CreateTable",
                                                          "AddForeignKey"]
    assert document["operations"][2]["statements"][0]["transactional"] is True


def test_push_without_yes_refuses_when_it_cannot_ask(spec, database_url, db):
    result = invoke("push", "-s", str(spec), "--db", database_url)
    assert result.exit_code == 1
    assert table_names(db) == []
    assert invoke("push", "-s", str(spec), "--db", database_url, "--yes").exit_code == 0
    assert table_names(db) == ["customers", "organizations"]


def test_usage_errors_do_not_collide_with_changes_pending():
    assert invoke("no-such-command").exit_code == 64
    assert invoke("generate").exit_code == 64  # -m is required


def test_connection_errors_never_show_the_password(spec):
    url = "postgresql://app:sup3r-secret@127.0.0.1:1/app"
    result = invoke("plan", "-s", str(spec), "--db", url)
    assert result.exit_code == 1
    assert "sup3r-secret" not in result.output
    assert "app:***@127.0.0.1:1" in result.output


def test_validate_needs_no_database(spec):
    result = invoke("validate", "-s", str(spec))
    assert result.exit_code == 0
    assert "valid" in result.output


def test_init_creates_a_project_that_validates(tmp_path):
    result = invoke("init", str(tmp_path))
    assert result.exit_code == 0
    assert (tmp_path / "schema.yaml").exists()
    assert (tmp_path / "migrations" / "env.py").exists()
    assert invoke("validate", "-s", str(tmp_path / "schema.yaml")).exit_code == 0
    assert "nothing to do" in invoke("init", str(tmp_path)).output


def test_the_starter_spec_points_at_a_reference_that_an_installed_pgwright_prints(tmp_path):
    # docs/spec.md is not on the user's disk after pip install: the package ships it
    # (pgwright/spec/reference.md links to it, and a wheel holds its text).
    invoke("init", str(tmp_path))
    assert "`pgwright reference` prints it" in (tmp_path / "schema.yaml").read_text()
    result = invoke("reference")
    assert result.exit_code == 0
    docs = Path(__file__).parent.parent / "docs" / "spec.md"
    assert result.output == docs.read_text(encoding="utf-8")


def test_database_url_from_environment(spec, database_url):
    result = CliRunner(env={"DATABASE_URL": database_url}).invoke(
        main, ["plan", "-s", str(spec), "--exit-code"])
    assert result.exit_code == 2


@pytest.fixture
def server_folder():
    """A folder for an embedded server's data, outside pytest's tmp_path: as root the server
    runs as another user, who must traverse the folders above its data, and every pytest
    session that starts meanwhile (another worktree's) takes /tmp/pytest-of-root back to
    mode 0700, so initdb or pg_ctl failed."""
    with tempfile.TemporaryDirectory(prefix="pgwright-test-server-") as folder:
        yield Path(folder)


def test_without_a_database_url_an_embedded_server_is_kept_in_the_project(server_folder):
    """The default on a fresh machine: .pgwright/ beside the spec holds an embedded server."""
    tmp_path = server_folder
    (tmp_path / "schema.yaml").write_text(SPEC)
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    command = [sys.executable, "-m", "pgwright.cli"]
    try:
        first = subprocess.run([*command, "push", "--yes"], cwd=tmp_path, env=environment,
                               capture_output=True, text=True, timeout=120)
        assert first.returncode == 0, first.stderr
        assert (tmp_path / ".pgwright" / "pgdata" / "PG_VERSION").exists()
        # reused by the next run: the pushed tables are there
        second = subprocess.run([*command, "check"], cwd=tmp_path, env=environment,
                                capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stderr
    finally:
        from pgwright.embedded import stop_embedded_server

        stop_embedded_server(tmp_path / ".pgwright")


def test_inspect_writes_a_spec_that_plans_nothing(tmp_path, database_url, db):
    db.execute("CREATE TABLE organizations (id uuid PRIMARY KEY, name text NOT NULL); "
               "CREATE VIEW organization_names AS SELECT name FROM organizations")
    out = tmp_path / "schema.yaml"
    result = invoke("inspect", "--db", database_url, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "1 object(s) the spec format cannot express" in result.stderr
    assert "organization_names" in result.stderr
    assert invoke("plan", "-s", str(out), "--db", database_url, "--exit-code").exit_code == 0
    assert invoke("inspect", "--db", database_url, "-o", str(out)).exit_code == 1  # no clobber
    printed = invoke("inspect", "--db", database_url)
    assert printed.stdout == out.read_text()


def test_inspect_to_a_dash_prints_the_spec_instead_of_writing_a_file_named_dash(
        tmp_path, database_url, db, monkeypatch):
    db.execute("CREATE TABLE organizations (id uuid PRIMARY KEY)")
    monkeypatch.chdir(tmp_path)
    result = invoke("inspect", "--db", database_url, "-o", "-")
    assert result.exit_code == 0, result.output
    assert "organizations:" in result.stdout
    assert not (tmp_path / "-").exists()


def test_server_status_and_stop_manage_the_embedded_server(server_folder):
    from pgwright.embedded import embedded_server_url, stop_embedded_server

    data_dir = server_folder / ".pgwright"
    status = ["server", "status", "--dir", str(data_dir)]
    assert invoke(*status).exit_code == 2
    assert "not running" in invoke(*status).stdout
    try:
        embedded_server_url(data_dir)
        running = invoke(*status)
        assert running.exit_code == 0
        assert running.stdout.startswith("running: pid ")
        stopped = invoke("server", "stop", "--dir", str(data_dir))
        assert stopped.exit_code == 0 and "stopped" in stopped.stdout
        assert invoke(*status).exit_code == 2
    finally:
        stop_embedded_server(data_dir)


def test_a_long_push_without_a_terminal_says_how_far_it_got_every_few_seconds(
        tmp_path, database_url, monkeypatch):
    """In a CI log there is no progress bar: a line now and then instead, never one per
    statement."""
    import pgwright.cli

    monkeypatch.setattr(pgwright.cli, "PROGRESS_LINE_SECONDS", 0.0)
    spec = tmp_path / "schema.yaml"
    spec.write_text("version: 1\ntables:\n" + "".join(
        f"  t{n}:\n    columns:\n      id: {{type: integer, primary_key: true}}\n"
        for n in range(5)))
    result = invoke("push", "--yes", "-s", str(spec), "--db", database_url)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("pushing: ")]
    assert lines and lines[0].endswith(" of 5 statements")

"""Every path option of every command, pointed at a missing path, a file, a folder and a
place nobody may write: an `error:` line or a usage error, never a traceback, and nothing
written when the command fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pgwright.cli import main

SPEC = """\
version: 1
tables:
  tasks:
    columns:
      id: {type: integer, primary_key: true}
"""

# /sys refuses new files even to root, for whom permission bits mean nothing.
UNWRITABLE = Path("/sys/pgwright-test/out")

# (command and its other arguments, the path option; None: the path is an argument)
PATH_OPTIONS = [
    (["init"], None),
    (["validate"], "-s"),
    (["plan"], "-s"), (["plan"], "--migrations"),
    (["check"], "-s"), (["check"], "--migrations"),
    (["generate", "-m", "x"], "-s"), (["generate", "-m", "x"], "--migrations"),
    (["generate", "-m", "x"], "--docs"),
    (["apply"], "-s"), (["apply"], "--migrations"),
    (["push", "--yes"], "-s"), (["push", "--yes"], "--migrations"),
    (["renumber"], "--migrations"),
    (["orphans"], "-s"), (["orphans"], "--migrations"),
    (["inspect"], "-o"),
    (["docs"], "-s"), (["docs"], "-o"), (["docs", "--check"], "-o"),
    (["lint"], "-s"),
]


def snapshot(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
            for p in folder.rglob("*")}


@pytest.fixture
def project(tmp_path: Path, database_url: str, monkeypatch) -> Path:
    """A project with a valid spec, its first migration, a stray file and an empty folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    (tmp_path / "schema.yaml").write_text(SPEC)
    assert CliRunner().invoke(main, ["generate", "-m", "first"]).exit_code == 0
    (tmp_path / "a_file").write_text("not a folder\n")
    (tmp_path / "a_folder").mkdir()
    return tmp_path


def place(project: Path, kind: str) -> Path:
    return {"missing": project / "missing" / "x", "file": project / "a_file",
            "folder": project / "a_folder", "unwritable": UNWRITABLE}[kind]


@pytest.mark.parametrize("kind", ["missing", "file", "folder", "unwritable"])
@pytest.mark.parametrize(("command", "option"), PATH_OPTIONS,
                         ids=[f"{' '.join(c[:1])} {o or 'DIR'}" for c, o in PATH_OPTIONS])
def test_a_bad_path_is_an_error_line_and_writes_nothing(project, command, option, kind):
    if kind == "unwritable" and UNWRITABLE.parent.parent.exists() is False:
        pytest.skip("no /sys on this machine")
    path = str(place(project, kind))
    before = snapshot(project)
    arguments = [*command, path] if option is None else [*command, option, path]
    result = CliRunner().invoke(main, arguments)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2, 3, 64), result.output
    if result.exit_code not in (0, 2):
        assert snapshot(project) == before, result.output
        assert result.stderr.strip(), "a failure says why"


def test_apply_without_a_migrations_folder_says_how_to_start(tmp_path, database_url, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schema.yaml").write_text(SPEC)
    result = CliRunner().invoke(main, ["apply", "--db", database_url])
    assert result.exit_code == 1
    assert "no migrations folder at migrations" in result.stderr
    assert "pgwright generate" in result.stderr


def test_migrations_option_that_does_not_exist_is_a_usage_error(project):
    result = CliRunner().invoke(main, ["check", "--migrations", "nowhere"])
    assert result.exit_code == 64
    assert "nowhere does not exist" in result.stderr


def test_generate_with_docs_in_a_file_writes_no_migration(project):
    result = CliRunner().invoke(main, ["generate", "-m", "x", "--docs", "a_file"])
    assert result.exit_code == 64
    assert "a_file is a file" in result.stderr
    assert len(list((project / "migrations" / "versions").glob("*.sql"))) == 1


def test_inspect_into_a_missing_folder_is_a_usage_error(project):
    result = CliRunner().invoke(main, ["inspect", "-o", "missing/x.yaml"])
    assert result.exit_code == 64
    assert "missing does not exist" in result.stderr

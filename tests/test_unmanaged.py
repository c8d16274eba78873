"""What the spec cannot express is never silent (issue 12): `plan` and `check` say what
they leave as it is, `--json` lists it, `--strict` fails on it, and a plan never acts on a
partitioned table as if it were a plain one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

TABLES = """\
version: 1
tables:
  accounts:
    columns:
      id: {type: integer, primary_key: true}
"""


@pytest.fixture
def database_with_a_view(db, database_url):
    db.execute("CREATE TABLE accounts (id integer PRIMARY KEY);"
               "CREATE VIEW account_ids AS SELECT id FROM accounts;"
               "CREATE TABLE events (id integer, at date) PARTITION BY RANGE (at)")
    return database_url


def _pgwright(*arguments: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pgwright.cli", *arguments], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_check_says_what_it_leaves_out_and_passes(database_with_a_view, tmp_path):
    (tmp_path / "schema.yaml").write_text(TABLES)
    result = _pgwright("check", "--db", database_with_a_view, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ("2 object(s) the spec cannot express are left as they are "
            "(partitioned table: 1, view: 1)") in result.stderr


def test_check_strict_fails_and_lists_each_object(database_with_a_view, tmp_path):
    (tmp_path / "schema.yaml").write_text(TABLES)
    result = _pgwright("check", "--strict", "--db", database_with_a_view, cwd=tmp_path)
    assert result.returncode == 2
    assert "  view public.account_ids" in result.stderr
    assert "  partitioned table public.events" in result.stderr


def test_plan_json_lists_the_unmanaged_objects(database_with_a_view, tmp_path):
    (tmp_path / "schema.yaml").write_text(TABLES)
    result = _pgwright("plan", "--json", "--db", database_with_a_view, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["unmanaged"] == [
        {"kind": "partitioned table", "name": "public.events", "detail": None},
        {"kind": "view", "name": "public.account_ids", "detail": None}]


def test_plan_strict_exits_2_even_when_nothing_changes(database_with_a_view, tmp_path):
    (tmp_path / "schema.yaml").write_text(TABLES)
    assert _pgwright("plan", "--strict", "--db", database_with_a_view, cwd=tmp_path).returncode == 2


def test_a_plan_never_acts_on_a_partitioned_table_as_on_a_plain_one(database_with_a_view,
                                                                     tmp_path):
    (tmp_path / "schema.yaml").write_text(TABLES + (
        "  events:\n    columns:\n      id: integer\n      at: date\n"
        "    indexes:\n      - columns: [id]\n"))
    result = _pgwright("push", "--yes", "--db", database_with_a_view, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert ("the plan would change the partitioned table(s) public.events, which pgwright "
            "does not manage yet") in " ".join(result.stderr.split())

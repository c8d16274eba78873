"""Golden cases: tests/cases/<kind>/<case>/, each named after what it shows (or what broke).

A case is a start state, a spec and what pgwright must make of them:

- ``start.sql`` (optional): SQL run on the empty database first;
- ``start.yaml`` (optional): a spec pushed next, through the library (``api.push``, drops
  allowed), for a start state as pgwright itself makes it: a regression found by pushing one
  spec and then another;
- ``schema.yaml``: the spec to plan for (validated as the CLI validates it);
- ``expected.sql``: the plan's SQL;
- ``plan.txt``: what ``pgwright plan`` prints for it (the summary, then the SQL), without colour;
- ``plan.json``: what ``pgwright plan --json`` prints.

Every case then runs the laws: the SQL printed reads back as the plan's statements; after the
plan is applied, planning again yields nothing; running the plan a second time succeeds and
changes nothing, by the independent catalog reader of tests/pgcatalog.py.

A case whose plan must be refused has ``expected_error.txt`` (a fragment of the message)
instead of the three expected files.

A missing expected file fails its case. After an intended change, or for a new case, write
them with ``pytest tests/test_cases.py --update-golden`` and review what it wrote.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner

from pgwright import api
from pgwright.cli import main
from pgwright.errors import PgwrightError
from pgwright.planning import plan_against
from pgwright.runner import run_statements
from pgwright.spec import load_valid_spec
from pgwright.sqlscript import read_script
from tests.pgcatalog import catalog_snapshot

CASES = Path(__file__).parent / "cases"
CASE_DIRS = sorted(path.parent for path in CASES.glob("*/*/schema.yaml"))
UPDATE_COMMAND = "pytest tests/test_cases.py --update-golden"

# The CLI's output as a pipe gets it, whatever the environment asks of rich: no colour, no
# terminal (so findings come as plain lines), and a fixed width.
PLAIN_OUTPUT = {"NO_COLOR": "1", "FORCE_COLOR": None, "TTY_COMPATIBLE": None,
                "TTY_INTERACTIVE": None, "COLUMNS": "100", "TERM": "dumb"}


def _shown(case: Path) -> str:
    return str(case.relative_to(CASES.parent.parent))  # tests/cases/<kind>/<case>


def _set_up_start(db, database_url: str, case: Path) -> None:
    start_sql = case / "start.sql"
    if start_sql.exists():
        db.execute(start_sql.read_text())
    start_spec = case / "start.yaml"
    if start_spec.exists():
        api.push(start_spec, database_url, allow_destructive=True)


def _printed_plan(case: Path, database_url: str, *options: str) -> str:
    """What ``pgwright plan`` prints for the case (stderr and stdout, as they come)."""
    result = CliRunner(env=PLAIN_OUTPUT).invoke(
        main, ["plan", "--spec", str(case / "schema.yaml"), "--db", database_url, *options])
    assert result.exit_code == 0, f"pgwright plan {' '.join(options)} failed:\n{result.output}"
    return result.output


def _golden_differences(request, case: Path, produced: dict[str, str]) -> str:
    """How the produced texts differ from the expected files of ``case`` (a unified diff,
    empty when they match); with --update-golden, nothing: the files are written anew."""
    if request.config.getoption("--update-golden"):
        for name, text in produced.items():
            (case / name).write_text(text, encoding="utf-8")
        return ""
    missing = [name for name in produced if not (case / name).exists()]
    if missing:
        pytest.fail(f"{_shown(case)}: no {', '.join(missing)}; run `{UPDATE_COMMAND}` and "
                    "review what it writes", pytrace=False)
    differences = []
    for name, text in produced.items():
        expected = (case / name).read_text(encoding="utf-8")
        if expected != text:
            differences += difflib.unified_diff(expected.splitlines(keepends=True),
                                                text.splitlines(keepends=True),
                                                f"{name} (expected)", f"{name} (now)")
    return "".join(differences)


@pytest.mark.parametrize("case", CASE_DIRS, ids=[f"{p.parent.name}/{p.name}" for p in CASE_DIRS])
def test_case(case: Path, db, database_url, request):
    _set_up_start(db, database_url, case)
    document, _ = load_valid_spec(case / "schema.yaml")
    expected_error = case / "expected_error.txt"
    if expected_error.exists():
        with pytest.raises(PgwrightError) as raised:
            plan_against(db, document)
        assert expected_error.read_text().strip() in str(raised.value)
        return

    plan = plan_against(db, document)
    differences = _golden_differences(request, case, {
        "expected.sql": plan.sql(),
        "plan.txt": _printed_plan(case, database_url),
        "plan.json": _printed_plan(case, database_url, "--json"),
    })
    if differences:
        pytest.fail(f"{_shown(case)}: the plan is no longer the "
                    f"expected one; if the change is intended, run `{UPDATE_COMMAND}` and "
                    f"review the diff\n{differences}", pytrace=False)

    # The SQL printed is the plan: split as the runner splits a migration, it gives back the
    # plan's statements, each in or out of a transaction as planned.
    assert [(s.code, s.transactional) for s in read_script(plan.sql())] \
        == [(s.sql.strip(), s.transactional) for s in plan.statements]

    # After applying the plan, planning again yields nothing.
    run_statements(db, plan.statements)
    replanned = plan_against(db, document)
    assert replanned.is_empty, "plan after apply is not empty:\n" + replanned.sql()

    # Running the same SQL again succeeds and changes nothing.
    before = catalog_snapshot(db)
    run_statements(db, plan.statements)
    assert catalog_snapshot(db) == before

"""Golden cases: tests/cases/<kind>/<case>/{start.sql, schema.yaml, expected.sql}.

Each case states a start state (SQL run on an empty database), a spec, and the exact plan
pgwright must print. Every case then also runs the laws: after applying the plan, planning
again yields nothing; running the plan's SQL a second time changes nothing.

A case whose plan must be refused has ``expected_error.txt`` (a fragment of the message)
instead of expected.sql. Refresh the golden files after an intended change with
``pytest tests/test_cases.py --update-golden`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pgwright.errors import PgwrightError
from pgwright.planning import plan_against
from pgwright.runner import run_statements
from pgwright.spec.load import load_spec_document
from tests.pgcatalog import catalog_snapshot

CASES = Path(__file__).parent / "cases"
CASE_DIRS = sorted(path.parent for path in CASES.glob("*/*/schema.yaml"))


def _run_start(db, case: Path) -> None:
    start = case / "start.sql"
    if start.exists():
        db.execute(start.read_text())


@pytest.mark.parametrize("case", CASE_DIRS, ids=[f"{p.parent.name}/{p.name}" for p in CASE_DIRS])
def test_case(case: Path, db, request):
    _run_start(db, case)
    document = load_spec_document(case / "schema.yaml")
    expected_error = case / "expected_error.txt"
    if expected_error.exists():
        with pytest.raises(PgwrightError) as raised:
            plan_against(db, document)
        assert expected_error.read_text().strip() in str(raised.value)
        return

    plan = plan_against(db, document)
    expected = case / "expected.sql"
    if request.config.getoption("--update-golden") or not expected.exists():
        expected.write_text(plan.sql())
    assert plan.sql() == expected.read_text(), f"plan differs from {expected}"

    # Law 1: after applying the plan, planning again yields nothing.
    run_statements(db, plan.statements)
    replanned = plan_against(db, document)
    assert replanned.is_empty, "plan after apply is not empty:\n" + replanned.sql()

    # Law 2: running the same SQL again succeeds and changes nothing.
    before = catalog_snapshot(db)
    run_statements(db, plan.statements)
    assert catalog_snapshot(db) == before

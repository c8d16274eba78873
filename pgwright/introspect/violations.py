"""Count the rows that violate data checks, on the live database: the one place checks run.

Each check runs in a transaction that is always rolled back (a check may create a function
of the session first). A check the server cannot read before the plan runs (it names an enum
value or a type the plan brings) raises a database error; it is left out, and the constraint
it stands for still checks every row when the migration adds it.
"""

from __future__ import annotations

import psycopg

from pgwright.checks import DataCheck, Finding
from pgwright.render.checks import count_sql, sample_sql, setup_sql


def runnable_checks(connection, checks: list[DataCheck]) -> list[DataCheck]:
    """The checks the database can evaluate before the plan runs. A check that names what the
    plan itself brings (an enum value it adds, say) cannot be counted beforehand, and its guard
    would fail the same way, so it is left out; the constraint still checks every row."""
    usable = []
    for check in checks:
        try:
            with connection.transaction(force_rollback=True):
                if (setup := setup_sql(check)) is not None:
                    connection.execute(setup)
                connection.execute(f"EXPLAIN {count_sql(check)}")
            usable.append(check)
        except psycopg.Error:  # the server cannot read it before the plan runs
            pass
    return usable


def run_checks(connection, checks: list[DataCheck]) -> list[Finding]:
    """Run each check; the findings are the checks with violating rows."""
    return [finding for finding in run_all_checks(connection, checks) if finding.count]


def run_all_checks(connection, checks: list[DataCheck]) -> list[Finding]:
    """Like run_checks, but every check appears, with its count (0 when clean). A check the
    server cannot run (see runnable_checks) is left out."""
    results = []
    for check in checks:
        try:
            with connection.transaction(force_rollback=True):
                if (setup := setup_sql(check)) is not None:
                    connection.execute(setup)
                count = connection.execute(count_sql(check)).fetchone()[0]
                samples = tuple(tuple(row) for row in connection.execute(sample_sql(check))) \
                    if count else ()
        except psycopg.Error:
            continue
        results.append(Finding(check, count, samples))
    return results

"""Count the rows that violate data checks, on the live database: the one place checks run.

Each check runs in a transaction that is always rolled back (a check may create a function
of the session first). A plan's checks are evaluated together (:func:`evaluate_checks`): one
round trip for all of them, each in a subtransaction of its own, with the same outcome as
:func:`runnable_checks` and :func:`run_checks` one check at a time. A check the server
cannot read before the plan runs (it names an enum value or a type the plan brings) raises
a database error; it is left out, and the constraint it stands for still checks every row
when the migration adds it.
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


# Each check, as runnable_checks and run_checks have it: planned (EXPLAIN) with its setup in a
# subtransaction rolled back, then counted the same way; the server's error leaves
# ``planned`` false, or ``counted`` null. Every subtransaction ends by an error raised on
# purpose, so what it did (the setup, the locks it took) is undone at once.
_CHECK_FUNCTION_SQL = """
CREATE FUNCTION pg_temp.pgwright_evaluate_check(setup text, query text,
                                                OUT planned boolean, OUT counted bigint)
LANGUAGE plpgsql AS $evaluate$
BEGIN
  planned := false;
  BEGIN
    IF setup IS NOT NULL THEN EXECUTE setup; END IF;
    EXECUTE 'EXPLAIN ' || query;
    planned := true;
    RAISE SQLSTATE 'PGW01';
  EXCEPTION WHEN OTHERS THEN NULL;
  END;
  IF NOT planned THEN RETURN; END IF;
  BEGIN
    IF setup IS NOT NULL THEN EXECUTE setup; END IF;
    EXECUTE query INTO counted;
    RAISE SQLSTATE 'PGW01';
  EXCEPTION WHEN SQLSTATE 'PGW01' THEN NULL;
            WHEN OTHERS THEN counted := NULL;
  END;
END
$evaluate$
"""

_EVALUATE_CHECKS_SQL = """
SELECT result.planned, result.counted
FROM ROWS FROM (pg_catalog.unnest(%s::text[]), pg_catalog.unnest(%s::text[]))
     WITH ORDINALITY AS item(setup, query, position),
     LATERAL pg_temp.pgwright_evaluate_check(item.setup, item.query) AS result
ORDER BY item.position
"""


def evaluate_checks(connection,
                    checks: list[DataCheck]) -> tuple[list[DataCheck], list[Finding]]:
    """``runnable_checks`` and ``run_checks`` of the checks in one statement: the checks the
    database can evaluate before the plan runs, and the findings (the checks with violating
    rows, their samples read as run_checks reads them). One round trip for all the checks
    instead of six for each; where the batch cannot run, each check on its own as before."""
    if not checks:
        return [], []
    try:
        evaluated = _evaluated_checks(connection, checks)
    except psycopg.Error:  # the batch cannot run here (no PL/pgSQL, say)
        runnable = runnable_checks(connection, checks)
        return runnable, run_checks(connection, runnable)
    runnable = [check for check, (planned, _) in zip(checks, evaluated, strict=True) if planned]
    violating = [check for check, (planned, counted) in zip(checks, evaluated, strict=True)
                 if planned and counted]
    return runnable, run_checks(connection, violating) if violating else []


def _evaluated_checks(connection, checks: list[DataCheck]) -> list[tuple[bool, int | None]]:
    """(planned, counted) of each check, from a transaction rolled back at the end."""
    from psycopg import ClientCursor
    from psycopg.pq import TransactionStatus

    from pgwright.introspect.catalog import pipelined_transaction

    parameters = ([setup_sql(check) for check in checks],
                  [count_sql(check) for check in checks])
    if not (getattr(connection, "autocommit", False)
            and connection.info.transaction_status == TransactionStatus.IDLE):
        with pipelined_transaction(connection, rollback=True):
            connection.execute(_CHECK_FUNCTION_SQL)
            return connection.execute(_EVALUATE_CHECKS_SQL, parameters).fetchall()
    # The whole transaction in one message (the simple query protocol takes several
    # statements; the client binds the parameters): one round trip.
    cursor = ClientCursor(connection)
    try:
        cursor.execute(f"BEGIN; {_CHECK_FUNCTION_SQL}; {_EVALUATE_CHECKS_SQL}; ROLLBACK",
                       parameters)
    except psycopg.Error:
        if connection.info.transaction_status != TransactionStatus.IDLE:
            connection.execute("ROLLBACK")  # the statements after the failed one did not run
        raise
    cursor.nextset()  # past BEGIN
    cursor.nextset()  # and CREATE FUNCTION
    return cursor.fetchall()

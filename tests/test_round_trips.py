"""Reading a database costs a fixed number of statements whatever its number of tables
(issue 18): introspection sends one query per object kind, and a plan's canonicalization
and data checks do not grow with the tables either, so a server far away costs a plan a few
round trips, not a few per table."""

from __future__ import annotations

import psycopg
import pytest

from pgwright.introspect import introspect
from pgwright.planning import plan_against
from pgwright.spec import load_valid_spec


class CountingConnection(psycopg.Connection):
    """A psycopg connection that counts the statements sent through its ``execute``."""

    statements: list[str]

    def execute(self, query, params=None, **kwargs):
        self.statements.append(str(query))
        return super().execute(query, params, **kwargs)


@pytest.fixture
def counting(database_url):
    with CountingConnection.connect(database_url, autocommit=True) as connection:
        connection.statements = []
        yield connection


def _tables_sql(count: int, foreign_keys: bool = True) -> str:
    references = " REFERENCES organizations" if foreign_keys else ""
    return "CREATE TABLE organizations (id integer PRIMARY KEY);" + "".join(
        f"CREATE TABLE orders_{n} (id integer PRIMARY KEY, amount numeric(12, 2) DEFAULT 0,"
        f" organization_id integer{references}, code text,"
        f" CONSTRAINT orders_{n}_amount_check CHECK (amount >= 0));"
        f"CREATE INDEX orders_{n}_code_idx ON orders_{n} (lower(code));"
        f"COMMENT ON TABLE orders_{n} IS 'Orders';"
        for n in range(count))


def _spec(count: int) -> str:
    tables = "".join(
        f"  orders_{n}:\n"
        "    comment: Orders, edited\n"
        "    columns:\n"
        "      id: {type: integer, primary_key: true}\n"
        "      amount: {type: 'numeric(12,2)', default: '0'}\n"
        "      organization_id: {type: integer, references: organizations.id,"
        " on_delete: cascade}\n"
        "      code: text\n"
        "    checks:\n"
        f"      orders_{n}_amount_check: amount >= 0\n"
        "    indexes:\n"
        f"      - {{name: orders_{n}_code_idx, expression: lower(code)}}\n"
        for n in range(count))
    return ("version: 1\ntables:\n  organizations:\n    columns:\n"
            "      id: {type: integer, primary_key: true}\n" + tables)


def _statements_of_introspection(db, counting, count: int) -> list[str]:
    db.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    db.execute(_tables_sql(count))
    counting.statements = []
    catalog = introspect(counting, ["public"])
    assert len(catalog.tables) == count + 1
    return counting.statements


def test_introspection_sends_the_same_queries_for_three_tables_and_for_thirty(db, counting):
    assert _statements_of_introspection(db, counting, 3) \
        == _statements_of_introspection(db, counting, 30)


def _statements_of_a_plan(db, counting, tmp_path, count: int) -> list[str]:
    db.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    # Every table drifted the same way: its comment edited, its foreign key dropped (adding it
    # back is checked for orphaned rows first), and one orphaned row in the first table.
    db.execute(_tables_sql(count, foreign_keys=False))
    db.execute("INSERT INTO orders_0 (id, organization_id) VALUES (1, 42)")
    spec = tmp_path / f"schema_{count}.yaml"
    spec.write_text(_spec(count))
    document, _ = load_valid_spec(spec)
    counting.statements = []
    plan = plan_against(counting, document)
    assert [(f.check.table, f.count, f.samples) for f in plan.findings] \
        == [("public.orders_0", 1, ((42,),))]
    assert sum(1 for operation in plan.operations
               if type(operation).__name__ == "AssertNoViolations") == count
    return counting.statements


def test_a_plan_sends_as_many_statements_for_thirty_drifted_tables_as_for_three(
        db, counting, tmp_path):
    assert len(_statements_of_a_plan(db, counting, tmp_path, 3)) \
        == len(_statements_of_a_plan(db, counting, tmp_path, 30))


def test_the_checks_evaluated_together_are_the_checks_evaluated_one_by_one(db):
    from pgwright.checks import DataCheck, FailingCheck, NotConvertible
    from pgwright.introspect.violations import evaluate_checks, run_checks, runnable_checks

    db.execute("CREATE TYPE mood AS ENUM ('calm');"
               "CREATE TABLE notes (id integer PRIMARY KEY, body text, mood mood);"
               "INSERT INTO notes VALUES (1, 'x', 'calm'), (2, NULL, 'calm'), (3, '7', NULL)")

    def check(name: str, rows) -> DataCheck:
        return DataCheck(code="failing-check", table="public.notes", constraint=name,
                         columns=("body",), description=name, rows=rows)

    def failing(expression: str) -> FailingCheck:
        return FailingCheck("public", "notes", expression, row_key=("id",))

    checks = [
        check("violated", failing("body IS NOT NULL")),
        check("clean", failing("id > 0")),
        check("names a value the plan adds", failing("mood <> 'angry'")),  # not runnable
        check("fails as it runs", failing("1 / (id - 2) > 0")),  # runnable; the count fails
        check("with a setup", NotConvertible("public", "notes", "body", "integer")),
    ]
    one_by_one = runnable_checks(db, checks)
    assert [c.constraint for c in one_by_one] == [
        "violated", "clean", "fails as it runs", "with a setup"]
    together, findings = evaluate_checks(db, checks)
    assert together == one_by_one
    with db.transaction():  # inside the caller's transaction: a savepoint, pipelined
        assert evaluate_checks(db, checks) == (together, findings)
    assert findings == run_checks(db, one_by_one)
    assert [(f.check.constraint, f.count, f.samples) for f in findings] == [
        ("violated", 1, ((2,),)), ("with a setup", 1, (("x",),))]
    # nothing the checks made is left behind: the setup's function is gone
    assert db.execute("SELECT to_regproc('pg_temp.pgwright_converts')").fetchone()[0] is None

"""Reading a database costs a fixed number of statements whatever its number of tables
(issue 18): introspection sends one query per object kind, and a plan's canonicalization
and data checks do not grow with the tables either, so a server far away costs a plan a few
round trips, not a few per table."""

from __future__ import annotations

from pgwright import api
from pgwright.introspect import introspect
from pgwright.planning import plan_against
from pgwright.spec import load_valid_spec


class CountingConnection:
    """A psycopg connection that counts the statements sent through it."""

    def __init__(self, connection):
        self.connection = connection
        self.statements: list[str] = []

    def execute(self, query, params=None):
        self.statements.append(str(query))
        return self.connection.execute(query, params)

    def transaction(self, *args, **kwargs):
        return self.connection.transaction(*args, **kwargs)

    def pipeline(self):
        return self.connection.pipeline()

    @property
    def info(self):
        return self.connection.info

    @property
    def autocommit(self):
        return self.connection.autocommit


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


def _statements_of_introspection(db, count: int) -> list[str]:
    db.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    db.execute(_tables_sql(count))
    counting = CountingConnection(db)
    catalog = introspect(counting, ["public"])
    assert len(catalog.tables) == count + 1
    return counting.statements


def test_introspection_sends_the_same_queries_for_three_tables_and_for_thirty(db):
    assert _statements_of_introspection(db, 3) == _statements_of_introspection(db, 30)


def _statements_of_a_plan(db, tmp_path, count: int) -> list[str]:
    db.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    # Every table drifted the same way: its comment edited, its foreign key dropped (adding it
    # back is checked for orphaned rows first), and one orphaned row in the first table.
    db.execute(_tables_sql(count, foreign_keys=False))
    db.execute("INSERT INTO orders_0 (id, organization_id) VALUES (1, 42)")
    spec = tmp_path / f"schema_{count}.yaml"
    spec.write_text(_spec(count))
    document, _ = load_valid_spec(spec)
    counting = CountingConnection(db)
    plan = plan_against(counting, document)
    assert [(f.check.table, f.count, f.samples) for f in plan.findings] \
        == [("public.orders_0", 1, ((42,),))]
    assert sum(1 for operation in plan.operations
               if type(operation).__name__ == "AssertNoViolations") == count
    return counting.statements


def test_a_plan_sends_as_many_statements_for_thirty_drifted_tables_as_for_three(db, tmp_path):
    assert len(_statements_of_a_plan(db, tmp_path, 3)) \
        == len(_statements_of_a_plan(db, tmp_path, 30))

"""Which existing rows a plan must count before it changes anything (diff/preflight.py), and
the SQL those checks run (render/checks.py). Pure: operations and models, no database."""

from __future__ import annotations

from pgwright.diff.preflight import checks_for_operations
from pgwright.kinds.column import AddColumn, SetColumnNullable
from pgwright.kinds.foreign_key import AddForeignKey
from pgwright.kinds.index import CreateIndex
from pgwright.model import Catalog, Column, ForeignKey, Index, PrimaryKey, Schema, Table
from pgwright.render.checks import count_sql, sample_sql

ORDERS = Table("public", "orders", columns=(Column("id", "integer", nullable=False),
                                            Column("customer_id", "integer"),
                                            Column("email", "text")),
               primary_key=PrimaryKey("orders_pkey", ("id",)))
CUSTOMERS = Table("public", "customers", columns=(Column("id", "integer", nullable=False),),
                  primary_key=PrimaryKey("customers_pkey", ("id",)))
LIVE = Catalog(schemas=(Schema("public"),), tables=(ORDERS, CUSTOMERS))
FK = ForeignKey("orders_customer_id_fkey", ("customer_id",), "public", "customers", ("id",))


def codes(operations, live=LIVE) -> list[str]:
    return [check.code for check in checks_for_operations(operations, live)]


def test_a_foreign_key_on_an_existing_table_counts_its_orphans():
    (check,) = checks_for_operations([AddForeignKey("public", "orders", FK, online=True)], LIVE)

    assert check.code == "orphaned-rows"
    assert count_sql(check) == (
        'SELECT count(*) FROM public.orders c WHERE c.customer_id IS NOT NULL AND NOT EXISTS '
        '(SELECT 1 FROM public.customers p WHERE p.id = c.customer_id)')
    assert sample_sql(check).startswith("SELECT DISTINCT c.customer_id FROM public.orders c ")


def test_a_table_the_plan_creates_has_no_rows_to_count():
    assert codes([AddForeignKey("public", "invoices", FK)]) == []


def test_setting_not_null_counts_the_nulls_and_shows_the_rows_by_primary_key():
    (check,) = checks_for_operations(
        [SetColumnNullable("public", "orders", "email", False, online=True)], LIVE)

    assert check.code == "null-values"
    assert sample_sql(check) == 'SELECT id FROM public.orders WHERE email IS NULL LIMIT 5'


def test_a_new_not_null_column_without_a_default_needs_a_value_in_every_row():
    assert codes([AddColumn("public", "orders", Column("sku", "text", nullable=False))]) == \
        ["rows-need-a-value"]
    assert codes([AddColumn("public", "orders", Column("sku", "text", nullable=False,
                                                       default="''::text"))]) == []


def test_a_unique_index_on_plain_columns_counts_duplicates_and_one_on_an_expression_does_not():
    plain = CreateIndex("public", "orders", Index("orders_email_key", ("email",), unique=True))
    expression = CreateIndex("public", "orders",
                             Index("orders_lower_email", ("lower(email)",), unique=True))

    assert codes([plain]) == ["duplicate-keys"]
    assert codes([expression]) == []

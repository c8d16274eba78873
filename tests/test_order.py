"""The order of a plan (diff/order.py): the kinds' reading order, and what each operation
uses and provides deciding the rest. Pure: hand-built models and operations, no database."""

from __future__ import annotations

import pytest

from pgwright.diff import diff
from pgwright.diff.order import order_operations
from pgwright.errors import PlanError
from pgwright.kinds.column import AddColumn, DropColumn
from pgwright.kinds.comment import SetComment
from pgwright.kinds.enum import AddEnumValue, CreateEnum, DropEnum
from pgwright.kinds.policy import CreatePolicy, DropPolicy
from pgwright.kinds.schema import CreateSchema
from pgwright.kinds.table import CreateTable, DropTable, RenameTable
from pgwright.model import (
    Catalog,
    CheckConstraint,
    Column,
    Enum,
    Function,
    FunctionArgument,
    Policy,
    Schema,
    Table,
)

ID = Column("id", "integer", nullable=False)


def catalog(*tables: Table, **objects) -> Catalog:
    return Catalog(schemas=(Schema("public"),), tables=tables, **objects)


def names(operations) -> list[str]:
    return [f"{type(o).__name__} {o.subject}" for o in operations]


def test_a_plan_reads_checks_shared_kinds_renames_drops_then_table_parts():
    operations = [
        SetComment("TABLE", ("public", "t"), "hi"),
        DropTable("public", "old"),
        CreateTable(Table("public", "t", columns=(ID,))),
        CreateEnum(Enum("public", "mood", ("happy",))),
        RenameTable("public", "before", "after"),
        DropEnum("public", "gone"),
        CreateSchema("app"),
    ]

    assert names(order_operations(operations)) == [
        "CreateSchema app", "CreateEnum public.mood", "RenameTable public.before",
        "DropTable public.old", "CreateTable public.t", "SetComment public.t",
        "DropEnum public.gone"]


def test_the_parts_of_tables_are_dropped_last_kind_first_and_made_first_kind_first():
    policy = Policy("p", using="true")
    operations = [
        DropTable("public", "a"),
        DropPolicy("public", "b", policy),
        CreatePolicy("public", "c", policy),
        DropColumn("public", "b", "x"),
        AddColumn("public", "c", Column("y", "text")),
    ]

    assert [type(o).__name__ for o in order_operations(operations)] == [
        "DropPolicy", "DropColumn", "DropTable", "AddColumn", "CreatePolicy"]


def test_a_function_taking_a_new_tables_row_type_is_created_right_after_that_table():
    spec = catalog(Table("public", "a", columns=(ID,)), Table("public", "z", columns=(ID,)),
                   functions=(Function("public", "f", (FunctionArgument("row", "public.a"),),
                                       "integer", "sql", "SELECT 1"),
                              Function("public", "g", (), "integer", "sql", "SELECT 1")))

    ordered = names(diff(spec, catalog()))

    assert ordered.index("CreateFunction public.g()") < ordered.index("CreateTable public.a") \
        < ordered.index("CreateFunction public.f(public.a)") < ordered.index("CreateTable public.z")


def test_a_generated_column_is_added_after_the_type_change_of_its_source_whatever_the_names():
    live = Table("public", "t", columns=(ID, Column("z_amount", "integer")))
    spec = Table("public", "t", columns=(ID, Column("z_amount", "bigint"),
                                         Column("a_double", "bigint",
                                                generated="(z_amount * 2)")))

    ordered = names(diff(catalog(spec), catalog(live)))

    assert ordered.index("AlterColumnType public.t.z_amount") \
        < ordered.index("AddColumn public.t.a_double")


def test_a_generated_column_is_dropped_before_the_column_it_is_computed_from():
    live = Table("public", "t", columns=(ID, Column("source", "integer"),
                                         Column("z_twice", "integer", generated="(source * 2)")))
    spec = Table("public", "t", columns=(ID,))

    ordered = names(diff(catalog(spec), catalog(live)))

    assert ordered == ["DropColumn public.t.z_twice", "DropColumn public.t.source"]


def test_one_tables_column_changes_go_by_what_they_do_then_by_column():
    live = Table("public", "t", columns=(ID, Column("a", "integer"), Column("b", "integer")))
    spec = Table("public", "t", columns=(ID, Column("a", "integer", nullable=False),
                                         Column("b", "bigint", default="0"),
                                         Column("c", "text")))

    assert names(diff(catalog(spec), catalog(live))) == [
        "AddColumn public.t.c", "AlterColumnType public.t.b", "SetColumnNullable public.t.a"]


def test_enum_values_added_after_one_another_keep_their_order():
    live = catalog(enums=(Enum("public", "st", ("a",)),))
    spec = catalog(enums=(Enum("public", "st", ("a", "c", "b")),))

    assert [o.value for o in diff(spec, live) if isinstance(o, AddEnumValue)] == ["c", "b"]


def test_a_function_dropped_to_be_made_again_goes_with_the_drops_and_comes_back_at_once():
    old = Function("public", "f", (FunctionArgument("a", "integer"),), "integer", "sql",
                   "SELECT 1")
    new = Function("public", "f", (FunctionArgument("b", "integer"),), "integer", "sql",
                   "SELECT 1")
    check = CheckConstraint("t_check", "(public.f(id) > 0)")
    live_table = Table("public", "t", columns=(ID,), checks=(check,))
    spec_table = Table("public", "t", columns=(ID, Column("note", "text")), checks=(check,))

    ordered = names(diff(catalog(spec_table, functions=(new,)),
                         catalog(live_table, functions=(old,))))

    assert ordered == ["DropConstraint public.t.t_check", "DropFunction public.f(integer)",
                       "CreateFunction public.f(integer)", "AddColumn public.t.note",
                       "AddConstraint public.t.t_check"]


def test_a_policy_made_again_comes_back_before_the_indexes_built_outside_the_transaction():
    live = Table("public", "t", columns=(ID, Column("g", "integer", generated="(id * 2)")),
                 policies=(Policy("p", using="(g > 0)"),))
    spec = Table("public", "t", columns=(ID, Column("g", "integer", generated="(id * 3)")),
                 policies=(Policy("p", using="(g > 0)"),),
                 indexes=())

    ordered = [o for o in diff(catalog(spec), catalog(live))]
    kinds = [type(o).__name__ for o in ordered]

    assert kinds == ["DropPolicy", "DropColumn", "AddColumn", "CreatePolicy"]
    assert ordered[-1].restores


def test_keys_that_wait_for_each_other_are_refused_as_a_programming_error():
    first = DropColumn("public", "t", "a", computed_from=("b",))
    second = DropColumn("public", "t", "b", computed_from=("a",))

    with pytest.raises(PlanError, match="cannot order"):
        order_operations([first, second])

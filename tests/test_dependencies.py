"""What the diff adds for objects that depend on what a plan changes (diff/dependencies.py).
Pure: hand-built models, no database."""

from __future__ import annotations

from dataclasses import replace

from pgwright.diff import diff
from pgwright.kinds.constraint import AddConstraint, DropConstraint
from pgwright.kinds.foreign_key import AddForeignKey, DropForeignKey
from pgwright.kinds.index import CreateIndex, DropIndex
from pgwright.kinds.table import DropTable
from pgwright.model import (
    Catalog,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
    as_written,
)

PARENT_FKEY = ForeignKey("t_parent_id_fkey", ("parent_id",), "public", "t", ("id",))


def catalog(*tables: Table) -> Catalog:
    return Catalog(schemas=(Schema("public"),), tables=tables)


def tree(id_type="integer", parent_type="integer", **keys) -> Table:
    """t(id, parent_id REFERENCES t (id)), with the keys given."""
    return Table("public", "t", columns=(Column("id", id_type, nullable=False),
                                         Column("parent_id", parent_type)),
                 foreign_keys=(PARENT_FKEY,), **keys)


def rebuilt(operations) -> list[tuple[str, str]]:
    return [(type(o).__name__, o.name if isinstance(o, DropForeignKey)
             else o.foreign_key.name)
            for o in operations if isinstance(o, DropForeignKey | AddForeignKey)]


def test_a_foreign_key_is_rebuilt_around_its_key_moving_to_the_primary_key():
    live = tree(uniques=(UniqueConstraint("t_id_key", ("id",)),))
    spec = tree(primary_key=PrimaryKey("t_pkey", ("id",)))

    operations = diff(catalog(spec), catalog(live))

    assert rebuilt(operations) == [("DropForeignKey", "t_parent_id_fkey"),
                                   ("AddForeignKey", "t_parent_id_fkey")]
    kinds = [type(o) for o in operations]
    assert kinds.index(DropForeignKey) < kinds.index(DropConstraint) \
        < kinds.index(AddConstraint) < kinds.index(AddForeignKey)


def test_a_foreign_key_is_rebuilt_around_a_dropped_unique_index_it_may_rest_on():
    unique_index = Index("t_id_idx", ('"id"',), unique=True)
    live = tree(primary_key=PrimaryKey("t_pkey", ("id",)), indexes=(unique_index,))
    spec = tree(primary_key=PrimaryKey("t_pkey", ("id",)))

    assert rebuilt(diff(catalog(spec), catalog(live))) == [
        ("DropForeignKey", "t_parent_id_fkey"), ("AddForeignKey", "t_parent_id_fkey")]


def test_a_foreign_key_stays_when_the_plan_drops_a_key_on_other_columns():
    live = tree(primary_key=PrimaryKey("t_pkey", ("id",)),
                uniques=(UniqueConstraint("t_parent_id_key", ("parent_id",)),))
    spec = tree(primary_key=PrimaryKey("t_pkey", ("id",)))

    assert rebuilt(diff(catalog(spec), catalog(live))) == []


def test_a_foreign_key_is_rebuilt_when_both_sides_change_type():
    key = {"primary_key": PrimaryKey("t_pkey", ("id",))}
    operations = diff(catalog(tree("text", "text", **key)), catalog(tree(**key)))

    assert rebuilt(operations) == [("DropForeignKey", "t_parent_id_fkey"),
                                   ("AddForeignKey", "t_parent_id_fkey")]
    drop = next(o for o in operations if isinstance(o, DropForeignKey))
    assert drop.replaced and not drop.destructive
    assert drop.rebuilt_because == "both parent_id and t(id) change type"


def test_a_foreign_key_stays_when_one_side_changes_type():
    # PostgreSQL carries the key over the ALTER: the old and the new type both compare with
    # the other side's.
    key = {"primary_key": PrimaryKey("t_pkey", ("id",))}
    operations = diff(catalog(tree("integer", "bigint", **key)), catalog(tree(**key)))

    assert rebuilt(operations) == []


def test_a_changed_foreign_key_is_dropped_and_added_once():
    live = tree(uniques=(UniqueConstraint("t_id_key", ("id",)),))
    spec = replace(tree(primary_key=PrimaryKey("t_pkey", ("id",))),
                   foreign_keys=(replace(PARENT_FKEY, deferrable=True),))

    assert rebuilt(diff(catalog(spec), catalog(live))) == [
        ("DropForeignKey", "t_parent_id_fkey"), ("AddForeignKey", "t_parent_id_fkey")]


def test_an_index_drop_is_marked_when_a_constraint_or_table_takes_its_name():
    plain = Table("public", "t", columns=(Column("a", "integer"),),
                  indexes=(Index("uq_one", ("a",)), Index("t_a_idx", ("a",))))
    spec = catalog(
        replace(plain, indexes=(), uniques=(UniqueConstraint("uq_one", ("a",)),)),
        Table("public", "t_a_idx", columns=(Column("id", "integer"),)))

    drops = [o for o in diff(spec, catalog(plain)) if isinstance(o, DropIndex)]

    assert [(o.name, o.name_reused) for o in drops] == [("t_a_idx", True), ("uq_one", True)]


def test_an_index_drop_is_not_marked_when_nothing_takes_its_name():
    plain = Table("public", "t", columns=(Column("a", "integer"),),
                  indexes=(Index("t_a_idx", ("a",)),))
    spec = catalog(replace(plain, indexes=(), uniques=(UniqueConstraint("t_a_key", ("a",)),)))

    drops = [o for o in diff(spec, catalog(plain)) if isinstance(o, DropIndex)]

    assert [(o.name, o.name_reused) for o in drops] == [("t_a_idx", False)]


def test_a_table_drop_is_marked_when_an_index_takes_its_name():
    orders = Table("public", "orders", columns=(Column("id", "integer"),))
    other = Table("public", "t", columns=(Column("a", "integer"),))
    spec = catalog(replace(other, indexes=(Index("orders", ("a",)),)))

    drops = [o for o in diff(spec, catalog(orders, other)) if isinstance(o, DropTable)]

    assert [(o.table, o.name_reused) for o in drops] == [("orders", True)]


def test_checks_and_expression_indexes_on_a_retyped_column_are_rebuilt_from_the_spec():
    check = CheckConstraint("c1", "((x)::text = ANY ((ARRAY['a'::character varying])::text[]))")
    partial = Index("t_y_idx", ("y",), where="((x)::text <> ''::text)")
    plain = Index("t_x_idx", ("x",))
    live = Table("public", "t", columns=(Column("x", "character varying(64)"),
                                         Column("y", "integer")),
                 checks=(check,), indexes=(partial, plain))
    written = CheckConstraint("c1", "x IN ('a')")
    spec = replace(live, columns=(Column("x", "character varying(10)"), Column("y", "integer")),
                   checks=(replace(check, written=written),))

    operations = diff(catalog(spec), catalog(live))

    assert [(type(o).__name__, o.name) for o in operations
            if isinstance(o, DropConstraint | DropIndex)] == [
        ("DropIndex", "t_y_idx"), ("DropConstraint", "c1")]
    added = next(o for o in operations if isinstance(o, AddConstraint))
    assert as_written(added.constraint) == written
    assert any(isinstance(o, CreateIndex) and o.index.name == "t_y_idx" for o in operations)

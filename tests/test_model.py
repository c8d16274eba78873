"""Facts about the model that every stage asks (model.py): one answer each. Pure."""

from __future__ import annotations

import pytest

from pgwright.model import Column, Index, PrimaryKey, Table, UniqueConstraint


@pytest.mark.parametrize("keys, columns", [
    (("id",), ("id",)),
    (('"Order"', '"a""b"'), ("Order", 'a"b')),
    (("lower(email)",), None),
    (('"id" DESC',), None),
    (("id text_pattern_ops",), None),
])
def test_an_index_has_columns_only_when_every_key_is_a_plain_column(keys, columns):
    assert Index("i", keys).columns == columns


def test_a_tables_unique_keys_are_its_keys_and_plain_unique_indexes_without_a_predicate():
    table = Table("public", "t", columns=(Column("a", "int"), Column("b", "int")),
                  primary_key=PrimaryKey("t_pkey", ("a",)),
                  uniques=(UniqueConstraint("t_b_key", ("b",)),),
                  indexes=(Index("t_a_b", ('"b"', "a"), unique=True),
                           Index("t_lower", ("lower(b::text)",), unique=True),
                           Index("t_partial", ("b",), unique=True, where="(a > 0)"),
                           Index("t_plain", ("a",))))

    assert table.unique_keys() == (("a",), ("b",), ("b", "a"))
    assert table.has_unique_key(["a", "b"]) and not table.has_unique_key(["a", "c"])

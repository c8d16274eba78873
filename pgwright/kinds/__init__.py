"""The kinds of object pgwright manages: one module each, registered here once.

A kind's module holds its operations (what can change, as intent), its comparators (spec
against database), the SQL each operation renders to and the line that describes it to a
reviewer. The pipeline's stages iterate over ``KINDS``; its order is the order in which a
plan makes objects (diff/order.py drops them the other way round). docs/architecture.md
walks through adding a kind.
"""

from __future__ import annotations

from pgwright.kinds import (
    column,
    comment,
    constraint,
    enum,
    extension,
    foreign_key,
    function,
    index,
    policy,
    privilege,
    row_level_security,
    schema,
    sequence,
    table,
    trigger,
)
from pgwright.kinds.registry import Kind, registry

KINDS: tuple[Kind, ...] = registry(
    schema.KIND,
    extension.KIND,
    enum.KIND,
    function.KIND,
    # before the tables, whose column defaults may call nextval() on them
    sequence.KIND,
    table.KIND,
    column.KIND,
    constraint.KIND,
    index.KIND,
    foreign_key.KIND,
    trigger.KIND,
    policy.KIND,
    row_level_security.KIND,
    # after the policies and RLS: a table is never reachable before they hold
    privilege.KIND,
    comment.KIND,
)

__all__ = ["KINDS", "Kind"]

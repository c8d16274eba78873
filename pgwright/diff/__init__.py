"""The diff stage: compare two catalogs, produce ordered operations. Pure: no I/O.

Each kind of object compares its own objects (pgwright/kinds/); this stage runs them, adds
what the dependencies between objects ask for, and orders the result.
"""

from __future__ import annotations

from pgwright.diff.dependencies import settle_dependencies
from pgwright.diff.order import order_operations
from pgwright.diff.renames import apply_declared_renames
from pgwright.kinds import KINDS
from pgwright.model import Catalog
from pgwright.ops import Operation


def diff(spec: Catalog, live: Catalog) -> list[Operation]:
    """The operations that turn ``live`` into ``spec``, in a runnable order.

    >>> diff(catalog, catalog)
    []
    """
    live, operations = apply_declared_renames(spec, live)
    for kind in KINDS:
        # a kind with a spec key of its own is left alone by a spec without that key
        if kind.compare is not None and (kind.section is None or spec.manages(kind.name)):
            operations.extend(kind.compare(spec, live))
    live_tables = live.tables_by_key()
    table_comparators = [kind.compare_table for kind in KINDS if kind.compare_table is not None]
    for table in spec.tables:
        current = live_tables.get(table.key)
        if current is not None and current != table:
            for compare in table_comparators:
                operations.extend(compare(table, current))
    return order_operations(settle_dependencies(spec, live, operations))


__all__ = ["diff"]

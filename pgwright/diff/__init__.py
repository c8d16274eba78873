"""The diff stage: compare two catalogs, produce ordered operations. Pure: no I/O."""

from __future__ import annotations

from pgwright.diff import catalog as _catalog  # noqa: F401  (registers comparators)
from pgwright.diff import tables as _tables  # noqa: F401  (registers comparators)
from pgwright.diff.dependencies import settle_dependencies
from pgwright.diff.order import order_operations
from pgwright.diff.registry import CATALOG_COMPARATORS
from pgwright.diff.renames import apply_declared_renames
from pgwright.model import Catalog
from pgwright.ops import Operation


def diff(spec: Catalog, live: Catalog) -> list[Operation]:
    """The operations that turn ``live`` into ``spec``, in a runnable order.

    >>> diff(catalog, catalog)
    []
    """
    live, operations = apply_declared_renames(spec, live)
    for comparator in CATALOG_COMPARATORS.values():
        operations.extend(comparator(spec, live))
    return order_operations(settle_dependencies(spec, live, operations))


__all__ = ["diff"]

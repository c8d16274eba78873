"""The comparators, one per object kind, in registries you can grep.

A comparator takes the spec's and the database's version of its kind and yields operations.
Registering two comparators under one name is a programming error and raises at import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pgwright.model import Catalog, Table
from pgwright.ops import Operation

CatalogComparator = Callable[[Catalog, Catalog], Iterable[Operation]]
TableComparator = Callable[[Table, Table], Iterable[Operation]]

CATALOG_COMPARATORS: dict[str, CatalogComparator] = {}
TABLE_COMPARATORS: dict[str, TableComparator] = {}


def _register(registry: dict, kind: str):
    def decorate(function):
        if kind in registry:
            raise RuntimeError(f"a comparator for {kind!r} is already registered")
        registry[kind] = function
        return function

    return decorate


def catalog_comparator(kind: str):
    return _register(CATALOG_COMPARATORS, kind)


def table_comparator(kind: str):
    return _register(TABLE_COMPARATORS, kind)

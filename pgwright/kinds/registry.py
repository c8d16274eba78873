"""What a kind of object plugs into the pipeline: its name, its place in the plan, its
comparators. (Its operations register their renderers and descriptions themselves, with
render.statements.render_operation and describe.)"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pgwright.model import Catalog, Table
from pgwright.ops import Operation

CatalogComparator = Callable[[Catalog, Catalog], Iterable[Operation]]
TableComparator = Callable[[Table, Table], Iterable[Operation]]


@dataclass(frozen=True)
class Kind:
    """One kind of object. ``shared`` kinds (schemas, types, functions) are made before the
    tables and dropped after them; the others are parts of tables.

    ``compare`` compares the spec's and the database's catalogs as wholes; ``compare_table``
    one table that both have. Either yields the operations that turn the database's objects
    of this kind into the spec's.
    """

    name: str
    shared: bool = False
    compare: CatalogComparator | None = None
    compare_table: TableComparator | None = None


def registry(*kinds: Kind) -> tuple[Kind, ...]:
    """The kinds, in the order their objects are made; a name registered twice raises."""
    seen: set[str] = set()
    for kind in kinds:
        if kind.name in seen:
            raise RuntimeError(f"the kind {kind.name!r} is already registered")
        seen.add(kind.name)
    return kinds

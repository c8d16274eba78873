"""What a kind of object plugs into the pipeline: its name, its place in the plan, its
comparators, and, for a kind that owns a top-level key of schema.yaml, that key's shape,
reader and writer, its catalog query and its part of the docs. (Its operations register
their renderers and descriptions themselves, with render.statements.render_operation and
describe.)"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pgwright.model import Catalog, Table
from pgwright.ops import Operation

if TYPE_CHECKING:
    from pgwright.spec.sections import SectionReader

CatalogComparator = Callable[[Catalog, Catalog], Iterable[Operation]]
TableComparator = Callable[[Table, Table], Iterable[Operation]]


class SpecWriting(Protocol):
    """What `inspect`'s spec writer offers a kind writing its section back."""

    def key(self, schema: str, name: str) -> str:
        """An object's key: unqualified in the spec's first schema, else ``schema.name``."""

    def type_name(self, type_text: str) -> str:
        """The shortest spelling of a type (format_type() text) that reads back the same."""

    def writes_serial(self, schema: str, table: str, column: str) -> bool:
        """Whether the spec written declares this column serial (its sequence is its own)."""


@dataclass(frozen=True)
class SpecSection:
    """A kind's own top-level key of schema.yaml (``sequences:``, ``views:``).

    - ``shape``: the key's value as yamale writes it, e.g.
      ``"map(include('sequence'), key=str())"``; the key is never required.
    - ``includes``: the named shapes that ``shape`` includes, as YAML text in shape.yaml's
      syntax (``"sequence:\\n  increment: int(required=False, none=False)\\n"``).
    - ``read``: the section's objects (model objects, with their origins), read from a
      :class:`~pgwright.spec.sections.SectionReader` over a value of a valid shape. The same
      function validates: each problem goes to ``reader.error`` with its key path, and
      validation runs it before the model is ever built.
    - ``write``: for `inspect`, the section's value for the live objects of the kind, or
      None to leave the key out.
    """

    key: str
    shape: str
    read: Callable[[SectionReader], Sequence[object]]
    includes: str = ""
    write: Callable[[Sequence[object], SpecWriting], object | None] | None = None


@dataclass(frozen=True)
class CatalogQuery:
    """One bulk catalog query for a kind, whatever the number of objects. ``sql`` selects
    its schemas with ``n.nspname = ANY(%(schemas)s)``, exactly once (the temporary-schema
    reads rewrite that condition); ``build`` turns its rows into model objects. The
    query travels in the same pipelined round trip as every other catalog query."""

    sql: str
    build: Callable[[list[tuple]], Sequence[object]]


@dataclass(frozen=True)
class DocsTable:
    """A kind's part of the docs' overview: a heading and a table. Cells are plain text;
    the columns listed in ``code_columns`` are set as code. The docs escape every cell."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    code_columns: frozenset[int] = frozenset({0})


@dataclass(frozen=True)
class Kind:
    """One kind of object. ``shared`` kinds (schemas, types, functions) are made before the
    tables and dropped after them; the others are parts of tables.

    ``compare`` compares the spec's and the database's catalogs as wholes; ``compare_table``
    one table that both have. Either yields the operations that turn the database's objects
    of this kind into the spec's.

    A kind that owns a top-level key of the spec says so with ``section``; its objects live
    in ``Catalog.objects(kind.name)``, read by ``query`` from the database. A spec that
    leaves the key out does not manage the kind (``Catalog.manages``): its objects in the
    database are left alone and listed as unmanaged under the labels in ``claims`` (the
    labels of pgwright's list of unmanaged objects that this kind takes over when managed).
    ``document`` gives the kind's part of the docs' overview. ``stand_ins`` gives the SQL
    that makes the spec's objects of the kind exist where they do not yet, inside the
    rolled-back transaction where the server prints the spec's expressions (a default's
    ``nextval('invoice_numbers')`` needs the sequence); introspect/canonical.py runs it.
    """

    name: str
    shared: bool = False
    compare: CatalogComparator | None = None
    compare_table: TableComparator | None = None
    section: SpecSection | None = None
    query: CatalogQuery | None = None
    claims: frozenset[str] = frozenset()
    document: Callable[[Catalog], DocsTable | None] | None = None
    stand_ins: Callable[[Catalog, Catalog], list[str]] | None = None


def registry(*kinds: Kind) -> tuple[Kind, ...]:
    """The kinds, in the order their objects are made; a name or a spec key registered
    twice raises."""
    seen: set[str] = set()
    keys: set[str] = set()
    for kind in kinds:
        if kind.name in seen:
            raise RuntimeError(f"the kind {kind.name!r} is already registered")
        seen.add(kind.name)
        if kind.section is not None:
            if kind.section.key in keys:
                raise RuntimeError(f"the spec key {kind.section.key!r} is already registered")
            keys.add(kind.section.key)
    return kinds


def section_kinds(kinds: Iterable[Kind]) -> tuple[Kind, ...]:
    """The kinds that own a top-level key of the spec, in registry order."""
    return tuple(kind for kind in kinds if kind.section is not None)

"""Sequences: free-standing, or owned by a column (OWNED BY), with their options.

A kind with a top-level key of its own, ``sequences:``. A spec without the key does not
manage sequences; a spec with it (even empty) manages every sequence of its schemas but
those that belong to their column: a serial column's, and an identity column's (neither is
read here). A sequence owned by a column it is not the serial sequence of is declared here,
with ``owned_by``.

A plan never resets a sequence's current value: options are changed with ALTER SEQUENCE,
never RESTART. START only says where RESTART (or a new sequence) begins.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Sequence as Objects
from dataclasses import dataclass, field

from pgwright.kinds.comment import SetComment
from pgwright.kinds.keyed import declared_renames, keyed_diff
from pgwright.kinds.registry import CatalogQuery, DocsTable, Kind, SpecSection, SpecWriting
from pgwright.model import Catalog
from pgwright.names import make_object_name, qualified, quote_ident
from pgwright.ops import Action, ObjectKey, Operation, RenameRelation, column_key, relation_key
from pgwright.render.statements import Statement, describe, render_operation

_TYPE_MAXIMUM = {"smallint": 2**15 - 1, "integer": 2**31 - 1, "bigint": 2**63 - 1}


# ------------------------------------------------------------------------------ model


@dataclass(frozen=True)
class Sequence:
    """A sequence and its options, every one of them explicit (the spec's defaults are
    filled in as PostgreSQL fills them, so the two sides compare field by field)."""

    schema: str
    name: str
    data_type: str = "bigint"
    start: int = 1
    increment: int = 1
    minimum: int = 1
    maximum: int = _TYPE_MAXIMUM["bigint"]
    cache: int = 1
    cycle: bool = False
    owned_by: tuple[str, str, str] | None = None  # (schema, table, column)
    comment: str | None = None
    renamed_from: tuple[str, ...] = field(default=(), compare=False)
    origin: str | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)

    def options(self) -> tuple:
        """What ALTER SEQUENCE sets (all but the name, the owner and the comment)."""
        return (self.data_type, self.start, self.increment, self.minimum, self.maximum,
                self.cache, self.cycle)


def with_defaults(schema: str, name: str, data_type: str = "bigint", *, start=None,
                  increment=None, minimum=None, maximum=None, cache=None, cycle=None,
                  **rest) -> Sequence:
    """A Sequence with the options left out filled in as CREATE SEQUENCE fills them: an
    ascending sequence runs from 1 to the type's maximum, a descending one from -1 down to
    the type's minimum, and starts at its first value."""
    increment = 1 if increment is None else increment
    type_maximum = _TYPE_MAXIMUM.get(data_type, _TYPE_MAXIMUM["bigint"])
    ascending = increment > 0
    if minimum is None:
        minimum = 1 if ascending else -type_maximum - 1
    if maximum is None:
        maximum = type_maximum if ascending else -1
    if start is None:
        start = minimum if ascending else maximum
    return Sequence(schema, name, data_type, start, increment, minimum, maximum,
                    1 if cache is None else cache, bool(cycle), **rest)


# ------------------------------------------------------------------------- operations


@dataclass(frozen=True)
class CreateSequence(Operation, kind="sequence", action=Action.CREATE):
    sequence: Sequence

    @property
    def target(self) -> ObjectKey:
        return relation_key(*self.sequence.key)


@dataclass(frozen=True)
class AlterSequence(Operation, kind="sequence", action=Action.CHANGE):
    """New options for a sequence; its current value stays where it is."""

    sequence: Sequence
    previous: Sequence

    @property
    def target(self) -> ObjectKey:
        return relation_key(*self.sequence.key)


@dataclass(frozen=True)
class SetSequenceOwner(Operation, kind="sequence", action=Action.CHANGE):
    """OWNED BY a column (dropped with it), or OWNED BY NONE."""

    schema: str
    name: str
    owned_by: tuple[str, str, str] | None

    @property
    def target(self) -> ObjectKey:
        return ("sequence owner", self.schema, self.name)

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        own = (relation_key(self.schema, self.name),)
        if self.owned_by is None:
            return own
        schema, table, column = self.owned_by
        return (*own, relation_key(schema, table), column_key(schema, table, column))


@dataclass(frozen=True)
class RenameSequence(RenameRelation, kind="sequence", action=Action.RENAME):
    """ALTER SEQUENCE old RENAME TO new: its current value stays."""


@dataclass(frozen=True)
class DropSequence(Operation, kind="sequence", action=Action.DROP):
    schema: str
    name: str

    @property
    def target(self) -> ObjectKey:
        return relation_key(self.schema, self.name)


# ------------------------------------------------------------------------- comparison


def compare_sequences(spec: Catalog, live: Catalog) -> Iterator[Operation]:
    declared = spec.objects(KIND_NAME)
    # A sequence owned by a column that the spec does not declare belongs to that column
    # (serial makes one): it goes with the column, never on its own.
    declared_keys = {sequence.key for sequence in declared}
    current = [sequence for sequence in live.objects(KIND_NAME)
               if sequence.owned_by is None or sequence.key in declared_keys]
    current = list(declared_renames(declared, current, RenameSequence))
    for operation, _ in current:
        if operation is not None:
            yield operation
    result = keyed_diff(declared, [sequence for _, sequence in current],
                        key=lambda sequence: sequence.key)
    for sequence in result.added:
        yield CreateSequence(sequence)
        if sequence.owned_by is not None:
            yield SetSequenceOwner(sequence.schema, sequence.name, sequence.owned_by)
        if sequence.comment is not None:
            yield SetComment("SEQUENCE", sequence.key, sequence.comment)
    for sequence in result.removed:
        yield DropSequence(sequence.schema, sequence.name)
    for sequence, now in result.changed:
        if sequence.options() != now.options():
            yield AlterSequence(sequence, now)
        if sequence.owned_by != now.owned_by:
            yield SetSequenceOwner(sequence.schema, sequence.name, sequence.owned_by)
        if sequence.comment != now.comment:
            yield SetComment("SEQUENCE", sequence.key, sequence.comment)


# ---------------------------------------------------------------------------- SQL


def _options_sql(sequence: Sequence) -> str:
    return (f"AS {sequence.data_type} INCREMENT BY {sequence.increment} "
            f"MINVALUE {sequence.minimum} MAXVALUE {sequence.maximum} "
            f"START WITH {sequence.start} CACHE {sequence.cache} "
            f"{'CYCLE' if sequence.cycle else 'NO CYCLE'}")


def _create_sql(sequence: Sequence) -> str:
    return f"CREATE SEQUENCE IF NOT EXISTS {qualified(*sequence.key)} {_options_sql(sequence)}"


@render_operation.register
def _(operation: CreateSequence) -> list[Statement]:
    return [Statement(_create_sql(operation.sequence))]


def sequence_stand_ins(spec: Catalog, live: Catalog) -> list[str]:
    """The spec's sequences that the database lacks (new or renamed), for the expressions
    that name them (rolled back)."""
    existing = {sequence.key for sequence in live.objects(KIND_NAME)}
    return [_create_sql(sequence) for sequence in spec.objects(KIND_NAME)
            if sequence.key not in existing]


@render_operation.register
def _(operation: AlterSequence) -> list[Statement]:
    # Never RESTART: the sequence goes on from its current value.
    return [Statement(f"ALTER SEQUENCE IF EXISTS {qualified(*operation.sequence.key)} "
                      f"{_options_sql(operation.sequence)}")]


@render_operation.register
def _(operation: SetSequenceOwner) -> list[Statement]:
    owner = "NONE" if operation.owned_by is None else (
        f"{qualified(*operation.owned_by[:2])}.{quote_ident(operation.owned_by[2])}")
    return [Statement(f"ALTER SEQUENCE IF EXISTS {qualified(operation.schema, operation.name)} "
                      f"OWNED BY {owner}")]


@render_operation.register
def _(operation: RenameSequence) -> list[Statement]:
    return [Statement(f"ALTER SEQUENCE IF EXISTS {qualified(operation.schema, operation.name)} "
                      f"RENAME TO {quote_ident(operation.new_name)}")]


@render_operation.register
def _(operation: DropSequence) -> list[Statement]:
    return [Statement(f"DROP SEQUENCE IF EXISTS {qualified(operation.schema, operation.name)}",
                      destructive=True)]


@describe.register
def _(operation: AlterSequence) -> str:
    names = ("type", "start", "increment", "minimum", "maximum", "cache", "cycle")
    changes = [f"{name} {old} -> {new}" for name, old, new in
               zip(names, operation.previous.options(), operation.sequence.options(), strict=True)
               if old != new]
    return f"alter sequence {operation.subject} ({', '.join(changes)})"


@describe.register
def _(operation: SetSequenceOwner) -> str:
    if operation.owned_by is None:
        return f"sequence {operation.subject} owned by no column"
    return f"sequence {operation.subject} owned by {'.'.join(operation.owned_by)}"


@describe.register
def _(operation: RenameSequence) -> str:
    return f"rename sequence {operation.subject} to {operation.new_name}"


# ----------------------------------------------------------------------------- spec

_SHAPE = """\
sequence:
  type: str(required=False, none=False)
  start: int(required=False, none=False)
  increment: int(required=False, none=False)
  min: int(required=False, none=False)
  max: int(required=False, none=False)
  cache: int(required=False, none=False)
  cycle: bool(required=False, none=False)
  owned_by: str(required=False, none=False)
  comment: str(required=False)
  renamed_from: any(str(), list(str()), required=False, none=False)
"""


def read_sequences(reader) -> list[Sequence]:
    """The ``sequences:`` key: ``name: {type: bigint, start: 1000, owned_by: t.c}``; an
    entry may be empty (``invoice_numbers: {}``) for every default."""
    sequences = []
    for key, entry in (reader.value or {}).items():
        path = (reader.key, key)
        entry = entry or {}
        schema, name = reader.object_key(path, str(key), "sequence")
        data_type = "bigint"
        if "type" in entry:
            data_type = reader.type(path + ("type",), entry["type"])
            if data_type is not None and data_type not in _TYPE_MAXIMUM:
                reader.error(path + ("type",), f"a sequence is smallint, integer or bigint, "
                             f"not '{entry['type']}'", "write type: bigint (the default)")
                data_type = None
        written = entry.get("renamed_from")
        if isinstance(written, list):
            renamed_from = tuple(reader.name(path + ("renamed_from", number), str(old),
                                             "sequence name")
                                 for number, old in enumerate(written))
        else:
            renamed_from = () if written is None else (
                reader.name(path + ("renamed_from",), str(written), "sequence name"),)
        owned_by = None
        if "owned_by" in entry:
            owned_by = _owner(reader, path + ("owned_by",), entry["owned_by"])
        sequence = with_defaults(
            schema, name, data_type or "bigint", start=entry.get("start"),
            increment=entry.get("increment"), minimum=entry.get("min"),
            maximum=entry.get("max"), cache=entry.get("cache"), cycle=entry.get("cycle"),
            owned_by=owned_by, comment=entry.get("comment") or None,
            renamed_from=renamed_from, origin=reader.origin(path))
        if data_type is not None:
            _check_options(reader, path, sequence)
        sequences.append(sequence)
    return sequences


def _owner(reader, path, text: str) -> tuple[str, str, str] | None:
    """``table.column`` or ``schema.table.column``: a column of a table of the spec."""
    table_key, dot, column = str(text).rpartition(".")
    if not dot or not table_key or not column:
        reader.error(path, f"owned_by names a column as table.column, not '{text}'",
                     "write owned_by: orders.number")
        return None
    return reader.column(path, table_key, column)


def _check_options(reader, path, sequence: Sequence) -> None:
    low, high = -_TYPE_MAXIMUM[sequence.data_type] - 1, _TYPE_MAXIMUM[sequence.data_type]
    for key, value in (("start", sequence.start), ("min", sequence.minimum),
                       ("max", sequence.maximum)):
        if not low <= value <= high:
            reader.error(path + (key,), f"{key} {value} is out of range for {sequence.data_type}",
                         f"use a value from {low} to {high}, or a wider type")
            return
    if sequence.increment == 0:
        reader.error(path + ("increment",), "increment cannot be 0",
                     "use 1 to count up, -1 to count down")
    if sequence.minimum >= sequence.maximum:
        reader.error(path + ("min",), f"min ({sequence.minimum}) must be less than max "
                     f"({sequence.maximum})")
    elif not sequence.minimum <= sequence.start <= sequence.maximum:
        reader.error(path + ("start",), f"start {sequence.start} is outside min "
                     f"{sequence.minimum} .. max {sequence.maximum}")
    if sequence.cache < 1:
        reader.error(path + ("cache",), "cache must be at least 1")


def write_sequences(sequences: Objects[Sequence], writer: SpecWriting) -> dict | None:
    """Inspect: each sequence with the options CREATE SEQUENCE would not set by itself.
    A serial column's own sequence is the column's (``serial``), never written here."""
    entries = {}
    for sequence in sequences:
        if sequence.owned_by is not None and writer.writes_serial(*sequence.owned_by) \
                and sequence.name == make_object_name(*sequence.owned_by[1:], "seq"):
            continue
        default = with_defaults(sequence.schema, sequence.name, sequence.data_type,
                                increment=sequence.increment, minimum=sequence.minimum,
                                maximum=sequence.maximum)
        entry: dict = {}
        if sequence.data_type != "bigint":
            entry["type"] = sequence.data_type
        for key, value, usual in (
                ("start", sequence.start, default.start),
                ("increment", sequence.increment, 1),
                ("min", sequence.minimum, with_defaults("", "", sequence.data_type,
                                                        increment=sequence.increment).minimum),
                ("max", sequence.maximum, with_defaults("", "", sequence.data_type,
                                                        increment=sequence.increment).maximum),
                ("cache", sequence.cache, 1), ("cycle", sequence.cycle, False)):
            if value != usual:
                entry[key] = value
        if sequence.owned_by is not None:
            schema, table, column = sequence.owned_by
            entry["owned_by"] = f"{writer.key(schema, table)}.{column}"
        if sequence.comment is not None:
            entry["comment"] = sequence.comment
        entries[writer.key(*sequence.key)] = entry
    return entries or None


# ----------------------------------------------------------------------- introspection

# Every sequence of the managed schemas but an identity column's (deptype 'i'), with the
# column that owns it (deptype 'a', OWNED BY) and its comment; extensions' are theirs.
_QUERY = """
SELECT n.nspname, s.relname, pg_catalog.format_type(seq.seqtypid, NULL),
       seq.seqstart, seq.seqincrement, seq.seqmin, seq.seqmax, seq.seqcache, seq.seqcycle,
       tn.nspname, t.relname, a.attname, d.description
FROM pg_catalog.pg_class s
JOIN pg_catalog.pg_namespace n ON n.oid = s.relnamespace
JOIN pg_catalog.pg_sequence seq ON seq.seqrelid = s.oid
LEFT JOIN pg_catalog.pg_depend dep ON dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
     AND dep.objid = s.oid AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
     AND dep.refobjsubid > 0 AND dep.deptype IN ('a', 'i')
LEFT JOIN pg_catalog.pg_class t ON t.oid = dep.refobjid
LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
LEFT JOIN pg_catalog.pg_description d ON d.objoid = s.oid
     AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0
WHERE s.relkind = 'S' AND n.nspname = ANY(%(schemas)s)
  AND (dep.deptype IS NULL OR dep.deptype = 'a')
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                    AND e.objid = s.oid AND e.deptype = 'e')
ORDER BY 1, 2
"""


def build_sequences(rows) -> list[Sequence]:
    return [Sequence(schema, name, data_type, start, increment, minimum, maximum, cache, cycle,
                     owned_by=(table_schema, table, column) if table is not None else None,
                     comment=comment)
            for (schema, name, data_type, start, increment, minimum, maximum, cache, cycle,
                 table_schema, table, column, comment) in rows]


# ----------------------------------------------------------------------------- docs


def document_sequences(catalog: Catalog) -> DocsTable | None:
    sequences = catalog.objects(KIND_NAME)
    if not sequences:
        return None
    rows = []
    for sequence in sequences:
        step = f"{sequence.increment:+d}" if sequence.increment != 1 else "+1"
        first_schema = catalog.schema_names[0] if catalog.schema_names else "public"
        rows.append((sequence.name if sequence.schema == first_schema
                     else f"{sequence.schema}.{sequence.name}",
                     f"{sequence.data_type}, from {sequence.start}, {step}"
                     + (", cycles" if sequence.cycle else ""),
                     ".".join(sequence.owned_by[1:]) if sequence.owned_by else "",
                     sequence.comment or ""))
    return DocsTable("Sequences", ("Sequence", "Counts", "Owned by", "Comment"), tuple(rows),
                     code_columns=frozenset({0, 2}))


KIND_NAME = "sequence"
KIND = Kind(KIND_NAME, shared=True, compare=compare_sequences,
            section=SpecSection("sequences", "map(include('sequence', required=False), "
                                "key=str())", read_sequences, includes=_SHAPE,
                                write=write_sequences),
            query=CatalogQuery(_QUERY, build_sequences),
            claims=frozenset({"sequence"}), document=document_sequences,
            stand_ins=sequence_stand_ins)

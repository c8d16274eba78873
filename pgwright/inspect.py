"""`pgwright inspect`: the spec of a live database, the inverse of the spec stage.

    read the database: introspect's model, extra catalog reads (owned sequences,
        inexpressible objects), expressions in the forms the server reads back as themselves
        -> the spec model: pgwright.spec.write.catalog_to_spec, told which columns are serial
        -> its text: SpecDraft.yaml_text(), with reference hints as YAML comments

What the spec format cannot express (views, free-standing sequences, grants, domains...) is
never dropped silently: it comes back as a list of :class:`UnsupportedObject`.

>>> with psycopg.connect(url) as connection:  # doctest: +SKIP
...     result = inspect_database(connection)
>>> Path("schema.yaml").write_text(result.yaml_text)  # doctest: +SKIP
>>> for kind, name in result.unsupported:  # doctest: +SKIP
...     print(f"not in the spec: {kind} {name}")
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from pgwright.analysis import ReferenceHint
from pgwright.errors import IntrospectionError
from pgwright.gcpause import without_collector
from pgwright.introspect.catalog import (
    catalog_snapshot,
    index_keys,
    read_catalog,
    read_user_types,
)
from pgwright.introspect.extra import (
    CandidateSchema,
    SequenceRow,
    read_candidate_schemas,
    read_extras,
)
from pgwright.model import Catalog, Column, Table
from pgwright.names import make_object_name, qualified, quote_literal
from pgwright.planning import claimed_labels
from pgwright.render.ddl import SERIAL_FOR
from pgwright.spec.write import UnsupportedObject, catalog_to_spec

# --------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class InspectResult:
    """What `pgwright inspect` writes and reports."""

    yaml_text: str
    unsupported: list[UnsupportedObject]  # sorted; the CLI prints them on stderr
    schemas: list[str]  # the managed schemas, the first being the spec's default schema
    hints: list[ReferenceHint]


# ----------------------------------------------------------------------------- the database


@without_collector
def inspect_database(connection, schemas: Sequence[str] | None = None) -> InspectResult:
    """The spec that reproduces the database, and what it cannot reproduce.

    ``schemas`` defaults to every user schema: not pg_*, not information_schema, not one an
    extension created, not ``pgwright`` (migration history). The one with the most tables
    comes first and becomes the spec's default schema.

    >>> with psycopg.connect(url) as connection:  # doctest: +SKIP
    ...     print(inspect_database(connection, ["public"]).yaml_text)
    version: 1
    schemas: [public]
    ...
    """
    with catalog_snapshot(connection):
        candidates = read_candidate_schemas(connection)
        if schemas is None:
            schemas = choose_schemas(candidates)
        else:
            schemas = list(dict.fromkeys(schemas))
            known = {candidate.name for candidate in candidates}
            missing = [name for name in schemas if name not in known]
            if missing:
                raise IntrospectionError(f"no such schema: {', '.join(missing)}")
        catalog = read_catalog(connection, schemas)
        user_types = read_user_types(connection, schemas)
        extras = read_extras(connection, schemas)
    # Partitioned tables are listed as unsupported and left out, as plan leaves them alone:
    # written as plain tables, the next plan would act on them as on plain tables.
    partitioned = {name for kind, name, _ in extras.unsupported if kind == "partitioned table"}
    if partitioned:
        catalog = replace(catalog, tables=tuple(
            table for table in catalog.tables if qualified(*table.key) not in partitioned))
    catalog = with_pretty_index_keys(catalog, extras.index_definitions)
    catalog = with_readable_expressions(connection, catalog)
    serial_columns, sequence_findings = classify_sequences(catalog, extras.sequences)
    draft = catalog_to_spec(catalog, serial_columns=serial_columns, user_types=user_types)
    claimed = claimed_labels(catalog)  # a database's catalog has every kind: all of them
    found = [UnsupportedObject(kind, f"{name}: {detail}" if detail else name)
             for kind, name, detail in extras.unsupported if kind not in claimed]
    unsupported = sorted(set(found + sequence_findings + list(draft.unsupported)))
    return InspectResult(yaml_text=draft.yaml_text(), unsupported=unsupported,
                         schemas=list(schemas), hints=list(draft.hints))


def choose_schemas(candidates: Iterable[CandidateSchema]) -> list[str]:
    """The schemas to manage, the default one first.

    An empty ``public`` is left out (every new database has one); the schema with the most
    tables comes first, ``public`` winning a tie; the others follow in alphabetical order.
    """
    kept = [c for c in candidates if c.occupied or c.name != "public"]
    if not kept:
        return ["public"]
    first = min(kept, key=lambda c: (-c.tables, c.name != "public", c.name))
    return [first.name] + sorted(c.name for c in kept if c is not first)


def with_pretty_index_keys(catalog: Catalog,
                           definitions: Mapping[tuple[str, str], str]) -> Catalog:
    """The catalog with each index key as the pretty-printed index definition prints it.

    The model's keys come from the plain definition, which parenthesizes every part of an
    expression (``lower((email)::text)``, ``((a + b)) DESC``); the pretty one
    (``pg_get_indexdef(index, 0, true)``) prints what a person writes (``lower(email::text)``,
    ``(a + b) DESC``), which the server reads back as the same index. Column keys, with
    their operator class, ordering and collation, print the same either way.
    """
    tables = []
    for table in catalog.tables:
        indexes = []
        for index in table.indexes:
            keys = index_keys(definitions.get((table.schema, index.name)), index.method)
            if keys is not None and len(keys) == len(index.keys) and keys != index.keys:
                index = replace(index, keys=keys)
            indexes.append(index)
        changed = any(a is not b for a, b in zip(indexes, table.indexes, strict=True))
        tables.append(replace(table, indexes=tuple(indexes)) if changed else table)
    return replace(catalog, tables=tuple(tables))


# How the server prints ``column IN ('a', 'b')`` on a varchar column: the column cast to text,
# compared with ANY of a varchar array cast to text[]. Read back, that text is stored as
# another expression (the cast moves into each element), so an inspected spec holding it
# would build a different constraint on a new database. NOT IN prints with <> ALL.
_NAME = r'(?:[^\W\d][\w$]*|"(?:[^"]|"")+")'
_VARCHAR_LITERAL = r"'(?:[^']|'')*'::character varying"
_VARCHAR_IN_LIST = re.compile(
    rf"\((?P<operand>{_NAME}(?:\.{_NAME})*)\)::text (?P<operator>= ANY|<> ALL) "
    rf"\(\(ARRAY\[(?P<items>{_VARCHAR_LITERAL}(?:, {_VARCHAR_LITERAL})*)\]\)::text\[\]\)")
_CAST_TO_VARCHAR = re.compile(r"::character varying(?=, |$)")


def readable_in_lists(expression: str) -> str:
    """``(status)::text = ANY ((ARRAY['a'::character varying])::text[])`` -> ``status IN ('a')``.

    What a person wrote; :func:`with_readable_expressions` keeps it only where the server
    prints it back exactly as the database holds it.
    """
    def written(match: re.Match) -> str:
        items = _CAST_TO_VARCHAR.sub("", match["items"])
        operator = "IN" if match["operator"] == "= ANY" else "NOT IN"
        return f"{match['operand']} {operator} ({items})"

    return _VARCHAR_IN_LIST.sub(written, expression)


def with_readable_expressions(connection, catalog: Catalog) -> Catalog:
    """The catalog with each expression the server prints in a form it does not read back as
    itself (see :func:`readable_in_lists`) in the form a person writes, wherever the server
    confirms, by printing it on a stand-in, that it is the very same expression."""
    from psycopg import Error as DatabaseError

    from pgwright.errors import PlanError
    from pgwright.introspect.canonical import server_prints

    def readable(table: Table) -> Table:
        return replace(
            table,
            columns=tuple(replace(c, generated=readable_in_lists(c.generated)) if c.generated
                          else c for c in table.columns),
            checks=tuple(replace(c, expression=readable_in_lists(c.expression))
                         for c in table.checks),
            indexes=tuple(replace(i, where=readable_in_lists(i.where)) if i.where else i
                          for i in table.indexes),
            policies=tuple(replace(p, using=p.using and readable_in_lists(p.using),
                                   with_check=p.with_check and readable_in_lists(p.with_check))
                           for p in table.policies),
            triggers=tuple(replace(t, when=readable_in_lists(t.when)) if t.when else t
                           for t in table.triggers))

    candidates = {}
    for table in catalog.tables:
        candidate = readable(table)
        if candidate != table:
            candidates[table.key] = candidate
    if not candidates:
        return catalog
    proposed = replace(catalog, tables=tuple(candidates.get(t.key, t) for t in catalog.tables))
    try:
        printed = server_prints(connection, proposed, catalog)
    except (DatabaseError, PlanError):
        return catalog  # a read-only server, say: the printed text is correct, only less readable
    live_tables = catalog.tables_by_key()
    confirmed = {key: _confirmed(candidates[key], printed[key], live_tables[key])
                 for key in candidates if key in printed}
    return replace(catalog, tables=tuple(confirmed.get(t.key, t) for t in catalog.tables))


def _confirmed(candidate: Table, printed: Table, live: Table) -> Table:
    """``candidate`` keeping each rewritten expression only where ``printed`` (how the server
    prints it) equals ``live`` (how the database holds it)."""
    def pick(candidates, printed_items, live_items, fields):
        for item, print_, now in zip(candidates, printed_items, live_items, strict=True):
            same = all(getattr(print_, f) == getattr(now, f) for f in fields)
            yield item if same else now

    return replace(
        candidate,
        columns=tuple(pick(candidate.columns, printed.columns, live.columns, ("generated",))),
        checks=tuple(pick(candidate.checks, printed.checks, live.checks, ("expression",))),
        indexes=tuple(pick(candidate.indexes, printed.indexes, live.indexes, ("where",))),
        policies=tuple(pick(candidate.policies, printed.policies, live.policies,
                            ("using", "with_check"))),
        triggers=tuple(pick(candidate.triggers, printed.triggers, live.triggers, ("when",))))


def classify_sequences(catalog: Catalog, sequences: Iterable[SequenceRow]
                       ) -> tuple[frozenset[tuple[str, str, str]], list[UnsupportedObject]]:
    """Which columns are serial columns, and which sequences the spec cannot reproduce.

    A column is serial when its sequence is OWNED BY it and has the name ``serial`` gives,
    and the column's default is the ``nextval`` the spec loader expects. Options ``serial``
    would not set (START 1000) are reported, the column is serial all the same.
    """
    serial: set[tuple[str, str, str]] = set()
    findings: list[UnsupportedObject] = []
    tables = catalog.tables_by_key()
    for sequence in sequences:
        name = qualified(sequence.schema, sequence.name)
        options = sequence.non_default_options()
        if sequence.owner_kind == "a":
            table = tables.get((sequence.table_schema, sequence.table))
            column = table.column(sequence.column) if table is not None else None
            if column is None or not _is_serial(sequence, column):
                continue  # written under sequences:, with owned_by (kinds/sequence.py)
            serial.add((sequence.table_schema, sequence.table, sequence.column))
        elif sequence.owner_kind is None:
            continue  # written under sequences: (kinds/sequence.py)
        owner = f"{sequence.table}.{sequence.column}"
        if options:
            findings.append(UnsupportedObject("sequence option", f"{name}: {', '.join(options)}"))
        if sequence.owner_kind == "i" and \
                sequence.name != make_object_name(sequence.table, sequence.column, "seq"):
            findings.append(UnsupportedObject(
                "sequence", f"{name}: identity sequence of {owner} under another name"))
    return frozenset(serial), findings


def _is_serial(sequence: SequenceRow, column: Column) -> bool:
    # The spec loader writes a serial column's default as nextval('<table>_<column>_seq'),
    # shortened to 63 bytes as PostgreSQL does.
    expected_name = make_object_name(sequence.table, sequence.column, "seq")
    sequence_literal = quote_literal(qualified(sequence.table_schema, expected_name))
    expected_default = f"nextval({sequence_literal}::regclass)"
    return (sequence.schema == sequence.table_schema and sequence.name == expected_name
            and column.default == expected_default and column.type in SERIAL_FOR
            and sequence.data_type == column.type and not column.nullable
            and column.identity is None and column.generated is None)


"""Uniform views over the raw spec data, shared by validation and model building.

The YAML allows shorthands (a column as a bare type string, a reference on a column, a list
or a mapping of schemas); this module expands them once so nothing else has to.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from pgwright.names import default_constraint_name, truncate_identifier
from pgwright.normalize import (
    expression_index_label,
    quoted_name_at,
    split_names,
    split_top_level,
)
from pgwright.spec.document import KeyPath


def managed_schemas(data: dict) -> list[str]:
    schemas = data.get("schemas")
    if isinstance(schemas, dict):
        return list(schemas) or ["public"]
    return list(schemas or ["public"])


def schema_comments(data: dict) -> dict[str, str | None]:
    schemas = data.get("schemas")
    if isinstance(schemas, dict):
        return {name: (entry or {}).get("comment") for name, entry in schemas.items()}
    return {}


def extension_entries(data: dict) -> list[tuple[str, str | None]]:
    extensions = data.get("extensions") or []
    if isinstance(extensions, dict):
        return [(name, (entry or {}).get("schema")) for name, entry in extensions.items()]
    return [(name, None) for name in extensions]


def extension_entries_with_paths(data: dict) -> list[tuple[str, str | None, KeyPath]]:
    """(name, schema, path) of each extension: the list entry, or the mapping's key."""
    extensions = data.get("extensions") or []
    if isinstance(extensions, dict):
        return [(str(name), None if (entry or {}).get("schema") is None
                 else str(entry["schema"]), ("extensions", name))
                for name, entry in extensions.items()]
    return [(str(name), None, ("extensions", index)) for index, name in enumerate(extensions)]


def role_paths(data: dict) -> dict[str, KeyPath]:
    """Where the spec first names each role: its ``roles:`` entry, else a policy's."""
    paths: dict[str, KeyPath] = {}
    for index, role in enumerate(data.get("roles") or []):
        paths.setdefault(str(role), ("roles", index))
    for key, table in (data.get("tables") or {}).items():
        policies = ((table or {}).get("rls") or {}).get("policies") or {}
        for name, policy in policies.items():
            for index, role in enumerate((policy or {}).get("roles") or []):
                paths.setdefault(str(role), ("tables", key, "rls", "policies", name, "roles", index))
    return paths


def split_key(key: str, default_schema: str) -> tuple[str, str]:
    if "." in key:
        schema, _, name = key.partition(".")
        return schema, name
    return default_schema, key


@dataclass(frozen=True)
class EnumEntry:
    schema: str
    name: str
    values: list[str]
    comment: str | None
    path: KeyPath

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)


def enum_entries(data: dict, schemas: list[str]) -> list[EnumEntry]:
    entries = []
    for key, entry in (data.get("enums") or {}).items():
        schema, name = split_key(key, schemas[0])
        values = entry if isinstance(entry, list) else entry.get("values", [])
        comment = None if isinstance(entry, list) else entry.get("comment")
        entries.append(EnumEntry(schema, name, [str(v) for v in values], comment, ("enums", key)))
    return entries


@dataclass(frozen=True)
class TableEntry:
    schema: str
    name: str
    raw: dict
    path: KeyPath
    default_schema: str = "public"  # the spec's first schema, for unqualified references

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)

    @property
    def primary_key(self) -> list[str] | None:
        """The table-level primary key's columns: ``primary_key: [a, b]`` or
        ``primary_key: {name: ..., columns: [a, b]}``."""
        value = self.raw.get("primary_key")
        return value.get("columns") if isinstance(value, dict) else value

    @property
    def primary_key_name(self) -> str | None:
        value = self.raw.get("primary_key")
        return value.get("name") if isinstance(value, dict) else None

    @cached_property
    def columns(self) -> tuple[ColumnEntry, ...]:
        """The columns with their shorthands expanded; computed once, since validation and
        model building ask for them many times per table."""
        return tuple(_expand_columns(self))

    @cached_property
    def unique_column_sets(self) -> frozenset[tuple[str, ...]]:
        """The column lists, sorted, that a foreign key may reference: the primary key,
        each unique constraint, each unique index without a where. Asked once per key
        referencing the table, answered once."""
        candidates: list[tuple[str, ...]] = []
        primary = [column.name for column in self.columns if column.primary_key] \
            or list(self.primary_key or [])
        if primary:
            candidates.append(tuple(primary))
        candidates += [(column.name,) for column in self.columns if column.unique]
        for unique in self.raw.get("unique") or []:
            candidates.append(tuple(unique if isinstance(unique, list)
                                    else unique.get("columns", [])))
        for index in self.raw.get("indexes") or []:
            if index.get("unique") and index.get("columns") and not index.get("where"):
                candidates.append(tuple(index["columns"]))
        return frozenset(tuple(sorted(candidate)) for candidate in candidates)

    @cached_property
    def foreign_keys(self) -> tuple[RawForeignKey, ...]:
        """Its column references and ``foreign_keys`` entries, read once."""
        return tuple(_foreign_key_entries(self))


def table_entries(data: dict, schemas: list[str]) -> list[TableEntry]:
    return [TableEntry(*split_key(key, schemas[0]), raw or {}, ("tables", key), schemas[0])
            for key, raw in (data.get("tables") or {}).items()]


class ColumnEntry(NamedTuple):
    """One column of the spec, its shorthand expanded. A named tuple rather than a frozen
    dataclass: a 3,000-table spec has 27,000 of them, built four times faster."""

    name: str
    type: str
    nullable: bool
    default: object
    primary_key: bool
    unique: bool
    references: str | None
    on_delete: str | None
    on_update: str | None
    identity: str | None
    generated: str | None
    comment: str | None
    path: KeyPath
    long_form: bool
    renamed_from: tuple[str, ...] = ()
    using: str | None = None
    orphans: str | None = None

    @property
    def not_null(self) -> bool:
        return self.primary_key or not self.nullable


def as_names(value) -> tuple[str, ...]:
    """``renamed_from: old`` or ``renamed_from: [older, old]`` -> a tuple of names."""
    if value is None:
        return ()
    return (str(value),) if isinstance(value, str) else tuple(str(v) for v in value)


def column_entries(table: TableEntry) -> tuple[ColumnEntry, ...]:
    return table.columns


def _expand_columns(table: TableEntry) -> list[ColumnEntry]:
    entries = []
    pk_columns = set(table.primary_key or [])
    for name, raw in (table.raw.get("columns") or {}).items():
        path = table.path + ("columns", name)
        if isinstance(raw, str):
            entries.append(ColumnEntry(name, raw, name not in pk_columns, None, False, False,
                                       None, None, None, None, None, None, path, False))
            continue
        primary = bool(raw.get("primary_key"))
        # PostgreSQL makes key and identity columns NOT NULL whatever the spec says.
        # Only an explicit `nullable: false` makes a column NOT NULL; an empty value does not.
        nullable = (raw.get("nullable") is not False and not primary and name not in pk_columns
                    and not raw.get("identity"))
        entries.append(ColumnEntry(
            name=name, type=str(raw.get("type", "")), nullable=bool(nullable),
            default=raw.get("default"), primary_key=primary, unique=bool(raw.get("unique")),
            references=raw.get("references"), on_delete=raw.get("on_delete"),
            on_update=raw.get("on_update"), identity=raw.get("identity"),
            generated=raw.get("generated"), comment=raw.get("comment"), path=path,
            long_form=True, renamed_from=as_names(raw.get("renamed_from")),
            using=raw.get("using"), orphans=raw.get("orphans"),
        ))
    return entries


def parse_reference(text: str, default_schema: str, dotted: bool = False):
    """``orders.id`` (dotted) or ``orders(id)`` / ``app.orders(a, b)`` -> (schema, table, cols).

    A name with a dot, a parenthesis or a comma in it is written in double quotes, as in
    SQL: ``"line items"(a, b)``, ``app."line items".id``.
    """
    if not isinstance(text, str):
        return None
    opening = _call_opening(text)
    if opening is not None:
        if not text.rstrip().endswith(")"):
            return None
        table = split_names(text[:opening])
        columns = split_names(text[opening + 1:len(text.rstrip()) - 1], separator=",")
        if table is None or len(table) > 2 or columns is None:
            return None
        schema, name = table if len(table) == 2 else (default_schema, table[0])
        return schema, name, columns
    if dotted:
        parts = split_names(text)
        if parts is not None and len(parts) == 2:
            return default_schema, parts[0], [parts[1]]
        if parts is not None and len(parts) == 3:
            return parts[0], parts[1], [parts[2]]
    return None


def _call_opening(text: str) -> int | None:
    """Where the column list of ``table(cols)`` opens: the first ``(`` that is not inside a
    quoted name (a name is quoted when it starts with a double quote)."""
    position, at_name_start = 0, True
    while position < len(text):
        char = text[position]
        if at_name_start and char == '"':
            name, position = quoted_name_at(text, position)
            if not name:
                return None
            at_name_start = False
            continue
        if char == "(":
            return position
        if not char.isspace():
            at_name_start = char == "."
        position += 1
    return None


@dataclass(frozen=True)
class RawForeignKey:
    name: str
    columns: list[str]
    references: str
    target: tuple[str, str, list[str]] | None
    actions: dict
    deferrable: object
    path: KeyPath


def _foreign_key_entries(table: TableEntry) -> list[RawForeignKey]:
    default_schema = table.default_schema
    entries = []
    for column in column_entries(table):
        if column.references:
            target = parse_reference(column.references, default_schema, dotted=True)
            entries.append(RawForeignKey(
                name=default_constraint_name(table.name, (column.name,), "fkey"),
                columns=[column.name], references=column.references, target=target,
                actions={"on_delete": column.on_delete, "on_update": column.on_update,
                         "orphans": column.orphans},
                deferrable=False, path=column.path + ("references",),
            ))
    for index, raw in enumerate(table.raw.get("foreign_keys") or []):
        columns = list(raw.get("columns") or [])
        target = parse_reference(raw.get("references", ""), default_schema)
        name = raw.get("name") or default_constraint_name(table.name, tuple(columns), "fkey")
        entries.append(RawForeignKey(
            name=name, columns=columns, references=raw.get("references", ""), target=target,
            actions={"on_delete": raw.get("on_delete"), "on_update": raw.get("on_update"),
                     "orphans": raw.get("orphans")},
            deferrable=raw.get("deferrable", False), path=table.path + ("foreign_keys", index),
        ))
    return entries


def unique_entries(table: TableEntry) -> list[tuple[str, list[str], KeyPath]]:
    entries = []
    for column in column_entries(table):
        if column.unique:
            entries.append((default_constraint_name(table.name, (column.name,), "key"),
                            [column.name], column.path + ("unique",)))
    for index, raw in enumerate(table.raw.get("unique") or []):
        columns = raw if isinstance(raw, list) else list(raw.get("columns") or [])
        name = (None if isinstance(raw, list) else raw.get("name")) \
            or default_constraint_name(table.name, tuple(columns), "key")
        entries.append((name, columns, table.path + ("unique", index)))
    return entries


def primary_key_entry(table: TableEntry) -> tuple[str, list[str]] | None:
    columns = [c.name for c in column_entries(table) if c.primary_key] or table.primary_key
    if not columns:
        return None
    name = table.primary_key_name or default_constraint_name(table.name, (), "pkey")
    return truncate_identifier(name), list(columns)


def index_name(table: TableEntry, raw: dict) -> str:
    if raw.get("name"):
        return truncate_identifier(raw["name"])
    if raw.get("columns"):
        return default_constraint_name(table.name, tuple(raw["columns"]), "idx")
    labels = tuple(expression_index_label(element)
                   for element in split_top_level(raw.get("expression", "")))
    return default_constraint_name(table.name, labels, "idx")


def relation_names(table: TableEntry, schemas: list[str]) -> list[tuple[str, KeyPath]]:
    """Every name this table puts into its schema's relation namespace."""
    names: list[tuple[str, KeyPath]] = [(table.name, table.path)]
    primary = primary_key_entry(table)
    if primary:
        names.append((primary[0], table.path + ("primary_key",)))
    names += [(name, path) for name, _, path in unique_entries(table)]
    for index, raw in enumerate(table.raw.get("indexes") or []):
        names.append((index_name(table, raw), table.path + ("indexes", index)))
    return names

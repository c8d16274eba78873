"""Decode the spec's data, once its shape is valid, into its typed entries (spec/entries.py).

The YAML allows shorthands (a column as a bare type string, a reference on a column, a list
or a mapping of schemas); they are expanded here once, so validation and model building read
named fields, never the data again. Each entry keeps its key path and line. The keys and
what each takes are declared once, in shape.yaml (checked by spec/shape.py before this runs).
"""

from __future__ import annotations

from collections.abc import Mapping

from pgwright.names import default_constraint_name, truncate_identifier
from pgwright.normalize import (
    expression_index_label,
    quoted_name_at,
    split_names,
    split_top_level,
)
from pgwright.spec.document import KeyPath
from pgwright.spec.entries import (
    ArgumentEntry,
    CheckEntry,
    ColumnEntry,
    EnumEntry,
    ExtensionEntry,
    ForeignKeyEntry,
    FunctionEntry,
    GrantEntry,
    IndexEntry,
    PolicyEntry,
    PolymorphicEntry,
    PolymorphicTarget,
    RoleEntry,
    SchemaEntry,
    SpecEntries,
    TableEntry,
    TriggerEntry,
    UniqueEntry,
)

# The entries are spec/entries.py's; they are named here too, where the spec is read.
__all__ = ["ColumnEntry", "EnumEntry", "ForeignKeyEntry", "FunctionEntry", "IndexEntry",
           "SpecEntries", "TableEntry", "as_names", "decode_entries", "enum_entries",
           "extension_entries_with_paths", "index_name", "managed_schemas", "parse_reference",
           "primary_key_entry", "relation_names", "role_paths", "split_key", "unique_entries"]

_Lines = Mapping[KeyPath, int]


def managed_schemas(data: dict) -> list[str]:
    schemas = data.get("schemas")
    if isinstance(schemas, dict):
        return list(schemas) or ["public"]
    return list(schemas or ["public"])


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


def as_names(value) -> tuple[str, ...]:
    """``renamed_from: old`` or ``renamed_from: [older, old]`` -> a tuple of names."""
    if value is None:
        return ()
    return (str(value),) if isinstance(value, str) else tuple(str(v) for v in value)


# ------------------------------------------------------------------------------ decoding


def decode_entries(data: dict, file: str, lines: _Lines) -> SpecEntries:
    """The entries of spec data whose shape is valid (spec/shape.py)."""
    schemas = managed_schemas(data)
    raw_schemas = data.get("schemas")
    if isinstance(raw_schemas, dict):
        schema_entries = tuple(SchemaEntry(name, (entry or {}).get("comment"), ("schemas", name))
                               for name, entry in raw_schemas.items())
    else:
        schema_entries = tuple(SchemaEntry(name, None, ("schemas", index))
                               for index, name in enumerate(raw_schemas or []))
    functions: list[FunctionEntry] = []
    function_keys = []
    for key, value in (data.get("functions") or {}).items():
        overloads = value if isinstance(value, list) else [value]
        function_keys.append((key, ("functions", key), len(overloads)))
        for number, raw in enumerate(overloads):
            path = ("functions", key, number) if isinstance(value, list) else ("functions", key)
            functions.append(_function(key, raw or {}, path, number if isinstance(value, list)
                                       else None, schemas[0], lines))
    return SpecEntries(
        file=file,
        version=data.get("version"),
        schemas=schema_entries,
        schemas_listed=not isinstance(raw_schemas, dict),
        extensions=tuple(ExtensionEntry(name, schema, path) for name, schema, path
                         in extension_entries_with_paths(data)),
        enums=tuple(enum_entries(data, schemas)),
        tables=tuple(_table(key, raw or {}, schemas[0], lines)
                     for key, raw in (data.get("tables") or {}).items()),
        roles=tuple(RoleEntry(str(role), ("roles", index))
                    for index, role in enumerate(data.get("roles") or [])),
        functions=tuple(functions),
        function_keys=tuple(function_keys),
        tenant_roots=as_names((data.get("tenancy") or {}).get("root")),
    )


def enum_entries(data: dict, schemas: list[str]) -> list[EnumEntry]:
    entries = []
    for key, entry in (data.get("enums") or {}).items():
        schema, name = split_key(key, schemas[0])
        listed = isinstance(entry, list)
        values = entry if listed else entry.get("values", [])
        comment = None if listed else entry.get("comment")
        path = ("enums", key)
        entries.append(EnumEntry(schema, name, [str(v) for v in values], comment, path,
                                 path if listed else path + ("values",)))
    return entries


def _table(key: str, raw: dict, default_schema: str, lines: _Lines) -> TableEntry:
    schema, name = split_key(key, default_schema)
    path = ("tables", key)
    primary = raw.get("primary_key")
    table_primary = primary.get("columns") if isinstance(primary, dict) else primary
    columns = tuple(_columns(raw.get("columns") or {}, path, set(table_primary or ()), lines))
    # only what the table writes is decoded: most tables have columns and little else
    fields: dict = {written: raw[written] for written in ("comment", "group", "outlives")
                    if written in raw}
    if table_primary is not None:
        fields["primary_key"] = tuple(table_primary)
    if isinstance(primary, dict):
        fields["primary_key_name"] = primary.get("name")
    if raw.get("unique"):
        fields["uniques"] = tuple(
            UniqueEntry(None, tuple(unique), path + ("unique", index))
            if isinstance(unique, list)
            else UniqueEntry(unique.get("name"), tuple(unique.get("columns") or ()),
                             path + ("unique", index))
            for index, unique in enumerate(raw["unique"]))
    if raw.get("checks"):
        fields["checks"] = tuple(CheckEntry(name, str(expression), path + ("checks", name))
                                 for name, expression in raw["checks"].items())
    if raw.get("foreign_keys") or any(column.references for column in columns):
        fields["foreign_keys"] = tuple(_foreign_keys(name, columns, raw.get("foreign_keys") or [],
                                                     path, default_schema, lines))
    if raw.get("indexes"):
        fields["indexes"] = tuple(IndexEntry(
            name=index.get("name"),
            columns=None if index.get("columns") is None else tuple(index["columns"]),
            expression=index.get("expression"), unique=bool(index.get("unique")),
            using=index.get("using", "btree"), where=index.get("where"),
            include=tuple(index.get("include") or ()), path=path + ("indexes", position),
            line=lines.get(path + ("indexes", position)))
            for position, index in enumerate(raw["indexes"]))
    if raw.get("polymorphic"):
        fields["polymorphic"] = tuple(PolymorphicEntry(
            column=column, discriminator=entry.get("discriminator"),
            targets=tuple(PolymorphicTarget(str(value), target,
                                            path + ("polymorphic", column, "targets", value))
                          for value, target in (entry.get("targets") or {}).items()),
            reason=str(entry.get("reason", "")), path=path + ("polymorphic", column))
            for column, entry in raw["polymorphic"].items())
    if raw.get("rls"):
        rls = raw["rls"]
        fields["rls_enabled"] = bool(rls.get("enabled", False))
        fields["rls_forced"] = bool(rls.get("force", False))
        fields["policies"] = tuple(
            _policy(policy_name, policy or {}, path + ("rls", "policies", policy_name), lines)
            for policy_name, policy in (rls.get("policies") or {}).items())
    if raw.get("triggers"):
        fields["triggers"] = tuple(
            _trigger(trigger_name, trigger, path + ("triggers", trigger_name), lines)
            for trigger_name, trigger in raw["triggers"].items())
    if "grants" in raw:
        fields["grants"] = tuple(
            GrantEntry(str(role), tuple(str(privilege) for privilege in privileges or ()),
                       path + ("grants", role))
            for role, privileges in (raw["grants"] or {}).items())
    if "renamed_from" in raw:
        fields["renamed_from"] = as_names(raw["renamed_from"])
    return TableEntry(schema, name, path, lines.get(path), default_schema, columns=columns,
                      **fields)


# A long-form column's keys that are the entry's fields as written (others are converted).
_COLUMN_TEXT_KEYS = frozenset({"default", "references", "on_delete", "on_update", "identity",
                               "generated", "comment", "using", "orphans", "collation"})


def _columns(raw_columns: dict, table_path: KeyPath, pk_columns: set[str], lines: _Lines):
    for name, raw in raw_columns.items():
        path = table_path + ("columns", name)
        if isinstance(raw, str):
            yield ColumnEntry(name, raw, path, lines.get(path), nullable=name not in pk_columns)
            continue
        # only the keys written are read: a column mapping has a few of its sixteen
        fields = {key: value for key, value in raw.items() if key in _COLUMN_TEXT_KEYS}
        primary = bool(raw.get("primary_key"))
        # PostgreSQL makes key and identity columns NOT NULL whatever the spec says.
        # Only an explicit `nullable: false` makes a column NOT NULL; an empty value does not.
        nullable = (raw.get("nullable") is not False and not primary and name not in pk_columns
                    and not fields.get("identity"))
        if "renamed_from" in raw:
            fields["renamed_from"] = as_names(raw["renamed_from"])
        yield ColumnEntry(name, str(raw.get("type", "")), path, lines.get(path), True,
                          bool(nullable), primary_key=primary, unique=bool(raw.get("unique")),
                          **fields)


def _foreign_keys(table_name: str, columns: tuple[ColumnEntry, ...], written: list,
                  table_path: KeyPath, default_schema: str, lines: _Lines):
    for column in columns:
        if column.references:
            path = column.path + ("references",)
            yield ForeignKeyEntry(
                name=default_constraint_name(table_name, (column.name,), "fkey"),
                columns=(column.name,), references=column.references,
                target=parse_reference(column.references, default_schema, dotted=True),
                on_delete=column.on_delete, on_update=column.on_update, orphans=column.orphans,
                deferrable=False, path=path, line=lines.get(path))
    for index, raw in enumerate(written):
        columns_written = tuple(raw.get("columns") or ())
        path = table_path + ("foreign_keys", index)
        yield ForeignKeyEntry(
            name=raw.get("name") or default_constraint_name(table_name, columns_written, "fkey"),
            columns=columns_written, references=raw.get("references", ""),
            target=parse_reference(raw.get("references", ""), default_schema),
            on_delete=raw.get("on_delete"), on_update=raw.get("on_update"),
            orphans=raw.get("orphans"), deferrable=raw.get("deferrable", False), path=path,
            line=lines.get(path), written_name=raw.get("name"))


def _policy(name: str, raw: dict, path: KeyPath, lines: _Lines) -> PolicyEntry:
    return PolicyEntry(
        name=name, command=str(raw.get("command", "all")).lower(),
        roles=tuple(str(role) for role in raw.get("roles") or ()),
        permissive=raw.get("as", "permissive") == "permissive",
        using=raw.get("using"), with_check=raw.get("with_check"), path=path,
        line=lines.get(path))


def _trigger(name: str, raw: dict, path: KeyPath, lines: _Lines) -> TriggerEntry:
    return TriggerEntry(
        name=name, timing=str(raw.get("timing", "before")),
        events=tuple(str(event).lower() for event in raw.get("events") or ()),
        level=str(raw.get("level", "row")), function=str(raw.get("function", "")),
        when=raw.get("when"), columns=tuple(raw.get("columns") or ()), path=path,
        line=lines.get(path))


def _function(key: str, raw: dict, path: KeyPath, overload: int | None, default_schema: str,
              lines: _Lines) -> FunctionEntry:
    schema, name = split_key(key, default_schema)
    return FunctionEntry(
        key=key, schema=schema, name=name, overload=overload,
        returns=None if raw.get("returns") is None else str(raw["returns"]),
        language=str(raw.get("language", "sql")).lower(),
        volatility=str(raw.get("volatility", "volatile")).lower(),
        security=str(raw.get("security", "invoker")),
        search_path=None if raw.get("search_path") is None else str(raw["search_path"]),
        args=tuple(ArgumentEntry(str(argument.get("name") or ""), str(argument.get("type")),
                                 path + ("args", index))
                   for index, argument in enumerate(raw.get("args") or [])),
        body=str(raw.get("body", "")), comment=raw.get("comment"), path=path,
        line=lines.get(path))


# ------------------------------------------------------------ what the entries imply


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


def unique_entries(table: TableEntry) -> list[tuple[str, list[str], KeyPath]]:
    """(name, columns, path) of each unique constraint: a column's unique:, then unique:."""
    entries = [(default_constraint_name(table.name, (column.name,), "key"), [column.name],
                column.path + ("unique",)) for column in table.columns if column.unique]
    entries += [(unique.name or default_constraint_name(table.name, unique.columns, "key"),
                 list(unique.columns), unique.path) for unique in table.uniques]
    return entries


def primary_key_entry(table: TableEntry) -> tuple[str, list[str]] | None:
    """(name, columns) of the table's primary key, declared on its columns or on the table."""
    return table.primary_key_constraint


def index_name(table: TableEntry, index: IndexEntry | Mapping) -> str:
    """The index's name: as written, else the default PostgreSQL would give it. ``index``
    may also be a mapping of an index's keys, as the spec writer builds one."""
    if isinstance(index, Mapping):
        name, columns, expression = index.get("name"), index.get("columns"), \
            index.get("expression")
    else:
        name, columns, expression = index.name, index.columns, index.expression
    if name:
        return truncate_identifier(name)
    if columns:
        return default_constraint_name(table.name, tuple(columns), "idx")
    labels = tuple(expression_index_label(element)
                   for element in split_top_level(expression or ""))
    return default_constraint_name(table.name, labels, "idx")


def relation_names(table: TableEntry) -> list[tuple[str, KeyPath]]:
    """Every name this table puts into its schema's relation namespace."""
    names: list[tuple[str, KeyPath]] = [(table.name, table.path)]
    primary = primary_key_entry(table)
    if primary:
        names.append((primary[0], table.path + ("primary_key",)))
    names += [(name, path) for name, _, path in unique_entries(table)]
    names += [(index_name(table, index), index.path) for index in table.indexes]
    return names

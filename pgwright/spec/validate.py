"""Check a parsed spec: first its shape (yamale), then its meaning. Every problem is reported.

No database is needed: references into schemas the spec does not manage are left for plan
time, when the live catalog can answer.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from pgwright.errors import Problem
from pgwright.names import MAX_IDENTIFIER_BYTES
from pgwright.normalize import (
    EXTENSION_TYPES,
    INTEGER_TYPES,
    TYPE_ALIASES,
    ExpressionProblem,
    check_embeddable,
    parse_type,
)
from pgwright.spec.load import KeyPath, SpecDocument, format_path
from pgwright.spec.reading import (
    RawForeignKey,
    column_entries,
    enum_entries,
    foreign_key_entries,
    managed_schemas,
    parse_reference,
    table_entries,
)


@cache
def _shape_schema():
    import yamale

    text = resources.files("pgwright.spec").joinpath("shape.yaml").read_text()
    return yamale.make_schema(content=text)


def suggest(word: str, candidates) -> str | None:
    """'did you mean ...' for the closest candidate, if any is close."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


_YAMALE_LINE = re.compile(r"^(?P<path>[^:]*?)\s*:\s*(?P<message>.*)$")
_KNOWN_KEYS = {
    "top": ["version", "schemas", "extensions", "enums", "tables"],
    "table": ["comment", "group", "columns", "primary_key", "unique", "checks",
              "foreign_keys", "indexes", "polymorphic"],
    "column": ["type", "nullable", "default", "primary_key", "unique", "references",
               "on_delete", "on_update", "identity", "generated", "comment"],
    "foreign_key": ["name", "columns", "references", "on_delete", "on_update", "deferrable"],
    "index": ["name", "columns", "expression", "unique", "using", "where", "include"],
    "polymorphic": ["discriminator", "targets", "reason"],
}


def _resolve_yamale_path(document: SpecDocument, dotted: str) -> KeyPath:
    """Yamale joins keys with '.', which is ambiguous for qualified table names."""
    dotted = dotted.strip()
    for path in document.lines:
        if ".".join(str(part) for part in path) == dotted:
            return path
    return tuple(dotted.split("."))


def _key_family(path: KeyPath) -> str:
    if len(path) <= 1:
        return "top"
    if path[0] == "tables":
        if len(path) == 3:
            return "table"
        if len(path) == 5 and path[2] == "columns":
            return "column"
        if len(path) == 5 and path[2] == "foreign_keys":
            return "foreign_key"
        if len(path) == 5 and path[2] == "indexes":
            return "index"
        if len(path) == 5 and path[2] == "polymorphic":
            return "polymorphic"
    return ""


def check_shape(document: SpecDocument) -> list[Problem]:
    import yamale

    if not isinstance(document.data, dict):
        return [document.problem((), "the spec must be a mapping with 'version' and 'tables'")]
    try:
        yamale.validate(_shape_schema(), [(document.data, document.file)])
        return []
    except yamale.YamaleError as error:
        messages = [message for result in error.results for message in result.errors]
    by_path: dict[str, list[str]] = {}
    for message in messages:
        match = _YAMALE_LINE.match(message)
        path, text = (match.group("path"), match.group("message")) if match else ("", message)
        by_path.setdefault(path.strip(), []).append(text)
    problems: list[Problem] = []
    for dotted, texts in by_path.items():
        # An alternative such as any(str(), include('column')) reports the str() branch too;
        # when a deeper message explains the real fault, the shallow one is noise.
        deeper = any(other.startswith(dotted + ".") for other in by_path if other != dotted)
        for text in texts:
            if deeper and (text.endswith("is not a str.") or text.endswith("is not a list.")):
                continue
            path = _resolve_yamale_path(document, dotted)
            if text == "Unexpected element":
                family = _KNOWN_KEYS.get(_key_family(path), [])
                problems.append(document.problem(path, f"unknown key '{path[-1]}'",
                                                 suggest(str(path[-1]), family)))
            elif text == "Required field missing":
                problems.append(document.problem(path, f"required key '{path[-1]}' is missing"))
            elif " not in (" in text:
                value = text.split("'")[1] if "'" in text else ""
                allowed = re.findall(r"'([^']*)'", text.split(" not in ", 1)[1])
                hint = suggest(value, allowed) or "expected one of: " + ", ".join(allowed)
                problems.append(document.problem(path, f"'{value}' is not allowed here", hint))
            else:
                problems.append(document.problem(path, text.rstrip(".")))
    return problems


@dataclass
class _Context:
    document: SpecDocument
    schemas: list[str]
    problems: list[Problem] = field(default_factory=list)

    def error(self, path: KeyPath, message: str, suggestion: str | None = None) -> None:
        self.problems.append(self.document.problem(path, message, suggestion))

    def warn(self, path: KeyPath, message: str, suggestion: str | None = None) -> None:
        self.problems.append(self.document.problem(path, message, suggestion, severity="warning"))


def validate_spec(document: SpecDocument) -> list[Problem]:
    """Every problem in the spec, errors and warnings, in file order."""
    problems = check_shape(document)
    if problems:
        return problems
    data = document.data
    context = _Context(document=document, schemas=managed_schemas(data))
    if data.get("version") != 1:
        context.error(("version",), f"unsupported spec version {data.get('version')!r}",
                      "this pgwright reads version: 1")
    _check_names(context)
    tables = {entry.key: entry for entry in table_entries(data, context.schemas)}
    enums = {entry.key: entry for entry in enum_entries(data, context.schemas)}
    _check_enums(context, enums)
    column_types: dict[tuple[str, str, str], str | None] = {}
    for table in tables.values():
        _check_table(context, table, enums, column_types)
    for table in tables.values():
        _check_relations(context, table, tables, column_types)
    _check_relation_names(context, tables)
    return sorted(context.problems, key=lambda p: (p.line or 0, p.path))


def _check_names(context: _Context) -> None:
    for path, _ in context.document.lines.items():
        name = path[-1]
        if isinstance(name, str) and path[0] in ("tables", "enums", "schemas") and (
            len(path) == 2 or (len(path) == 4 and path[2] in ("columns", "checks"))
        ):
            for part in name.split(".") if len(path) == 2 else [name]:
                if not part:
                    context.error(path, "empty name")
                elif len(part.encode()) > MAX_IDENTIFIER_BYTES:
                    context.error(path, f"name '{part}' is longer than 63 bytes; "
                                  "PostgreSQL would truncate it")
                elif "\x00" in part:
                    context.error(path, "names cannot contain a NUL character")
    for index, schema in enumerate(context.schemas):
        if schema.startswith("pg_") or schema == "information_schema":
            context.error(("schemas", index), f"'{schema}' is a system schema and cannot be managed")
    seen: dict[tuple[str, str], str] = {}
    for key in (context.document.data.get("tables") or {}):
        schema, _, name = key.rpartition(".") if "." in key else (context.schemas[0], "", key)
        if "." in key and schema not in context.schemas:
            context.error(("tables", key), f"schema '{schema}' is not managed by this spec",
                          f"add it to 'schemas:' ({suggest(schema, context.schemas) or 'schemas: [..., ' + schema + ']'})")
        qualified_key = (schema, name)
        if qualified_key in seen:
            context.error(("tables", key), f"table '{schema}.{name}' is declared twice "
                          f"(also as '{seen[qualified_key]}')")
        seen[qualified_key] = key


def _check_enums(context: _Context, enums) -> None:
    for entry in enums.values():
        if entry.schema not in context.schemas:
            context.error(entry.path, f"schema '{entry.schema}' is not managed by this spec")
        if not entry.values:
            context.error(entry.path, "an enum needs at least one value")
        duplicates = {v for v in entry.values if entry.values.count(v) > 1}
        for value in sorted(duplicates):
            context.error(entry.path, f"value '{value}' is listed twice")


def _known_type_names(context: _Context, enums) -> list[str]:
    return sorted(set(TYPE_ALIASES) | set(EXTENSION_TYPES) | {name for _, name in enums})


def resolve_spec_type(type_text: str, schemas: list[str], enums) -> str | None:
    """The canonical type of a spec column, or None when only the database can tell."""
    from pgwright.normalize import canonical_type, qualified_type_name, split_qualified

    def resolve(name: str) -> str | None:
        if "." in name:
            schema, base = split_qualified(name, schemas[0])
            if (schema, base) in enums:
                return qualified_type_name(schema, base)
            return None
        for schema in schemas:
            if (schema, name) in enums:
                return qualified_type_name(schema, name)
        return None

    return canonical_type(type_text, resolve)


def _check_table(context: _Context, table, enums, column_types) -> None:
    columns = column_entries(table)
    if not columns:
        context.error(table.path + ("columns",), "a table needs at least one column")
    known_types = _known_type_names(context, enums)
    column_names = [c.name for c in columns]
    for column in columns:
        parsed = parse_type(column.type)
        canonical = resolve_spec_type(column.type, context.schemas, enums)
        column_types[(table.schema, table.name, column.name)] = canonical
        type_path = column.path + (("type",) if column.long_form else ())
        if parsed is None:
            context.error(type_path, f"'{column.type}' is not a type name")
        elif canonical is None and not parsed.builtin and "." not in parsed.base \
                and parsed.base.lower() not in EXTENSION_TYPES:
            context.error(type_path, f"unknown type '{column.type}'",
                          suggest(parsed.base.lower(), known_types))
        if column.identity and column.default is not None:
            context.error(column.path, "a column cannot have both identity and default")
        if column.identity and canonical is not None and canonical not in INTEGER_TYPES:
            context.error(column.path, f"identity needs an integer type, not '{column.type}'")
        if column.generated is not None and (column.default is not None or column.identity):
            context.error(column.path, "a generated column cannot have a default or identity")
        if parsed is not None and parsed.serial and column.default is not None:
            context.error(column.path, "a serial column has its own default")
        for key, expression in (("default", column.default), ("generated", column.generated)):
            if isinstance(expression, str):
                _check_expression(context, column.path + (key,), expression)
    pk_columns = [c.name for c in columns if c.primary_key]
    if pk_columns and table.primary_key is not None:
        context.error(table.path + ("primary_key",),
                      "primary key declared both on columns and on the table",
                      "keep one of them")
    if len(pk_columns) > 1:
        context.error(table.path + ("columns",),
                      f"several columns say primary_key: true ({', '.join(pk_columns)})",
                      "use the table's primary_key: [a, b] for a composite key")
    for index, name in enumerate(table.primary_key or []):
        _check_column_exists(context, table.path + ("primary_key", index), name, column_names)
    for index, unique in enumerate(table.raw.get("unique") or []):
        names = unique if isinstance(unique, list) else unique.get("columns", [])
        for name in names:
            _check_column_exists(context, table.path + ("unique", index), name, column_names)
    for name, expression in (table.raw.get("checks") or {}).items():
        _check_expression(context, table.path + ("checks", name), expression)
    for index, entry in enumerate(table.raw.get("indexes") or []):
        path = table.path + ("indexes", index)
        has_columns, has_expression = "columns" in entry, "expression" in entry
        if has_columns == has_expression:
            context.error(path, "an index needs exactly one of 'columns' or 'expression'")
        for name in entry.get("columns") or []:
            _check_column_exists(context, path + ("columns",), name, column_names)
        for name in entry.get("include") or []:
            _check_column_exists(context, path + ("include",), name, column_names)
        for key in ("expression", "where"):
            if key in entry:
                _check_expression(context, path + (key,), entry[key])
    for column_name, entry in (table.raw.get("polymorphic") or {}).items():
        path = table.path + ("polymorphic", column_name)
        _check_column_exists(context, path, column_name, column_names)
        if entry.get("discriminator"):
            _check_column_exists(context, path + ("discriminator",), entry["discriminator"],
                                 column_names)
        if not str(entry.get("reason", "")).strip():
            context.error(path + ("reason",), "say why this reference has no foreign key")


def _check_expression(context: _Context, path: KeyPath, expression: str) -> None:
    try:
        check_embeddable(str(expression))
    except ExpressionProblem as problem:
        context.error(path, f"invalid expression: {problem}")


def _check_column_exists(context: _Context, path: KeyPath, name: str, names: list[str]) -> bool:
    if name in names:
        return True
    context.error(path, f"unknown column '{name}'", suggest(name, names))
    return False


def _check_relations(context: _Context, table, tables, column_types) -> None:
    own_columns = {c.name: c for c in column_entries(table)}
    for fk in foreign_key_entries(table, context.schemas):
        _check_foreign_key(context, table, fk, tables, own_columns, column_types)
    for column_name, entry in (table.raw.get("polymorphic") or {}).items():
        for value, target in (entry.get("targets") or {}).items():
            path = table.path + ("polymorphic", column_name, "targets", value)
            reference = parse_reference(target, context.schemas[0], dotted=True)
            if reference is None:
                context.error(path, f"'{target}' is not a table.column reference")
                continue
            schema, name, target_columns = reference
            _check_target(context, path, schema, name, target_columns, tables)
            if own_columns.get(column_name) and (schema, name) in tables:
                mine = column_types.get((table.schema, table.name, column_name))
                theirs = column_types.get((schema, name, target_columns[0]))
                if mine and theirs and mine != theirs:
                    context.warn(path, f"type {mine} of '{column_name}' differs from "
                                 f"{theirs} of {name}.{target_columns[0]}")


def _check_target(context, path, schema, name, target_columns, tables) -> bool:
    if schema not in context.schemas:
        return False  # an unmanaged schema (auth.users): checked against the database at plan time
    target = tables.get((schema, name))
    if target is None:
        candidates = [n for s, n in tables if s == schema]
        context.error(path, f"references unknown table '{name}'", suggest(name, candidates))
        return False
    target_names = [c.name for c in column_entries(target)]
    ok = True
    for column in target_columns:
        if column not in target_names:
            context.error(path, f"references unknown column '{name}.{column}'",
                          suggest(column, target_names))
            ok = False
    return ok


def _check_foreign_key(context, table, fk: RawForeignKey, tables, own_columns, column_types):
    if fk.target is None:
        context.error(fk.path, f"'{fk.references}' is not a valid reference",
                      "write table.column on a column, or table(col, ...) in foreign_keys")
        return
    for name in fk.columns:
        if name not in own_columns:
            context.error(fk.path, f"unknown column '{name}'", suggest(name, list(own_columns)))
            return
    schema, name, target_columns = fk.target
    if len(target_columns) != len(fk.columns):
        context.error(fk.path, f"{len(fk.columns)} column(s) reference "
                      f"{len(target_columns)} column(s) of '{name}'")
        return
    if not _check_target(context, fk.path, schema, name, target_columns, tables):
        return
    for mine, theirs in zip(fk.columns, target_columns, strict=True):
        own_type = column_types.get((table.schema, table.name, mine))
        target_type = column_types.get((schema, name, theirs))
        if own_type and target_type and own_type != target_type:
            context.error(fk.path, f"type mismatch: {mine} is {own_type} but "
                          f"{name}.{theirs} is {target_type}",
                          f"declare {mine} as {target_type}")
    for action_key in ("on_delete", "on_update"):
        action = fk.actions.get(action_key)
        if action == "set null":
            not_null = [c for c in fk.columns if own_columns[c].not_null]
            if not_null:
                context.error(fk.path, f"{action_key}: set null on NOT NULL column "
                              f"{', '.join(not_null)}",
                              "make the column nullable or use cascade / restrict")
    target = tables[(schema, name)]
    if not _is_unique_key(target, tuple(target_columns)):
        context.error(fk.path, f"{name}({', '.join(target_columns)}) is neither the primary key "
                      "nor a unique constraint, so PostgreSQL cannot reference it",
                      f"add unique: [[{', '.join(target_columns)}]] to table '{name}'")


def _is_unique_key(table, columns: tuple[str, ...]) -> bool:
    candidates: list[tuple[str, ...]] = []
    entries = column_entries(table)
    pk = [c.name for c in entries if c.primary_key] or list(table.primary_key or [])
    if pk:
        candidates.append(tuple(pk))
    candidates += [(c.name,) for c in entries if c.unique]
    for unique in table.raw.get("unique") or []:
        candidates.append(tuple(unique if isinstance(unique, list) else unique.get("columns", [])))
    for index in table.raw.get("indexes") or []:
        if index.get("unique") and index.get("columns") and not index.get("where"):
            candidates.append(tuple(index["columns"]))
    return any(sorted(candidate) == sorted(columns) for candidate in candidates)


def _check_relation_names(context: _Context, tables) -> None:
    """Tables, indexes and key constraints share one namespace per schema in PostgreSQL."""
    from pgwright.spec.reading import relation_names

    seen: dict[tuple[str, str], KeyPath] = {}
    for table in tables.values():
        for name, path in relation_names(table, context.schemas):
            key = (table.schema, name)
            if key in seen and seen[key] != path:
                context.error(path, f"name '{name}' is already used by {format_path(seen[key])}",
                              "give one of them an explicit name")
            else:
                seen[key] = path

"""The checks of what a spec writes as a type: a column's, a function's argument and result,
its search_path. Each reaches SQL rebuilt from its parsed form, never pasted as written."""

from __future__ import annotations

import re
from collections.abc import Callable

from pgwright.names import escape_control_characters, quote_ident
from pgwright.normalize import (
    EXTENSION_TYPES,
    PG_CATALOG_TYPES,
    TYPE_ALIASES,
    parse_search_path,
    parse_type,
    type_sql,
)
from pgwright.spec.context import Context, check_identifier
from pgwright.spec.document import KeyPath

# Pseudo-types a function may take or return besides the real types; the server prints them
# bare. A result may also be void or trigger, or a set: setof <type>.
POLYMORPHIC_TYPES = frozenset("""
    anyelement anyarray anynonarray anyenum anyrange anymultirange anycompatible
    anycompatiblearray anycompatiblenonarray anycompatiblerange anycompatiblemultirange record
""".split())
RESULT_ONLY_TYPES = frozenset({"void", "trigger"})
_SETOF = re.compile(r"setof\s+", re.IGNORECASE)


def function_type_sql(text: str, resolve: Callable[[str], str | None],
                      result: bool = False) -> str | None:
    """The SQL of a function's argument type (or, with ``result``, its result type), built
    from its parsed form as a column's type is; None when ``text`` is not such a type.

    >>> function_type_sql("setof varchar(20)", lambda name: None, result=True)
    'SETOF character varying(20)'
    >>> function_type_sql("integer LANGUAGE sql AS $x$ select 1 $x$", lambda name: None) is None
    True
    """
    text = str(text).strip()
    word = text.lower()
    if word in POLYMORPHIC_TYPES or (result and word in RESULT_ONLY_TYPES):
        return word
    setof = _SETOF.match(text)
    if result and setof:
        element = function_type_sql(text[setof.end():], resolve)
        return None if element is None else f"SETOF {element}"
    return type_sql(text, resolve)


# Type names from other languages and databases, and the PostgreSQL type they mean.
_FOREIGN_TYPE_NAMES = {
    "string": "text", "str": "text", "longtext": "text", "clob": "text", "nvarchar": "varchar",
    "datetime": "timestamptz", "int32": "integer", "int64": "bigint", "long": "bigint",
    "tinyint": "smallint", "double": "double precision", "float64": "double precision",
    "blob": "bytea", "binary": "bytea", "dict": "jsonb", "object": "jsonb",
}


def suggest_type(context: Context, name: str, enums) -> str | None:
    if name not in context.suggested_types:  # a spec repeats its misspelt types
        context.suggested_types[name] = _suggested_type(context, name, enums)
    return context.suggested_types[name]


def _suggested_type(context: Context, name: str, enums) -> str | None:
    known = set(TYPE_ALIASES) | PG_CATALOG_TYPES | set(EXTENSION_TYPES) \
        | {enum_name for _, enum_name in enums}
    match = context.close_match(name, sorted(known | set(_FOREIGN_TYPE_NAMES)))
    if match is None:
        return None
    if match in _FOREIGN_TYPE_NAMES and match not in known:
        return f"did you mean '{_FOREIGN_TYPE_NAMES[match]}'?"
    return f"did you mean '{match}'?"


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


# What PostgreSQL accepts between the parentheses of its built-in types: a length, a
# precision (numeric's scale, since PostgreSQL 15, may be negative or exceed it), or a count
# of fractional digits of seconds. Any other built-in type takes none.
_LENGTHS = {"character varying": 10_485_760, "character": 10_485_760,
            "bit": 83_886_080, "bit varying": 83_886_080}
_NUMERIC_PRECISION, _NUMERIC_SCALE = range(1, 1001), range(-1000, 1001)
_SECONDS_PRECISION = range(0, 7)
_UNLIMITED = {"character varying": "text", "character": "text", "bit": "bit varying",
              "bit varying": "bit varying"}


# The built-in types a COLLATE applies to (user types: domains over text, citext, are left
# to the server).
COLLATABLE_BASES = frozenset({"text", "character varying", "character", "name"})


def check_type_modifiers(context: Context, path: KeyPath, written: str, parsed) -> None:
    """The modifiers of a built-in type (``varchar(99999999999)``) are in PostgreSQL's range."""
    base = parsed.base
    modifiers = parsed.args.split(",")
    if not all(re.fullmatch(r"[+-]?\d+", modifier) for modifier in modifiers):
        context.error(path, f"the modifiers of {base} in '{written}' must be whole numbers")
        return
    numbers = [int(modifier) for modifier in modifiers]
    seconds = base.startswith(("time", "interval"))
    if base not in _LENGTHS and base != "numeric" and not seconds:
        context.error(path, f"{base} takes no modifier, as in '{written}'",
                      f"write {base} without the parentheses")
    elif len(numbers) > (2 if base == "numeric" else 1):
        context.error(path, f"{base} takes {'two modifiers' if base == 'numeric' else 'one'}, "
                      f"not {len(numbers)} as in '{written}'")
    elif base in _LENGTHS and not 1 <= numbers[0] <= _LENGTHS[base]:
        context.error(path, f"the length {numbers[0]} of {base} is out of range: PostgreSQL "
                      f"allows 1 to {_LENGTHS[base]:,}",
                      f"for no limit, write {_UNLIMITED[base]}")
    elif base == "numeric" and numbers[0] not in _NUMERIC_PRECISION:
        context.error(path, f"the precision {numbers[0]} of numeric is out of range: "
                      "PostgreSQL allows 1 to 1,000 digits",
                      "for any number of digits, write numeric without a precision")
    elif base == "numeric" and len(numbers) == 2 and numbers[1] not in _NUMERIC_SCALE:
        context.error(path, f"the scale {numbers[1]} of numeric is out of range: PostgreSQL "
                      "allows -1,000 to 1,000", "write the number of digits after the point")
    elif seconds and numbers[0] not in _SECONDS_PRECISION:
        context.error(path, f"the precision {numbers[0]} of {base} is out of range: "
                      "PostgreSQL keeps 0 to 6 digits of fractional seconds",
                      f"write {written.split('(')[0].strip()}(6), or leave the precision out")




# A schema name that needs no quotes: what a schema outside the spec's own is called.
PLAIN_SCHEMA_NAME = re.compile(r"[^\W\d][\w$]*")


def check_function_type(context: Context, path: KeyPath, text: object, enums,
                         result: bool) -> None:
    """A function's argument or result type: parsed as a column's type is (see
    :func:`~pgwright.spec.security.function_type_sql`), never pasted as written."""
    text = str(text).strip()
    what = "result type" if result else "argument type"
    others = "setof <type>, void or trigger" if result else "a polymorphic type (anyelement)"

    def resolve(key: str) -> str | None:
        return context.canonical_type(key, enums) if key else None

    if function_type_sql(text, lambda key: None, result) is None:
        shown = escape_control_characters(text if len(text) <= 60 else text[:57] + "...")
        hint = f"write a type as for a column (integer, text[], app.status), or {others}"
        if result and text.lower().startswith("table"):
            hint = "returns: table(...) is not supported; return setof a composite type"
        context.error(path, f"the {what} '{shown}' is not a type", hint)
        return
    word = text.lower()
    element = re.sub(r"(?i)^setof\s+", "", text) if result else text
    if word in POLYMORPHIC_TYPES or (result and word in RESULT_ONLY_TYPES) \
            or element.lower() in POLYMORPHIC_TYPES:
        return
    parsed = parse_type(element)
    if parsed.builtin and parsed.args is not None:
        check_type_modifiers(context, path, element, parsed)
    if parsed.builtin or resolve(element) is not None:
        return
    if parsed.schema is None and "." in (parsed.name or ""):
        context.error(path, f"the type name {element} holds a dot, so it must be qualified",
                      f"write {quote_ident(context.schemas[0])}.{element}")
    elif parsed.schema is None and parsed.base.lower() not in EXTENSION_TYPES:
        context.error(path, f"unknown {what} '{element}'",
                      suggest_type(context, parsed.base.lower(), enums)
                      or "declare it under enums, or qualify it with its schema")


def check_search_path(context: Context, path: KeyPath, text: str) -> None:
    """A search_path is a list of schema names: each one is quoted where it is rendered,
    so it has to be a name, not SQL (``public AS $x$ ...; DROP TABLE victim``)."""
    schemas = parse_search_path(text)
    if schemas is None:
        context.error(path, f"'{escape_control_characters(text)}' is not a list of schema names",
                      'separate schemas with commas, and close the double quotes of a quoted '
                      'name: public, "my schema"')
        return
    for schema in schemas:
        written_quoted = '"' + schema.replace('"', '""') + '"' in text
        if written_quoted or schema == "$user" or PLAIN_SCHEMA_NAME.fullmatch(schema):
            check_identifier(context, path, schema, "schema name")
        else:
            shown = escape_control_characters(schema if len(schema) <= 60 else schema[:57] + "...")
            context.error(path, f"'{shown}' is not a schema name",
                          "separate schemas with commas; write a name that holds spaces or "
                          'other signs in double quotes: public, "my schema"')


def check_type(context: Context, path: KeyPath, type_text: str, enums) -> str | None:
    """Check a type as a column (or a sequence, a domain) writes it, and return its canonical
    form; None when it is not one, after reporting why at ``path``."""
    parsed = parse_type(type_text)
    canonical = context.canonical_type(type_text, enums)
    if parsed is None:
        context.error(path, f"'{type_text}' is not a type name",
                      "write a type as PostgreSQL names it: integer, varchar(20), text[], "
                      "numeric(12,2), or a declared enum")
    elif not parsed.builtin and parsed.schema is None and "." in (parsed.name or ""):
        # user types are looked up by key, which is split at its first dot
        context.error(path, f"the type name {type_text} holds a dot, so it must be "
                      "qualified", f"write {quote_ident(context.schemas[0])}.{type_text}")
    elif canonical is None and not parsed.builtin and "." not in parsed.base \
            and parsed.base.lower() not in EXTENSION_TYPES:
        context.error(path, f"unknown type '{type_text}'",
                      suggest_type(context, parsed.base.lower(), enums)
                      or "declare it under enums:, or write a PostgreSQL type (integer, "
                      "text, uuid, ...)")
    if parsed is not None and parsed.builtin and parsed.args is not None:
        check_type_modifiers(context, path, type_text, parsed)
    return canonical

"""Canonical forms shared by both sides of the diff.

Types are canonicalized here, in Python, into exactly what ``format_type()`` prints with an
empty search_path (``varchar(10)`` -> ``character varying(10)``, ``order_status`` ->
``public.order_status``). SQL expressions are canonicalized by the server itself
(``introspect/canonical.py``); this module only supplies the lexical helpers they need.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from pgwright.names import quote_ident
from pgwright.sqlscript import DOLLAR_TAG, IDENTIFIER, quoted_end

# Type names as the spec writes them, canonicalized into format_type()'s text.
#
# The grammar is PostgreSQL's: keywords (double precision, character varying(10),
# timestamp(3) with time zone, interval day to second), names bare or in double quotes,
# schema-qualified or not, modifiers, and array bounds ([], [3], ARRAY). Unquoted names
# are matched against the built-in types case-insensitively; any other name is a user type
# (an enum, an extension's type), written exactly as it is named: the spec, unlike SQL,
# does not fold case, so ``OrderStatus`` is the enum "OrderStatus". A name in double quotes
# is never read as a keyword: ``"char"`` is pg_catalog's one-byte type, ``char`` is
# character(1), as in SQL.

# alias -> canonical base name, as format_type() prints it.
TYPE_ALIASES: dict[str, str] = {
    "int": "integer", "int4": "integer", "integer": "integer",
    "int8": "bigint", "bigint": "bigint",
    "int2": "smallint", "smallint": "smallint",
    "serial": "integer", "serial4": "integer",
    "bigserial": "bigint", "serial8": "bigint",
    "smallserial": "smallint", "serial2": "smallint",
    "float8": "double precision", "double precision": "double precision", "float": "double precision",
    "float4": "real", "real": "real",
    "bool": "boolean", "boolean": "boolean",
    "varchar": "character varying", "character varying": "character varying",
    "char": "character", "character": "character", "bpchar": "character", "nchar": "character",
    "decimal": "numeric", "dec": "numeric", "numeric": "numeric",
    "timestamp": "timestamp without time zone",
    "timestamp without time zone": "timestamp without time zone",
    "timestamptz": "timestamp with time zone",
    "timestamp with time zone": "timestamp with time zone",
    "time": "time without time zone", "time without time zone": "time without time zone",
    "timetz": "time with time zone", "time with time zone": "time with time zone",
    "varbit": "bit varying", "bit varying": "bit varying", "bit": "bit",
    "interval": "interval",
}

# The other base, range and multirange types of pg_catalog (PostgreSQL 13 to 18), which
# format_type() prints under their own names. A type a later version adds can be written
# qualified, pg_catalog.<name>, until it is listed here.
PG_CATALOG_TYPES = frozenset("""
    aclitem box bytea cid cidr circle date datemultirange daterange gtsvector inet
    int4multirange int4range int8multirange int8range json jsonb jsonpath line lseg macaddr
    macaddr8 money name nummultirange numrange oid path pg_brin_bloom_summary
    pg_brin_minmax_multi_summary pg_dependencies pg_lsn pg_mcv_list pg_ndistinct pg_node_tree
    pg_snapshot point polygon refcursor regclass regcollation regconfig regdictionary
    regnamespace regoper regoperator regproc regprocedure regrole regtype text tid
    tsmultirange tsquery tsrange tstzmultirange tstzrange tsvector txid_snapshot uuid xid xid8
    xml
""".split())

# pg_catalog's own names of the types the grammar spells with keywords, as a quoted or
# qualified name ("int4", pg_catalog.varchar) reads them: without the keywords' defaults,
# so "bit" is bit of any length and "char" is not character(1) but the one-byte type.
_CATALOG_NAMES = {
    "int2": "smallint", "int4": "integer", "int8": "bigint", "float4": "real",
    "float8": "double precision", "bool": "boolean", "varchar": "character varying",
    "bpchar": "character", "varbit": "bit varying", "bit": "bit", "numeric": "numeric",
    "time": "time without time zone", "timetz": "time with time zone",
    "timestamp": "timestamp without time zone", "timestamptz": "timestamp with time zone",
    "interval": "interval", "char": '"char"',
}

# Keyword phrases of more than one word, longest first.
_PHRASES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("national", "character", "varying"), "character varying"),
    (("national", "char", "varying"), "character varying"),
    (("character", "varying"), "character varying"),
    (("char", "varying"), "character varying"),
    (("nchar", "varying"), "character varying"),
    (("national", "character"), "character"),
    (("national", "char"), "character"),
    (("double", "precision"), "double precision"),
    (("bit", "varying"), "bit varying"),
)
_INTERVAL_FIELDS = frozenset({
    "year", "month", "day", "hour", "minute", "second", "year to month", "day to hour",
    "day to minute", "day to second", "hour to minute", "hour to second", "minute to second",
})
# Words the grammar reads as keywords that make a type, where a name in quotes is just a name.
_GENERIC_NAMES = frozenset({"bpchar", "int2", "int4", "int8", "float4", "float8", "bool",
                            "varbit", "timestamptz", "timetz"})

SERIAL_TYPES = frozenset({"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"})
INTEGER_TYPES = frozenset({"integer", "bigint", "smallint"})

# Types that extensions commonly provide, and the extension that provides each.
EXTENSION_TYPES: dict[str, str] = {
    "citext": "citext", "hstore": "hstore", "ltree": "ltree", "lquery": "ltree",
    "vector": "vector", "halfvec": "vector", "sparsevec": "vector", "cube": "cube",
    "geometry": "postgis", "geography": "postgis", "isbn": "isn", "ean13": "isn", "seg": "seg",
}


@dataclass(frozen=True)
class ParsedType:
    """A type name taken apart: ``numeric(12,2)[]`` -> base numeric, args "12,2", 1 dimension.

    A user type (``app."order status"``) keeps its parts unquoted: ``schema`` (None when
    written unqualified) and ``name``; its ``base`` is ``name`` or ``schema.name``, the key
    type resolvers look it up by.
    """

    base: str  # canonical base name of a built-in type, or the user type's key
    args: str | None
    dimensions: int
    builtin: bool
    serial: bool = False
    schema: str | None = None
    name: str | None = None

    def render(self, resolved_base: str | None = None) -> str:
        base = resolved_base or self.base
        text = base
        if self.args is not None:
            if base.startswith(("timestamp", "time")):
                # format_type prints the precision inside: timestamp(3) with time zone
                head, _, tail = base.partition(" ")
                text = f"{head}({self.args}) {tail}".rstrip()
            else:
                text = f"{base}({self.args})"
        # PostgreSQL keeps no array dimensions in a column's type: text[][] is text[].
        return text + ("[]" if self.dimensions else "")


_WORD = re.compile(r"[^\W\d][\w$]*")
# What PostgreSQL takes between a type's parentheses: simple constants or identifiers
# (varchar(20), numeric(12, 2), geometry(Point, 4326)), here integers and plain words.
_TYPE_MODIFIER = re.compile(r"[+-]?\d+|[^\W\d]\w*", re.ASCII)


def _type_tokens(text: str) -> list[tuple[str, str]] | None:
    """(kind, value) tokens: word, quoted (its name, unquoted), dot, args, array."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char.isspace():
            position += 1
        elif char == '"':
            name, position = quoted_name_at(text, position)
            if not name:
                return None
            tokens.append(("quoted", name))
        elif char == "(":
            end = closing_parenthesis(text, position)
            if end is None:
                return None
            tokens.append(("args", text[position + 1:end]))
            position = end + 1
        elif char == "[":
            end = text.find("]", position)
            bound = text[position + 1:end].strip() if end > 0 else "x"
            if bound and not bound.isdigit():
                return None
            tokens.append(("array", ""))
            position = end + 1
        elif char == ".":
            tokens.append(("dot", "."))
            position += 1
        elif match := _WORD.match(text, position):
            tokens.append(("word", match.group()))
            position = match.end()
        else:
            return None
    return tokens


def quoted_name_at(text: str, start: int) -> tuple[str, int]:
    """The name in the double quotes at ``text[start]`` (``""`` inside standing for ``"``)
    and the position after them; ("", ...) when the quote is not closed.

    >>> quoted_name_at('t."a""b".x', 2)
    ('a"b', 8)
    """
    parts = []
    position = start + 1
    while True:
        end = text.find('"', position)
        if end < 0:
            return "", len(text)
        if text.startswith('""', end):
            parts.append(text[position:end + 1])
            position = end + 2
            continue
        parts.append(text[position:end])
        return "".join(parts), end + 1


@lru_cache(maxsize=4096)  # a large spec names the same few dozen types thousands of times
def parse_type(text: str) -> ParsedType | None:
    """Parse a type as the spec (or format_type) writes it; None when it is not a type name.

    >>> parsed = parse_type("varchar(320)[]")
    >>> parsed.base, parsed.args, parsed.dimensions, parsed.builtin
    ('character varying', '320', 1, True)
    >>> parse_type('app."order status"').base
    'app.order status'
    """
    tokens = _type_tokens(text)
    if not tokens or tokens[0][0] not in ("word", "quoted"):
        return None
    words = [value.lower() for kind, value in tokens if kind == "word"]
    schema, (kind, name), position = None, tokens[0], 1
    if len(tokens) > 2 and tokens[1][0] == "dot" and tokens[2][0] in ("word", "quoted"):
        schema, (kind, name), position = tokens[0][1], tokens[2], 3
    base: str | None = None
    keyword = False  # a keyword type, whose grammar gives defaults (char is character(1))
    if schema is None and kind == "word":
        lowered = name.lower()
        phrase = next(((length, canonical) for words_of, canonical in _PHRASES
                       if tuple(words[:len(words_of)]) == words_of
                       and all(k == "word" for k, _ in tokens[:len(words_of)])
                       for length in [len(words_of)]), None)
        if phrase is not None:
            position, base, keyword = phrase[0], phrase[1], True
        elif lowered in _GENERIC_NAMES:
            base = _CATALOG_NAMES[lowered]
        elif lowered in TYPE_ALIASES:
            base, keyword = TYPE_ALIASES[lowered], True
        elif lowered in PG_CATALOG_TYPES:
            base = lowered
    elif schema == "pg_catalog" or (schema is None and kind == "quoted"):
        if name in _CATALOG_NAMES:
            base = _CATALOG_NAMES[name]
        elif name in PG_CATALOG_TYPES or schema == "pg_catalog":
            base = quote_ident(name)

    def next_words(*expected: str) -> bool:
        found = tokens[position:position + len(expected)]
        return [value.lower() for _, value in found] == list(expected) \
            and all(k == "word" for k, _ in found)

    if keyword and base == "interval":
        for length in (3, 1):
            field = tuple(value.lower() for _, value in tokens[position:position + length])
            if len(field) == length and " ".join(field) in _INTERVAL_FIELDS \
                    and next_words(*field):
                base, position = f"interval {' '.join(field)}", position + length
                break
    args = None
    if position < len(tokens) and tokens[position][0] == "args":
        modifiers = [part.strip() for part in tokens[position][1].split(",")]
        if not all(_TYPE_MODIFIER.fullmatch(modifier) for modifier in modifiers):
            return None
        args = ",".join(modifiers)
        position += 1
    if keyword and base in ("time without time zone", "timestamp without time zone"):
        head = base.split()[0]
        if next_words("with", "time", "zone"):
            base, position = f"{head} with time zone", position + 3
        elif next_words("without", "time", "zone"):
            position += 3
    dimensions = 0
    while position < len(tokens):
        if tokens[position][0] == "array":
            dimensions, position = dimensions + 1, position + 1
        elif next_words("array"):
            dimensions, position = dimensions + 1, position + 1
            if position < len(tokens) and tokens[position][0] == "array":
                position += 1
        else:
            return None
    if base is None:
        key = name if schema is None else f"{schema}.{name}"
        return ParsedType(base=key, args=args, dimensions=dimensions, builtin=False,
                          schema=schema, name=name)
    if base == "double precision" and keyword and name.lower() == "float" and args is not None:
        if not args.isdigit() or not 1 <= int(args) <= 53:
            return None
        base, args = ("real" if int(args) <= 24 else "double precision"), None
    if args is None and base == "character":
        base, args = ("character", "1") if keyword else ("bpchar", None)
    if args is None and base == "bit":
        base, args = ("bit", "1") if keyword else ('"bit"', None)
    if base == "numeric" and args is not None and "," not in args:
        args += ",0"  # numeric(5) is numeric(5,0)
    serial = keyword and schema is None and name.lower() in SERIAL_TYPES
    return ParsedType(base=base, args=args, dimensions=dimensions, builtin=True, serial=serial)


def qualified_type_name(schema: str, name: str) -> str:
    """How format_type prints a user type: ``public.order_status``, ``app."Status"``."""
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def canonical_type(text: str, resolve: Callable[[str], str | None]) -> str | None:
    """The format_type() form of a spec type, or None if it names no known type.

    ``resolve`` maps a user type's key (``name`` or ``schema.name``, unquoted: see
    :class:`ParsedType`) to its canonical qualified form, or None when no such type is known.

    >>> canonical_type("timestamptz(3)", lambda name: None)
    'timestamp(3) with time zone'
    """
    parsed = parse_type(text)
    if parsed is None:
        return None
    if parsed.builtin:
        return parsed.render()
    resolved = resolve(parsed.base)
    if resolved is None:
        return None
    return parsed.render(resolved)


def type_sql(text: str, resolve: Callable[[str], str | None]) -> str | None:
    """A spec type as SQL, built from its parsed form, never from the text as written: the
    canonical type when it is known, else the user type's name quoted (for the database to
    resolve); None when ``text`` is not a type name.

    >>> type_sql("varchar(20)[]", lambda name: None), type_sql('app."Order Status"', lambda name: None)
    ('character varying(20)[]', 'app."Order Status"')
    """
    parsed = parse_type(text)
    if parsed is None:
        return None
    canonical = canonical_type(text, resolve)
    if canonical is not None:
        return canonical
    if parsed.schema is None:
        return parsed.render(quote_ident(parsed.name))
    return parsed.render(qualified_type_name(parsed.schema, parsed.name))


def split_names(text: str, separator: str = ".") -> list[str] | None:
    """Names separated by ``separator`` (dots by default), each bare (taken as written,
    surrounding spaces dropped) or, when it starts with a double quote, quoted as in SQL (for
    a name with a dot, a parenthesis or a comma in it); None if one is empty or malformed.

    >>> split_names('app."line items".id')
    ['app', 'line items', 'id']
    >>> split_names('a, "b, c"', separator=",")
    ['a', 'b, c']
    """
    names = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if text.startswith('"', position):
            name, position = quoted_name_at(text, position)
            while position < len(text) and text[position].isspace():
                position += 1
            if position < len(text) and text[position] != separator:
                return None
        else:
            end = text.find(separator, position)
            end = len(text) if end < 0 else end
            name, position = text[position:end].strip(), end
        if not name:
            return None
        names.append(name)
        if position >= len(text):
            return names
        position += 1  # the separator


def parse_search_path(text: str) -> tuple[str, ...] | None:
    """The schemas of a search_path, as ``SET search_path`` takes it and proconfig stores it:
    names separated by commas, each bare (taken as written) or double-quoted; () for the
    empty path (written ``''`` or ``""``); None when a name is empty or a quote is not closed.

    >>> parse_search_path('"$user", public, "Billing Data"')
    ('$user', 'public', 'Billing Data')
    >>> parse_search_path('""')
    ()
    """
    stripped = text.strip()
    if stripped in ("", '""', "''"):
        return ()
    names = split_names(stripped, ",")
    return tuple(names) if names is not None else None


def split_qualified(name: str, default_schema: str) -> tuple[str, str]:
    """``app.link`` -> (app, link); ``link`` -> (default_schema, link)."""
    if "." in name:
        schema, _, rest = name.partition(".")
        return schema.strip(), rest.strip()
    return default_schema, name.strip()


@lru_cache(maxsize=8192)
def collapse_whitespace(expression: str) -> str:
    """Whitespace outside quotes folded to single spaces: a cheap first equality test."""
    parts: list[str] = []
    for token, quoted in split_quoted(expression):
        parts.append(token if quoted else " ".join(token.split()))
    return "".join(parts).strip()


def split_quoted(text: str):
    """Yield (chunk, is_quoted) pieces, keeping quotes intact."""
    index = 0
    start = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char in ("'", '"'):
            if start < index:
                yield text[start:index], False
            end = index + 1
            while end < length:
                if text[end] == char:
                    if end + 1 < length and text[end + 1] == char:
                        end += 2
                        continue
                    break
                end += 1
            yield text[index:end + 1], True
            index = start = end + 1
            continue
        index += 1
    if start < length:
        yield text[start:], False


class ExpressionProblem(ValueError):
    """An expression that cannot be safely embedded into a statement."""


def check_embeddable(expression: str) -> None:
    """Refuse expression text that could end or escape the statement it is embedded in.

    Expressions in the spec are SQL by design (checks, defaults, predicates); what they must
    never do is close the surrounding parenthesis, end the statement or open a comment.
    """
    problem = embedding_problem(expression)
    if problem is not None:
        raise ExpressionProblem(problem)


@lru_cache(maxsize=8192)  # defaults and checks repeat across tables (now(), amount >= 0)
def embedding_problem(expression: str) -> str | None:
    """Why ``expression`` cannot be embedded in a statement (see :func:`check_embeddable`),
    or None when it can."""
    depth = 0
    index = 0
    length = len(expression)
    while index < length:
        char = expression[index]
        if char in ("'", '"'):
            end = quoted_end(expression, index)
            if end is None:
                return f"unterminated {char} quote"
            index = end
            continue
        if match := IDENTIFIER.match(expression, index):
            index = match.end()  # whole: a$b_c$d holds no dollar quote
            continue
        if char == "$":
            match = DOLLAR_TAG.match(expression, index)
            if match:
                closing = expression.find(match.group(0), match.end())
                if closing < 0:
                    return "unterminated dollar quote"
                index = closing + len(match.group(0))
                continue
        if expression.startswith("--", index) or expression.startswith("/*", index):
            return "comments are not allowed inside an expression"
        if char == ";":
            return "';' would end the statement"
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return "unbalanced ')'"
        index += 1
    if depth:
        return "unbalanced '('"
    if not expression.strip():
        return "empty expression"
    return None


_LEADING_FUNCTION = re.compile(r'^\s*(?:[A-Za-z_][A-Za-z0-9_]*\s*\.\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\(')
_PLAIN_COLUMN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")
# a column followed by an operator class or ordering: "title gin_trgm_ops", "created_at DESC"
_PLAIN_COLUMN_WITH_OPTIONS = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*(\s+[A-Za-z_][A-Za-z0-9_]*)+\s*$")


def expression_index_label(expression: str) -> str:
    """The name part PostgreSQL derives from one index element (``lower(email)`` -> lower)."""
    first = expression.strip().split()[0] if _PLAIN_COLUMN_WITH_OPTIONS.match(expression) else expression
    match = _LEADING_FUNCTION.match(first) or _PLAIN_COLUMN.match(first)
    return match.group(1).lower() if match else "expr"


def closing_parenthesis(text: str, start: int = 0) -> int | None:
    """The index of the parenthesis that closes the one at ``text[start]``, quoted text
    (``')'``, ``"we)ird"``) skipped; None when it is never closed.

    >>> closing_parenthesis("(lower(name), ')') WHERE x")
    17
    """
    depth = 0
    for chunk_start, chunk, quoted in _chunks(text, start):
        if quoted:
            continue
        for offset, char in enumerate(chunk):
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    return chunk_start + offset
    return None


def _chunks(text: str, start: int):
    """(position, chunk, is_quoted) pieces of ``text[start:]``; an unclosed quote ends it."""
    position = start
    for chunk, quoted in split_quoted(text[start:]):
        if quoted and (len(chunk) < 2 or chunk[-1] != chunk[0]):
            return
        yield position, chunk, quoted
        position += len(chunk)


def split_top_level(expression: str) -> list[str]:
    """Split on commas that are not inside parentheses or quotes."""
    pieces: list[str] = []
    current = ""
    depth = 0
    for chunk, quoted in split_quoted(expression):
        if quoted:
            current += chunk
            continue
        for char in chunk:
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            if char == "," and depth == 0:
                pieces.append(current.strip())
                current = ""
            else:
                current += char
    pieces.append(current.strip())
    return pieces


_INTEGER_WIDTH = {"smallint": 2, "integer": 4, "bigint": 8}


def comparable_types(own_type: str, target_type: str) -> bool:
    """Whether PostgreSQL lets a foreign key join the two (canonical) types without them
    being equal: integer widths, text and varchar. Legal, if unwise.

    >>> comparable_types("integer", "bigint"), comparable_types("text", "uuid")
    (True, False)
    """
    def family(type_text: str) -> str:
        if type_text in _INTEGER_WIDTH:
            return "integer"
        if type_text == "text" or type_text.startswith("character varying"):
            return "text"
        return type_text

    return family(own_type) == family(target_type)
_SIZED = re.compile(r"^(?P<base>character varying|character|numeric|bit varying)\((?P<args>[^)]*)\)$")


def widens(from_type: str, to_type: str) -> bool:
    """Whether converting ``from_type`` to ``to_type`` keeps every value exactly.

    >>> widens("character varying(50)", "character varying(120)"), widens("text", "integer")
    (True, False)
    """
    if from_type == to_type or to_type == "text":
        return True
    if from_type in _INTEGER_WIDTH and to_type in _INTEGER_WIDTH:
        return _INTEGER_WIDTH[to_type] >= _INTEGER_WIDTH[from_type]
    if from_type in _INTEGER_WIDTH and to_type in ("numeric", "bigint"):
        return True
    source, target = _SIZED.match(from_type), _SIZED.match(to_type)
    if source and to_type == "character varying" and source.group("base") == "character varying":
        return True
    if source and target and source.group("base") == target.group("base"):
        old = [int(x) for x in source.group("args").split(",")]
        new = [int(x) for x in target.group("args").split(",")]
        if source.group("base") == "numeric":
            old_scale = old[1] if len(old) > 1 else 0
            new_scale = new[1] if len(new) > 1 else 0
            return new_scale >= old_scale and new[0] - new_scale >= old[0] - old_scale
        return new[0] >= old[0]
    if source and source.group("base") == "numeric" and to_type == "numeric":
        return True
    return from_type in ("character varying", "character") and to_type == "text"


# Built-in string types: converting a value of one to any other kind of type goes through
# that type's input function, which PostgreSQL allows only as an explicit cast (the
# "automatic I/O conversion casts" of CREATE CAST's documentation), never on its own.
_STRING_BASES = frozenset({"text", "character varying", "character", "name"})


def explicit_conversion(column_sql: str, from_type: str, to_type: str) -> str | None:
    """The USING expression a type change needs because PostgreSQL will not convert
    ``from_type`` to ``to_type`` by itself, or None when it will (or cannot at all).

    >>> explicit_conversion('"a"', "text", "uuid"), explicit_conversion('"a"', "integer", "bigint")
    ('"a"::uuid', None)

    From a string type the explicit cast is the target's input function. Between two user
    types (one enum to another) no cast exists, and the value goes through its text form.
    """
    source, target = parse_type(from_type), parse_type(to_type)
    if source is None or target is None or from_type == to_type \
            or source.dimensions != target.dimensions:
        return None
    if source.builtin and source.base in _STRING_BASES:
        if target.builtin and target.base in _STRING_BASES:
            return None
        return f"{column_sql}::{to_type}"
    if not source.builtin and not target.builtin:
        return f"{column_sql}::text{'[]' if source.dimensions else ''}::{to_type}"
    return None

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
    "char": "character", "character": "character", "bpchar": "character",
    "decimal": "numeric", "numeric": "numeric",
    "timestamp": "timestamp without time zone",
    "timestamp without time zone": "timestamp without time zone",
    "timestamptz": "timestamp with time zone",
    "timestamp with time zone": "timestamp with time zone",
    "time": "time without time zone", "time without time zone": "time without time zone",
    "timetz": "time with time zone", "time with time zone": "time with time zone",
    "varbit": "bit varying", "bit varying": "bit varying", "bit": "bit",
    "text": "text", "uuid": "uuid", "json": "json", "jsonb": "jsonb", "bytea": "bytea",
    "date": "date", "interval": "interval", "inet": "inet", "cidr": "cidr",
    "macaddr": "macaddr", "macaddr8": "macaddr8", "money": "money", "xml": "xml",
    "tsvector": "tsvector", "tsquery": "tsquery", "oid": "oid", "name": "name",
    "point": "point", "line": "line", "lseg": "lseg", "box": "box", "path": "path",
    "polygon": "polygon", "circle": "circle", "int4range": "int4range",
    "int8range": "int8range", "numrange": "numrange", "tsrange": "tsrange",
    "tstzrange": "tstzrange", "daterange": "daterange", "regclass": "regclass",
    "jsonpath": "jsonpath", "pg_lsn": "pg_lsn", "txid_snapshot": "txid_snapshot",
}

SERIAL_TYPES = frozenset({"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"})
INTEGER_TYPES = frozenset({"integer", "bigint", "smallint"})

# Types that extensions commonly provide, and the extension that provides each.
EXTENSION_TYPES: dict[str, str] = {
    "citext": "citext", "hstore": "hstore", "ltree": "ltree", "lquery": "ltree",
    "vector": "vector", "halfvec": "vector", "sparsevec": "vector", "cube": "cube",
    "geometry": "postgis", "geography": "postgis", "isbn": "isn", "ean13": "isn", "seg": "seg",
}

_TYPE_PATTERN = re.compile(
    r"""^\s*
    (?P<base>[A-Za-z_][A-Za-z0-9_$]*(?:\s*\.\s*[A-Za-z_"][A-Za-z0-9_$"]*)?
       (?:\s+(?:varying|precision|with(?:out)?\s+time\s+zone))?)
    \s*(?:\((?P<args>[^)]*)\))?
    (?P<tz>\s+with(?:out)?\s+time\s+zone)?
    (?P<array>(?:\s*\[\s*\d*\s*\])*)\s*$""",
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedType:
    """A type name taken apart: ``numeric(12,2)[]`` -> base numeric, args "12,2", 1 dimension."""

    base: str  # canonical base name, or the user type name as written (qualified or not)
    args: str | None
    dimensions: int
    builtin: bool
    serial: bool = False

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
        return text + "[]" * self.dimensions


@lru_cache(maxsize=4096)  # a large spec names the same few dozen types thousands of times
def parse_type(text: str) -> ParsedType | None:
    """Parse a spec type; None when it is not a type name at all."""
    match = _TYPE_PATTERN.match(text)
    if not match:
        return None
    raw_base = " ".join(match.group("base").split())
    tz = match.group("tz")
    if tz:
        raw_base += " " + " ".join(tz.split())
    args = match.group("args")
    if args is not None:
        args = ",".join(part.strip() for part in args.split(","))
    dimensions = match.group("array").count("[")
    lowered = raw_base.lower()
    if lowered in TYPE_ALIASES:
        base = TYPE_ALIASES[lowered]
        if base == "character" and args is None:
            args = "1"  # format_type prints char as character(1)
        if base == "numeric" and args is not None and "," not in args:
            args += ",0"  # numeric(5) is numeric(5,0)
        return ParsedType(base=base, args=args, dimensions=dimensions, builtin=True,
                          serial=lowered in SERIAL_TYPES)
    return ParsedType(base=raw_base, args=args, dimensions=dimensions, builtin=False)


def qualified_type_name(schema: str, name: str) -> str:
    """How format_type prints a user type: ``public.order_status``, ``app."Status"``."""
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def canonical_type(text: str, resolve: Callable[[str], str | None]) -> str | None:
    """The format_type() form of a spec type, or None if it names no known type.

    ``resolve`` maps a user type name (as written, possibly qualified) to its canonical
    qualified form, or None when no such type is known.
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
    for token, quoted in _split_quoted(expression):
        parts.append(token if quoted else " ".join(token.split()))
    return "".join(parts).strip()


def _split_quoted(text: str):
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
    depth = 0
    index = 0
    length = len(expression)
    while index < length:
        char = expression[index]
        if char in ("'", '"'):
            end = quoted_end(expression, index)
            if end is None:
                raise ExpressionProblem(f"unterminated {char} quote")
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
                    raise ExpressionProblem("unterminated dollar quote")
                index = closing + len(match.group(0))
                continue
        if expression.startswith("--", index) or expression.startswith("/*", index):
            raise ExpressionProblem("comments are not allowed inside an expression")
        if char == ";":
            raise ExpressionProblem("';' would end the statement")
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise ExpressionProblem("unbalanced ')'")
        index += 1
    if depth:
        raise ExpressionProblem("unbalanced '('")
    if not expression.strip():
        raise ExpressionProblem("empty expression")


_LEADING_FUNCTION = re.compile(r'^\s*(?:[A-Za-z_][A-Za-z0-9_]*\s*\.\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\(')
_PLAIN_COLUMN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")
# a column followed by an operator class or ordering: "title gin_trgm_ops", "created_at DESC"
_PLAIN_COLUMN_WITH_OPTIONS = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*(\s+[A-Za-z_][A-Za-z0-9_]*)+\s*$")


def expression_index_label(expression: str) -> str:
    """The name part PostgreSQL derives from one index element (``lower(email)`` -> lower)."""
    first = expression.strip().split()[0] if _PLAIN_COLUMN_WITH_OPTIONS.match(expression) else expression
    match = _LEADING_FUNCTION.match(first) or _PLAIN_COLUMN.match(first)
    return match.group(1).lower() if match else "expr"


def split_top_level(expression: str) -> list[str]:
    """Split on commas that are not inside parentheses or quotes."""
    pieces: list[str] = []
    current = ""
    depth = 0
    for chunk, quoted in _split_quoted(expression):
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

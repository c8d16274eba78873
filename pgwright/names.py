"""Identifier quoting and PostgreSQL's default object names.

This is the only module that quotes identifiers or string literals for SQL.
"""

from __future__ import annotations

import re

# Words PostgreSQL reserves (and those it cannot use as column or table names);
# quoting them is required. Kept small and exact: an unneeded quote is harmless,
# a missing one is a syntax error, so when in doubt a name is quoted. The list is the
# union over PostgreSQL 13 to 18 (pg_get_keywords() where catcode <> 'U'): system_user and
# json_array ... json_objectagg became keywords in 16, json and json_exists ... merge_action
# in 17. The server quotes by its own version's list, so the text it prints (format_type,
# pg_get_expr) may leave bare a word that this module quotes.
RESERVED_WORDS = frozenset(
    """
    all analyse analyze and any array as asc asymmetric authorization binary both case cast
    check collate collation column concurrently constraint create cross current_catalog
    current_date current_role current_schema current_time current_timestamp current_user
    default deferrable desc distinct do else end except false fetch for foreign freeze from
    full grant group having ilike in initially inner intersect into is isnull join lateral
    leading left like limit localtime localtimestamp natural not notnull null offset on only
    or order outer overlaps placing primary references returning right select session_user
    similar some symmetric system_user table tablesample then to trailing true union unique
    user using variadic verbose when where window with
    between bigint bit boolean char character coalesce dec decimal exists extract float
    greatest grouping inout int integer interval json least national nchar none normalize
    nullif numeric out overlay position precision real row setof smallint substring time
    timestamp treat trim values varchar xmlattributes xmlconcat xmlelement xmlexists
    xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable
    json_array json_arrayagg json_object json_objectagg
    json_exists json_query json_scalar json_serialize json_table json_value merge_action
    """.split()
)

# Like the server's quote_identifier: only lower-case letters, digits and underscores go bare.
_PLAIN_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")

MAX_IDENTIFIER_BYTES = 63


def quote_ident(name: str) -> str:
    """Quote an identifier when PostgreSQL needs it to be quoted.

    >>> print(quote_ident("orders"), quote_ident("order"), quote_ident("Order Items"))
    orders "order" "Order Items"
    """
    if _PLAIN_IDENTIFIER.match(name) and name not in RESERVED_WORDS:
        return name
    if control_characters(name):
        return _unicode_escaped_identifier(name)
    return '"' + name.replace('"', '""') + '"'


def _unicode_escaped_identifier(name: str) -> str:
    r"""``U&"evil\000aDROP"``: a name holding control characters (inspect can meet one in a
    live database) written on one line, so no line of a migration starts inside it."""
    def escaped(char: str) -> str:
        if char == "\\":
            return "\\\\"
        if char == '"':
            return '""'
        if is_control_character(char):
            code = ord(char)
            return f"\\{code:04x}" if code <= 0xFFFF else f"\\+{code:06x}"
        return char

    return 'U&"' + "".join(escaped(char) for char in name) + '"'


_SPEC_WORD = re.compile(r"^[^\W\d][\w$]*$")


def spec_name(name: str) -> str:
    """A name as the spec writes it inside a type or a reference: bare when it is one word
    (in any case: the spec does not fold case), else in double quotes, as SQL quotes it.

    >>> print(spec_name("OrderStatus"), spec_name("line items"), spec_name('a"b'))
    OrderStatus "line items" "a""b"
    """
    if _SPEC_WORD.match(name):
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    """``schema.name`` with each part quoted as needed."""
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def quote_literal(text: str) -> str:
    """A standard-conforming SQL string literal ('it''s'); one holding a newline or another
    control character is an escape string (E'a\\nb'), so it stays on one line."""
    if control_characters(text):
        def escaped(char: str) -> str:
            if char in "\\'":
                return "\\" + char
            if not is_control_character(char):
                return char
            code = ord(char)
            return _SHORT_ESCAPES.get(char) or (f"\\u{code:04x}" if code <= 0xFFFF
                                                else f"\\U{code:08x}")

        return "E'" + "".join(escaped(char) for char in text) + "'"
    return "'" + text.replace("'", "''") + "'"


def dollar_quote(body: str, tag: str = "pgwright") -> str:
    """Dollar-quote ``body`` with a tag that does not occur inside it."""
    candidate = tag
    counter = 0
    while f"${candidate}$" in body:
        counter += 1
        candidate = f"{tag}{counter}"
    return f"${candidate}${body}${candidate}$"


def _truncate_bytes(text: str, limit: int) -> str:
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode(errors="ignore")


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """PostgreSQL's ``makeObjectName``: ``name1_name2_label`` shortened to fit 63 bytes.

    Like the server, it shortens the longer of name1 and name2 one byte at a time
    until the whole fits, and never shortens the label.
    """
    name1_len = len(name1.encode())
    name2_len = len(name2.encode()) if name2 else 0
    overhead = (len(label.encode()) + 1 if label else 0) + (1 if name2 else 0)
    available = MAX_IDENTIFIER_BYTES - overhead
    while name1_len + name2_len > available:
        if name1_len > name2_len:
            name1_len -= 1
        else:
            name2_len -= 1
    result = _truncate_bytes(name1, name1_len)
    if name2:
        result += "_" + _truncate_bytes(name2, name2_len)
    if label:
        result += "_" + label
    return result


def default_constraint_name(table: str, columns: tuple[str, ...], label: str) -> str:
    """The name PostgreSQL gives an unnamed constraint: ``orders_customer_id_fkey``.

    label is ``pkey``, ``key`` (unique), ``fkey``, ``check`` or ``idx`` (index).
    For a primary key PostgreSQL leaves the columns out of the name.
    """
    if label == "pkey":
        return make_object_name(table, None, label)
    joined = "_".join(columns) if columns else None
    return make_object_name(table, joined, label)


def truncate_identifier(name: str) -> str:
    """What the server does to an over-long identifier: cut it at 63 bytes."""
    return _truncate_bytes(name, MAX_IDENTIFIER_BYTES)


# Characters that end a line or steer what a reader sees, where a name or a comment is
# printed: C0 and C1 controls (newline, carriage return, escape, NUL...), the Unicode line
# and paragraph separators, and the bidirectional embeddings, overrides and isolates.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def is_control_character(char: str) -> bool:
    """True for a character no name may hold and no comment may print as it is.

    >>> is_control_character("\\n"), is_control_character("é")
    (True, False)
    """
    import unicodedata

    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _BIDI_CONTROLS


def control_characters(text: str) -> list[str]:
    """The control characters in ``text``, in order, each once."""
    if text.isprintable():  # the common case, in C: no control character and no separator
        return []
    return list(dict.fromkeys(char for char in text if is_control_character(char)))


def escape_control_characters(text: str) -> str:
    r"""``text`` on one line: each control character written as an escape (``\n``, ``\x1b``,
    ``\u2028``); every other character, backslashes included, as it is.

    >>> print(escape_control_characters("evil\nDROP TABLE victim;"))
    evil\nDROP TABLE victim;
    """
    if not control_characters(text):
        return text
    return "".join(_escaped(char) if is_control_character(char) else char for char in text)


def _escaped(char: str) -> str:
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def sql_comment(text: str) -> str:
    r"""A ``--`` comment line saying ``text``: the one way pgwright writes SQL comments.

    A newline in a name would end the comment, and what follows would run as SQL; here it
    is written as ``\n``, so the comment stays one line whatever it quotes.

    >>> print(sql_comment("+ add column public.orgs.evil\nDROP TABLE victim;"))
    -- + add column public.orgs.evil\nDROP TABLE victim;
    """
    return f"-- {escape_control_characters(text)}".rstrip()


def search_path_sql(schemas: tuple[str, ...]) -> str:
    """The value of ``SET search_path = ...``: each schema quoted, or '' for an empty path.

    >>> print(search_path_sql(("$user", "public", "Billing")))
    "$user", public, "Billing"
    """
    return ", ".join(quote_ident(schema) for schema in schemas) or quote_literal("")

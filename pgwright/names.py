"""Identifier quoting and PostgreSQL's default object names.

This is the only module that quotes identifiers or string literals for SQL.
"""

from __future__ import annotations

import re

# The keywords the server's quote_ident() quotes (every category but unreserved) in any
# PostgreSQL from 13 to 18: pg_get_keywords() of 15 and 18 together. 16 and 17 only added to
# 15's (system_user became reserved in 16; json, json_array... in 16; json_table,
# merge_action... in 17), and 13 and 14 have none that 15 lacks.
# Rendered SQL may run on another version than the one it was planned against: an unneeded
# quote is harmless there, a missing one a syntax error. Never compare this quoting with the
# server's: take the server's own spelling (format_type, pg_get_expr) for that.
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
    json_array json_arrayagg json_exists json_object json_objectagg json_query json_scalar
    json_serialize json_table json_value merge_action
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
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    """``schema.name`` with each part quoted as needed."""
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def quote_literal(text: str) -> str:
    """A standard-conforming SQL string literal ('it''s')."""
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

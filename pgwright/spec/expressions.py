"""The checks of what a spec writes as SQL expressions: defaults, checks, index keys and
predicates, policies' using and with_check, triggers' when; and of texts PostgreSQL stores."""

from __future__ import annotations

import re
from functools import lru_cache

from pgwright.normalize import embedding_problem
from pgwright.spec.context import Context
from pgwright.spec.document import KeyPath, format_path
from pgwright.sqlscript import DOLLAR_TAG, IDENTIFIER, quoted_end

# Words that are values in SQL without quotes; anything else bare is read as a column name.
_SQL_VALUE_WORDS = frozenset({
    "true", "false", "null", "default", "current_date", "current_time", "current_timestamp",
    "localtime", "localtimestamp", "current_user", "current_role", "session_user", "user",
    "current_schema", "current_catalog",
})
_BARE_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_bare_word_default(context: Context, column, parsed, canonical, enums) -> None:
    """``default: draft`` is SQL for the column draft; ``default: "'draft'"`` is the text."""
    word = column.default
    if not isinstance(word, str) or not _BARE_WORD.match(word) \
            or word.lower() in _SQL_VALUE_WORDS or parsed.dimensions:
        return
    is_enum = canonical is not None and not parsed.builtin
    textual = canonical in ("text", "name") or (canonical or "").startswith("character") \
        or parsed.base.lower() == "citext"
    if not (is_enum or textual):
        return
    meant = f"'{word}'"
    if is_enum:
        values = _enum_values(parsed.base, context.schemas, enums)
        if word not in values and (close := context.close_match(word, values)):
            meant = f"'{close}'"
    context.warn(column.path + ("default",),
                 f"default {word} is read as SQL, where a bare word is a column name, not a value",
                 f"for the value {meant}, write default: \"{meant}\"")


def _enum_values(type_name: str, schemas: list[str], enums) -> list[str]:
    from pgwright.normalize import split_qualified

    if "." in type_name:
        entry = enums.get(split_qualified(type_name, schemas[0]))
    else:
        entry = next((enums[(s, type_name)] for s in schemas if (s, type_name) in enums), None)
    return entry.values if entry else []


_EXPRESSION_HINTS = {
    "comments": "use a YAML comment (# ...) instead",
    "';'": "an expression cannot carry a second statement",
    "unbalanced": "check the parentheses",
    "unterminated": "close the quote",
}


# Where PostgreSQL refuses a subquery ("cannot use subquery in DEFAULT expression"), as the
# spec's reader knows the place, and what to write instead.
_NO_SUBQUERY = {
    "default": ("a default", "put the query in a function and call it: default: next_code()"),
    "generated": ("a generated column", "a generated column reads its own row only"),
    "using": ("a column's using", "convert with an expression over the column's own value"),
    "check": ("a check", "a check sees one row; reach other rows through a foreign key or a "
                         "trigger"),
    "expression": ("an index expression", "index the columns, or an expression over them"),
    "where": ("an index's where", "write the condition over the row's own columns"),
    "when": ("a trigger's when", "test the rows in the trigger's function instead"),
}
_QUERY_WORDS = frozenset({"select", "with", "values", "table"})


def check_expression(context: Context, path: KeyPath, expression: str,
                      refuses_subquery: str | None = None) -> None:
    """``expression`` must be one SQL expression; where ``refuses_subquery`` names a key of
    _NO_SUBQUERY, without a subquery as well."""
    text = embedding_problem(str(expression))
    if text is None:
        if refuses_subquery is not None and _has_subquery(str(expression)):
            place, hint = _NO_SUBQUERY[refuses_subquery]
            context.error(path, f"{place} cannot hold a subquery: PostgreSQL refuses it", hint)
        return
    hint = next((hint for key, hint in _EXPRESSION_HINTS.items() if key in text),
                "write one SQL expression, as it would follow CHECK or DEFAULT")
    if text == "empty expression":
        context.error(path, "the expression is empty", "write the expression, or remove the key")
    else:
        context.error(path, f"not a single SQL expression: {text}", hint)


@lru_cache(maxsize=8192)  # defaults and checks repeat across tables (now(), amount >= 0)
def _has_subquery(expression: str) -> bool:
    """True when ``expression`` holds a query: select, with, values or table, first in the
    expression or first inside a parenthesis, outside quotes (``exists (select 1 ...)``,
    ``(select max(n) from t)``, ``array(select ...)``)."""
    index, length, at_start = 0, len(expression), True
    while index < length:
        char = expression[index]
        if char.isspace():
            index += 1
            continue
        if char in ("'", '"'):
            index = quoted_end(expression, index) or length
        elif char == "$" and (tag := DOLLAR_TAG.match(expression, index)):
            closing = expression.find(tag.group(0), tag.end())
            index = length if closing < 0 else closing + len(tag.group(0))
        elif match := IDENTIFIER.match(expression, index):
            if at_start and match.group(0).lower() in _QUERY_WORDS:
                return True
            index = match.end()
        else:
            index += 1
            at_start = char == "("
            continue
        at_start = False
    return False




def check_nul_characters(context: Context, value: object, path: KeyPath,
                          reported: set[str] | None = None) -> None:
    """No text PostgreSQL stores may hold a NUL: a comment, a default, a function body...
    A name with one has its own problem already (``reported``: the paths of those)."""
    if reported is None:
        if "\\x00" not in repr(value):  # the repr of a text holding a NUL writes it \x00
            return
        reported = {problem.path for problem in context.problems}
    if isinstance(value, str):
        if "\x00" in value and format_path(path) not in reported:
            context.error(path, "the value contains a NUL character, which PostgreSQL text "
                          "cannot hold", "remove the \\0")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_nul_characters(context, item, path + (key,), reported)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_nul_characters(context, item, path + (index,), reported)

"""Split a SQL script into statements the way psql would, for running them one by one.

Running statements one at a time lets an error name the statement that failed, and lets
statements that cannot run inside a transaction block be run outside one.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass


def _ascii_or_beyond(allowed: str) -> str:
    """A regex class of the ASCII characters in ``allowed`` and every non-ASCII character,
    written as the complement of the ASCII characters not allowed: a class that spells out
    the range up to U+10FFFF takes 5 ms to compile, at every start of the CLI."""
    excluded = "".join(re.escape(chr(code)) for code in range(128) if chr(code) not in allowed)
    return f"[^{excluded}]"


_START = _ascii_or_beyond(string.ascii_letters + "_")
# PostgreSQL's scanner (scan.l): an identifier starts with a letter, an underscore or any
# non-ASCII character, and goes on with those, digits and dollar signs. Identifiers are read
# whole, as the scanner takes the longest match: the $b_c$ of a$b_c$d opens no dollar quote.
IDENTIFIER = re.compile(_START + _ascii_or_beyond(string.ascii_letters + string.digits + "_$") + "*")
# $$ or $tag$, where a tag is an identifier without dollar signs that does not start with a
# digit ($1 is a parameter).
DOLLAR_TAG = re.compile(
    r"\$(?:" + _START + _ascii_or_beyond(string.ascii_letters + string.digits + "_") + r"*)?\$")

def quoted_end(text: str, start: int) -> int | None:
    """One past the quote closing the string or quoted identifier that opens at ``start``,
    or None when it is not closed. A doubled quote stands for itself, and in an escape
    string (E'...') so does a quote after a backslash."""
    quote = text[start]
    escapes = quote == "'" and start > 0 and text[start - 1] in "eE" \
        and not (start > 1 and IDENTIFIER.match(text[start - 2]))
    end = start + 1
    while end < len(text):
        if escapes and text[end] == "\\":
            end += 2
            continue
        if text[end] == quote:
            if text.startswith(quote, end + 1):
                end += 2
                continue
            return end + 1
        end += 1
    return None


def referenced_names(sql: str) -> set[str]:
    """The names an expression may refer to (bare ones folded to lower case, as PostgreSQL
    does): its identifiers and the keywords that may name a column, read by PostgreSQL's own
    scanner (pglast). A caller looking for what rests on a column takes a name that is no
    column (a function's) for one, which costs at most a rebuild that was not needed."""
    if not sql:
        return set()
    from pglast.parser import ParseError, scan

    try:
        tokens = scan(sql)
    except ParseError:  # text the scanner refuses (an unterminated string): read it plainly
        return _plain_names(sql)
    found: set[str] = set()
    for token in tokens:
        if token.name == "IDENT" or token.kind in _NAMING_KEYWORDS:
            text = sql[token.start:token.end + 1]
            found.add(text[1:-1].replace('""', '"') if text.startswith('"') else text.lower())
    return found


# The keywords PostgreSQL accepts as a bare column or function name (reserved ones it does not).
_NAMING_KEYWORDS = frozenset({"UNRESERVED_KEYWORD", "COL_NAME_KEYWORD", "TYPE_FUNC_NAME_KEYWORD"})


def _plain_names(sql: str) -> set[str]:
    """Every word outside string literals, and every quoted name."""
    found: set[str] = set()
    index = 0
    while index < len(sql):
        if sql[index] in "'\"":
            end = quoted_end(sql, index) or len(sql)
            if sql[index] == '"':
                found.add(sql[index + 1:end - 1].replace('""', '"'))
            index = end
        elif match := IDENTIFIER.match(sql, index):
            found.add(match.group(0).lower())
            index = match.end()
        else:
            index += 1
    return found


# Markers pgwright writes on the comment lines just before a statement of a migration file,
# and its runner reads there (comments to every other reader, psql included).
NO_TRANSACTION_MARKER = "-- pgwright:no-transaction"
DESTRUCTIVE_MARKER = "-- DESTRUCTIVE:"


@dataclass(frozen=True)
class ScriptStatement:
    """One statement of a script: its text (the comments before it included, the ';' not),
    the line its code starts on, and the ``--`` comment lines written just before it, where
    pgwright puts the markers a generated migration carries (see render.sql)."""

    sql: str
    line: int
    leading_comments: tuple[str, ...]

    def is_marked(self, marker: str) -> bool:
        """Whether one of the comment lines before the statement starts with ``marker``: a
        marker's words inside a function body or a string mark nothing."""
        return any(comment.startswith(marker) for comment in self.leading_comments)

    @property
    def transactional(self) -> bool:
        return not self.is_marked(NO_TRANSACTION_MARKER)

    @property
    def destructive(self) -> bool:
        return self.is_marked(DESTRUCTIVE_MARKER)

    @property
    def code(self) -> str:
        """The statement without the comment lines before it: what a message quotes."""
        lines = self.sql.splitlines()
        return "\n".join(lines[len(self.leading_comments):]).strip() or self.sql


def split_statements(script: str) -> list[str]:
    """Statements of ``script`` without their trailing ';'; comments between them dropped."""
    return [statement.sql for statement in read_script(script)]


def read_script(script: str) -> list[ScriptStatement]:
    """The statements of ``script``, split the way psql splits them."""
    statements: list[ScriptStatement] = []
    current: list[str] = []
    comments: list[str] = []
    code_start: list[int] = []  # where the current statement's first code token is
    index, length = 0, len(script)

    def flush() -> None:
        text = "".join(current).strip()
        if text and code_start:
            line = script.count("\n", 0, code_start[0]) + 1
            statements.append(ScriptStatement(text, line, tuple(comments)))
        current.clear()
        comments.clear()
        code_start.clear()

    def code(start: int) -> None:
        if not code_start:
            code_start.append(start)

    while index < length:
        char = script[index]
        if script.startswith("--", index):
            end = script.find("\n", index)
            end = length if end < 0 else end + 1
            current.append(script[index:end])
            if not code_start:
                comments.append(script[index:end].rstrip())
            index = end
        elif script.startswith("/*", index):
            end = script.find("*/", index + 2)
            end = length if end < 0 else end + 2
            current.append(script[index:end])
            index = end
        elif char in ("'", '"'):
            code(index)
            end = quoted_end(script, index)
            end = length if end is None else end
            current.append(script[index:end])
            index = end
        elif match := IDENTIFIER.match(script, index):
            code(index)
            current.append(match.group(0))
            index = match.end()
        elif char == "$" and (match := DOLLAR_TAG.match(script, index)):
            code(index)
            closing = script.find(match.group(0), match.end())
            end = length if closing < 0 else closing + len(match.group(0))
            current.append(script[index:end])
            index = end
        elif char == ";":
            flush()
            index += 1
        else:
            if not char.isspace():
                code(index)
            current.append(char)
            index += 1
    flush()
    return statements

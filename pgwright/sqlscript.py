"""Split a SQL script into statements the way psql would, for running them one by one.

Running statements one at a time lets an error name the statement that failed, and lets
statements that cannot run inside a transaction block be run outside one.
"""

from __future__ import annotations

import re
import string


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


def split_statements(script: str) -> list[str]:
    """Statements of ``script`` without their trailing ';'; comments between them dropped."""
    statements: list[str] = []
    current: list[str] = []
    index, length = 0, len(script)

    def flush() -> None:
        text = "".join(current).strip()
        if text and not _only_comments(text):
            statements.append(text)
        current.clear()

    while index < length:
        char = script[index]
        if script.startswith("--", index):
            end = script.find("\n", index)
            end = length if end < 0 else end + 1
            current.append(script[index:end])
            index = end
        elif script.startswith("/*", index):
            end = script.find("*/", index + 2)
            end = length if end < 0 else end + 2
            current.append(script[index:end])
            index = end
        elif char in ("'", '"'):
            end = quoted_end(script, index)
            end = length if end is None else end
            current.append(script[index:end])
            index = end
        elif match := IDENTIFIER.match(script, index):
            current.append(match.group(0))
            index = match.end()
        elif char == "$" and (match := DOLLAR_TAG.match(script, index)):
            closing = script.find(match.group(0), match.end())
            end = length if closing < 0 else closing + len(match.group(0))
            current.append(script[index:end])
            index = end
        elif char == ";":
            flush()
            index += 1
        else:
            current.append(char)
            index += 1
    flush()
    return statements


def _only_comments(text: str) -> bool:
    stripped = re.sub(r"--[^\n]*", "", text)
    stripped = re.sub(r"/\*.*?\*/", "", stripped, flags=re.DOTALL)
    return not stripped.strip()

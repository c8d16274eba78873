"""Split a SQL script into statements the way psql would, for running them one by one.

Running statements one at a time lets an error name the statement that failed, and lets
statements that cannot run inside a transaction block be run outside one.
"""

from __future__ import annotations

import re

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


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
            escapes = char == "'" and index > 0 and script[index - 1] in "eE"
            end = index + 1
            while end < length:
                if escapes and script[end] == "\\":
                    end += 2
                    continue
                if script[end] == char:
                    if end + 1 < length and script[end + 1] == char:
                        end += 2
                        continue
                    break
                end += 1
            current.append(script[index:end + 1])
            index = end + 1
        elif char == "$" and (match := _DOLLAR_TAG.match(script, index)):
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

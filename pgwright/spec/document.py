"""A parsed spec: its data and where each key stands in the file.

Kept apart from the YAML parser (spec/load.py) so that a spec read back from the cache of
validated specs needs neither the parser nor the validator.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pgwright.errors import Problem, SpecError
from pgwright.names import escape_control_characters

if TYPE_CHECKING:
    from pgwright.spec.reading import SpecEntries

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class SpecDocument:
    """The parsed YAML of a spec and where each key path stands in the file."""

    data: object
    file: str
    lines: dict[KeyPath, int] = field(default_factory=dict)
    # The cache key of the file's text (spec/cache.py), once it has been validated.
    digest: str | None = field(default=None, compare=False)

    @cached_property
    def entries(self) -> SpecEntries:
        """The spec decoded into typed entries, as validation and the model read them: read
        once, for both. Only for data of a valid shape (spec/shape.py); not kept in pickles
        (see ``__getstate__``)."""
        from pgwright.spec.reading import decode_entries

        return decode_entries(self.data, self.file, self.lines)

    def __getstate__(self) -> dict:
        return {name: value for name, value in self.__dict__.items() if name != "entries"}

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None

    def problem(self, path: KeyPath, message: str, suggestion: str | None = None,
                severity: str = "error") -> Problem:
        return Problem(message=message, path=format_path(path), line=self.line_of(path),
                       file=self.file, suggestion=suggestion, severity=severity)


def format_path(path: KeyPath) -> str:
    """``("tables", "orders", "indexes", 0)`` -> ``tables.orders.indexes[0]``; a newline or
    other control character in a key is written as an escape (``\\n``), so the path prints on
    one line."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + escape_control_characters(str(part))
    return text


# The largest spec read, in bytes: a 3,000-table spec is about 3 MB. A bigger file is refused
# before it is parsed, so a runaway or hostile file costs no time and no memory. At the limit,
# a spec with one mistake is refused in under 2 s and 200 MB (tests/test_hostile_input.py).
DEFAULT_MAX_SPEC_BYTES = 4 * 1024 * 1024
MAX_SPEC_BYTES_VARIABLE = "PGWRIGHT_MAX_SPEC_BYTES"


def max_spec_bytes() -> int:
    """The size limit: ``$PGWRIGHT_MAX_SPEC_BYTES`` when it is a number, else 4 MiB."""
    value = os.environ.get(MAX_SPEC_BYTES_VARIABLE, "").strip()
    return int(value) if value.isdigit() else DEFAULT_MAX_SPEC_BYTES


def read_spec_bytes(path: str | Path) -> bytes:
    """The spec file's bytes; SpecError when it cannot be read, is not a regular file (a
    FIFO would block, ``/dev/zero`` never ends) or is larger than :func:`max_spec_bytes`."""
    path = Path(path)
    limit = max_spec_bytes()
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not hang before fstat can refuse it.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise SpecError([Problem(
                    message="the spec is not a regular file", file=str(path),
                    suggestion="give the path of a schema.yaml file")]) from None
            data = file.read(limit + 1)
        if len(data) > limit:
            raise SpecError([Problem(
                message=f"the spec is larger than {limit:,} bytes", file=str(path),
                suggestion=f"set {MAX_SPEC_BYTES_VARIABLE} to a larger number of bytes "
                           "if this file is meant to be that large")]) from None
        return data
    except FileNotFoundError:
        raise SpecError([Problem(message="spec file not found", file=str(path),
                                 suggestion="run `pgwright init` to create one")]) from None
    except IsADirectoryError:
        raise SpecError([Problem(message="the spec is not a regular file", file=str(path),
                                 suggestion="give the path of a schema.yaml file")]) from None
    except OSError as error:
        raise SpecError([Problem(message=f"cannot read spec: {error}", file=str(path))]) from None

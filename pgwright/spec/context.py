"""What the meaning checks of spec/validate.py share: the context they report into, and
the checks of a name every kind of entry makes."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from pgwright.errors import Problem
from pgwright.names import MAX_IDENTIFIER_BYTES, control_characters, escape_control_characters
from pgwright.spec.document import KeyPath, SpecDocument
from pgwright.spec.reading import SpecEntries

# Candidates compared, in all, when looking for what a misspelt name meant: well under a
# second, even for names alike enough that each comparison is a full one (40 µs).
SUGGESTION_BUDGET = 10_000


@dataclass
class Context:
    document: SpecDocument
    spec: SpecEntries
    schemas: list[str]
    # Keys whose faulty values were set aside: what they would have said is unknown, so
    # checks that their absence could fail (a unique key, an index's columns) are skipped.
    set_aside: set[KeyPath] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    # type text -> its canonical type (resolve_spec_type): a spec repeats a few types
    resolved_types: dict[str, str | None] = field(default_factory=dict)
    # How many more candidates suggestions may compare a word with (see close_match).
    comparisons_left: int = SUGGESTION_BUDGET
    suggested_types: dict[str, str | None] = field(default_factory=dict)

    def close_match(self, word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
        """The candidate closest to ``word``, if one is close enough. Each comparison costs
        up to 40 µs, and a hostile spec can ask for thousands of words among thousands of
        names: past SUGGESTION_BUDGET comparisons in all, there is no suggestion."""
        if not isinstance(candidates, Collection):
            candidates = list(candidates)
        if len(candidates) > self.comparisons_left:
            return None
        self.comparisons_left -= len(candidates)
        matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
        return matches[0] if matches else None

    def suggest(self, word: str, candidates: Iterable[str]) -> str | None:
        """'did you mean ...' for the closest candidate, if any is close (see close_match)."""
        match = self.close_match(word, candidates)
        return f"did you mean '{match}'?" if match else None

    def canonical_type(self, type_text: str, enums) -> str | None:
        if type_text not in self.resolved_types:
            from pgwright.spec.sql_types import resolve_spec_type  # it imports this module

            self.resolved_types[type_text] = resolve_spec_type(type_text, self.schemas, enums)
        return self.resolved_types[type_text]

    def is_uncertain(self, path: KeyPath) -> bool:
        return any(removed[: len(path)] == path for removed in self.set_aside)

    def error(self, path: KeyPath, message: str, suggestion: str | None = None) -> None:
        self.problems.append(self.document.problem(path, message, suggestion))

    def warn(self, path: KeyPath, message: str, suggestion: str | None = None) -> None:
        self.problems.append(self.document.problem(path, message, suggestion, severity="warning"))




def check_identifier(context: Context, path: KeyPath, name: str, what: str) -> None:
    """``what`` is 'table name', 'enum value'...: names and enum labels share PostgreSQL's
    limits. Quotes, semicolons and the like are fine: every name is quoted where needed."""
    if name.isascii() and name.isprintable() and 0 < len(name) <= MAX_IDENTIFIER_BYTES:
        return  # most names: nothing to check further (each test below is in C)
    if not name:
        if what.endswith("name"):  # PostgreSQL accepts an empty enum label, not an empty name
            context.error(path, f"the {what} is empty")
    elif "\x00" in name:
        context.error(path, f"the {what} contains a NUL character, which PostgreSQL does not allow",
                      "remove the NUL character (\\0)")
    elif what.endswith("name") and (controls := control_characters(name)):
        report_control_characters(context, path, name, what, controls)
    elif (size := len(name.encode())) > MAX_IDENTIFIER_BYTES:
        limit = "cuts names at" if what.endswith("name") else "allows at most"
        context.error(path, f"the {what} is {size} bytes long; PostgreSQL {limit} "
                      f"{MAX_IDENTIFIER_BYTES} bytes", "shorten it")




def report_control_characters(context: Context, path: KeyPath, name: str, what: str,
                               controls: list[str]) -> None:
    shown = ", ".join(escape_control_characters(char) for char in controls)
    context.error(path, f"the {what} '{escape_control_characters(name)}' holds a control "
                  f"character ({shown}): names are printed in migration comments and messages, "
                  "where it would break the line", "rename it without control characters")




def check_column_exists(context: Context, path: KeyPath, name: str, names: list[str]) -> bool:
    if name in names:
        return True
    context.error(path, f"unknown column '{name}'", context.suggest(name, names))
    return False

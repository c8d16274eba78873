"""pgwright's SQL lexers: splitting a script into statements, and refusing spec expressions
that could escape the statement they are embedded in. Both read SQL as PostgreSQL's scanner
does. No database needed."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pgwright.normalize import ExpressionProblem, check_embeddable
from pgwright.sqlscript import (
    DESTRUCTIVE_MARKER,
    DOLLAR_TAG,
    IDENTIFIER,
    NO_TRANSACTION_MARKER,
    read_script,
    split_statements,
)


def _scanned_identifier(text: str, dollars: bool = True) -> str | None:
    """The identifier at the start of ``text`` by scan.l's rule, spelt out character by
    character: a letter, _ or non-ASCII character, then those, digits and (if allowed) $."""
    def starts(c):
        return c.isascii() and (c.isalpha() or c == "_") or not c.isascii()

    if not text or not starts(text[0]):
        return None
    end = 1
    while end < len(text) and (starts(text[end]) or text[end].isdigit() and text[end].isascii()
                               or dollars and text[end] == "$"):
        end += 1
    return text[:end]


_SQL_CHARACTERS = st.text(st.one_of(st.characters(max_codepoint=0x7F), st.characters()), max_size=8)


@given(_SQL_CHARACTERS)
def test_identifiers_are_read_as_the_scanner_reads_them(text):
    match = IDENTIFIER.match(text)
    assert (match.group() if match else None) == _scanned_identifier(text)


@given(_SQL_CHARACTERS)
def test_dollar_quote_tags_are_identifiers_without_dollars(text):
    tag = _scanned_identifier(text, dollars=False) or ""
    match = DOLLAR_TAG.match(f"${text}")
    expected = f"${tag}$" if text[len(tag):].startswith("$") else None
    assert (match.group() if match else None) == expected


def test_an_identifier_with_two_dollars_opens_no_dollar_quote():
    script = ("ALTER TABLE t ADD CHECK (a$b_c$d > 0);\n"
              "CREATE INDEX CONCURRENTLY i ON t (x)")

    assert split_statements(script) == ["ALTER TABLE t ADD CHECK (a$b_c$d > 0)",
                                        "CREATE INDEX CONCURRENTLY i ON t (x)"]


def test_a_dollar_quote_keeps_its_semicolons():
    script = "DO $pgwright$ BEGIN PERFORM 1; END $pgwright$; SELECT $$a;b$$; SELECT 1"

    assert split_statements(script) == ["DO $pgwright$ BEGIN PERFORM 1; END $pgwright$",
                                        "SELECT $$a;b$$", "SELECT 1"]


def test_an_escape_string_keeps_a_quote_after_a_backslash():
    assert split_statements("SELECT E'it\\'s; fine'; SELECT 'a\\'; SELECT 2") == [
        "SELECT E'it\\'s; fine'", "SELECT 'a\\'", "SELECT 2"]


def test_an_expression_may_name_a_column_with_two_dollars():
    check_embeddable("a$b_c$d > 0 AND a$b <> 1")


@pytest.mark.parametrize("expression, problem", [
    ("$a$ > 0", "unterminated dollar quote"),
    ("x > 0; DROP TABLE t", "';' would end the statement"),
    # PostgreSQL reads E'\'' as one quote and goes on outside the string
    ("x = E'\\'' ; DROP TABLE t ; --'", "';' would end the statement"),
    ("x > 0) OR (true", "unbalanced ')'"),
])
def test_an_expression_that_escapes_its_statement_is_refused(expression, problem):
    with pytest.raises(ExpressionProblem, match=re.escape(problem)):
        check_embeddable(expression)


def test_a_statement_knows_its_line_and_the_markers_written_just_before_it():
    script = ("-- header\nSET lock_timeout = '5s';\n\n"
              f"{NO_TRANSACTION_MARKER}\nCREATE INDEX CONCURRENTLY i ON t (c);\n"
              f"-- drop t.c\n{DESTRUCTIVE_MARKER} removes a column\nALTER TABLE t DROP COLUMN c;\n")
    first, index, drop = read_script(script)
    assert (first.line, first.transactional, first.destructive) == (2, True, False)
    assert (index.line, index.transactional, index.code) == (
        5, False, "CREATE INDEX CONCURRENTLY i ON t (c)")
    assert (drop.line, drop.destructive, drop.leading_comments[0]) == (8, True, "-- drop t.c")


def test_marker_words_inside_a_function_body_or_a_string_mark_nothing():
    script = ("CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n"
              f"  {NO_TRANSACTION_MARKER}\n  {DESTRUCTIVE_MARKER} not really\nEND $$;\n"
              f"SELECT '{NO_TRANSACTION_MARKER}';\n")
    body, string = read_script(script)
    assert body.transactional and not body.destructive
    assert string.transactional

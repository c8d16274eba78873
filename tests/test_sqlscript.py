"""pgwright's SQL lexers: splitting a script into statements, and refusing spec expressions
that could escape the statement they are embedded in. Both read SQL as PostgreSQL's scanner
does. No database needed."""

from __future__ import annotations

import re

import pytest

from pgwright.normalize import ExpressionProblem, check_embeddable
from pgwright.sqlscript import split_statements


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

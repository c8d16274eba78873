"""What differs between the PostgreSQL versions pgwright supports (13 to 18).

Run the suite against each (README, "Testing against other PostgreSQL versions"); the
tests here are where a new major version's differences should show first.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pgwright.errors import IntrospectionError
from pgwright.introspect.catalog import catalog_snapshot
from pgwright.names import RESERVED_WORDS, quote_ident


def test_every_word_the_server_quotes_is_quoted_by_pgwright(db):
    # Unreserved keywords go bare; every other kind may be a syntax error somewhere (a
    # column-name keyword cannot start a type name: "x json_table.status" on 17).
    keywords = {word for (word,) in db.execute(
        "SELECT word FROM pg_catalog.pg_get_keywords() WHERE catcode <> 'U'")}
    assert keywords - RESERVED_WORDS == set()


@pytest.mark.parametrize("word", ["system_user", "json_object", "json_table", "merge_action"])
def test_keywords_of_newer_versions_are_quoted(word):
    assert quote_ident(word) == f'"{word}"'


def test_a_server_older_than_13_is_refused_before_any_catalog_query():
    class PostgreSQL12:
        info = SimpleNamespace(server_version=120022)

        def execute(self, *arguments):
            raise AssertionError("no query should reach a PostgreSQL 12 server")

    with pytest.raises(IntrospectionError, match=r"PostgreSQL 12\.22 is not supported: "
                                                 r".*PostgreSQL 13 and newer"):
        with catalog_snapshot(PostgreSQL12()):
            pass

"""When the server rejects an expression of the spec while canonicalizing it, plan names the
spec line and the server's own reason, not a side effect of how it looked for it."""

from __future__ import annotations

import pytest

from pgwright import api
from pgwright.errors import PlanError

SPEC = """\
version: 1
tables:
  notes:
    columns:
      id: {type: integer, primary_key: true}
      body: {type: text, default: "'empty'"}
      size: integer
    checks:
      notes_size_check: size > no_such_column
"""


def test_a_rejected_check_beside_an_accepted_default_is_named_with_the_servers_reason(
        db, database_url, tmp_path):
    db.execute("CREATE TABLE notes (id integer PRIMARY KEY, body text DEFAULT 'none',"
               " size integer, CONSTRAINT notes_size_check CHECK (size > 0))")
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    with pytest.raises(PlanError) as raised:
        api.plan(spec, database_url)
    message = str(raised.value)
    assert "tables.notes.checks.notes_size_check" in message
    assert 'column "no_such_column" does not exist' in message
    assert "already exists" not in message
    assert "tables.notes.columns.body" not in message  # the default is fine

"""Table privileges as code: a table's ``grants:`` decide which roles may read or write it,
proved by acting as those roles on a real server. A table without ``grants:`` keeps whatever
it has; ``grants: {}`` leaves it to its owner alone."""

from __future__ import annotations

import secrets

import psycopg
import pytest

from pgwright import api
from pgwright.kinds.privilege import GrantPrivileges, RevokePrivileges, compare_privileges
from pgwright.model import TABLE_PRIVILEGES, Catalog, Grant, Table
from pgwright.ops import Access


@pytest.fixture
def roles(db, pg_server_url):
    """Two non-superuser roles of this test alone, dropped afterwards."""
    suffix = secrets.token_hex(4)
    names = {"reader": f"pgw_reader_{suffix}", "writer": f"pgw_writer_{suffix}"}
    for name in names.values():
        db.execute(f"CREATE ROLE {name} NOLOGIN")
    yield names
    db.execute("RESET ROLE")
    for name in names.values():
        db.execute(f"DROP OWNED BY {name}")
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        for name in names.values():
            admin.execute(f"DROP ROLE IF EXISTS {name}")


def _spec(tmp_path, roles, grants: str | None) -> str:
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        f"version: 1\nroles: [{roles['reader']}, {roles['writer']}]\n"
        "tables:\n  notes:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        + (f"    grants: {grants}\n" if grants is not None else ""))
    return spec


def _can(db, role: str, statement: str) -> bool:
    db.execute(f"SET ROLE {role}")
    try:
        db.execute(statement)
        return True
    except psycopg.errors.InsufficientPrivilege:
        return False
    finally:
        db.execute("RESET ROLE")


def test_a_pushed_grant_lets_the_role_do_what_it_lists_and_nothing_more(
        tmp_path, database_url, db, roles):
    reader, writer = roles["reader"], roles["writer"]
    api.push(_spec(tmp_path, roles, f"{{{reader}: [select], {writer}: [select, insert]}}"),
             database_url)
    assert _can(db, reader, "SELECT * FROM notes")
    assert not _can(db, reader, "INSERT INTO notes VALUES (1)")
    assert _can(db, writer, "INSERT INTO notes VALUES (1)")
    assert not _can(db, writer, "DELETE FROM notes")


def test_a_table_without_grants_keeps_the_grants_it_has(tmp_path, database_url, db, roles):
    db.execute(f"CREATE TABLE notes (id integer PRIMARY KEY); "
               f"GRANT SELECT ON notes TO {roles['reader']}")
    assert api.plan(_spec(tmp_path, roles, None), database_url).is_empty


def test_empty_grants_leave_the_table_to_its_owner_alone(tmp_path, database_url, db, roles):
    db.execute(f"CREATE TABLE notes (id integer PRIMARY KEY); "
               f"GRANT SELECT ON notes TO {roles['reader']}, PUBLIC; "
               f"GRANT ALL ON notes TO {roles['writer']}")
    plan = api.plan(_spec(tmp_path, roles, "{}"), database_url)
    assert {(type(operation), operation.role) for operation in plan.operations} == {
        (RevokePrivileges, roles["reader"]), (RevokePrivileges, roles["writer"]),
        (RevokePrivileges, "public")}
    api.push(_spec(tmp_path, roles, "{}"), database_url)
    assert not _can(db, roles["reader"], "SELECT * FROM notes")
    # MAINTAIN (PostgreSQL 17+, which GRANT ALL gives) is left alone, as docs/spec.md says.
    assert db.execute("SELECT count(*) FROM pg_catalog.pg_class c, "
                      "pg_catalog.aclexplode(c.relacl) a WHERE c.relname = 'notes' "
                      "AND a.grantee <> c.relowner AND a.privilege_type <> 'MAINTAIN'"
                      ).fetchone()[0] == 0


def test_inspect_writes_the_grants_back_and_the_database_replans_empty(
        tmp_path, database_url, db, roles):
    db.execute(f"CREATE TABLE notes (id integer PRIMARY KEY); "
               f"CREATE TABLE drafts (id integer PRIMARY KEY); "
               f"GRANT SELECT, UPDATE ON notes TO {roles['reader']}; "
               f"GRANT ALL ON notes TO {roles['writer']}")
    inspected = api.inspect(database_url, ["public"])
    assert f"{roles['reader']}: [select, update]" in inspected.yaml_text
    assert f"{roles['writer']}: [all]" in inspected.yaml_text
    assert inspected.yaml_text.count("grants:") == 1  # drafts grants nothing: left unmanaged
    spec = tmp_path / "inspected.yaml"
    spec.write_text(inspected.yaml_text)
    assert api.plan(spec, database_url).is_empty


def test_grants_compare_as_sets_whatever_their_order_and_all_is_every_privilege():
    spec = Table("public", "notes", grants=(Grant("reader", TABLE_PRIVILEGES),))
    live = Table("public", "notes", grants=(Grant("reader", tuple(reversed(TABLE_PRIVILEGES))),))
    assert list(compare_privileges(Catalog(tables=(spec,)), Catalog(tables=(live,)))) == []


def test_a_grant_widens_access_and_a_revoke_narrows_it():
    spec = Table("public", "notes", grants=(Grant("reader", ("SELECT", "INSERT")),))
    live = Table("public", "notes", grants=(Grant("reader", ("SELECT", "DELETE")),))
    operations = list(compare_privileges(Catalog(tables=(spec,)), Catalog(tables=(live,))))
    assert [(type(operation), operation.privileges, operation.security)
            for operation in operations] == [
        (RevokePrivileges, ("DELETE",), Access.NARROWS),
        (GrantPrivileges, ("INSERT",), Access.WIDENS)]

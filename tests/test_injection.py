"""Nothing in a spec runs as SQL it does not mean (issue 11, section 1).

Each value of the spec that reaches SQL is a name, a type, an expression or text. A name or a
type is refused by validation, with its line, unless it reads as one; text lands in the
catalog exactly as written. The tests below first pin each attack that once worked, then a
property feeds every such key hostile values and checks that a sentinel table survives.
"""

from __future__ import annotations

import os
import stat
import sys

import psycopg
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgwright import api
from pgwright.cli import main
from pgwright.connect import connect, psql_invocation
from pgwright.errors import PlanError, SpecError
from pgwright.names import sql_comment
from pgwright.normalize import parse_search_path
from pgwright.planning import plan_against
from pgwright.render.plan import migration_header
from pgwright.render.sql import render_script, render_statements
from pgwright.spec.load import parse_spec_text
from pgwright.spec.validate import validate_spec
from pgwright.sqlscript import split_statements

EVIL_NAME = "evil\nDROP TABLE victim;\n-- "
DROP_VICTIM = "DROP TABLE victim"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def errors_of(text: str) -> list[str]:
    document = parse_spec_text(text, "schema.yaml")
    return [str(problem) for problem in validate_spec(document) if problem.severity == "error"]


def victim_exists(connection) -> bool:
    return connection.execute("SELECT to_regclass('public.victim') IS NOT NULL").fetchone()[0]


@pytest.fixture
def victim(db):
    db.execute("CREATE TABLE victim (id integer)")
    return db


# ------------------------------------------------------------------- function keys as SQL

FUNCTION_EXPLOITS = {
    "search_path": """\
  f: {returns: integer, security: definer, body: select 1,
      search_path: "public AS $x$ select 1 $x$; DROP TABLE victim; CREATE OR REPLACE FUNCTION public.f2() RETURNS integer LANGUAGE sql SET search_path = public"}
""",
    "returns": """\
  f: {returns: "integer LANGUAGE sql AS $x$ select 1 $x$; DROP TABLE victim; CREATE OR REPLACE FUNCTION public.f2() RETURNS integer", body: select 1}
""",
    "args[0].type": """\
  f:
    returns: integer
    args: [{name: a, type: "integer) RETURNS integer LANGUAGE sql AS $x$ select 1 $x$; DROP TABLE victim; CREATE FUNCTION public.f2(b integer"}]
    body: select 1
""",
}


def function_spec(functions: str) -> str:
    return "version: 1\ntables:\n  victim:\n    columns: {id: integer}\nfunctions:\n" + functions


# The line of the offending key in function_spec(FUNCTION_EXPLOITS[key]).
EXPLOIT_LINES = {"search_path": 7, "returns": 6, "args[0].type": 8}


@pytest.mark.parametrize("key", FUNCTION_EXPLOITS)
def test_function_key_holding_sql_is_a_located_validation_error(key):
    [error] = errors_of(function_spec(FUNCTION_EXPLOITS[key]))
    assert error.startswith(f"schema.yaml:{EXPLOIT_LINES[key]}: functions.f.{key}: ")
    assert "is not a" in error and "(" in error  # what is wrong, then a suggestion


@pytest.mark.parametrize("key", FUNCTION_EXPLOITS)
def test_push_of_a_function_key_holding_sql_changes_nothing(key, victim, database_url, tmp_path):
    spec = tmp_path / "schema.yaml"
    spec.write_text(function_spec(FUNCTION_EXPLOITS[key]))
    result = invoke("push", "-s", str(spec), "--db", database_url)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"schema.yaml:{EXPLOIT_LINES[key]}: functions.f.{key}" in result.output
    assert victim_exists(victim)


def test_search_path_schemas_are_quoted_one_by_one(victim, database_url, tmp_path):
    spec = tmp_path / "schema.yaml"
    spec.write_text(function_spec(
        """  f: {returns: integer, security: definer, body: select 1,\n"""
        """      search_path: '"$user", public, pg_temp, "Billing; DROP TABLE victim"'}\n"""))
    sql = api.plan(spec, database_url).sql()
    assert 'SET search_path = "$user", public, pg_temp, "Billing; DROP TABLE victim"' in sql
    api.push(spec, database_url)
    [config] = victim.execute("SELECT proconfig FROM pg_proc WHERE proname = 'f'").fetchone()
    assert parse_search_path(config[0].partition("=")[2]) == (
        "$user", "public", "pg_temp", "Billing; DROP TABLE victim")
    assert victim_exists(victim)
    assert api.plan(spec, database_url).is_empty


def test_result_and_argument_types_are_rendered_from_their_parsed_form(database_url, tmp_path):
    spec = tmp_path / "schema.yaml"
    spec.write_text(function_spec(
        "  f: {returns: setof VARCHAR(20), args: [{name: n, type: INT4}], body: select 'a'}\n"))
    sql = api.plan(spec, database_url).sql()
    assert "public.f(n integer)\nRETURNS SETOF character varying(20)" in sql


def test_a_type_modifier_holding_sql_is_not_a_type():
    spec = ("version: 1\ntables:\n  victim:\n    columns:\n"
            "      c: \"numeric((1); DROP TABLE victim; SELECT (1))\"\n")
    [error] = errors_of(spec)
    assert error.startswith("schema.yaml:5: tables.victim.columns.c: ")
    assert "is not a type name" in error


def test_returns_table_is_refused_with_what_to_write_instead():
    [error] = errors_of(function_spec("  f: {returns: 'table(a int)', body: select 1}\n"))
    assert "returns: table(...) is not supported" in error


# --------------------------------------------------------------- newlines in names, comments

@pytest.mark.parametrize("where, spec", [
    ("tables.orgs.columns.evil\\nDROP TABLE victim;\\n-- ",
     "tables:\n  orgs:\n    columns: {id: integer, ? \"evil\\nDROP TABLE victim;\\n-- \" : text}\n"),
    ("tables.evil\\nDROP TABLE victim;\\n-- ",
     "tables:\n  ? \"evil\\nDROP TABLE victim;\\n-- \"\n  : columns: {id: integer}\n"),
    ("tables.orgs.indexes[0].name",
     "tables:\n  orgs:\n    columns: {id: integer}\n"
     "    indexes: [{name: \"evil\\nDROP TABLE victim;\\n-- \", columns: [id]}]\n"),
])
def test_a_name_with_a_newline_is_a_located_validation_error(where, spec):
    [error] = errors_of("version: 1\n" + spec)
    assert f": {where}: " in error and error.startswith("schema.yaml:")
    assert "holds a control character (\\n)" in error and "(rename it" in error
    assert "\n" not in error


def test_a_comment_line_escapes_control_characters():
    assert sql_comment("+ add column public.orgs.evil\nDROP TABLE victim;\r\x1b\u2028") == \
        "-- + add column public.orgs.evil\\nDROP TABLE victim;\\r\\x1b\\u2028"


def test_a_migration_naming_a_column_with_a_newline_runs_only_its_own_statements():
    from pgwright.kinds.column import AddColumn
    from pgwright.model import Column

    add = AddColumn("public", "orgs", Column(EVIL_NAME, "text"))
    script = render_script(render_statements([add]), migration_header("m", [add], "s.yaml"))
    header, _, _ = script.partition("\n\n")
    assert all(line.startswith("--") for line in header.splitlines())
    assert "--   + add column public.orgs.evil\\nDROP TABLE victim;\\n--" in header
    # The name itself is written with U& escapes: no line of the script starts inside it.
    assert not any(line.lstrip().startswith(DROP_VICTIM) for line in script.splitlines())
    [statement] = split_statements(script)
    assert statement.endswith('ADD COLUMN IF NOT EXISTS U&"evil\\000aDROP TABLE victim;\\000a-- " text')


@pytest.mark.parametrize("live", [
    f'ALTER TABLE orgs ADD COLUMN "{EVIL_NAME}" text',
    f'CREATE TABLE "{EVIL_NAME}" (id integer)',
    f'CREATE INDEX "{EVIL_NAME}" ON orgs (id)',
], ids=["column", "table", "index"])
def test_generate_and_apply_a_migration_dropping_a_live_name_with_a_newline(
        live, victim, database_url, tmp_path):
    victim.execute("CREATE TABLE orgs (id integer)")
    victim.execute(live)
    spec = tmp_path / "schema.yaml"
    spec.write_text("version: 1\ntables:\n  orgs:\n    columns: {id: integer}\n"
                    "  victim:\n    columns: {id: integer}\n")
    migrations = tmp_path / "migrations"
    migration, _ = api.generate(spec, database_url, migrations, "drop the evil name")
    text = migration.sql_path.read_text()
    assert "evil\\nDROP TABLE victim;\\n-- " in text  # the name, escaped in the comments
    assert not any(line.startswith(DROP_VICTIM) for line in text.splitlines())
    api.apply(database_url, migrations, allow_destructive=True)
    assert victim_exists(victim)
    assert api.plan(spec, database_url).is_empty


def test_inspect_writes_a_name_with_a_newline_escaped_and_validation_names_it(
        victim, database_url, tmp_path):
    victim.execute(f'CREATE TABLE orgs (id integer, "{EVIL_NAME}" text, "evil\nx_id" uuid)')
    output = tmp_path / "schema.yaml"
    result = invoke("inspect", "--db", database_url, "-o", str(output))
    assert result.exit_code == 0, result.output
    text = output.read_text()
    assert yaml.safe_load(text)["tables"]["orgs"]["columns"][EVIL_NAME] == "text"
    assert not any(line.startswith(DROP_VICTIM) for line in text.splitlines())
    check = invoke("validate", "-s", str(output))
    assert check.exit_code == 1 and "Traceback" not in check.output
    assert "tables.orgs.columns.evil\\nDROP TABLE victim;\\n-- : the column name" in check.output


# ------------------------------------------------------------------------------ extensions

@pytest.mark.parametrize("extensions, where", [
    ('["pgcrypto; DROP TABLE victim"]', "extensions[0]: 'pgcrypto; DROP TABLE victim' is not "
                                        "an extension name"),
    ('{"citext; DROP TABLE victim": {}}', "extensions.citext; DROP TABLE victim: "),
    ('{citext: {schema: "public; DROP TABLE victim"}}',
     "extensions.citext.schema: schema 'public; DROP TABLE victim' of extension citext is not "
     "managed"),
    ('{citext: {schema: "ext\\nDROP TABLE victim"}}',
     "extensions.citext.schema: the schema name 'ext\\nDROP TABLE victim' holds a control"),
])
def test_an_extension_name_or_schema_holding_sql_is_a_located_validation_error(extensions,
                                                                                where):
    [error] = errors_of(f"version: 1\nextensions: {extensions}\n"
                        "tables:\n  t:\n    columns: {id: integer}\n")
    assert error.startswith("schema.yaml:2: ") and where in error and "(" in error


def test_extension_names_as_real_extensions_spell_them_validate():
    assert errors_of("version: 1\nextensions: [pgcrypto, uuid-ossp, pg_trgm]\n"
                     "tables:\n  t:\n    columns: {id: integer}\n") == []


def test_an_extension_schema_may_be_any_managed_schema(database_url, tmp_path, db):
    spec = tmp_path / "schema.yaml"
    spec.write_text('version: 1\nschemas: [public, "ext; DROP TABLE victim"]\n'
                    'extensions: {citext: {schema: "ext; DROP TABLE victim"}}\n'
                    "tables:\n  t:\n    columns: {id: integer}\n")
    assert errors_of(spec.read_text()) == []
    assert 'CREATE EXTENSION IF NOT EXISTS citext SCHEMA "ext; DROP TABLE victim"' \
        in api.plan(spec, database_url).sql()


# -------------------------------------------------------------------------------- psql

def test_psql_gets_the_password_in_its_environment_not_on_its_command_line(tmp_path,
                                                                            monkeypatch):
    record = tmp_path / "psql.txt"
    fake = tmp_path / "bin" / "psql"
    fake.parent.mkdir()
    fake.write_text(f"#!{sys.executable}\nimport os, sys\n"
                    f"open({str(record)!r}, 'w').write(repr((sys.argv[1:], "
                    "os.environ.get('PGPASSWORD'))))\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    url = "postgresql://app:s3cret%21@db.example:5433/shop?sslmode=require"
    result = invoke("psql", "--db", url, "-c", "select 1")
    assert result.exit_code == 0, result.output
    arguments, password = eval(record.read_text())  # noqa: S307 - the fake psql wrote it
    assert password == "s3cret!"
    assert not any("s3cret" in argument for argument in arguments)
    assert arguments == ["dbname=shop host=db.example port=5433 sslmode=require user=app",
                         "-c", "select 1"]


def test_psql_invocation_takes_a_password_parameter_out_of_the_url_too():
    command, environment = psql_invocation("postgresql://app@db/shop?password=s3cret", "psql")
    assert environment["PGPASSWORD"] == "s3cret" and "s3cret" not in " ".join(command)


# ------------------------------------------------------------- the property: every key

# Pieces of SQL and YAML an attacker reaches for; drawn alone, joined, or as random text.
FRAGMENTS = ("'", '"', "$$", "$x$", "$function$", ";", "\n", "\r", "\t", "--", "/*", "*/",
             "\\", "\x00", "\x1b", "é", "\u2028", "\u202e", " ", ")", "(", ",", ".", "$user",
             "E'", "a", "Z", "0", f"; {DROP_VICTIM}; ", "pgwright:no-transaction")
hostile_values = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=5).map("".join),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8),
)

TRIGGER_FUNCTION = {"returns": "trigger", "language": "plpgsql",
                    "body": "begin return new; end"}


def _spec(**top) -> dict:
    # The sentinel is declared, so only a hostile value could remove it.
    tables = top.pop("tables", {})
    return {"version": 1, **top,
            "tables": {"victim": {"columns": {"id": "integer"}},
                       "t": {"columns": {"id": "integer", "note": "text"}}, **tables}}


def _table(**keys) -> dict:
    return {"tables": {"t": {"columns": {"id": "integer", "note": "text"}, **keys}}}


def _names(connection, sql: str) -> set:
    return {row[0] for row in connection.execute(sql)}


# Each place a value reaches SQL: the spec around it, and what must be in the catalog when
# the spec is accepted (None: only that nothing else changed, as for a type or expression).
PLACES = {
    "schema name": (lambda v: _spec(schemas=["public", v]),
                    lambda c, v: v in _names(c, "SELECT nspname FROM pg_namespace")),
    "table name": (lambda v: _spec(tables={f"public.{v}": {"columns": {"id": "integer"}}}),
                   lambda c, v: v in _names(c, "SELECT relname FROM pg_class")),
    "column name": (lambda v: _spec(tables={"u": {"columns": {v: "integer"}}}),
                    lambda c, v: v in _names(c, "SELECT attname FROM pg_attribute")),
    "index name": (lambda v: _spec(**_table(indexes=[{"name": v, "columns": ["id"]}])),
                   lambda c, v: v in _names(c, "SELECT relname FROM pg_class")),
    "constraint name": (lambda v: _spec(**_table(checks={v: "id > 0"})),
                        lambda c, v: v in _names(c, "SELECT conname FROM pg_constraint")),
    "enum name": (lambda v: _spec(enums={f"public.{v}": ["a"]}),
                  lambda c, v: v in _names(c, "SELECT typname FROM pg_type")),
    "enum label": (lambda v: _spec(enums={"e": [v]}),
                   lambda c, v: v in _names(c, "SELECT enumlabel FROM pg_enum")),
    "policy name": (lambda v: _spec(**_table(rls={"enabled": True,
                                                  "policies": {v: {"using": "true"}}})),
                    lambda c, v: v in _names(c, "SELECT polname FROM pg_policy")),
    "policy role": (lambda v: _spec(roles=[v], **_table(rls={"enabled": True, "policies": {
        "p": {"roles": [v], "using": "true"}}})), None),
    "policy expression": (lambda v: _spec(**_table(rls={"enabled": True,
                                                        "policies": {"p": {"using": v}}})), None),
    "function name": (lambda v: _spec(functions={f"public.{v}": {"returns": "integer",
                                                                 "body": "select 1"}}),
                      lambda c, v: v in _names(c, "SELECT proname FROM pg_proc")),
    "argument name": (lambda v: _spec(functions={"f": {"returns": "integer", "args": [
        {"name": v, "type": "integer"}], "body": "select 1"}}), None),
    "trigger name": (lambda v: _spec(functions={"trg": TRIGGER_FUNCTION}, **_table(
        triggers={v: {"function": "trg", "events": ["insert"]}})),
                     lambda c, v: v in _names(c, "SELECT tgname FROM pg_trigger")),
    "column type": (lambda v: _spec(tables={"u": {"columns": {"c": v}}}), None),
    "result type": (lambda v: _spec(functions={"f": {"returns": v, "body": "select null"}}), None),
    "argument type": (lambda v: _spec(functions={"f": {"returns": "integer", "args": [
        {"name": "a", "type": v}], "body": "select 1"}}), None),
    "search_path": (lambda v: _spec(functions={"f": {"returns": "integer", "body": "select 1",
                                                     "search_path": v}}), None),
    "default expression": (lambda v: _spec(tables={"u": {"columns": {
        "c": {"type": "text", "default": v}}}}), None),
    "check expression": (lambda v: _spec(**_table(checks={"c": v})), None),
    "index expression": (lambda v: _spec(**_table(indexes=[{"name": "i", "expression": v}])),
                         None),
    "default string": (lambda v: _spec(tables={"u": {"columns": {
        "c": {"type": "text", "default": "'" + v.replace("'", "''") + "'"}}}}),
        lambda c, v: c.execute("INSERT INTO u DEFAULT VALUES RETURNING c").fetchone()[0] == v),
    "table comment": (lambda v: _spec(**_table(comment=v)),
                      lambda c, v: c.execute("SELECT obj_description('public.t'::regclass)")
                      .fetchone()[0] == v),
    "function body": (lambda v: _spec(functions={"f": {"returns": "text", "body": v}}),
                      # A body is kept without the whitespace around it (Python's idea of
                      # whitespace, which includes \x85 and \x1c-\x1f).
                      lambda c, v: any(v.strip() in body for body in
                                       _names(c, "SELECT prosrc FROM pg_proc"))),
    "extension name": (lambda v: _spec(extensions=[v]), None),
    "extension schema": (lambda v: _spec(extensions={"plpgsql": {"schema": v}}), None),
}


def _outcome(connection, data: dict) -> str:
    """'rejected' (validation, with a location), 'refused' (by the plan or the server), or
    'ran': the plan ran, in a transaction the caller rolls back."""
    # Written escaped: PyYAML folds a raw \x85 (a YAML line break) into a space.
    document = parse_spec_text(yaml.safe_dump(data), "schema.yaml")
    errors = [problem for problem in validate_spec(document) if problem.severity == "error"]
    if errors:
        assert all(problem.file == "schema.yaml" and problem.line and problem.path
                   and problem.suggestion for problem in errors), errors
        return "rejected"
    try:
        plan = plan_against(connection, document)
    except (PlanError, SpecError):
        return "refused"
    try:
        with connection.transaction(savepoint_name="statements"):
            for statement in plan.statements:
                assert statement.transactional, statement.sql
                connection.execute(statement.sql)
    except psycopg.Error:
        return "refused"
    return "ran"


@pytest.fixture
def sentinel(database_url):
    with connect(database_url) as connection:
        connection.execute("CREATE TABLE victim (id integer)")
        yield connection


@settings(max_examples=120, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(place=st.sampled_from(sorted(PLACES)), value=hostile_values)
def test_a_hostile_value_is_rejected_or_lands_verbatim(sentinel, place, value):
    build, lands = PLACES[place]
    with sentinel.transaction(force_rollback=True):
        outcome = _outcome(sentinel, build(value))
        assert victim_exists(sentinel), (place, value)
        if outcome == "ran" and lands is not None:
            assert lands(sentinel, value), (place, value)
        assert outcome != "refused" or lands is None or place in _REFUSED_BY_THE_SERVER, \
            (place, value, outcome)


# A name can be valid and still name nothing the server has (a role): it is refused then.
_REFUSED_BY_THE_SERVER = frozenset()

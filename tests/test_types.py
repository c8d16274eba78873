"""Domains (kinds/domain.py): what validation says about them, and what a plan does to the
rows of their columns. The golden cases of tests/cases/domains/ show the SQL."""

from __future__ import annotations

import pytest

from pgwright import api
from pgwright.errors import PgwrightError
from pgwright.spec.load import parse_spec_text
from pgwright.spec.validate import validate_spec


def _problems(text: str) -> list[str]:
    return [f"{p.path}: {p.message} ({p.suggestion})"
            for p in validate_spec(parse_spec_text(text, "schema.yaml"))]


def test_an_unknown_base_type_is_reported_with_a_suggestion():
    problems = _problems("version: 1\ndomains:\n  email: {type: txet}\ntables: {}\n")
    assert len(problems) == 1
    assert "domains.email.type" in problems[0] and "unknown type 'txet'" in problems[0]
    assert "did you mean 'text'?" in problems[0]


def test_a_check_that_is_not_one_expression_is_reported_at_its_key():
    problems = _problems("version: 1\ndomains:\n  email:\n    type: text\n    checks:\n"
                         "      has_at: \"VALUE ~ '@'; DROP TABLE x\"\ntables: {}\n")
    assert len(problems) == 1 and "domains.email.checks.has_at" in problems[0]


def test_a_column_may_name_a_domain_of_the_spec():
    assert _problems("version: 1\ndomains:\n  email: {type: text}\n"
                     "tables:\n  t:\n    columns: {e: email, f: 'email[]'}\n") == []


def test_a_column_naming_no_declared_domain_is_unknown():
    problems = _problems("version: 1\ntables:\n  t:\n    columns: {e: email}\n")
    assert len(problems) == 1 and "unknown type 'email'" in problems[0]


def test_a_new_check_is_refused_by_the_rows_that_fail_it(db, database_url, tmp_path):
    db.execute("CREATE DOMAIN email AS text; CREATE TABLE customers (id bigint PRIMARY KEY, "
               "email email); INSERT INTO customers VALUES (1, 'nobody'), (2, 'a@b'), (3, NULL)")
    spec = tmp_path / "schema.yaml"
    spec.write_text("version: 1\ndomains:\n  email: {type: text, checks: {has_at: \"VALUE ~ '@'\"}}\n"
                    "tables:\n  customers:\n    columns:\n"
                    "      id: {type: bigint, primary_key: true}\n      email: email\n")
    plan = api.plan(spec, database_url)
    (finding,) = plan.findings
    assert finding.count == 1 and finding.samples == ((1,),)  # NULL passes a CHECK
    with pytest.raises(PgwrightError):
        api.push(spec, database_url)
    checks = db.execute("SELECT count(*) FROM pg_constraint WHERE contypid = 'email'::regtype"
                        ).fetchone()[0]
    assert checks == 0  # refused before anything changed


def test_not_null_is_refused_by_the_nulls_of_its_columns(db, database_url, tmp_path):
    db.execute("CREATE DOMAIN email AS text; CREATE TABLE customers (id bigint PRIMARY KEY, "
               "email email); INSERT INTO customers VALUES (1, NULL)")
    spec = tmp_path / "schema.yaml"
    spec.write_text("version: 1\ndomains:\n  email: {type: text, nullable: false}\n"
                    "tables:\n  customers:\n    columns:\n"
                    "      id: {type: bigint, primary_key: true}\n      email: email\n")
    (finding,) = api.plan(spec, database_url).findings
    assert finding.count == 1 and finding.check.code == "null-values"


def test_inspect_writes_domains_back_and_replans_empty(db, database_url, tmp_path):
    db.execute("CREATE DOMAIN email AS text COLLATE \"C\" NOT NULL DEFAULT 'x@y' "
               "CONSTRAINT has_at CHECK (VALUE ~ '@'); COMMENT ON DOMAIN email IS 'mail'; "
               "CREATE TABLE customers (id bigint PRIMARY KEY, email email)")
    spec = tmp_path / "schema.yaml"
    spec.write_text(api.inspect(database_url).yaml_text)
    assert "domains:" in spec.read_text()
    assert api.plan(spec, database_url).operations == ()

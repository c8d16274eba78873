"""Validation of schema.yaml, before any connection is made.

``tests/bad_specs/`` holds small, realistic malformed specs; ``BAD_SPECS`` below says which
errors each must give, in file order: line, key path, a fragment of the message and of the
suggestion. Then the command line: a bad spec exits 1, says where, and leaves the database
untouched. Names and comments full of quotes, semicolons and dollar signs are not errors:
they are quoted, which the last tests prove against a real server.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from pgwright import api
from pgwright.cli import main
from pgwright.errors import Problem, SpecError
from pgwright.spec.load import load_spec_document, parse_spec_text
from pgwright.spec.validate import validate_spec

BAD_SPECS_DIR = Path(__file__).parent / "bad_specs"
NO_SERVER_URL = "postgresql://nobody@127.0.0.1:1/nowhere"  # nothing listens on port 1


@dataclass(frozen=True)
class Expected:
    line: int
    path: str
    message: str  # a fragment of the message
    suggestion: str | None = None  # a fragment of the suggestion; None when there must be none


BAD_SPECS: dict[str, list[Expected]] = {
    # YAML itself
    "yaml_tab_indent.yaml": [Expected(5, "", "invalid YAML: found character '\\t'")],
    "yaml_unclosed_bracket.yaml": [Expected(9, "", "invalid YAML: expected ',' or ']'")],
    "yaml_duplicate_key.yaml": [
        Expected(8, "", "duplicate key 'email' (first defined on line 6)"),
    ],
    "yaml_recursive_alias.yaml": [
        Expected(6, "", "invalid YAML: an alias refers to a node that contains it"),
    ],
    "yaml_unhashable_key.yaml": [
        Expected(6, "", "invalid YAML: a key must be a single value, not a mapping or a list"),
    ],
    "flow_mapping_comma.yaml": [
        Expected(6, "tables.order_items.columns.unit_price.2)",
                 "'2)' is the end of type: numeric(12,2), cut off by the comma",
                 'quote it: type: "numeric(12,2)"'),
    ],
    "enum_values_read_as_booleans.yaml": [
        Expected(3, "enums.marketing_consent[0]", "expected a string, not the boolean true",
                 "quote the word"),
        Expected(3, "enums.marketing_consent[1]", "expected a string, not the boolean false",
                 "quote the word"),
    ],
    # shape
    "not_a_mapping.yaml": [
        Expected(2, "", "the spec must be a mapping with 'version' and 'tables', not a list"),
    ],
    "missing_version.yaml": [
        Expected(1, "version", "required key 'version' is missing", "add 'version: 1'"),
    ],
    "wrong_version.yaml": [
        Expected(1, "version", "unsupported spec version 2", "this pgwright reads version: 1"),
    ],
    "version_as_string.yaml": [
        Expected(1, "version", "expected an integer, not the string '1'",
                 "write version: 1, without quotes"),
    ],
    "unknown_top_level_key.yaml": [
        Expected(3, "tabels", "unknown key 'tabels'", "did you mean 'tables'?"),
    ],
    "misspelt_required_key.yaml": [
        Expected(4, "tables.customers.colums", "unknown key 'colums'", "did you mean 'columns'?"),
        # read as 'columns', the table's columns are checked too
        Expected(6, "tables.customers.columns.email.tpye", "unknown key 'tpye'",
                 "did you mean 'type'?"),
    ],
    "unknown_column_key.yaml": [
        Expected(8, "tables.customers.columns.email.nulable", "unknown key 'nulable'",
                 "did you mean 'nullable'?"),
    ],
    "nullable_quoted_string.yaml": [
        Expected(8, "tables.customers.columns.email.nullable", "'no' is not one of: true, false",
                 "write nullable: false, without quotes"),
    ],
    "nullable_empty.yaml": [
        # left empty, PyYAML reads None; taken for false, the column would be NOT NULL
        Expected(8, "tables.customers.columns.email.nullable",
                 "the value is empty; expected true or false"),
    ],
    "bad_on_delete.yaml": [
        Expected(13, "tables.orders.columns.customer_id.on_delete",
                 "'casade' is not one of: cascade, set null", "did you mean 'cascade'?"),
    ],
    "bad_deferrable.yaml": [
        Expected(10, "tables.product_categories.foreign_keys[0].deferrable",
                 "'initially_defered' is not one of: true, false, initially_deferred",
                 "did you mean 'initially_deferred'?"),
    ],
    "column_as_list.yaml": [
        Expected(6, "tables.products.columns.tags", "expected a string or a mapping",
                 "did you mean 'text[]'?"),
    ],
    "empty_table.yaml": [
        Expected(6, "tables.orders", "the value is empty; expected a mapping"),
    ],
    # types
    "unknown_type.yaml": [
        Expected(5, "tables.customers.columns.id.type", "unknown type 'uuidd'",
                 "did you mean 'uuid'?"),
        Expected(6, "tables.customers.columns.name", "unknown type 'strng'",
                 "did you mean 'text'?"),
    ],
    # references
    "unknown_referenced_table.yaml": [
        Expected(11, "tables.orders.columns.customer_id.references", "unknown table 'customer'",
                 "did you mean 'customers'?"),
    ],
    "unknown_referenced_column.yaml": [
        Expected(11, "tables.orders.columns.customer_id.references",
                 "table 'customers' has no column 'uid'", "did you mean 'id'?"),
    ],
    "fk_column_count_mismatch.yaml": [
        Expected(14, "tables.orders.foreign_keys[0]",
                 "1 column (customer_id) cannot reference 2 columns of customers",
                 "list as many referencing columns as referenced ones"),
    ],
    "fk_type_mismatch.yaml": [
        Expected(11, "tables.orders.columns.customer_id.references",
                 "type mismatch: customer_id is integer but customers.id is uuid",
                 "declare customer_id as uuid"),
    ],
    "fk_target_not_unique.yaml": [
        Expected(12, "tables.newsletters.foreign_keys[0]",
                 "customers(email) is neither the primary key nor a unique constraint",
                 "add unique: [[email]] to table 'customers'"),
    ],
    "polymorphic_target_missing.yaml": [
        Expected(19, "tables.audit_entries.polymorphic.entity_id.targets.invoice",
                 "unknown table 'invoice'", "did you mean 'invoices'?"),
    ],
    "polymorphic_columns_missing.yaml": [
        Expected(12, "tables.audit_entries.polymorphic.entity_uid",
                 "'entity_uid' is not a column of audit_entries", "did you mean 'entity_id'?"),
        Expected(13, "tables.audit_entries.polymorphic.entity_uid.discriminator",
                 "discriminator 'entity_kind' is not a column", "did you mean 'entity_type'?"),
    ],
    # names
    "duplicate_index_name.yaml": [
        Expected(11, "tables.messages.indexes[1]",
                 "name 'messages_recent_idx' is already used by tables.messages.indexes[0]",
                 "another name"),
    ],
    "duplicate_constraint_name.yaml": [
        Expected(14, "tables.orders.foreign_keys[0]",
                 "constraint name 'orders_customer_check' is already used by "
                 "tables.orders.checks.orders_customer_check", "another name"),
    ],
    "enum_duplicate_value.yaml": [
        Expected(3, "enums.order_status[3]", "value 'confirmed' is listed twice (first at [1])",
                 "remove one of them"),
    ],
    "table_declared_twice.yaml": [
        Expected(6, "tables.public.customers",
                 "table 'public.customers' is declared twice (also as 'customers')",
                 "remove one of them"),
    ],
    "table_in_unmanaged_schema.yaml": [
        Expected(7, "tables.audit.login_events", "schema 'audit' is not managed by this spec",
                 "add it to schemas: [public, audit]"),
    ],
    "name_too_long.yaml": [
        Expected(3, "tables.customer_communication_preferences_by_channel_and_locale_history",
                 "the table name is 64 bytes long; PostgreSQL cuts names at 63 bytes",
                 "shorten it"),
        # 61 characters, but 66 bytes in UTF-8: the limit is in bytes
        Expected(6, "tables.customer_communication_preferences_by_channel_and_locale_history"
                 ".columns.préférences_de_communication_par_défaut_du_client_sélectionné",
                 "the column name is 66 bytes long", "shorten it"),
        Expected(8, "tables.customer_communication_preferences_by_channel_and_locale_history"
                 ".indexes[0].name", "the index name is 68 bytes long", "shorten it"),
    ],
    # indexes and expressions
    "index_columns_and_expression.yaml": [
        Expected(8, "tables.customers.indexes[0]",
                 "an index needs exactly one of 'columns' or 'expression'",
                 "split it into two indexes"),
    ],
    "check_injection.yaml": [
        Expected(8, "tables.orders.checks.orders_total_check",
                 "not a single SQL expression: unbalanced ')'", "check the parentheses"),
    ],
    "default_injection.yaml": [
        Expected(8, "tables.orders.columns.status.default",
                 "not a single SQL expression: ';' would end the statement",
                 "cannot carry a second statement"),
    ],
    "index_where_comment.yaml": [
        Expected(9, "tables.orders.indexes[0].where", "comments are not allowed",
                 "use a YAML comment"),
    ],
    # row level security and triggers
    "policy_clause_not_allowed.yaml": [
        Expected(13, "tables.customers.rls.policies.customers_read.with_check",
                 "a select policy cannot have with_check", "use using"),
        Expected(16, "tables.customers.rls.policies.customers_write.using",
                 "an insert policy cannot have using", "use with_check"),
    ],
    "policy_role_not_declared.yaml": [
        Expected(11, "tables.customers.rls.policies.customers_all.roles[0]",
                 "role 'app_usr' is not declared under roles", "did you mean 'app_user'?"),
    ],
    "grant_role_not_declared.yaml": [
        Expected(8, "tables.customers.grants.app_usr",
                 "role 'app_usr' is not declared under roles", "did you mean 'app_user'?"),
    ],
    "grant_unknown_privilege.yaml": [
        Expected(8, "tables.customers.grants.app_user[1]", "unknown privilege 'insrt'",
                 "did you mean 'insert'?"),
        Expected(8, "tables.customers.grants.app_user[2]",
                 "MAINTAIN (PostgreSQL 17) is not managed by pgwright", "remove it"),
    ],
    "grants_left_empty.yaml": [
        Expected(7, "tables.customers.grants", "the value is empty"),
    ],
    "policy_injection.yaml": [
        Expected(11, "tables.customers.rls.policies.customers_tenant.using",
                 "not a single SQL expression: unbalanced ')'", "check the parentheses"),
    ],
    "trigger_unknown_function.yaml": [
        Expected(16, "tables.orders.triggers.orders_touch.function",
                 "unknown function 'touch_updated'", "did you mean 'touch_updated_at'?"),
        Expected(19, "tables.orders.triggers.orders_status_changed.columns",
                 "columns (UPDATE OF ...) need the update event", "add update to events"),
        Expected(19, "tables.orders.triggers.orders_status_changed.columns",
                 "unknown column 'statuss'", "did you mean 'status'?"),
    ],
    "function_overloads.yaml": [
        Expected(7, "functions.area[1].args",
                 "function 'area' has two overloads with the argument types (numeric): [0] and [1]",
                 "differ in their argument types"),
        Expected(23, "tables.shapes.triggers.shapes_touch.function",
                 "function 'touch' takes arguments, and a trigger calls its function without any",
                 "args: []"),
    ],
    # everything at once: shape and meaning problems together, in file order
    "several_problems.yaml": [
        Expected(8, "tables.customers.columns.email.nulable", "unknown key 'nulable'",
                 "did you mean 'nullable'?"),
        Expected(14, "tables.orders.columns.customer_id.references", "unknown table 'customer'",
                 "did you mean 'customers'?"),
        Expected(15, "tables.orders.columns.customer_id.on_delete", "'casade' is not one of",
                 "did you mean 'cascade'?"),
        Expected(16, "tables.orders.columns.placed_at", "unknown type 'timestamptx'",
                 "did you mean 'timestamptz'?"),
        Expected(18, "tables.orders.indexes[0].columns", "unknown column 'placed_on'",
                 "did you mean 'placed_at'?"),
    ],
}


def spec_errors(path: Path) -> list[Problem]:
    """The errors (not warnings) that loading and validating ``path`` gives."""
    try:
        document = load_spec_document(path)
    except SpecError as error:
        return error.problems
    return [problem for problem in validate_spec(document) if problem.severity == "error"]


def test_every_bad_spec_file_has_its_expected_errors_and_the_reverse():
    assert sorted(path.name for path in BAD_SPECS_DIR.glob("*.yaml")) == sorted(BAD_SPECS)


@pytest.mark.parametrize("name", sorted(BAD_SPECS))
def test_a_bad_spec_reports_exactly_its_errors_in_file_order(name):
    path = BAD_SPECS_DIR / name
    problems = spec_errors(path)
    expected = BAD_SPECS[name]
    report = "\n".join(str(problem) for problem in problems)
    assert [(p.line, p.path) for p in problems] == [(e.line, e.path) for e in expected], report
    for problem, wanted in zip(problems, expected, strict=True):
        assert problem.file == str(path)
        assert wanted.message in problem.message, report
        if wanted.suggestion is None:
            assert problem.suggestion is None, report
        else:
            assert wanted.suggestion in (problem.suggestion or ""), report


def test_a_problem_prints_as_file_line_path_message_and_suggestion():
    [problem] = spec_errors(BAD_SPECS_DIR / "unknown_referenced_table.yaml")
    assert str(problem) == (
        f"{BAD_SPECS_DIR / 'unknown_referenced_table.yaml'}:11: "
        "tables.orders.columns.customer_id.references: unknown table 'customer' "
        "(did you mean 'customers'?)"
    )


def test_yamale_alternatives_give_one_message_per_fault():
    # columns: map(any(str(), include('column'))): yamale also reports the failed str()
    # branch, and for default: any(str(), int(), num(), bool()) one message per branch.
    document = parse_spec_text(
        "version: 1\n"
        "tables:\n"
        "  t:\n"
        "    columns:\n"
        "      id: {type: uuid, primary_key: true, colour: red}\n"
        "      n: {type: integer, default: [1]}\n",
        "schema.yaml",
    )
    assert [str(problem) for problem in validate_spec(document)] == [
        "schema.yaml:5: tables.t.columns.id.colour: unknown key 'colour' "
        "(the keys here are: type, nullable, default, primary_key, unique, references, "
        "on_delete, on_update, identity, generated, comment, renamed_from, using, collation, orphans, lint)",
        "schema.yaml:6: tables.t.columns.n.default: "
        "expected a string, a number, true or false, not a list",
    ]


REPEATED_FAULTY_ENTRIES = """\
version: 1
tables:
  customers:
    columns:
      id: {type: uuid, primary_key: yes please}
      email: {type: text, colour: red}
      name: text
      7: text
    indexes:
      - {columns: [email], using: btree, colour: red}
      - {columns: [name]}
    foreign_keys:
      - {columns: [id], references: orders(id), on_delete: explode}
  orders:
    columns:
      id: {type: uuid, primary_key: yes please}
      note: {type: text, colour: red}
      total: [numeric]
      placed_at: {nullable: false}
    indexes:
      - {columns: [email], using: btree, colour: red}
      - oops
    foreign_keys:
      - {columns: [id], references: orders(id), on_delete: explode}
  invoices:
    columns: [id, total]
    indexes: {by_total: {columns: [total]}}
    foreign_keys: customers(id)
"""


def _yaml_spec_texts() -> list:
    """Every spec file of the repository that is valid YAML, as a test parameter."""
    root = Path(__file__).parent.parent
    paths = sorted([*BAD_SPECS_DIR.glob("*.yaml"), *(root / "tests" / "cases").glob("*/*/schema.yaml"),
                    root / "schema.yaml"])
    texts = []
    for path in paths:
        try:
            parse_spec_text(path.read_text(), str(path))
        except SpecError:
            continue
        texts.append(pytest.param(path.read_text(), id=f"{path.parent.name}/{path.name}"))
    return texts


@pytest.mark.parametrize("text", [pytest.param(REPEATED_FAULTY_ENTRIES, id="repeated_faulty_entries"),
                                  *_yaml_spec_texts()])
def test_the_shape_check_accepts_exactly_what_yamale_accepts(text):
    """pgwright words its own shape problems, walking the validators yamale parsed from
    shape.yaml; on whether a spec has the shape at all, it agrees with yamale itself."""
    import yamale

    from pgwright.spec.shape import check_shape, shape_schema

    document = parse_spec_text(text, "schema.yaml")
    [result] = yamale.validate(shape_schema(), [(document.data, "schema.yaml")], _raise_error=False)
    assert (check_shape(document).problems == []) == result.isValid()


def test_shape_problems_do_not_depend_on_how_yamale_words_its_messages(monkeypatch):
    """A yamale release that rewords its messages changes nothing pgwright reports."""
    import yamale.schema.schema
    import yamale.validators

    path = BAD_SPECS_DIR / "several_problems.yaml"
    before = [str(problem) for problem in spec_errors(path)]
    monkeypatch.setattr(yamale.validators.Validator, "fail", lambda self, value: "reworded")
    monkeypatch.setattr(yamale.validators.Enum, "fail", lambda self, value: "reworded")
    monkeypatch.setattr(yamale.schema.schema.Schema, "_validate_static_map_list",
                        lambda *arguments: ["reworded: too"])
    assert [str(problem) for problem in spec_errors(path)] == before


def test_the_spec_is_decoded_into_entries_with_named_fields_and_lines():
    from dataclasses import FrozenInstanceError

    document = parse_spec_text(
        "version: 1\n"
        "tables:\n"
        "  orders:\n"
        "    columns:\n"
        "      id: uuid\n"
        "      total: {type: 'numeric(12,2)', nullable: false, default: 0}\n"
        "    indexes:\n"
        "      - {columns: [total], where: total > 0}\n",
        "schema.yaml",
    )
    [table] = document.entries.tables
    short, total = table.columns
    assert (short.name, short.type, short.long_form, short.nullable) == ("id", "uuid", False, True)
    assert (total.type, total.nullable, total.default, total.line) == ("numeric(12,2)", False, 0, 6)
    [index] = table.indexes
    assert (index.columns, index.where, index.using, index.line) == (("total",), "total > 0", "btree", 8)
    assert index.path == ("tables", "orders", "indexes", 0)
    with pytest.raises(FrozenInstanceError):
        total.nullable = True


def test_anchors_aliases_and_merge_keys_read_as_yaml_defines_them_with_each_key_s_own_line():
    document = parse_spec_text(
        "version: 1\n"
        "tables:\n"
        "  customers:\n"
        "    columns:\n"
        "      id: &key {type: uuid, primary_key: true}\n"
        "      tenant_id: &tenant\n"
        "        type: uuid\n"
        "        nullable: false\n"
        "  orders:\n"
        "    columns:\n"
        "      id: *key\n"
        "      tenant_id:\n"
        "        <<: *tenant\n"
        "        comment: Owning tenant.\n",
        "schema.yaml",
    )
    orders = document.data["tables"]["orders"]["columns"]
    assert orders == {
        "id": {"type": "uuid", "primary_key": True},
        "tenant_id": {"type": "uuid", "nullable": False, "comment": "Owning tenant."},
    }
    # the alias's keys are placed under each path that reaches them, on the anchor's lines
    assert document.line_of(("tables", "orders", "columns", "id", "primary_key")) == 5
    assert document.line_of(("tables", "customers", "columns", "id", "primary_key")) == 5
    assert document.line_of(("tables", "orders", "columns", "tenant_id", "comment")) == 14
    assert validate_spec(document) == []


def test_a_name_holding_a_dot_is_written_qualified():
    document = parse_spec_text(
        "version: 1\n"
        "enums:\n"
        "  public.order.status: [new]\n"
        "tables:\n"
        "  public.line.items:\n"
        "    columns:\n"
        "      id: {type: integer, primary_key: true}\n"
        "      status: public.\"order.status\"\n"
        "      again: '\"order.status\"'\n",
        "schema.yaml",
    )
    assert [str(problem) for problem in validate_spec(document)] == [
        "schema.yaml:9: tables.public.line.items.columns.again: the type name \"order.status\" "
        "holds a dot, so it must be qualified (write public.\"order.status\")",
    ]


def test_scalars_other_than_strings_keep_yaml_s_types():
    document = parse_spec_text("a: 0x1f\nb: 1_000\nc: 1.5\nd: ~\ne: yes\nf: '1'\n", "s.yaml")
    assert document.data == {"a": 31, "b": 1000, "c": 1.5, "d": None, "e": True, "f": "1"}


# ------------------------------------------------------------------------------ warnings


WARNED_DEFAULTS = """\
version: 1
enums:
  order_status: [draft, confirmed]
tables:
  orders:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      status: {type: order_status, nullable: false, default: draft}
      channel: {type: text, default: email}
      placed_at: {type: timestamptz, default: current_timestamp}
      quantity: {type: integer, default: 1}
      note: {type: text, default: "'draft'"}
"""


def test_a_bare_word_default_on_text_or_enum_is_a_warning_with_the_quoted_form():
    problems = validate_spec(parse_spec_text(WARNED_DEFAULTS, "schema.yaml"))
    assert [(p.severity, p.line, p.path) for p in problems] == [
        ("warning", 8, "tables.orders.columns.status.default"),
        ("warning", 9, "tables.orders.columns.channel.default"),
    ]
    assert "a bare word is a column name" in problems[0].message
    assert problems[0].suggestion == "for the value 'draft', write default: \"'draft'\""
    assert problems[1].suggestion == "for the value 'email', write default: \"'email'\""


def test_set_null_on_a_not_null_column_is_a_warning_as_postgresql_accepts_the_key():
    """Real databases hold such keys (the first delete of a parent fails), and inspect must
    reproduce what a database holds: a warning, not an error."""
    problems = validate_spec(parse_spec_text(
        "version: 1\ntables:\n  conversations:\n    columns:\n"
        "      id: {type: uuid, primary_key: true}\n  orders:\n    columns:\n"
        "      id: {type: uuid, primary_key: true}\n      conversation_id:\n"
        "        type: uuid\n        nullable: false\n        references: conversations.id\n"
        "        on_delete: set null\n", "schema.yaml"))
    assert [(p.severity, p.line, p.path) for p in problems] == [
        ("warning", 13, "tables.orders.columns.conversation_id.on_delete")]
    assert "on_delete is set null, but conversation_id is NOT NULL" in problems[0].message


def test_policies_on_a_table_without_row_level_security_are_a_warning():
    problems = validate_spec(parse_spec_text(
        "version: 1\n"
        "tables:\n"
        "  notes:\n"
        "    columns: {id: integer}\n"
        "    rls:\n"
        "      policies:\n"
        "        notes_all: {using: 'true'}\n",
        "schema.yaml",
    ))
    assert [str(problem) for problem in problems] == [
        "schema.yaml:5: tables.notes.rls: the table has policies, but row level security is "
        "not enabled, so they restrict nothing (add enabled: true)",
    ]
    assert problems[0].severity == "warning"


def test_a_warning_does_not_fail_validate(tmp_path):
    spec = tmp_path / "schema.yaml"
    spec.write_text(WARNED_DEFAULTS)
    result = CliRunner().invoke(main, ["validate", "-s", str(spec)])
    assert result.exit_code == 0, result.output
    assert f"warning: {spec}:8: tables.orders.columns.status.default:" in result.output
    assert "valid" in result.output


# --------------------------------------------------------------------------- command line


@pytest.mark.parametrize("name", ["yaml_tab_indent.yaml", "unknown_referenced_table.yaml",
                                  "several_problems.yaml"])
def test_validate_exits_1_and_prints_each_error_with_file_line_and_path(name):
    path = BAD_SPECS_DIR / name
    result = CliRunner().invoke(main, ["validate", "-s", str(path)])
    assert result.exit_code == 1, result.output
    for wanted in BAD_SPECS[name]:
        where = f"{path}:{wanted.line}: {wanted.path}: " if wanted.path else f"{path}:{wanted.line}: "
        assert f"error: {where}" in result.output
    count = len(BAD_SPECS[name])
    assert f"{count} error{'s' if count > 1 else ''}; nothing was changed." in result.output


@pytest.mark.parametrize("command", ["plan", "push --yes", "check"])
@pytest.mark.parametrize("name", sorted(BAD_SPECS))
def test_a_bad_spec_is_refused_before_any_connection(name, command):
    # Nothing listens at NO_SERVER_URL: reaching for it would print a connection error.
    path = BAD_SPECS_DIR / name
    result = CliRunner().invoke(main, [*command.split(), "-s", str(path), "--db", NO_SERVER_URL])
    assert result.exit_code == 1, result.output
    assert "cannot connect" not in result.output
    assert f"error: {path}:{BAD_SPECS[name][0].line}: " in result.output


def _catalog_snapshot(db) -> list[tuple]:
    """Everything a spec could have created: schemas, relations, types."""
    return db.execute("""
        SELECT 'schema', nspname FROM pg_namespace
        UNION ALL
        SELECT 'relation', relnamespace::regnamespace::text || '.' || relname FROM pg_class
        WHERE relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
          AND relnamespace::regnamespace::text NOT LIKE 'pg_toast%'
        UNION ALL
        SELECT 'type', typnamespace::regnamespace::text || '.' || typname FROM pg_type
        WHERE typnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
        ORDER BY 1, 2
    """).fetchall()


@pytest.mark.parametrize("name", ["several_problems.yaml", "check_injection.yaml",
                                  "default_injection.yaml", "table_in_unmanaged_schema.yaml"])
def test_plan_and_push_of_a_bad_spec_exit_1_and_leave_the_database_untouched(
        name, db, database_url):
    before = _catalog_snapshot(db)
    path = BAD_SPECS_DIR / name
    for command in (["plan"], ["push", "--yes"]):
        result = CliRunner().invoke(main, [*command, "-s", str(path), "--db", database_url])
        assert result.exit_code == 1, result.output
        assert f"error: {path}:" in result.output
        assert "nothing was changed" in result.output
    assert _catalog_snapshot(db) == before
    assert [name for kind, name in before if kind == "relation"] == []


# ---------------------------------------------- names that look like SQL injection are data

ODD_NAMES_SPEC = """\
version: 1
schemas: [public, "we'ird; schema"]
enums:
  Mood: ["it's", "a $$ b", "semi;colon"]
tables:
  'odd"; DROP TABLE victims; --':
    comment: "it's a $$ trap $$; DROP TABLE victims; --"
    columns:
      'id); DROP TABLE victims; --': {type: uuid, primary_key: true}
      "$$col$$": {type: text, comment: "'; DELETE FROM victims; --"}
      "Mixed Case": {type: Mood, default: "'it''s'"}
    checks:
      "check'; --": 'length("$$col$$") < 10'
    indexes:
      - name: 'idx"; DROP TABLE victims; --'
        columns: ['$$col$$']
  "we'ird; schema.t$1":
    columns:
      id: integer
  victims:
    columns:
      id: integer
"""


def test_names_and_comments_with_quotes_semicolons_and_dollars_are_valid(tmp_path):
    spec = tmp_path / "schema.yaml"
    spec.write_text(ODD_NAMES_SPEC)
    assert api.validate(spec) == []


def test_pushing_odd_names_creates_exactly_those_names(tmp_path, db, database_url):
    spec = tmp_path / "schema.yaml"
    spec.write_text(ODD_NAMES_SPEC)
    api.push(spec, database_url)

    table = 'odd"; DROP TABLE victims; --'
    relations = db.execute("""
        SELECT n.nspname, c.relname, c.relkind::text, obj_description(c.oid, 'pg_class')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('public', 'we''ird; schema') ORDER BY 1, 2
    """).fetchall()
    assert relations == [
        ("public", 'idx"; DROP TABLE victims; --', "i", None),
        ("public", table, "r", "it's a $$ trap $$; DROP TABLE victims; --"),
        ("public", table + "_pkey", "i", None),
        ("public", "victims", "r", None),
        ("we'ird; schema", "t$1", "r", None),
    ]
    columns = db.execute("""
        SELECT a.attname, t.typnamespace::regnamespace::text, t.typname,
               col_description(a.attrelid, a.attnum)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_type t ON t.oid = a.atttypid
        WHERE c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
    """, (table,)).fetchall()
    assert columns == [
        ("id); DROP TABLE victims; --", "pg_catalog", "uuid", None),
        ("$$col$$", "pg_catalog", "text", "'; DELETE FROM victims; --"),
        ("Mixed Case", "public", "Mood", None),
    ]
    constraints = db.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype <> 'n' ORDER BY 1",
        ('public."' + table.replace('"', '""') + '"',),
    ).fetchall()
    assert constraints == [("check'; --",), (table + "_pkey",)]
    labels = db.execute("SELECT enumlabel FROM pg_enum ORDER BY enumsortorder").fetchall()
    assert labels == [("it's",), ("a $$ b",), ("semi;colon",)]
    # and read back, the database matches the spec
    assert api.plan(spec, database_url).is_empty

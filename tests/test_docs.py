"""pgwright docs: golden pages, cascade predictions checked against PostgreSQL, Mermaid that parses.

Golden cases live in ``tests/docs_golden/<case>/{schema.yaml, expected/}``; the example's
pages are ``docs/schema/``. Refresh both after an intended change with
``pytest tests/test_docs.py --update-golden`` and review the diff.

The Mermaid check runs the real parser with node; install it once with
``npm ci --prefix tests/mermaid``. Without node or that install, the test is skipped.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from pgwright import api
from pgwright.analysis import (
    FindingKind,
    Outcome,
    blast_radius,
    outlives_what_it_records,
    tenancy,
    unlinked_reference_columns,
)
from pgwright.model import (
    Catalog,
    Column,
    ForeignKey,
    PrimaryKey,
    ReferentialAction,
    Schema,
    Table,
    UniqueConstraint,
)
from pgwright.render.docs import GENERATED_MARKER, render_docs, stale_files, write_docs
from pgwright.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "docs_golden"
CASES = sorted(path.parent.name for path in GOLDEN.glob("*/schema.yaml"))
EXAMPLE_SPEC = ROOT / "schema.yaml"
EXAMPLE_DOCS = ROOT / "docs" / "schema"
MERMAID = ROOT / "tests" / "mermaid"


def _spec(case: str) -> Path:
    return GOLDEN / case / "schema.yaml"


def _catalog(case: str) -> Catalog:
    return load_spec(_spec(case))


def _check_golden(files: dict[str, str], folder: Path, request) -> None:
    if request.config.getoption("--update-golden"):
        write_docs(files, folder)
    stale = stale_files(files, folder)
    assert stale == [], f"{folder} is stale ({', '.join(stale)}); rerun with --update-golden and review"


# ---------------------------------------------------------------------------------- golden


@pytest.mark.parametrize("case", CASES)
def test_docs_match_golden_files(case, request):
    _check_golden(render_docs(_catalog(case)), GOLDEN / case / "expected", request)


def test_example_docs_in_docs_schema_are_up_to_date(request):
    """docs/schema/ is what `pgwright docs --check` would accept for the example."""
    _check_golden(api.render_spec_docs(EXAMPLE_SPEC), EXAMPLE_DOCS, request)


def test_the_docs_list_the_specs_lint_findings_and_the_overview_links_them():
    files = api.render_spec_docs(EXAMPLE_SPEC)
    findings = api.lint(EXAMPLE_SPEC).findings

    assert "- [Lint findings](lint.md)" in files["README.md"]
    assert f"{len(findings)} finding(s)" in files["lint.md"]
    assert all(f"`{finding.object}`" in files["lint.md"] for finding in findings)


def test_same_spec_gives_byte_identical_docs():
    catalog = load_spec(EXAMPLE_SPEC)
    shuffled = list(catalog.tables)
    random.Random(7).shuffle(shuffled)
    assert render_docs(catalog) == render_docs(catalog) == render_docs(replace(catalog, tables=tuple(shuffled)))


def test_every_page_starts_with_the_generated_marker():
    for text in render_docs(load_spec(EXAMPLE_SPEC)).values():
        assert text.startswith(GENERATED_MARKER)
        assert text.endswith("\n") and not text.endswith("\n\n")


def test_groups_get_a_page_each_and_ungrouped_tables_share_one():
    assert sorted(render_docs(_catalog("tenants"))) == [
        "README.md", "cascades.md", "groups/crm.md", "groups/tenancy.md", "groups/ungrouped.md",
        "missing-foreign-keys.md", "rls.md"]
    assert "tables.md" in render_docs(_catalog("cascade_chains"))


def test_every_link_points_at_an_existing_page_and_heading():
    for catalog in [load_spec(EXAMPLE_SPEC), _catalog("odd_names")]:
        files = render_docs(catalog)
        anchors = {name: _github_anchors(text) for name, text in files.items()}
        for name, text in files.items():
            for target in re.findall(r"\]\(([^)\s]*)\)", text):
                page, _, anchor = target.partition("#")
                resolved = _normalize((Path(name).parent / page).as_posix()) if page else name
                assert resolved in files, f"{name}: link to missing page {target}"
                if anchor:
                    assert anchor in anchors[resolved], f"{name}: link to missing heading {target}"


def _normalize(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _github_anchors(text: str) -> set[str]:
    """The anchors GitHub derives from a page's headings (outside code blocks)."""
    anchors, seen = set(), {}
    in_code = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        if in_code or not line.startswith("#"):
            continue
        heading = line.lstrip("#").strip().lower()
        slug = "".join(ch for ch in heading if ch.isalnum() or ch in " -_").replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def test_table_section_lists_back_references_including_polymorphic_ones():
    page = render_docs(load_spec(EXAMPLE_SPEC))["groups/customers.md"]
    section = page.split("## `customers`")[1]
    referenced_by = section.split("**Referenced by**")[1].split("**")[0]
    assert "`orders_customer_id_fkey` | CASCADE" in referenced_by
    assert "polymorphic when `entity_type` = `customer`, no foreign key" in referenced_by
    assert "polymorphic when `stream_type` = `customer`, no foreign key" in referenced_by


def test_markdown_table_cells_escape_pipes():
    page = render_docs(_catalog("odd_names"))["groups/sales-billing.md"]
    assert "| In `cents` \\| per unit |" in page


# ---------------------------------------------------------------------------- stale files


def test_stale_files_is_empty_for_a_fresh_folder(tmp_path):
    files = render_docs(_catalog("self_reference"))
    write_docs(files, tmp_path)
    assert stale_files(files, tmp_path) == []


def test_stale_files_lists_missing_changed_and_leftover_pages(tmp_path):
    files = render_docs(_catalog("tenants"))
    write_docs(files, tmp_path)
    (tmp_path / "rls.md").unlink()
    (tmp_path / "cascades.md").write_text(files["cascades.md"] + "edited\n")
    (tmp_path / "groups" / "old.md").write_text(GENERATED_MARKER + " from schema.yaml -->\n")
    assert stale_files(files, tmp_path) == ["cascades.md", "groups/old.md", "rls.md"]


def test_stale_files_leaves_hand_written_files_alone(tmp_path):
    files = render_docs(_catalog("tenants"))
    write_docs(files, tmp_path)
    (tmp_path / "spec.md").write_text("# Hand-written\n")
    assert stale_files(files, tmp_path) == []
    assert write_docs(files, tmp_path) == [] and (tmp_path / "spec.md").exists()


def test_write_docs_deletes_pages_no_longer_generated(tmp_path):
    write_docs(render_docs(_catalog("tenants")), tmp_path)
    files = render_docs(_catalog("cascade_chains"))
    changed = write_docs(files, tmp_path)
    assert "groups/crm.md" in changed and not (tmp_path / "groups" / "crm.md").exists()
    assert stale_files(files, tmp_path) == []


def test_stale_files_of_a_missing_folder_is_every_file(tmp_path):
    files = render_docs(_catalog("self_reference"))
    assert stale_files(files, tmp_path / "nowhere") == sorted(files)


# ------------------------------------------------------------------------- cascade analysis


def _effect(radius, table: str, foreign_key: str | None = None):
    found = [e for e in radius.effects if e.table[1] == table
             and (foreign_key is None or e.foreign_key == foreign_key)]
    assert len(found) == 1, (table, foreign_key, radius.effects)
    return found[0]


def _chain(effect) -> str:
    return " -> ".join(name for _, name in effect.chain)


def test_cascade_is_followed_transitively_with_its_chain():
    radius = blast_radius(_catalog("cascade_chains"), ("public", "customers"))
    items = _effect(radius, "order_items")
    assert items.outcome is Outcome.DELETED
    assert _chain(items) == "customers -> orders -> order_items"


def test_restrict_in_the_middle_of_a_chain_blocks_the_delete():
    radius = blast_radius(_catalog("cascade_chains"), ("public", "customers"))
    invoices = _effect(radius, "invoices")
    assert invoices.outcome is Outcome.BLOCKS and invoices.action is ReferentialAction.RESTRICT
    assert _chain(invoices) == "customers -> orders -> invoices"
    assert radius.blocked


def test_check_on_rows_the_cascade_deleted_earlier_may_pass():
    """organizations -> invoices (step 1) and organizations -> orders -> RESTRICT check (step 2)."""
    radius = blast_radius(_catalog("cascade_chains"), ("public", "organizations"))
    invoices = _effect(radius, "invoices", "invoices_order_id_fkey")
    assert invoices.outcome is Outcome.MAY_BLOCK
    assert "step 1" in invoices.reason and "step 2" in invoices.reason


def test_check_before_the_cascade_reaches_its_rows_blocks():
    """The NO ACTION check of task_comments.author_id runs at step 2; the comments go at step 3."""
    radius = blast_radius(_catalog("cascade_chains"), ("public", "organizations"))
    comments = _effect(radius, "task_comments", "task_comments_author_id_fkey")
    assert comments.outcome is Outcome.BLOCKS
    assert "before the cascade deletes rows of task_comments at step 3" in comments.reason


def test_self_reference_cascade_deletes_recursively():
    radius = blast_radius(_catalog("self_reference"), ("public", "categories"))
    categories = _effect(radius, "categories")
    assert categories.outcome is Outcome.DELETED and categories.recursive
    assert ("public", "categories") in radius.deleted_tables


def test_self_reference_restrict_blocks_even_through_a_cascade():
    radius = blast_radius(_catalog("self_reference"), ("public", "categories"))
    accounts = _effect(radius, "accounts", "accounts_parent_id_fkey")
    assert accounts.outcome is Outcome.BLOCKS
    assert _chain(accounts) == "categories -> accounts -> accounts"


def test_self_reference_set_null_rewrites_children():
    radius = blast_radius(_catalog("self_reference"), ("public", "folders"))
    assert [(e.outcome, e.columns) for e in radius.effects] == [(Outcome.SET_NULL, ("parent_id",))]


def _table(name: str, columns, foreign_keys=(), primary_key=("id",), uniques=()) -> Table:
    return Table("public", name, columns=tuple(columns),
                 primary_key=PrimaryKey(f"{name}_pkey", primary_key) if primary_key else None,
                 foreign_keys=tuple(foreign_keys), uniques=tuple(uniques))


def _fk(name, columns, target, target_columns=("id",), on_delete=ReferentialAction.NO_ACTION,
        on_update=ReferentialAction.NO_ACTION) -> ForeignKey:
    return ForeignKey(name, tuple(columns), "public", target, tuple(target_columns),
                      on_delete=on_delete, on_update=on_update)


def test_set_null_on_a_not_null_column_blocks():
    catalog = Catalog(tables=(
        _table("parents", [Column("id", "integer", nullable=False)]),
        _table("children", [Column("id", "integer", nullable=False),
                            Column("parent_id", "integer", nullable=False)],
               [_fk("children_parent_id_fkey", ["parent_id"], "parents",
                    on_delete=ReferentialAction.SET_NULL)]),
    ))
    effect = _effect(blast_radius(catalog, ("public", "parents")), "children")
    assert effect.outcome is Outcome.BLOCKS and "NOT NULL column parent_id" in effect.reason


def test_set_null_of_a_referenced_key_follows_its_on_update_rule():
    """grants(org_id, user_id) SET NULL; audits reference grants(org_id, user_id) ON UPDATE CASCADE."""
    catalog = Catalog(tables=(
        _table("users", [Column("id", "integer", nullable=False)]),
        _table("grants", [Column("id", "integer", nullable=False), Column("org_id", "integer"),
                          Column("user_id", "integer")],
               [_fk("grants_user_fkey", ["user_id"], "users", on_delete=ReferentialAction.SET_NULL)],
               uniques=[UniqueConstraint("grants_org_user_key", ("org_id", "user_id"))]),
        _table("audits", [Column("id", "integer", nullable=False), Column("org_id", "integer"),
                          Column("user_id", "integer")],
               [_fk("audits_grant_fkey", ["org_id", "user_id"], "grants", ("org_id", "user_id"),
                    on_update=ReferentialAction.CASCADE)]),
        _table("reviews", [Column("id", "integer", nullable=False), Column("org_id", "integer"),
                           Column("user_id", "integer", nullable=False)],
               [_fk("reviews_grant_fkey", ["org_id", "user_id"], "grants", ("org_id", "user_id"))]),
    ))
    radius = blast_radius(catalog, ("public", "users"))
    assert _effect(radius, "audits").outcome is Outcome.UPDATED
    assert _chain(_effect(radius, "audits")) == "users -> grants -> audits"
    assert _effect(radius, "reviews").outcome is Outcome.BLOCKS


def test_tenant_root_is_the_table_most_others_reference():
    assert tenancy(load_spec(EXAMPLE_SPEC)).roots == (("public", "organizations"),)
    assert tenancy(_catalog("tenants")).roots == (("public", "organizations"), ("public", "partners"))
    assert tenancy(_catalog("self_reference")).roots == ()


def test_cascades_into_audit_trails_are_flagged():
    radius = blast_radius(load_spec(EXAMPLE_SPEC), ("public", "ai_approvals"))
    [finding] = radius.findings
    assert finding.kind is FindingKind.OUTLIVES and finding.table == ("public", "ai_approval_entities")


def test_which_tables_outlive_what_they_record_can_be_given():
    catalog = load_spec(EXAMPLE_SPEC)
    radius = blast_radius(catalog, ("public", "ai_approvals"), outlives=lambda table: False)
    assert radius.findings == ()
    assert outlives_what_it_records(catalog.table("public", "domain_events"))
    assert not outlives_what_it_records(catalog.table("public", "orders"))


def test_cascades_across_tenant_roots_and_into_shared_rows_are_flagged():
    radius = blast_radius(_catalog("tenants"), ("public", "organizations"))
    kinds = {(f.kind, f.table[1]) for f in radius.findings}
    assert (FindingKind.CROSSES_TENANTS, "partner_customers") in kinds
    assert (FindingKind.SHARED_ROWS, "access_grants") in kinds


def test_delete_triggers_on_cascaded_rows_are_flagged():
    radius = blast_radius(load_spec(EXAMPLE_SPEC), ("public", "organizations"))
    [finding] = [f for f in radius.findings if f.kind is FindingKind.DELETE_TRIGGER]
    assert finding.table == ("public", "domain_events") and "domain_events_append_only" in finding.message


def test_columns_that_look_like_references_are_listed():
    assert [(c.table[1], c.column, c.likely_target) for c in unlinked_reference_columns(_catalog("tenants"))] \
        == [("notes", "customer_id", ("public", "customers"))]
    assert [(c.column, c.likely_target) for c in unlinked_reference_columns(_catalog("cascade_chains"))] \
        == [("request_id", None)]
    assert unlinked_reference_columns(load_spec(EXAMPLE_SPEC)) == ()


def test_lint_findings_replace_the_guess():
    files = render_docs(_catalog("tenants"), unlinked_columns=[])
    assert "Columns from lint" in files["missing-foreign-keys.md"]
    assert "`customer_id`" not in files["missing-foreign-keys.md"].split("look like references")[1]


# --------------------------------------------------------------------------------- mermaid


# Columns named as Mermaid's keywords: only pk, fk and uk are keywords inside a block.
KEYWORD_COLUMNS = Catalog(schemas=(Schema("public"),), tables=(Table(
    "public", "books", columns=tuple(Column(name, "text") for name in (
        "id", "title", "end", "direction", "pk", "fk", "UK")),
    primary_key=PrimaryKey("books_pkey", ("id",))),))


def _mermaid_blocks() -> list[tuple[str, str]]:
    blocks = []
    catalogs = [(spec.parent.name, load_spec(spec))
                for spec in [EXAMPLE_SPEC] + [_spec(case) for case in CASES]]
    for where, catalog in catalogs + [("keyword columns", KEYWORD_COLUMNS)]:
        for name, text in render_docs(catalog).items():
            for diagram in re.findall(r"```mermaid\n(.*?)\n```", text, re.S):
                blocks.append((f"{where}/{name}", diagram))
    return blocks


def test_a_column_named_title_keeps_its_name_in_the_diagram_and_only_pk_fk_uk_change():
    diagram = "\n".join(diagram for where, diagram in _mermaid_blocks()
                        if where.startswith("keyword columns"))
    for kept in ("title", "end", "direction"):
        assert f"    text {kept}\n" in diagram + "\n"
    for changed in ("pk_", "fk_", "UK_"):
        assert f"    text {changed}\n" in diagram + "\n"


# The subset of erDiagram syntax the renderer keeps to, which older Mermaid versions (and
# GitHub's, whatever it is this month) parse too.
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
_STRICT_LINES = [re.compile(pattern) for pattern in (
    r"^erDiagram$",
    rf'^  {_IDENTIFIER}(\["[^"%\\]+"\])?$',
    rf"^  {_IDENTIFIER} \{{$",
    rf"^    {_IDENTIFIER} {_IDENTIFIER}( (PK|FK|UK)(, (PK|FK|UK))*)?$",
    r"^  \}$",
    rf'^  {_IDENTIFIER} (\|\||\|o)(--|\.\.)(o\{{|o\|) {_IDENTIFIER} : "[^"%\\]*"$',
)]


def test_mermaid_blocks_keep_to_conservative_syntax():
    blocks = _mermaid_blocks()
    assert len(blocks) >= 10
    for where, diagram in blocks:
        for line in diagram.splitlines():
            assert any(p.match(line) for p in _STRICT_LINES), f"{where}: {line!r}"


def test_mermaid_blocks_parse_with_the_mermaid_parser():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the Mermaid parser needs it")
    if not (MERMAID / "node_modules" / "mermaid").is_dir():
        pytest.skip("Mermaid is not installed: run `npm ci --prefix tests/mermaid`")
    blocks = _mermaid_blocks()
    # A broken diagram first: proof that the parser does reject what it should.
    diagrams = ["erDiagram\n  a ||--o{ \n"] + [diagram for _, diagram in blocks]
    result = subprocess.run([node, str(MERMAID / "check.mjs")], input=json.dumps(diagrams),
                            capture_output=True, text=True, timeout=120, cwd=MERMAID)
    assert result.returncode == 0, result.stderr
    errors = json.loads(result.stdout)
    assert errors[0] is not None, "the parser accepted a broken diagram"
    failures = [f"{where}: {error}" for (where, _), error in zip(blocks, errors[1:], strict=True) if error]
    assert failures == []


# ------------------------------------------------------------------ against a real database


@dataclass(frozen=True)
class Observed:
    deleted: frozenset[str]  # tables that lost rows (the target table only when it lost more)
    nulled: frozenset[tuple[str, str]]  # (table, column) that became NULL in surviving rows
    error: psycopg.Error | None


def _rows(db, catalog: Catalog) -> dict[str, dict[tuple, dict]]:
    rows = {}
    for table in catalog.tables:
        found = db.execute(sql.SQL("SELECT to_jsonb(t) FROM {} AS t").format(
            sql.Identifier(table.schema, table.name))).fetchall()
        key = table.primary_key.columns
        rows[table.name] = {tuple(row[column] for column in key): row for (row,) in found}
    return rows


def _observe_delete(db, catalog: Catalog, table: str, where: str) -> Observed:
    """Delete in a transaction that is rolled back, and see what changed."""
    before = _rows(db, catalog)
    try:
        with db.transaction(force_rollback=True):
            db.execute(sql.SQL("DELETE FROM {} WHERE ").format(sql.Identifier(table)) + sql.SQL(where))
            db.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would check
            after = _rows(db, catalog)
    except psycopg.Error as error:
        return Observed(frozenset(), frozenset(), error)
    deleted, nulled = set(), set()
    for name, rows in before.items():
        gone = rows.keys() - after[name].keys()
        if gone and (name != table or len(gone) > 1):
            deleted.add(name)
        for key in rows.keys() & after[name].keys():
            for column, value in rows[key].items():
                if value is not None and after[name][key][column] is None:
                    nulled.add((name, column))
    return Observed(frozenset(deleted), frozenset(nulled), None)


def _check_delete(db, catalog: Catalog, table: str, where: str, fails_with: str | None = None):
    """Compare what the analysis predicts for deleting from ``table`` with what PostgreSQL does.

    The data must exercise every foreign key the delete reaches, except the blocking ones
    when the delete is expected to succeed.
    """
    radius = blast_radius(catalog, ("public", table))
    observed = _observe_delete(db, catalog, table, where)
    if fails_with is not None:
        assert observed.error is not None, f"deleting from {table} should fail on {fails_with}"
        assert observed.error.diag.constraint_name == fails_with, observed.error
        [effect] = [e for e in radius.effects if e.foreign_key == fails_with]
        assert effect.outcome is Outcome.BLOCKS, effect
        return radius
    assert observed.error is None, observed.error
    predicted_deleted = {name for _, name in radius.deleted_tables}
    assert observed.deleted == predicted_deleted
    predicted_nulled = {(e.table[1], c) for e in radius.with_outcome(Outcome.SET_NULL) for c in e.columns}
    surely_nulled = {(t, c) for t, c in predicted_nulled if t not in predicted_deleted}
    assert surely_nulled <= observed.nulled <= predicted_nulled
    return radius


CASCADE_CHAINS_DATA = """
INSERT INTO organizations VALUES (1, 'acme'), (2, 'globex'), (3, 'initech');
INSERT INTO customers VALUES (10, 1, 'alice'), (11, 1, 'bob'), (12, 1, 'dave'), (20, 2, 'carol'), (30, 3, 'erin');
INSERT INTO orders VALUES (100, 1, 10), (110, 1, 11), (120, 1, 12), (200, 2, 20), (300, 3, 30);
INSERT INTO order_items VALUES (1200, 120, 1), (1201, 120, 2), (3000, 300, 1);
INSERT INTO invoices VALUES (5110, 1, 110), (5300, 3, 300);
INSERT INTO projects VALUES (10, 1), (30, 3);
INSERT INTO tasks VALUES (100, 10), (300, 30);
INSERT INTO task_comments VALUES (1000, 100, 10), (3000, 300, 20);
INSERT INTO task_reviews VALUES (3000, 300, 30);
INSERT INTO audit_log VALUES (7120, 1, 12, 120, NULL), (7121, 1, 12, NULL, 42), (7300, 3, 30, 300, NULL);
"""


@pytest.fixture
def cascade_chains(database_url, db) -> Catalog:
    api.push(_spec("cascade_chains"), database_url)
    db.execute(CASCADE_CHAINS_DATA)
    return _catalog("cascade_chains")


def test_database_deletes_what_the_chain_predicts(cascade_chains, db):
    """dave: customers -> orders -> order_items and -> audit_log; his other audit row keeps a NULL."""
    _check_delete(db, cascade_chains, "customers", "id = 12")


def test_database_refuses_a_restrict_in_the_middle_of_the_chain(cascade_chains, db):
    """bob: customers -> orders -> invoices RESTRICT; nothing is deleted."""
    _check_delete(db, cascade_chains, "customers", "id = 11", fails_with="invoices_order_id_fkey")


def test_database_passes_a_check_on_rows_the_cascade_deleted_first(cascade_chains, db):
    """initech: its invoices go at step 1, before the RESTRICT check of their orders at step 2;
    its task comment, by globex's carol, goes at step 3 and is checked by nobody; erin's review
    goes at step 3 too, and its deferred check runs at commit."""
    radius = _check_delete(db, cascade_chains, "organizations", "id = 3")
    assert _effect(radius, "invoices", "invoices_order_id_fkey").outcome is Outcome.MAY_BLOCK
    reviews = _effect(radius, "task_reviews", "task_reviews_reviewer_id_fkey")
    assert reviews.outcome is Outcome.MAY_BLOCK and "at commit" in reviews.reason


def test_database_refuses_when_the_check_runs_before_the_cascade_reaches_the_rows(cascade_chains, db):
    """acme: alice's comment would be deleted at step 3 (organizations -> projects -> tasks ->
    task_comments), but the NO ACTION check for deleted customers runs at step 2."""
    _check_delete(db, cascade_chains, "organizations", "id = 1",
                  fails_with="task_comments_author_id_fkey")


def test_database_refuses_a_check_from_another_tenant(cascade_chains, db):
    """globex: carol commented on initech's task, which globex's deletion does not reach."""
    _check_delete(db, cascade_chains, "organizations", "id = 2",
                  fails_with="task_comments_author_id_fkey")


SELF_REFERENCE_DATA = """
INSERT INTO categories VALUES (1, NULL, 'root'), (2, 1, 'child'), (3, 2, 'grandchild'), (4, NULL, 'other'),
                              (5, NULL, 'ledger');
INSERT INTO folders VALUES (1, NULL, 3), (2, 1, NULL), (3, 2, 4);
INSERT INTO accounts VALUES (1, NULL, 2), (2, NULL, 5), (3, 2, 4);
"""


@pytest.fixture
def self_reference(database_url, db) -> Catalog:
    api.push(_spec("self_reference"), database_url)
    db.execute(SELF_REFERENCE_DATA)
    return _catalog("self_reference")


def test_database_deletes_a_whole_subtree_through_a_cascading_self_reference(self_reference, db):
    """categories 1 -> 2 -> 3 go, account 1 (in category 2) goes, folder 1 loses its category."""
    _check_delete(db, self_reference, "categories", "id = 1")


def test_database_turns_children_into_roots_through_a_set_null_self_reference(self_reference, db):
    _check_delete(db, self_reference, "folders", "id = 1")


def test_database_refuses_a_restrict_self_reference_reached_by_a_cascade(self_reference, db):
    """category 5 -> account 2 (cascade), whose sub-account 3 (category 4) stays: RESTRICT."""
    _check_delete(db, self_reference, "categories", "id = 5", fails_with="accounts_parent_id_fkey")


EXAMPLE_DATA = """
INSERT INTO organizations (id, name, slug) VALUES ('00000000-0000-0000-0000-0000000000a1', 'Acme', 'acme');
INSERT INTO customers (id, organization_id, name) VALUES
  ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000a1', 'Alice'),
  ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000a1', 'Bob');
INSERT INTO customer_labels (id, organization_id, name) VALUES
  ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1', 'VIP');
INSERT INTO customer_label_assignments (organization_id, customer_id, label_id) VALUES
  ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000b1');
INSERT INTO conversations (id, organization_id, customer_id, channel) VALUES
  ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1', 'email');
INSERT INTO messages (id, organization_id, conversation_id, direction, body) VALUES
  ('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000d1', 'inbound', 'Two boxes, please');
-- Alice's order, and Bob's order drafted from Alice's conversation (it survives her, with NULLs).
INSERT INTO orders (id, organization_id, customer_id, conversation_id, source_message_id, reference) VALUES
  ('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1',
   '00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000e1', 'A-1'),
  ('00000000-0000-0000-0000-0000000000f2', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c2',
   '00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000e1', 'B-1');
INSERT INTO order_items (organization_id, order_id, description, quantity, unit_price) VALUES
  ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000f1', 'Box', 2, 9.50);
INSERT INTO order_attachments (organization_id, order_id, file_name, content_type, byte_size, storage_path) VALUES
  ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000f1', 'po.pdf', 'application/pdf', 10, 'acme/po.pdf');
INSERT INTO ai_approvals (organization_id, source_message_id, action, action_data) VALUES
  ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000e1', 'create_order', '{}');
INSERT INTO domain_events (organization_id, stream_type, stream_id, stream_version, event_type, payload) VALUES
  ('00000000-0000-0000-0000-0000000000a1', 'customer', '00000000-0000-0000-0000-0000000000c1', 1, 'customer.created', '{}');
"""


@pytest.fixture
def example(database_url, db) -> Catalog:
    api.push(EXAMPLE_SPEC, database_url)
    db.execute(EXAMPLE_DATA)
    return load_spec(EXAMPLE_SPEC)


def test_database_agrees_with_the_example_customer_blast_radius(example, db):
    """customers -> conversations -> messages, -> orders -> order_items / order_attachments,
    -> customer_label_assignments; Bob's order and the approval keep NULLs."""
    _check_delete(db, example, "customers", "name = 'Alice'")


def test_example_delete_trigger_on_the_tenant_cascade_is_flagged_and_lets_the_cascade_through(
        example, db):
    """The docs flag domain_events_append_only on the tenant's cascade, since PostgreSQL runs it
    on the cascaded rows; the example's prevent_mutation() lets deletes made by a cascade
    through (pg_trigger_depth() > 1), so deleting a tenant with events works."""
    radius = blast_radius(example, ("public", "organizations"))
    assert any(f.kind is FindingKind.DELETE_TRIGGER for f in radius.findings)
    observed = _observe_delete(db, example, "organizations", "slug = 'acme'")
    assert observed.error is None, observed.error


def test_outlives_and_tenancy_tags_decide_over_the_guess(tmp_path):
    """Once a spec tags tables with outlives:, the tags decide which cascades are flagged."""
    from pgwright import api

    spec = tmp_path / "schema.yaml"
    spec.write_text("""\
version: 1
tenancy: {root: accounts}
tables:
  accounts:
    columns:
      id: {type: integer, primary_key: true}
  ledger_entries:
    outlives: true
    columns:
      id: {type: integer, primary_key: true}
      account_id: {type: integer, nullable: false, references: accounts.id, on_delete: cascade}
  audit_log:
    outlives: false
    columns:
      id: {type: integer, primary_key: true}
      account_id: {type: integer, nullable: false, references: accounts.id, on_delete: cascade}
""")
    files = api.render_spec_docs(spec)
    cascades = files["cascades.md"]
    assert "ledger_entries" in cascades and "accounts" in files["README.md"]
    flagged = [line for line in cascades.splitlines() if "outlive" in line.lower()]
    assert any("ledger_entries" in line for line in flagged)
    assert not any("audit_log" in line for line in flagged)

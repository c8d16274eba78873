"""The real-world tier: schemas that applications build with their own migrations.

Each application of build_corpus.APPLICATIONS is migrated into a database A. Then:

- ``inspect`` of A gives a spec that validates and plans nothing against A;
- ``push`` of that spec onto an empty database B builds a B that the independent catalog
  snapshot (tests/pgcatalog.py) cannot tell from A, except for what inspect reported and the
  differences listed in EXPECTED_DIFFERENCES, each with its reason;
- ``plan`` against B is empty again, and inspecting B writes the same spec text;
- the migration ``generate`` writes for an empty database runs twice, the second run changing
  nothing.

And for pairs of consecutive states of an application's history (PAIRS): the database is
migrated back one step, rows are loaded, and the latest state's spec is pushed onto it: it
converges to the latest state, every row is kept, and the next plan is empty.

Slow (installs the applications, once, and runs their migrations): marked ``realworld`` and
left out of the default run; ``pytest -m realworld tests/realworld`` runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from pgwright import api
from pgwright.errors import UnsafePlanError
from pgwright.inspect import inspect_database
from tests.pgcatalog import catalog_snapshot
from tests.realworld import build_corpus
from tests.realworld.conftest import database_name
from tests.test_convergence_property import run_script
from tests.test_inspect import without_unsupported

pytestmark = pytest.mark.realworld

APPS = sorted(build_corpus.APPLICATIONS)

# What inspect reports it leaves out of each application's spec, with the reason, and the
# module that would have to change to bring it in. Compared exactly: a fix fails the test
# until its entry goes.
RENAMED_IDENTITY = ("the table was renamed after its identity sequence was made; the spec cannot "
                    "name an identity column's sequence; model.py, spec/ and render/")
MATERIALIZED_VIEW = "views and materialized views are not in the spec format; a new object kind"
EXPECTED_UNSUPPORTED: dict[str, dict[tuple[str, str], str]] = {
    "airflow": {},
    "oscar": {
        ("materialized view", "public.catalogue_product_category_hierarchy"): MATERIALIZED_VIEW,
        ("sequence", "public.customer_communicationeventtype_id_seq: identity sequence of "
                     "communication_communicationeventtype.id under another name"): RENAMED_IDENTITY,
        ("sequence", "public.customer_email_id_seq: identity sequence of communication_email.id "
                     "under another name"): RENAMED_IDENTITY,
        ("sequence", "public.customer_notification_id_seq: identity sequence of "
                     "communication_notification.id under another name"): RENAMED_IDENTITY,
    },
    "prefect": {},
    "pretix": {
        ("index option", "public.pretixbase_device_last_seen: WITH (autosummarize=on)"):
            "index storage parameters are not in the spec format; spec/, model.py, render/",
        ("sequence", "public.pretixbase_eventsetting_id_seq: identity sequence of "
                     "pretixbase_event_settingsstore.id under another name"): RENAMED_IDENTITY,
        ("sequence", "public.pretixbase_organizersetting_id_seq: identity sequence of "
                     "pretixbase_organizer_settingsstore.id under another name"): RENAMED_IDENTITY,
        ("sequence", "public.pretixdroid_checkin_id_seq: identity sequence of "
                     "pretixbase_checkin.id under another name"): RENAMED_IDENTITY,
    },
    "reusable": {},
    "wagtail": {
        ("sequence", "public.wagtailcore_pagerevision_id_seq: identity sequence of "
                     "wagtailcore_revision.id under another name"): RENAMED_IDENTITY,
    },
}

# Differences of the catalog snapshot left once the rows of what inspect reported are taken
# out (tests/test_inspect.py: without_unsupported), as (kind of snapshot row, its key, how it
# differs: "only in source", "only in rebuilt" or "differs") -> reason. None is left today:
# every difference the corpus shows is one inspect reports, listed above with its reason.
EXPECTED_DIFFERENCES: dict[str, dict[tuple[str, tuple, str], str]] = {app: {} for app in APPS}


@dataclass(frozen=True)
class Pair:
    """Two consecutive states of an application's history: the latest, and the state with
    ``app_label`` migrated back to ``migration`` (everything after it unapplied); for Prefect,
    ``migration`` is the Alembic revision to go back to."""

    app: str
    app_label: str | None
    migration: str
    rows: str  # SQL loading rows into the earlier state
    refused: str | None = None  # why pgwright must refuse this step, if it must
    fails: str | None = None  # a known difference: why pgwright cannot take this step yet


# Django adds a NOT NULL column to existing rows with a one-off default that it drops in the
# same migration: the latest state has no default, so the spec has no value to give rows that
# exist. pgwright refuses (rows-need-a-value) rather than invent one; a spec key for a
# backfill value would need spec/ and diff/.
ONE_OFF_DEFAULT = "NOT NULL columns added with a one-off default Django drops at once"
USER_ROW = ("INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined) VALUES ('x', false, 'ada', 'Ada', 'L',"
            " 'a@x', true, true, now())")

PAIRS = [
    Pair("wagtail", "wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more",
         "INSERT INTO auth_group (name) VALUES ('editors'), ('moderators'); " + USER_ROW),
    Pair("oscar", "catalogue", "0031_productcategoryhierarchy",
         "INSERT INTO catalogue_category (path, depth, numchild, name, description, slug,"
         " ancestors_are_public, is_public) VALUES ('0001', 1, 0, 'Books', '', 'books', true, true)",
         refused=ONE_OFF_DEFAULT),
    Pair("oscar", "order", "0020_alter_order_analytics_tracked", USER_ROW),
    Pair("oscar", "offer", "0012_fixedunitdiscountbenefit_alter_benefit_type", USER_ROW),
    Pair("pretix", "pretixapi", "0013_alter_webhookcallretry_retry_not_before",
         "INSERT INTO pretixbase_organizer (name, slug, plugins) VALUES ('Demo', 'demo', '')"),
    # Alembic: two revisions before the head, as the last one changes data, not schema
    Pair("prefect", None, "d4a7e1c93f52",
         "INSERT INTO flow (name, tags) VALUES ('etl', '[\"nightly\"]')"),
    Pair("reusable", "axes", "0009_add_session_hash",
         "INSERT INTO axes_accessattempt (user_agent, ip_address, username, http_accept,"
         " path_info, attempt_time, get_data, post_data, failures_since_start) VALUES"
         " ('ua', '127.0.0.1', 'ada', '*/*', '/login', now(), '', '', 3)"),
    Pair("reusable", "oauth2_provider", "0021_translatable_field_labels", USER_ROW),
    # drops a column (django_content_type.name) and the indexes that depended on it
    Pair("reusable", "contenttypes", "0001_initial", USER_ROW),
    # replaces two indexes by four
    Pair("reusable", "guardian", "0002_generic_permissions_index", USER_ROW),
    # a unique constraint dropped
    Pair("reusable", "mfa", "0002_authenticator_timestamps", USER_ROW),
    Pair("reusable", "socialaccount", "0005_socialtoken_nullable_app",
         USER_ROW + "; INSERT INTO socialaccount_socialaccount (provider, uid, last_login,"
         " date_joined, extra_data, user_id) SELECT 'github', '1', now(), now(),"
         " '{\"login\": \"ada\"}', id FROM auth_user WHERE username = 'ada'"),
]


# ----------------------------------------------------------------------------- helpers


def inspect_url(url: str):
    with psycopg.connect(url) as connection:
        return inspect_database(connection)


def snapshot(url: str) -> dict[str, list[tuple]]:
    with psycopg.connect(url) as connection:
        return catalog_snapshot(connection)


# The row's key: what names it. Columns are keyed by name and compared by their position
# among the live columns, not attnum: a column an application's history dropped leaves a
# gap in attnum that no rebuilt table has.
_KEY_WIDTH = {"schemas": 1, "extensions": 1, "types": 2, "tables": 2, "columns": 3,
              "constraints": 3, "indexes": 3, "policies": 3, "rls": 2, "functions": 3,
              "triggers": 3}


def _comparable(snapshot: dict[str, list[tuple]]) -> dict[str, dict[tuple, tuple]]:
    rows: dict[str, dict[tuple, tuple]] = {}
    for kind, kind_rows in snapshot.items():
        if kind == "columns":
            by_table: dict[tuple, list[tuple]] = {}
            for row in kind_rows:
                by_table.setdefault(row[:2], []).append(row)
            kind_rows = [(*row[:2], row[3], position, *row[4:])
                         for table_rows in by_table.values()
                         for position, row in enumerate(sorted(table_rows, key=lambda r: r[2]))]
        rows[kind] = {row[:_KEY_WIDTH[kind]]: row for row in kind_rows}
    return rows


def snapshot_differences(source: dict, rebuilt: dict) -> dict[tuple[str, tuple, str], tuple]:
    """(kind, key, how) -> the rows, for every row the two snapshots do not share."""
    source, rebuilt = _comparable(source), _comparable(rebuilt)
    found = {}
    for kind in source:
        for key in source[kind].keys() | rebuilt[kind].keys():
            left, right = source[kind].get(key), rebuilt[kind].get(key)
            if left == right:
                continue
            how = "only in rebuilt" if left is None else "only in source" if right is None \
                else "differs"
            found[(kind, key, how)] = (left, right)
    return found


def assert_same_schema(source_url: str, rebuilt_url: str, inspected,
                       expected: dict[tuple[str, tuple, str], str]) -> None:
    differences = snapshot_differences(
        without_unsupported(snapshot(source_url), inspected.unsupported),
        without_unsupported(snapshot(rebuilt_url), inspected.unsupported))
    unexpected = {key: rows for key, rows in differences.items() if key not in expected}
    assert not unexpected, "\n".join(f"{key}: {rows}" for key, rows in sorted(
        unexpected.items(), key=repr))
    assert set(differences) == set(expected), "an expected difference is gone"


@pytest.fixture(scope="session")
def inspected_schema(application_schema):
    """The inspect result of an application's schema; inspected once per session."""
    results = {}

    def inspected(app: str):
        if app not in results:
            results[app] = inspect_url(application_schema(app))
        return results[app]

    return inspected


@pytest.fixture
def adopted(request, application_schema, inspected_schema, tmp_path):
    """(application, source URL, inspect result, spec path) of the parameter's application."""
    app = request.param
    inspected = inspected_schema(app)
    spec = tmp_path / "schema.yaml"
    spec.write_text(inspected.yaml_text)
    return app, application_schema(app), inspected, spec


parametrize_apps = pytest.mark.parametrize("adopted", APPS, indirect=True, ids=APPS)


# ------------------------------------------------------------------------------- tests


def test_the_corpus_has_at_least_250_tables(application_schema):
    counts = {}
    for app in APPS:
        with psycopg.connect(application_schema(app)) as connection:
            counts[app] = connection.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT LIKE 'pg\\_%' "
                "AND n.nspname <> 'information_schema'").fetchone()[0]
    print(f"real-world corpus: {counts}, {sum(counts.values())} tables")
    assert sum(counts.values()) >= 250, counts


@parametrize_apps
def test_inspect_reports_only_the_known_left_out_objects(adopted):
    app, _, inspected, spec = adopted
    assert {tuple(u) for u in inspected.unsupported} == set(EXPECTED_UNSUPPORTED[app])
    assert [p for p in api.validate(spec) if p.severity == "error"] == []


@parametrize_apps
def test_inspected_spec_plans_nothing_against_its_source(adopted):
    _, source, _, spec = adopted
    plan = api.plan(spec, source)
    assert plan.is_empty, plan.sql()


@parametrize_apps
def test_push_onto_an_empty_database_rebuilds_the_source(adopted, make_database):
    app, source, inspected, spec = adopted
    rebuilt = make_database()
    api.push(spec, rebuilt)
    assert_same_schema(source, rebuilt, inspected, EXPECTED_DIFFERENCES[app])
    plan = api.plan(spec, rebuilt)
    assert plan.is_empty, plan.sql()
    # what inspect reported is left out of the rebuilt database, so it is reported no more
    again = inspect_url(rebuilt)
    assert again.yaml_text == inspected.yaml_text
    assert {tuple(u) for u in again.unsupported} <= set(EXPECTED_UNSUPPORTED[app])


@parametrize_apps
def test_generated_migration_runs_twice(adopted, make_database, tmp_path):
    _, _, _, spec = adopted
    empty = make_database()
    migration, _ = api.generate(spec, empty, tmp_path / "migrations", "adopt")
    script = migration.sql_path.read_text(encoding="utf-8")
    with psycopg.connect(empty, autocommit=True) as connection:
        run_script(connection, script)
        once = catalog_snapshot(connection)
        run_script(connection, script)
        assert catalog_snapshot(connection) == once
    plan = api.plan(spec, empty)
    assert plan.is_empty, plan.sql()


def _table_rows(connection) -> dict[tuple[str, str], tuple[list[str], list[tuple]]]:
    """Every table's columns and rows (as text, sorted), to tell that rows were kept."""
    found = {}
    tables = connection.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname NOT LIKE 'pg\\_%' "
        "AND n.nspname NOT IN ('information_schema', 'pgwright')").fetchall()
    for schema, table in tables:
        columns = [name for (name,) in connection.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = format('%%I.%%I', %s::text, "
            "%s::text)::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            (schema, table)).fetchall()]
        rows = connection.execute(
            f'SELECT {", ".join(f"{quote(c)}::text" for c in columns)} '
            f"FROM {quote(schema)}.{quote(table)}").fetchall()
        found[(schema, table)] = (columns, sorted(rows, key=repr))
    return found


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _kept(before, after) -> list[str]:
    """What of ``before``'s rows ``after`` lost: a table, or a row of the columns both have."""
    lost = []
    for key, (columns, rows) in before.items():
        if key not in after:
            lost.append(f"table {key} is gone")
            continue
        later_columns, later_rows = after[key]
        shared = [c for c in columns if c in later_columns]
        project = lambda row, names: tuple(row[names.index(c)] for c in shared)  # noqa: E731
        if sorted(project(r, columns) for r in rows) != \
                sorted(project(r, later_columns) for r in later_rows):
            lost.append(f"rows of {key} changed")
    return lost


@pytest.mark.parametrize("pair", [
    pytest.param(pair, id=f"{pair.app}-{pair.app_label or 'alembic'}-{pair.migration[:4]}",
                 marks=[pytest.mark.xfail(reason=pair.fails, strict=True)] if pair.fails else [])
    for pair in PAIRS])
def test_latest_spec_pushed_onto_the_earlier_state_converges_and_keeps_rows(
        pair, application_schema, inspected_schema, make_database, tmp_path):
    source = application_schema(pair.app)
    inspected = inspected_schema(pair.app)
    spec = tmp_path / "schema.yaml"
    spec.write_text(inspected.yaml_text)

    earlier = make_database(template=database_name(source))
    build_corpus.migrate(pair.app, earlier, *filter(None, [pair.app_label, pair.migration]))
    with psycopg.connect(earlier, autocommit=True) as connection:
        connection.execute(pair.rows)
        before = _table_rows(connection)
    assert not api.plan(spec, earlier).is_empty, "the earlier state is the latest one"

    if pair.refused:
        with pytest.raises(UnsafePlanError, match="existing row"):
            api.push(spec, earlier)
        with psycopg.connect(earlier) as connection:
            assert _table_rows(connection) == before, "a refused push changed something"
        return
    # Steps that drop an index, a constraint or a column are destructive: allowed here, as a
    # person adopting the new version would; the rows of the columns kept must stay.
    api.push(spec, earlier, allow_destructive=True)

    # The earlier state keeps what the application's history made (a sequence's old name):
    # only what the step changed is rebuilt from the spec.
    assert_same_schema(source, earlier, inspected, {})
    with psycopg.connect(earlier) as connection:
        assert _kept(before, _table_rows(connection)) == []
    plan = api.plan(spec, earlier)
    assert plan.is_empty, plan.sql()

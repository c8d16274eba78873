"""The library twin of every CLI verb. Everything pgwright does is callable from here.

Arguments come in one order: the spec (for the verbs that read one), the database URL, the
migrations folder. A URL of None means the project's, as on the command line: $DATABASE_URL,
else the embedded server kept in ``.pgwright/`` beside the project.

>>> from pgwright import api
>>> plan = api.plan("schema.yaml", database_url="postgresql://localhost/app")  # doctest: +SKIP
>>> print(plan.sql())  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pgwright.connect import connect, redact
from pgwright.embedded import resolve_database_url
from pgwright.errors import (
    MigrationError,
    PgwrightError,
    PlanError,
    Problem,
    UnsafePlanError,
)
from pgwright.runner import (
    DEFAULT_LOCK_POLICY,
    TRY_LOCK_SQL,
    UNLOCK_SQL,
    LockPolicy,
    holding_migration_lock,
    run_statements,
)
from pgwright.spec import load_valid_spec

if TYPE_CHECKING:
    from pgwright.apply import Migration
    from pgwright.planning import Plan

# The pipeline's modules are imported by the verbs that use them, so that a command pays
# only for its own (inspect needs neither planning nor Alembic).


@dataclass(frozen=True)
class Project:
    """Where a pgwright project keeps its files, and which database it talks to.

    Defaults need no flags: ./schema.yaml, ./migrations, ./docs, and DATABASE_URL or the
    embedded PostgreSQL kept under ./.pgwright.
    """

    spec_path: Path = Path("schema.yaml")
    migrations_dir: Path = Path("migrations")
    docs_dir: Path = Path("docs/schema")
    database_url: str | None = None
    root: Path = Path(".")

    def url(self) -> str:
        return resolve_database_url(self.database_url, self.root)


def _project_url(database_url: str | None, migrations_dir: Path | str) -> str:
    """The URL given, else the project's (DATABASE_URL, else the embedded server kept beside
    the migrations folder's project)."""
    return resolve_database_url(database_url, Path(migrations_dir).resolve().parent)


def validate(spec_path: Path | str) -> list[Problem]:
    """Validate a spec without a database. Returns warnings; raises SpecError on errors."""
    return load_valid_spec(spec_path)[1]


def plan(spec_path: Path | str, database_url: str | None = None) -> Plan:
    """What it would take to bring the database to the spec. Changes nothing.

    ``database_url`` None means the project's: $DATABASE_URL, else the embedded server
    kept beside the spec.
    """
    from pgwright.planning import plan_against

    document, _ = load_valid_spec(spec_path)
    with connect(resolve_database_url(database_url, Path(spec_path).parent)) as connection:
        return plan_against(connection, document)


def execute_plan(connection, plan: Plan, on_statement: Callable[[int, int], None] | None = None,
                 lock_policy: LockPolicy = DEFAULT_LOCK_POLICY) -> None:
    """Run a plan's statements in order: transactional ones together, others on their own."""
    run_statements(connection, plan.statements, lock_policy, on_statement)


def orphans(spec_path: Path | str, database_url: str | None = None) -> list:
    """Every orphan check of the spec (foreign keys and polymorphic references), with counts.

    Returns one :class:`pgwright.checks.Finding` per check, clean ones included (count 0).
    """
    from pgwright.checks import checks_for_spec
    from pgwright.introspect.catalog import catalog_snapshot, read_catalog, read_user_types
    from pgwright.introspect.violations import run_all_checks
    from pgwright.planning import build_spec_catalog
    from pgwright.spec.reading import managed_schemas

    document, _ = load_valid_spec(spec_path)
    with connect(resolve_database_url(database_url, Path(spec_path).parent)) as connection:
        schemas = managed_schemas(document.data)
        with catalog_snapshot(connection):
            live = read_catalog(connection, schemas)
            spec = build_spec_catalog(document, read_user_types(connection, schemas))
        return run_all_checks(connection, checks_for_spec(spec, live))


def refuse_findings(plan: Plan) -> None:
    """UnsafePlanError when existing rows would violate what the plan adds."""
    blocking = plan.blocking_findings
    if blocking:
        total = sum(f.count for f in blocking)
        raise UnsafePlanError(f"{total} existing row(s) would violate {len(blocking)} "
                              "constraint(s) the plan adds; nothing was applied",
                              findings=blocking)


def refuse_destructive(operations) -> None:
    """UnsafePlanError listing the destructive operations, if there are any."""
    from pgwright.render.plan import describe

    destructive = [o for o in operations if o.destructive]
    if destructive:
        listed = "\n".join(f"  - {describe(o)}" for o in destructive)
        raise UnsafePlanError(f"the plan has {len(destructive)} destructive step(s); nothing was "
                              f"applied (pass --allow-destructive to apply them):\n{listed}")


def push(spec_path: Path | str, database_url: str | None = None,
         on_statement: Callable[[int, int], None] | None = None,
         allow_destructive: bool = False, lock_policy: LockPolicy = DEFAULT_LOCK_POLICY,
         review: Callable[[Plan], bool] | None = None) -> Plan:
    """Plan and execute directly, no migration file: for development databases and tests.

    Refuses (UnsafePlanError) a plan with destructive steps unless ``allow_destructive``.
    The plan is made once the lock is held, and what runs is that plan: ``review``, when
    given, sees it first (a CLI shows it and asks), and nothing runs when it returns False.
    """
    from pgwright.planning import plan_against

    document, _ = load_valid_spec(spec_path)
    database_url = resolve_database_url(database_url, Path(spec_path).parent)
    with connect(database_url) as connection, holding_migration_lock(
            lambda: connection.execute(TRY_LOCK_SQL).fetchone()[0],
            # a closed session holds no lock: the server released it
            lambda: connection.closed or connection.execute(UNLOCK_SQL)):
        # Planned once the lock is held: a push that waited sees what the other one did.
        the_plan = plan_against(connection, document)
        refuse_findings(the_plan)
        if not allow_destructive:
            refuse_destructive(the_plan.operations)
        if not the_plan.is_empty and (review is None or review(the_plan)):
            done = [0]  # statements that ran: the next one is the one that failed

            def count(finished: int, total: int) -> None:
                done[0] = finished
                if on_statement:
                    on_statement(finished, total)

            try:
                execute_plan(connection, the_plan, count, lock_policy)
            except PgwrightError:
                raise
            except Exception as error:
                raise PlanError(_push_failure(connection, the_plan, done[0], error,
                                              document)) from error
        return the_plan


def _statement_owners(the_plan: Plan, count: int) -> list:
    """The operation each of ``count`` statements of the plan comes from (None for the
    settings it starts with); [] when they do not line up (a statement read back as several)."""
    from pgwright.render.sql import render_operation

    owners: list = []
    for operation in the_plan.operations:
        owners += [operation] * len(render_operation(operation))
    if len(owners) > count:
        return []
    return [None] * (count - len(owners)) + owners


def _push_failure(connection, the_plan: Plan, failed: int, error: Exception, document) -> str:
    """What failed, where it comes from in the spec when one expression is to blame, and
    that the failing transaction was rolled back."""
    from pgwright.planning import locate_rejected_expressions
    from pgwright.spec.reading import managed_schemas

    statements = the_plan.statements
    owners = _statement_owners(the_plan, len(statements))
    cause = str(error).strip()
    if failed >= len(statements) or not owners:
        return f"push failed; the failing transaction was rolled back: {cause}"
    first_line = statements[failed].sql.strip().splitlines()[0][:100]
    table = _table_of(the_plan, owners[failed])
    located = [] if table is None or connection.closed else locate_rejected_expressions(
        connection, managed_schemas(document.data), table)
    return (f"push failed at statement {failed + 1} of {len(statements)} ({first_line}): "
            f"{cause}\n" + "".join(f"  {where}\n" for where in located)
            + "The failing transaction was rolled back.")


def check(spec_path: Path | str, database_url: str | None = None) -> Plan:
    """The drift between database and spec, as a plan; empty when they match.

    Pending migrations are not taken into account: :func:`status` says whether running
    them would close the gap.
    """
    return plan(spec_path, database_url)


@dataclass(frozen=True)
class Status:
    """Where a database stands against the migrations on disk and the spec.

    ``state`` is ``current`` (nothing pending, nothing to change), ``pending`` (the pending
    migrations bring it to the spec: run apply) or ``drift`` (even after them, it differs
    from the spec; ``plan`` says how).
    """

    applied: tuple[Migration, ...]
    pending: tuple[Migration, ...]
    plan: Plan  # against the database as it will be once the pending migrations have run

    @property
    def state(self) -> str:
        if not self.plan.is_empty:
            return "drift"
        return "pending" if self.pending else "current"


def status(spec_path: Path | str, database_url: str | None = None,
           migrations_dir: Path | str = "migrations") -> Status:
    """The applied and pending migrations, and whether the database matches the spec once
    the pending ones have run (they are replayed in a transaction that is rolled back).

    >>> api.status("schema.yaml").state  # doctest: +SKIP
    'pending'
    """
    from pgwright.apply import check_migrations_dir, list_migrations, pending_migrations
    from pgwright.planning import plan_against

    migrations_dir = Path(migrations_dir)
    check_migrations_dir(migrations_dir, must_exist=False)
    document, _ = load_valid_spec(spec_path)
    with connect(resolve_database_url(database_url, Path(spec_path).parent)) as connection:
        # Without migrations on disk (a push-only project) there is nothing to be pending,
        # whatever revision the database records.
        pending_ones = pending_migrations(connection, migrations_dir) \
            if list_migrations(migrations_dir) else []
        with connection.transaction(force_rollback=True):
            for migration in pending_ones:
                replay_migration(connection, migration)
            the_plan = plan_against(connection, document)
    on_disk = list_migrations(migrations_dir)
    applied = on_disk[:len(on_disk) - len(pending_ones)]
    return Status(tuple(applied), tuple(pending_ones), the_plan)


def generate(spec_path: Path | str, database_url: str | None = None,
             migrations_dir: Path | str = "migrations", message: str = "migration",
             lock_policy: LockPolicy = DEFAULT_LOCK_POLICY, replace: bool = False,
             docs_dir: Path | str | None = None, baseline: bool = False,
             dev_database_url: str | None = None) -> tuple[Migration | None, Plan]:
    """Write the next migration bringing the database (once migrated) to the spec.

    The diff is taken against the database as it will be once the migrations already on
    disk have run: pending ones are replayed inside a transaction that is rolled back, so a
    migration is never written twice. The new migration then runs in that same transaction,
    after them: a migration the server would refuse (a misspelt column in a check, a policy
    calling an undeclared function) is never written, and the PlanError names the statement,
    its line in the would-be file, and the spec line of the rejected expression. Writes
    nothing when there is nothing to change.

    ``replace`` rewrites the latest migration not yet applied to this database, under its
    number, instead of writing a new one after it: the way out when a generated migration
    failed at apply and the spec was fixed. ``docs_dir``, when given, is refreshed as the
    CLI does.

    ``baseline`` adopts a database that already matches the spec (after ``inspect``): the
    first migration builds the whole spec from nothing, planned against a scratch database
    made and dropped on the same server, and is recorded as applied on this database
    without running there, as Alembic's ``stamp`` does. A fresh environment's ``apply``
    then builds the schema.

    ``dev_database_url`` plans and proves the migration on a dev database instead, as
    Atlas's dev database and Prisma's shadow database do: a scratch database made (and
    dropped) on that server, where every migration on disk is replayed; the target is never
    contacted. ``replace`` then rewrites the latest migration on disk.

    >>> api.generate("schema.yaml", message="add invoices")  # doctest: +SKIP
    (Migration(revision='0004', slug='add_invoices', ...), Plan(...))
    """
    from pgwright.apply import (
        check_migrations_dir,
        list_migrations,
        next_revision,
        pending_migrations,
        remove_migration,
        write_migration,
    )

    migrations_dir = Path(migrations_dir)
    check_migrations_dir(migrations_dir, must_exist=False)
    document, _ = load_valid_spec(spec_path)
    if baseline:
        if dev_database_url is not None:
            raise MigrationError("a baseline is recorded on the target database: it does not "
                                 "go with a dev database")
        url = resolve_database_url(database_url, Path(spec_path).parent)
        return _generate_baseline(spec_path, url, migrations_dir, message, document, lock_policy)

    def replay_plan_and_prove(connection, pending, replaced):
        revision = replaced.revision if replaced else next_revision(migrations_dir)
        title = f"pgwright migration {revision}: {message}"
        with connection.transaction(force_rollback=True):
            for migration in pending:
                replay_migration(connection, migration)
            return _plan_and_prove(connection, document, spec_path, title, lock_policy)

    def split_replaced(pending, where: str):
        if not replace:
            return None, pending
        if not pending:
            raise MigrationError(f"nothing to replace: {where}; run generate without "
                                 "--replace to write a new one")
        return pending[-1], pending[:-1]

    if dev_database_url is not None:
        replaced, replayed = split_replaced(list_migrations(migrations_dir),
                                            f"{migrations_dir} has no migration")
        with _scratch_database(dev_database_url, "dev") as scratch_url, \
                connect(scratch_url) as connection:
            the_plan, script = replay_plan_and_prove(connection, replayed, replaced)
    else:
        url = resolve_database_url(database_url, Path(spec_path).parent)
        with connect(url) as connection:
            replaced, pending = split_replaced(
                pending_migrations(connection, migrations_dir),
                f"every migration in {migrations_dir} has been applied to this database")
            the_plan, script = replay_plan_and_prove(connection, pending, replaced)
    if replaced is not None:
        remove_migration(replaced)
    migration = None
    if script is not None:
        migration = write_migration(migrations_dir, message, script,
                                    revision=replaced.revision if replaced else None)
    if docs_dir is not None:
        docs(spec_path, docs_dir)
    return migration, the_plan


def _plan_and_prove(connection, document, spec_path, title: str,
                    lock_policy: LockPolicy) -> tuple[Plan, str | None]:
    """The plan on ``connection`` and, when it changes something, the migration script,
    proven there (see prove_migration) inside the caller's transaction."""
    from pgwright.planning import plan_against
    from pgwright.render.plan import migration_header
    from pgwright.render.sql import Statement, render_script

    the_plan = plan_against(connection, document)
    if the_plan.is_empty:
        return the_plan, None
    header = migration_header(title, the_plan.operations, Path(spec_path).name)
    # Never queue behind a long transaction while holding locks others wait for.
    script = render_script([Statement(lock_policy.set_sql()), *the_plan.statements], header)
    prove_migration(connection, the_plan, script, document)
    return the_plan, script


@contextmanager
def _scratch_database(url: str, purpose: str) -> Iterator[str]:
    """The URL of a new, empty database on ``url``'s server, dropped afterwards whatever
    happens: where a baseline or a dev-database migration is planned."""
    import secrets

    from pgwright.connect import with_database
    from pgwright.names import quote_ident

    scratch = f"pgwright_{purpose}_{secrets.token_hex(6)}"
    with connect(url) as admin:
        try:
            admin.execute(f"CREATE DATABASE {quote_ident(scratch)}")
        except Exception as error:  # the driver's error: no CREATEDB, a server gone
            raise PlanError(f"the {purpose} migration is planned on a scratch database, which "
                            f"could not be created on {redact(url)}: {str(error).strip()}"
                            ) from error
        try:
            yield with_database(url, scratch)
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {quote_ident(scratch)} WITH (FORCE)")


def _generate_baseline(spec_path, url: str, migrations_dir: Path, message: str, document,
                       lock_policy: LockPolicy) -> tuple[Migration, Plan]:

    from pgwright.apply import list_migrations, stamp_revision, write_migration
    from pgwright.planning import plan_against

    if list_migrations(migrations_dir):
        raise MigrationError(f"{migrations_dir} already has migrations: a baseline is the "
                             "first one; generate without --baseline")
    with connect(url) as connection:
        drift = plan_against(connection, document)
        if not drift.is_empty:
            raise PlanError(f"the database does not match the spec ({len(drift.operations)} "
                            "change(s), see `pgwright plan`): a baseline records what the "
                            "database already has. Run `pgwright inspect -o schema.yaml` "
                            "first, or push the spec")
    with _scratch_database(url, "baseline") as scratch_url, connect(scratch_url) as connection:
        with connection.transaction(force_rollback=True):
            the_plan, script = _plan_and_prove(
                connection, document, spec_path,
                f"pgwright migration 0001: {message} (baseline)", lock_policy)
    migration = write_migration(migrations_dir, message, script)
    with connect(url) as connection:
        stamp_revision(connection, migration.revision)
    return migration, the_plan


# SQLSTATE 55P04: an enum value added in this transaction cannot be used before it commits.
# The migration runs that statement on its own (it is marked to run outside a transaction),
# so a proof inside one transaction cannot go past it.
UNSAFE_NEW_ENUM_VALUE_USAGE = "55P04"


def prove_migration(connection, the_plan: Plan, script: str, document) -> None:
    """Run the migration ``script`` (made from ``the_plan``) in the caller's transaction,
    each statement in a savepoint, exactly as it will be written; PlanError, saying where
    and why, at the first statement the server refuses. The caller rolls it all back."""
    from pgwright.planning import locate_rejected_expressions
    from pgwright.spec.reading import managed_schemas
    from pgwright.sqlscript import read_script

    statements = read_script(script)
    # Which operation each statement of the script comes from, to locate it in the spec:
    # the script's first statements (its lock_timeout, a setting) belong to none.
    owners = _statement_owners(the_plan, len(statements)) or [None] * len(statements)
    for number, (statement, owner) in enumerate(zip(statements, owners, strict=True), 1):
        sql = statement.sql if statement.transactional else \
            statement.sql.replace(" CONCURRENTLY ", " ")
        try:
            with connection.transaction():
                connection.execute(sql)
        except Exception as error:
            if getattr(error, "sqlstate", None) == UNSAFE_NEW_ENUM_VALUE_USAGE:
                return
            first_line = statement.code.splitlines()[0]
            cause = str(error).strip().splitlines()[0]
            table = _table_of(the_plan, owner)
            located = [] if table is None else locate_rejected_expressions(
                connection, managed_schemas(document.data), table)
            raise PlanError(
                f"the new migration would fail at statement {number} of {len(statements)} "
                f"(line {statement.line}: {first_line[:100]}): {cause}\n"
                + "".join(f"  {where}\n" for where in located)
                + "Nothing was written: fix the spec and run generate again.") from error


def _table_of(the_plan: Plan, operation):
    """The spec table an operation changes or creates, if it is about one."""
    if operation is None:
        return None
    table = getattr(operation, "table", None)
    if table is not None and not isinstance(table, str):
        return table
    schema = getattr(operation, "schema", None)
    if isinstance(table, str) and schema is not None:
        return the_plan.spec.tables_by_key().get((schema, table))
    return None


def replay_migration(connection, migration: Migration) -> None:
    """Run a migration's SQL in the caller's transaction, to see the schema it leads to.

    Statements marked to run outside a transaction (CREATE INDEX CONCURRENTLY) are replayed
    in their plain form, which leaves the same catalog behind.
    """
    from pgwright.sqlscript import read_script

    for statement in read_script(migration.sql_path.read_text(encoding="utf-8")):
        sql = statement.sql if statement.transactional else statement.sql.replace(" CONCURRENTLY ", " ")
        try:
            connection.execute(sql)
        except Exception as error:
            raise MigrationError(
                f"pending migration {migration.sql_path} does not replay (line "
                f"{statement.line}): {str(error).strip()}\nIf it failed at apply and the spec "
                "has been fixed since, run `pgwright generate --replace -m ...`: it writes the "
                "latest migration not yet applied again from the spec.") from error


def renumber(database_url: str | None, migrations_dir: Path | str = "migrations",
             move: str | None = None) -> list[tuple[Migration, Migration]]:
    """Give migrations that share a revision number (two branches each generated one) new
    numbers after the last one, keeping the one this database applied: see
    :func:`pgwright.apply.renumber_migrations`. Returns (old, new) pairs."""
    from pgwright.apply import check_migrations_dir, read_current_revision, renumber_migrations

    migrations_dir = Path(migrations_dir)
    check_migrations_dir(migrations_dir)
    with connect(resolve_database_url(database_url, migrations_dir.parent)) as connection:
        current = read_current_revision(connection)
    # History is linear: the database has applied every revision up to its current one.
    return renumber_migrations(migrations_dir, applied_up_to=current, move=move)


def inspect(database_url: str, schemas: list[str] | None = None):
    """The spec that reproduces a live database (:class:`pgwright.inspect.InspectResult`):
    its YAML text, and the objects the spec format cannot express."""
    from pgwright.inspect import inspect_database

    with connect(database_url) as connection:
        return inspect_database(connection, schemas or None)


def render_spec_docs(spec_path: Path | str) -> dict[str, str]:
    """The schema docs of a spec, as ``{relative file name: Markdown}``. No database needed."""
    from pgwright.analysis import outlives_what_it_records
    from pgwright.lint import lint_catalog
    from pgwright.lint.sources import load_spec_for_lint
    from pgwright.render.docs import render_docs

    catalog, lint_config = load_spec_for_lint(spec_path)
    tagged = any(table.outlives is not None for table in catalog.tables)

    def outlives(table) -> bool:
        # once a spec tags any table with outlives:, the tags decide; until then, a guess
        return bool(table.outlives) if tagged else outlives_what_it_records(table)

    return render_docs(catalog, Path(spec_path).name, tenant_roots=catalog.tenant_roots or None,
                       outlives=outlives, lint_report=lint_catalog(catalog, lint_config),
                       kind_tables=kind_docs(catalog))


def kind_docs(catalog) -> list:
    """The parts of the docs' overview that the kinds give for ``catalog`` (the kinds that
    own a spec key: sequences, views...), in registry order."""
    from pgwright.kinds import KINDS

    parts = (kind.document(catalog) for kind in KINDS if kind.document is not None)
    return [part for part in parts if part is not None]


def docs(spec_path: Path | str, docs_dir: Path | str, check: bool = False) -> list[str]:
    """Write the schema docs into ``docs_dir``; returns the files written (or, with
    ``check``, the files that are stale, writing nothing). Output is deterministic."""
    from pgwright.render.docs import stale_files, write_docs

    files = render_spec_docs(spec_path)
    if check:
        return stale_files(files, docs_dir)
    return write_docs(files, docs_dir)


def pending(database_url: str | None = None,
            migrations_dir: Path | str = "migrations") -> list[Migration]:
    """The migrations on disk the database has not applied yet, in order."""
    from pgwright.apply import check_migrations_dir, pending_migrations

    check_migrations_dir(Path(migrations_dir))
    with connect(_project_url(database_url, migrations_dir)) as connection:
        return pending_migrations(connection, Path(migrations_dir))


def apply(database_url: str | None = None, migrations_dir: Path | str = "migrations",
          on_migration: Callable[[Migration], None] | None = None,
          allow_destructive: bool = False,
          lock_policy: LockPolicy = DEFAULT_LOCK_POLICY,
          on_statement: Callable[[int, int], None] | None = None) -> list[Migration]:
    """Run pending migrations in order, each in one transaction, under an advisory lock.
    ``on_statement(done, total)`` follows the statements of the migration running.

    Refuses (UnsafePlanError, nothing applied) when a pending migration has destructive
    steps, unless ``allow_destructive``.
    """
    from pgwright.apply import apply_migrations, check_migrations_dir

    check_migrations_dir(Path(migrations_dir))
    if not allow_destructive:
        from pgwright.apply import destructive_migrations

        flagged = destructive_migrations(pending(database_url, migrations_dir))
        if flagged:
            names = ", ".join(m.name for m in flagged)
            raise UnsafePlanError(f"pending migration(s) {names} have destructive steps (marked "
                                  "-- DESTRUCTIVE in the file); nothing was applied (pass "
                                  "--allow-destructive to apply them)")
    # A migration stopped by its preflight raises PreflightRefused, an UnsafePlanError.
    return apply_migrations(_project_url(database_url, migrations_dir), Path(migrations_dir),
                            on_migration, lock_policy, on_statement)


def pending_sql(database_url: str | None = None, migrations_dir: Path | str = "migrations") -> str:
    """The SQL `apply` would run, for review (apply --sql)."""
    parts = []
    for migration in pending(database_url, migrations_dir):
        parts.append(f"-- ==== {migration.name} ====\n")
        parts.append(migration.sql_path.read_text(encoding="utf-8"))
    return "\n".join(parts)


def spec_reference() -> str:
    """The spec format's reference, docs/spec.md, as the installed package ships it."""
    from importlib import resources

    return resources.files("pgwright.spec").joinpath("reference.md").read_text(encoding="utf-8")


STARTER_SPEC = """\
# pgwright spec: the single source of truth for this database's schema.
# Every key is documented in docs/spec.md of pgwright: `pgwright reference` prints it.
version: 1
schemas: [public]

tables:
  organizations:
    comment: Tenant root; every tenant table references it.
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      name: {type: text, nullable: false}
      created_at: {type: timestamptz, nullable: false, default: now()}

  customers:
    comment: A customer of one organization.
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      organization_id: {type: uuid, nullable: false, references: organizations.id, on_delete: cascade}
      email: {type: text, nullable: false}
      created_at: {type: timestamptz, nullable: false, default: now()}
    unique:
      - [organization_id, email]
    indexes:
      - columns: [organization_id]
"""


def init(directory: Path | str = ".") -> list[Path]:
    """A starter schema.yaml and migrations/ in ``directory``; existing files are kept."""
    from pgwright.apply import ensure_migrations_dir

    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise PgwrightError(f"{directory} is a file: give init a folder for the project")
    before = set(directory.rglob("*")) if directory.exists() else set()
    directory.mkdir(parents=True, exist_ok=True)
    spec = directory / "schema.yaml"
    if not spec.exists():
        spec.write_text(STARTER_SPEC)
    ensure_migrations_dir(directory / "migrations")
    return sorted(set(directory.rglob("*")) - before)


# ------------------------------------------------------------------------------------ lint


def lint(spec_path: Path | str | None = "schema.yaml", database_url: str | None = None, *,
         disabled: tuple[str, ...] | list[str] = (), schemas: list[str] | None = None):
    """The multi-tenant integrity and RLS audit, as a :class:`pgwright.lint.LintReport`.

    - ``lint("schema.yaml")``: the spec alone, no database (CI on every pull request);
    - ``lint("schema.yaml", url)``: the live database, read into the same model, with what
      only the spec knows (tenant root, polymorphic references, ``outlives:``, lint config),
      and its data: rows whose references point nowhere;
    - ``lint(None, url)``: any existing database, no spec (the adoption audit).

    >>> report = lint("schema.yaml")  # doctest: +SKIP
    >>> [(f.rule, f.object) for f in report.findings]  # doctest: +SKIP
    [('TEN002', 'public.orders.orders_customer_id_fkey')]
    """
    from pgwright.lint import LintConfig, lint_catalog
    from pgwright.lint.sources import load_spec_for_lint, read_live, with_spec_facts

    if spec_path is None and database_url is None:
        raise PgwrightError("lint needs a spec, a database URL, or both")
    spec, config = load_spec_for_lint(spec_path) if spec_path is not None else (None, LintConfig())
    if database_url is None:
        return lint_catalog(spec, config, disabled=frozenset(disabled))
    if schemas is None and spec is not None:
        schemas = list(spec.schema_names)
    with connect(database_url) as connection:
        live, bypass_roles, orphans = read_live(connection, schemas, spec)
    catalog = with_spec_facts(live, spec) if spec is not None else live
    return lint_catalog(catalog, config, disabled=frozenset(disabled), bypass_roles=bypass_roles,
                        orphans=orphans)

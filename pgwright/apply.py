"""Migrations on disk and running them: Alembic as a library.

A migration is a pair of files in ``migrations/versions/``: ``0003_add_orders.sql`` holds the
SQL (plain, reviewable, runnable by ``psql -1 -f``) and ``0003_add_orders.py`` is the Alembic
revision that runs it. History lives in Alembic's version table, in a schema of its own
(``pgwright``) so that it never shows up as drift in the schemas the spec manages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from pgwright.connect import plain_url, redact, sqlalchemy_url
from pgwright.errors import MigrationError, PreflightRefused, RevisionConflictError
from pgwright.runner import (
    DEFAULT_LOCK_POLICY,
    SET_LOCK_TIMEOUT,
    TRY_LOCK_SQL,
    UNLOCK_SQL,
    LockPolicy,
    holding_migration_lock,
    run_chunk,
    transaction_chunks,
)
from pgwright.sqlscript import ScriptStatement, read_script

VERSION_SCHEMA = "pgwright"
VERSION_TABLE = "alembic_version"

_MIGRATION_FILE = re.compile(r"^(?P<revision>\d{4,})_(?P<slug>[a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    revision: str
    slug: str
    sql_path: Path

    @property
    def name(self) -> str:
        return self.sql_path.stem


def versions_dir(migrations_dir: Path) -> Path:
    return Path(migrations_dir) / "versions"


def check_migrations_dir(migrations_dir: Path, must_exist: bool = True) -> None:
    """MigrationError, saying what to do, when ``migrations_dir`` cannot be a migrations
    folder: missing (when ``must_exist``), a file, or holding a ``versions`` file."""
    migrations_dir = Path(migrations_dir)
    if not migrations_dir.exists():
        if must_exist:
            raise MigrationError(f"no migrations folder at {migrations_dir}: run `pgwright "
                                 "generate` to write the first migration (or `pgwright init`), "
                                 "or point --migrations at the project's folder")
        return
    for path in (migrations_dir, versions_dir(migrations_dir)):
        if path.exists() and not path.is_dir():
            raise MigrationError(f"{path} is not a folder: point --migrations at the "
                                 "project's migrations folder")


def list_migrations(migrations_dir: Path) -> list[Migration]:
    """The migrations on disk, in revision order.

    MigrationError when two share a revision number, as when two branches each generated
    one: the message names both files and the way out (``pgwright renumber``).
    """
    folder = versions_dir(migrations_dir)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _MIGRATION_FILE.match(path.name)
        if match:
            found.append(Migration(match.group("revision"), match.group("slug"), path))
    by_revision: dict[str, list[Migration]] = {}
    for migration in found:
        by_revision.setdefault(migration.revision, []).append(migration)
    shared = [group for group in by_revision.values() if len(group) > 1]
    if shared:
        names = "; ".join(" and ".join(m.sql_path.name for m in group) for group in shared)
        raise RevisionConflictError(
            f"two migrations share a revision number in {folder}: {names} (two branches "
            "each generated one). Run `pgwright renumber` to move the one this database has "
            "not applied after the others, then `pgwright generate --replace` if it no "
            "longer fits.", tuple(group for group in shared))
    return found


def sqlalchemy_engine(url: str):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(sqlalchemy_url(plain_url(url)), poolclass=NullPool)


def read_current_revision(connection) -> str | None:
    """The revision the database is at (psycopg connection), or None if never migrated."""
    exists = connection.execute(
        "SELECT to_regclass(%s) IS NOT NULL", (f"{VERSION_SCHEMA}.{VERSION_TABLE}",)
    ).fetchone()[0]
    if not exists:
        return None
    row = connection.execute(f"SELECT version_num FROM {VERSION_SCHEMA}.{VERSION_TABLE}").fetchone()
    return row[0] if row else None


def stamp_revision(connection, revision: str) -> None:
    """Record ``revision`` as the database's current one without running anything (a
    baseline), in the version table Alembic itself creates and reads."""
    with connection.transaction():
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {VERSION_SCHEMA}")
        connection.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_SCHEMA}.{VERSION_TABLE} "
                           "(version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc "
                           "PRIMARY KEY (version_num))")
        connection.execute(f"DELETE FROM {VERSION_SCHEMA}.{VERSION_TABLE}")
        connection.execute(f"INSERT INTO {VERSION_SCHEMA}.{VERSION_TABLE} VALUES (%s)",
                           (revision,))


def destructive_migrations(migrations: list[Migration]) -> list[Migration]:
    """The migrations whose SQL pgwright marked as destructive when it generated them."""
    return [m for m in migrations
            if any(statement.destructive
                   for statement in read_script(m.sql_path.read_text(encoding="utf-8")))]


def pending_migrations(connection, migrations_dir: Path) -> list[Migration]:
    migrations = list_migrations(migrations_dir)
    current = read_current_revision(connection)
    if current is None:
        return migrations
    revisions = [m.revision for m in migrations]
    if current not in revisions:
        raise MigrationError(f"the database is at revision {current}, which is not in "
                             f"{versions_dir(migrations_dir)}")
    return migrations[revisions.index(current) + 1:]


def alembic_config(migrations_dir: Path):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(migrations_dir).resolve()))
    return config


def configure_environment(context, connection=None, url: str | None = None) -> None:
    """The body of migrations/env.py: run Alembic with pgwright's settings.

    ``alembic upgrade head`` reaches this through env.py; ``pgwright apply`` through
    :func:`apply_migrations` with its own locked connection.
    """
    connection = connection or context.config.attributes.get("connection")
    if context.is_offline_mode():
        context.configure(url=url or "postgresql://", literal_binds=True,
                          version_table_schema=VERSION_SCHEMA, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    if connection is not None:
        _run_on(context, connection)
        return
    import os

    url = url or context.get_x_argument(as_dictionary=True).get("url") \
        or os.environ.get("DATABASE_URL") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise MigrationError("no database: set DATABASE_URL or pass -x url=...")
    with sqlalchemy_engine(url).connect() as connection, migration_lock(connection):
        _run_on(context, connection)


def _run_on(context, connection, on_version_apply=None) -> None:
    from sqlalchemy import text

    connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {VERSION_SCHEMA}"))
    connection.commit()
    context.configure(connection=connection, version_table_schema=VERSION_SCHEMA,
                      transaction_per_migration=True,
                      on_version_apply=[on_version_apply] if on_version_apply else [])
    with context.begin_transaction():
        context.run_migrations()


@contextmanager
def migration_lock(connection) -> Iterator[None]:
    """Hold the lock every apply and push takes, on a SQLAlchemy connection, while the
    block runs. Taken before any migration runs, so that Alembic reads the applied
    revisions once it is held: a second run finds what the first one did."""
    from sqlalchemy import text

    def try_lock() -> bool:
        got = connection.execute(text(TRY_LOCK_SQL)).scalar()
        connection.commit()  # no transaction, so no snapshot, between two tries
        return bool(got)

    def unlock() -> None:
        connection.rollback()
        connection.execute(text(UNLOCK_SQL))
        connection.commit()

    with holding_migration_lock(try_lock, unlock):
        yield


@dataclass
class MigrationProgress:
    """How far the running migration got, for the message when it fails. Written by
    :func:`run_migration_sql` as it goes; a statement that runs outside a transaction
    commits every statement before it."""

    statements: tuple[ScriptStatement, ...] = ()
    finished: int = 0   # statements that ran
    committed: int = 0  # of those, how many are committed for good
    on_statement: Callable[[int, int], None] | None = None  # (finished, statements)

    def where(self) -> str:
        if not self.statements:
            return "before its first statement"
        if self.finished >= len(self.statements):
            return f"after its last statement ({len(self.statements)})"
        failing = self.statements[self.finished]
        first_line = failing.code.splitlines()[0]
        first_line = first_line if len(first_line) <= 80 else first_line[:77] + "..."
        return (f"at statement {self.finished + 1} of {len(self.statements)} "
                f"(line {failing.line}: {first_line})")


# Where apply_migrations leaves its lock policy and progress record for run_migration_sql
# (Alembic's Config.attributes is its documented channel from the caller to the scripts).
LOCK_POLICY_ATTRIBUTE = "pgwright.lock_policy"
PROGRESS_ATTRIBUTE = "pgwright.progress"


def run_migration_sql(revision_file: str) -> None:
    """Called by each revision's upgrade(): run the .sql file beside it.

    Consecutive transactional statements run as one chunk inside the migration's
    transaction, from a savepoint taken at the chunk's start: a lock timeout rolls the
    chunk back to it, which releases every lock the chunk took, then waits and tries again
    (runner.run_chunk). A statement marked to run outside a transaction commits what came
    before it, as psql in autocommit would.
    """
    from alembic import op

    sql_path = Path(revision_file).with_suffix(".sql")
    bind = op.get_bind()
    context = op.get_context()
    environment = getattr(context, "environment_context", None)
    attributes = environment.config.attributes if environment is not None and environment.config else {}
    policy = attributes.get(LOCK_POLICY_ATTRIBUTE, DEFAULT_LOCK_POLICY)
    progress = attributes.get(PROGRESS_ATTRIBUTE) or MigrationProgress()
    text = sql_path.read_text(encoding="utf-8")
    statements = tuple(read_script(text))
    progress.statements, progress.finished, progress.committed = statements, 0, 0

    # Straight to the driver, with no parameters: a '%' in a function body or a comment is
    # never taken for a placeholder.
    driver = bind.connection.dbapi_connection
    # The file's own SET lock_timeout (written by generate, reviewed with it) is the timeout
    # its statements run under; the policy sets it only for files without one.
    written = SET_LOCK_TIMEOUT.search(text)
    if written:
        policy = replace(policy, timeout=written.group(1))
    else:
        driver.execute(policy.set_sql())
    for start, chunk in transaction_chunks(statements, lambda statement: statement.transactional):
        def finished(offset: int, start: int = start) -> None:
            progress.finished = start + offset + 1
            if progress.on_statement:
                progress.on_statement(progress.finished, len(statements))

        sqls = [statement.sql for statement in chunk]
        if chunk[0].transactional:
            run_chunk(driver, sqls, policy, bind.begin_nested, finished)
        else:
            with context.autocommit_block():
                progress.committed = start
                run_chunk(driver, sqls, policy, None, finished)
                progress.committed = start + 1


def _stopped_by_preflight(error: Exception) -> bool:
    """Whether the server error is a migration's preflight guard refusing (render/checks.py):
    told by the error's SQLSTATE and primary message, never by a caller's text."""
    from pgwright.render.checks import PREFLIGHT_PREFIX, PREFLIGHT_SQLSTATE

    driver_error = getattr(error, "orig", None) or error
    diagnostic = getattr(driver_error, "diag", None)
    return getattr(driver_error, "sqlstate", None) == PREFLIGHT_SQLSTATE \
        and (getattr(diagnostic, "message_primary", None) or "").startswith(PREFLIGHT_PREFIX)


def _failure_message(migration: Migration, progress: MigrationProgress, error: Exception) -> str:
    cause = redact(str(getattr(error, "orig", None) or error)).strip()
    where = f"{migration.name} failed {progress.where()}: {cause}"
    if not progress.committed:
        return f"{where}\nIt was rolled back: the database is as it was before {migration.name}."
    return (f"{where}\nIts first {progress.committed} statement(s) had committed (a statement "
            "that runs outside a transaction commits what precedes it); the rest was rolled "
            f"back, and {migration.name} is still pending. Fix the cause and run `pgwright "
            "apply` again: it resumes by running the migration again from its start, and a "
            "generated migration skips what already ran.")


def apply_migrations(url: str, migrations_dir: Path,
                     on_migration: Callable[[Migration], None] | None = None,
                     lock_policy: LockPolicy = DEFAULT_LOCK_POLICY,
                     on_statement: Callable[[int, int], None] | None = None) -> list[Migration]:
    """Run every pending migration, each in its own transaction, under an advisory lock.

    Two concurrent calls never interleave: the second waits for the lock, then finds
    nothing left to do.
    """
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory

    config = alembic_config(migrations_dir)
    config.attributes[LOCK_POLICY_ATTRIBUTE] = lock_policy
    script = ScriptDirectory.from_config(config)
    applied: list[Migration] = []
    by_revision = {m.revision: m for m in list_migrations(migrations_dir)}
    running: list[Migration] = []

    def upgrade(revision, context):
        steps = script._upgrade_revs("head", revision)
        running.extend(by_revision[s.revision.revision] for s in steps
                       if s.revision.revision in by_revision)
        if running and on_migration:
            on_migration(running[0])
        return steps

    def after_each(ctx, step, heads, run_args) -> None:
        applied.append(by_revision[step.up_revision_id])
        if on_migration and len(applied) < len(running):
            on_migration(running[len(applied)])

    progress = MigrationProgress(on_statement=on_statement)
    config.attributes[PROGRESS_ATTRIBUTE] = progress
    engine = sqlalchemy_engine(url)
    try:
        with engine.connect() as connection, migration_lock(connection):
            with EnvironmentContext(config, script, fn=upgrade, destination_rev="head") as env:
                _run_on(env, connection, on_version_apply=after_each)
    except Exception as error:  # the driver's error, with the failing statement
        if len(running) <= len(applied):
            raise
        message = _failure_message(running[len(applied)], progress, error)
        if _stopped_by_preflight(error):
            raise PreflightRefused(message) from error
        raise MigrationError(message) from error
    finally:
        engine.dispose()
    return applied


REVISION_TEMPLATE = '''"""{message}

Generated by pgwright. The SQL lives in {sql_name}, next to this file.
"""

from pgwright.apply import run_migration_sql

revision = "{revision}"
down_revision = {down_revision}
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_migration_sql(__file__)


def downgrade() -> None:
    raise NotImplementedError("pgwright migrations move forward: change schema.yaml and generate")
'''

ENV_TEMPLATE = '''"""Alembic environment for pgwright migrations: `alembic upgrade head` runs them too."""

from alembic import context

from pgwright.apply import configure_environment

configure_environment(context)
'''

ALEMBIC_INI_TEMPLATE = """# Lets plain Alembic run pgwright's migrations:
#   DATABASE_URL=... alembic upgrade head
[alembic]
script_location = {script_location}

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic

[formatter_generic]
format = %(levelname)s [%(name)s] %(message)s
"""


def ensure_migrations_dir(migrations_dir: Path) -> None:
    """Create migrations/ with its Alembic environment if it is not there yet."""
    migrations_dir = Path(migrations_dir)
    versions_dir(migrations_dir).mkdir(parents=True, exist_ok=True)
    env = migrations_dir / "env.py"
    if not env.exists():
        env.write_text(ENV_TEMPLATE)
    ini = migrations_dir.parent / "alembic.ini"
    if not ini.exists():
        ini.write_text(ALEMBIC_INI_TEMPLATE.format(script_location=migrations_dir.name))


def slugify(message: str) -> str:
    """A file-name slug of a migration's message: ASCII letters and digits, accents
    transliterated (``ünï`` gives ``uni``), other scripts kept as their words' order."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", message).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return slug[:48].rstrip("_") or "migration"


def next_revision(migrations_dir: Path) -> str:
    """The revision number the next migration gets: one past the latest on disk."""
    existing = list_migrations(migrations_dir)
    return f"{int(existing[-1].revision) + 1 if existing else 1:04d}"


def write_migration(migrations_dir: Path, message: str, sql: str,
                    revision: str | None = None) -> Migration:
    """Write the next migration pair (or the one numbered ``revision``) and return it."""
    ensure_migrations_dir(migrations_dir)
    existing = [m for m in list_migrations(migrations_dir)
                if revision is None or int(m.revision) < int(revision)]
    revision = revision or next_revision(migrations_dir)
    slug = slugify(message)
    folder = versions_dir(migrations_dir)
    sql_path = folder / f"{revision}_{slug}.sql"
    sql_path.write_text(sql, encoding="utf-8")
    _write_revision_file(sql_path, message, revision,
                         existing[-1].revision if existing else None)
    return Migration(revision, slug, sql_path)


def _write_revision_file(sql_path: Path, message: str, revision: str,
                         down_revision: str | None) -> None:
    first_line = message.splitlines()[0] if message.strip() else sql_path.stem
    sql_path.with_suffix(".py").write_text(REVISION_TEMPLATE.format(
        message=first_line.replace('"""', "'''"), sql_name=sql_path.name, revision=revision,
        down_revision=repr(down_revision) if down_revision else "None"))


def remove_migration(migration: Migration) -> None:
    """Delete a migration's pair of files (generate --replace, before writing its successor)."""
    migration.sql_path.unlink(missing_ok=True)
    migration.sql_path.with_suffix(".py").unlink(missing_ok=True)


def renumber_migrations(migrations_dir: Path, applied_up_to: str | None,
                        move: str | None = None) -> list[tuple[Migration, Migration]]:
    """Resolve revision numbers shared by two branches, as a rebase would: of each group
    sharing a number, all but one move after the last migration, and every revision file's
    ``down_revision`` is written again to chain them. Returns (old, new) pairs.

    The one that stays is the first by name, unless ``move`` names (by file name or stem)
    the one to move. The version table records revision numbers, not names, so when the
    database has applied a shared number it cannot tell which file ran: MigrationError
    then, unless ``move`` says.
    """
    folder = versions_dir(migrations_dir)
    found = sorted((Migration(m.group("revision"), m.group("slug"), path)
                    for path in folder.glob("*.sql") if (m := _MIGRATION_FILE.match(path.name))),
                   key=lambda m: (int(m.revision), m.sql_path.name))
    groups: dict[str, list[Migration]] = {}
    for migration in found:
        groups.setdefault(migration.revision, []).append(migration)
    moving: list[Migration] = []
    for revision, group in groups.items():
        if len(group) < 2:
            continue
        chosen = [m for m in group if move in (m.name, m.sql_path.name)]
        if chosen:
            moving += chosen
            continue
        if applied_up_to is not None and int(revision) <= int(applied_up_to):
            raise MigrationError(
                f"the database has applied revision {revision}, which "
                + " and ".join(m.sql_path.name for m in group) + " share, and records only "
                "the number: pass --move with the file it has not run")
        moving += group[1:]
    if move is not None and not any(move in (m.name, m.sql_path.name) for m in moving):
        raise MigrationError(f"--move {move}: no migration of that name shares its revision "
                             f"number in {folder}")
    if not moving:
        return []
    messages = {m.sql_path: _revision_message(m) or m.slug for m in found}
    order = [m for m in found if m not in moving]
    number = max((int(m.revision) for m in order), default=0)
    renamed = []
    for migration in moving:
        number += 1
        revision = f"{number:04d}"
        new_path = folder / f"{revision}_{migration.slug}.sql"
        text = migration.sql_path.read_text(encoding="utf-8")
        text = re.sub(rf"^-- pgwright migration {migration.revision}:",
                      f"-- pgwright migration {revision}:", text, count=1, flags=re.MULTILINE)
        new_path.write_text(text, encoding="utf-8")
        remove_migration(migration)
        moved = Migration(revision, migration.slug, new_path)
        messages[new_path] = messages[migration.sql_path]
        renamed.append((migration, moved))
        order.append(moved)
    previous = None
    for migration in order:
        _write_revision_file(migration.sql_path, messages[migration.sql_path],
                             migration.revision, previous)
        previous = migration.revision
    return renamed


def _revision_message(migration: Migration) -> str | None:
    """The first line of a generated revision file's docstring: the migration's message."""
    path = migration.sql_path.with_suffix(".py")
    if not path.exists():
        return None
    match = re.match(r'"""(.*)', path.read_text(encoding="utf-8"))
    return match.group(1) if match else None

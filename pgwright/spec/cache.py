"""A cache of validated specs, keyed by content, so an unchanged spec is parsed only once.

Parsing and validating a large spec is most of what ``plan`` spends in Python (a 1 MB
spec of 1,000 tables: about a second, against a few hundredths to read the cached result).
The model built from a validated spec is cached beside it (``derived_key``).
The key is a hash of the spec's bytes *and* of the source of the code that parses and
validates it, so an edited spec, an upgraded pgwright or a changed validator misses. Only
specs without errors are stored: a spec with errors is always checked afresh, so its
messages are never stale.

The cache lives in ``$PGWRIGHT_CACHE_DIR``, else ``$XDG_CACHE_HOME/pgwright``, else
``~/.cache/pgwright``; ``PGWRIGHT_CACHE_DIR=`` (empty) turns it off. Entries are written
atomically; an unreadable or corrupt entry is a miss, never an error, and the oldest entries
beyond the last few are removed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import cache
from pathlib import Path

import pgwright

KEEP_ENTRIES = 16
_SUFFIX = ".spec.pickle"
# The modules whose code decides what a spec parses and validates to, and the model built
# from it: everything spec/ imports from the package (a test keeps the two in step).
_SOURCES = ("errors.py", "gcpause.py", "names.py", "normalize.py", "sqlscript.py", "model.py",
            "spec/__init__.py", "spec/document.py", "spec/load.py", "spec/shape.py",
            "spec/shape.yaml", "spec/entries.py", "spec/reading.py", "spec/context.py",
            "spec/sql_types.py", "spec/expressions.py", "spec/relations.py", "spec/security.py",
            "spec/validate.py", "spec/to_model.py", "spec/cache.py", "spec/sections.py",
            "ops.py", "checks.py")
# Folders hashed whole: the kinds, since those that own a spec key read it (spec/sections.py),
# what the kinds' modules import to render their operations, and the introspection a
# kind's module may use (the domain kind prints its checks on stand-ins).
_SOURCE_FOLDERS = ("kinds", "render", "introspect")


def cache_dir() -> Path | None:
    """Where entries live, or None when caching is turned off."""
    configured = os.environ.get("PGWRIGHT_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pgwright"


@cache
def _code_fingerprint() -> bytes:
    package = Path(pgwright.__file__).parent
    digest = hashlib.sha256(f"{sys.version_info[:2]}|{pickle.HIGHEST_PROTOCOL}".encode())
    names = list(_SOURCES)
    for folder in _SOURCE_FOLDERS:
        names += sorted(path.relative_to(package).as_posix()
                        for path in (package / folder).glob("*.py"))
    for name in names:
        try:
            digest.update((package / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.digest()


def cache_key(file: str, spec_bytes: bytes) -> str:
    """The entry name for this spec text at this path (problems name the file)."""
    digest = hashlib.sha256(_code_fingerprint())
    digest.update(file.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(spec_bytes)
    return digest.hexdigest()


def derived_key(digest: str, *parts: object) -> str:
    """The entry name of something computed from a validated spec (whose key is ``digest``)
    and ``parts`` alone, such as its model for a given set of database types."""
    return hashlib.sha256(f"{digest}|{parts!r}".encode()).hexdigest()


def read_entry(key: str) -> object | None:
    directory = cache_dir()
    if directory is None:
        return None
    path = directory / (key + _SUFFIX)
    try:
        with open(path, "rb") as handle:
            value = pickle.load(handle)
        os.utime(path)  # recently used entries outlive pruning
        return value
    except Exception:  # missing, unreadable, truncated or from an incompatible pickle: a miss
        return None


def touch_entry(key: str) -> None:
    """Mark an entry as recently used, so it is pruned no sooner than its companion."""
    directory = cache_dir()
    if directory is not None:
        try:
            os.utime(directory / (key + _SUFFIX))
        except OSError:
            pass


def write_entry(key: str, value: object) -> None:
    directory = cache_dir()
    if directory is None:
        return
    temporary = None
    try:
        # Entries are pickles, trusted like the bytecode in __pycache__: only the user may write.
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, suffix=".tmp", delete=False) as handle:
            temporary = Path(handle.name)
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, directory / (key + _SUFFIX))
        temporary = None
        _prune(directory)
    except Exception:  # a read-only home, a full disk: the cache costs speed, never a failure
        return
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def _prune(directory: Path) -> None:
    entries = sorted(directory.glob("*" + _SUFFIX), key=_modified, reverse=True)
    for stale in entries[KEEP_ENTRIES:]:
        stale.unlink(missing_ok=True)


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0

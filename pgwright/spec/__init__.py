"""The spec stage: load schema.yaml (keeping line numbers), validate it, turn it into a model."""

from __future__ import annotations

from pathlib import Path

from pgwright.errors import Problem, SpecError
from pgwright.spec.load import SpecDocument, decode_spec, load_spec_document, read_spec_bytes
from pgwright.spec.to_model import spec_to_catalog
from pgwright.spec.validate import validate_spec

__all__ = ["SpecDocument", "load_spec_document", "load_valid_spec", "spec_to_catalog",
           "validate_spec", "load_spec"]


def load_valid_spec(path: str | Path) -> tuple[SpecDocument, list[Problem]]:
    """The parsed spec and its warnings; SpecError listing every problem if it has errors.

    An unchanged spec comes from the cache of validated specs (:mod:`pgwright.spec.cache`)
    instead of being parsed and validated again.
    """
    from pgwright.spec import cache

    spec_bytes = read_spec_bytes(path)
    key = cache.cache_key(str(path), spec_bytes)
    cached = cache.read_entry(key)
    if cached is not None:
        return cached
    document = decode_spec(spec_bytes, str(path))
    problems = validate_spec(document)
    if any(p.severity == "error" for p in problems):
        raise SpecError(problems)
    cache.write_entry(key, (document, problems))
    return document, problems


def load_spec(path):
    """Load, validate and convert a spec file; raises SpecError listing every problem.

    >>> catalog = load_spec("schema.yaml")  # doctest: +SKIP
    """
    return spec_to_catalog(load_valid_spec(path)[0])

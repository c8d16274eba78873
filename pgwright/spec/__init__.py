"""The spec stage: load schema.yaml (keeping line numbers), validate it, turn it into a model.

The stages live in submodules (document, load, validate, to_model, cache); this package only
imports them when needed, so that a plan whose spec comes from the cache of validated specs
loads neither the YAML parser nor the validator.
"""

from __future__ import annotations

from pathlib import Path

from pgwright.errors import Problem, SpecError
from pgwright.gcpause import without_collector
from pgwright.spec.document import SpecDocument, read_spec_bytes

__all__ = ["SpecDocument", "load_valid_spec", "load_spec"]


@without_collector
def load_valid_spec(path: str | Path) -> tuple[SpecDocument, list[Problem]]:
    """The parsed spec and its warnings; SpecError listing every problem if it has errors.

    An unchanged spec comes from the cache of validated specs (:mod:`pgwright.spec.cache`)
    instead of being parsed and validated again.
    """
    from dataclasses import replace

    from pgwright.spec import cache

    spec_bytes = read_spec_bytes(path)
    key = cache.cache_key(str(path), spec_bytes)
    cached = cache.read_entry(key)
    if cached is not None:
        cache.touch_entry(cache.derived_key(key, "lines"))  # pruned together
        return cached
    from pgwright.spec.load import decode_spec
    from pgwright.spec.validate import validate_spec

    document = replace(decode_spec(spec_bytes, str(path)), digest=key)
    problems = validate_spec(document)
    if any(p.severity == "error" for p in problems):
        raise SpecError(problems)
    # Line numbers are kept apart: most of the entry's size, and needed only to build the
    # model (its objects' origins), which is itself cached.
    cache.write_entry(cache.derived_key(key, "lines"), document.lines)
    cache.write_entry(key, (replace(document, lines={}), problems))
    return document, problems


def with_lines(document: SpecDocument) -> SpecDocument:
    """``document`` with its line numbers, which a document read from the cache has left
    behind; without them (an entry lost) origins just name the key path."""
    if document.lines or document.digest is None:
        return document
    from dataclasses import replace

    from pgwright.spec import cache

    lines = cache.read_entry(cache.derived_key(document.digest, "lines"))
    return replace(document, lines=lines) if isinstance(lines, dict) else document


def load_spec(path: str | Path):
    """Load, validate and convert a spec file; raises SpecError listing every problem.

    >>> catalog = load_spec("schema.yaml")  # doctest: +SKIP
    """
    from pgwright.spec.to_model import spec_to_catalog

    return spec_to_catalog(load_valid_spec(path)[0])

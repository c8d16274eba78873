"""The spec stage: load schema.yaml (keeping line numbers), validate it, turn it into a model."""

from pgwright.spec.load import SpecDocument, load_spec_document
from pgwright.spec.to_model import spec_to_catalog
from pgwright.spec.validate import validate_spec

__all__ = ["SpecDocument", "load_spec_document", "spec_to_catalog", "validate_spec", "load_spec"]


def load_spec(path):
    """Load, validate and convert a spec file; raises SpecError listing every problem.

    >>> catalog = load_spec("schema.yaml")  # doctest: +SKIP
    """
    from pgwright.errors import SpecError

    document = load_spec_document(path)
    problems = validate_spec(document)
    if any(p.severity == "error" for p in problems):
        raise SpecError(problems)
    return spec_to_catalog(document)

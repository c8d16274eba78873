"""The top-level keys of the spec that kinds own (kinds/registry.py's SpecSection): each
kind's reader is run twice over its key, by the same code. Validation runs it with a
:class:`SectionReader` that reports problems; building the model runs it again, on a spec
known to be valid, for the objects."""

from __future__ import annotations

from collections.abc import Callable

from pgwright.errors import Problem, SpecError
from pgwright.spec.context import Context, check_identifier
from pgwright.spec.document import KeyPath, SpecDocument, format_path
from pgwright.spec.reading import managed_schemas, split_key


class SectionReader:
    """A kind's view of its own key of the spec: the value (of a valid shape), where each
    part of it stands, and the checks every kind of entry shares.

    Problems go to the validation context; without one (the model being built from a spec
    already validated) a problem raises SpecError, as it means validation missed it.
    """

    def __init__(self, document: SpecDocument, key: str, context: Context | None,
                 resolve_type: Callable[[str], str | None] | None = None):
        self.document = document
        self.key = key
        self.path: KeyPath = (key,)
        self.value = document.data.get(key)
        self.schemas = tuple(context.schemas if context is not None
                             else managed_schemas(document.data))
        self.default_schema = self.schemas[0]
        self._context = context
        self._resolve_type = resolve_type

    @property
    def validating(self) -> bool:
        return self._context is not None

    def origin(self, path: KeyPath) -> str:
        """``schema.yaml:12 sequences.order_numbers``: where an object was declared."""
        line = self.document.line_of(path)
        return f"{self.document.file}:{line} {format_path(path)}" if line else format_path(path)

    def error(self, path: KeyPath, message: str, suggestion: str | None = None) -> None:
        if self._context is None:
            raise SpecError([Problem(message, path=self.origin(path), suggestion=suggestion)])
        self._context.error(path, message, suggestion)

    def warn(self, path: KeyPath, message: str, suggestion: str | None = None) -> None:
        if self._context is not None:
            self._context.warn(path, message, suggestion)

    def suggest(self, word: str, candidates) -> str | None:
        return self._context.suggest(word, candidates) if self._context is not None else None

    def name(self, path: KeyPath, name: str, what: str) -> str:
        """``name`` as written, after checking it is a name PostgreSQL keeps as is."""
        if self._context is not None:
            check_identifier(self._context, path, name, what)
        return name

    def object_key(self, path: KeyPath, key: str, what: str) -> tuple[str, str]:
        """(schema, name) of an object's key, ``name`` or ``schema.name`` split at the first
        dot, in a schema the spec manages."""
        schema, name = split_key(key, self.default_schema)
        if "." in key:
            self.name(path, schema, "schema name")
        self.name(path, name, f"{what} name")
        if schema not in self.schemas:
            self.error(path, f"schema '{schema}' is not managed by this spec",
                       f"add it to schemas: [{', '.join((*self.schemas, schema))}]")
        return schema, name

    def column(self, path: KeyPath, table_key: str, column: str) -> tuple[str, str, str] | None:
        """(schema, table, column) of a column of a table the spec declares, written as the
        table's key (``orders``, ``app.orders``) and the column's name."""
        schema, table = split_key(table_key, self.default_schema)
        if self._context is None:
            return schema, table, column
        entry = next((entry for entry in self._context.spec.tables
                      if entry.key == (schema, table)), None)
        if entry is None:
            keys = [".".join(e.key) if e.schema != self.default_schema else e.name
                    for e in self._context.spec.tables]
            self.error(path, f"unknown table '{table_key}'", self.suggest(table_key, keys))
            return None
        names = [c.name for c in entry.columns]
        if column not in names:
            self.error(path, f"table '{table_key}' has no column '{column}'",
                       self.suggest(column, names))
            return None
        return schema, table, column

    def type(self, path: KeyPath, type_text: str) -> str | None:
        """The SQL of a type the spec writes (``bigint``, ``order_status``), checked as a
        column's type is; None (and a problem) when it is not a type."""
        if self._context is not None:
            from pgwright.spec.sql_types import check_type

            enums = {entry.key: entry for entry in self._context.spec.enums}
            return check_type(self._context, path, type_text, enums)
        from pgwright.normalize import type_sql

        sql = type_sql(type_text, self._resolve_type or (lambda name: None))
        if sql is None:
            self.error(path, f"'{type_text}' is not a type name")
        return sql


def check_sections(context: Context) -> None:
    """Validation: run each present section's reader, reporting into ``context``."""
    for kind in _section_kinds():
        if kind.section.key in context.document.data and not context.is_uncertain(
                (kind.section.key,)):
            kind.section.read(SectionReader(context.document, kind.section.key, context))


def read_sections(document: SpecDocument, resolve_type) -> tuple[tuple[str, tuple], ...]:
    """Model building: each present section's objects, as ``Catalog.owned`` holds them."""
    owned = []
    for kind in _section_kinds():
        if kind.section.key in document.data:
            objects = kind.section.read(SectionReader(document, kind.section.key, None,
                                                      resolve_type))
            owned.append((kind.name, tuple(sorted(objects, key=lambda o: o.key))))
    return tuple(sorted(owned))


def _section_kinds():
    from pgwright.kinds import KINDS
    from pgwright.kinds.registry import section_kinds

    return section_kinds(KINDS)

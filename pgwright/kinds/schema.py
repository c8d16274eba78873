"""Schemas: created when the spec names them, never dropped (leaving the spec means no longer managed)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pgwright.kinds.comment import SetComment
from pgwright.kinds.keyed import keyed_diff
from pgwright.kinds.registry import Kind
from pgwright.model import Catalog
from pgwright.ops import Action, ObjectKey, Operation
from pgwright.render.ddl import create_schema_sql
from pgwright.render.statements import Statement, render_operation


@dataclass(frozen=True)
class CreateSchema(Operation, kind="schema", action=Action.CREATE):
    name: str

    @property
    def target(self) -> ObjectKey:
        return ("schema", self.name)


def compare_schemas(spec: Catalog, live: Catalog) -> Iterator[Operation]:
    result = keyed_diff(spec.schemas, live.schemas, key=lambda s: s.name)
    for schema in result.added:
        yield CreateSchema(schema.name)
        if schema.comment is not None:
            yield SetComment("SCHEMA", (schema.name,), schema.comment)
    # Schemas are never dropped: leaving the spec means "no longer managed", not "delete".
    # A schema comment is managed only when the spec states one (public has a stock comment).
    for schema, _ in result.changed:
        if schema.comment is not None:
            yield SetComment("SCHEMA", (schema.name,), schema.comment)


@render_operation.register
def _(operation: CreateSchema) -> list[Statement]:
    return [Statement(create_schema_sql(operation.name))]


KIND = Kind("schema", shared=True, compare=compare_schemas)

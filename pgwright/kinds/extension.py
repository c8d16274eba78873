"""Extensions: created and dropped by name."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pgwright.kinds.keyed import keyed_diff
from pgwright.kinds.registry import Kind
from pgwright.model import Catalog
from pgwright.names import quote_ident
from pgwright.ops import Action, ObjectKey, Operation
from pgwright.render.ddl import create_extension_sql
from pgwright.render.statements import Statement, render_operation


@dataclass(frozen=True)
class CreateExtension(Operation, kind="extension", action=Action.CREATE):
    name: str
    schema: str | None = None

    @property
    def target(self) -> ObjectKey:
        return ("extension", self.name)


@dataclass(frozen=True)
class DropExtension(Operation, kind="extension", action=Action.DROP):
    name: str

    @property
    def target(self) -> ObjectKey:
        return ("extension", self.name)


def compare_extensions(spec: Catalog, live: Catalog) -> Iterator[Operation]:
    result = keyed_diff(spec.extensions, live.extensions, key=lambda e: e.name)
    for extension in result.added:
        yield CreateExtension(extension.name, extension.schema)
    for extension in result.removed:
        yield DropExtension(extension.name)


@render_operation.register
def _(operation: CreateExtension) -> list[Statement]:
    from pgwright.model import Extension

    return [Statement(create_extension_sql(Extension(operation.name, operation.schema)))]


@render_operation.register
def _(operation: DropExtension) -> list[Statement]:
    return [Statement(f"DROP EXTENSION IF EXISTS {quote_ident(operation.name)}", destructive=True)]


KIND = Kind("extension", shared=True, compare=compare_extensions)

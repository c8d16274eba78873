"""Comments on schemas, types, functions, tables and columns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pgwright.kinds.registry import Kind
from pgwright.model import Table
from pgwright.names import quote_ident, quote_literal
from pgwright.ops import Action, ObjectKey, Operation
from pgwright.render.statements import Statement, describe, render_operation


@dataclass(frozen=True)
class SetComment(Operation, kind="comment", action=Action.CHANGE):
    """COMMENT ON an object; ``comment`` None removes it.

    ``object_type`` is SCHEMA, TYPE, FUNCTION, TABLE or COLUMN; ``names`` the name parts
    of the object (schema, table, column).
    """

    object_type: str
    names: tuple[str, ...]
    comment: str | None
    arguments: tuple[str, ...] | None = None  # argument types, for COMMENT ON FUNCTION

    @property
    def target(self) -> ObjectKey:
        return ("comment", self.object_type, *self.names)

    @property
    def path(self) -> tuple[str, ...]:
        return self.names

    @property
    def order_within_kind(self) -> tuple:
        return (self.object_type != "SCHEMA", *self.path)  # schemas' first


def compare_comments(spec: Table, live: Table) -> Iterator[Operation]:
    if spec.comment != live.comment:
        yield SetComment("TABLE", spec.key, spec.comment)
    live_columns = {c.name: c for c in live.columns}
    for column in spec.columns:
        current = live_columns.get(column.name)
        current_comment = current.comment if current is not None else None
        recreated = current is not None and column.generated != current.generated
        if column.comment != current_comment or (recreated and column.comment is not None):
            yield SetComment("COLUMN", (*spec.key, column.name), column.comment)


@render_operation.register
def _(operation: SetComment) -> list[Statement]:
    target = ".".join(quote_ident(part) for part in operation.path)
    if operation.arguments is not None:
        target += f"({', '.join(operation.arguments)})"
    text = "NULL" if operation.comment is None else quote_literal(operation.comment)
    return [Statement(f"COMMENT ON {operation.object_type} {target} IS {text}")]


@describe.register
def _(operation: SetComment) -> str:
    action = "remove comment on" if operation.comment is None else "comment on"
    return f"{action} {operation.object_type.lower()} {operation.subject}"


KIND = Kind("comment", compare_table=compare_comments)

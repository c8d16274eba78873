"""Enum types: created, given new values in place (PostgreSQL can only add values), dropped."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pgwright.errors import PlanError
from pgwright.kinds.comment import SetComment
from pgwright.kinds.keyed import keyed_diff
from pgwright.kinds.registry import Kind
from pgwright.model import Catalog, Enum
from pgwright.names import qualified, quote_literal
from pgwright.ops import Action, ObjectKey, Operation, enum_value_key
from pgwright.render.ddl import create_enum_sql, guarded
from pgwright.render.statements import Statement, describe, render_operation


@dataclass(frozen=True)
class CreateEnum(Operation, kind="enum", action=Action.CREATE):
    enum: Enum

    @property
    def target(self) -> ObjectKey:
        return ("enum", self.enum.schema, self.enum.name)

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        return tuple(enum_value_key(self.enum.schema, self.enum.name, value)
                     for value in self.enum.values)


@dataclass(frozen=True)
class AddEnumValue(Operation, kind="enum", action=Action.CHANGE):
    schema: str
    name: str
    value: str
    after: str | None = None  # None: first value, placed BEFORE the current first one
    before: str | None = None

    @property
    def target(self) -> ObjectKey:
        return enum_value_key(self.schema, self.name, self.value)

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.name)  # the enum's

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        # the value it is placed after (or before): one added by the plan comes first
        neighbour = self.after if self.after is not None else self.before
        return () if neighbour is None else (enum_value_key(self.schema, self.name, neighbour),)


@dataclass(frozen=True)
class DropEnum(Operation, kind="enum", action=Action.DROP):
    schema: str
    name: str

    @property
    def target(self) -> ObjectKey:
        return ("enum", self.schema, self.name)


def _enum_value_additions(spec: Enum, live: Enum) -> list[AddEnumValue]:
    """ADD VALUE operations turning live's values into spec's, or PlanError if impossible."""
    missing = [v for v in spec.values if v not in live.values]
    kept = [v for v in spec.values if v in live.values]
    if kept != list(live.values):
        removed = [v for v in live.values if v not in spec.values]
        what = f"removes {', '.join(map(repr, removed))}" if removed else "reorders values"
        raise PlanError(
            f"enum {spec.schema}.{spec.name} {what}: PostgreSQL can only add enum values. "
            "Create a new enum type, move the columns to it, and drop the old one"
        )
    additions = []
    for position, value in enumerate(spec.values):
        if value not in missing:
            continue
        if position == 0:
            # in front of what exists now: later values go AFTER the ones added before them
            additions.append(AddEnumValue(spec.schema, spec.name, value,
                                              before=live.values[0] if live.values else None))
        else:
            additions.append(AddEnumValue(spec.schema, spec.name, value,
                                              after=spec.values[position - 1]))
    return additions


def compare_enums(spec: Catalog, live: Catalog) -> Iterator[Operation]:
    result = keyed_diff(spec.enums, live.enums, key=lambda e: e.key)
    for enum in result.added:
        yield CreateEnum(enum)
        if enum.comment is not None:
            yield SetComment("TYPE", enum.key, enum.comment)
    for enum in result.removed:
        yield DropEnum(enum.schema, enum.name)
    for enum, current in result.changed:
        if enum.values != current.values:
            yield from _enum_value_additions(enum, current)
        if enum.comment != current.comment:
            yield SetComment("TYPE", enum.key, enum.comment)


@render_operation.register
def _(operation: CreateEnum) -> list[Statement]:
    enum = operation.enum
    condition = ("NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n "
                 f"ON n.oid = t.typnamespace WHERE n.nspname = {quote_literal(enum.schema)} "
                 f"AND t.typname = {quote_literal(enum.name)})")
    return [Statement(guarded(condition, create_enum_sql(enum)))]


@render_operation.register
def _(operation: AddEnumValue) -> list[Statement]:
    sql = (f"ALTER TYPE {qualified(operation.schema, operation.name)} "
           f"ADD VALUE IF NOT EXISTS {quote_literal(operation.value)}")
    if operation.after is not None:
        sql += f" AFTER {quote_literal(operation.after)}"
    elif operation.before is not None:
        sql += f" BEFORE {quote_literal(operation.before)}"
    # Committed on its own: a new enum value cannot be used in the transaction that adds it.
    return [Statement(sql, transactional=False)]


@render_operation.register
def _(operation: DropEnum) -> list[Statement]:
    return [Statement(f"DROP TYPE IF EXISTS {qualified(operation.schema, operation.name)}",
                      destructive=True)]


@describe.register
def _(operation: AddEnumValue) -> str:
    return f"add value '{operation.value}' to enum {operation.subject}"


KIND = Kind("enum", shared=True, compare=compare_enums)

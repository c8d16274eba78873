"""Triggers: created, dropped, and dropped and created again when they change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pgwright.kinds.keyed import keyed_diff
from pgwright.kinds.registry import Kind
from pgwright.model import Table, Trigger
from pgwright.names import qualified, quote_ident, quote_literal
from pgwright.ops import (
    Action,
    ObjectKey,
    Operation,
    Rebuildable,
    Restorable,
    TableOperation,
    column_key,
    function_key,
)
from pgwright.render.ddl import create_trigger_sql, guarded, regclass_literal
from pgwright.render.statements import Statement, rebuilt_note, render_operation
from pgwright.sqlscript import referenced_names


def _trigger_key(schema: str, table: str, name: str) -> ObjectKey:
    return ("trigger", schema, table, name)


@dataclass(frozen=True)
class CreateTrigger(Restorable, TableOperation, kind="trigger", action=Action.CREATE):
    trigger: Trigger

    @property
    def target(self) -> ObjectKey:
        return _trigger_key(self.schema, self.table, self.trigger.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        trigger = self.trigger
        used = (*super().uses, function_key(trigger.function_schema, trigger.function_name, ()))
        if not self.rebuilt:
            return used
        names = {*trigger.columns, *referenced_names(trigger.when or "")}
        return (*used, *(column_key(self.schema, self.table, name) for name in sorted(names)))


@dataclass(frozen=True)
class DropTrigger(Rebuildable, TableOperation, kind="trigger", action=Action.DROP):
    name: str

    @property
    def target(self) -> ObjectKey:
        return _trigger_key(self.schema, self.table, self.name)


def compare_triggers(spec: Table, live: Table) -> Iterator[Operation]:
    result = keyed_diff(spec.triggers, live.triggers, key=lambda t: t.name)
    for trigger in result.added:
        yield CreateTrigger(spec.schema, spec.name, trigger)
    for trigger in result.removed:
        yield DropTrigger(spec.schema, spec.name, trigger.name)
    for trigger, _ in result.changed:
        yield DropTrigger(spec.schema, spec.name, trigger.name, replaced=True)
        yield CreateTrigger(spec.schema, spec.name, trigger)


@render_operation.register
def _(operation: CreateTrigger) -> list[Statement]:
    condition = ("NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = "
                 f"{regclass_literal(operation.schema, operation.table)} AND tgname = "
                 f"{quote_literal(operation.trigger.name)})")
    body = create_trigger_sql(operation.schema, operation.table, operation.trigger)
    return [Statement(guarded(condition, body))]


@render_operation.register
def _(operation: DropTrigger) -> list[Statement]:
    return [Statement(f"DROP TRIGGER IF EXISTS {quote_ident(operation.name)} ON "
                      f"{qualified(operation.schema, operation.table)}",
                      destructive=operation.destructive, comment=rebuilt_note(operation))]


KIND = Kind("trigger", compare_table=compare_triggers)

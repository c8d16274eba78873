"""Functions: created, replaced in place, or dropped and made again when CREATE OR REPLACE
cannot change them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from pgwright.kinds.comment import SetComment
from pgwright.kinds.keyed import keyed_diff
from pgwright.kinds.registry import Kind
from pgwright.model import Catalog, Function
from pgwright.names import quote_literal
from pgwright.ops import Access, Action, ObjectKey, Operation, function_key, relation_key
from pgwright.render.ddl import create_function_sql, function_signature, guarded_by_catalog
from pgwright.render.statements import Statement, describe, render_operation


@dataclass(frozen=True)
class CreateFunction(Operation, kind="function"):
    """CREATE OR REPLACE FUNCTION: creates it, or replaces its body and attributes."""

    function: Function
    replaces: bool = False  # an existing function gets a new definition
    # Made again after DropFunction(replaced_by=...) of its old signature.
    recreates: bool = False

    @property
    def action(self) -> Action:  # type: ignore[override]
        return Action.CHANGE if self.replaces or self.recreates else Action.CREATE

    @property
    def target(self) -> ObjectKey:
        return function_key(*self.function.key)

    @property
    def path(self) -> tuple[str, ...]:
        return (self.function.signature,)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        # the tables whose row type it takes or returns: one the plan creates comes first
        from pgwright.normalize import parse_type

        tables = []
        for text in (self.function.returns, *(a.type for a in self.function.arguments)):
            parsed = parse_type(text.removeprefix("SETOF ").removeprefix("setof "))
            if parsed is not None and not parsed.builtin:
                tables.append(relation_key(parsed.schema, parsed.name))
        return tuple(tables)

    @property
    def security(self) -> Access | None:
        # A helper function policies call can change what they let through.
        return Access.CHANGES if self.replaces or self.recreates else None


@dataclass(frozen=True)
class DropFunction(Operation, kind="function", action=Action.DROP):
    schema: str
    name: str
    argument_types: tuple[str, ...]
    # Dropped to be made again with a new result type or new argument names (which CREATE
    # OR REPLACE refuses to change): only while it still has the old ones, so a second run
    # leaves the new function alone.
    replaced_by: Function | None = None

    @property
    def replaced(self) -> bool:
        return self.replaced_by is not None

    @property
    def target(self) -> ObjectKey:
        return function_key(self.schema, self.name, self.argument_types)

    @property
    def path(self) -> tuple[str, ...]:
        return (f"{self.schema}.{self.name}({', '.join(self.argument_types)})",)


def compare_functions(spec: Catalog, live: Catalog) -> Iterator[Operation]:
    result = keyed_diff(spec.functions, live.functions, key=lambda f: f.key)
    for function in result.added:
        yield CreateFunction(function)
        if function.comment is not None:
            yield _function_comment(function)
    for function in result.removed:
        yield DropFunction(function.schema, function.name, function.key[2])
    for function, current in result.changed:
        definition_changed = replace(function, comment=None) != replace(current, comment=None)
        if definition_changed:
            renamed_arguments = [a.name for a in function.arguments] != \
                [a.name for a in current.arguments]
            if function.returns != current.returns or renamed_arguments:
                # CREATE OR REPLACE cannot change the result type or argument names. What
                # uses the function is dropped and made again around it (diff/dependencies).
                yield DropFunction(current.schema, current.name, current.key[2],
                                       replaced_by=function)
                yield CreateFunction(function, recreates=True)
            else:
                yield CreateFunction(function, replaces=True)
        if function.comment != current.comment:
            yield _function_comment(function)


def _function_comment(function) -> SetComment:
    return SetComment("FUNCTION", (function.schema, function.name), function.comment,
                          arguments=function.key[2])


@render_operation.register
def _(operation: CreateFunction) -> list[Statement]:
    return [Statement(create_function_sql(operation.function))]


@render_operation.register
def _(operation: DropFunction) -> list[Statement]:
    signature = function_signature(operation.schema, operation.name, operation.argument_types)
    new = operation.replaced_by
    if new is None:
        return [Statement(f"DROP FUNCTION IF EXISTS {signature}", destructive=True)]
    names = ", ".join(quote_literal(argument.name) for argument in new.arguments)
    select = ("SELECT pg_catalog.pg_get_function_result(oid) IS DISTINCT FROM "
              f"{quote_literal(new.returns)}\n"
              f"      OR coalesce(proargnames, '{{}}') IS DISTINCT FROM ARRAY[{names}]::text[]\n"
              "    INTO stale FROM pg_catalog.pg_proc\n"
              f"    WHERE oid = pg_catalog.to_regprocedure({quote_literal(signature)})")
    return [Statement(guarded_by_catalog("stale", "boolean", select, "stale",
                                         f"DROP FUNCTION {signature}"),
                      comment="dropped to be made again: its result type or argument names "
                              "change, which CREATE OR REPLACE cannot do")]


@describe.register
def _(operation: CreateFunction) -> str:
    verb = "replace" if operation.replaces else "recreate" if operation.recreates else "create"
    return f"{verb} function {operation.subject}"


@describe.register
def _(operation: DropFunction) -> str:
    if operation.replaced_by is None:
        return f"drop function {operation.subject}"
    return (f"drop function {operation.subject} to make it again "
            "(new result type or argument names)")


KIND = Kind("function", shared=True, compare=compare_functions)

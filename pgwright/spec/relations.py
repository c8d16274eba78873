"""The checks of what the spec's tables refer to and name: foreign keys and polymorphic
references (their targets, types and actions), and the names constraints, indexes and tables
share in PostgreSQL's namespaces."""

from __future__ import annotations

import difflib

from pgwright.normalize import comparable_types
from pgwright.spec.context import Context
from pgwright.spec.document import KeyPath, format_path
from pgwright.spec.entries import ForeignKeyEntry
from pgwright.spec.reading import parse_reference, primary_key_entry, relation_names, unique_entries


def check_relations(context: Context, table, tables, column_types) -> None:
    own_columns = {c.name: c for c in table.columns}
    for fk in table.foreign_keys:
        _check_foreign_key(context, table, fk, tables, own_columns, column_types)
    for entry in table.polymorphic:
        column_name = entry.column
        for target in entry.targets:
            path = target.path
            reference = parse_reference(target.reference, context.schemas[0], dotted=True)
            if reference is None:
                context.error(path, f"'{target.reference}' is not a table.column reference")
                continue
            schema, name, target_columns = reference
            _check_target(context, path, schema, name, target_columns, tables)
            if own_columns.get(column_name) and (schema, name) in tables:
                mine = column_types.get((table.schema, table.name, column_name))
                theirs = column_types.get((schema, name, target_columns[0]))
                if mine and theirs and mine != theirs:
                    context.warn(path, f"type {mine} of '{column_name}' differs from "
                                 f"{theirs} of {name}.{target_columns[0]}")


def _check_target(context, path, schema, name, target_columns, tables) -> bool:
    shown = name if schema == context.schemas[0] else f"{schema}.{name}"
    if schema not in context.schemas:
        # An unmanaged schema (auth.users) is checked against the database at plan time;
        # a name close to a managed schema is more likely a typo.
        close = difflib.get_close_matches(schema, context.schemas, n=1, cutoff=0.75)
        if close:
            context.warn(path, f"schema '{schema}' is not managed by this spec, so "
                         f"{shown} is left for the database to check",
                         f"did you mean '{close[0]}.{name}'?")
        return False
    target = tables.get((schema, name))
    if target is None:
        candidates = [n for s, n in tables if s == schema]
        context.error(path, f"unknown table '{shown}'", context.suggest(name, candidates))
        return False
    target_names = [c.name for c in target.columns]
    ok = True
    for column in target_columns:
        if column not in target_names:
            context.error(path, f"table '{shown}' has no column '{column}'",
                          context.suggest(column, target_names))
            ok = False
    return ok


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _check_foreign_key(context, table, fk: ForeignKeyEntry, tables, own_columns, column_types):
    if fk.target is None:
        context.error(fk.path, f"'{fk.references}' is not a valid reference",
                      "write table.column on a column, or table(col, ...) in foreign_keys")
        return
    if not fk.columns:
        context.error(fk.path + ("columns",), "a foreign key needs at least one column")
        return
    unknown = [name for name in fk.columns if name not in own_columns]
    for name in unknown:
        context.error(fk.path + ("columns",), f"unknown column '{name}'",
                      context.suggest(name, list(own_columns)))
    if unknown:
        return
    schema, name, target_columns = fk.target
    if len(target_columns) != len(fk.columns):
        context.error(fk.path, f"{_plural(len(fk.columns), 'column')} ({', '.join(fk.columns)}) "
                      f"cannot reference {_plural(len(target_columns), 'column')} of {name} "
                      f"({', '.join(target_columns)})",
                      "list as many referencing columns as referenced ones")
        return
    if not _check_target(context, fk.path, schema, name, target_columns, tables):
        return
    for mine, theirs in zip(fk.columns, target_columns, strict=True):
        own_type = column_types.get((table.schema, table.name, mine))
        target_type = column_types.get((schema, name, theirs))
        if own_type and target_type and own_type != target_type:
            report = context.warn if comparable_types(own_type, target_type) else context.error
            report(fk.path, f"type mismatch: {mine} is {own_type} but "
                   f"{name}.{theirs} is {target_type}",
                   f"declare {mine} as {target_type}")
    for action_key in ("on_delete", "on_update"):
        if getattr(fk, action_key) == "set null":
            not_null = [c for c in fk.columns if own_columns[c].not_null]
            if not_null:
                # A warning: PostgreSQL accepts the key (real databases hold such keys, and
                # inspect must reproduce them); it fails only at the first such change.
                context.warn(fk.actions_path + (action_key,),
                              f"{action_key} is set null, but {', '.join(not_null)} "
                              f"{'is' if len(not_null) == 1 else 'are'} NOT NULL: the first "
                              "such change would fail",
                              "make the column nullable, or use cascade or restrict")
    if fk.orphans == "set_null":
        not_null = [c for c in fk.columns if own_columns[c].not_null]
        if not_null:
            context.error(fk.path, f"orphans: set_null, but {', '.join(not_null)} "
                          f"{'is' if len(not_null) == 1 else 'are'} NOT NULL",
                          "use orphans: delete, or make the column nullable")
    target = tables[(schema, name)]
    if not _is_unique_key(target, tuple(target_columns)) and not context.is_uncertain(target.path):
        context.error(fk.path, f"{name}({', '.join(target_columns)}) is neither the primary key "
                      "nor a unique constraint, so PostgreSQL cannot reference it",
                      f"add unique: [[{', '.join(target_columns)}]] to table '{name}'")


def _is_unique_key(table, columns: tuple[str, ...]) -> bool:
    return tuple(sorted(columns)) in table.unique_column_sets


def check_constraint_names(context: Context, table) -> None:
    """Constraints share one namespace per table; checks and foreign keys are not in the
    schema-wide relation namespace that ``check_relation_names`` covers."""
    seen: dict[str, KeyPath] = {}
    primary = primary_key_entry(table)
    if primary:
        seen[primary[0]] = table.path + ("primary_key",)
    for name, _, path in unique_entries(table):
        seen.setdefault(name, path)
    others = [(check.name, check.path) for check in table.checks]
    others += [(fk.name, fk.path) for fk in table.foreign_keys]
    for name, path in others:
        if name in seen:
            context.error(path, f"constraint name '{name}' is already used by "
                          f"{format_path(seen[name])}", "give one of them another name")
        else:
            seen[name] = path


def check_relation_names(context: Context, tables) -> None:
    """Tables, indexes and key constraints share one namespace per schema in PostgreSQL."""
    seen: dict[tuple[str, str], KeyPath] = {}
    for table in tables.values():
        for name, path in relation_names(table):
            key = (table.schema, name)
            if key in seen and seen[key] != path:
                context.error(path, f"name '{name}' is already used by {format_path(seen[key])}",
                              "give one of them another name")
            else:
                seen[key] = path

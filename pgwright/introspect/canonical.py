"""Let PostgreSQL itself canonicalize the spec's SQL expressions.

A check written as ``position('@' in email) > 1`` is stored and printed by the server as
``(POSITION(('@'::text) IN (email)) > 1)``; no amount of Python can predict every such
rewrite across versions. So, for each existing table whose spec expressions do not already
match the database text, pgwright builds a stand-in inside a transaction that is always
rolled back, reads the stand-in back with the same catalog queries, and uses what the server
printed. Stand-ins are temporary *partitioned* tables: they have no storage, so building a
thousand of them costs a fraction of a second.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pgwright.errors import PlanError
from pgwright.introspect.catalog import read_catalog
from pgwright.model import Catalog, Column, Index, Table
from pgwright.names import qualified, quote_ident
from pgwright.normalize import collapse_whitespace
from pgwright.render.ddl import (
    check_clause,
    column_definition,
    create_enum_sql,
    create_extension_sql,
    create_function_sql,
    create_policy_sql,
    create_schema_sql,
    create_trigger_sql,
    index_body,
)

PARTITION_KEY = "pgwright canon key"


def _same(spec_text: str | None, db_text: str | None) -> bool:
    if spec_text is None or db_text is None or spec_text == db_text:
        return spec_text == db_text
    return collapse_whitespace(spec_text) == collapse_whitespace(db_text)


@dataclass(frozen=True)
class _StandIn:
    table: Table          # the spec table
    columns: frozenset[str]   # columns whose default / generated expression needs the server
    checks: frozenset[str]
    indexes: frozenset[str]
    policies: frozenset[str] = frozenset()
    triggers: frozenset[str] = frozenset()


def _needs(spec: Table, live: Table) -> _StandIn | None:
    columns = set()
    for column in spec.columns:
        live_column = live.column(column.name)
        if live_column is None:
            continue
        if column.default is not None and not _same(column.default, live_column.default):
            columns.add(column.name)
        if column.generated is not None and not _same(column.generated, live_column.generated):
            columns.add(column.name)
    live_checks = {c.name: c for c in live.checks}
    checks = {c.name for c in spec.checks
              if c.name in live_checks and not _same(c.expression, live_checks[c.name].expression)}
    live_indexes = {i.name: i for i in live.indexes}
    indexes = set()
    for index in spec.indexes:
        other = live_indexes.get(index.name)
        if other is None:
            continue
        keys_same = len(index.keys) == len(other.keys) and all(
            _same(a, b) for a, b in zip(index.keys, other.keys, strict=True))
        if not keys_same or not _same(index.where, other.where):
            indexes.add(index.name)
    live_policies = {p.name: p for p in live.policies}
    policies = {p.name for p in spec.policies if p.name in live_policies and not (
        _same(p.using, live_policies[p.name].using)
        and _same(p.with_check, live_policies[p.name].with_check))}
    live_triggers = {t.name: t for t in live.triggers}
    triggers = {t.name for t in spec.triggers
                if t.name in live_triggers and not _same(t.when, live_triggers[t.name].when)}
    if not (columns or checks or indexes or policies or triggers):
        return None
    return _StandIn(spec, frozenset(columns), frozenset(checks), frozenset(indexes),
                    frozenset(policies), frozenset(triggers))


def _stand_in_names(stand_ins: list[_StandIn]) -> list[str]:
    """Each stand-in is named like its table, so that expressions naming the table
    (``customers.organization_id`` in a policy's subquery) mean the same; only a second
    table of the same name (in another schema) gets a made-up one."""
    names: list[str] = []
    for number, stand_in in enumerate(stand_ins):
        name = stand_in.table.name
        names.append(name if name not in names else f"pgwright_canon_{number}")
    return names


def _stand_in_sql(number: int, name: str, stand_in: _StandIn) -> list[str]:
    table = stand_in.table
    parts = []
    for column in table.columns:
        keep = column.name in stand_in.columns
        bare = Column(name=column.name, type=column.type,
                      default=column.default if keep else None,
                      generated=column.generated if keep else None)
        parts.append(column_definition(bare))
    for check in table.checks:
        if check.name in stand_in.checks:
            parts.append(f"CONSTRAINT {quote_ident(check.name)} {check_clause(check)}")
    parts.append(f"{quote_ident(PARTITION_KEY)} integer")
    statements = [f"CREATE TEMP TABLE {quote_ident(name)} ({', '.join(parts)}) "
                  f"PARTITION BY LIST ({quote_ident(PARTITION_KEY)})"]
    for position, index in enumerate(table.indexes):
        if index.name in stand_in.indexes:
            statements.append(f"CREATE INDEX {_index_name(number, position)} ON "
                              f"pg_temp.{quote_ident(name)} "
                              + index_body(replace(index, unique=False)))
    for policy in table.policies:
        if policy.name in stand_in.policies:
            statements.append(create_policy_sql("pg_temp", name, policy))
    for trigger in table.triggers:
        if trigger.name in stand_in.triggers:
            statements.append(create_trigger_sql("pg_temp", name, trigger))
    return statements


def _prerequisites(spec: Catalog, live: Catalog, stand_ins: list[_StandIn]) -> list[str]:
    """What the stand-ins need to exist as the spec says: schemas, extensions, enum types,
    functions (policies and triggers call them) and tables (policies may query them)."""
    statements = ["SET LOCAL check_function_bodies = off"]
    statements += [create_schema_sql(s.name) for s in spec.schemas
                   if s.name not in live.schema_names]
    live_extensions = {e.name for e in live.extensions}
    statements += [create_extension_sql(e) for e in spec.extensions if e.name not in live_extensions]
    live_enums = {e.key: e for e in live.enums}
    for enum in spec.enums:
        existing = live_enums.get(enum.key)
        if existing is not None and existing.values == enum.values:
            continue
        if existing is not None:
            # Step the live type aside (rolled back anyway) so the spec's values are the ones
            # the stand-ins see.
            statements.append(f"ALTER TYPE {quote_ident(enum.schema)}.{quote_ident(enum.name)} "
                              f"RENAME TO {quote_ident('pgwright_aside_' + enum.name[:40])}")
        statements.append(create_enum_sql(enum))
    live_functions = {f.key: f for f in live.functions}
    statements += [create_function_sql(f) for f in spec.functions
                   if live_functions.get(f.key) != f]
    if any(stand_in.policies for stand_in in stand_ins):
        live_tables = live.tables_by_key()
        for table in spec.tables:
            if table.key not in live_tables:
                columns = ", ".join(column_definition(Column(c.name, c.type)) for c in table.columns)
                statements.append(f"CREATE TABLE {qualified(*table.key)} ({columns}, "
                                  f"{quote_ident(PARTITION_KEY)} integer) "
                                  f"PARTITION BY LIST ({quote_ident(PARTITION_KEY)})")
    return statements


def canonicalize(connection, spec: Catalog, live: Catalog) -> Catalog:
    """The spec with every expression that can be compared to the live one in server form."""
    live_tables = live.tables_by_key()
    stand_ins = [need for table in spec.tables
                 if table.key in live_tables and (need := _needs(table, live_tables[table.key]))]
    if not stand_ins:
        return spec
    # pg_temp goes last, so unqualified names in expressions find the real tables first.
    search_path = ", ".join([*(quote_ident(s) for s in spec.schema_names), "pg_temp"])
    names = _stand_in_names(stand_ins)
    batches = [_stand_in_sql(number, name, stand_in)
               for number, (name, stand_in) in enumerate(zip(names, stand_ins, strict=True))]
    with connection.transaction(force_rollback=True):
        connection.execute(f"SET LOCAL search_path = {search_path}")
        for statement in _prerequisites(spec, live, stand_ins):
            connection.execute(statement)
        try:
            with connection.transaction():
                connection.execute(";\n".join(s for batch in batches for s in batch))
        except Exception:
            _raise_precise_errors(connection, stand_ins, batches)
            raise
        connection.execute("SET LOCAL search_path = ''")
        temp_schema = connection.execute(
            "SELECT nspname FROM pg_catalog.pg_namespace WHERE oid = pg_catalog.pg_my_temp_schema()"
        ).fetchone()[0]
        printed = read_catalog(connection, [temp_schema]).tables_by_key()
    canonical = {need.table.key: _apply(number, need, printed[(temp_schema, names[number])])
                 for number, need in enumerate(stand_ins)}
    return replace(spec, tables=tuple(canonical.get(t.key, t) for t in spec.tables))


def _index_name(number: int, position: int) -> str:
    return f"pgwright_canon_{number}_{position}"


def _apply(number: int, need: _StandIn, printed: Table) -> Table:
    table = need.table
    columns = []
    for column in table.columns:
        if column.name in need.columns:
            stand_in = printed.column(column.name)
            column = replace(column, default=stand_in.default if column.default is not None else None,
                             generated=stand_in.generated if column.generated is not None else None)
        columns.append(column)
    printed_checks = {c.name: c.expression for c in printed.checks}
    checks = tuple(replace(c, expression=printed_checks[c.name]) if c.name in need.checks else c
                   for c in table.checks)
    printed_indexes = {i.name: i for i in printed.indexes}
    indexes: list[Index] = []
    for position, index in enumerate(table.indexes):
        if index.name in need.indexes:
            stand_in = printed_indexes[_index_name(number, position)]
            index = replace(index, keys=stand_in.keys, where=stand_in.where)
        indexes.append(index)
    printed_policies = {p.name: p for p in printed.policies}
    policies = tuple(
        replace(p, using=printed_policies[p.name].using,
                with_check=printed_policies[p.name].with_check)
        if p.name in need.policies else p
        for p in table.policies)
    printed_triggers = {t.name: t for t in printed.triggers}
    triggers = tuple(replace(t, when=printed_triggers[t.name].when) if t.name in need.triggers
                     else t for t in table.triggers)
    return replace(table, columns=tuple(columns), checks=checks, indexes=tuple(indexes),
                   policies=policies, triggers=triggers)


def _raise_precise_errors(connection, stand_ins, batches) -> None:
    """Re-run the stand-ins one by one to say which expression the server rejected."""
    problems = []
    for need, batch in zip(stand_ins, batches, strict=True):
        try:
            with connection.transaction():
                for statement in batch:
                    connection.execute(statement)
        except Exception as error:
            message = str(error).splitlines()[0]
            problems.append(f"{need.table.origin or need.table.name}: {message}")
    if problems:
        raise PlanError("the server rejected an expression in the spec:\n  "
                        + "\n  ".join(problems))

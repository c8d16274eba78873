"""Let PostgreSQL itself canonicalize the spec's SQL expressions.

A check written as ``position('@' in email) > 1`` is stored and printed by the server as
``(POSITION(('@'::text) IN (email)) > 1)``; no amount of Python can predict every such
rewrite across versions. So, for each existing table whose spec expressions do not already
match the database text, pgwright builds a stand-in inside a transaction that is always
rolled back, reads the stand-in back with the same catalog queries, and uses what the server
printed. Stand-ins are temporary *partitioned* tables: they have no storage.

A large spec repeats itself (a thousand tables with ``DEFAULT now()`` and ``CHECK (amount >= 0)``),
so stand-ins are shared: defaults never name a column, and a check or an index that does not
name its table prints the same on any table with the same columns of the same types. Those go
into a few shared stand-ins, one per distinct set of columns they use; only policies, triggers,
generated columns and expressions that name their own table get a stand-in of their own,
named like the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from pgwright.errors import PlanError
from pgwright.introspect.catalog import (
    pipelined_transaction,
    read_catalog,
    send_temporary_schema_reads,
)
from pgwright.model import Catalog, Column, Index, Table
from pgwright.names import qualified, quote_ident, quote_literal
from pgwright.render.ddl import (
    check_clause,
    column_definition,
    create_enum_sql,
    create_extension_sql,
    create_function_sql,
    create_policy_sql,
    create_schema_sql,
    create_trigger_sql,
    function_signature,
    index_body,
)

PARTITION_KEY = "pgwright canon key"


def _same(spec_text: str | None, db_text: str | None) -> bool:
    # Exactly: a text that differs from the server's only in its spaces is not the server's
    # text either, and the comparison after canonicalization is exact.
    return spec_text == db_text


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
        # a serial's default is pgwright's own text, in the server's form, and names a
        # sequence the plan may be about to create
        if column.default is not None and not column.serial \
                and not _same(column.default, live_column.default):
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


def _added_values_sql(enum, existing) -> list[str] | None:
    """ALTER TYPE ... ADD VALUE for each value the spec adds to a live enum, or None when the
    spec does more than add (a value removed or moved)."""
    kept = [value for value in enum.values if value in existing.values]
    if kept != list(existing.values):
        return None
    name = f"{quote_ident(enum.schema)}.{quote_ident(enum.name)}"
    statements = []
    for position, value in enumerate(enum.values):
        if value in existing.values:
            continue
        place = (f"AFTER {quote_literal(enum.values[position - 1])}" if position
                 else f"BEFORE {quote_literal(existing.values[0])}")
        statements.append(f"ALTER TYPE {name} ADD VALUE {quote_literal(value)} {place}")
    return statements


def _kinds_stand_ins(spec: Catalog, live: Catalog) -> list[str]:
    """What the kinds with a spec key of their own make exist first (kinds/registry.py)."""
    from pgwright.kinds import KINDS

    return [statement for kind in KINDS
            if kind.stand_ins is not None and spec.manages(kind.name)
            for statement in kind.stand_ins(spec, live)]


def _prerequisites(spec: Catalog, live: Catalog, stand_ins: list[_StandIn],
                   enums_in_place: bool = True) -> list[str]:
    """What the stand-ins need to exist as the spec says: schemas, extensions, enum types,
    functions (policies and triggers call them) and tables (policies may query them).

    A live enum the spec only adds values to gets them in place (``enums_in_place``), so
    the live tables' columns keep comparing with the spec's type (a policy's subquery on a
    live table); a value added in the transaction cannot be used in it, though, so when an
    expression does, the caller asks again without, and the live type is stepped aside."""
    statements = ["SET LOCAL check_function_bodies = off"]
    statements += [create_schema_sql(s.name) for s in spec.schemas
                   if s.name not in live.schema_names]
    live_extensions = {e.name for e in live.extensions}
    statements += [create_extension_sql(e) for e in spec.extensions if e.name not in live_extensions]
    statements += _kinds_stand_ins(spec, live)
    live_enums = {e.key: e for e in live.enums}
    for enum in spec.enums:
        existing = live_enums.get(enum.key)
        if existing is not None and existing.values == enum.values:
            continue
        added = _added_values_sql(enum, existing) if existing is not None and enums_in_place \
            else None
        if added is not None:
            statements += added
            continue
        if existing is not None:
            # Step the live type aside (rolled back anyway) so the spec's values are the ones
            # the stand-ins see.
            statements.append(f"ALTER TYPE {quote_ident(enum.schema)}.{quote_ident(enum.name)} "
                              f"RENAME TO {quote_ident('pgwright_aside_' + enum.name[:40])}")
        statements.append(create_enum_sql(enum))
    live_functions = {f.key: f for f in live.functions}
    for function in spec.functions:
        current = live_functions.get(function.key)
        if current == function:
            continue
        if current is not None and (current.returns != function.returns or [
                a.name for a in current.arguments] != [a.name for a in function.arguments]):
            # CREATE OR REPLACE cannot change these; the plan drops and makes it again too.
            # (Rolled back with the rest: what CASCADE takes here comes back.)
            statements.append(f"DROP FUNCTION {function_signature(*current.key)} CASCADE")
        statements.append(create_function_sql(function))
    if any(stand_in.policies for stand_in in stand_ins):
        live_tables = live.tables_by_key()
        for table in spec.tables:
            if table.key not in live_tables:
                columns = ", ".join(column_definition(Column(c.name, c.type)) for c in table.columns)
                statements.append(f"CREATE TABLE {qualified(*table.key)} ({columns}, "
                                  f"{quote_ident(PARTITION_KEY)} integer) "
                                  f"PARTITION BY LIST ({quote_ident(PARTITION_KEY)})")
    return statements


# Identifiers in an expression, outside string literals: enough to tell which columns (and
# whether the table itself) a check or an index mentions. A false match only costs sharing.
_TOKEN = re.compile(r"""'(?:[^']|'')*'|"((?:[^"]|"")+)"|([^\W\d][\w$]*)""")


@lru_cache(maxsize=4096)
def _identifiers(sql: str) -> frozenset[str]:
    found = set()
    for match in _TOKEN.finditer(sql):
        quoted, bare = match.groups()
        if quoted is not None:
            found.add(quoted.replace('""', '"'))
        elif bare is not None:
            found.add(bare.lower())
    return frozenset(found)


@dataclass
class _SharedStandIn:
    """A stand-in with just the columns some checks and indexes use, shared by every table
    whose check or index reads the same (the key is the exact SQL, columns and all)."""

    name: str
    columns: tuple[Column, ...]
    checks: dict[str, str] = field(default_factory=dict)    # CHECK clause -> constraint name
    indexes: dict[str, str] = field(default_factory=dict)   # index body -> index name

    def add(self, kind: str, sql: str) -> None:
        """A check clause or an index body to print here, once however many tables have it."""
        if kind == "check":
            self.checks.setdefault(sql, f"c{len(self.checks)}")
        else:
            self.indexes.setdefault(sql, f"{self.name}_{len(self.indexes)}")


@dataclass
class _Plan:
    """Which stand-in prints which expression."""

    defaults: dict[tuple[str, str], str] = field(default_factory=dict)  # (type, default) -> column
    shared: dict[tuple[tuple[str, str], ...], _SharedStandIn] = field(default_factory=dict)
    # (table key, "check" or "index", its name) -> (shared stand-in, the SQL printed there)
    assigned: dict[tuple, tuple[str, str]] = field(default_factory=dict)
    own: list[_StandIn] = field(default_factory=list)  # what must be printed on a table of its own

    def default_column(self, column: Column) -> str:
        key = (column.type, column.default)
        return self.defaults.setdefault(key, f"d{len(self.defaults)}")

    def shared_for(self, table: Table, sql: str) -> _SharedStandIn | None:
        """The shared stand-in for an expression of ``table``, or None when it names the table."""
        mentioned = _identifiers(sql)
        if table.name in mentioned or table.name.lower() in mentioned:
            return None
        columns = tuple(Column(c.name, c.type) for c in table.columns if c.name in mentioned)
        key = tuple((c.name, c.type) for c in columns)
        if key not in self.shared:
            self.shared[key] = _SharedStandIn(f"pgwright_canon_shared_{len(self.shared)}", columns)
        return self.shared[key]


def _plan_stand_ins(needs: list[_StandIn]) -> _Plan:
    plan = _Plan()
    for need in needs:
        table = need.table
        own: dict[str, set[str]] = {"check": set(), "index": set()}
        for column in table.columns:
            if column.name in need.columns and column.default is not None and column.generated is None:
                plan.default_column(column)
        for kind, items, wanted, sql_of in (("check", table.checks, need.checks, check_clause),
                                            ("index", table.indexes, need.indexes, _index_sql_body)):
            for item in items:
                if item.name not in wanted:
                    continue
                sql = sql_of(item)
                shared = plan.shared_for(table, sql)
                if shared is None:
                    own[kind].add(item.name)
                else:
                    shared.add(kind, sql)
                    plan.assigned[(table.key, kind, item.name)] = (shared.name, sql)
        generated = frozenset(c.name for c in table.columns
                              if c.name in need.columns and c.generated is not None)
        if generated or own["check"] or own["index"] or need.policies or need.triggers:
            plan.own.append(replace(need, columns=generated, checks=frozenset(own["check"]),
                                    indexes=frozenset(own["index"])))
    return plan


def _index_sql_body(index: Index) -> str:
    return index_body(replace(index, unique=False))


def _shared_sql(plan: _Plan) -> list[str]:
    statements = []
    partition_key = f"{quote_ident(PARTITION_KEY)} integer"
    # Defaults in tables of at most 1000 columns (PostgreSQL allows 1600).
    defaults = list(plan.defaults.items())
    for start in range(0, len(defaults), 1000):
        columns = [column_definition(Column(name, type_, default=default))
                   for (type_, default), name in defaults[start:start + 1000]]
        statements.append(f"CREATE TEMP TABLE pgwright_canon_defaults_{start} "
                          f"({', '.join([*columns, partition_key])}) "
                          f"PARTITION BY LIST ({quote_ident(PARTITION_KEY)})")
    for shared in plan.shared.values():
        parts = [column_definition(column) for column in shared.columns]
        parts += [f"CONSTRAINT {name} {clause}" for clause, name in shared.checks.items()]
        statements.append(f"CREATE TEMP TABLE {shared.name} ({', '.join([*parts, partition_key])}) "
                          f"PARTITION BY LIST ({quote_ident(PARTITION_KEY)})")
        statements += [f"CREATE INDEX {name} ON pg_temp.{shared.name} {body}"
                       for body, name in shared.indexes.items()]
    return statements


def canonicalize(connection, spec: Catalog, live: Catalog) -> Catalog:
    """The spec with every expression that can be compared to the live one in server form.

    The server's print of an expression is not always a fixed point. ``status IN ('a')`` on
    a varchar column prints as ``(status)::text = ANY ((ARRAY['a'::character varying])::text[])``;
    that text, read back (from an inspected spec, or from pg_dump's output), is stored as
    another expression, with the cast moved into each element, and prints differently. So
    where the spec's print still differs from the live text, both are printed once more: two
    texts whose prints meet are the same expression, and the spec then compares as the live
    text.
    """
    live_tables = live.tables_by_key()
    needs = _all_needs(spec, live)
    if not needs:
        return spec
    printed = _print_on_server(connection, spec, live, needs)
    unequal = [still for need in needs
               if (still := _needs(printed[need.table.key], live_tables[need.table.key]))]
    if unequal:
        spec_printed = replace(spec, tables=tuple(printed.get(t.key, t) for t in spec.tables))
        twice = _print_on_server(connection, spec_printed, live, unequal)
        live_again = _print_on_server(
            connection, live, live, [replace(need, table=live_tables[need.table.key])
                                     for need in unequal])
        for need in unequal:
            key = need.table.key
            printed[key] = _as_live_where_same(need, [printed[key], twice[key]],
                                               live_again[key], live_tables[key])
    canonical = {need.table.key: _keep_written(need.table, printed[need.table.key]) for need in needs}
    return replace(spec, tables=tuple(canonical.get(t.key, t) for t in spec.tables))


def _all_needs(spec: Catalog, live: Catalog) -> list[_StandIn]:
    live_tables = live.tables_by_key()
    return [need for table in spec.tables
            if table.key in live_tables and (need := _needs(table, live_tables[table.key]))]


def server_prints(connection, spec: Catalog, live: Catalog) -> dict:
    """``{table key: table}`` for each table of ``spec`` whose expressions are not the live
    text: the table with those expressions as the server prints them (once, no second pass)."""
    needs = _all_needs(spec, live)
    return _print_on_server(connection, spec, live, needs) if needs else {}


def _print_on_server(connection, spec: Catalog, live: Catalog, needs: list[_StandIn]) -> dict:
    """Each needing table with the expressions ``needs`` names as the server prints them."""
    plan = _plan_stand_ins(needs)
    # pg_temp goes last, so unqualified names in expressions find the real tables first.
    search_path = ", ".join([*(quote_ident(s) for s in spec.schema_names), "pg_temp"])
    names = _stand_in_names(plan.own)
    own_batches = [_stand_in_sql(number, name, stand_in)
                   for number, (name, stand_in) in enumerate(zip(names, plan.own, strict=True))]
    stand_ins = [*_shared_sql(plan), *(s for batch in own_batches for s in batch)]
    if not stand_ins:  # nothing to print: a live column without the default the spec gives it
        return {need.table.key: need.table for need in needs}
    prerequisites = _prerequisites(spec, live, needs)
    try:
        printed, temp_schema = _printed_pipelined(connection, search_path, prerequisites,
                                                  stand_ins)
    except Exception:
        # The server refused something: the same again step by step, which finds out why
        # (an enum value the transaction added, or an expression of the spec) and says so.
        printed, temp_schema = _printed_step_by_step(connection, search_path, spec, live,
                                                     needs, stand_ins)
    printed_shared = _PrintedShared.read(plan, printed, temp_schema)
    own = {need.table.key: _apply(number, need, printed[(temp_schema, names[number])])
           for number, need in enumerate(plan.own)}
    return {need.table.key: printed_shared.apply(need, own.get(need.table.key, need.table))
            for need in needs}


def _printed_pipelined(connection, search_path: str, prerequisites: list[str],
                       stand_ins: list[str]) -> tuple[dict, str]:
    """The stand-ins built and read back in a transaction that is rolled back, every
    statement pipelined (the catalog queries find the temporary schema themselves): two round
    trips, whatever their number."""
    with pipelined_transaction(connection, rollback=True):
        connection.execute(f"SET LOCAL search_path = {search_path}")
        connection.execute("SET LOCAL jit = off")  # as for every catalog read (catalog.py)
        for statement in [*prerequisites, *stand_ins]:
            connection.execute(statement)
        connection.execute("SET LOCAL search_path = ''")
        printed = send_temporary_schema_reads(connection).catalog()
    return printed.tables_by_key(), printed.schema_names[0]


_TEMP_SCHEMA_SQL = ("SELECT nspname FROM pg_catalog.pg_namespace "
                    "WHERE oid = pg_catalog.pg_my_temp_schema()")


def _printed_step_by_step(connection, search_path: str, spec: Catalog, live: Catalog,
                          needs: list[_StandIn], stand_ins: list[str]) -> tuple[dict, str]:
    """Like :func:`_printed_pipelined`, each statement waited for: when the server refuses
    a stand-in, the live enums the spec adds values to are stepped aside, or the expression
    the server rejected is named."""
    with connection.transaction(force_rollback=True):
        connection.execute(f"SET LOCAL search_path = {search_path}")
        connection.execute("SET LOCAL jit = off")  # as for every catalog read (catalog.py)
        def precise() -> list[list[str]]:  # each table on its own, to say which one failed
            return [_stand_in_sql(number, f"pgwright_canon_{number}", need)
                    for number, need in enumerate(needs)]

        try:
            with connection.transaction():
                _build_stand_ins(connection, _prerequisites(spec, live, needs), stand_ins)
        except Exception as error:
            # A value added in place that an expression uses: step the live type aside.
            in_place = getattr(error, "sqlstate", None) != "55P04"  # unsafe_new_enum_value_usage
            prerequisites = _prerequisites(spec, live, needs, enums_in_place=in_place)
            if in_place:
                for statement in prerequisites:
                    connection.execute(statement)
                # Say which table's expression the server rejected, building each on its own.
                _raise_precise_errors(connection, needs, precise())
                raise
            try:
                with connection.transaction():
                    _build_stand_ins(connection, prerequisites, stand_ins)
            except Exception:
                for statement in prerequisites:
                    connection.execute(statement)
                _raise_precise_errors(connection, needs, precise())
                raise
        connection.execute("SET LOCAL search_path = ''")
        temp_schema = connection.execute(_TEMP_SCHEMA_SQL).fetchone()[0]
        return read_catalog(connection, [temp_schema]).tables_by_key(), temp_schema


def _build_stand_ins(connection, prerequisites: list[str], stand_ins: list[str]) -> None:
    for statement in prerequisites:
        connection.execute(statement)
    connection.execute(";\n".join(stand_ins))


def _rejection(connection, statements: list[str]) -> str | None:
    """The first line of the server's error for ``statements``, run in a savepoint that is
    rolled back (so the next try can use the same stand-in name); None when it accepts them."""
    try:
        with connection.transaction(force_rollback=True):
            for statement in statements:
                connection.execute(statement)
    except Exception as error:
        return str(error).splitlines()[0]
    return None


def _each_expression(need: _StandIn):
    """(spec origin, a stand-in of that one object) for each object ``need`` names."""
    empty = replace(need, columns=frozenset(), checks=frozenset(), indexes=frozenset(),
                    policies=frozenset(), triggers=frozenset())
    for kind, items in (("columns", need.table.columns), ("checks", need.table.checks),
                        ("indexes", need.table.indexes), ("policies", need.table.policies),
                        ("triggers", need.table.triggers)):
        for item in items:
            if item.name in getattr(need, kind):
                yield item.origin or item.name, replace(empty, **{kind: frozenset({item.name})})


def _as_live_where_same(need: _StandIn, spec_prints: list[Table], live_print: Table,
                        live: Table) -> Table:
    """The spec's table as first printed (``spec_prints[0]``), with each expression ``need``
    names taking the live text where one of the spec's prints equals the live text's print."""
    printed = spec_prints[0]

    def same(get) -> bool:
        return any(get(table) == get(live_print) for table in spec_prints)

    def columns():
        for column in printed.columns:
            if column.name in need.columns:
                name, now = column.name, live.column(column.name)
                if column.default is not None and same(lambda t: t.column(name).default):
                    column = replace(column, default=now.default)
                if column.generated is not None and same(lambda t: t.column(name).generated):
                    column = replace(column, generated=now.generated)
            yield column

    def named(kind: str, wanted: frozenset[str], fields: tuple[str, ...]):
        now = {item.name: item for item in getattr(live, kind)}
        for item in getattr(printed, kind):
            if item.name in wanted and same(lambda t, name=item.name: tuple(
                    getattr(other, f) for other in getattr(t, kind) if other.name == name
                    for f in fields)):
                item = replace(item, **{f: getattr(now[item.name], f) for f in fields})
            yield item

    return replace(printed, columns=tuple(columns()),
                   checks=tuple(named("checks", need.checks, ("expression",))),
                   indexes=tuple(named("indexes", need.indexes, ("keys", "where"))),
                   policies=tuple(named("policies", need.policies, ("using", "with_check"))),
                   triggers=tuple(named("triggers", need.triggers, ("when",))))


def _keep_written(written: Table, canonical: Table) -> Table:
    """``canonical`` with each object the server's text changed keeping the spec's own in
    ``written``: the plan runs what the spec wrote. The server's text is for comparing only:
    read back, it is not always stored as it was printed (x IN ('a', 'b') on a varchar
    column prints as an ANY over a text[] cast that is stored as another expression)."""
    def keep(canonical_items, written_items):
        return tuple(item if item == original else replace(item, written=original)
                     for item, original in zip(canonical_items, written_items, strict=True))

    return replace(canonical, columns=keep(canonical.columns, written.columns),
                   checks=keep(canonical.checks, written.checks),
                   indexes=keep(canonical.indexes, written.indexes),
                   policies=keep(canonical.policies, written.policies),
                   triggers=keep(canonical.triggers, written.triggers))


@dataclass(frozen=True)
class _PrintedShared:
    """What the server printed on the shared stand-ins, by the SQL the spec gave it."""

    plan: _Plan
    defaults: dict[tuple[str, str], str | None]
    checks: dict[tuple[str, str], str]          # (stand-in, CHECK clause) -> printed expression
    indexes: dict[tuple[str, str], Index]       # (stand-in, index body) -> printed index

    @classmethod
    def read(cls, plan: _Plan, printed: dict, temp_schema: str) -> _PrintedShared:
        default_columns = {column.name: column
                           for (schema, name), table in printed.items()
                           if schema == temp_schema and name.startswith("pgwright_canon_defaults_")
                           for column in table.columns}
        defaults = {key: default_columns[name].default for key, name in plan.defaults.items()}
        checks, indexes = {}, {}
        for shared in plan.shared.values():
            table = printed[(temp_schema, shared.name)]
            printed_checks = {check.name: check.expression for check in table.checks}
            checks.update({(shared.name, clause): printed_checks[name]
                           for clause, name in shared.checks.items()})
            printed_indexes = {index.name: index for index in table.indexes}
            indexes.update({(shared.name, body): printed_indexes[name]
                            for body, name in shared.indexes.items()})
        return cls(plan, defaults, checks, indexes)

    def apply(self, need: _StandIn, table: Table) -> Table:
        """``table`` (already carrying what its own stand-in printed) with the shared results."""
        assigned = self.plan.assigned
        changes = {}
        if any(column.name in need.columns and column.generated is None
               for column in table.columns):
            changes["columns"] = tuple(
                replace(column, default=self.defaults[(column.type, column.default)])
                if column.name in need.columns and column.default is not None
                and column.generated is None else column
                for column in table.columns)
        if need.checks:
            changes["checks"] = tuple(
                replace(check, expression=self.checks[assigned[(table.key, "check", check.name)]])
                if (table.key, "check", check.name) in assigned else check
                for check in table.checks)
        if need.indexes:
            indexes = []
            for index in table.indexes:
                where = assigned.get((table.key, "index", index.name))
                if where is not None:
                    printed = self.indexes[where]
                    index = replace(index, keys=printed.keys, where=printed.where)
                indexes.append(index)
            changes["indexes"] = tuple(indexes)
        return replace(table, **changes) if changes else table


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
    """Re-run the stand-ins one by one to say which expression the server rejected; in a
    rejected one, each expression alone, to name its spec line (``schema.yaml:7 ...``)."""
    problems = []
    for number, (need, batch) in enumerate(zip(stand_ins, batches, strict=True)):
        message = _rejection(connection, batch)
        if message is None:
            continue
        located = [f"{origin}: {rejected}" for origin, alone in _each_expression(need)
                   if (rejected := _rejection(connection, _stand_in_sql(
                       number, f"pgwright_canon_{number}", alone))) is not None]
        problems += located or [f"{need.table.origin or need.table.name}: {message}"]
    if problems:
        raise PlanError("the server rejected an expression in the spec:\n  "
                        + "\n  ".join(problems))

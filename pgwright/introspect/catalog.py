"""Read the managed schemas of a live database into a :class:`~pgwright.model.Catalog`."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import cache, lru_cache

from pgwright.errors import IntrospectionError
from pgwright.gcpause import without_collector
from pgwright.introspect import queries
from pgwright.model import (
    TABLE_PRIVILEGES,
    Catalog,
    CheckConstraint,
    Column,
    Enum,
    Extension,
    ForeignKey,
    Function,
    FunctionArgument,
    Grant,
    Identity,
    Index,
    Policy,
    PolicyCommand,
    PrimaryKey,
    ReferentialAction,
    RowLevelSecurity,
    Schema,
    Table,
    Trigger,
    UniqueConstraint,
)
from pgwright.normalize import closing_parenthesis, parse_search_path, split_top_level

# The catalog queries read columns that PostgreSQL 13 added (pg_trigger.tgparentid).
OLDEST_SERVER_VERSION = 130000


@contextmanager
def catalog_snapshot(connection):
    """A read-only, repeatable-read transaction with an empty search_path, in pipeline mode.

    The empty search_path makes the server qualify every name outside pg_catalog, so the
    text it prints does not depend on the session that reads it. A server older than
    PostgreSQL 13 is refused here, before any catalog query.

    Inside, statements are sent without waiting for the previous one's result (psycopg's
    pipeline mode): the queries of one stage travel together, and waiting for the last one's
    rows waits one round trip for all of them (see :class:`PendingRows`).
    """
    from psycopg.pq import TransactionStatus

    version = connection.info.server_version
    if version < OLDEST_SERVER_VERSION:
        raise IntrospectionError(
            f"PostgreSQL {version // 10000}.{version % 10000} is not supported: pgwright "
            f"reads the catalogs of PostgreSQL {OLDEST_SERVER_VERSION // 10000} and newer")

    outermost = connection.info.transaction_status == TransactionStatus.IDLE
    with pipelined_transaction(connection, first=(
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY" if outermost else None)):
        # Catalog queries are cheap but look costly to the planner: JIT compiling them costs
        # more than running them (PostgreSQL 15's default jit = on).
        previous = connection.execute(
            "SELECT pg_catalog.current_setting('search_path'),"
            " pg_catalog.set_config('search_path', '', true),"
            " pg_catalog.set_config('jit', 'off', true)")
        yield connection
        if not outermost:
            # inside the caller's transaction a released savepoint keeps SET LOCAL: put it back
            connection.execute("SELECT pg_catalog.set_config('search_path', %s, true)",
                               (previous.fetchone()[0],))


@contextmanager
def pipelined_transaction(connection, first: str | None = None, rollback: bool = False):
    """A transaction in pipeline mode, rolled back at the end when ``rollback``; ``first``
    is its first statement (SET TRANSACTION ...).

    On an idle autocommit connection its BEGIN and its COMMIT (or ROLLBACK) travel in the
    pipeline with the statements, so a transaction whose results are waited for once costs
    two round trips: psycopg's own transaction() waits for BEGIN, for the end of the
    pipeline and for COMMIT, each. Inside the caller's transaction it is a savepoint, as
    psycopg's transaction() makes it.
    """
    from psycopg import Pipeline
    from psycopg.pq import TransactionStatus

    if not (Pipeline.is_supported() and getattr(connection, "autocommit", False)
            and connection.info.transaction_status == TransactionStatus.IDLE):
        with connection.transaction(force_rollback=rollback), pipelined(connection):
            if first:
                connection.execute(first)
            yield
        return
    with connection.pipeline() as pipeline:
        connection.execute("BEGIN")
        if first:
            connection.execute(first)
        try:
            yield
        except BaseException:
            try:
                pipeline.sync()  # out of the aborted pipeline, if a statement failed
            except Exception:  # the error the caller is already handling, reported again
                pass
            connection.execute("ROLLBACK")
            raise
        connection.execute("ROLLBACK" if rollback else "COMMIT")


def pipelined(connection):
    """psycopg's pipeline mode on ``connection``, where its libpq has it."""
    from contextlib import nullcontext

    from psycopg import Pipeline

    return connection.pipeline() if Pipeline.is_supported() else nullcontext()


class PendingRows:
    """Queries sent, their rows not yet waited for.

    In pipeline mode the server runs them one after the other while the client goes on;
    :meth:`rows` waits for the last one first, so that one round trip brings every result.
    Outside pipeline mode each query runs as it is sent.
    """

    def __init__(self, connection, queries: Sequence[tuple[str, object]]):
        self._cursors = [_sent(connection, sql, params) for sql, params in queries]

    def rows(self) -> list[list[tuple]]:
        """Each query's rows, in the order they were sent."""
        try:
            if not self._cursors:
                return []
            last = self._cursors[-1].fetchall()  # arrives last: the earlier ones are then in
            return [cursor.fetchall() for cursor in self._cursors[:-1]] + [last]
        except Exception as error:  # the driver's errors carry the server's message
            raise IntrospectionError(f"catalog query failed: {error}") from error


def _sent(connection, sql: str, params):
    try:
        return connection.execute(sql, params)
    except Exception as error:  # outside pipeline mode the query has run: its error is here
        raise IntrospectionError(f"catalog query failed: {error}") from error


def _rows(connection, sql: str, params: dict) -> list[tuple]:
    return PendingRows(connection, [(sql, params)]).rows()[0]


@without_collector
def introspect(connection, schemas: Sequence[str]) -> Catalog:
    """The model of every object pgwright manages in ``schemas``.

    Runs a fixed number of catalog queries, whatever the number of tables.

    >>> with psycopg.connect(url) as connection:  # doctest: +SKIP
    ...     catalog = introspect(connection, ["public"])
    """
    with catalog_snapshot(connection):
        return read_catalog(connection, list(schemas))


def read_catalog(connection, schemas: list[str]) -> Catalog:
    """Like :func:`introspect`, inside a transaction the caller already holds."""
    return send_catalog_reads(connection, schemas).catalog()


# The catalog queries in the order they are sent, each once whatever the number of tables.
CATALOG_QUERIES = ("SCHEMAS", "EXTENSIONS", "ENUMS", "TABLES", "COLUMNS", "CONSTRAINTS",
                   "INDEXES", "FUNCTIONS", "POLICIES", "TRIGGERS", "GRANTS")


class PendingCatalog:
    """The catalog queries of :func:`read_catalog`, sent and not yet waited for; of the
    session's temporary schema when ``schemas`` is None."""

    def __init__(self, connection, schemas: list[str] | None):
        self.schemas = schemas
        self._kinds = _queried_kinds()
        sql = [getattr(queries, name) for name in CATALOG_QUERIES]
        sql += [kind.query.sql for kind in self._kinds]
        if schemas is None:
            sent = [(_of_temporary_schema(text), {"schemas": []}) for text in sql]
        else:
            sent = [(text, {"schemas": schemas}) for text in sql]
        self._pending = PendingRows(connection, sent)

    def catalog(self) -> Catalog:
        all_rows = self._pending.rows()
        rows = dict(zip(CATALOG_QUERIES, all_rows, strict=False))
        schemas = self.schemas if self.schemas is not None else [
            name for name, _ in rows["SCHEMAS"]]
        catalog = build_catalog(schemas, rows["SCHEMAS"], rows["EXTENSIONS"], rows["ENUMS"],
                                rows["TABLES"], rows["COLUMNS"], rows["CONSTRAINTS"],
                                rows["INDEXES"], rows["POLICIES"], rows["TRIGGERS"],
                                rows["GRANTS"])
        # the kinds with a query of their own: a database speaks for every one of them
        owned = tuple(sorted(
            (kind.name, tuple(sorted(kind.query.build(kind_rows), key=lambda o: o.key)))
            for kind, kind_rows in zip(self._kinds, all_rows[len(CATALOG_QUERIES):],
                                       strict=True)))
        return replace(catalog, functions=tuple(_function(row) for row in rows["FUNCTIONS"]),
                       owned=owned)


def _queried_kinds():
    from pgwright.kinds import KINDS

    return tuple(kind for kind in KINDS if kind.query is not None)


def send_catalog_reads(connection, schemas: list[str]) -> PendingCatalog:
    """Send the catalog queries of ``schemas``; ``.catalog()`` waits for them and builds the
    model. In a :func:`catalog_snapshot` they travel together, with whatever is sent next."""
    return PendingCatalog(connection, list(schemas))


def send_temporary_schema_reads(connection) -> PendingCatalog:
    """Like :func:`send_catalog_reads`, for the session's temporary schema (pg_temp), whose
    name the queries find themselves: they can be sent in the same round trip as the
    statements that create its first table."""
    return PendingCatalog(connection, None)


_MANAGED_NAMESPACE = "n.nspname = ANY(%(schemas)s)"


def _of_temporary_schema(sql: str) -> str:
    """A catalog query of queries.py, over the session's temporary schema instead of the
    managed ones (each query names the managed schemas' namespace ``n``, and no other's)."""
    if sql is queries.EXTENSIONS:  # not by schema: build_catalog keeps the schemas' own
        return sql
    if sql.count(_MANAGED_NAMESPACE) != 1:
        raise IntrospectionError("a catalog query does not select its schemas as "
                                 f"'{_MANAGED_NAMESPACE}': {sql[:80]}")
    return sql.replace(_MANAGED_NAMESPACE, "n.oid = pg_catalog.pg_my_temp_schema()")


def build_catalog(schemas, schema_rows, extension_rows, enum_rows, table_rows, column_rows,
                  constraint_rows, index_rows, policy_rows=(), trigger_rows=(),
                  grant_rows=()) -> Catalog:
    columns: dict[int, list[Column]] = defaultdict(list)
    attribute_names: dict[int, dict[int, str]] = defaultdict(dict)
    for relid, number, name, type_, notnull, default, identity, generated, comment, collation \
            in column_rows:
        columns[relid].append(_column(name, type_, notnull, default, identity, generated, comment,
                                      collation))
        attribute_names[relid][number] = name
    primary: dict[int, PrimaryKey] = {}
    uniques: dict[int, list[UniqueConstraint]] = defaultdict(list)
    checks: dict[int, list[CheckConstraint]] = defaultdict(list)
    foreign_keys: dict[int, list[ForeignKey]] = defaultdict(list)
    for row in constraint_rows:
        (relid, name, kind, key, target_relid, target_key, target_schema, target_table,
         outside_target_columns, on_delete, on_update, deferrable, deferred, validated,
         expression) = row
        names = attribute_names[relid]
        cols = [names[number] for number in key or ()]
        if kind == "p":
            primary[relid] = PrimaryKey(name, tuple(cols))
        elif kind == "u":
            uniques[relid].append(UniqueConstraint(name, tuple(cols)))
        elif kind == "c":
            checks[relid].append(CheckConstraint(name, expression))
        elif kind == "f":
            foreign_keys[relid].append(ForeignKey(
                name=name, columns=tuple(cols), target_schema=target_schema,
                target_table=target_table,
                target_columns=tuple(outside_target_columns if outside_target_columns is not None
                                     else (attribute_names[target_relid][n] for n in target_key)),
                on_delete=_ACTIONS[on_delete], on_update=_ACTIONS[on_update],
                deferrable=deferrable, initially_deferred=deferred, validated=validated,
            ))
    indexes: dict[int, list[Index]] = defaultdict(list)
    for relid, name, unique, method, predicate, valid, definition in index_rows:
        keys, include = index_parts(definition, method)
        indexes[relid].append(Index(name=name, keys=keys, unique=unique, method=method,
                                    where=predicate, include=include, valid=valid))
    policies: dict[int, list[Policy]] = defaultdict(list)
    for relid, name, command, permissive, roles, using, with_check in policy_rows:
        policies[relid].append(Policy(name=name, command=PolicyCommand(command),
                                      permissive=permissive, roles=tuple(sorted(roles)),
                                      using=using, with_check=with_check))
    triggers: dict[int, list[Trigger]] = defaultdict(list)
    for relid, name, kind, function_schema, function_name, columns_of, definition in trigger_rows:
        triggers[relid].append(_trigger(name, kind, function_schema, function_name,
                                        columns_of, definition))
    grants: dict[int, list[Grant]] = defaultdict(list)
    for relid, role, privileges in grant_rows:
        grants[relid].append(_grant(role, frozenset(privileges)))
    none = ()
    tables = tuple(
        Table(
            schema=schema, name=name, columns=tuple(columns.get(relid, none)),
            primary_key=primary.get(relid), uniques=tuple(uniques.get(relid, none)),
            checks=tuple(checks.get(relid, none)), foreign_keys=tuple(foreign_keys.get(relid, none)),
            indexes=tuple(indexes.get(relid, none)), comment=comment,
            row_level_security=_row_level_security(rls, forced),
            policies=tuple(policies.get(relid, none)), triggers=tuple(triggers.get(relid, none)),
            grants=tuple(grants.get(relid, none)),
        )
        for relid, schema, name, comment, rls, forced in table_rows
    )
    return Catalog(
        schemas=tuple(Schema(name, comment) for name, comment in
                      sorted(schema_rows, key=lambda row: schemas.index(row[0]))),
        extensions=tuple(Extension(name, schema) for name, schema in extension_rows
                         if schema in schemas),
        enums=tuple(Enum(schema, name, tuple(labels), comment)
                    for schema, name, labels, comment in enum_rows),
        tables=tables,
    )


_ACTIONS = {action.value: action for action in ReferentialAction}


@cache
def _row_level_security(enabled: bool, forced: bool) -> RowLevelSecurity:
    return RowLevelSecurity(enabled=enabled, forced=forced)


@lru_cache(maxsize=4096)
def _grant(role: str, privileges: frozenset[str]) -> Grant:
    # tables grant the same few sets to the same few roles: equal grants share one Grant
    return Grant(role, tuple(p for p in TABLE_PRIVILEGES if p in privileges))


# pg_trigger.tgtype bits
_ROW, _BEFORE, _INSERT, _DELETE, _UPDATE, _TRUNCATE, _INSTEAD = 1, 2, 4, 8, 16, 32, 64
_WHEN = re.compile(r" WHEN \((?P<condition>.*)\) EXECUTE (?:FUNCTION|PROCEDURE) ", re.DOTALL)


def _trigger(name, kind, function_schema, function_name, columns, definition) -> Trigger:
    timing = "INSTEAD OF" if kind & _INSTEAD else "BEFORE" if kind & _BEFORE else "AFTER"
    events = tuple(event for bit, event in ((_INSERT, "INSERT"), (_UPDATE, "UPDATE"),
                                            (_DELETE, "DELETE"), (_TRUNCATE, "TRUNCATE"))
                   if kind & bit)
    match = _WHEN.search(definition)
    return Trigger(name=name, timing=timing, events=events,
                   level="ROW" if kind & _ROW else "STATEMENT",
                   function_schema=function_schema, function_name=function_name,
                   when=match.group("condition") if match else None, columns=tuple(columns))


_VOLATILITY = {"v": "volatile", "s": "stable", "i": "immutable"}


def _function(row) -> Function:
    (schema, name, argument_names, argument_types, returns, language, volatility, definer,
     config, body, comment) = row
    setting = next((item.partition("=")[2] for item in config or ()
                    if item.startswith("search_path=")), None)
    search_path = None
    if setting is not None:
        # stored with each schema quoted as needed; SET search_path = '' is stored as ""
        search_path = parse_search_path(setting)
        if search_path is None:  # not as the server writes it: kept whole, as one name
            search_path = (setting,)
    return Function(
        schema=schema, name=name,
        arguments=tuple(FunctionArgument(n, t) for n, t in
                        zip(argument_names, argument_types, strict=True)),
        returns=returns, language=language, body=body.strip(), volatility=_VOLATILITY[volatility],
        security_definer=definer, search_path=search_path, comment=comment, source=body,
    )


def index_parts(definition: str, method: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The keys and INCLUDE columns of ``CREATE INDEX ... USING method (keys) [INCLUDE (...)]``,
    each key as the server prints it with its operator class, ordering and collation
    (``payload jsonb_path_ops``, ``created_at DESC``)."""
    marker = f" USING {method} "
    start = definition.find(marker)
    if start < 0:
        raise IntrospectionError(f"cannot read the keys of index definition: {definition}")
    keys, end = _parenthesized(definition, start + len(marker))
    include: list[str] = []
    if definition.startswith(" INCLUDE ", end):
        include, _ = _parenthesized(definition, end + len(" INCLUDE "))
    return tuple(keys), tuple(_unquote(column) for column in include)


def index_keys(definition: str | None, method: str) -> tuple[str, ...] | None:
    """The keys of an index definition (see :func:`index_parts`); None if it cannot be read."""
    if definition is None:
        return None
    try:
        return index_parts(definition, method)[0]
    except IntrospectionError:
        return None


_NEEDS_PARSING = re.compile("[(\"']")


def _parenthesized(text: str, start: int) -> tuple[list[str], int]:
    """The comma-separated items of the parenthesized list opening at ``text[start]``,
    and the position just past its closing parenthesis."""
    close = text.find(")", start)
    simple = text[start + 1:close]
    if close > 0 and not _NEEDS_PARSING.search(simple):
        return [item.strip() for item in simple.split(",")], close + 1  # plain column names
    close = closing_parenthesis(text, start)
    if close is None:
        raise IntrospectionError(f"unbalanced parentheses in index definition: {text}")
    return split_top_level(text[start + 1:close]), close + 1


def _unquote(key: str) -> str:
    if key.startswith('"') and key.endswith('"'):
        return key[1:-1].replace('""', '"')
    return key


# Columns repeat across tables (id, organization_id, created_at): equal rows share one frozen
# Column, which saves a third of the Python time of reading a large catalog.
@lru_cache(maxsize=65536)
def _column(name, type_, notnull, default, identity, generated, comment,
            collation=None) -> Column:
    is_generated = generated == "s"
    return Column(
        name=name,
        type=type_,
        nullable=not notnull,
        default=None if is_generated else default,
        identity=Identity(identity) if identity else None,
        generated=default if is_generated else None,
        comment=comment,
        collation=collation,
    )


def read_user_types(connection, schemas: Sequence[str]) -> dict[str, str]:
    """User type name, bare or qualified -> its format_type() form, managed schemas first.

    The server's own spelling, not one quoted by pgwright: which words are keywords, and so
    quoted, changes from one PostgreSQL version to the next.
    """
    return user_types(_rows(connection, *user_types_query(schemas)))


def user_types_query(schemas: Sequence[str]) -> tuple[str, dict]:
    return queries.USER_TYPES, {"schemas": list(schemas)}


def user_types(rows) -> dict[str, str]:
    """:func:`read_user_types` from the rows of :func:`user_types_query`."""
    found: dict[str, str] = {}
    for schema, name, printed in rows:
        found.setdefault(name, printed)
        found.setdefault(f"{schema}.{name}", printed)
    return found


def read_external_columns(connection, relations: Sequence[str]) -> dict[tuple[str, str], dict]:
    """Columns and types of relations outside the managed schemas, by (schema, table)."""
    if not relations:
        return {}
    return external_columns(_rows(connection, *external_columns_query(relations)))


def external_columns_query(relations: Sequence[str]) -> tuple[str, dict]:
    return queries.EXTERNAL_COLUMNS, {"relations": list(relations)}


def external_columns(rows) -> dict[tuple[str, str], dict]:
    """:func:`read_external_columns` from the rows of :func:`external_columns_query`."""
    result: dict[tuple[str, str], dict] = defaultdict(dict)
    for schema, table, column, type_ in rows:
        result[(schema, table)][column] = type_
    return dict(result)


def read_missing_roles(connection, roles) -> list[str]:
    """The roles of ``roles`` the server does not have."""
    if not roles:
        return []
    return missing_roles(roles, _rows(connection, *roles_query(roles)))


def roles_query(roles) -> tuple[str, dict]:
    return queries.ROLES, {"roles": list(roles)}


def missing_roles(roles, rows) -> list[str]:
    """:func:`read_missing_roles` from the rows of :func:`roles_query`."""
    found = {row[0] for row in rows}
    return sorted(set(roles) - found - {"public"})

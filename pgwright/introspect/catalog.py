"""Read the managed schemas of a live database into a :class:`~pgwright.model.Catalog`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from contextlib import contextmanager

from pgwright.errors import IntrospectionError
from pgwright.introspect import queries
from pgwright.model import (
    Catalog,
    CheckConstraint,
    Column,
    Enum,
    Extension,
    ForeignKey,
    Identity,
    Index,
    PrimaryKey,
    ReferentialAction,
    Schema,
    Table,
    UniqueConstraint,
)
from pgwright.names import quote_ident


@contextmanager
def catalog_snapshot(connection):
    """A read-only, repeatable-read transaction with an empty search_path.

    The empty search_path makes the server qualify every name outside pg_catalog, so the
    text it prints does not depend on the session that reads it.
    """
    from psycopg.pq import TransactionStatus

    outermost = connection.info.transaction_status == TransactionStatus.IDLE
    with connection.transaction():
        if outermost:
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        previous = connection.execute("SELECT pg_catalog.current_setting('search_path')").fetchone()[0]
        connection.execute("SET LOCAL search_path = ''")
        yield connection
        if not outermost:
            # inside the caller's transaction a released savepoint keeps SET LOCAL: put it back
            connection.execute("SELECT pg_catalog.set_config('search_path', %s, true)", (previous,))


def _rows(connection, sql: str, params: dict) -> list[tuple]:
    try:
        return connection.execute(sql, params).fetchall()
    except Exception as error:  # the driver's errors carry the server's message
        raise IntrospectionError(f"catalog query failed: {error}") from error


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
    params = {"schemas": schemas}
    schema_rows = _rows(connection, queries.SCHEMAS, params)
    extension_rows = _rows(connection, queries.EXTENSIONS, params)
    enum_rows = _rows(connection, queries.ENUMS, params)
    table_rows = _rows(connection, queries.TABLES, params)
    column_rows = _rows(connection, queries.COLUMNS, params)
    constraint_rows = _rows(connection, queries.CONSTRAINTS, params)
    index_rows = _rows(connection, queries.INDEXES, params)
    return build_catalog(schemas, schema_rows, extension_rows, enum_rows, table_rows,
                         column_rows, constraint_rows, index_rows)


def build_catalog(schemas, schema_rows, extension_rows, enum_rows, table_rows, column_rows,
                  constraint_rows, index_rows) -> Catalog:
    columns: dict[int, list[Column]] = defaultdict(list)
    for relid, name, type_, notnull, default, identity, generated, comment in column_rows:
        columns[relid].append(_column(name, type_, notnull, default, identity, generated, comment))
    primary: dict[int, PrimaryKey] = {}
    uniques: dict[int, list[UniqueConstraint]] = defaultdict(list)
    checks: dict[int, list[CheckConstraint]] = defaultdict(list)
    foreign_keys: dict[int, list[ForeignKey]] = defaultdict(list)
    for row in constraint_rows:
        (relid, name, kind, cols, target_schema, target_table, target_cols, on_delete,
         on_update, deferrable, deferred, validated, expression) = row
        if kind == "p":
            primary[relid] = PrimaryKey(name, tuple(cols))
        elif kind == "u":
            uniques[relid].append(UniqueConstraint(name, tuple(cols)))
        elif kind == "c":
            checks[relid].append(CheckConstraint(name, expression))
        elif kind == "f":
            foreign_keys[relid].append(ForeignKey(
                name=name, columns=tuple(cols), target_schema=target_schema,
                target_table=target_table, target_columns=tuple(target_cols),
                on_delete=ReferentialAction(on_delete), on_update=ReferentialAction(on_update),
                deferrable=deferrable, initially_deferred=deferred, validated=validated,
            ))
    indexes: dict[int, list[Index]] = defaultdict(list)
    for relid, name, unique, method, keys, include, predicate, valid in index_rows:
        indexes[relid].append(Index(name=name, keys=tuple(keys), unique=unique, method=method,
                                    where=predicate, include=tuple(_unquote(k) for k in include),
                                    valid=valid))
    tables = tuple(
        Table(
            schema=schema, name=name, columns=tuple(columns[relid]),
            primary_key=primary.get(relid), uniques=tuple(uniques[relid]),
            checks=tuple(checks[relid]), foreign_keys=tuple(foreign_keys[relid]),
            indexes=tuple(indexes[relid]), comment=comment,
        )
        for relid, schema, name, comment in table_rows
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


def _unquote(key: str) -> str:
    if key.startswith('"') and key.endswith('"'):
        return key[1:-1].replace('""', '"')
    return key


def _column(name, type_, notnull, default, identity, generated, comment) -> Column:
    is_generated = generated == "s"
    return Column(
        name=name,
        type=type_,
        nullable=not notnull,
        default=None if is_generated else default,
        identity=Identity(identity) if identity else None,
        generated=default if is_generated else None,
        comment=comment,
    )


def read_user_types(connection, schemas: Sequence[str]) -> dict[str, str]:
    """Unqualified user type name -> its format_type() form, managed schemas first."""
    found: dict[str, str] = {}
    for schema, name in _rows(connection, queries.USER_TYPES, {"schemas": list(schemas)}):
        found.setdefault(name, f"{quote_ident(schema)}.{quote_ident(name)}")
        found.setdefault(f"{schema}.{name}", f"{quote_ident(schema)}.{quote_ident(name)}")
    return found


def read_external_columns(connection, relations: Sequence[str]) -> dict[tuple[str, str], dict]:
    """Columns and types of relations outside the managed schemas, by (schema, table)."""
    if not relations:
        return {}
    result: dict[tuple[str, str], dict] = defaultdict(dict)
    for schema, table, column, type_ in _rows(connection, queries.EXTERNAL_COLUMNS,
                                              {"relations": list(relations)}):
        result[(schema, table)][column] = type_
    return dict(result)

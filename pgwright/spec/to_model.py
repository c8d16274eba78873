"""Turn a validated spec document into a :class:`~pgwright.model.Catalog`.

Types come out canonical (format_type form). Expressions (defaults, checks, index keys and
predicates, generated columns) come out as the user wrote them; the server canonicalizes
them at plan time (``introspect/canonical.py``), because only it knows how it will print them.
"""

from __future__ import annotations

from collections.abc import Callable

from pgwright.errors import Problem, SpecError
from pgwright.gcpause import without_collector
from pgwright.model import (
    Catalog,
    CheckConstraint,
    Column,
    Enum,
    Extension,
    ForeignKey,
    Identity,
    Index,
    PolymorphicReference,
    PrimaryKey,
    ReferentialAction,
    Schema,
    Table,
    UniqueConstraint,
)
from pgwright.names import make_object_name, quote_ident, quote_literal
from pgwright.normalize import (
    EXTENSION_TYPES,
    parse_type,
    qualified_type_name,
    split_top_level,
    type_sql,
)
from pgwright.spec.document import SpecDocument, format_path
from pgwright.spec.reading import (
    as_names,
    column_entries,
    enum_entries,
    extension_entries,
    index_name,
    managed_schemas,
    parse_reference,
    primary_key_entry,
    schema_comments,
    split_key,
    unique_entries,
)
from pgwright.spec.security import (
    declared_roles,
    function_entries,
    read_function,
    read_policies,
    read_row_level_security,
    read_triggers,
)

TypeResolver = Callable[[str], str | None]


def _origin(document: SpecDocument, path) -> str:
    line = document.line_of(path)
    return f"{document.file}:{line} {format_path(path)}" if line else format_path(path)


def default_type_resolver(data: dict) -> TypeResolver:
    """Resolve user types from the spec alone: its enums, then well-known extension types.

    At plan time the database's own type list takes precedence (see ``plan.py``).
    """
    schemas = managed_schemas(data)
    enums = {entry.key for entry in enum_entries(data, schemas)}
    extension_schema = {name: schema or schemas[0] for name, schema in extension_entries(data)}

    def resolve(name: str) -> str | None:
        if "." in name:  # the key of a qualified name, its parts unquoted (parse_type)
            schema, _, base = name.partition(".")
            return qualified_type_name(schema, base)
        for schema in schemas:
            if (schema, name) in enums:
                return qualified_type_name(schema, name)
        extension = EXTENSION_TYPES.get(name.lower())
        if extension is not None:
            return qualified_type_name(extension_schema.get(extension, schemas[0]), name.lower())
        return None

    return resolve


def chained(*resolvers: TypeResolver) -> TypeResolver:
    def resolve(name: str) -> str | None:
        for resolver in resolvers:
            found = resolver(name)
            if found is not None:
                return found
        return None

    return resolve


def _default_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@without_collector
def spec_to_catalog(document: SpecDocument, resolve_type: TypeResolver | None = None) -> Catalog:
    """Build the model of a (validated) spec document."""
    from pgwright.spec import with_lines

    document = with_lines(document)
    data = document.data
    schemas = managed_schemas(data)
    resolve = resolve_type or default_type_resolver(data)
    comments = schema_comments(data)
    enums = tuple(
        Enum(schema=e.schema, name=e.name, values=tuple(e.values), comment=e.comment or None,
             origin=_origin(document, e.path))
        for e in enum_entries(data, schemas)
    )
    tables = tuple(_table(document, entry, schemas, resolve) for entry in document.tables)
    functions = tuple(
        read_function(schema, name, raw, resolve, _origin(document, path))
        for schema, name, raw, path in function_entries(data, schemas))
    return Catalog(
        schemas=tuple(Schema(name, comments.get(name) or None) for name in schemas),
        extensions=tuple(Extension(name, schema) for name, schema in extension_entries(data)),
        enums=tuple(sorted(enums, key=lambda e: e.key)),
        functions=tuple(sorted(functions, key=lambda f: f.key)),
        tables=tuple(sorted(tables, key=lambda t: t.key)),
        roles=tuple(declared_roles(data)),
        tenant_roots=tuple(split_key(name, schemas[0])
                           for name in as_names((data.get("tenancy") or {}).get("root"))),
    )


def _column(document, table_name: str, schema: str, entry, resolve: TypeResolver) -> Column:
    parsed = parse_type(entry.type)
    column_type = type_sql(entry.type, resolve)
    if column_type is None:  # validation reports it; a type is never rendered as written
        raise SpecError([Problem(f"'{entry.type}' is not a type name",
                                 path=_origin(document, entry.path))])
    default = _default_text(entry.default)
    if parsed is not None and parsed.serial:
        # serial is integer + an owned sequence; the server prints its default like this.
        sequence = make_object_name(table_name, entry.name, "seq")
        default = f"nextval({quote_literal(quote_ident(schema) + '.' + quote_ident(sequence))}::regclass)"
    return Column(
        name=entry.name,
        type=column_type,
        nullable=entry.nullable and not (parsed is not None and parsed.serial),  # serial: NOT NULL
        default=default,
        identity=Identity.ALWAYS if entry.identity == "always"
        else Identity.BY_DEFAULT if entry.identity == "by_default" else None,
        generated=entry.generated,
        comment=entry.comment or None,  # COMMENT ... IS '' removes a comment
        collation=entry.collation,
        serial=bool(parsed is not None and parsed.serial),
        renamed_from=entry.renamed_from,
        using=entry.using,
        origin=_origin(document, entry.path),
    )


def _table(document: SpecDocument, entry, schemas: list[str], resolve: TypeResolver) -> Table:
    raw = entry.raw
    columns = tuple(_column(document, entry.name, entry.schema, c, resolve)
                    for c in column_entries(entry))
    primary = primary_key_entry(entry)
    foreign_keys = []
    for fk in entry.foreign_keys:
        target_schema, target_table, target_columns = fk.target
        deferrable = fk.deferrable
        foreign_keys.append(ForeignKey(
            name=fk.name,
            columns=tuple(fk.columns),
            target_schema=target_schema,
            target_table=target_table,
            target_columns=tuple(target_columns),
            on_delete=ReferentialAction.from_spec(fk.actions.get("on_delete") or "no action"),
            on_update=ReferentialAction.from_spec(fk.actions.get("on_update") or "no action"),
            deferrable=bool(deferrable),
            initially_deferred=deferrable == "initially_deferred",
            orphans=fk.actions.get("orphans"),
            origin=_origin(document, fk.path),
        ))
    indexes = []
    for position, index in enumerate(raw.get("indexes") or []):
        if index.get("columns"):
            keys = tuple(quote_ident(c) for c in index["columns"])
        else:
            keys = tuple(split_top_level(index["expression"]))
        indexes.append(Index(
            name=index_name(entry, index),
            keys=keys,
            unique=bool(index.get("unique")),
            method=index.get("using", "btree"),
            where=index.get("where"),
            include=tuple(index.get("include") or ()),
            origin=_origin(document, entry.path + ("indexes", position)),
        ))
    polymorphic = []
    for column_name, poly in (raw.get("polymorphic") or {}).items():
        targets = []
        for value, target in (poly.get("targets") or {}).items():
            reference = parse_reference(target, schemas[0], dotted=True)
            if reference:
                targets.append((str(value), reference[0], reference[1], reference[2][0]))
        polymorphic.append(PolymorphicReference(
            column=column_name, targets=tuple(targets), reason=str(poly.get("reason", "")),
            discriminator=poly.get("discriminator"),
        ))
    return Table(
        schema=entry.schema,
        name=entry.name,
        columns=columns,
        primary_key=PrimaryKey(primary[0], tuple(primary[1])) if primary else None,
        uniques=tuple(sorted((UniqueConstraint(name, tuple(cols)) for name, cols, _ in
                              unique_entries(entry)), key=lambda u: u.name)),
        checks=tuple(sorted((CheckConstraint(name, str(expression),
                                             origin=_origin(document, entry.path + ("checks", name)))
                             for name, expression in (raw.get("checks") or {}).items()),
                            key=lambda c: c.name)),
        foreign_keys=tuple(sorted(foreign_keys, key=lambda f: f.name)),
        indexes=tuple(sorted(indexes, key=lambda i: i.name)),
        comment=raw.get("comment") or None,
        row_level_security=read_row_level_security(raw),
        policies=read_policies(raw, lambda path: _origin(document, entry.path + path)),
        triggers=read_triggers(raw, schemas, lambda path: _origin(document, entry.path + path)),
        polymorphic=tuple(polymorphic),
        group=raw.get("group"),
        renamed_from=as_names(raw.get("renamed_from")),
        outlives=raw.get("outlives"),
        origin=_origin(document, entry.path),
    )

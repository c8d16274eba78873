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
    TableEntry,
    enum_entries,
    extension_entries_with_paths,
    index_name,
    managed_schemas,
    parse_reference,
    primary_key_entry,
    split_key,
    unique_entries,
)
from pgwright.spec.sections import read_sections
from pgwright.spec.security import (
    read_function,
    read_grants,
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
    extension_schema = {name: schema or schemas[0]
                        for name, schema, _ in extension_entries_with_paths(data)}

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
    spec = document.entries
    schemas = spec.schema_names
    resolve = resolve_type or default_type_resolver(document.data)
    enums = tuple(
        Enum(schema=e.schema, name=e.name, values=tuple(e.values), comment=e.comment or None,
             origin=_origin(document, e.path))
        for e in spec.enums
    )
    tables = tuple(_table(document, entry, resolve) for entry in spec.tables)
    functions = tuple(read_function(entry, resolve, _origin(document, entry.path))
                      for entry in spec.functions)
    return Catalog(
        schemas=tuple(Schema(entry.name, entry.comment or None) for entry in spec.schemas)
        or (Schema("public", None),),
        extensions=tuple(Extension(entry.name, entry.schema) for entry in spec.extensions),
        enums=tuple(sorted(enums, key=lambda e: e.key)),
        functions=tuple(sorted(functions, key=lambda f: f.key)),
        tables=tuple(sorted(tables, key=lambda t: t.key)),
        roles=tuple(role.name for role in spec.roles),
        tenant_roots=tuple(split_key(name, schemas[0]) for name in spec.tenant_roots),
        owned=read_sections(document, resolve),
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


def _table(document: SpecDocument, entry: TableEntry, resolve: TypeResolver) -> Table:
    columns = tuple(_column(document, entry.name, entry.schema, c, resolve)
                    for c in entry.columns)
    primary = primary_key_entry(entry)
    foreign_keys = []
    for fk in entry.foreign_keys:
        target_schema, target_table, target_columns = fk.target
        foreign_keys.append(ForeignKey(
            name=fk.name,
            columns=fk.columns,
            target_schema=target_schema,
            target_table=target_table,
            target_columns=tuple(target_columns),
            on_delete=ReferentialAction.from_spec(fk.on_delete or "no action"),
            on_update=ReferentialAction.from_spec(fk.on_update or "no action"),
            deferrable=bool(fk.deferrable),
            initially_deferred=fk.deferrable == "initially_deferred",
            orphans=fk.orphans,
            origin=_origin(document, fk.path),
        ))
    indexes = [Index(
        name=index_name(entry, index),
        keys=tuple(quote_ident(c) for c in index.columns) if index.columns
        else tuple(split_top_level(index.expression)),
        unique=index.unique,
        method=index.using,
        where=index.where,
        include=index.include,
        origin=_origin(document, index.path),
    ) for index in entry.indexes]
    polymorphic = []
    for poly in entry.polymorphic:
        targets = []
        for target in poly.targets:
            reference = parse_reference(target.reference, entry.default_schema, dotted=True)
            if reference:
                targets.append((target.value, reference[0], reference[1], reference[2][0]))
        polymorphic.append(PolymorphicReference(
            column=poly.column, targets=tuple(targets), reason=poly.reason,
            discriminator=poly.discriminator,
        ))
    return Table(
        schema=entry.schema,
        name=entry.name,
        columns=columns,
        primary_key=PrimaryKey(primary[0], tuple(primary[1])) if primary else None,
        uniques=tuple(sorted((UniqueConstraint(name, tuple(cols)) for name, cols, _ in
                              unique_entries(entry)), key=lambda u: u.name)),
        checks=tuple(sorted((CheckConstraint(check.name, check.expression,
                                             origin=_origin(document, check.path))
                             for check in entry.checks), key=lambda c: c.name)),
        foreign_keys=tuple(sorted(foreign_keys, key=lambda f: f.name)),
        indexes=tuple(sorted(indexes, key=lambda i: i.name)),
        comment=entry.comment or None,
        row_level_security=read_row_level_security(entry),
        policies=read_policies(entry, lambda path: _origin(document, path)),
        triggers=read_triggers(entry, lambda path: _origin(document, path)),
        grants=read_grants(entry),
        polymorphic=tuple(polymorphic),
        group=entry.group,
        renamed_from=entry.renamed_from,
        outlives=entry.outlives,
        origin=_origin(document, entry.path),
    )

"""The spec's typed entries: frozen dataclasses with named fields, one per kind of thing a
spec declares, each with its key path (and, where problems and origins point at it, its line).

spec/reading.py decodes them from the data, once its shape is valid (spec/shape.py); the keys
and what each takes are declared once, in shape.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from pgwright.names import default_constraint_name, truncate_identifier
from pgwright.spec.document import KeyPath


@dataclass(frozen=True, slots=True)
class SchemaEntry:
    name: str
    comment: str | None
    path: KeyPath


@dataclass(frozen=True, slots=True)
class ExtensionEntry:
    name: str
    schema: str | None
    path: KeyPath


@dataclass(frozen=True, slots=True)
class RoleEntry:
    name: str
    path: KeyPath


@dataclass(frozen=True)
class EnumEntry:
    schema: str
    name: str
    values: list[str]
    comment: str | None
    path: KeyPath
    values_path: KeyPath = ()  # where the values are listed: the key, or its values:

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)


@dataclass(frozen=True, slots=True)
class ColumnEntry:
    """One column of the spec, its shorthand (``id: uuid``) expanded."""

    name: str
    type: str
    path: KeyPath
    line: int | None = None
    long_form: bool = False  # written as a mapping: its type is at path + ("type",)
    nullable: bool = True
    default: object = None
    primary_key: bool = False
    unique: bool = False
    references: str | None = None
    on_delete: str | None = None
    on_update: str | None = None
    identity: str | None = None
    generated: str | None = None
    comment: str | None = None
    renamed_from: tuple[str, ...] = ()
    using: str | None = None
    orphans: str | None = None
    collation: str | None = None

    @property
    def not_null(self) -> bool:
        return self.primary_key or not self.nullable


@dataclass(frozen=True, slots=True)
class UniqueEntry:
    """A ``unique:`` entry: ``[a, b]`` or ``{name: ..., columns: [a, b]}``."""

    name: str | None
    columns: tuple[str, ...]
    path: KeyPath


@dataclass(frozen=True, slots=True)
class CheckEntry:
    name: str
    expression: str
    path: KeyPath


@dataclass(frozen=True, slots=True)
class IndexEntry:
    name: str | None  # as written; index_name() gives the default
    columns: tuple[str, ...] | None
    expression: str | None
    unique: bool
    using: str
    where: str | None
    include: tuple[str, ...]
    path: KeyPath
    line: int | None = None


@dataclass(frozen=True, slots=True)
class ForeignKeyEntry:
    """A foreign key: a column's ``references:``, or a ``foreign_keys:`` entry."""

    name: str
    columns: tuple[str, ...]
    references: str
    target: tuple[str, str, list[str]] | None
    on_delete: str | None
    on_update: str | None
    orphans: str | None
    deferrable: object
    path: KeyPath
    line: int | None = None
    written_name: str | None = None  # a foreign_keys: entry's name:, as written

    @property
    def actions_path(self) -> KeyPath:
        """Where ``on_delete`` stands: beside a column's ``references``, or in the entry."""
        return self.path[:-1] if self.path[-1] == "references" else self.path


@dataclass(frozen=True, slots=True)
class PolymorphicTarget:
    value: str
    reference: str
    path: KeyPath


@dataclass(frozen=True, slots=True)
class PolymorphicEntry:
    column: str
    discriminator: str | None
    targets: tuple[PolymorphicTarget, ...]
    reason: str
    path: KeyPath


@dataclass(frozen=True, slots=True)
class PolicyEntry:
    name: str
    command: str
    roles: tuple[str, ...]
    permissive: bool
    using: str | None
    with_check: str | None
    path: KeyPath
    line: int | None = None


@dataclass(frozen=True, slots=True)
class GrantEntry:
    """One role of a table's ``grants:`` and its privileges, as written."""

    role: str
    privileges: tuple[str, ...]
    path: KeyPath


@dataclass(frozen=True, slots=True)
class TriggerEntry:
    name: str
    timing: str
    events: tuple[str, ...]
    level: str
    function: str
    when: str | None
    columns: tuple[str, ...]
    path: KeyPath
    line: int | None = None


@dataclass(frozen=True)
class TableEntry:
    schema: str
    name: str
    path: KeyPath = ()
    line: int | None = None
    default_schema: str = "public"  # the spec's first schema, for unqualified references
    comment: str | None = None
    group: str | None = None
    columns: tuple[ColumnEntry, ...] = ()
    primary_key: tuple[str, ...] | None = None  # the table-level primary_key's columns
    primary_key_name: str | None = None
    uniques: tuple[UniqueEntry, ...] = ()
    checks: tuple[CheckEntry, ...] = ()
    foreign_keys: tuple[ForeignKeyEntry, ...] = ()  # its columns' references, then foreign_keys:
    indexes: tuple[IndexEntry, ...] = ()
    polymorphic: tuple[PolymorphicEntry, ...] = ()
    rls_enabled: bool = False
    rls_forced: bool = False
    policies: tuple[PolicyEntry, ...] = ()
    triggers: tuple[TriggerEntry, ...] = ()
    grants: tuple[GrantEntry, ...] | None = None  # None: the table's grants are not managed
    renamed_from: tuple[str, ...] = ()
    outlives: bool | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)

    @cached_property
    def primary_key_constraint(self) -> tuple[str, list[str]] | None:
        columns = [c.name for c in self.columns if c.primary_key] or self.primary_key
        if not columns:
            return None
        name = self.primary_key_name or default_constraint_name(self.name, (), "pkey")
        return truncate_identifier(name), list(columns)

    @cached_property
    def unique_column_sets(self) -> frozenset[tuple[str, ...]]:
        """The column lists, sorted, that a foreign key may reference: the primary key,
        each unique constraint, each unique index without a where. Asked once per key
        referencing the table, answered once."""
        candidates: list[tuple[str, ...]] = []
        primary = [column.name for column in self.columns if column.primary_key] \
            or list(self.primary_key or [])
        if primary:
            candidates.append(tuple(primary))
        candidates += [(column.name,) for column in self.columns if column.unique]
        candidates += [unique.columns for unique in self.uniques]
        candidates += [index.columns for index in self.indexes
                       if index.unique and index.columns and index.where is None]
        return frozenset(tuple(sorted(candidate)) for candidate in candidates)


@dataclass(frozen=True, slots=True)
class ArgumentEntry:
    name: str
    type: str
    path: KeyPath


@dataclass(frozen=True, slots=True)
class FunctionEntry:
    """One function (or one overload of a name declared as a list)."""

    key: str
    schema: str
    name: str
    overload: int | None  # its place in the list of overloads, if there is one
    returns: str | None
    language: str
    volatility: str
    security: str
    search_path: str | None
    args: tuple[ArgumentEntry, ...]
    body: str
    comment: str | None
    path: KeyPath
    line: int | None = None


@dataclass(frozen=True)
class SpecEntries:
    """The decoded spec: every entry, with its key path and line."""

    file: str
    version: object
    schemas: tuple[SchemaEntry, ...]
    schemas_listed: bool  # schemas: [a, b] rather than a mapping (where each name's path is)
    extensions: tuple[ExtensionEntry, ...]
    enums: tuple[EnumEntry, ...]
    tables: tuple[TableEntry, ...]
    roles: tuple[RoleEntry, ...]
    functions: tuple[FunctionEntry, ...]
    function_keys: tuple[tuple[str, KeyPath, int], ...] = field(default=())  # key, path, count
    tenant_roots: tuple[str, ...] = ()

    @cached_property
    def schema_names(self) -> list[str]:
        return [schema.name for schema in self.schemas] or ["public"]

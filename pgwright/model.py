"""The schema model: what a database looks like, as plain frozen data.

Both the spec loader and the introspector produce a :class:`Catalog`; the differ compares
two of them. Nothing here renders SQL or performs I/O. Fields that describe where an object
came from, or that only the spec can know (polymorphic declarations, doc groups), are excluded
from comparison with ``field(compare=False)``; so is ``written``, the spec's own text of an
object whose expressions are compared in the server's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum as _Enum
from functools import cached_property


class ReferentialAction(str, _Enum):
    """ON DELETE / ON UPDATE actions, valued by their pg_constraint code."""

    NO_ACTION = "a"
    RESTRICT = "r"
    CASCADE = "c"
    SET_NULL = "n"
    SET_DEFAULT = "d"

    @property
    def sql(self) -> str:
        return self.name.replace("_", " ")

    @classmethod
    def from_spec(cls, text: str) -> ReferentialAction:
        return cls[text.strip().upper().replace(" ", "_")]


class Identity(str, _Enum):
    ALWAYS = "a"
    BY_DEFAULT = "d"

    @property
    def sql(self) -> str:
        return "ALWAYS" if self is Identity.ALWAYS else "BY DEFAULT"


@dataclass(frozen=True)
class Schema:
    name: str
    comment: str | None = None


@dataclass(frozen=True)
class Extension:
    name: str
    # The schema an extension is installed into is decided once, at creation; a difference
    # afterwards is not worth relocating the extension for, so it is not compared.
    schema: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Enum:
    schema: str
    name: str
    values: tuple[str, ...]
    comment: str | None = None
    origin: str | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # canonical, as format_type() prints it with an empty search_path
    nullable: bool = True
    default: str | None = None
    identity: Identity | None = None
    generated: str | None = None  # expression of a STORED generated column
    comment: str | None = None
    # COLLATE: a collation of pg_catalog (C, POSIX, en_US.utf8, und-x-icu...), unquoted;
    # None for the type's own.
    collation: str | None = None
    # Declared as serial/bigserial: created with an owned sequence. Once created it is an
    # integer column whose default is nextval(...), and compares as such.
    serial: bool = field(default=False, compare=False)
    # Spec-only: the names this column had before (declared renames, never guessed), and
    # the conversion for a type change that needs one (USING).
    renamed_from: tuple[str, ...] = field(default=(), compare=False)
    using: str | None = field(default=None, compare=False)
    origin: str | None = field(default=None, compare=False, repr=False)
    # The spec's own Column when canonicalization gave it the server's text of its
    # expressions to compare: what the plan runs (see introspect/canonical.py).
    written: Column | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class PrimaryKey:
    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class UniqueConstraint:
    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class CheckConstraint:
    name: str
    expression: str
    origin: str | None = field(default=None, compare=False, repr=False)
    # The spec's own CheckConstraint when canonicalization gave it the server's text of its
    # expressions to compare: what the plan runs (see introspect/canonical.py).
    written: CheckConstraint | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    target_schema: str
    target_table: str
    target_columns: tuple[str, ...]
    on_delete: ReferentialAction = ReferentialAction.NO_ACTION
    on_update: ReferentialAction = ReferentialAction.NO_ACTION
    deferrable: bool = False
    initially_deferred: bool = False
    # NOT VALID constraints still enforce new rows; validation state is reported, not diffed.
    validated: bool = field(default=True, compare=False)
    # Spec-only: what to do with existing rows that would violate the key when it is added
    # ("delete" or "set_null"); without it, such rows make the plan refuse.
    orphans: str | None = field(default=None, compare=False)
    origin: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Index:
    name: str
    # Each key element as pg_get_indexdef(index, n, true) prints it: a quoted column name,
    # or an expression, possibly followed by an operator class and ordering.
    keys: tuple[str, ...]
    unique: bool = False
    method: str = "btree"
    where: str | None = None
    include: tuple[str, ...] = ()
    # An index left INVALID by a failed CREATE INDEX CONCURRENTLY is not the index the spec asks for.
    valid: bool = True
    origin: str | None = field(default=None, compare=False, repr=False)
    # The spec's own Index when canonicalization gave it the server's text of its
    # expressions to compare: what the plan runs (see introspect/canonical.py).
    written: Index | None = field(default=None, compare=False, repr=False)

    @property
    def columns(self) -> tuple[str, ...] | None:
        """The columns of an index whose every key is a plain column, or None (a key that is
        an expression, or names an operator class, a collation or an ordering)."""
        from pgwright.sqlscript import IDENTIFIER

        columns = []
        for key in self.keys:
            if len(key) > 1 and key.startswith('"') and key.endswith('"') \
                    and '"' not in key[1:-1].replace('""', ""):
                columns.append(key[1:-1].replace('""', '"'))
            elif IDENTIFIER.fullmatch(key):
                columns.append(key)
            else:
                return None
        return tuple(columns)


@dataclass(frozen=True)
class PolymorphicReference:
    """A reference that deliberately has no foreign key (event-store stream_id, entity_id)."""

    column: str
    targets: tuple[tuple[str, str, str, str], ...]  # (discriminator value, schema, table, column)
    reason: str
    discriminator: str | None = None


class PolicyCommand(str, _Enum):
    """The command a policy applies to, valued by its pg_policy.polcmd code."""

    ALL = "*"
    SELECT = "r"
    INSERT = "a"
    UPDATE = "w"
    DELETE = "d"

    @property
    def sql(self) -> str:
        return self.name


@dataclass(frozen=True)
class Policy:
    name: str
    command: PolicyCommand = PolicyCommand.ALL
    permissive: bool = True
    roles: tuple[str, ...] = ("public",)  # sorted; "public" is PostgreSQL's PUBLIC
    using: str | None = None
    with_check: str | None = None
    origin: str | None = field(default=None, compare=False, repr=False)
    # The spec's own Policy when canonicalization gave it the server's text of its
    # expressions to compare: what the plan runs (see introspect/canonical.py).
    written: Policy | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class RowLevelSecurity:
    enabled: bool = False
    forced: bool = False


# The privileges a table can be granted, in the order PostgreSQL lists them; ALL is these.
# PostgreSQL 17 adds MAINTAIN: pgwright leaves it alone (never read, granted nor revoked).
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


@dataclass(frozen=True)
class Grant:
    """The privileges one role holds on a table, whoever granted them.

    ``role`` is "public" for PostgreSQL's PUBLIC; ``privileges`` are in TABLE_PRIVILEGES'
    order, never empty. WITH GRANT OPTION is not modelled.
    """

    role: str
    privileges: tuple[str, ...]


@dataclass(frozen=True)
class Trigger:
    name: str
    timing: str  # BEFORE, AFTER, INSTEAD OF
    events: tuple[str, ...]  # INSERT, UPDATE, DELETE, TRUNCATE, in that order
    level: str  # ROW or STATEMENT
    function_schema: str
    function_name: str
    when: str | None = None
    columns: tuple[str, ...] = ()  # UPDATE OF these columns
    origin: str | None = field(default=None, compare=False, repr=False)
    # The spec's own Trigger when canonicalization gave it the server's text of its
    # expressions to compare: what the plan runs (see introspect/canonical.py).
    written: Trigger | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class FunctionArgument:
    name: str
    type: str


@dataclass(frozen=True)
class Function:
    schema: str
    name: str
    arguments: tuple[FunctionArgument, ...]
    returns: str
    language: str
    body: str  # compared without surrounding whitespace
    volatility: str = "volatile"  # volatile | stable | immutable
    security_definer: bool = False
    # The schemas of SET search_path, unquoted; () for SET search_path = '', None for no SET.
    search_path: tuple[str, ...] | None = None
    comment: str | None = None
    # The body exactly as written (spec) or stored (prosrc): what CREATE FUNCTION is given,
    # so a function round-trips byte for byte; surrounding whitespace is not a change.
    source: str | None = field(default=None, compare=False, repr=False)
    origin: str | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """Functions are identified by schema, name and argument types (overloading)."""
        return (self.schema, self.name, tuple(a.type for a in self.arguments))

    @property
    def signature(self) -> str:
        return f"{self.schema}.{self.name}({', '.join(a.type for a in self.arguments)})"


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    columns: tuple[Column, ...] = ()
    primary_key: PrimaryKey | None = None
    uniques: tuple[UniqueConstraint, ...] = ()
    checks: tuple[CheckConstraint, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    indexes: tuple[Index, ...] = ()
    comment: str | None = None
    row_level_security: RowLevelSecurity = RowLevelSecurity()
    policies: tuple[Policy, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    # The roles other than the owner that hold privileges on the table, by role; None in a
    # spec that does not manage the table's grants (it keeps whatever it has). Compared by
    # the privilege kind (kinds/privilege.py), not as part of the table: a table whose
    # grants are not managed is not a changed table.
    grants: tuple[Grant, ...] | None = field(default=None, compare=False)
    polymorphic: tuple[PolymorphicReference, ...] = field(default=(), compare=False)
    group: str | None = field(default=None, compare=False)
    renamed_from: tuple[str, ...] = field(default=(), compare=False)
    # Spec-only: rows of this table record events about other rows and should outlive them
    # (audit trails, event stores, approvals); docs flag cascades that reach it.
    outlives: bool | None = field(default=None, compare=False)
    origin: str | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)

    def column(self, name: str) -> Column | None:
        return self._columns_by_name.get(name)

    @property
    def key_constraints(self) -> tuple[PrimaryKey | UniqueConstraint, ...]:
        """Its primary key, if any, then its unique constraints: the constraints with an index
        of their name."""
        return ((self.primary_key,) if self.primary_key is not None else ()) + self.uniques

    def unique_keys(self) -> tuple[tuple[str, ...], ...]:
        """The column lists whose values the table keeps unique, as a foreign key may
        reference them: its primary key, its unique constraints, and its unique indexes on
        plain columns without a predicate."""
        keys = [key.columns for key in self.key_constraints]
        keys += [index.columns for index in self.indexes
                 if index.unique and index.where is None and index.columns is not None]
        return tuple(keys)

    def has_unique_key(self, columns) -> bool:
        """Whether a unique key of the table is on exactly ``columns`` (in any order)."""
        wanted = sorted(columns)
        return any(sorted(key) == wanted for key in self.unique_keys())

    @cached_property
    def _columns_by_name(self) -> dict[str, Column]:
        # Asked for per column while diffing; cached_property writes the instance __dict__
        # directly, so the frozen dataclass allows it, and it takes no part in comparison.
        return {column.name: column for column in self.columns}


def as_written(item):
    """The spec's own version of a column, check, index, policy or trigger whose expressions
    are held in the server's text for comparison: what DDL runs (see ``written``)."""
    return item if item.written is None else item.written


@dataclass(frozen=True)
class Catalog:
    """Everything pgwright manages in one database (or declares in one spec)."""

    schemas: tuple[Schema, ...] = ()
    extensions: tuple[Extension, ...] = ()
    enums: tuple[Enum, ...] = ()
    functions: tuple[Function, ...] = ()
    tables: tuple[Table, ...] = ()
    # Roles the spec's policies name. Roles are cluster-wide: pgwright checks they exist,
    # it never creates or drops them.
    roles: tuple[str, ...] = field(default=(), compare=False)
    # Spec-only: the tenant root tables (tenancy: {root: organizations}); docs use them.
    tenant_roots: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # The objects of the kinds that own a top-level key of the spec (kinds/registry.py's
    # SpecSection), as (kind name, objects) sorted by kind name; each kind's module defines
    # its objects' dataclasses. A spec that leaves a kind's key out leaves the kind out of
    # here, and so does not manage it (see manages); the database's catalog has every kind.
    owned: tuple[tuple[str, tuple], ...] = ()

    def manages(self, kind: str) -> bool:
        """Whether this catalog speaks for the objects of ``kind`` (a kind with a spec key):
        a spec only when it has the kind's key, a database always."""
        return any(name == kind for name, _ in self.owned)

    def objects(self, kind: str) -> tuple:
        """The objects of ``kind`` (a kind with a spec key), () when not managed."""
        return next((objects for name, objects in self.owned if name == kind), ())

    def with_objects(self, kind: str, objects) -> Catalog:
        """This catalog, managing ``kind`` with ``objects`` (sorted by their ``key``)."""
        owned = dict(self.owned)
        owned[kind] = tuple(sorted(objects, key=lambda o: o.key))
        return replace(self, owned=tuple(sorted(owned.items())))

    @property
    def schema_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.schemas)

    def table(self, schema: str, name: str) -> Table | None:
        return next((t for t in self.tables if t.schema == schema and t.name == name), None)

    def tables_by_key(self) -> dict[tuple[str, str], Table]:
        return {t.key: t for t in self.tables}

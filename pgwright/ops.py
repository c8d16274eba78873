"""Operations: what must change, as intent. Renderers turn them into SQL (render/sql.py).

An operation says which kind of object it is about (``kind``), what it does to it
(``action``) and which objects it needs, makes and takes away (``uses``, ``provides``,
``removes``, ``releases``, as object keys). diff/order.py derives the plan's order from
those alone: the kinds' order gives the reading order, the keys what must come first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum as _PyEnum
from typing import ClassVar

from pgwright.checks import DataCheck
from pgwright.model import (
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Function,
    Identity,
    Index,
    Policy,
    PrimaryKey,
    Table,
    Trigger,
    UniqueConstraint,
)
from pgwright.sqlscript import referenced_names

# An object an operation needs, makes or takes away: ("relation", schema, name) for tables
# and indexes (one namespace per schema), ("column", schema, table, name), and so on.
ObjectKey = tuple


def relation_key(schema: str, name: str) -> ObjectKey:
    """Tables, indexes and the indexes of key constraints share one namespace per schema."""
    return ("relation", schema, name)


def column_key(schema: str, table: str, name: str) -> ObjectKey:
    return ("column", schema, table, name)


def constraint_key(schema: str, table: str, name: str) -> ObjectKey:
    return ("constraint", schema, table, name)


def function_key(schema: str, name: str, argument_types: tuple[str, ...]) -> ObjectKey:
    return ("function", schema, name, tuple(argument_types))


def enum_value_key(schema: str, name: str, value: str) -> ObjectKey:
    return ("enum value", schema, name, value)


class Action(str, _PyEnum):
    """What an operation does to its object; with the kind, where it goes in a plan."""

    CHECK = "check"    # reads rows, changes nothing: before every change
    CREATE = "create"
    CHANGE = "change"
    RENAME = "rename"
    DROP = "drop"


class Access(str, _PyEnum):
    """How a row-level-security change moves who can see or change rows."""

    WIDENS = "widens"
    NARROWS = "narrows"
    CHANGES = "changes"


@dataclass(frozen=True)
class Operation:
    kind: ClassVar[str]  # one of diff/order.py's KINDS
    action: ClassVar[Action]
    destructive: ClassVar[bool] = False

    @property
    def security(self) -> Access | None:
        """Set on operations that change row-level security; reviewers see these first."""
        return None

    # Each operation has ``path``: the name parts of what it is about, ("public", "orders",
    # "total"). (A field of SetComment's, so not declared here.)

    @property
    def subject(self) -> str:
        """What the operation is about, for people: ``public.orders.total``."""
        return ".".join(self.path)  # type: ignore[attr-defined]

    @property
    def order_within_kind(self) -> tuple:
        """Where it reads best among the operations of its kind: by name."""
        return self.path  # type: ignore[attr-defined]

    @property
    def phase(self) -> str:
        """Where it goes in a plan, in words: ``drop_index``, ``change_column``."""
        return f"{self.action.value}_{self.kind}"

    # What the plan's order derives from (diff/order.py): an operation comes after those
    # that provide what it uses, before those that remove what it releases, and after those
    # that remove a name it provides again.
    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        return ()

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        return ()

    @property
    def removes(self) -> tuple[ObjectKey, ...]:
        return ()

    @property
    def releases(self) -> tuple[ObjectKey, ...]:
        """What the object it removes or changes stops resting on."""
        return ()

    @property
    def replaced(self) -> bool:
        """A drop only to make the object again in the same plan."""
        return False

    @property
    def restores(self) -> bool:
        """Made again as it was, after a drop the plan needs around another change: it comes
        back right after the column changes, in the transaction of its drop, before any
        statement that commits on its own."""
        return False


@dataclass(frozen=True)
class TableOperation(Operation):
    schema: str
    table: str

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.table)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        return (relation_key(self.schema, self.table),)


@dataclass(frozen=True)
class CreateSchema(Operation):
    kind = "schema"
    action = Action.CREATE
    name: str

    @property
    def path(self) -> tuple[str, ...]:
        return (self.name,)


@dataclass(frozen=True)
class CreateExtension(Operation):
    kind = "extension"
    action = Action.CREATE
    name: str
    schema: str | None = None

    @property
    def path(self) -> tuple[str, ...]:
        return (self.name,)


@dataclass(frozen=True)
class DropExtension(Operation):
    kind = "extension"
    action = Action.DROP
    destructive = True
    name: str

    @property
    def path(self) -> tuple[str, ...]:
        return (self.name,)


@dataclass(frozen=True)
class CreateEnum(Operation):
    kind = "type"
    action = Action.CREATE
    enum: Enum

    @property
    def path(self) -> tuple[str, ...]:
        return (self.enum.schema, self.enum.name)

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        return tuple(enum_value_key(self.enum.schema, self.enum.name, value)
                     for value in self.enum.values)


@dataclass(frozen=True)
class AddEnumValue(Operation):
    kind = "type"
    action = Action.CHANGE
    schema: str
    name: str
    value: str
    after: str | None = None  # None: first value, placed BEFORE the current first one
    before: str | None = None

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        # the value it is placed after (or before): one added by the plan comes first
        neighbour = self.after if self.after is not None else self.before
        return () if neighbour is None else (enum_value_key(self.schema, self.name, neighbour),)

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        return (enum_value_key(self.schema, self.name, self.value),)


@dataclass(frozen=True)
class DropEnum(Operation):
    kind = "type"
    action = Action.DROP
    destructive = True
    schema: str
    name: str

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.name)


def _key_constraints(table: Table):
    return ((table.primary_key,) if table.primary_key is not None else ()) + table.uniques


@dataclass(frozen=True)
class CreateTable(Operation):
    """Columns, primary key, unique and check constraints; FKs and indexes come later."""

    kind = "table"
    action = Action.CREATE
    table: Table

    @property
    def path(self) -> tuple[str, ...]:
        return self.table.key

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        # the table, and the indexes of its keys, which take the keys' names
        schema = self.table.schema
        return (relation_key(schema, self.table.name),
                *(relation_key(schema, key.name) for key in _key_constraints(self.table)))


@dataclass(frozen=True)
class DropTable(TableOperation):
    kind = "table"
    action = Action.DROP
    destructive = True
    # The plan gives the name to an index (or a key constraint's): the table is dropped only
    # while the name is a table's, so that a second run cannot reach the index.
    name_reused: bool = False

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        return ()

    @property
    def removes(self) -> tuple[ObjectKey, ...]:
        return (relation_key(self.schema, self.table),)


@dataclass(frozen=True)
class ColumnOperation(TableOperation):
    kind = "column"
    column: str

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.table, self.column)

    @property
    def order_within_kind(self) -> tuple:
        return _column_order(self, self.column)


def _column_order(operation: Operation, column: str) -> tuple:
    """A table's column changes read (and run) by what they do: new columns, type changes,
    defaults, identities, nullability; so a default is set once the type is the new one, and
    an identity is added to a column of its integer type."""
    return (operation.schema, operation.table,  # type: ignore[attr-defined]
            _COLUMN_CHANGES.index(type(operation).__name__), column)


_COLUMN_CHANGES = ("DropColumn", "RenameColumn", "AddColumn", "AlterColumnType",
                   "SetColumnDefault", "SetColumnIdentity", "SetColumnNullable")


@dataclass(frozen=True)
class ColumnChange(ColumnOperation):
    """A change to a column in place: what is computed from the column comes after it.

    See _column_order for the order of the changes to one table's columns.
    """

    action = Action.CHANGE

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        return (column_key(self.schema, self.table, self.column),)


@dataclass(frozen=True)
class AddColumn(TableOperation):
    kind = "column"
    action = Action.CREATE
    definition: Column

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.table, self.definition.name)

    @property
    def order_within_kind(self) -> tuple:
        return _column_order(self, self.definition.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        # A generated column comes after the columns it is computed from: PostgreSQL refuses
        # to change the type of a column a generated column uses.
        computed_from = referenced_names(self.definition.generated or "")
        return (relation_key(self.schema, self.table),
                *(column_key(self.schema, self.table, name) for name in sorted(computed_from)
                  if name != self.definition.name))

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        return (column_key(self.schema, self.table, self.definition.name),)


@dataclass(frozen=True)
class DropColumn(ColumnOperation):
    action = Action.DROP
    # Dropped only to be added again (a generated column's new expression): its values are
    # computed again from the other columns, nothing is lost.
    replaced: bool = False
    # The new generation expression, as the server prints it: a column that already has it
    # (the migration's second run) is not dropped again.
    unless_generated: str | None = None
    # (column, type): dropped around that column's type change, and only while the column
    # does not have that type yet (the migration's second run).
    unless_typed: tuple[str, str] | None = None
    # A generated column: the columns it is computed from, which PostgreSQL refuses to drop
    # while it is there.
    computed_from: tuple[str, ...] = ()

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        return not self.replaced

    @property
    def removes(self) -> tuple[ObjectKey, ...]:
        return (column_key(self.schema, self.table, self.column),)

    @property
    def releases(self) -> tuple[ObjectKey, ...]:
        return tuple(column_key(self.schema, self.table, name) for name in self.computed_from)


@dataclass(frozen=True)
class AlterColumnType(ColumnChange):
    from_type: str
    to_type: str
    using: str | None = None
    # The USING is pgwright's explicit cast, not the spec's: a preflight counts the values
    # that would not convert before anything changes.
    converts: bool = False
    # A default is dropped before the change and set again after it, in the same statement:
    # PostgreSQL converts the old default too, and the old one may not convert ('new'::st).
    drop_default: bool = False
    default: str | None = None
    # The collation the column gets (None: its type's own), when it changes too.
    collation: str | None = None
    collation_changes: bool = False

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        """A conversion that can lose data: narrowing, or to a type that is not text."""
        from pgwright.normalize import widens

        return not widens(self.from_type, self.to_type)


@dataclass(frozen=True)
class SetColumnDefault(ColumnChange):
    default: str | None  # None drops the default
    # A column made serial: the sequence its default calls, created first (owned by the
    # column, starting after the column's largest value) when it is not there yet.
    serial_sequence: str | None = None
    serial_type: str = "integer"


@dataclass(frozen=True)
class SetColumnIdentity(ColumnChange):
    identity: Identity | None
    previous: Identity | None


@dataclass(frozen=True)
class SetColumnNullable(ColumnChange):
    nullable: bool
    # On a table that has rows, prove NOT NULL with a validated CHECK first, so SET NOT NULL
    # does not scan the table under an exclusive lock.
    online: bool = False
KeyConstraint = PrimaryKey | UniqueConstraint | CheckConstraint


def _constraint_keys(schema: str, table: str, constraint) -> tuple[ObjectKey, ...]:
    """A constraint's name on its table, and for a key the name of its index."""
    keys = (constraint_key(schema, table, constraint.name),)
    if isinstance(constraint, PrimaryKey | UniqueConstraint):
        keys += (relation_key(schema, constraint.name),)
    return keys


@dataclass(frozen=True)
class AddConstraint(TableOperation):
    kind = "constraint"
    action = Action.CREATE
    constraint: KeyConstraint
    # A CHECK on an existing table: added NOT VALID, validated in its own step.
    online: bool = False

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.table, self.constraint.name)

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        return _constraint_keys(self.schema, self.table, self.constraint)


@dataclass(frozen=True)
class DropConstraint(TableOperation):
    """Drop a key or check constraint: the one the database has, as the plan found it."""

    kind = "constraint"
    action = Action.DROP
    constraint: KeyConstraint
    # Dropped only to be added again with a new definition in the same plan.
    replaced: bool = False
    # Why an unchanged constraint is dropped and added again, for the reviewer.
    rebuilt_because: str | None = None

    @property
    def name(self) -> str:
        return self.constraint.name

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        return not self.replaced

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.table, self.name)

    @property
    def removes(self) -> tuple[ObjectKey, ...]:
        return _constraint_keys(self.schema, self.table, self.constraint)


@dataclass(frozen=True)
class AddForeignKey(TableOperation):
    kind = "foreign_key"
    action = Action.CREATE
    foreign_key: ForeignKey
    # On an existing table: added NOT VALID, validated in its own step, so writers are
    # blocked only for a moment.
    online: bool = False

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.table, self.foreign_key.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        fk = self.foreign_key
        return (relation_key(self.schema, self.table),
                relation_key(fk.target_schema, fk.target_table))

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        return (constraint_key(self.schema, self.table, self.foreign_key.name),)


@dataclass(frozen=True)
class DropForeignKey(TableOperation):
    """Drop a foreign key: the one the database has, as the plan found it."""

    kind = "foreign_key"
    action = Action.DROP
    foreign_key: ForeignKey
    # Dropped only to be added again (with a new definition, or because what it stands on
    # changes) in the same plan.
    replaced: bool = False
    # Why an unchanged foreign key is dropped and added again, for the reviewer.
    rebuilt_because: str | None = None

    @property
    def name(self) -> str:
        return self.foreign_key.name

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        return not self.replaced

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.table, self.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        return ()

    @property
    def removes(self) -> tuple[ObjectKey, ...]:
        return (constraint_key(self.schema, self.table, self.name),)


@dataclass(frozen=True)
class CreateIndex(TableOperation):
    kind = "index"
    action = Action.CREATE
    index: Index
    # On an existing table: CREATE INDEX CONCURRENTLY, outside the transaction.
    online: bool = False

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.index.name)

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        return (relation_key(self.schema, self.index.name),)


@dataclass(frozen=True)
class DropIndex(Operation):
    kind = "index"
    action = Action.DROP
    schema: str
    name: str
    online: bool = False
    replaced: bool = False  # dropped only to be built again with a new definition
    # Why an unchanged index is dropped and built again, for the reviewer.
    rebuilt_because: str | None = None
    # The plan gives the name to a table or a key constraint (its index takes the name): the
    # index is moved aside first, so that a second run cannot reach the new object by name.
    name_reused: bool = False

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        return not self.replaced

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.name)

    @property
    def removes(self) -> tuple[ObjectKey, ...]:
        return (relation_key(self.schema, self.name),)


@dataclass(frozen=True)
class SetComment(Operation):
    """COMMENT ON an object; ``comment`` None removes it.

    ``object_type`` is SCHEMA, TYPE, FUNCTION, TABLE or COLUMN; ``path`` the name parts
    (schema, table, column).
    """

    kind = "comment"
    action = Action.CHANGE
    object_type: str
    path: tuple[str, ...]
    comment: str | None
    arguments: tuple[str, ...] | None = None  # argument types, for COMMENT ON FUNCTION

    @property
    def order_within_kind(self) -> tuple:
        return (self.object_type != "SCHEMA", *self.path)  # schemas' first


@dataclass(frozen=True)
class CreateFunction(Operation):
    """CREATE OR REPLACE FUNCTION: creates it, or replaces its body and attributes."""

    kind = "function"
    function: Function
    replaces: bool = False  # an existing function gets a new definition
    # Made again after DropFunction(replaced_by=...) of its old signature.
    recreates: bool = False

    @property
    def action(self) -> Action:  # type: ignore[override]
        return Action.CHANGE if self.replaces or self.recreates else Action.CREATE

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
    def provides(self) -> tuple[ObjectKey, ...]:
        return (function_key(*self.function.key),)

    @property
    def security(self) -> Access | None:
        # A helper function policies call can change what they let through.
        return Access.CHANGES if self.replaces or self.recreates else None


@dataclass(frozen=True)
class DropFunction(Operation):
    kind = "function"
    action = Action.DROP
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
    def destructive(self) -> bool:  # type: ignore[override]
        return self.replaced_by is None

    @property
    def path(self) -> tuple[str, ...]:
        return (f"{self.schema}.{self.name}({', '.join(self.argument_types)})",)

    @property
    def removes(self) -> tuple[ObjectKey, ...]:
        return (function_key(self.schema, self.name, self.argument_types),)


def _policy_key(schema: str, table: str, name: str) -> ObjectKey:
    return ("policy", schema, table, name)


@dataclass(frozen=True)
class CreatePolicy(TableOperation):
    kind = "policy"
    action = Action.CREATE
    policy: Policy
    # Created again as it was, after a drop the plan needs (see DropPolicy.rebuilt_because).
    rebuilt: bool = False

    @property
    def restores(self) -> bool:
        return self.rebuilt

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.table, self.policy.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        if not self.rebuilt:
            return super().uses
        # back once the columns it reads are (a column dropped and added again)
        names = referenced_names(f"{self.policy.using or ''} {self.policy.with_check or ''}")
        return (*super().uses,
                *(column_key(self.schema, self.table, name) for name in sorted(names)))

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        return (_policy_key(self.schema, self.table, self.policy.name),)

    @property
    def security(self) -> Access | None:
        if self.rebuilt:
            return None
        return Access.WIDENS if self.policy.permissive else Access.NARROWS


@dataclass(frozen=True)
class AlterPolicy(TableOperation):
    """ALTER POLICY: new roles, USING or WITH CHECK, in place (no moment without the policy)."""

    kind = "policy"
    action = Action.CHANGE
    policy: Policy
    previous: Policy

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.table, self.policy.name)

    @property
    def security(self) -> Access:
        return Access.CHANGES


@dataclass(frozen=True)
class ReplacePolicy(TableOperation):
    """DROP + CREATE in one transaction: for a new command or permissive/restrictive flag."""

    kind = "policy"
    action = Action.CHANGE
    policy: Policy
    previous: Policy

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.table, self.policy.name)

    @property
    def security(self) -> Access:
        return Access.CHANGES


@dataclass(frozen=True)
class DropPolicy(TableOperation):
    kind = "policy"
    action = Action.DROP
    policy: Policy
    # Why an unchanged policy is dropped and created again in the same transaction (other
    # sessions never see it missing), for the reviewer; None for a real drop.
    rebuilt_because: str | None = None

    @property
    def replaced(self) -> bool:
        return self.rebuilt_because is not None

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        return self.rebuilt_because is None

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.table, self.policy.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        return ()

    @property
    def removes(self) -> tuple[ObjectKey, ...]:
        return (_policy_key(self.schema, self.table, self.policy.name),)

    @property
    def security(self) -> Access | None:
        if self.rebuilt_because is not None:
            return None
        # Dropping a permissive policy takes access away; dropping a restrictive one gives it.
        return Access.NARROWS if self.policy.permissive else Access.WIDENS


@dataclass(frozen=True)
class SetRowLevelSecurity(TableOperation):
    kind = "row_level_security"
    action = Action.CHANGE
    enabled: bool

    @property
    def security(self) -> Access:
        return Access.NARROWS if self.enabled else Access.WIDENS


@dataclass(frozen=True)
class SetForceRowLevelSecurity(TableOperation):
    """FORCE makes the table owner subject to the policies too."""

    kind = "row_level_security"
    action = Action.CHANGE
    forced: bool

    @property
    def security(self) -> Access:
        return Access.NARROWS if self.forced else Access.WIDENS


def _trigger_key(schema: str, table: str, name: str) -> ObjectKey:
    return ("trigger", schema, table, name)


@dataclass(frozen=True)
class CreateTrigger(TableOperation):
    kind = "trigger"
    action = Action.CREATE
    trigger: Trigger
    # Created again as it was, after a drop the plan needs (see DropTrigger.rebuilt_because).
    rebuilt: bool = False

    @property
    def restores(self) -> bool:
        return self.rebuilt

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.table, self.trigger.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        trigger = self.trigger
        used = (*super().uses, function_key(trigger.function_schema, trigger.function_name, ()))
        if not self.rebuilt:
            return used
        names = {*trigger.columns, *referenced_names(trigger.when or "")}
        return (*used, *(column_key(self.schema, self.table, name) for name in sorted(names)))

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        return (_trigger_key(self.schema, self.table, self.trigger.name),)


@dataclass(frozen=True)
class DropTrigger(TableOperation):
    kind = "trigger"
    action = Action.DROP
    name: str
    replaced: bool = False  # dropped only to be created again with a new definition
    # Why an unchanged trigger is dropped and created again, for the reviewer.
    rebuilt_because: str | None = None

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        return not self.replaced

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.table, self.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        return ()

    @property
    def removes(self) -> tuple[ObjectKey, ...]:
        return (_trigger_key(self.schema, self.table, self.name),)


@dataclass(frozen=True)
class AssertNoViolations(Operation):
    """Stop before any change when existing rows would violate what the plan adds."""

    kind = "data"
    action = Action.CHECK
    check: DataCheck

    @property
    def path(self) -> tuple[str, ...]:
        return (self.check.table, self.check.constraint)


@dataclass(frozen=True)
class RenameTable(TableOperation):
    """ALTER TABLE old RENAME TO new (``table`` is the old name): the rows stay."""

    kind = "table"
    action = Action.RENAME
    new_name: str

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        return ()

    @property
    def removes(self) -> tuple[ObjectKey, ...]:
        return (relation_key(self.schema, self.table),)

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        return (relation_key(self.schema, self.new_name),)


@dataclass(frozen=True)
class RenameColumn(ColumnOperation):
    action = Action.RENAME
    new_name: str

    @property
    def removes(self) -> tuple[ObjectKey, ...]:
        return (column_key(self.schema, self.table, self.column),)

    @property
    def provides(self) -> tuple[ObjectKey, ...]:
        return (column_key(self.schema, self.table, self.new_name),)


@dataclass(frozen=True)
class RenameConstraint(TableOperation):
    kind = "constraint"
    action = Action.RENAME
    name: str
    new_name: str

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.table, self.name)


@dataclass(frozen=True)
class RenameIndex(Operation):
    kind = "index"
    action = Action.RENAME
    schema: str
    name: str
    new_name: str

    @property
    def path(self) -> tuple[str, ...]:
        return (self.schema, self.name)

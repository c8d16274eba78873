"""Operations: what must change, as intent. Renderers turn them into SQL (render/sql.py).

Each operation belongs to a phase; a plan runs phases in order, so that what a statement
needs exists before it and what depends on a dropped object is gone before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum as _PyEnum
from enum import IntEnum
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


class Phase(IntEnum):
    PREFLIGHT = 5  # data checks that stop a migration before it changes anything
    CREATE_SCHEMAS = 10
    CREATE_EXTENSIONS = 20
    CREATE_TYPES = 30
    CREATE_FUNCTIONS = 35  # bodies are not checked at creation (check_function_bodies off)
    RENAMES = 36  # declared renames, before anything refers to the new names
    DROP_POLICIES = 37
    DROP_TRIGGERS = 38
    DROP_FOREIGN_KEYS = 40
    DROP_INDEXES = 50
    DROP_CONSTRAINTS = 60
    DROP_COLUMNS = 70
    DROP_TABLES = 80
    # A function whose signature changes (result type, argument names) is dropped once what
    # uses it is gone, and made again before that comes back.
    DROP_REPLACED_FUNCTIONS = 84
    CREATE_REPLACED_FUNCTIONS = 86
    CREATE_TABLES = 90
    CREATE_FUNCTIONS_ON_TABLES = 95  # a function taking or returning a new table's row type
    ALTER_COLUMNS = 100
    # Policies and triggers dropped around a column the plan drops and adds again: back in
    # the same transaction, before any step that commits on its own.
    RESTORE_DEPENDENTS = 105
    ADD_CONSTRAINTS = 110
    CREATE_INDEXES = 115  # before foreign keys: a unique index may be what one references
    ADD_FOREIGN_KEYS = 120
    CREATE_TRIGGERS = 132
    CREATE_POLICIES = 134
    ROW_LEVEL_SECURITY = 136  # enabled after the policies exist, so no window without them
    COMMENTS = 140
    DROP_FUNCTIONS = 145
    DROP_TYPES = 150
    DROP_EXTENSIONS = 160


class Access(str, _PyEnum):
    """How a row-level-security change moves who can see or change rows."""

    WIDENS = "widens"
    NARROWS = "narrows"
    CHANGES = "changes"


@dataclass(frozen=True)
class Operation:
    phase: ClassVar[Phase]
    destructive: ClassVar[bool] = False

    @property
    def security(self) -> Access | None:
        """Set on operations that change row-level security; reviewers see these first."""
        return None

    @property
    def subject(self) -> str:
        """What the operation is about, for sorting and for people: ``public.orders.total``."""
        raise NotImplementedError

    @property
    def sort_key(self) -> tuple:
        return (int(self.phase), self.subject)


@dataclass(frozen=True)
class TableOperation(Operation):
    schema: str
    table: str

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}"


@dataclass(frozen=True)
class CreateSchema(Operation):
    phase = Phase.CREATE_SCHEMAS
    name: str

    @property
    def subject(self) -> str:
        return self.name


@dataclass(frozen=True)
class CreateExtension(Operation):
    phase = Phase.CREATE_EXTENSIONS
    name: str
    schema: str | None = None

    @property
    def subject(self) -> str:
        return self.name


@dataclass(frozen=True)
class DropExtension(Operation):
    phase = Phase.DROP_EXTENSIONS
    destructive = True
    name: str

    @property
    def subject(self) -> str:
        return self.name


@dataclass(frozen=True)
class CreateEnum(Operation):
    phase = Phase.CREATE_TYPES
    enum: Enum

    @property
    def subject(self) -> str:
        return f"{self.enum.schema}.{self.enum.name}"


@dataclass(frozen=True)
class AddEnumValue(Operation):
    phase = Phase.CREATE_TYPES
    schema: str
    name: str
    value: str
    after: str | None = None  # None: first value, placed BEFORE the current first one
    before: str | None = None

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def sort_key(self) -> tuple:
        # keep the values of one enum in the order the plan adds them
        return (int(self.phase), self.subject, 1)


@dataclass(frozen=True)
class DropEnum(Operation):
    phase = Phase.DROP_TYPES
    destructive = True
    schema: str
    name: str

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class CreateTable(Operation):
    """Columns, primary key, unique and check constraints; FKs and indexes come later."""

    phase = Phase.CREATE_TABLES
    table: Table

    @property
    def subject(self) -> str:
        return f"{self.table.schema}.{self.table.name}"


@dataclass(frozen=True)
class DropTable(TableOperation):
    phase = Phase.DROP_TABLES
    destructive = True
    # The plan gives the name to an index (or a key constraint's): the table is dropped only
    # while the name is a table's, so that a second run cannot reach the index.
    name_reused: bool = False


@dataclass(frozen=True)
class ColumnOperation(TableOperation):
    column: str
    rank: ClassVar[int] = 0  # order of column operations on one column

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.column}"

    @property
    def sort_key(self) -> tuple:
        return (int(self.phase), f"{self.schema}.{self.table}", self.rank, self.column)


@dataclass(frozen=True)
class AddColumn(TableOperation):
    phase = Phase.ALTER_COLUMNS
    definition: Column

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.definition.name}"

    @property
    def sort_key(self) -> tuple:
        # A generated column comes after the other changes to the table's columns: the
        # columns it is computed from are added, or take their new type, first (PostgreSQL
        # refuses to change the type of a column a generated column uses).
        rank = 5 if self.definition.generated is not None else 0
        return (int(self.phase), f"{self.schema}.{self.table}", rank, self.definition.name)


@dataclass(frozen=True)
class DropColumn(ColumnOperation):
    phase = Phase.DROP_COLUMNS
    # Dropped only to be added again (a generated column's new expression): its values are
    # computed again from the other columns, nothing is lost.
    replaced: bool = False
    # The new generation expression, as the server prints it: a column that already has it
    # (the migration's second run) is not dropped again.
    unless_generated: str | None = None
    # (column, type): dropped around that column's type change, and only while the column
    # does not have that type yet (the migration's second run).
    unless_typed: tuple[str, str] | None = None
    # A generated column goes before the other columns of its table: PostgreSQL refuses to
    # drop a column a generated column still uses.
    generated: bool = False

    @property
    def sort_key(self) -> tuple:
        rank = -1 if self.generated else self.rank
        return (int(self.phase), f"{self.schema}.{self.table}", rank, self.column)

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        return not self.replaced


@dataclass(frozen=True)
class AlterColumnType(ColumnOperation):
    phase = Phase.ALTER_COLUMNS
    rank = 1
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
class SetColumnDefault(ColumnOperation):
    phase = Phase.ALTER_COLUMNS
    rank = 2
    default: str | None  # None drops the default
    # A column made serial: the sequence its default calls, created first (owned by the
    # column, starting after the column's largest value) when it is not there yet.
    serial_sequence: str | None = None
    serial_type: str = "integer"


@dataclass(frozen=True)
class SetColumnIdentity(ColumnOperation):
    phase = Phase.ALTER_COLUMNS
    rank = 3
    identity: Identity | None
    previous: Identity | None


@dataclass(frozen=True)
class SetColumnNullable(ColumnOperation):
    phase = Phase.ALTER_COLUMNS
    rank = 4
    nullable: bool
    # On a table that has rows, prove NOT NULL with a validated CHECK first, so SET NOT NULL
    # does not scan the table under an exclusive lock.
    online: bool = False


KeyConstraint = PrimaryKey | UniqueConstraint | CheckConstraint


@dataclass(frozen=True)
class AddConstraint(TableOperation):
    phase = Phase.ADD_CONSTRAINTS
    constraint: KeyConstraint
    # A CHECK on an existing table: added NOT VALID, validated in its own step.
    online: bool = False

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.constraint.name}"


@dataclass(frozen=True)
class DropConstraint(TableOperation):
    """Drop a key or check constraint: the one the database has, as the plan found it."""

    phase = Phase.DROP_CONSTRAINTS
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
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.name}"


@dataclass(frozen=True)
class AddForeignKey(TableOperation):
    phase = Phase.ADD_FOREIGN_KEYS
    foreign_key: ForeignKey
    # On an existing table: added NOT VALID, validated in its own step, so writers are
    # blocked only for a moment.
    online: bool = False

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.foreign_key.name}"


@dataclass(frozen=True)
class DropForeignKey(TableOperation):
    """Drop a foreign key: the one the database has, as the plan found it."""

    phase = Phase.DROP_FOREIGN_KEYS
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
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.name}"


@dataclass(frozen=True)
class CreateIndex(TableOperation):
    phase = Phase.CREATE_INDEXES
    index: Index
    # On an existing table: CREATE INDEX CONCURRENTLY, outside the transaction.
    online: bool = False

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.index.name}"


@dataclass(frozen=True)
class DropIndex(Operation):
    phase = Phase.DROP_INDEXES
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
    def subject(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class SetComment(Operation):
    """COMMENT ON an object; ``comment`` None removes it.

    ``kind`` is SCHEMA, TYPE, TABLE or COLUMN; ``path`` the name parts (schema, table, column).
    """

    phase = Phase.COMMENTS
    kind: str
    path: tuple[str, ...]
    comment: str | None
    arguments: tuple[str, ...] | None = None  # argument types, for COMMENT ON FUNCTION

    @property
    def subject(self) -> str:
        return ".".join(self.path)

    @property
    def sort_key(self) -> tuple:
        return (int(self.phase), self.kind != "SCHEMA", ".".join(self.path))


@dataclass(frozen=True)
class CreateFunction(Operation):
    """CREATE OR REPLACE FUNCTION: creates it, or replaces its body and attributes."""

    function: Function
    replaces: bool = False  # an existing function gets a new definition
    # Made again after DropFunction(replaced=True) of its old signature.
    recreates: bool = False
    # It names the row type of a table this plan creates.
    uses_new_table: bool = False

    @property
    def phase(self) -> Phase:  # type: ignore[override]
        if self.uses_new_table:
            return Phase.CREATE_FUNCTIONS_ON_TABLES
        return Phase.CREATE_REPLACED_FUNCTIONS if self.recreates else Phase.CREATE_FUNCTIONS

    @property
    def subject(self) -> str:
        return self.function.signature

    @property
    def security(self) -> Access | None:
        # A helper function policies call can change what they let through.
        return Access.CHANGES if self.replaces or self.recreates else None


@dataclass(frozen=True)
class DropFunction(Operation):
    schema: str
    name: str
    argument_types: tuple[str, ...]
    # Dropped to be made again with a new result type or new argument names (which CREATE
    # OR REPLACE refuses to change): only while it still has the old ones, so a second run
    # leaves the new function alone.
    replaced_by: Function | None = None

    @property
    def phase(self) -> Phase:  # type: ignore[override]
        return Phase.DROP_FUNCTIONS if self.replaced_by is None else Phase.DROP_REPLACED_FUNCTIONS

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        return self.replaced_by is None

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.name}({', '.join(self.argument_types)})"


@dataclass(frozen=True)
class CreatePolicy(TableOperation):
    policy: Policy
    # Created again as it was, after a drop the plan needs (see DropPolicy.rebuilt_because).
    rebuilt: bool = False

    @property
    def phase(self) -> Phase:  # type: ignore[override]
        return Phase.RESTORE_DEPENDENTS if self.rebuilt else Phase.CREATE_POLICIES

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.policy.name}"

    @property
    def security(self) -> Access | None:
        if self.rebuilt:
            return None
        return Access.WIDENS if self.policy.permissive else Access.NARROWS


@dataclass(frozen=True)
class AlterPolicy(TableOperation):
    """ALTER POLICY: new roles, USING or WITH CHECK, in place (no moment without the policy)."""

    phase = Phase.CREATE_POLICIES
    policy: Policy
    previous: Policy

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.policy.name}"

    @property
    def security(self) -> Access:
        return Access.CHANGES


@dataclass(frozen=True)
class ReplacePolicy(TableOperation):
    """DROP + CREATE in one transaction: for a new command or permissive/restrictive flag."""

    phase = Phase.CREATE_POLICIES
    policy: Policy
    previous: Policy

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.policy.name}"

    @property
    def security(self) -> Access:
        return Access.CHANGES


@dataclass(frozen=True)
class DropPolicy(TableOperation):
    phase = Phase.DROP_POLICIES
    policy: Policy
    # Why an unchanged policy is dropped and created again in the same transaction (other
    # sessions never see it missing), for the reviewer; None for a real drop.
    rebuilt_because: str | None = None

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        return self.rebuilt_because is None

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.policy.name}"

    @property
    def security(self) -> Access | None:
        if self.rebuilt_because is not None:
            return None
        # Dropping a permissive policy takes access away; dropping a restrictive one gives it.
        return Access.NARROWS if self.policy.permissive else Access.WIDENS


@dataclass(frozen=True)
class SetRowLevelSecurity(TableOperation):
    phase = Phase.ROW_LEVEL_SECURITY
    enabled: bool

    @property
    def security(self) -> Access:
        return Access.NARROWS if self.enabled else Access.WIDENS


@dataclass(frozen=True)
class SetForceRowLevelSecurity(TableOperation):
    """FORCE makes the table owner subject to the policies too."""

    phase = Phase.ROW_LEVEL_SECURITY
    forced: bool

    @property
    def security(self) -> Access:
        return Access.NARROWS if self.forced else Access.WIDENS

    @property
    def sort_key(self) -> tuple:
        return (int(self.phase), self.subject, 1)


@dataclass(frozen=True)
class CreateTrigger(TableOperation):
    trigger: Trigger
    # Created again as it was, after a drop the plan needs (see DropTrigger.rebuilt_because).
    rebuilt: bool = False

    @property
    def phase(self) -> Phase:  # type: ignore[override]
        return Phase.RESTORE_DEPENDENTS if self.rebuilt else Phase.CREATE_TRIGGERS

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.trigger.name}"


@dataclass(frozen=True)
class DropTrigger(TableOperation):
    phase = Phase.DROP_TRIGGERS
    name: str
    replaced: bool = False  # dropped only to be created again with a new definition
    # Why an unchanged trigger is dropped and created again, for the reviewer.
    rebuilt_because: str | None = None

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        return not self.replaced

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.name}"


@dataclass(frozen=True)
class AssertNoViolations(Operation):
    """Stop before any change when existing rows would violate what the plan adds."""

    phase = Phase.PREFLIGHT
    check: DataCheck

    @property
    def subject(self) -> str:
        return f"{self.check.table}.{self.check.constraint}"


@dataclass(frozen=True)
class RenameTable(TableOperation):
    """ALTER TABLE old RENAME TO new (``table`` is the old name): the rows stay."""

    phase = Phase.RENAMES
    new_name: str

    @property
    def sort_key(self) -> tuple:
        return (int(self.phase), 0, self.subject)


@dataclass(frozen=True)
class RenameColumn(ColumnOperation):
    phase = Phase.RENAMES
    new_name: str

    @property
    def sort_key(self) -> tuple:
        return (int(self.phase), 1, self.subject)


@dataclass(frozen=True)
class RenameConstraint(TableOperation):
    phase = Phase.RENAMES
    name: str
    new_name: str

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.name}"

    @property
    def sort_key(self) -> tuple:
        return (int(self.phase), 2, self.subject)


@dataclass(frozen=True)
class RenameIndex(Operation):
    phase = Phase.RENAMES
    schema: str
    name: str
    new_name: str

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def sort_key(self) -> tuple:
        return (int(self.phase), 2, self.subject)

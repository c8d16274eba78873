"""Operations: what must change, as intent. Renderers turn them into SQL (render/sql.py).

Each operation belongs to a phase; a plan runs phases in order, so that what a statement
needs exists before it and what depends on a dropped object is gone before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar

from pgwright.model import (
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Identity,
    Index,
    PrimaryKey,
    Table,
    UniqueConstraint,
)


class Phase(IntEnum):
    CREATE_SCHEMAS = 10
    CREATE_EXTENSIONS = 20
    CREATE_TYPES = 30
    DROP_FOREIGN_KEYS = 40
    DROP_INDEXES = 50
    DROP_CONSTRAINTS = 60
    DROP_COLUMNS = 70
    DROP_TABLES = 80
    CREATE_TABLES = 90
    ALTER_COLUMNS = 100
    ADD_CONSTRAINTS = 110
    ADD_FOREIGN_KEYS = 120
    CREATE_INDEXES = 130
    COMMENTS = 140
    DROP_TYPES = 150
    DROP_EXTENSIONS = 160


@dataclass(frozen=True)
class Operation:
    phase: ClassVar[Phase]
    destructive: ClassVar[bool] = False

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
        return (int(self.phase), f"{self.schema}.{self.table}", 0, self.definition.name)


@dataclass(frozen=True)
class DropColumn(ColumnOperation):
    phase = Phase.DROP_COLUMNS
    destructive = True


@dataclass(frozen=True)
class AlterColumnType(ColumnOperation):
    phase = Phase.ALTER_COLUMNS
    rank = 1
    from_type: str
    to_type: str
    using: str | None = None


@dataclass(frozen=True)
class SetColumnDefault(ColumnOperation):
    phase = Phase.ALTER_COLUMNS
    rank = 2
    default: str | None  # None drops the default


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


KeyConstraint = PrimaryKey | UniqueConstraint | CheckConstraint


@dataclass(frozen=True)
class AddConstraint(TableOperation):
    phase = Phase.ADD_CONSTRAINTS
    constraint: KeyConstraint

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.constraint.name}"


@dataclass(frozen=True)
class DropConstraint(TableOperation):
    phase = Phase.DROP_CONSTRAINTS
    destructive = True
    name: str

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.name}"


@dataclass(frozen=True)
class AddForeignKey(TableOperation):
    phase = Phase.ADD_FOREIGN_KEYS
    foreign_key: ForeignKey

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.foreign_key.name}"


@dataclass(frozen=True)
class DropForeignKey(TableOperation):
    phase = Phase.DROP_FOREIGN_KEYS
    destructive = True
    name: str

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.table}.{self.name}"


@dataclass(frozen=True)
class CreateIndex(TableOperation):
    phase = Phase.CREATE_INDEXES
    index: Index

    @property
    def subject(self) -> str:
        return f"{self.schema}.{self.index.name}"


@dataclass(frozen=True)
class DropIndex(Operation):
    phase = Phase.DROP_INDEXES
    destructive = True
    schema: str
    name: str

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

    @property
    def subject(self) -> str:
        return ".".join(self.path)

    @property
    def sort_key(self) -> tuple:
        return (int(self.phase), self.kind != "SCHEMA", ".".join(self.path))

"""Operations: what must change, as intent, and what every operation has in common.

Each kind of object defines its operations in its module (pgwright/kinds/). An operation says
which kind it is about (``kind``), what it does (``action``), and which objects it needs,
makes and takes away (``uses``, ``provides``, ``removes``, ``releases``, as object keys).
diff/order.py derives a plan's order from those alone. Renderers turn operations into SQL
(render/statements.py), never the operations themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum as _PyEnum
from typing import ClassVar

from pgwright.checks import DataCheck

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
    """How a row-level-security or privilege change moves who can see or change rows."""

    WIDENS = "widens"
    NARROWS = "narrows"
    CHANGES = "changes"


@dataclass(frozen=True)
class Operation:
    """An operation's kind and action are given where it is declared:
    ``class CreateIndex(TableOperation, kind="index", action=Action.CREATE)``."""

    kind: ClassVar[str]  # a registered kind's name (pgwright.kinds.KINDS)
    action: ClassVar[Action]

    def __init_subclass__(cls, kind: str | None = None, action: Action | None = None,
                          **options) -> None:
        super().__init_subclass__(**options)
        if kind is not None:
            cls.kind = kind
        if action is not None:
            cls.action = action

    @property
    def security(self) -> Access | None:
        """Set on operations that change who can reach rows (row-level security, grants);
        reviewers see these first."""
        return None

    @property
    def target(self) -> ObjectKey:
        """The object it acts on, as a key: ("relation", "public", "orders_total_idx")."""
        raise NotImplementedError

    @property
    def path(self) -> tuple[str, ...]:
        """The name parts of what it is about: ("public", "orders", "total")."""
        return self.target[1:]

    @property
    def subject(self) -> str:
        """What the operation is about, for people: ``public.orders.total``."""
        return ".".join(self.path)

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
        """By default, what it makes or changes (its target), or the new name it gives."""
        if self.action is Action.RENAME:
            return (self.renamed_target,)
        return (self.target,) if self.action in (Action.CREATE, Action.CHANGE) else ()

    @property
    def removes(self) -> tuple[ObjectKey, ...]:
        """By default, what it drops or renames: its target."""
        return (self.target,) if self.action in (Action.DROP, Action.RENAME) else ()

    @property
    def renamed_target(self) -> ObjectKey:
        """A rename's target under its new name."""
        raise NotImplementedError

    @property
    def destructive(self) -> bool:
        """Whether it can lose data: a drop, unless the plan makes the object again."""
        return self.action is Action.DROP and not self.replaced

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
class RenameRelation(Operation):
    """ALTER ... RENAME of an object in a schema's namespace of relations (an index, a
    sequence, a view): the object stays, under ``new_name``. Its kind declares the action."""

    schema: str
    name: str
    new_name: str

    @property
    def target(self) -> ObjectKey:
        return relation_key(self.schema, self.name)

    @property
    def renamed_target(self) -> ObjectKey:
        return relation_key(self.schema, self.new_name)


@dataclass(frozen=True)
class TableOperation(Operation):
    """An operation on a table or a part of it: it needs the table, unless it drops."""

    schema: str
    table: str

    @property
    def target(self) -> ObjectKey:
        return relation_key(self.schema, self.table)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        return () if self.action is Action.DROP else (relation_key(self.schema, self.table),)


@dataclass(frozen=True, kw_only=True)
class Rebuildable:
    """What a drop of a part of a table carries when the object may be made again."""

    replaced: bool = False  # dropped only to be made again in the same plan
    # Why an unchanged object is dropped and made again, for the reviewer.
    rebuilt_because: str | None = None


@dataclass(frozen=True, kw_only=True)
class Restorable:
    """What the making of a part of a table carries when it may be made again as it was,
    after a drop the plan needs around another change (see Operation.restores)."""

    rebuilt: bool = False

    @property
    def restores(self) -> bool:
        return self.rebuilt


@dataclass(frozen=True)
class AssertNoViolations(Operation, kind="data", action=Action.CHECK):
    """Stop before any change when existing rows would violate what the plan adds."""

    check: DataCheck

    @property
    def target(self) -> ObjectKey:
        return ("data", self.check.table, self.check.constraint)

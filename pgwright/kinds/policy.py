"""Row-level-security policies: created, altered in place where PostgreSQL can, replaced, dropped."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pgwright.kinds.keyed import keyed_diff
from pgwright.kinds.registry import Kind
from pgwright.model import Policy, Table
from pgwright.names import qualified, quote_ident, quote_literal
from pgwright.ops import Access, Action, ObjectKey, Operation, Restorable, TableOperation, column_key
from pgwright.render.ddl import create_policy_sql, guarded, policy_clauses, regclass_literal
from pgwright.render.statements import Statement, describe, rebuilt_note, render_operation
from pgwright.sqlscript import referenced_names


def _policy_key(schema: str, table: str, name: str) -> ObjectKey:
    return ("policy", schema, table, name)


@dataclass(frozen=True)
class CreatePolicy(Restorable, TableOperation, kind="policy", action=Action.CREATE):
    policy: Policy

    @property
    def target(self) -> ObjectKey:
        return _policy_key(self.schema, self.table, self.policy.name)

    @property
    def uses(self) -> tuple[ObjectKey, ...]:
        if not self.rebuilt:
            return super().uses
        # back once the columns it reads are (a column dropped and added again)
        names = referenced_names(f"{self.policy.using or ''} {self.policy.with_check or ''}")
        return (*super().uses,
                *(column_key(self.schema, self.table, name) for name in sorted(names)))

    @property
    def security(self) -> Access | None:
        if self.rebuilt:
            return None
        return Access.WIDENS if self.policy.permissive else Access.NARROWS


@dataclass(frozen=True)
class AlterPolicy(TableOperation, kind="policy", action=Action.CHANGE):
    """ALTER POLICY: new roles, USING or WITH CHECK, in place (no moment without the policy)."""

    policy: Policy
    previous: Policy

    @property
    def target(self) -> ObjectKey:
        return _policy_key(self.schema, self.table, self.policy.name)

    @property
    def security(self) -> Access:
        return Access.CHANGES


@dataclass(frozen=True)
class ReplacePolicy(AlterPolicy):
    """DROP + CREATE in one transaction: for a new command or permissive/restrictive flag."""


@dataclass(frozen=True)
class DropPolicy(TableOperation, kind="policy", action=Action.DROP):
    policy: Policy
    # Why an unchanged policy is dropped and created again in the same transaction (other
    # sessions never see it missing), for the reviewer; None for a real drop.
    rebuilt_because: str | None = None

    @property
    def replaced(self) -> bool:
        return self.rebuilt_because is not None

    @property
    def target(self) -> ObjectKey:
        return _policy_key(self.schema, self.table, self.policy.name)

    @property
    def security(self) -> Access | None:
        if self.rebuilt_because is not None:
            return None
        # Dropping a permissive policy takes access away; dropping a restrictive one gives it.
        return Access.NARROWS if self.policy.permissive else Access.WIDENS


def compare_policies(spec: Table, live: Table) -> Iterator[Operation]:
    result = keyed_diff(spec.policies, live.policies, key=lambda p: p.name)
    for policy in result.added:
        yield CreatePolicy(spec.schema, spec.name, policy)
    for policy in result.removed:
        yield DropPolicy(spec.schema, spec.name, policy)
    for policy, current in result.changed:
        # ALTER POLICY can change roles, USING and WITH CHECK, but not remove a clause,
        # nor change the command or the permissive/restrictive kind.
        clause_removed = (policy.using is None and current.using is not None) or \
            (policy.with_check is None and current.with_check is not None)
        if policy.command != current.command or policy.permissive != current.permissive \
                or clause_removed:
            yield ReplacePolicy(spec.schema, spec.name, policy, current)
        else:
            yield AlterPolicy(spec.schema, spec.name, policy, current)


def _policy_exists(schema: str, table: str, name: str) -> str:
    return ("EXISTS (SELECT 1 FROM pg_catalog.pg_policy WHERE polrelid = "
            f"{regclass_literal(schema, table)} AND polname = {quote_literal(name)})")


def _drop_policy_sql(schema: str, table: str, name: str) -> str:
    return f"DROP POLICY IF EXISTS {quote_ident(name)} ON {qualified(schema, table)}"


@render_operation.register
def _(operation: CreatePolicy) -> list[Statement]:
    # CREATE POLICY has no IF NOT EXISTS.
    condition = "NOT " + _policy_exists(operation.schema, operation.table, operation.policy.name)
    body = create_policy_sql(operation.schema, operation.table, operation.policy)
    return [Statement(guarded(condition, body))]


@render_operation.register
def _(operation: AlterPolicy) -> list[Statement]:
    policy = operation.policy
    return [Statement(f"ALTER POLICY {quote_ident(policy.name)} ON "
                      f"{qualified(operation.schema, operation.table)} " + policy_clauses(policy))]


@render_operation.register
def _(operation: ReplacePolicy) -> list[Statement]:
    # Dropped and created in the same transaction: no moment without the policy is visible.
    return [
        Statement(_drop_policy_sql(operation.schema, operation.table, operation.policy.name),
                  comment="replaced: PostgreSQL cannot alter a policy's command or kind"),
        Statement(create_policy_sql(operation.schema, operation.table, operation.policy)),
    ]


@render_operation.register
def _(operation: DropPolicy) -> list[Statement]:
    return [Statement(_drop_policy_sql(operation.schema, operation.table, operation.policy.name),
                      destructive=operation.destructive, comment=rebuilt_note(operation))]


@describe.register
def _(operation: ReplacePolicy) -> str:
    return f"replace policy {operation.subject}"


@describe.register
def _(operation: AlterPolicy) -> str:
    changed = [name for name in ("roles", "using", "with_check")
               if getattr(operation.policy, name) != getattr(operation.previous, name)]
    return f"alter policy {operation.subject} ({', '.join(changed)})"


KIND = Kind("policy", compare_table=compare_policies)

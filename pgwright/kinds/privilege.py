"""Table privileges: what each role other than the owner may do with a table (GRANT/REVOKE).

Only the tables whose spec declares ``grants:`` have their privileges managed; they are
compared as sets of (role, privilege), whoever granted them, ALL taken as the privileges it
stands for. Roles are never created or dropped: the spec declares them under ``roles:``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pgwright.kinds.registry import Kind
from pgwright.model import TABLE_PRIVILEGES, Catalog, Grant
from pgwright.names import qualified, quote_ident
from pgwright.ops import Access, Action, ObjectKey, Operation, TableOperation
from pgwright.render.statements import Statement, describe, render_operation


@dataclass(frozen=True)
class _PrivilegeOperation(TableOperation):
    role: str
    privileges: tuple[str, ...]  # in TABLE_PRIVILEGES' order

    @property
    def target(self) -> ObjectKey:
        return ("privilege", self.schema, self.table, self.role)

    @property
    def grantee(self) -> str:
        return "PUBLIC" if self.role == "public" else quote_ident(self.role)

    @property
    def listed(self) -> str:
        return ", ".join(self.privileges)


@dataclass(frozen=True)
class GrantPrivileges(_PrivilegeOperation, kind="privilege", action=Action.CHANGE):
    @property
    def security(self) -> Access:
        return Access.WIDENS


@dataclass(frozen=True)
class RevokePrivileges(_PrivilegeOperation, kind="privilege", action=Action.CHANGE):
    @property
    def security(self) -> Access:
        return Access.NARROWS


def _by_role(grants: tuple[Grant, ...] | None) -> dict[str, frozenset[str]]:
    return {grant.role: frozenset(grant.privileges) for grant in grants or ()}


def _in_order(privileges: frozenset[str]) -> tuple[str, ...]:
    return tuple(privilege for privilege in TABLE_PRIVILEGES if privilege in privileges)


def compare_privileges(spec: Catalog, live: Catalog) -> Iterator[Operation]:
    """For each table whose spec declares grants: revoke what a role holds beyond them,
    grant what it lacks (a table the plan creates holds none)."""
    live_tables = live.tables_by_key()
    for table in spec.tables:
        if table.grants is None:
            continue
        current_table = live_tables.get(table.key)
        if current_table is not None and current_table.grants == table.grants:
            continue  # most tables: the same grants, by role, in the same order
        wanted = _by_role(table.grants)
        current = _by_role(current_table.grants if current_table is not None else ())
        for role in sorted(wanted.keys() | current.keys()):
            held, asked = current.get(role, frozenset()), wanted.get(role, frozenset())
            if held - asked:
                yield RevokePrivileges(table.schema, table.name, role, _in_order(held - asked))
            if asked - held:
                yield GrantPrivileges(table.schema, table.name, role, _in_order(asked - held))


# GRANT and REVOKE are idempotent by nature: granting a privilege held, or revoking one not
# held, changes nothing. The privileges are listed, never ALL: on PostgreSQL 17 and newer
# ALL would also grant or revoke MAINTAIN, which pgwright leaves alone.
@render_operation.register
def _(operation: GrantPrivileges) -> list[Statement]:
    return [Statement(f"GRANT {operation.listed} ON TABLE "
                      f"{qualified(operation.schema, operation.table)} TO {operation.grantee}")]


@render_operation.register
def _(operation: RevokePrivileges) -> list[Statement]:
    return [Statement(f"REVOKE {operation.listed} ON TABLE "
                      f"{qualified(operation.schema, operation.table)} FROM {operation.grantee}")]


@describe.register
def _(operation: GrantPrivileges) -> str:
    return (f"grant {operation.listed.lower()} on {operation.schema}.{operation.table} "
            f"to {operation.role}")


@describe.register
def _(operation: RevokePrivileges) -> str:
    return (f"revoke {operation.listed.lower()} on {operation.schema}.{operation.table} "
            f"from {operation.role}")


KIND = Kind("privilege", compare=compare_privileges)

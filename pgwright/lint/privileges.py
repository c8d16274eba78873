"""Privilege rules: who a table's grants let in, read against its row-level security.

A grant decides whether a role reaches a table at all; RLS decides which rows it then sees.
Each alone looks fine in review; these rules read them together. They look only at tables
whose grants the spec manages (``grants:``) or, for a live database, every table.
"""

from __future__ import annotations

from pgwright.lint.context import LintContext, names, object_name
from pgwright.lint.registry import Severity, Violation, rule
from pgwright.model import PolicyCommand, Table

PRIVILEGES = "privileges"

# Which policy command lets each privilege act on rows (SELECT also governs what UPDATE and
# DELETE find, but a DELETE without a DELETE policy deletes nothing).
_COMMAND_OF = {"select": PolicyCommand.SELECT, "insert": PolicyCommand.INSERT,
               "update": PolicyCommand.UPDATE, "delete": PolicyCommand.DELETE}


def _granted(table: Table):
    """(role, privilege) of the table's grants, privileges in lower case as the spec writes
    them (``public`` is PUBLIC)."""
    for grant in table.grants or ():
        for privilege in grant.privileges:
            yield grant.role, privilege.lower()


@rule("PRV001", "granted-without-rls", Severity.ERROR, PRIVILEGES,
      "a tenant table granted to a role while its row-level security is off: the role reads "
      "(or writes) every tenant's rows",
      "enable row-level security with a tenant policy, or take the grant back")
def granted_without_rls(context: LintContext):
    for table in context.catalog.tables:
        if not context.is_tenant_table(table) or table.row_level_security.enabled:
            continue
        roles = sorted({role for role, privilege in _granted(table) if privilege in _COMMAND_OF})
        if roles:
            yield Violation(object_name(table), f"{object_name(table)} is granted to "
                            f"{names(roles)} without row-level security", table.origin)


@rule("PRV002", "granted-to-public", Severity.WARNING, PRIVILEGES,
      "a table granted to PUBLIC: every role of the cluster, present and future, has it",
      "grant to the roles that need it (`grants: {api_user: [select]}`)")
def granted_to_public(context: LintContext):
    for table in context.catalog.tables:
        privileges = [privilege for role, privilege in _granted(table) if role == "public"]
        if privileges:
            yield Violation(object_name(table), f"{object_name(table)} grants "
                            f"{names(privileges)} to PUBLIC", table.origin)


@rule("PRV003", "grant-without-policy", Severity.WARNING, PRIVILEGES,
      "a role granted a command on a table with row-level security, but no permissive policy "
      "for that role and command: the grant does nothing, or the policy was forgotten",
      "add the policy the grant is for, or take the grant back")
def grant_without_policy(context: LintContext):
    for table in context.catalog.tables:
        if not table.row_level_security.enabled:
            continue
        for role, privilege in sorted(set(_granted(table))):
            command = _COMMAND_OF.get(privilege)
            if command is None or role in context.bypass_roles:
                continue
            if not any(_covers(policy, role, command) for policy in table.policies
                       if policy.permissive):
                yield Violation(object_name(table), f"{object_name(table)} grants {privilege} "
                                f"to {role}, and no policy lets {role} {privilege} rows",
                                table.origin)


@rule("PRV004", "policy-role-without-grant", Severity.WARNING, PRIVILEGES,
      "a policy for a role the table's grants leave out: the role cannot reach the table, so "
      "the policy never applies",
      "grant the role what the policy is for (`grants: {role: [select]}`), or drop the policy")
def policy_role_without_grant(context: LintContext):
    for table in context.catalog.tables:
        if table.grants is None:  # the spec does not manage this table's grants
            continue
        granted = {(role, privilege) for role, privilege in _granted(table)}
        for policy in table.policies:
            wanted = [p for p, command in _COMMAND_OF.items()
                      if policy.command in (PolicyCommand.ALL, command)]
            for role in policy.roles:
                # a role that bypasses RLS has its own rule (RLS010); membership in a role
                # that holds the grant is not followed (roles are not in the model)
                if role == "public" or role in context.bypass_roles:
                    continue
                if not any((holder, privilege) in granted for holder in (role, "public")
                           for privilege in wanted):
                    yield Violation(object_name(table, policy.name),
                                    f"policy {policy.name} on {object_name(table)} is for "
                                    f"{role}, which holds no {names(wanted)} on the table",
                                    table.origin)


def _covers(policy, role: str, command: PolicyCommand) -> bool:
    roles = policy.roles or ("public",)  # no roles: TO PUBLIC
    return (policy.command in (PolicyCommand.ALL, command)
            and (role in roles or "public" in roles))

"""Row-level security rules: every tenant table is protected, and every policy keeps rows in
their tenant. Policy predicates are read with PostgreSQL's parser (lint/expressions.py)."""

from __future__ import annotations

from pgwright.lint.context import LintContext, names, object_name
from pgwright.lint.expressions import SESSION_CALLS
from pgwright.lint.registry import Severity, Violation, rule
from pgwright.model import PolicyCommand

RLS = "rls"
WRITES = (PolicyCommand.ALL, PolicyCommand.INSERT, PolicyCommand.UPDATE)
COMMANDS = (PolicyCommand.SELECT, PolicyCommand.INSERT, PolicyCommand.UPDATE,
            PolicyCommand.DELETE)


@rule("RLS001", "rls-disabled", Severity.ERROR, RLS,
      "a tenant table without row-level security",
      "enable it with a tenant policy: `rls: {enabled: true, force: true, policies: {...}}`")
def rls_disabled(context: LintContext):
    for table in context.catalog.tables:
        if context.is_tenant_table(table) and not table.row_level_security.enabled \
                and not table.policies:
            yield Violation(object_name(table), f"{object_name(table)} is a tenant table "
                            "without row-level security", table.origin)


@rule("RLS002", "rls-without-policies", Severity.WARNING, RLS,
      "row-level security enabled with no policy: every role but the owner sees nothing",
      "add the policies the table needs, or say that denying everyone is meant with a lint "
      "ignore and its reason")
def rls_without_policies(context: LintContext):
    for table in context.catalog.tables:
        if table.row_level_security.enabled and not table.policies:
            yield Violation(object_name(table), f"{object_name(table)} has row-level security "
                            "enabled and no policy", table.origin)


@rule("RLS003", "rls-not-forced", Severity.WARNING, RLS,
      "a tenant table whose row-level security does not apply to the table owner",
      "add `force: true`: an application that connects as the owner otherwise bypasses "
      "every policy")
def rls_not_forced(context: LintContext):
    for table in context.catalog.tables:
        security = table.row_level_security
        if context.is_tenant_table(table) and security.enabled and not security.forced:
            yield Violation(object_name(table), f"{object_name(table)} has row-level security "
                            "enabled but not forced", table.origin)


@rule("RLS004", "policy-leaks-tenant", Severity.ERROR, RLS,
      "a permissive policy whose predicate lets rows escape the tenant (OR <tenant> IS NULL, "
      "OR true, USING (true))",
      "drop the escaping branch; rows shared by every tenant belong in a global table, or in "
      "a separate SELECT-only policy that says so")
def policy_leaks_tenant(context: LintContext):
    for table, policy, which, predicate in _tenant_predicates(context):
        how = "(true)" if predicate.always_true else predicate.escapes(context.tenant_columns(table))
        if how:
            name = object_name(table, policy.name)
            shown = how if predicate.always_true else f"(... {how})"
            yield Violation(name, f"{name} lets rows of every tenant through: {which} {shown}",
                            policy.origin)


@rule("RLS005", "write-without-check", Severity.ERROR, RLS,
      "a write policy without WITH CHECK (INSERT), or with a WITH CHECK wider than its USING",
      "give the policy `with_check:` the same tenant condition as `using:`, so no row can be "
      "written into another tenant")
def write_without_check(context: LintContext):
    for table in context.catalog.tables:
        if not context.is_tenant_table(table):
            continue
        tenant = context.tenant_columns(table)
        for policy in table.policies:
            if not policy.permissive or policy.command not in WRITES:
                continue
            using, check = context.predicates(policy)
            name = object_name(table, policy.name)
            if policy.command is PolicyCommand.INSERT and check is None:
                yield Violation(name, f"{name} allows INSERT with no WITH CHECK: any row, of "
                                "any tenant, can be inserted", policy.origin)
            elif (using is not None and check is not None and using.readable and check.readable
                  and using.restricts(tenant, context.helper_names)
                  and not check.restricts(tenant, context.helper_names)):
                yield Violation(name, f"{name} has a WITH CHECK that does not restrict "
                                f"{names(tenant)}, unlike its USING", policy.origin)


@rule("RLS006", "policy-ignores-tenant", Severity.WARNING, RLS,
      "a permissive policy on a tenant table that neither compares the tenant column nor "
      "passes it to a declared helper",
      "restrict the policy to the tenant: `organization_id = current_org_id()`")
def policy_ignores_tenant(context: LintContext):
    unrestricted: dict[tuple, list[str]] = {}
    for table, policy, which, predicate in _tenant_predicates(context):
        tenant = context.tenant_columns(table)
        if predicate.always_true or predicate.escapes(tenant):
            continue  # RLS004 says it
        if not predicate.restricts(tenant, context.helper_names):
            unrestricted.setdefault((table.key, policy.name), []).append(which)
    for (key, policy_name), parts in unrestricted.items():
        table = context.tables[key]
        policy = next(p for p in table.policies if p.name == policy_name)
        if parts == ["WITH CHECK"] and policy.command is not PolicyCommand.INSERT:
            continue  # a WITH CHECK wider than its USING: RLS005 says it
        name = object_name(table, policy_name)
        yield Violation(name, f"{name} {' and '.join(parts)} does not restrict "
                        f"{names(context.tenant_columns(table))}", policy.origin)


@rule("RLS007", "per-row-session-call", Severity.WARNING, RLS,
      "current_setting() or an auth function called for every row instead of once",
      "wrap the call in a sub-select, `(select current_setting('app.org_id'))`, so "
      "PostgreSQL evaluates it once per statement (an InitPlan)")
def per_row_session_call(context: LintContext):
    for table in context.catalog.tables:
        for policy in table.policies:
            calls = [call for predicate in context.predicates(policy) if predicate
                     for call in predicate.calls
                     if call.per_row and call.name in SESSION_CALLS]
            for display in dict.fromkeys(call.display for call in calls):
                name = object_name(table, policy.name)
                yield Violation(name, f"{name} calls {display} once per row", policy.origin)


@rule("RLS008", "multiple-permissive-policies", Severity.WARNING, RLS,
      "several permissive policies for the same role and command: each one widens access, "
      "and every one is evaluated for every row",
      "merge them into one policy, or make the narrowing ones `as: restrictive`")
def multiple_permissive_policies(context: LintContext):
    for table in context.catalog.tables:
        overlaps: dict[tuple[str, ...], list[str]] = {}
        for role in sorted({role for policy in table.policies for role in policy.roles}):
            for command in COMMANDS:
                applying = tuple(sorted(
                    policy.name for policy in table.policies if policy.permissive
                    and policy.command in (command, PolicyCommand.ALL)
                    and (role in policy.roles or "public" in policy.roles)))
                if len(applying) > 1:
                    overlaps.setdefault(applying, []).append(f"{role} {command.sql}")
        for policies, where in overlaps.items():
            yield Violation(object_name(table), f"{object_name(table)} has permissive "
                            f"policies {', '.join(policies)} for the same role and command "
                            f"({', '.join(where)})", table.origin)


@rule("RLS009", "policy-reads-unprotected-table", Severity.WARNING, RLS,
      "a policy whose sub-query reads a tenant table that has row-level security disabled",
      "enable row-level security on the table the policy reads, or read it through a "
      "SECURITY DEFINER helper with a fixed search_path")
def policy_reads_unprotected_table(context: LintContext):
    for table in context.catalog.tables:
        for policy in table.policies:
            read = {key for predicate in context.predicates(policy) if predicate
                    for key in predicate.tables}
            for schema, name in sorted(read, key=lambda key: (key[0] or "", key[1])):
                target = context.tables.get((schema or table.schema, name))
                if (target is not None and target.key != table.key
                        and context.is_tenant_table(target)
                        and not target.row_level_security.enabled):
                    policy_name = object_name(table, policy.name)
                    yield Violation(policy_name, f"{policy_name} reads {object_name(target)}, "
                                    "which has row-level security disabled", policy.origin)


@rule("RLS010", "policy-for-bypass-role", Severity.WARNING, RLS,
      "a policy for a role that bypasses row-level security (superuser or BYPASSRLS): it "
      "never applies",
      "give the policy to the role the application uses, and keep that role NOBYPASSRLS")
def policy_for_bypass_role(context: LintContext):
    for table in context.catalog.tables:
        for policy in table.policies:
            bypassing = set(policy.roles) & context.bypass_roles
            if bypassing:
                name = object_name(table, policy.name)
                yield Violation(name, f"{name} is for {names(bypassing)}, which bypasses "
                                "row-level security", policy.origin)


@rule("RLS011", "policies-without-rls", Severity.ERROR, RLS,
      "a table with policies but row-level security disabled: the policies do nothing",
      "enable row-level security on the table: `rls: {enabled: true, force: true}`")
def policies_without_rls(context: LintContext):
    for table in context.catalog.tables:
        if table.policies and not table.row_level_security.enabled:
            yield Violation(object_name(table), f"{object_name(table)} has "
                            f"{len(table.policies)} policy(ies) but row-level security is "
                            "disabled", table.origin)


def _tenant_predicates(context: LintContext):
    """(table, policy, "USING" or "WITH CHECK", predicate) for each readable predicate of the
    permissive policies of tenant tables: what may let rows of another tenant in."""
    for table in context.catalog.tables:
        if not context.is_tenant_table(table):
            continue
        for policy in table.policies:
            if not policy.permissive:
                continue  # a restrictive policy only narrows what the others admit
            using, check = context.predicates(policy)
            for which, predicate in (("USING", using), ("WITH CHECK", check)):
                if predicate is not None and predicate.readable:
                    yield table, policy, which, predicate

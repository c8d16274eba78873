"""Function rules: the helpers policies call run with the privileges and the volatility they
should."""

from __future__ import annotations

from pgwright.lint.context import LintContext
from pgwright.lint.expressions import SESSION_STATE, called_names
from pgwright.lint.registry import Severity, Violation, rule

FUNCTIONS = "functions"


@rule("FUN001", "definer-without-search-path", Severity.ERROR, FUNCTIONS,
      "a SECURITY DEFINER function without a fixed search_path",
      "add `search_path: pg_catalog, public` (or `''` and qualify every name): otherwise a "
      "caller's own schema can shadow what the function calls, with the owner's privileges")
def definer_without_search_path(context: LintContext):
    for function in context.catalog.functions:
        if function.security_definer and function.search_path is None:
            yield Violation(f"{function.signature}", f"{function.signature} is SECURITY "
                            "DEFINER without a fixed search_path", function.origin)


@rule("FUN002", "volatile-policy-helper", Severity.WARNING, FUNCTIONS,
      "a function called by a policy that is VOLATILE: it runs again for every row",
      "declare the helper `volatility: stable` when its result does not change within a "
      "statement")
def volatile_policy_helper(context: LintContext):
    called: dict[str, list[str]] = {}
    for table in context.catalog.tables:
        for policy in table.policies:
            for predicate in context.predicates(policy):
                for call in predicate.calls if predicate else ():
                    called.setdefault(call.name[-1], []).append(f"{table.name}.{policy.name}")
    for function in context.catalog.functions:
        if function.volatility == "volatile" and function.name in called:
            users = ", ".join(dict.fromkeys(called[function.name]))
            yield Violation(function.signature, f"{function.signature} is VOLATILE and "
                            f"called by the policies {users}", function.origin)


@rule("FUN003", "immutable-reads-session", Severity.ERROR, FUNCTIONS,
      "an IMMUTABLE function that reads session state (current_setting, current_user, now...)",
      "declare it `volatility: stable`: an IMMUTABLE function may be evaluated once, at plan "
      "time, and its result reused for another session or tenant")
def immutable_reads_session(context: LintContext):
    for function in context.catalog.functions:
        if function.volatility != "immutable":
            continue
        used = sorted(called_names(function.source or function.body) & SESSION_STATE)
        if used:
            yield Violation(function.signature, f"{function.signature} is IMMUTABLE but uses "
                            f"{', '.join(used)}", function.origin)

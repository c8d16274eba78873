"""`pgwright lint`: the multi-tenant integrity and RLS audit, over the model.

Rules are data in one registry (:data:`RULES`, filled by the rule modules imported below);
:func:`lint_catalog` runs them over a :class:`~pgwright.model.Catalog` built from the spec or
read from a live database, applies the spec's `lint:` config, and returns the findings. Pure:
no database, no I/O.

>>> report = lint_catalog(catalog)  # doctest: +SKIP
>>> [(f.rule, f.object) for f in report.findings]  # doctest: +SKIP
[('RLS004', 'public.customers.customers_tenant_isolation')]
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pgwright.lint import (  # noqa: F401  (they register)
    functions,
    privileges,
    references,
    rls,
    tenancy,
)
from pgwright.lint.config import LintConfig, Suppression
from pgwright.lint.context import LintContext
from pgwright.lint.registry import RULES, Location, Rule, Severity, add_rule
from pgwright.model import Catalog

__all__ = ["RULES", "Finding", "LintConfig", "LintReport", "Rule", "Severity", "lint_catalog"]

UNUSED_SUPPRESSION = add_rule(Rule(
    "LNT001", "unused-suppression", Severity.WARNING,
    "a lint ignore in the spec that no longer matches any finding",
    "remove the ignore, or fix its rule code or object", "lint"))


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    object: str  # schema-qualified, the table first: public.tasks.project_id
    message: str  # stable from run to run
    hint: str
    location: Location | None = None

    @property
    def docs(self) -> str:
        return RULES[self.rule].docs


@dataclass(frozen=True)
class LintReport:
    findings: tuple[Finding, ...]
    suppressed: tuple[tuple[Finding, Suppression], ...] = ()
    fail_on: Severity | None = None  # from the spec's lint: section
    rules_run: tuple[str, ...] = field(default=())

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)

    def at_or_above(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity.rank >= severity.rank)


def lint_catalog(catalog: Catalog, config: LintConfig = LintConfig(), *,
                 disabled: frozenset[str] = frozenset(),
                 bypass_roles: frozenset[str] = frozenset(), orphans: tuple = ()) -> LintReport:
    """Run every enabled rule over ``catalog``; findings sorted by object, then rule.

    ``bypass_roles`` and ``orphans`` (:class:`pgwright.checks.Finding`) are what a live
    database adds: roles that bypass RLS, and the counts of its orphan checks."""
    context = LintContext(catalog, global_tables=config.global_tables, bypass_roles=bypass_roles,
                          orphans=orphans)
    off = config.disabled | {code.upper() for code in disabled}
    found: list[Finding] = []
    run = []
    for code, rule in RULES.items():
        if code in off or rule.check is None:
            continue
        run.append(code)
        for violation in rule.check(context):
            found.append(Finding(code, rule.severity, violation.object, violation.message,
                                 rule.hint, Location.from_origin(violation.origin)))
    kept: list[Finding] = []
    suppressed: list[tuple[Finding, Suppression]] = []
    for finding in dict.fromkeys(found):
        match = next((s for s in config.suppressions if s.matches(finding.rule, finding.object)),
                     None)
        if match is None:
            kept.append(finding)
        else:
            suppressed.append((finding, match))
    used = {id(suppression) for _, suppression in suppressed}
    if UNUSED_SUPPRESSION.code not in off:
        for suppression in config.suppressions:
            if id(suppression) not in used:
                kept.append(Finding(
                    UNUSED_SUPPRESSION.code, UNUSED_SUPPRESSION.severity, suppression.scope,
                    f"{suppression.scope}: lint ignore of {', '.join(suppression.rules)} "
                    "matches no finding", UNUSED_SUPPRESSION.hint, suppression.location))
    kept.sort(key=lambda f: (f.object, f.rule, f.message))
    return LintReport(findings=tuple(kept), suppressed=tuple(suppressed),
                      fail_on=config.fail_on, rules_run=tuple(run))

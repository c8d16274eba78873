"""Plans for people (a summary) and for machines (JSON)."""

from __future__ import annotations

import json
from functools import singledispatch

from pgwright import ops
from pgwright.names import sql_comment
from pgwright.render.sql import render_operation


@singledispatch
def describe(operation: ops.Operation) -> str:
    """One line saying what an operation does: ``create table public.orders``."""
    words = []
    for char in type(operation).__name__:
        if char.isupper() and words:
            words.append(" ")
        words.append(char.lower())
    return f"{''.join(words)} {operation.subject}"


@describe.register
def _(operation: ops.AlterColumnType) -> str:
    if operation.from_type == operation.to_type:  # only the collation changes
        return (f"change collation of {operation.subject} to "
                f"{operation.collation or 'its type default'}")
    using = f" (using {operation.using})" if operation.using else ""
    collation = f" collate {operation.collation}" if operation.collation_changes else ""
    return (f"change type of {operation.subject}: {operation.from_type} -> "
            f"{operation.to_type}{collation}{using}")


@describe.register
def _(operation: ops.SetColumnNullable) -> str:
    return f"{'drop' if operation.nullable else 'set'} not null on {operation.subject}"


@describe.register
def _(operation: ops.SetColumnDefault) -> str:
    if operation.default is None:
        return f"drop default of {operation.subject}"
    return f"set default of {operation.subject} to {operation.default}"


@describe.register
def _(operation: ops.SetComment) -> str:
    action = "remove comment on" if operation.comment is None else "comment on"
    return f"{action} {operation.kind.lower()} {operation.subject}"


@describe.register
def _(operation: ops.SetRowLevelSecurity) -> str:
    return f"{'enable' if operation.enabled else 'disable'} row level security {operation.subject}"


@describe.register
def _(operation: ops.SetForceRowLevelSecurity) -> str:
    return f"{'force' if operation.forced else 'stop forcing'} row level security {operation.subject}"


@describe.register
def _(operation: ops.AlterPolicy) -> str:
    changed = [name for name in ("roles", "using", "with_check")
               if getattr(operation.policy, name) != getattr(operation.previous, name)]
    return f"alter policy {operation.subject} ({', '.join(changed)})"


@describe.register
def _(operation: ops.CreateFunction) -> str:
    verb = "replace" if operation.replaces else "recreate" if operation.recreates else "create"
    return f"{verb} function {operation.subject}"


@describe.register
def _(operation: ops.DropFunction) -> str:
    if operation.replaced_by is None:
        return f"drop function {operation.subject}"
    return (f"drop function {operation.subject} to make it again "
            "(new result type or argument names)")


@describe.register
def _(operation: ops.AssertNoViolations) -> str:
    check = operation.check
    return f"check that no row of {check.table} violates {check.constraint}"


@describe.register
def _(operation: ops.AddEnumValue) -> str:
    return f"add value '{operation.value}' to enum {operation.subject}"


def _marker(operation: ops.Operation) -> str:
    if operation.destructive:
        return "-"
    if isinstance(operation, ops.AssertNoViolations):
        return "?"
    name = type(operation).__name__
    return "+" if name.startswith(("Create", "Add")) else "~"


def summary_lines(operations) -> list[str]:
    """``+ create table public.orders``, ``- drop column ... (destructive)``, one per operation.

    Row-level-security changes come first, marked ``!`` with the way they move access.
    """
    lines = [f"! {operation.security.value} access: {describe(operation)}"
             for operation in operations if operation.security is not None]
    for operation in operations:
        if operation.security is not None:
            continue
        line = f"{_marker(operation)} {describe(operation)}"
        if operation.destructive:
            line += "  (DESTRUCTIVE)"
        lines.append(line)
    return lines


def findings_json(findings) -> list[dict]:
    return [{"code": f.check.code, "table": f.check.table, "constraint": f.check.constraint,
             "columns": list(f.check.columns), "count": f.count,
             "samples": [[str(value) for value in row] for row in f.samples],
             "description": f.check.description, "sql": f.check.count_sql}
            for f in findings]


def findings_table(findings) -> list[str]:
    """Rows of a findings table for people: table, constraint, count, samples."""
    lines = []
    for finding in findings:
        samples = ", ".join("(" + ", ".join(str(v) for v in row) + ")" if len(row) > 1
                            else str(row[0]) for row in finding.samples)
        lines.append(f"{finding.check.table}  {finding.check.constraint}  "
                     f"{finding.count} row(s): {finding.check.description}"
                     + (f"  e.g. {samples}" if samples else ""))
    return lines


def unmanaged_summary(unmanaged) -> str | None:
    """One line saying what the spec leaves out, by kind: ``3 object(s) ... (2 views, ...)``."""
    if not unmanaged:
        return None
    counts: dict[str, int] = {}
    for item in unmanaged:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    kinds = ", ".join(f"{kind}: {count}" for kind, count in sorted(counts.items()))
    return (f"{len(unmanaged)} object(s) the spec cannot express are left as they are "
            f"({kinds}); `pgwright inspect` lists them, --strict fails on them")


def plan_json(plan) -> str:
    """The plan as JSON: each operation with its statements and flags."""
    document = {
        "changes": len(plan.operations),
        "findings": findings_json(plan.findings),
        "unmanaged": [{"kind": o.kind, "name": o.name, "detail": o.detail}
                      for o in plan.unmanaged],
        "destructive": any(operation.destructive for operation in plan.operations),
        "security": [
            {"subject": operation.subject, "access": operation.security.value,
             "description": describe(operation)}
            for operation in plan.operations if operation.security is not None
        ],
        "operations": [
            {
                "kind": type(operation).__name__,
                "subject": operation.subject,
                "description": describe(operation),
                "phase": operation.phase.name.lower(),
                "destructive": operation.destructive,
                "security": operation.security.value if operation.security else None,
                "statements": [
                    {"sql": s.sql, "transactional": s.transactional, "destructive": s.destructive}
                    for s in render_operation(operation)
                ],
            }
            for operation in plan.operations
        ],
    }
    return json.dumps(document, indent=2)


def migration_header(title: str, operations, spec_file: str) -> str:
    """The comment block at the top of a generated migration: one comment line per change,
    whatever the names in it hold (see :func:`~pgwright.names.sql_comment`)."""
    from pgwright import __version__

    lines = [title,
             f"Generated by pgwright {__version__} from {spec_file}.",
             "Idempotent: safe to run twice, or after part of it already ran."]
    destructive = [o for o in operations if o.destructive]
    if destructive:
        lines.append(f"WARNING: {len(destructive)} DESTRUCTIVE change(s): data can be lost.")
    lines += ["", "Changes:"]
    lines += [f"  {line}" for line in summary_lines(operations)]
    return "\n".join(sql_comment(line) for line in lines) + "\n"

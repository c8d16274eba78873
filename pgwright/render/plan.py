"""Plans for people (a summary) and for machines (JSON)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from pgwright import ops
from pgwright.names import sql_comment
from pgwright.render.checks import count_sql
from pgwright.render.statements import describe, render_operation

__all__ = ["describe", "plan_json", "reviewed_changes", "summary_lines"]


@describe.register
def _(operation: ops.AssertNoViolations) -> str:
    check = operation.check
    return f"check that no row of {check.table} violates {check.constraint}"


def _marker(operation: ops.Operation) -> str:
    if operation.destructive:
        return "-"
    if isinstance(operation, ops.AssertNoViolations):
        return "?"
    name = type(operation).__name__
    return "+" if name.startswith(("Create", "Add")) else "~"


LEGEND = ("markers: + adds, ~ changes, - removes (DESTRUCTIVE: data can be lost), "
          "? checks existing rows first, ! changes who can see or write rows (RLS, grants)")


@dataclass(frozen=True)
class ReviewedChange:
    """What a reviewer reads as one change: most often one operation; a foreign key dropped
    only to be added again with a new rule is one change from the old rule to the new."""

    operations: tuple[ops.Operation, ...]
    marker: str
    description: str
    destructive: bool = False


_FOREIGN_KEY_FIELDS = (("columns", "columns"), ("target", "references"),
                       ("on_delete", "on delete"), ("on_update", "on update"),
                       ("deferrable", "deferrable"), ("initially_deferred", "initially deferred"))


def _foreign_key_field(foreign_key, name: str) -> str:
    if name == "target":
        return (f"{foreign_key.target_schema}.{foreign_key.target_table}"
                f"({', '.join(foreign_key.target_columns)})")
    value = getattr(foreign_key, name)
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value.sql.lower()  # a ReferentialAction: "cascade", "set null"


def foreign_key_differences(old, new) -> list[tuple[str, str, str]]:
    """(what, old, new) for each part of a foreign key that changed."""
    return [(label, _foreign_key_field(old, name), _foreign_key_field(new, name))
            for name, label in _FOREIGN_KEY_FIELDS
            if _foreign_key_field(old, name) != _foreign_key_field(new, name)]


def reviewed_changes(operations) -> list[ReviewedChange]:
    """The operations as a reviewer reads them, in plan order: a foreign key redefined in
    place (dropped as replaced, added again under its name on the same table, with other
    parts) is one ``~ change foreign key ...: on delete cascade -> restrict``."""
    operations = list(operations)
    # (render reads the operations' kind and action, so it needs no kind's module)
    added = {o.target: o for o in operations
             if o.kind == "foreign_key" and o.action is ops.Action.CREATE}
    paired: dict[int, ops.Operation] = {}
    for operation in operations:
        if operation.kind == "foreign_key" and operation.action is ops.Action.DROP \
                and operation.replaced and operation.rebuilt_because is None:
            addition = added.get(operation.target)
            if addition is not None and foreign_key_differences(operation.foreign_key,
                                                                 addition.foreign_key):
                paired[id(operation)] = addition
    absorbed = {id(addition) for addition in paired.values()}
    changes = []
    for operation in operations:
        if id(operation) in absorbed:
            continue
        if id(operation) in paired:
            addition = paired[id(operation)]
            parts = "; ".join(f"{what} {old} -> {new}" for what, old, new in
                              foreign_key_differences(operation.foreign_key, addition.foreign_key))
            changes.append(ReviewedChange((operation, addition), "~",
                                          f"change foreign key {addition.subject}: {parts}"))
            continue
        changes.append(ReviewedChange((operation,), _marker(operation), describe(operation),
                                      operation.destructive))
    return changes


def summary_lines(operations) -> list[str]:
    """``+ create table public.orders``, ``- drop column ... (destructive)``, one per change
    a reviewer reads (see :func:`reviewed_changes`; :data:`LEGEND` says what marks mean).

    Access changes (row-level security, grants) come first, marked ``!`` with the way they
    move access.
    """
    lines = [f"! {operation.security.value} access: {describe(operation)}"
             for operation in operations if operation.security is not None]
    for change in reviewed_changes(operations):
        if any(operation.security is not None for operation in change.operations):
            continue
        line = f"{change.marker} {change.description}"
        if change.destructive:
            line += "  (DESTRUCTIVE)"
        lines.append(line)
    return lines


def findings_json(findings) -> list[dict]:
    return [{"code": f.check.code, "table": f.check.table, "constraint": f.check.constraint,
             "columns": list(f.check.columns), "count": f.count,
             "samples": [[str(value) for value in row] for row in f.samples],
             "description": f.check.description, "sql": count_sql(f.check)}
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


# What resolves each kind of refusal, said in the refusal's last line.
RESOLUTION_HINTS = {
    "orphaned-rows": "set `orphans: delete` or `orphans: set_null` on the reference in the "
                     "spec, or fix the rows",
    "null-values": "fill the NULLs, or keep the column nullable",
    "rows-need-a-value": "give the new column a default",
    "duplicate-keys": "remove the duplicates first",
    "failing-check": "fix the rows, or loosen the check",
    "values-too-long": "shorten the values, or keep the longer type",
    "values-not-convertible": "fix the values, or give the type change a `using:` expression",
    "unknown-discriminator": "fix the rows, or list the value in the spec",
}


def refusal_line(findings) -> str:
    """The last line of a refused plan: what the rows block and how to resolve each."""
    hints = []
    for finding in findings:
        hint = RESOLUTION_HINTS.get(finding.check.code)
        if hint is None:
            continue
        where = f"{finding.check.table} {finding.check.constraint}"
        hints.append(f"{where}: {hint}")
    way_out = f"; to resolve: {'; '.join(hints)}" if hints else ""
    return f"refused: existing rows would violate constraints this plan adds{way_out}"


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
        "changes": len(reviewed_changes(plan.operations)),
        "findings": findings_json(plan.findings),
        "unmanaged": [{"kind": o.kind, "name": o.name, "detail": o.detail}
                      for o in plan.unmanaged],
        "destructive": any(operation.destructive for operation in plan.operations),
        "security": [
            {"subject": operation.subject, "access": operation.security.value,
             "description": describe(operation)}
            for operation in plan.operations if operation.security is not None
        ],
        "operations": [_operation_json(change) for change in reviewed_changes(plan.operations)],
    }
    return json.dumps(document, indent=2)


def _operation_json(change: ReviewedChange) -> dict:
    """One reviewed change; a redefined foreign key is kind ``ChangeForeignKey``, with the
    parts that change (``from`` and ``to``) and the statements of its drop and add."""
    first = change.operations[-1]
    entry = {
        "kind": type(first).__name__ if len(change.operations) == 1 else "ChangeForeignKey",
        "subject": first.subject,
        "description": change.description,
        "phase": first.phase,
        "destructive": change.destructive,
        "security": first.security.value if first.security else None,
    }
    if len(change.operations) == 2:
        old, new = (operation.foreign_key for operation in change.operations)
        differences = foreign_key_differences(old, new)
        entry["from"] = {what: before for what, before, _ in differences}
        entry["to"] = {what: after for what, _, after in differences}
    entry["statements"] = [
        {"sql": s.sql, "transactional": s.transactional, "destructive": s.destructive}
        for operation in change.operations for s in render_operation(operation)]
    return entry


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

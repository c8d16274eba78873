"""Operations to idempotent SQL statements: one function per operation.

Every statement is safe to run twice, or on a database where part of the migration already
happened: IF [NOT] EXISTS where PostgreSQL has it, a catalog lookup in a DO block where it
does not (constraints, enum types, identity).
"""

from __future__ import annotations

from pgwright.names import escape_control_characters, sql_comment
from pgwright.ops import Action, AssertNoViolations
from pgwright.render.checks import guard_sql
from pgwright.render.statements import Statement, render_operation
from pgwright.sqlscript import DESTRUCTIVE_MARKER, NO_TRANSACTION_MARKER

__all__ = ["Statement", "render_operation", "render_script", "render_statements"]


def render_statements(operations) -> list[Statement]:
    """The statements for a sequence of operations, in the order given."""
    operations = list(operations)
    statements = []
    # (Each kind's module registers its renderers when its operations are made, so render
    # needs none of them: it reads an operation's kind.)
    if any(operation.kind == "function" and operation.action is not Action.DROP
           for operation in operations):
        # As pg_dump does: a function body may name a table this script creates later.
        statements.append(Statement("SET check_function_bodies = off",
                                    comment="function bodies are checked when first called"))
    return statements + [statement for operation in operations
                         for statement in render_operation(operation)]


def render_script(statements: list[Statement], header: str = "") -> str:
    """A SQL script runnable by pgwright's runner, by Alembic, or by ``psql -f``.

    A statement that cannot run inside a transaction block (CREATE INDEX CONCURRENTLY,
    a VALIDATE meant not to hold locks) is marked; the runner commits before it. Comments
    name objects, so they go through :func:`~pgwright.names.sql_comment`: a name cannot end one.
    """
    parts = [header.rstrip() + "\n"] if header else []
    for statement in statements:
        if statement.comment:
            parts.append(sql_comment(statement.comment))
        if statement.destructive:
            parts.append(f"{DESTRUCTIVE_MARKER} {escape_control_characters(statement.why_destructive)}")
        if not statement.transactional:
            parts.append(NO_TRANSACTION_MARKER)
        parts.append(statement.sql.rstrip() + ";\n")
    return "\n".join(parts)


@render_operation.register
def _(operation: AssertNoViolations) -> list[Statement]:
    return [Statement(guard_sql(operation.check),
                      comment=f"preflight: {operation.check.description}")]

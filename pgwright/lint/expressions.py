"""What a policy predicate or a function body does, read with PostgreSQL's own parser (pglast).

Facts, not verdicts: which columns a predicate uses, which functions it calls and whether once
per row, which tables its sub-queries read, and whether it restricts rows to one tenant. The
rules in :mod:`pgwright.lint.checks` turn them into findings. A predicate the parser cannot
read yields :data:`UNREADABLE`, about which no rule says anything.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from pglast import ast, parse_sql
from pglast.enums import BoolExprType, NullTestType, SubLinkType
from pglast.parser import ParseError, scan

# Calls whose value is the same for the whole statement: worth evaluating once, in an
# InitPlan, by writing them as a sub-select (splinter's auth_rls_initplan).
SESSION_CALLS = frozenset({
    ("current_setting",), ("pg_catalog", "current_setting"),
    ("auth", "uid"), ("auth", "jwt"), ("auth", "role"), ("auth", "email"),
})
# Calls and keywords whose value depends on the session or the moment: an IMMUTABLE function
# that uses one of them gives the planner a constant that is not one.
SESSION_STATE = frozenset({
    "current_setting", "current_user", "session_user", "current_role", "user",
    "current_schema", "current_schemas", "now", "current_timestamp", "current_date",
    "current_time", "localtime", "localtimestamp", "statement_timestamp", "clock_timestamp",
    "transaction_timestamp", "timeofday", "random", "nextval", "currval", "lastval",
    "pg_backend_pid", "inet_client_addr", "txid_current",
})


@dataclass(frozen=True)
class Call:
    name: tuple[str, ...]  # as written: ("current_setting",) or ("auth", "uid")
    per_row: bool  # False inside a sub-select, where PostgreSQL runs it once (an InitPlan)
    arguments: tuple[str, ...] = ()  # the bare column names among its arguments

    @property
    def display(self) -> str:
        return ".".join(self.name) + "()"


@dataclass(frozen=True)
class Predicate:
    """The facts of one USING or WITH CHECK expression."""

    readable: bool
    columns: frozenset[str] = frozenset()  # bare column names, outside sub-queries
    calls: tuple[Call, ...] = ()
    tables: frozenset[tuple[str | None, str]] = frozenset()  # (schema or None, name) read
    always_true: bool = False  # the whole predicate is `true`
    _tree: ast.Node | None = field(default=None, compare=False, repr=False)

    def escapes(self, tenant_columns: Collection[str]) -> str | None:
        """How rows of another tenant get through, or None: an OR branch ``<tenant> IS
        NULL`` or ``true`` next to the branch that restricts the tenant."""
        if self._tree is None:
            return None
        for branch in _or_branches(self._tree):
            if _is_true(branch):
                return "OR true"
            if (isinstance(branch, ast.NullTest)
                    and branch.nulltesttype == NullTestType.IS_NULL
                    and _column_name(branch.arg) in tenant_columns):
                return f"OR {_column_name(branch.arg)} IS NULL"
        return None

    def restricts(self, tenant_columns: Collection[str], helpers: Collection[str]) -> bool:
        """True when every row the predicate admits is tied to the tenant: it compares a
        tenant column, or passes one to a declared helper, on every OR branch."""
        return self._tree is not None and _restricts(self._tree, frozenset(tenant_columns),
                                                     frozenset(helpers))


UNREADABLE = Predicate(readable=False)


@lru_cache(maxsize=4096)
def read_predicate(text: str | None) -> Predicate | None:
    """The facts of ``text``; None for no predicate, :data:`UNREADABLE` if it does not parse.

    >>> read_predicate("organization_id = current_org_id()").columns
    frozenset({'organization_id'})
    """
    if text is None:
        return None
    try:
        statement = parse_sql(f"SELECT 1 WHERE {text}")
    except ParseError:
        return UNREADABLE
    if len(statement) != 1:
        return UNREADABLE
    tree = statement[0].stmt.whereClause
    columns: set[str] = set()
    calls: list[Call] = []
    tables: set[tuple[str | None, str]] = set()
    for node, in_subquery in _walk(tree, False):
        if isinstance(node, ast.ColumnRef) and not in_subquery:
            name = _column_name(node)
            if name:
                columns.add(name)
        elif isinstance(node, ast.FuncCall):
            name = tuple(part.sval for part in node.funcname)
            calls.append(Call(name, per_row=not in_subquery, arguments=tuple(
                column for argument in node.args or () if (column := _column_name(argument)))))
        elif isinstance(node, ast.RangeVar):
            tables.add((node.schemaname, node.relname))
    return Predicate(readable=True, columns=frozenset(columns), calls=tuple(calls),
                     tables=frozenset(tables), always_true=_is_true(tree), _tree=tree)


@lru_cache(maxsize=4096)
def not_null_columns(text: str) -> frozenset[str] | None:
    """The columns of a partial-index predicate made only of ``<column> IS NOT NULL`` tests
    (joined by AND), or None for any other predicate.

    >>> sorted(not_null_columns("a IS NOT NULL AND b IS NOT NULL"))
    ['a', 'b']
    """
    try:
        statement = parse_sql(f"SELECT 1 WHERE {text}")
    except ParseError:
        return None
    tree = statement[0].stmt.whereClause if len(statement) == 1 else None
    tests = tree.args if (isinstance(tree, ast.BoolExpr)
                          and tree.boolop == BoolExprType.AND_EXPR) else (tree,)
    columns = set()
    for test in tests:
        if not (isinstance(test, ast.NullTest) and test.nulltesttype == NullTestType.IS_NOT_NULL
                and _column_name(test.arg)):
            return None
        columns.add(_column_name(test.arg))
    return frozenset(columns)


def called_names(body: str) -> frozenset[str]:
    """The lower-cased names a function body calls or uses as session keywords, read with
    PostgreSQL's lexer (comments and string literals are not code): ``now()``,
    ``current_user``. For SQL and PL/pgSQL bodies alike."""
    try:
        tokens = scan(body)
    except ParseError:
        return frozenset()
    found = set()
    for position, token in enumerate(tokens):
        word = body[token.start:token.end + 1].lower()
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        is_call = following is not None and body[following.start:following.end + 1] == "("
        if (token.name == "IDENT" and is_call) or (
                token.kind != "NO_KEYWORD" and word in SESSION_STATE):
            found.add(word)
    return frozenset(found)


# ------------------------------------------------------------------------------ internals


def _walk(node, in_subquery: bool) -> Iterator[tuple[ast.Node, bool]]:
    if isinstance(node, tuple):
        for item in node:
            yield from _walk(item, in_subquery)
        return
    if not isinstance(node, ast.Node):
        return
    yield node, in_subquery
    if isinstance(node, ast.SubLink):
        yield from _walk(node.testexpr, in_subquery)
        yield from _walk(node.subselect, True)
        return
    for attribute in node.__slots__:
        yield from _walk(getattr(node, attribute), in_subquery)


def _column_name(node) -> str | None:
    """The column a bare or table-qualified column reference names."""
    if isinstance(node, ast.TypeCast):
        return _column_name(node.arg)
    if isinstance(node, ast.ColumnRef) and isinstance(node.fields[-1], ast.String):
        return node.fields[-1].sval
    return None


def _is_true(node) -> bool:
    if isinstance(node, ast.TypeCast):
        return _is_true(node.arg)
    return isinstance(node, ast.A_Const) and isinstance(node.val, ast.Boolean) and node.val.boolval


def _or_branches(node) -> Iterator[ast.Node]:
    if isinstance(node, ast.BoolExpr) and node.boolop == BoolExprType.OR_EXPR:
        for argument in node.args:
            yield from _or_branches(argument)
    else:
        yield node


def _restricts(node, tenant: frozenset[str], helpers: frozenset[str]) -> bool:
    if isinstance(node, ast.BoolExpr):
        if node.boolop == BoolExprType.AND_EXPR:
            return any(_restricts(argument, tenant, helpers) for argument in node.args)
        if node.boolop == BoolExprType.OR_EXPR:
            return all(_restricts(argument, tenant, helpers) for argument in node.args)
        return False  # NOT: what it admits is everything else
    if isinstance(node, ast.A_Expr):
        # organization_id = ..., organization_id IN (...), = ANY (...)
        operator = node.name[-1].sval if node.name else ""
        sides = (node.lexpr, node.rexpr)
        return operator == "=" and any(_column_name(side) in tenant for side in sides)
    if isinstance(node, ast.SubLink):
        # organization_id IN (SELECT ...), or EXISTS (... = outer.organization_id)
        if node.subLinkType == SubLinkType.ANY_SUBLINK:
            return _column_name(node.testexpr) in tenant
        if node.subLinkType == SubLinkType.EXISTS_SUBLINK:
            return any(isinstance(inner, ast.ColumnRef) and _column_name(inner) in tenant
                       for inner, _ in _walk(node.subselect, True))
        return False
    if isinstance(node, ast.FuncCall):
        name = node.funcname[-1].sval
        return name in helpers and any(_column_name(argument) in tenant
                                       for argument in node.args or ())
    return False

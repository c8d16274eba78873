"""Check a parsed spec: first its shape (spec/shape.py), then its meaning, read from its typed
entries (spec/reading.py). Every problem is reported.

No database is needed: references into schemas the spec does not manage are left for plan
time, when the live catalog can answer.

A shape problem does not hide the meaning problems of the rest of the file: keys that are
merely misspelt or mistyped are set aside (or, for a misspelt required key, read under the
name suggested), and the meaning is checked on what remains, provided what remains has a
valid shape. Only a spec whose structure is broken stops at the shape.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from pgwright.errors import Problem
from pgwright.kinds import KINDS
from pgwright.kinds.registry import declared_types
from pgwright.names import escape_control_characters
from pgwright.normalize import INTEGER_TYPES, canonical_type, parse_type
from pgwright.spec.context import Context, check_column_exists, check_identifier
from pgwright.spec.document import KeyPath, SpecDocument
from pgwright.spec.entries import FunctionEntry, TableEntry
from pgwright.spec.expressions import check_bare_word_default, check_expression, check_nul_characters
from pgwright.spec.reading import split_key
from pgwright.spec.relations import check_constraint_names, check_relation_names, check_relations
from pgwright.spec.sections import check_sections
from pgwright.spec.shape import MAX_SHAPE_PROBLEMS, check_shape
from pgwright.spec.sql_types import (
    COLLATABLE_BASES,
    PLAIN_SCHEMA_NAME,
    check_function_type,
    check_search_path,
    check_type,
    resolve_spec_type,
)

__all__ = ["MAX_SHAPE_PROBLEMS", "resolve_spec_type", "suggest", "validate_spec"]


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """'did you mean ...' for the closest candidate, if any is close."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


def validate_spec(document: SpecDocument) -> list[Problem]:
    """Every problem in the spec, errors and warnings, in file order.

    >>> from pgwright.spec.load import parse_spec_text
    >>> document = parse_spec_text("version: 1\\ntables:\\n  t:\\n    columns: {id: uuidd}\\n", "s.yaml")
    >>> [str(problem) for problem in validate_spec(document)]
    ["s.yaml:4: tables.t.columns.id: unknown type 'uuidd' (did you mean 'uuid'?)"]
    """
    shape = check_shape(document)
    problems = shape.problems
    if shape.checkable is not None:
        problems += _check_meaning(shape.checkable, shape.set_aside)
    return sorted(problems, key=lambda p: (p.line or 0, p.path))


# ---------------------------------------------------------------------------------- meaning


def _check_meaning(document: SpecDocument, set_aside: set[KeyPath] = frozenset()) -> list[Problem]:
    """The meaning problems of a spec whose shape is valid."""
    spec = document.entries
    context = Context(document=document, spec=spec, schemas=spec.schema_names,
                       set_aside=set(set_aside))
    if spec.version != 1:
        context.error(("version",), f"unsupported spec version {spec.version!r}",
                      "this pgwright reads version: 1")
    _check_names(context)
    tables = {}
    for entry in spec.tables:
        tables.setdefault(entry.key, entry)  # a table declared twice is reported by _check_names
    enums = {entry.key: entry for entry in spec.enums}
    _check_enums(context, enums)
    # the types columns and functions may name: enums, and what the kinds declare (domains)
    enums = {**dict.fromkeys(declared_types(KINDS, document.data, spec.schema_names)), **enums}
    column_types: dict[tuple[str, str, str], str | None] = {}
    for table in tables.values():
        _check_table(context, table, enums, column_types)
    functions = _check_functions(context)
    for table in tables.values():
        check_relations(context, table, tables, column_types)
        check_constraint_names(context, table)
        _check_row_level_security(context, table)
        _check_grants(context, table)
        _check_triggers(context, table, functions)
    check_relation_names(context, tables)
    _check_values_reaching_sql(context, enums)
    check_sections(context)
    return context.problems


def _check_key_parts(context: Context, path: KeyPath, key: str, what: str) -> None:
    """Check a table, enum or function key: ``name`` or ``schema.name``, split at the first
    dot, so a name that holds a dot is written qualified (``public.line.items``)."""
    schema, dot, name = key.partition(".")
    if dot:
        check_identifier(context, path, schema, "schema name")
        check_identifier(context, path, name, f"{what} name")
    else:
        check_identifier(context, path, key, f"{what} name")


def _check_names(context: Context) -> None:
    spec = context.spec
    for schema in spec.schemas:
        check_identifier(context, schema.path, schema.name, "schema name")
        if schema.name.startswith("pg_") or schema.name == "information_schema":
            context.error(schema.path, f"'{schema.name}' is a system schema and cannot be managed")
    for entry in spec.enums:
        _check_key_parts(context, entry.path, entry.path[-1], "enum")
        for index, value in enumerate(entry.values):
            check_identifier(context, entry.values_path + (index,), value, "enum value")
    seen: dict[tuple[str, str], str] = {}
    for table in spec.tables:
        key = table.path[-1]
        _check_key_parts(context, table.path, key, "table")
        if table.schema not in context.schemas:
            context.error(table.path, f"schema '{table.schema}' is not managed by this spec",
                          _unmanaged_schema_hint(context, table.schema, table.name))
        if table.key in seen:
            context.error(table.path, f"table '{table.schema}.{table.name}' is declared twice "
                          f"(also as '{seen[table.key]}')", "remove one of them")
        else:
            seen[table.key] = key
        for column in table.columns:
            check_identifier(context, column.path, column.name, "column name")
        for check in table.checks:
            check_identifier(context, check.path, check.name, "check name")
        named = [(unique.path, unique.name, "constraint name") for unique in table.uniques]
        named += [(fk.path, fk.written_name, "constraint name") for fk in table.foreign_keys
                  if fk.path[-1] != "references"]
        named += [(index.path, index.name, "index name") for index in table.indexes]
        for path, name, what in named:
            if name is not None:
                check_identifier(context, path + ("name",), name, what)


def _unmanaged_schema_hint(context: Context, schema: str, name: str) -> str:
    close = difflib.get_close_matches(schema, context.schemas, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}.{name}'?"
    return f"add it to schemas: [{', '.join(context.schemas + [schema])}]"


def _check_enums(context: Context, enums) -> None:
    for entry in enums.values():
        if entry.schema not in context.schemas:
            context.error(entry.path, f"schema '{entry.schema}' is not managed by this spec",
                          _unmanaged_schema_hint(context, entry.schema, entry.name))
        if not entry.values:
            context.error(entry.path, "an enum needs at least one value")
        values_path = entry.values_path
        first_index: dict[str, int] = {}
        for index, value in enumerate(entry.values):
            if value in first_index:
                context.error(values_path + (index,), f"value '{value}' is listed twice "
                              f"(first at [{first_index[value]}])", "remove one of them")
            first_index.setdefault(value, index)

def _check_table(context: Context, table, enums, column_types) -> None:
    columns = table.columns  # none is allowed: PostgreSQL has tables of no column
    column_names = [c.name for c in columns]
    for column in columns:
        parsed = parse_type(column.type)
        type_path = column.path + (("type",) if column.long_form else ())
        canonical = check_type(context, type_path, column.type, enums)
        column_types[(table.schema, table.name, column.name)] = canonical
        if column.collation is not None:
            check_identifier(context, column.path + ("collation",), str(column.collation),
                              "collation name")
        if column.collation is not None and parsed is not None and parsed.builtin \
                and parsed.base not in COLLATABLE_BASES:
            context.error(column.path + ("collation",),
                          f"a collation applies to text types, not '{column.type}'",
                          "remove collation:, or give the column a text type (text, varchar)")
        if column.identity and column.default is not None:
            context.error(column.path, "a column cannot have both identity and default")
        if column.identity and canonical is not None and canonical not in INTEGER_TYPES:
            context.error(column.path, f"identity needs an integer type, not '{column.type}'")
        if column.generated is not None and (column.default is not None or column.identity):
            context.error(column.path, "a generated column cannot have a default or identity")
        if parsed is not None and parsed.serial and column.default is not None:
            context.error(column.path, "a serial column has its own default")
        if column.orphans and not column.references:
            context.error(column.path + ("orphans",),
                          "orphans: says what to do with rows a new foreign key rejects, but "
                          "this column has no references:")
        for key, expression in (("default", column.default), ("generated", column.generated),
                                ("using", column.using)):
            if isinstance(expression, str):
                check_expression(context, column.path + (key,), expression, key)
        if parsed is not None:
            check_bare_word_default(context, column, parsed, canonical, enums)
    pk_columns = [c.name for c in columns if c.primary_key]
    if pk_columns and table.primary_key is not None:
        context.error(table.path + ("primary_key",),
                      "primary key declared both on columns and on the table",
                      "keep one of them")
    if len(pk_columns) > 1:
        context.error(table.path + ("columns",),
                      f"several columns say primary_key: true ({', '.join(pk_columns)})",
                      "use the table's primary_key: [a, b] for a composite key")
    for index, name in enumerate(table.primary_key or []):
        check_column_exists(context, table.path + ("primary_key", index), name, column_names)
    for unique in table.uniques:
        if not unique.columns:
            context.error(unique.path, "a unique constraint needs at least one column")
        for name in unique.columns:
            check_column_exists(context, unique.path, name, column_names)
    for check in table.checks:
        check_expression(context, check.path, check.expression, "check")
    for index in table.indexes:
        path = index.path
        has_columns, has_expression = index.columns is not None, index.expression is not None
        if has_columns == has_expression and not context.is_uncertain(path):
            context.error(path, "an index needs exactly one of 'columns' or 'expression'",
                          "split it into two indexes" if has_columns else None)
        elif has_columns and not index.columns:
            context.error(path + ("columns",), "an index needs at least one column")
        for name in index.columns or ():
            check_column_exists(context, path + ("columns",), name, column_names)
        for name in index.include:
            check_column_exists(context, path + ("include",), name, column_names)
        for key, expression in (("expression", index.expression), ("where", index.where)):
            if expression is not None:
                check_expression(context, path + (key,), expression, key)
    for entry in table.polymorphic:
        path, column_name = entry.path, entry.column
        if column_name not in column_names:
            context.error(path, f"'{column_name}' is not a column of {table.name}",
                          context.suggest(column_name, column_names))
        discriminator = entry.discriminator
        if discriminator and discriminator not in column_names:
            context.error(path + ("discriminator",),
                          f"discriminator '{discriminator}' is not a column of {table.name}",
                          context.suggest(discriminator, _discriminator_candidates(
                              context, column_name, column_names)))
        if not entry.targets:
            context.error(path + ("targets",), "a polymorphic reference needs at least one target")
        if not entry.reason.strip():
            context.error(path + ("reason",), "say why this reference has no foreign key")


def _discriminator_candidates(context: Context, column_name: str,
                              column_names: list[str]) -> list[str]:
    """The columns that may be the discriminator: not the id column itself, nor its likely
    spelling when it is misspelt."""
    meant = context.close_match(column_name, column_names)
    return [name for name in column_names if name not in (column_name, meant)]


# Words that are values in SQL without quotes; anything else bare is read as a column name.
# -------------------------------------------------------------- row level security, triggers

# What a policy may name besides the declared roles.
_ROLE_KEYWORDS = frozenset({"public", "current_user", "current_role", "session_user"})


def _check_functions(context: Context) -> dict[tuple[str, str], list[FunctionEntry]]:
    """Check the declared functions' names and overloads; return them by (schema, name)."""
    by_key: dict[str, list[FunctionEntry]] = {}
    for entry in context.spec.functions:
        by_key.setdefault(entry.key, []).append(entry)
    functions: dict[tuple[str, str], list[FunctionEntry]] = {}
    for key, path, _ in context.spec.function_keys:
        _check_key_parts(context, path, key, "function")
        schema, name = split_key(key, context.schemas[0])
        if schema not in context.schemas:
            context.error(path, f"schema '{schema}' is not managed by this spec",
                          _unmanaged_schema_hint(context, schema, name))
        signatures: dict[tuple[str, ...], int] = {}
        for number, entry in enumerate(by_key[key]):
            for argument in entry.args:
                if argument.name:
                    check_identifier(context, argument.path + ("name",), argument.name,
                                      "argument name")
            # overloads differ in their argument types, as PostgreSQL compares them
            signature = tuple(canonical_type(a.type, lambda key: key) or a.type
                              for a in entry.args)
            if signature in signatures:
                context.error(entry.path + ("args",), f"function '{key}' has two overloads "
                              f"with the argument types ({', '.join(signature)}): "
                              f"[{signatures[signature]}] and [{number}]",
                              "overloads of one name differ in their argument types")
            signatures.setdefault(signature, number)
        functions[(schema, name)] = by_key[key]
    return functions


def _check_row_level_security(context: Context, table: TableEntry) -> None:
    if table.policies and not table.rls_enabled:
        context.warn(table.path + ("rls",), "the table has policies, but row level security is "
                     "not enabled, so they restrict nothing", "add enabled: true")
    roles = [role.name for role in context.spec.roles]
    for policy in table.policies:
        path, command = policy.path, policy.command
        check_identifier(context, path, policy.name, "policy name")
        # PostgreSQL rejects these: a select or delete policy writes no rows to check, and
        # an insert policy reads no existing rows to filter.
        if command in ("select", "delete") and policy.with_check is not None:
            context.error(path + ("with_check",), f"a {command} policy cannot have with_check",
                          "use using, which filters the rows it sees")
        if command == "insert" and policy.using is not None:
            context.error(path + ("using",), "an insert policy cannot have using",
                          "use with_check, which checks the rows it writes")
        for key, expression in (("using", policy.using), ("with_check", policy.with_check)):
            if expression is not None:
                check_expression(context, path + (key,), expression)
        for index, role in enumerate(policy.roles):
            if role.lower() not in _ROLE_KEYWORDS and role not in roles:
                context.error(path + ("roles", index), f"role '{role}' is not declared under roles",
                              context.suggest(role, roles) or f"add it: roles: [{', '.join(roles + [role])}]")


# What a table's grants: may list, as written (any case).
_GRANTABLE = ("select", "insert", "update", "delete", "truncate", "references", "trigger", "all")


def _check_grants(context: Context, table: TableEntry) -> None:
    roles = [role.name for role in context.spec.roles]
    for grant in table.grants or ():
        if grant.role.lower() != "public" and grant.role not in roles:
            context.error(grant.path, f"role '{grant.role}' is not declared under roles",
                          context.suggest(grant.role, roles)
                          or f"add it: roles: [{', '.join(roles + [grant.role])}]")
        for index, privilege in enumerate(grant.privileges):
            if privilege.lower() == "maintain":
                context.error(grant.path + (index,), "MAINTAIN (PostgreSQL 17) is not managed "
                              "by pgwright: it is never granted nor revoked",
                              "remove it; grant it outside the spec")
            elif privilege.lower() not in _GRANTABLE:
                context.error(grant.path + (index,), f"unknown privilege '{privilege}'",
                              context.suggest(privilege.lower(), _GRANTABLE)
                              or f"a table's privileges are {', '.join(_GRANTABLE)}")


def _check_triggers(context: Context, table: TableEntry,
                    functions: dict[tuple[str, str], list[FunctionEntry]]) -> None:
    column_names = [c.name for c in table.columns]
    for trigger in table.triggers:
        path, function = trigger.path, trigger.function
        check_identifier(context, path, trigger.name, "trigger name")
        schema, function_name = split_key(function, context.schemas[0])
        overloads = functions.get((schema, function_name))
        # a trigger calls the overload without arguments (its own go to TG_ARGV)
        declared = next((entry for entry in overloads or [] if not entry.args), None)
        if schema in context.schemas and overloads is None:
            candidates = [n for s, n in functions if s == schema]
            context.error(path + ("function",), f"unknown function '{function}'",
                          context.suggest(function_name, candidates) or "declare it under functions")
        elif overloads is not None and declared is None:
            context.error(path + ("function",), f"function '{function}' takes arguments, and "
                          "a trigger calls its function without any",
                          "declare it with args: []; a trigger's own arguments arrive in "
                          "TG_ARGV")
        elif declared is not None and str(declared.returns).strip().lower() != "trigger":
            context.error(path + ("function",), f"function '{function}' returns "
                          f"{declared.returns}, not trigger",
                          "a trigger calls a function declared with returns: trigger")
        events = trigger.events
        if trigger.columns and "update" not in events:
            context.error(path + ("columns",), "columns (UPDATE OF ...) need the update event",
                          "add update to events, or remove columns")
        for column in trigger.columns:
            check_column_exists(context, path + ("columns",), column, column_names)
        if "truncate" in events and trigger.level == "row":
            context.error(path + ("events",), "a truncate trigger cannot fire for each row",
                          "make it level: statement")
        if trigger.timing == "instead_of":
            context.error(path + ("timing",), "instead_of triggers are for views, not tables",
                          "use before or after")
        if trigger.when is not None:
            check_expression(context, path + ("when",), trigger.when, "when")


# ------------------------------------------------------------ values that reach SQL as names

# Each value below reaches SQL as a name or a type, never as text to paste: it must read as
# one, or it is refused here, with its line, before a statement is built from it.


def _check_values_reaching_sql(context: Context, enums) -> None:
    _check_roles(context)
    _check_extensions(context)
    for entry in context.spec.functions:
        for argument in entry.args:
            check_function_type(context, argument.path + ("type",), argument.type, enums,
                                 result=False)
        if entry.returns is not None:
            check_function_type(context, entry.path + ("returns",), entry.returns, enums,
                                 result=True)
        if entry.search_path is not None:
            check_search_path(context, entry.path + ("search_path",), entry.search_path)
    check_nul_characters(context, context.document.data, ())


def _check_roles(context: Context) -> None:
    for role in context.spec.roles:
        check_identifier(context, role.path, role.name, "role name")


# As PostgreSQL checks an extension's name (check_valid_extension_name) and as the names of
# real extensions go: pgcrypto, pg_trgm, uuid-ossp, postgis_topology.
_EXTENSION_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?")


def _check_extensions(context: Context) -> None:
    for extension in context.spec.extensions:
        name, schema, path = extension.name, extension.schema, extension.path
        if not _EXTENSION_NAME.fullmatch(name) or "--" in name:
            context.error(path, f"'{escape_control_characters(name)}' is not an extension name",
                          "write the name as pg_available_extensions lists it, such as "
                          "pgcrypto, pg_trgm or uuid-ossp")
        if schema is None:
            continue
        schema_path = path + ("schema",)
        problems = len(context.problems)
        check_identifier(context, schema_path, schema, "schema name")
        if len(context.problems) == problems and schema not in context.schemas \
                and not PLAIN_SCHEMA_NAME.fullmatch(schema):
            # A schema the spec does not manage must exist already, under a name as plain as
            # the ones extensions go into; any other name is a schema for pgwright to create.
            context.error(schema_path, f"schema '{schema}' of extension {name} is not managed "
                          "by this spec, and is not a plain name",
                          "check the name, or add it to schemas: so that pgwright creates it")

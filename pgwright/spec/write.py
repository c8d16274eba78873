"""Write a spec: a catalog (the model) as spec data, then as schema.yaml text.

The inverse of the reading side (load -> validate -> to_model):

    catalog_to_spec: plain data, in the short forms people write, default names left out
        -> dump_spec: YAML, with hints as YAML comments

Each choice is checked against the reading side: a type is written short only where the
validator and the planner read it back as the same type, an index name is left out only
where the loader would derive the same one. What the spec cannot say is noted as an
:class:`UnsupportedObject`, never dropped silently.

>>> draft = catalog_to_spec(catalog)  # doctest: +SKIP
>>> Path("schema.yaml").write_text(draft.yaml_text())  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import yaml

from pgwright.analysis import ReferenceHint, reference_hints
from pgwright.kinds import KINDS
from pgwright.kinds.registry import section_kinds
from pgwright.model import (
    TABLE_PRIVILEGES,
    Catalog,
    Column,
    ForeignKey,
    Function,
    Grant,
    Identity,
    Index,
    Policy,
    PolicyCommand,
    ReferentialAction,
    Table,
    Trigger,
)
from pgwright.names import (
    default_constraint_name,
    escape_control_characters,
    qualified,
    quote_ident,
    spec_name,
)
from pgwright.normalize import (
    EXTENSION_TYPES,
    canonical_type,
    closing_parenthesis,
    comparable_types,
    parse_type,
)
from pgwright.render.ddl import SERIAL_FOR
from pgwright.spec.reading import TableEntry, enum_entries, index_name, managed_schemas
from pgwright.spec.to_model import chained, default_type_resolver
from pgwright.spec.validate import resolve_spec_type

# --------------------------------------------------------------------------------- results


class UnsupportedObject(NamedTuple):
    """Something in the database the spec cannot say: ``("view", "public.active_orders")``.

    ``name`` is schema-qualified and quoted as SQL would; for an option of an object the spec
    does hold, it is followed by what is lost: ``public.f(uuid): STRICT``.
    """

    kind: str
    name: str


@dataclass(frozen=True)
class SpecDraft:
    """The spec of a catalog, as plain data, with what it had to leave out."""

    data: dict
    unsupported: tuple[UnsupportedObject, ...]
    hints: tuple[ReferenceHint, ...]

    def yaml_text(self) -> str:
        return dump_spec(self.data, self.hints)


# ------------------------------------------------------------------------- model -> spec


def catalog_to_spec(catalog: Catalog, *, serial_columns: Collection[tuple[str, str, str]] = (),
                    user_types: Mapping[str, str] | None = None) -> SpecDraft:
    """The spec of ``catalog``, as plain data (dicts, lists, strings) ready for YAML.

    No database needed. ``serial_columns`` are the (schema, table, column) whose sequence is
    owned by the column (see :func:`pgwright.inspect.classify_sequences`); ``user_types`` maps type names as a
    spec may write them to their canonical form, as ``read_user_types`` does, so that a type
    is written unqualified only where the spec loader will read it back the same.

    >>> from pgwright.model import Catalog, Column, Schema, Table
    >>> table = Table("public", "notes", columns=(Column("body", "character varying(80)"),))
    >>> catalog_to_spec(Catalog(schemas=(Schema("public"),), tables=(table,))).data["tables"]
    {'notes': {'columns': {'body': 'varchar(80)'}}}
    """
    return _SpecWriter(catalog, frozenset(serial_columns), user_types).draft()


class _SpecWriter:
    """One pass over a catalog that writes the spec data and notes what it leaves out."""

    def __init__(self, catalog: Catalog, serial_columns: frozenset, user_types):
        self.catalog = catalog
        self.tables = catalog.tables_by_key()
        self.schemas = list(catalog.schema_names) or ["public"]
        self.first = self.schemas[0]
        self.serial_columns = serial_columns
        self.user_types = user_types
        self.unsupported: list[UnsupportedObject] = []
        self.functions_written: set[tuple] = set()  # Function.key of each function written
        self.types: _TypeWriter  # once the enums are written: types may name them

    def note(self, kind: str, name: str) -> None:
        self.unsupported.append(UnsupportedObject(kind, name))

    def key(self, schema: str, name: str) -> str:
        """A table, enum or function key: unqualified in the default schema, unless the name
        holds a dot (a key is split at its first dot into schema and name)."""
        return name if schema == self.first and "." not in name else f"{schema}.{name}"

    def writes_serial(self, schema: str, table: str, column: str) -> bool:
        return (schema, table, column) in self.serial_columns

    def type_name(self, type_text: str) -> str:
        """The shortest spelling of a type that reads back the same (format_type() text
        when none does)."""
        return self.types.column_type(type_text) or type_text

    def draft(self) -> SpecDraft:
        data: dict = {"version": 1, "schemas": self.schemas_entry()}
        if self.catalog.extensions:
            data["extensions"] = self.extensions_entry()
        roles = sorted(({role for table in self.catalog.tables for policy in table.policies
                         for role in policy.roles}
                        | {grant.role for table in self.catalog.tables
                           for grant in table.grants or ()}) - {"public"})
        if roles:
            data["roles"] = _FlowList(roles)
        if self.catalog.enums:
            data["enums"] = self.enums_entry()
        self.types = _TypeWriter(data, self.catalog, self.user_types)
        functions = self.functions_entry()
        if functions:
            data["functions"] = functions
        for kind in section_kinds(KINDS):  # the kinds that own a key write it themselves
            objects = self.catalog.objects(kind.name)
            if objects and kind.section.write is not None:
                value = kind.section.write(objects, self)
                if value is not None:
                    data[kind.section.key] = value
        data["tables"] = {self.key(*table.key): self.table_entry(table)
                          for table in _in_schema_order(self.catalog.tables, self.schemas)}
        return SpecDraft(data=data, unsupported=tuple(self.unsupported),
                         hints=tuple(reference_hints(self.catalog)))

    # ------------------------------------------------------------------ top-level keys

    def schemas_entry(self):
        comments = {schema.name: schema.comment for schema in self.catalog.schemas
                    if schema.comment is not None
                    and not (schema.name == "public" and schema.comment == _STOCK_PUBLIC_COMMENT)}
        if not comments:
            return _FlowList(self.schemas)
        return {name: ({"comment": comments[name]} if name in comments else _FlowMap())
                for name in self.schemas}

    def extensions_entry(self):
        extensions = sorted(self.catalog.extensions, key=lambda e: e.name)
        # Without a schema, CREATE EXTENSION installs into the session's first schema, which
        # is public unless the search_path says otherwise: say it for any other schema.
        if self.first == "public" and all(e.schema == "public" for e in extensions):
            return _FlowList(e.name for e in extensions)
        return {e.name: _FlowMap(schema=e.schema) for e in extensions}

    def enums_entry(self) -> dict:
        entries = {}
        for enum in _in_schema_order(self.catalog.enums, self.schemas):
            values = _FlowList(enum.values)
            entries[self.key(enum.schema, enum.name)] = (
                values if enum.comment is None else {"values": values, "comment": enum.comment})
        return entries

    def functions_entry(self) -> dict:
        """One entry per function name: a mapping, or a list of them for overloads (in the
        order of their argument types)."""
        overloads: dict[tuple[str, str], list[dict]] = {}
        for function in _in_schema_order(self.catalog.functions, self.schemas):
            if function.language not in ("sql", "plpgsql"):
                self.note("function language", f"{_signature(function)}: {function.language}")
                continue
            if not function.body:
                self.note("function body", f"{_signature(function)}: SQL-standard body "
                          "(BEGIN ATOMIC or RETURN)")
                continue
            self.functions_written.add(function.key)
            overloads.setdefault((function.schema, function.name), []).append(
                self.function_entry(function))
        return {self.key(*name): entries[0] if len(entries) == 1 else entries
                for name, entries in overloads.items()}

    def function_entry(self, function: Function) -> dict:
        entry: dict = {"returns": self.types.function_type(function.returns),
                       "language": function.language}
        if function.volatility != "volatile":
            entry["volatility"] = function.volatility
        if function.security_definer:
            entry["security"] = "definer"
        if function.search_path is not None:
            entry["search_path"] = ", ".join(spec_name(schema) for schema in function.search_path)
        if function.arguments:
            arguments = [_FlowMap({"name": a.name, "type": self.types.function_type(a.type)}
                                  if a.name else {"type": self.types.function_type(a.type)})
                         for a in function.arguments]
            one_line = _FlowList(arguments)
            entry["args"] = one_line if len(_flow(one_line)) <= _ONE_LINE - 10 else arguments
        entry["body"] = function.source if function.source is not None else function.body
        if function.comment is not None:
            entry["comment"] = function.comment
        return entry

    # ------------------------------------------------------------------------- tables

    def table_entry(self, table: Table) -> dict:
        entry: dict = {}
        if table.comment is not None:
            entry["comment"] = table.comment
        pk = table.primary_key
        named_pk = pk is not None and pk.name != default_constraint_name(table.name, (), "pkey")
        # a named key is written on the table: primary_key: {name: ..., columns: [...]}
        single_pk = pk.columns[0] if pk is not None and len(pk.columns) == 1 \
            and not named_pk else None
        unique_columns = {u.columns[0] for u in table.uniques if len(u.columns) == 1
                          and u.name == default_constraint_name(table.name, u.columns, "key")}
        column_fks, table_fks = self.split_foreign_keys(table)
        entry["columns"] = {
            column.name: self.column_entry(table, column, column.name == single_pk,
                                           pk is not None and column.name in pk.columns,
                                           column.name in unique_columns,
                                           column_fks.get(column.name))
            for column in table.columns}
        if named_pk:
            entry["primary_key"] = _FlowMap(name=pk.name, columns=_FlowList(pk.columns))
        elif pk is not None and single_pk is None:
            entry["primary_key"] = _FlowList(pk.columns)
        uniques = [self.unique_entry(table, u) for u in table.uniques
                   if not (len(u.columns) == 1 and u.columns[0] in unique_columns
                           and u.name == default_constraint_name(table.name, u.columns, "key"))]
        if uniques:
            entry["unique"] = uniques
        if table.checks:
            entry["checks"] = {c.name: unwrapped(c.expression) for c in table.checks}
        if table_fks:
            entry["foreign_keys"] = [self.foreign_key_entry(table, fk) for fk in table_fks]
        indexes = [index_entry for index in table.indexes
                   if (index_entry := self.index_entry(table, index)) is not None]
        if indexes:
            entry["indexes"] = indexes
        rls = self.rls_entry(table)
        if rls:
            entry["rls"] = rls
        if table.grants:  # a table granting nothing beyond its owner is left unmanaged
            entry["grants"] = {grant.role: _grant_entry(grant) for grant in table.grants}
        triggers = {trigger.name: trigger_entry for trigger in table.triggers
                    if (trigger_entry := self.trigger_entry(table, trigger)) is not None}
        if triggers:
            entry["triggers"] = triggers
        return entry

    def column_entry(self, table: Table, column: Column, is_pk: bool, in_pk: bool,
                     is_unique: bool, fk: ForeignKey | None):
        serial = (table.schema, table.name, column.name) in self.serial_columns
        type_text = self.types.column_type(column.type)
        if type_text is None:
            self.note("column type", f"{qualified(*table.key)}.{quote_ident(column.name)}: "
                      f"{column.type}")
            type_text = column.type
        if serial:
            type_text = SERIAL_FOR[column.type]
        entry: dict = {"type": type_text}
        if is_pk:
            entry["primary_key"] = True
        if not column.nullable and not (in_pk or serial or column.identity is not None):
            entry["nullable"] = False
        if is_unique:
            entry["unique"] = True
        if column.default is not None and not serial:
            entry["default"] = default_value(column.default, column.type)
        if column.identity is not None:
            entry["identity"] = "always" if column.identity is Identity.ALWAYS else "by_default"
        if column.generated is not None:
            entry["generated"] = unwrapped(column.generated)
        if column.collation is not None:
            entry["collation"] = column.collation
        if fk is not None:
            entry["references"] = self.dotted_reference(fk)
            if fk.on_delete is not ReferentialAction.NO_ACTION:
                entry["on_delete"] = _action(fk.on_delete)
            if fk.on_update is not ReferentialAction.NO_ACTION:
                entry["on_update"] = _action(fk.on_update)
        if column.comment is not None:
            entry["comment"] = column.comment
        if list(entry) == ["type"]:
            return type_text
        return _one_line(column.name, entry) or entry

    def split_foreign_keys(self, table: Table
                           ) -> tuple[dict[str, ForeignKey], list[ForeignKey]]:
        """Keys written on their column (``references:``) and keys written in foreign_keys."""
        on_column: dict[str, ForeignKey] = {}
        in_list: list[ForeignKey] = []
        for fk in table.foreign_keys:
            problem = self.foreign_key_problem(table, fk)
            if problem:
                self.note("foreign key", f"{qualified(*table.key)}.{quote_ident(fk.name)}: {problem}")
                continue
            column = fk.columns[0]
            if (len(fk.columns) == 1 and column not in on_column and not fk.deferrable
                    and fk.name == default_constraint_name(table.name, fk.columns, "fkey")):
                on_column[column] = fk
            else:
                in_list.append(fk)
        return on_column, in_list

    def foreign_key_problem(self, table: Table, fk: ForeignKey) -> str | None:
        """Why the spec cannot hold this key as it is (the validator would reject it). SET
        NULL on a NOT NULL column is held, as PostgreSQL holds it: validate warns about it."""
        target = self.tables.get((fk.target_schema, fk.target_table))
        if target is not None:
            for mine, theirs in zip(fk.columns, fk.target_columns, strict=True):
                own, other = table.column(mine), target.column(theirs)
                if own and other and own.type != other.type and not comparable_types(own.type,
                                                                                 other.type):
                    return f"{mine} is {own.type} but {fk.target_table}.{theirs} is {other.type}"
            if not target.has_unique_key(fk.target_columns):
                return "its target columns are unique only through an expression or partial index"
        return None

    def dotted_reference(self, fk: ForeignKey) -> str:
        """``table.column`` or ``schema.table.column``, names quoted where they need it."""
        parts = [fk.target_table, fk.target_columns[0]]
        if fk.target_schema != self.first:
            parts.insert(0, fk.target_schema)
        return ".".join(spec_name(part) for part in parts)

    def call_reference(self, fk: ForeignKey) -> str:
        """``table(a, b)`` or ``schema.table(a, b)``, names quoted where they need it."""
        table = spec_name(fk.target_table)
        if fk.target_schema != self.first:
            table = f"{spec_name(fk.target_schema)}.{table}"
        return f"{table}({', '.join(spec_name(c) for c in fk.target_columns)})"

    def foreign_key_entry(self, table: Table, fk: ForeignKey) -> dict:
        entry: dict = {}
        if fk.name != default_constraint_name(table.name, fk.columns, "fkey"):
            entry["name"] = fk.name
        entry["columns"] = _FlowList(fk.columns)
        entry["references"] = self.call_reference(fk)
        if fk.on_delete is not ReferentialAction.NO_ACTION:
            entry["on_delete"] = _action(fk.on_delete)
        if fk.on_update is not ReferentialAction.NO_ACTION:
            entry["on_update"] = _action(fk.on_update)
        if fk.deferrable:
            entry["deferrable"] = "initially_deferred" if fk.initially_deferred else True
        return entry

    def unique_entry(self, table: Table, unique):
        if unique.name == default_constraint_name(table.name, unique.columns, "key"):
            return _FlowList(unique.columns)
        return {"name": unique.name, "columns": _FlowList(unique.columns)}

    def index_entry(self, table: Table, index: Index) -> dict | None:
        name = qualified(table.schema, index.name)
        if index.method not in _INDEX_METHODS:
            self.note("index method", f"{name}: USING {index.method}")
            return None
        if not index.valid:
            self.note("invalid index", name)
        columns = index.columns
        if columns is not None and any(table.column(c) is None for c in columns):
            columns = None
        entry: dict = {"name": index.name}
        if columns is not None:
            entry["columns"] = _FlowList(columns)
        else:
            entry["expression"] = ", ".join(index.keys)
        if index.unique:
            entry["unique"] = True
        if index.method != "btree":
            entry["using"] = index.method
        if index.include:
            entry["include"] = _FlowList(index.include)
        if index.where is not None:
            entry["where"] = unwrapped(index.where)
        if index_name(TableEntry(table.schema, table.name, {}, ()), entry | {"name": None}) \
                == index.name:
            del entry["name"]
        return entry

    def rls_entry(self, table: Table) -> dict:
        entry: dict = {}
        if table.row_level_security.enabled:
            entry["enabled"] = True
        if table.row_level_security.forced:
            entry["force"] = True
        if table.policies:
            entry["policies"] = {policy.name: _policy_entry(policy) for policy in table.policies}
        return entry

    def trigger_entry(self, table: Table, trigger: Trigger):
        function = (trigger.function_schema, trigger.function_name)
        if trigger.function_schema in self.schemas \
                and (*function, ()) not in self.functions_written:
            self.note("trigger", f"{qualified(*table.key)}.{quote_ident(trigger.name)}: its function "
                      f"{'.'.join(function)} is not in the spec")
            return None
        entry: dict = {"timing": trigger.timing.lower().replace(" ", "_"),
                       "events": _FlowList(event.lower() for event in trigger.events)}
        if trigger.columns:
            entry["columns"] = _FlowList(trigger.columns)
        if trigger.level != "ROW":
            entry["level"] = trigger.level.lower()
        if trigger.when is not None:
            entry["when"] = unwrapped(trigger.when)
        entry["function"] = self.key(*function)
        return _one_line(trigger.name, entry) or entry


_STOCK_PUBLIC_COMMENT = "standard public schema"
_INDEX_METHODS = frozenset({"btree", "hash", "gin", "gist", "spgist", "brin"})
_COMMANDS = {PolicyCommand.ALL: "all", PolicyCommand.SELECT: "select",
             PolicyCommand.INSERT: "insert", PolicyCommand.UPDATE: "update",
             PolicyCommand.DELETE: "delete"}


def _grant_entry(grant: Grant) -> _FlowList:
    if grant.privileges == TABLE_PRIVILEGES:
        return _FlowList(["all"])
    return _FlowList(privilege.lower() for privilege in grant.privileges)


def _policy_entry(policy: Policy) -> dict:
    entry: dict = {}
    if policy.command is not PolicyCommand.ALL:
        entry["command"] = _COMMANDS[policy.command]
    if policy.roles != ("public",):
        entry["roles"] = _FlowList(policy.roles)
    if not policy.permissive:
        entry["as"] = "restrictive"
    if policy.using is not None:
        entry["using"] = unwrapped(policy.using)
    if policy.with_check is not None:
        entry["with_check"] = unwrapped(policy.with_check)
    return entry


def _action(action: ReferentialAction) -> str:
    return action.sql.lower()


def _signature(function: Function) -> str:
    arguments = ", ".join(a.type for a in function.arguments)
    return f"{qualified(function.schema, function.name)}({arguments})"


def _in_schema_order(objects, schemas: list[str]) -> list:
    """Objects of the default schema first, then each schema in turn; by name within one."""
    position = {name: number for number, name in enumerate(schemas)}
    return sorted(objects, key=lambda o: (position.get(o.schema, len(schemas)), o.schema,
                                          o.name.casefold(), o.name))


_ONE_LINE = 100


def _one_line(name: str, entry: dict) -> _FlowMap | None:
    """The entry as a one-line mapping, when ``name: {k: v, ...}`` stays short enough to read
    on one line."""
    if any(isinstance(v, str) and "\n" in v for v in entry.values()):
        return None
    one_line = _FlowMap(entry)
    return one_line if len(name) + len(_flow(one_line)) + 8 <= _ONE_LINE else None


# ----------------------------------------------------------------------------- expressions


def unwrapped(expression: str) -> str:
    """The expression without the parentheses the server puts around the whole of it.

    ``(quantity > 0)`` -> ``quantity > 0``; ``(a > 0) AND (b > 0)`` stays as it is. The
    server reads both the same, so the spec says what a person would write.
    """
    text = expression.strip()
    while text.startswith("(") and closing_parenthesis(text) == len(text) - 1:
        inner = text[1:-1].strip()
        if _SUBQUERY_START.match(inner):
            break  # (SELECT ...) is a scalar subquery: without them it is not an expression
        text = inner
    return text


_SUBQUERY_START = re.compile(r"(?:SELECT|WITH|VALUES|TABLE)\b", re.IGNORECASE)


_CAST_LITERAL = re.compile(r"^'(?:[^']|'')*'::(?P<type>.+)$", re.DOTALL)
_TYPE_MODIFIER = re.compile(r"\([0-9, ]*\)")


def default_value(default: str, column_type: str) -> str | int | bool:
    """A column default as a person writes it, read back by the server as the same default.

    ``0``, ``'-1'::integer`` and ``true`` become YAML numbers and booleans; a literal cast to
    the column's own type loses the cast (``'draft'::public.order_status`` -> ``'draft'``),
    since the server casts it to the column type anyway; anything else is kept as the server
    prints it.
    """
    if re.fullmatch(r"[0-9]+", default) and not default.startswith("0") or default == "0":
        return int(default)
    if default in ("true", "false"):
        return default == "true"
    # The server prints a negative integer constant quoted and cast to the type it was read
    # as ('-1'::integer, on a smallint or bigint column too): -1 reads back as the same.
    negative = _NEGATIVE_INTEGER.fullmatch(default)
    if negative and column_type in _INTEGER_TYPES:
        return int(negative.group("number"))
    match = _CAST_LITERAL.match(default)
    if match and match.group("type") in (column_type, _TYPE_MODIFIER.sub("", column_type)):
        return default[: -len(match.group("type")) - 2]
    return default


_INTEGER_TYPES = frozenset({"smallint", "integer", "bigint"})
_NEGATIVE_INTEGER = re.compile(r"'(?P<number>-[1-9][0-9]*)'::(?:integer|bigint)")


# ----------------------------------------------------------------------------------- types

_SHORT_BUILTIN = {
    "character varying": "varchar", "character": "char",
    "timestamp with time zone": "timestamptz", "timestamp without time zone": "timestamp",
    "time with time zone": "timetz", "time without time zone": "time", "bit varying": "varbit",
}


class _TypeWriter:
    """Short spellings of format_type() text that the spec loader reads back unchanged.

    Each candidate (``varchar(320)``, ``order_status``, ``app.status``) is checked the way
    the validator and the planner will read it; the first that reads back wins.
    """

    def __init__(self, head: dict, catalog: Catalog, user_types: Mapping[str, str] | None):
        self.schemas = managed_schemas(head)
        self.enums = {entry.key: entry for entry in enum_entries(head, self.schemas)}
        if user_types is None:  # no database: the catalog's enums are all the user types
            user_types = {}
            for enum in sorted(catalog.enums, key=lambda e: e.key):
                name = qualified(enum.schema, enum.name)
                user_types.setdefault(enum.name, name)
                user_types.setdefault(f"{enum.schema}.{enum.name}", name)
        self.resolve = chained(user_types.get, default_type_resolver(head))
        self.cache: dict[tuple[str, bool], str | None] = {}

    def column_type(self, text: str) -> str | None:
        """The shortest spelling a column can use, None if none reads back as ``text``."""
        key = (text, True)
        if key not in self.cache:
            self.cache[key] = next((c for c in self.candidates(text, column=True)
                                    if self.reads_back(c, text, column=True)), None)
        return self.cache[key]

    def function_type(self, text: str) -> str:
        if text.startswith("SETOF "):
            return "SETOF " + self.function_type(text[len("SETOF "):])
        key = (text, False)
        if key not in self.cache:
            self.cache[key] = next((c for c in self.candidates(text, column=False)
                                    if self.reads_back(c, text, column=False)), text)
        return self.cache[key]

    def candidates(self, text: str, column: bool) -> list[str]:
        parsed = parse_type(text)
        found = []
        if parsed is not None and parsed.builtin:
            short = _SHORT_BUILTIN.get(parsed.base, parsed.base)
            found.append(short + (f"({parsed.args})" if parsed.args is not None else "")
                         + "[]" * parsed.dimensions)
        if parsed is not None and not parsed.builtin:
            rest = (f"({parsed.args})" if parsed.args is not None else "") \
                + "[]" * parsed.dimensions
            if parsed.schema is None:
                # format_type leaves only pg_catalog's types unqualified: a column's is one
                # of a later server than normalize.PG_CATALOG_TYPES knows (a function's may
                # be a pseudo-type, trigger or void, which the spec writes as it is)
                if column:
                    found.append(f"pg_catalog.{spec_name(parsed.name)}{rest}")
            else:
                # a type key is split at its first dot: a name holding one goes qualified
                if parsed.schema == self.schemas[0] and "." not in parsed.name:
                    found.append(spec_name(parsed.name) + rest)
                found.append(f"{spec_name(parsed.schema)}.{spec_name(parsed.name)}{rest}")
        found.append(text)
        return found

    def reads_back(self, candidate: str, text: str, column: bool) -> bool:
        parsed = parse_type(candidate)
        if parsed is None:
            return not column and candidate == text
        if column:
            validated = resolve_spec_type(candidate, self.schemas, self.enums)
            if validated is None and not parsed.builtin and "." not in parsed.base \
                    and parsed.base.lower() not in EXTENSION_TYPES:
                return False  # the validator: unknown type
            if validated is not None and validated != text:
                return False
        return (canonical_type(candidate, self.resolve) or candidate) == text


# ------------------------------------------------------------------------------------ YAML
#
# A small block-style writer for the spec's shapes (mappings, lists of mappings, one-line
# lists and mappings of scalars), so that hints can sit above the column they concern and
# lists are indented the way docs/spec.md writes them. Whether a scalar may stand plain, and
# how to quote it, is PyYAML's own analysis (its emitter and resolver), so every string
# reads back as the same string.
#
# Why not a library's emitter: PyYAML's cannot write comments, so the hints would be lost.
# ruamel.yaml's round-trip emitter can write this very text, tried on the inspect corpus,
# but only when handed this module's quoting of each scalar: left to itself it resolves
# scalars by YAML 1.2, and writes yes, no, on and off plain, which PyYAML (the spec loader,
# YAML 1.1) reads back as booleans. Even so it took 2.6 s where this writer takes 40 ms on
# a spec of 1,000 tables, and which entries fit on one line is decided from their flow text
# before anything is emitted: what would be left to the library is the indentation.


class _FlowMap(dict):
    """A mapping written on one line: ``{type: uuid, primary_key: true}``. Built once, never
    changed: its text is kept once written."""

    text: str | None = None


class _FlowList(list):
    """A list written on one line: ``[organization_id, email]``."""


_ANALYZER = yaml.emitter.Emitter(stream=None, allow_unicode=True)
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_ESCAPES = {"\0": "0", "\x07": "a", "\x08": "b", "\x09": "t", "\x0a": "n", "\x0b": "v",
            "\x0c": "f", "\x0d": "r", "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N",
            "\xa0": "_", "\u2028": "L", "\u2029": "P"}


def _printable(char: str) -> bool:
    return ("\x20" <= char <= "\x7e" or "\xa0" <= char <= "\ud7ff"
            or ("\ue000" <= char <= "\ufffd" and char != "\ufeff")
            or "\U00010000" <= char < "\U0010ffff")


def _double_quoted(text: str) -> str:
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append("\\" + _ESCAPES[char])
        elif _printable(char):
            out.append(char)
        elif char <= "\xff":
            out.append(f"\\x{ord(char):02X}")
        elif char <= "\uffff":
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(f"\\U{ord(char):08X}")
    return '"' + "".join(out) + '"'


_SCALARS: dict[tuple[str, bool], str] = {}


def _scalar(value, flow: bool = False) -> str:
    """One scalar on one line: plain where YAML reads it back as the same string, else quoted
    (double quotes when it holds a ' so SQL stays legible: "status IN ('a', 'b')")."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    cached = _SCALARS.get((value, flow))
    if cached is not None:
        return cached
    analysis = _ANALYZER.analyze_scalar(value) if value else None
    plain = analysis is not None and not analysis.multiline and \
        (analysis.allow_flow_plain if flow else analysis.allow_block_plain) and \
        _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG
    if plain:
        text = value
    elif "'" in value or analysis is None and value or \
            analysis is not None and (analysis.multiline or not analysis.allow_single_quoted):
        text = _double_quoted(value)
    else:
        text = "'" + value.replace("'", "''") + "'"
    _SCALARS[(value, flow)] = text
    return text


def _flow(value) -> str:
    if isinstance(value, _FlowMap) and value.text is not None:
        return value.text
    if isinstance(value, dict):
        text = "{" + ", ".join(f"{_scalar(k, True)}: {_flow(v)}" for k, v in value.items()) + "}"
        if isinstance(value, _FlowMap):
            value.text = text
        return text
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return _scalar(value, flow=True)


def _literal_block(text: str, indent: int) -> str | None:
    """``|`` followed by the lines of ``text``, or None when YAML cannot keep it that way."""
    analysis = _ANALYZER.analyze_scalar(text)
    # Lines are split on \n only: other characters YAML takes for line breaks need quotes.
    if not analysis.allow_block or text[0] in " \n" or any(
            char in text for char in "\r\x85\u2028\u2029"):
        return None
    if not text.endswith("\n"):
        chomp = "-"
    elif len(text) == 1 or text[-2] == "\n":
        chomp = "+"
    else:
        chomp = ""
    pad = " " * indent
    lines = text[:-1].split("\n") if text.endswith("\n") else text.split("\n")
    return f"|{chomp}\n" + "\n".join(pad + line if line else "" for line in lines)


def _write_mapping(out: list[str], mapping: dict, indent: int, path: tuple,
                   comments: Mapping[tuple, list[str]]) -> None:
    pad = " " * indent
    for key, value in mapping.items():
        for line in comments.get(path + (key,), ()):
            out.append(f"{pad}# {escape_control_characters(line)}")  # a name in it may hold \n
        head = f"{pad}{_scalar(key)}:"
        if isinstance(value, _FlowMap | _FlowList) or isinstance(value, dict | list) and not value:
            out.append(f"{head} {_flow(value)}")  # an empty one too: {} or []
        elif isinstance(value, dict):
            out.append(head)
            _write_mapping(out, value, indent + 2, path + (key,), comments)
        elif isinstance(value, list):
            out.append(head)
            _write_list(out, value, indent + 2, path + (key,), comments)
        elif isinstance(value, str) and "\n" in value \
                and (block := _literal_block(value, indent + 2)) is not None:
            out.append(f"{head} {block}")
        else:
            out.append(f"{head} {_scalar(value)}")


def _write_list(out: list[str], items: list, indent: int, path: tuple,
                comments: Mapping[tuple, list[str]]) -> None:
    pad = " " * indent
    for position, item in enumerate(items):
        if isinstance(item, dict) and item and not isinstance(item, _FlowMap):
            start = len(out)
            _write_mapping(out, item, indent + 2, path + (position,), comments)
            out[start] = f"{pad}- {out[start][indent + 2:]}"
        elif isinstance(item, _FlowMap | _FlowList | dict | list):
            out.append(f"{pad}- {_flow(item)}")
        else:
            out.append(f"{pad}- {_scalar(item)}")


HEADER = """\
# Written by `pgwright inspect` from a live database: its schema, as a pgwright spec.
# Every key is documented in docs/spec.md: `pgwright reference` prints it.
"""


def _hint_lines(hint: ReferenceHint) -> list[str]:
    if hint.discriminator:
        return [f"hint: no foreign key; with {hint.discriminator} beside it, {hint.column} looks "
                "polymorphic: declare it under polymorphic: (discriminator, targets, reason)"]
    target = hint.target or "<table>.<column>"
    return [f"hint: no foreign key; add references: {target}, or declare {hint.column} under "
            "polymorphic: with the reason it has none"]


def dump_spec(data: dict, hints: Iterable[ReferenceHint] = ()) -> str:
    """The spec data as YAML: top-level keys apart, tables one after another, and each
    reference hint as a comment above its column."""
    schemas = data.get("schemas") or ["public"]
    first = next(iter(schemas))
    comments: dict[tuple, list[str]] = defaultdict(list)
    for hint in hints:
        key = hint.table if hint.schema == first else f"{hint.schema}.{hint.table}"
        comments[("tables", key, "columns", hint.column)] += _hint_lines(hint)
    sections = [HEADER]
    for key, value in data.items():
        out: list[str] = []
        if key == "tables" and value:
            out.append("tables:")
            for number, (table_key, body) in enumerate(value.items()):
                if number:
                    out.append("")
                _write_mapping(out, {table_key: body}, 2, ("tables",), comments)
        else:
            _write_mapping(out, {key: value}, 0, (), comments)
        sections.append("\n".join(out) + "\n")
    return "\n".join(sections)

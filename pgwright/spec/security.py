"""Reading the security part of a spec: roles, functions, RLS flags, policies, triggers."""

from __future__ import annotations

import re
from collections.abc import Callable

from pgwright.errors import Problem, SpecError
from pgwright.model import (
    Function,
    FunctionArgument,
    Policy,
    PolicyCommand,
    RowLevelSecurity,
    Trigger,
)
from pgwright.normalize import parse_search_path, type_sql
from pgwright.spec.document import KeyPath
from pgwright.spec.reading import split_key

COMMANDS = {"all": PolicyCommand.ALL, "select": PolicyCommand.SELECT,
            "insert": PolicyCommand.INSERT, "update": PolicyCommand.UPDATE,
            "delete": PolicyCommand.DELETE}
TRIGGER_EVENTS = ("insert", "update", "delete", "truncate")


def declared_roles(data: dict) -> list[str]:
    return [str(role) for role in data.get("roles") or []]


def read_search_path(text: str, origin: str | None = None) -> tuple[str, ...]:
    """The schemas of a function's ``search_path:``, as written: ``public, extensions``,
    ``"$user", public``; each bare name is taken as written, case included (validation
    checks each one is a schema name)."""
    schemas = parse_search_path(str(text))
    if schemas is None:  # validation reports it with a suggestion; never left out silently
        raise SpecError([Problem(f"'{text}' is not a list of schema names", path=origin or "")])
    return schemas


# Pseudo-types a function may take or return besides the real types; the server prints them
# bare. A result may also be void or trigger, or a set: setof <type>.
POLYMORPHIC_TYPES = frozenset("""
    anyelement anyarray anynonarray anyenum anyrange anymultirange anycompatible
    anycompatiblearray anycompatiblenonarray anycompatiblerange anycompatiblemultirange record
""".split())
RESULT_ONLY_TYPES = frozenset({"void", "trigger"})
_SETOF = re.compile(r"setof\s+", re.IGNORECASE)


def function_type_sql(text: str, resolve: Callable[[str], str | None],
                      result: bool = False) -> str | None:
    """The SQL of a function's argument type (or, with ``result``, its result type), built
    from its parsed form as a column's type is; None when ``text`` is not such a type.

    >>> function_type_sql("setof varchar(20)", lambda name: None, result=True)
    'SETOF character varying(20)'
    >>> function_type_sql("integer LANGUAGE sql AS $x$ select 1 $x$", lambda name: None) is None
    True
    """
    text = str(text).strip()
    word = text.lower()
    if word in POLYMORPHIC_TYPES or (result and word in RESULT_ONLY_TYPES):
        return word
    setof = _SETOF.match(text)
    if result and setof:
        element = function_type_sql(text[setof.end():], resolve)
        return None if element is None else f"SETOF {element}"
    return type_sql(text, resolve)


def function_entries(data: dict, schemas: list[str]) -> list[tuple[str, str, dict, KeyPath]]:
    """(schema, name, entry, path) of every declared function; a key whose value is a list
    declares one overload per entry."""
    entries = []
    for key, value in (data.get("functions") or {}).items():
        schema, name = split_key(key, schemas[0])
        if isinstance(value, list):
            entries += [(schema, name, raw or {}, ("functions", key, number))
                        for number, raw in enumerate(value)]
        else:
            entries.append((schema, name, value or {}, ("functions", key)))
    return entries


def read_function(schema: str, name: str, raw: dict, resolve: Callable[[str], str | None],
                  origin: str | None = None) -> Function:
    def type_of(text: str, result: bool = False) -> str:
        sql = function_type_sql(text, resolve, result)
        if sql is None:  # validation reports it with a suggestion; never rendered as written
            raise SpecError([Problem(f"'{text}' is not a type", path=origin or "")])
        return sql

    arguments = tuple(FunctionArgument(str(a.get("name", "")), type_of(a["type"]))
                      for a in raw.get("args") or [])
    search_path = raw.get("search_path")
    return Function(
        schema=schema, name=name, arguments=arguments,
        returns=type_of(raw.get("returns", "void"), result=True),
        language=str(raw.get("language", "sql")).lower(), body=str(raw.get("body", "")).strip(),
        source=str(raw.get("body", "")),
        volatility=str(raw.get("volatility", "volatile")).lower(),
        security_definer=raw.get("security", "invoker") == "definer",
        search_path=read_search_path(search_path, origin) if search_path is not None else None,
        comment=raw.get("comment") or None, origin=origin,
    )


def read_row_level_security(raw_table: dict) -> RowLevelSecurity:
    rls = raw_table.get("rls") or {}
    return RowLevelSecurity(enabled=bool(rls.get("enabled", False)),
                            forced=bool(rls.get("force", False)))


def read_policies(raw_table: dict, origin: Callable[[KeyPath], str]) -> tuple[Policy, ...]:
    policies = []
    for name, raw in ((raw_table.get("rls") or {}).get("policies") or {}).items():
        roles = raw.get("roles") or ["public"]
        policies.append(Policy(
            name=name,
            command=COMMANDS[str(raw.get("command", "all")).lower()],
            permissive=raw.get("as", "permissive") == "permissive",
            roles=tuple(sorted("public" if str(r).lower() == "public" else str(r) for r in roles)),
            using=raw.get("using"),
            with_check=raw.get("with_check"),
            origin=origin(("rls", "policies", name)),
        ))
    return tuple(sorted(policies, key=lambda p: p.name))


def read_triggers(raw_table: dict, schemas: list[str],
                  origin: Callable[[KeyPath], str]) -> tuple[Trigger, ...]:
    triggers = []
    for name, raw in (raw_table.get("triggers") or {}).items():
        function_schema, function_name = split_key(str(raw.get("function", "")), schemas[0])
        events = {str(e).lower() for e in raw.get("events") or []}
        triggers.append(Trigger(
            name=name,
            timing=str(raw.get("timing", "before")).upper().replace("_", " "),
            events=tuple(e.upper() for e in TRIGGER_EVENTS if e in events),
            level=str(raw.get("level", "row")).upper(),
            function_schema=function_schema, function_name=function_name,
            when=raw.get("when"),
            columns=tuple(raw.get("columns") or ()),
            origin=origin(("triggers", name)),
        ))
    return tuple(sorted(triggers, key=lambda t: t.name))

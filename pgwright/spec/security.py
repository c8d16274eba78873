"""Reading the security part of a spec: roles, functions, RLS flags, policies, triggers."""

from __future__ import annotations

from collections.abc import Callable

from pgwright.model import (
    Function,
    FunctionArgument,
    Policy,
    PolicyCommand,
    RowLevelSecurity,
    Trigger,
)
from pgwright.normalize import canonical_type
from pgwright.spec.document import KeyPath
from pgwright.spec.reading import split_key

COMMANDS = {"all": PolicyCommand.ALL, "select": PolicyCommand.SELECT,
            "insert": PolicyCommand.INSERT, "update": PolicyCommand.UPDATE,
            "delete": PolicyCommand.DELETE}
TRIGGER_EVENTS = ("insert", "update", "delete", "truncate")


def declared_roles(data: dict) -> list[str]:
    return [str(role) for role in data.get("roles") or []]


def normalize_search_path(text: str) -> str:
    """``public,extensions`` -> ``public, extensions``: how proconfig stores it."""
    return ", ".join(part.strip() for part in str(text).split(","))


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
    def type_of(text: str) -> str:
        if str(text).strip().lower() == "trigger":
            return "trigger"
        if str(text).strip().lower().startswith("setof "):
            return "SETOF " + type_of(str(text).strip()[6:])
        return canonical_type(str(text), resolve) or str(text)

    arguments = tuple(FunctionArgument(str(a.get("name", "")), type_of(a["type"]))
                      for a in raw.get("args") or [])
    search_path = raw.get("search_path")
    return Function(
        schema=schema, name=name, arguments=arguments, returns=type_of(raw.get("returns", "void")),
        language=str(raw.get("language", "sql")).lower(), body=str(raw.get("body", "")).strip(),
        source=str(raw.get("body", "")),
        volatility=str(raw.get("volatility", "volatile")).lower(),
        security_definer=raw.get("security", "invoker") == "definer",
        search_path=normalize_search_path(search_path) if search_path is not None else None,
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

"""The model of the security part of a spec: functions, RLS flags, policies, triggers."""

from __future__ import annotations

from collections.abc import Callable

from pgwright.errors import Problem, SpecError
from pgwright.model import (
    TABLE_PRIVILEGES,
    Function,
    FunctionArgument,
    Grant,
    Policy,
    PolicyCommand,
    RowLevelSecurity,
    Trigger,
)
from pgwright.normalize import parse_search_path
from pgwright.spec.document import KeyPath
from pgwright.spec.reading import FunctionEntry, TableEntry, split_key
from pgwright.spec.sql_types import function_type_sql

COMMANDS = {"all": PolicyCommand.ALL, "select": PolicyCommand.SELECT,
            "insert": PolicyCommand.INSERT, "update": PolicyCommand.UPDATE,
            "delete": PolicyCommand.DELETE}
TRIGGER_EVENTS = ("insert", "update", "delete", "truncate")


def read_search_path(text: str, origin: str | None = None) -> tuple[str, ...]:
    """The schemas of a function's ``search_path:``, as written: ``public, extensions``,
    ``"$user", public``; each bare name is taken as written, case included (validation
    checks each one is a schema name)."""
    schemas = parse_search_path(str(text))
    if schemas is None:  # validation reports it with a suggestion; never left out silently
        raise SpecError([Problem(f"'{text}' is not a list of schema names", path=origin or "")])
    return schemas


def read_function(entry: FunctionEntry, resolve: Callable[[str], str | None],
                  origin: str | None = None) -> Function:
    def type_of(text: str, result: bool = False) -> str:
        sql = function_type_sql(text, resolve, result)
        if sql is None:  # validation reports it with a suggestion; never rendered as written
            raise SpecError([Problem(f"'{text}' is not a type", path=origin or "")])
        return sql

    return Function(
        schema=entry.schema, name=entry.name,
        arguments=tuple(FunctionArgument(argument.name, type_of(argument.type))
                        for argument in entry.args),
        returns=type_of(entry.returns or "void", result=True),
        language=entry.language, body=entry.body.strip(), source=entry.body,
        volatility=entry.volatility, security_definer=entry.security == "definer",
        search_path=None if entry.search_path is None
        else read_search_path(entry.search_path, origin),
        comment=entry.comment or None, origin=origin,
    )


def read_row_level_security(table: TableEntry) -> RowLevelSecurity:
    return RowLevelSecurity(enabled=table.rls_enabled, forced=table.rls_forced)


def read_policies(table: TableEntry, origin: Callable[[KeyPath], str]) -> tuple[Policy, ...]:
    policies = [Policy(
        name=policy.name,
        command=COMMANDS[policy.command],
        permissive=policy.permissive,
        roles=tuple(sorted("public" if role.lower() == "public" else role
                           for role in policy.roles or ("public",))),
        using=policy.using,
        with_check=policy.with_check,
        origin=origin(policy.path),
    ) for policy in table.policies]
    return tuple(sorted(policies, key=lambda p: p.name))


def grant_role(role: str) -> str:
    """A role as the model holds it: PUBLIC in any case is "public"."""
    return "public" if role.lower() == "public" else role


def read_grants(table: TableEntry) -> tuple[Grant, ...] | None:
    """The table's grants, by role, ALL expanded; None when the spec does not manage them.
    A role listed with no privileges holds none, as a role left out does."""
    if table.grants is None:
        return None
    grants = []
    for entry in table.grants:
        written = {privilege.upper() for privilege in entry.privileges}
        privileges = TABLE_PRIVILEGES if "ALL" in written \
            else tuple(p for p in TABLE_PRIVILEGES if p in written)
        if privileges:
            grants.append(Grant(grant_role(entry.role), privileges))
    return tuple(sorted(grants, key=lambda grant: grant.role))


def read_triggers(table: TableEntry, origin: Callable[[KeyPath], str]) -> tuple[Trigger, ...]:
    triggers = []
    for trigger in table.triggers:
        function_schema, function_name = split_key(trigger.function, table.default_schema)
        events = set(trigger.events)
        triggers.append(Trigger(
            name=trigger.name,
            timing=trigger.timing.upper().replace("_", " "),
            events=tuple(e.upper() for e in TRIGGER_EVENTS if e in events),
            level=trigger.level.upper(),
            function_schema=function_schema, function_name=function_name,
            when=trigger.when,
            columns=trigger.columns,
            origin=origin(trigger.path),
        ))
    return tuple(sorted(triggers, key=lambda t: t.name))

"""The spec's `lint:` sections: rules turned off, tables declared global, findings ignored
with their reason. Read and taken out of the spec before it is validated, so the rest of the
spec is checked as usual.

```yaml
lint: {disable: [RLS003], fail_on: warning}      # the whole spec
tables:
  countries:
    lint: {global: true, reason: shared reference data, read by every tenant}
  legacy_imports:
    lint: {ignore: [TEN001, RLS001], reason: loaded once by an operator, never by the app}
    columns:
      source_id: {type: uuid, lint: {ignore: [REF001], reason: an id in the old system}}
```
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pgwright.errors import Problem, SpecError
from pgwright.lint.registry import RULES, Location, Severity
from pgwright.spec.document import KeyPath, SpecDocument
from pgwright.spec.reading import managed_schemas, split_key

LINT_KEY = "lint"
SPEC_KEYS = {"disable", "fail_on"}
OBJECT_KEYS = {"ignore", "global", "reason"}


@dataclass(frozen=True)
class Suppression:
    """Findings of ``rules`` on ``scope`` (an object and its parts) are ignored, because."""

    rules: tuple[str, ...]
    scope: str  # public.orders, public.orders.customer_id
    reason: str
    location: Location | None = None

    def matches(self, rule: str, object_name: str) -> bool:
        return rule in self.rules and (object_name == self.scope
                                       or object_name.startswith(self.scope + "."))


@dataclass(frozen=True)
class LintConfig:
    disabled: frozenset[str] = frozenset()
    fail_on: Severity | None = None
    global_tables: frozenset[tuple[str, str]] = frozenset()
    suppressions: tuple[Suppression, ...] = field(default=())


def split_lint_config(document: SpecDocument) -> tuple[LintConfig, SpecDocument]:
    """The lint config of a parsed spec, and the spec without its `lint:` keys.

    Raises SpecError (with file and line) for an unknown rule code, a missing reason, or a
    key lint does not know.
    """
    data = document.data
    if not isinstance(data, dict):
        return LintConfig(), document
    reader = _Reader(document)
    data = dict(data)
    section = data.pop(LINT_KEY, None)
    disabled: set[str] = set()
    fail_on = None
    if section is not None:
        path = (LINT_KEY,)
        if reader.mapping(section, path, SPEC_KEYS):
            disabled = set(reader.codes(section.get("disable", []), path + ("disable",)))
            if "fail_on" in section:
                fail_on = reader.severity(section["fail_on"], path + ("fail_on",))
    schemas = managed_schemas(data)
    global_tables: set[tuple[str, str]] = set()
    suppressions: list[Suppression] = []
    tables = data.get("tables")
    if isinstance(tables, dict):
        tables = dict(tables)
        for key, raw in tables.items():
            if not isinstance(raw, dict) or not isinstance(key, str):
                continue
            schema, name = split_key(key, schemas[0])
            raw = dict(raw)
            path = ("tables", key, LINT_KEY)
            entry = raw.pop(LINT_KEY, None)
            if entry is not None and reader.mapping(entry, path, OBJECT_KEYS):
                if entry.get("global") is True:
                    reader.reason(entry, path)
                    global_tables.add((schema, name))
                suppressions += reader.suppressions(entry, path, f"{schema}.{name}")
            columns = raw.get("columns")
            if isinstance(columns, dict):
                columns = dict(columns)
                for column, spec in columns.items():
                    if isinstance(spec, dict) and LINT_KEY in spec:
                        spec = dict(spec)
                        column_path = ("tables", key, "columns", column, LINT_KEY)
                        entry = spec.pop(LINT_KEY)
                        if reader.mapping(entry, column_path, OBJECT_KEYS - {"global"}):
                            suppressions += reader.suppressions(
                                entry, column_path, f"{schema}.{name}.{column}")
                        columns[column] = spec
                raw["columns"] = columns
            tables[key] = raw
        data["tables"] = tables
    if reader.problems:
        raise SpecError(reader.problems)
    config = LintConfig(disabled=frozenset(disabled), fail_on=fail_on,
                        global_tables=frozenset(global_tables), suppressions=tuple(suppressions))
    return config, replace(document, data=data)


class _Reader:
    """Reads lint entries, collecting problems with their spec lines."""

    def __init__(self, document: SpecDocument):
        self.document = document
        self.problems: list[Problem] = []

    def error(self, path: KeyPath, message: str, suggestion: str | None = None) -> None:
        self.problems.append(self.document.problem(path, message, suggestion))

    def mapping(self, value, path: KeyPath, keys: set[str]) -> bool:
        if not isinstance(value, dict):
            self.error(path, "lint: must be a mapping", f"keys: {', '.join(sorted(keys))}")
            return False
        for key in value:
            if key not in keys:
                self.error(path + (key,), f"unknown lint key '{key}'",
                           f"lint: takes {', '.join(sorted(keys))}")
        return True

    def codes(self, value, path: KeyPath) -> list[str]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            self.error(path, "a list of rule codes is expected", "for example [RLS003]")
            return []
        known = []
        for position, code in enumerate(items):
            if isinstance(code, str) and code.upper() in RULES:
                known.append(code.upper())
            else:
                self.error(path + (position,), f"unknown lint rule '{code}'",
                           "`pgwright lint --list-rules` lists the codes")
        return known

    def severity(self, value, path: KeyPath) -> Severity | None:
        try:
            return Severity(str(value).lower())
        except ValueError:
            self.error(path, f"unknown severity '{value}'", "error, warning or info")
            return None

    def reason(self, entry: dict, path: KeyPath) -> str:
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            self.error(path, "a lint ignore or global declaration needs a reason",
                       "add `reason: <why this is right>`")
            return ""
        return reason.strip()

    def suppressions(self, entry: dict, path: KeyPath, scope: str) -> list[Suppression]:
        if "ignore" not in entry:
            return []
        codes = self.codes(entry["ignore"], path + ("ignore",))
        reason = self.reason(entry, path)
        line = self.document.line_of(path + ("ignore",))
        location = Location(self.document.file, line, ".".join(str(p) for p in path))
        return [Suppression(tuple(codes), scope, reason, location)] if codes else []

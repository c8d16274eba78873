"""Where lint's model comes from: the spec (its `lint:` sections taken out first), a live
database read by the introspector, or the live database with the spec's own facts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pgwright.errors import SpecError
from pgwright.lint.config import LINT_KEY, LintConfig, split_lint_config
from pgwright.model import Catalog

BYPASS_ROLES_SQL = "SELECT rolname FROM pg_catalog.pg_roles WHERE rolsuper OR rolbypassrls"


def load_spec_for_lint(spec_path: Path | str) -> tuple[Catalog, LintConfig]:
    """The spec's model and its lint config; SpecError when the spec is not valid.

    A spec with no `lint:` key at all is loaded like every other command loads it, through
    the cache of validated specs; one with `lint:` sections is parsed, split and validated.
    """
    from pgwright.spec import load_valid_spec
    from pgwright.spec.document import read_spec_bytes
    from pgwright.spec.load import decode_spec
    from pgwright.spec.to_model import spec_to_catalog
    from pgwright.spec.validate import validate_spec

    spec_bytes = read_spec_bytes(spec_path)
    if LINT_KEY.encode() not in spec_bytes:
        from pgwright.planning import build_spec_catalog  # cached beside the spec

        return build_spec_catalog(load_valid_spec(spec_path)[0], {}), LintConfig()
    config, document = split_lint_config(decode_spec(spec_bytes, str(spec_path)))
    problems = validate_spec(document)
    if any(problem.severity == "error" for problem in problems):
        raise SpecError(problems)
    return spec_to_catalog(document), config


def read_live(connection, schemas: list[str] | None,
              spec: Catalog | None = None) -> tuple[Catalog, frozenset[str], tuple]:
    """The live database's model (``schemas``, or every user schema as inspect picks them),
    the roles that bypass row-level security, and, given the spec, the results of its orphan
    checks (every foreign key and polymorphic reference it declares)."""
    from pgwright.checks import checks_for_spec

    from pgwright.inspect import choose_schemas
    from pgwright.introspect.catalog import catalog_snapshot, read_catalog
    from pgwright.introspect.extra import read_candidate_schemas
    from pgwright.introspect.violations import run_all_checks

    with catalog_snapshot(connection):
        if schemas is None:
            schemas = choose_schemas(read_candidate_schemas(connection))
        catalog = read_catalog(connection, schemas)
        bypass = frozenset(row[0] for row in connection.execute(BYPASS_ROLES_SQL))
        orphans = tuple(run_all_checks(connection, checks_for_spec(spec, catalog))) \
            if spec is not None else ()
    return catalog, bypass, orphans


def with_spec_facts(live: Catalog, spec: Catalog) -> Catalog:
    """The live catalog, with what only the spec knows about each table it also declares:
    polymorphic references, outlives:, group, tenant roots, and where each table, foreign
    key, policy and function is written (so findings point at the spec's lines)."""
    declared = spec.tables_by_key()
    tables = []
    for table in live.tables:
        written = declared.get(table.key)
        if written is not None:
            table = replace(
                table, polymorphic=written.polymorphic, outlives=written.outlives,
                group=written.group, origin=written.origin,
                foreign_keys=_with_origins(table.foreign_keys, written.foreign_keys),
                policies=_with_origins(table.policies, written.policies))
        tables.append(table)
    functions = {function.key: function.origin for function in spec.functions}
    return replace(live, tables=tuple(tables), tenant_roots=spec.tenant_roots,
                   functions=tuple(replace(function, origin=functions.get(function.key))
                                   for function in live.functions))


def _with_origins(live_items: tuple, spec_items: tuple) -> tuple:
    origins = {item.name: item.origin for item in spec_items}
    return tuple(replace(item, origin=origins.get(item.name)) for item in live_items)

"""Recall and false alarms of `pgwright lint` on a corpus of multi-tenant schemas, against
pgrls in the same run, and the lint time of the 1,000-table benchmark spec.

Every case is the same small correct tenant schema (BASE: organizations, projects, tasks, a
SECURITY DEFINER helper, forced RLS with tenant policies) with one change: a defect that the
case names the pgwright rule of, or a correct-but-tricky variant that no tool should flag.
Each case is loaded into its own scratch database; both tools lint that database (pgwright
with `--no-spec`, since pgrls reads no spec). A tool detects a defect when it reports a rule
it does not report on BASE; it raises a false alarm when it does so on a correct variant.

    python benchmarks/lint_benchmark.py --url postgresql://root@127.0.0.1:5432/postgres
    python benchmarks/lint_benchmark.py --url ... --pgrls /path/to/pgrls   # default: on PATH
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lint_corpus import BASE, CASES, Case  # noqa: E402

from pgwright import api  # noqa: E402

TARGET_SECONDS_1000 = 0.5

def with_database(url: str, database: str) -> str:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    return make_conninfo(**{**conninfo_to_dict(url), "dbname": database})


def run_case(url: str, case: Case, pgrls: str | None) -> tuple[set[str], set[str] | None]:
    name = f"pgwright_lint_{secrets.token_hex(5)}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE template0")
        try:
            case_url = with_database(url, name)
            with psycopg.connect(case_url, autocommit=True) as connection:
                connection.execute(BASE + case.sql)
            ours = {finding.rule for finding in api.lint(None, case_url).findings}
            theirs = None
            if pgrls:
                output = subprocess.run(
                    [pgrls, "lint", "--database-url", case_url, "--schemas", "public",
                     "--format", "json"], capture_output=True, text=True, timeout=300).stdout
                theirs = pgrls_rules(output)
            return ours, theirs
        finally:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def pgrls_rules(output: str) -> set[str]:
    """The rule ids of a pgrls JSON report (a list of findings, or {findings: [...]})."""
    try:
        report = json.loads(output)
    except json.JSONDecodeError:
        return set()
    findings = report.get("findings", report.get("violations", [])) \
        if isinstance(report, dict) else report
    return {str(f.get("rule") or f.get("rule_id") or f.get("id")) for f in findings
            if isinstance(f, dict)}


def lint_time_of_benchmark_spec(tables: int = 1000) -> float:
    from plan_benchmark import generate_spec

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "schema.yaml"
        path.write_text(yaml.safe_dump(generate_spec(tables), sort_keys=False))
        api.lint(path)  # the first run validates the spec and caches it, as plan does
        started = time.perf_counter()
        api.lint(path)
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a server to create scratch databases on")
    parser.add_argument("--pgrls", default=shutil.which("pgrls"), help="the pgrls executable")
    options = parser.parse_args()
    base = next(case for case in CASES if case.family == "correct" and not case.sql)
    base_ours, base_theirs = run_case(options.url, base, options.pgrls)
    rows = []
    for case in CASES:
        ours, theirs = run_case(options.url, case, options.pgrls)
        new_ours, new_theirs = ours - base_ours, (theirs - base_theirs) if theirs is not None \
            else None
        if case.expect is None:
            ours_ok = not ours
            theirs_ok = None if theirs is None else not new_theirs
        else:
            ours_ok = case.expect in ours
            theirs_ok = None if theirs is None else bool(new_theirs)
        rows.append((case, ours_ok, theirs_ok, sorted(ours), sorted(new_theirs or ())))
    print(f"{'case':<48} {'expect':<7} {'pgwright':<9} {'pgrls':<6} pgrls rules (new)")
    for case, ours_ok, theirs_ok, ours, theirs in rows:
        mark = {True: "ok", False: "MISS" if case.expect else "FALSE", None: "-"}
        print(f"{case.name:<48} {case.expect or 'clean':<7} {mark[ours_ok]:<9} "
              f"{mark[theirs_ok]:<6} {', '.join(theirs)}")
    print()
    for family in ("tenancy", "rls", "functions", "references"):
        family_rows = [row for row in rows if row[0].family == family]
        ours = sum(1 for row in family_rows if row[1])
        theirs = sum(1 for row in family_rows if row[2])
        print(f"recall {family:<11} pgwright {ours}/{len(family_rows)}   pgrls "
              f"{theirs if options.pgrls else '-'}/{len(family_rows)}")
    correct = [row for row in rows if row[0].family == "correct"]
    print(f"false alarms on {len(correct)} correct variants: pgwright "
          f"{sum(1 for row in correct if not row[1])}, pgrls "
          f"{sum(1 for row in correct if row[2] is False) if options.pgrls else '-'}"
          f" (pgrls on the correct base: {', '.join(sorted(base_theirs or ())) or 'nothing'})")
    seconds = lint_time_of_benchmark_spec()
    print(f"lint of the 1,000-table benchmark spec: {seconds * 1000:.0f} ms "
          f"(target {TARGET_SECONDS_1000 * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

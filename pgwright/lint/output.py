"""A lint report as text, JSON, SARIF 2.1.0 or GitHub workflow annotations."""

from __future__ import annotations

import json

from pgwright.lint import RULES, Finding, LintReport, Severity

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def finding_json(finding: Finding) -> dict:
    location = finding.location
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "object": finding.object,
        "message": finding.message,
        "hint": finding.hint,
        "location": None if location is None else {
            "file": location.file, "line": location.line, "path": location.path},
    }


def render_markdown(report: LintReport) -> list[str]:
    """The findings as the docs' lint page shows them (the body, below its header): by
    severity, then object, each with its rule, message, fix and spec line."""
    if not report.findings:
        return ["No findings: every rule that ran passed.", ""]
    counts = ", ".join(f"{report.count(severity)} {severity.value}(s)"
                       for severity in reversed(Severity) if report.count(severity))
    lines = [f"{len(report.findings)} finding(s): {counts}. `pgwright lint` prints the same; "
             "a finding is silenced next to its object with `lint: {ignore: [CODE], reason: "
             "...}`.", "", "| Severity | Rule | Object | Finding | Fix | Line |",
             "| --- | --- | --- | --- | --- | --- |"]
    ranked = sorted(report.findings, key=lambda f: (-f.severity.rank, f.object, f.rule))
    for finding in ranked:
        line = finding.location.line if finding.location and finding.location.line else ""
        cells = [finding.severity.value, f"{finding.rule} {RULES[finding.rule].name}",
                 f"`{finding.object}`", finding.message, finding.hint, str(line)]
        lines.append("| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ")
                                       for cell in cells) + " |")
    return lines + [""]


def render_json(report: LintReport) -> str:
    return json.dumps([finding_json(finding) for finding in report.findings], indent=2)


def render_sarif(report: LintReport, version: str = "0") -> str:
    """SARIF 2.1.0, as code-scanning UIs read it: one run, the rules that were run, one
    result per finding with the spec file and line where known."""
    used = sorted(set(report.rules_run) | {finding.rule for finding in report.findings})
    rules = [{
        "id": code,
        "name": RULES[code].name,
        "shortDescription": {"text": RULES[code].summary},
        # helpUri must be an absolute URI; the docs page is a path of the project, so it is
        # named in the help text instead.
        "help": {"text": f"{RULES[code].hint} (see {RULES[code].docs})"},
        "defaultConfiguration": {"level": _SARIF_LEVEL[RULES[code].severity]},
    } for code in used]
    index = {code: position for position, code in enumerate(used)}
    results = []
    for finding in report.findings:
        result = {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": _SARIF_LEVEL[finding.severity],
            "message": {"text": f"{finding.message}. Fix: {finding.hint}"},
            "logicalLocations": [{"fullyQualifiedName": finding.object}],
            "partialFingerprints": {"pgwrightObject/v1": f"{finding.rule}:{finding.object}"},
        }
        if finding.location is not None:
            region = {"startLine": finding.location.line} if finding.location.line else {}
            result["locations"] = [{"physicalLocation": {
                "artifactLocation": {"uri": finding.location.file}, "region": region}}]
        results.append(result)
    return json.dumps({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "pgwright", "version": version,
                                "informationUri": "https://github.com/pgwright/pgwright",
                                "rules": rules}},
            "results": results,
        }],
    }, indent=2)


def render_github(report: LintReport) -> str:
    """``::error file=schema.yaml,line=42,title=RLS004::message`` lines."""
    lines = []
    for finding in report.findings:
        place = ""
        if finding.location is not None:
            place = f"file={finding.location.file}"
            if finding.location.line:
                place += f",line={finding.location.line}"
            place += ","
        message = f"{finding.message}. Fix: {finding.hint}".replace("%", "%25") \
            .replace("\r", "%0D").replace("\n", "%0A")
        lines.append(f"::{_GITHUB_LEVEL[finding.severity]} {place}title={finding.rule}::{message}")
    return "\n".join(lines)


def summary(report: LintReport) -> str:
    """``2 errors, 1 warning, 0 info (3 suppressed)``."""
    def counted(count: int, word: str) -> str:
        return f"{count} {word}{'s' if count != 1 and word != 'info' else ''}"

    text = ", ".join(counted(report.count(severity), severity.value)
                     for severity in reversed(Severity))
    if report.suppressed:
        text += f" ({len(report.suppressed)} suppressed)"
    return text


def text_lines(report: LintReport) -> list[tuple[str, str | None]]:
    """(line, rich style) pairs: each finding, its location and hint, then the summary."""
    styles = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    lines: list[tuple[str, str | None]] = []
    for finding in report.findings:
        where = ""
        if finding.location is not None:
            where = f"{finding.location.file}:{finding.location.line or ''} "
        lines.append((f"{where}{finding.severity.value} {finding.rule} {finding.message}",
                      styles[finding.severity]))
        lines.append((f"    fix: {finding.hint}", None))
    return lines

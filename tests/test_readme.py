"""The README's CLI reference is the CLI's own --help, kept in step by this test.

After changing a command, refresh the reference with ``python tests/test_readme.py``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from click.testing import CliRunner

README = Path(__file__).resolve().parent.parent / "README.md"
BEGIN, END = "<!-- cli-reference:begin -->", "<!-- cli-reference:end -->"


def command_names() -> list[str]:
    from pgwright.cli import main

    return sorted(main.commands)


def help_text(*command: str) -> str:
    from pgwright.cli import main

    result = CliRunner().invoke(main, [*command, "--help"], terminal_width=88,
                                prog_name="pgwright")
    return result.output.rstrip() + "\n"


def cli_reference() -> str:
    parts = [BEGIN, "", "```text", "$ pgwright --help", help_text().rstrip(), "```"]
    for name in command_names():
        parts += ["", f"### `pgwright {name}`", "", "```text", help_text(name).rstrip(), "```"]
    parts += ["", END]
    return "\n".join(parts)


def test_readme_cli_reference_matches_help():
    text = README.read_text()
    assert BEGIN in text and END in text, "README lacks the CLI reference markers"
    current = text[text.index(BEGIN):text.index(END) + len(END)]
    assert current == cli_reference(), "README CLI reference is stale: run python tests/test_readme.py"


def test_every_command_is_documented_in_the_readme():
    text = README.read_text()
    for name in command_names():
        assert f"### `pgwright {name}`" in text


def test_readme_cli_reference_calls_the_program_pgwright():
    assert "Usage: main" not in README.read_text()
    assert "Usage: pgwright generate [OPTIONS]" in README.read_text()


def test_readme_has_the_two_one_line_commands():
    text = README.read_text()
    assert re.search(r"pip install -e \. && pgwright plan .*pgwright apply", text)
    assert "pip install -e '.[test]' && python -m pytest" in text


if __name__ == "__main__":
    sys.path.insert(0, str(README.parent))
    text = README.read_text()
    updated = text[:text.index(BEGIN)] + cli_reference() + text[text.index(END) + len(END):]
    README.write_text(updated)
    print(f"updated {README}")


def test_spec_reference_lists_every_table_key():
    """docs/spec.md's table of table keys names every key the spec's shape accepts."""
    root = README.parent
    shape = (root / "pgwright" / "spec" / "shape.yaml").read_text()
    block = re.search(r"^table:\n((?:  .*\n)+)", shape, re.MULTILINE).group(1)
    keys = re.findall(r"^  (\w+):", block, re.MULTILINE)
    reference = (root / "docs" / "spec.md").read_text()
    table_keys = reference[reference.index("## Table keys"):reference.index("### `comment`")]
    missing = [key for key in keys if f"| `{key}` |" not in table_keys]
    assert missing == []

"""The cache of validated specs: an unchanged spec is parsed and validated once; anything
that could change the answer (the spec's bytes, its path, pgwright's code) misses; a spec
with errors is never cached; a broken or unwritable cache costs speed, never a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgwright.errors import SpecError
from pgwright.spec import cache, load_valid_spec

SPEC = """\
version: 1
tables:
  organizations:
    columns:
      id: {type: uuid, primary_key: true}
      naem: text
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("PGWRIGHT_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files actually parsed (rather than read from the cache)."""
    import pgwright.spec.load as load_module

    seen: list[str] = []
    real = load_module.decode_spec

    def counting(spec_bytes: bytes, file: str):
        seen.append(file)
        return real(spec_bytes, file)

    monkeypatch.setattr(load_module, "decode_spec", counting)
    return seen


def test_an_unchanged_spec_is_parsed_once_and_read_back_equal(tmp_path, cache_dir, parses):
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    first, first_warnings = load_valid_spec(spec)
    second, second_warnings = load_valid_spec(spec)
    assert parses == [str(spec)]
    assert (second.data, second.file, second_warnings) == (first.data, first.file, first_warnings)


def test_a_model_built_from_a_cached_spec_still_knows_its_lines(tmp_path, cache_dir):
    """Line numbers are cached apart from the spec (the model needs them for its origins)."""
    from pgwright.spec.to_model import spec_to_catalog

    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    fresh = spec_to_catalog(load_valid_spec(spec)[0])
    cached = spec_to_catalog(load_valid_spec(spec)[0])
    assert cached.tables[0].origin == fresh.tables[0].origin == f"{spec}:3 tables.organizations"


def test_an_edited_spec_is_parsed_again(tmp_path, cache_dir, parses):
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    load_valid_spec(spec)
    spec.write_text(SPEC.replace("naem", "name"))
    document, _ = load_valid_spec(spec)
    assert len(parses) == 2
    assert "name" in document.data["tables"]["organizations"]["columns"]


def test_the_same_text_at_another_path_is_parsed_again(tmp_path, cache_dir, parses):
    """Problems and line numbers name the file, so the path is part of the key."""
    (tmp_path / "a.yaml").write_text(SPEC)
    (tmp_path / "b.yaml").write_text(SPEC)
    load_valid_spec(tmp_path / "a.yaml")
    document, _ = load_valid_spec(tmp_path / "b.yaml")
    assert len(parses) == 2
    assert document.file == str(tmp_path / "b.yaml")


def test_warnings_come_back_with_the_cached_spec(tmp_path, cache_dir):
    spec = tmp_path / "schema.yaml"
    # A reference into a schema the spec does not manage, whose name is close to a managed one.
    spec.write_text(SPEC.replace("naem: text", "owner_id: {type: uuid, references: publik.users.id}"))
    _, warnings = load_valid_spec(spec)
    assert [w.severity for w in warnings] == ["warning"]
    assert load_valid_spec(spec)[1] == warnings


def test_a_spec_with_errors_is_never_cached(tmp_path, cache_dir, parses):
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC.replace("naem: text", "naem: txet"))
    for _ in range(2):
        with pytest.raises(SpecError, match="unknown type 'txet'"):
            load_valid_spec(spec)
    assert len(parses) == 2
    assert not list(cache_dir.glob("*.spec.pickle"))


def test_a_corrupt_entry_is_a_miss(tmp_path, cache_dir, parses):
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    load_valid_spec(spec)
    for entry in cache_dir.glob("*.spec.pickle"):
        entry.write_bytes(b"not a pickle")
    document, _ = load_valid_spec(spec)
    assert len(parses) == 2
    assert document.data["version"] == 1


def test_an_empty_cache_dir_setting_turns_caching_off(tmp_path, monkeypatch, parses):
    monkeypatch.setenv("PGWRIGHT_CACHE_DIR", "")
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    load_valid_spec(spec)
    load_valid_spec(spec)
    assert len(parses) == 2


def test_an_unwritable_cache_is_no_error(tmp_path, monkeypatch, parses):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("PGWRIGHT_CACHE_DIR", str(blocker / "cache"))  # a folder under a file
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    assert load_valid_spec(spec)[0].data["version"] == 1


def test_only_the_most_recent_entries_are_kept(tmp_path, cache_dir):
    for number in range(cache.KEEP_ENTRIES + 3):
        spec = tmp_path / f"schema_{number}.yaml"
        spec.write_text(SPEC)
        load_valid_spec(spec)
    assert len(list(cache_dir.glob("*.spec.pickle"))) == cache.KEEP_ENTRIES
    assert not list(cache_dir.glob("*.tmp"))


def test_the_cache_key_covers_every_module_the_spec_stage_imports():
    """An entry is only as fresh as its key: every pgwright module that spec/ imports,
    directly or through another, must be hashed into it (spec/cache.py _SOURCES)."""
    import ast
    from pathlib import Path

    import pgwright

    package = Path(pgwright.__file__).parent
    seen: set[str] = set()
    # Every module of spec/ but write.py, which writes specs (pgwright inspect): reading one,
    # the work whose result the cache keeps, never imports it.
    waiting = [path.relative_to(package).as_posix() for path in (package / "spec").glob("*.py")
               if path.name != "write.py"]
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(ast.parse((package / name).read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pgwright."):
                module = node.module.removeprefix("pgwright.").replace(".", "/")
                if not (package / module).is_dir():
                    waiting.append(f"{module}.py")
                    continue
                waiting.append(f"{module}/__init__.py")
                # from pgwright.kinds import column: the submodule is imported too
                waiting += [f"{module}/{alias.name}.py" for alias in node.names
                            if (package / module / f"{alias.name}.py").is_file()]
    hashed_folders = tuple(f"{folder}/" for folder in cache._SOURCE_FOLDERS)
    assert {name for name in seen - set(cache._SOURCES)
            if not name.startswith(hashed_folders)} == set()

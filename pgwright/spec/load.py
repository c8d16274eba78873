"""Read schema.yaml into plain data (a SpecDocument), remembering the line of every key."""

from __future__ import annotations

from pathlib import Path

import yaml

from pgwright.errors import Problem, SpecError
from pgwright.spec.document import KeyPath, SpecDocument, format_path, read_spec_bytes

__all__ = ["KeyPath", "SpecDocument", "format_path", "parse_spec_text", "load_spec_document",
           "read_spec_bytes", "decode_spec"]


# libyaml's parser when PyYAML was built with it: a 1 MB spec parses in a fraction of the time.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):
    """A safe loader that rejects duplicate mapping keys instead of keeping the last one."""


class _ExplainingLoader(yaml.SafeLoader):
    """The pure-Python parser: slower, but its syntax errors say more (the tab it found).
    Used only to describe a spec that failed to parse."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None,
                f"duplicate key {key!r} (first defined on line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


for _loader in (_UniqueKeyLoader, _ExplainingLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _record_lines(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = path + (str(key_node.value),)
            lines[child] = key_node.start_mark.line + 1
            _record_lines(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = path + (index,)
            lines[child] = item.start_mark.line + 1
            _record_lines(item, child, lines)


def _parse(text: str, loader_class):
    """One parse: the node tree gives line numbers, then the same tree becomes the data."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def parse_spec_text(text: str, file: str = "<spec>") -> SpecDocument:
    """Parse YAML text; a syntax error becomes a SpecError with the file and line."""
    try:
        try:
            node, data = _parse(text, _UniqueKeyLoader)
        except yaml.MarkedYAMLError:
            node, data = _parse(text, _ExplainingLoader)  # raises again, with a clearer message
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = f"invalid YAML: {error.problem or error}"
        if error.context:
            message += f" ({error.context})"
        raise SpecError([Problem(message=message, line=line, file=file)]) from None
    except yaml.YAMLError as error:
        raise SpecError([Problem(message=f"invalid YAML: {error}", file=file)]) from None
    lines: dict[KeyPath, int] = {}
    if node is not None:
        _record_lines(node, (), lines)
    return SpecDocument(data=data, file=file, lines=lines)


def decode_spec(spec_bytes: bytes, file: str) -> SpecDocument:
    """Parse a spec file's bytes (UTF-8)."""
    try:
        text = spec_bytes.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SpecError([Problem(message=f"cannot read spec: {error}", file=file)]) from None
    return parse_spec_text(text, file=file)


def load_spec_document(path: str | Path) -> SpecDocument:
    """Read and parse a spec file."""
    return decode_spec(read_spec_bytes(path), str(path))

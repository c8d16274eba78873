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

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._resolved: dict[tuple, str] = {}

    def resolve(self, kind, value, implicit) -> str:
        # A spec repeats the same few plain words (uuid, text, true, cascade) thousands of
        # times; each is matched against the resolver's patterns once. The tag depends on
        # nothing else, as no path resolver is registered.
        key = (kind, value, implicit)
        tag = self._resolved.get(key)
        if tag is None:
            tag = self._resolved[key] = super().resolve(kind, value, implicit)
        return tag


class _ExplainingLoader(yaml.SafeLoader):
    """The pure-Python parser: slower, but its syntax errors say more (the tab it found).
    Used only to describe a spec that failed to parse."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    _check_unique_keys(loader, node)
    return loader.construct_mapping(node, deep=deep)


def _check_unique_keys(loader, node: yaml.MappingNode) -> None:
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        if key_node.tag in _SPECIAL_KEYS:
            continue  # `<<: *defaults` may repeat; what it merges is the mapping's own business
        key = _key(loader, key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None,
                f"duplicate key {key!r} (first defined on line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line


for _loader in (_UniqueKeyLoader, _ExplainingLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
# Keys that make a mapping more than its pairs: `<<: *defaults` and the rare `=`.
_SPECIAL_KEYS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})


def _key(loader, key_node: yaml.Node) -> object:
    if key_node.tag == _STR:
        return key_node.value
    key = loader.construct_object(key_node, deep=True)
    try:
        hash(key)
    except TypeError:
        raise yaml.constructor.ConstructorError(
            None, None, "a key must be a single value, not a mapping or a list",
            key_node.start_mark) from None
    return key


def _build(loader, node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int],
           open_nodes: set[int]) -> object:
    """The data of ``node``, recording the line of each key and item below ``path``.

    What the loader's constructor returns, built in the same walk that takes the line
    numbers, and three times faster: a spec is nearly all plain mappings, lists and strings,
    which are built here. Other scalars (numbers, booleans) and explicitly tagged nodes are
    left to the constructor. An alias is built again where it is used, so that its keys
    have lines under each path that reaches them; merged keys (``<<: *defaults``) have the
    lines where they are defined.
    """
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        if tag == _STR:
            return node.value
        return None if tag == _NULL else loader.construct_object(node, deep=True)
    if id(node) in open_nodes:
        raise yaml.constructor.ConstructorError(
            None, None, "an alias refers to a node that contains it", node.start_mark)
    open_nodes.add(id(node))
    try:
        if tag == _SEQ and isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                child = path + (index,)
                lines[child] = item.start_mark.line + 1
                items.append(_build(loader, item, child, lines, open_nodes))
            return items
        if tag == _MAP and isinstance(node, yaml.MappingNode):
            mapping = _build_mapping(loader, node, path, lines, open_nodes, merged=False)
            if mapping is None:
                _check_unique_keys(loader, node)
                loader.flatten_mapping(node)  # merged pairs first: the mapping's own win
                mapping = _build_mapping(loader, node, path, lines, open_nodes, merged=True)
            return mapping
        _record_lines(node, path, lines)
        return loader.construct_object(node, deep=True)
    finally:
        open_nodes.discard(id(node))


def _build_mapping(loader, node: yaml.MappingNode, path: KeyPath, lines: dict[KeyPath, int],
                   open_nodes: set[int], merged: bool) -> dict | None:
    """The mapping's data; None if it has merge keys still to be flattened. Once they are
    (``merged``), a key may repeat: the last one, the mapping's own, wins."""
    mapping = {}
    for key_node, value_node in node.value:
        if key_node.tag == _STR:
            key = key_node.value
        elif key_node.tag in _SPECIAL_KEYS:
            return None
        else:
            key = _key(loader, key_node)
        if key in mapping and not merged:
            _check_unique_keys(loader, node)  # raises, naming the first one's line
        child = path + (str(key_node.value),)
        lines[child] = key_node.start_mark.line + 1
        mapping[key] = _build(loader, value_node, child, lines, open_nodes)
    return mapping


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


def _parse(text: str, loader_class) -> tuple[object, dict[KeyPath, int]]:
    """The data of the single document in ``text``, and the line of each key path."""
    loader = loader_class(text)
    lines: dict[KeyPath, int] = {}
    try:
        node = loader.get_single_node()
        return (None if node is None else _build(loader, node, (), lines, set())), lines
    finally:
        loader.dispose()


def parse_spec_text(text: str, file: str = "<spec>") -> SpecDocument:
    """Parse YAML text; a syntax error becomes a SpecError with the file and line."""
    try:
        try:
            data, lines = _parse(text, _UniqueKeyLoader)
        except yaml.MarkedYAMLError:
            data, lines = _parse(text, _ExplainingLoader)  # raises again, with a clearer message
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = f"invalid YAML: {error.problem or error}"
        if error.context:
            message += f" ({error.context})"
        raise SpecError([Problem(message=message, line=line, file=file)]) from None
    except yaml.YAMLError as error:
        raise SpecError([Problem(message=f"invalid YAML: {error}", file=file)]) from None
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

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


# What a spec may cost to build, whatever its bytes say. A real spec is a few levels deep
# (tables.orders.columns.id.type) and uses aliases for a few shared pieces (`<<: *timestamps`);
# a hostile one nests thousands of levels (the parsers recurse) or stacks aliases of aliases,
# nine levels of nine of them being 9**9 values from 500 bytes.
MAX_DEPTH = 64
ALIAS_VALUE_BUDGET = 200_000
_SHOWN_DEPTH = 6  # the start of the path to a node nested too deep: where it went wrong


class _DocumentBuilder:
    """Builds the data of a composed document, recording the line of each key and item.

    What the loader's constructor returns, built in the same walk that takes the line
    numbers, and three times faster: a spec is nearly all plain mappings, lists and strings,
    which are built here. Other scalars (numbers, booleans) and explicitly tagged nodes are
    left to the constructor. An alias is built again where it is used, so that its keys
    have lines under each path that reaches them; merged keys (``<<: *defaults``) have the
    lines where they are defined. Every value an alias expands to, or a merge key brings in,
    counts against ``ALIAS_VALUE_BUDGET``, and nesting against ``MAX_DEPTH``: past either, a
    ConstructorError names the line, before the walk costs more time or memory.
    """

    def __init__(self, loader) -> None:
        self.loader = loader
        self.lines: dict[KeyPath, int] = {}
        self._open_nodes: set[int] = set()   # collections being built: an alias to one is a cycle
        self._built_nodes: set[int] = set()  # collections built once: met again, through an alias
        # mappings whose merge keys (<<:) were resolved: how many pairs, first, they brought in
        self._merged_pairs: dict[int, int] = {}
        self._alias_values = 0
        # The path and line of the outermost alias (or merge) being expanded, if any.
        self._expanding: tuple[KeyPath, int | None] | None = None

    def build(self, node: yaml.Node, path: KeyPath = ()) -> object:
        if self._expanding is not None:
            self._count_alias_value(node)
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag == _STR:
                return node.value
            return None if tag == _NULL else self.loader.construct_object(node, deep=True)
        if len(path) >= MAX_DEPTH:
            raise _LimitExceeded(f"the spec nests deeper than {MAX_DEPTH} levels",
                                 path[:_SHOWN_DEPTH], node.start_mark, _NESTING_HINT)
        if id(node) in self._open_nodes:
            raise yaml.constructor.ConstructorError(
                None, None, "an alias refers to a node that contains it", node.start_mark)
        outermost_alias = self._expanding is None and id(node) in self._built_nodes
        if outermost_alias:
            self._expanding = (path, self._line_of_alias(path))
            self._count_alias_value(node)
        self._open_nodes.add(id(node))
        try:
            return self._build_collection(node, path)
        finally:
            self._open_nodes.discard(id(node))
            self._built_nodes.add(id(node))
            if outermost_alias:
                self._expanding = None

    def _count_alias_value(self, node: yaml.Node) -> None:
        self._alias_values += 1
        if self._alias_values > ALIAS_VALUE_BUDGET:
            path, line = self._expanding or ((), None)
            raise _LimitExceeded(
                f"aliases expand to more than {ALIAS_VALUE_BUDGET:,} values in all; this one "
                "is where the count ran out", path,
                _LineMark(line - 1) if line else node.start_mark,
                "write the repeated part out, or alias fewer large lists and mappings")

    def _line_of_alias(self, path: KeyPath) -> int | None:
        # An alias's node is its anchor's, and carries the anchor's position. The line of the
        # key that holds the alias is where it is written; of an item, the line of its list.
        if path and isinstance(path[-1], int):
            path = path[:-1]
        return self.lines.get(path) if path else None

    def _build_collection(self, node: yaml.Node, path: KeyPath) -> object:
        tag = node.tag
        if tag == _SEQ and isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                child = path + (index,)
                self.lines[child] = item.start_mark.line + 1
                items.append(self.build(item, child))
            return items
        if tag == _MAP and isinstance(node, yaml.MappingNode):
            mapping = self._build_mapping(node, path, self._merged_pairs.get(id(node)))
            if mapping is None:
                _check_unique_keys(self.loader, node)
                own = sum(key.tag not in _SPECIAL_KEYS for key, _ in node.value)
                # Merged pairs go first, so the mapping's own win. The node keeps them: when an
                # alias builds it again, its keys may repeat (a merged one, then its own).
                self.loader.flatten_mapping(node)
                self._merged_pairs[id(node)] = len(node.value) - own
                mapping = self._build_mapping(node, path, self._merged_pairs[id(node)])
            return mapping
        self._record_lines(node, path)
        return self.loader.construct_object(node, deep=True)

    def _record_lines(self, node: yaml.Node, path: KeyPath) -> None:
        """The lines under a collection the constructor builds (an explicit tag: ``!!omap``,
        ``!!set``). The walk follows each alias wherever it is used, so every node it meets
        counts against the budget, as if an alias had brought it in."""
        if len(path) >= MAX_DEPTH:
            raise _LimitExceeded(f"the spec nests deeper than {MAX_DEPTH} levels",
                                 path[:_SHOWN_DEPTH], node.start_mark, _NESTING_HINT)
        outermost = self._expanding is None
        if outermost:
            self._expanding = (path, node.start_mark.line + 1)
        try:
            self._count_alias_value(node)
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    # a key that is a collection is not printed: through aliases, its text
                    # may be as large as a bomb's
                    key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                    child = path + (key,)
                    self.lines[child] = key_node.start_mark.line + 1
                    self._record_lines(value_node, child)
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    child = path + (index,)
                    self.lines[child] = item.start_mark.line + 1
                    self._record_lines(item, child)
        finally:
            if outermost:
                self._expanding = None

    def _build_mapping(self, node: yaml.MappingNode, path: KeyPath,
                       merged: int | None) -> dict | None:
        """The mapping's data; None if it has merge keys still to be flattened. Once they are,
        its first ``merged`` pairs are those they brought in, and a key may repeat: the last
        one, the mapping's own, wins."""
        mapping = {}
        for position, (key_node, value_node) in enumerate(node.value):
            if key_node.tag == _STR:
                key = key_node.value
            elif key_node.tag in _SPECIAL_KEYS:
                return None
            else:
                key = _key(self.loader, key_node)
            if key in mapping and merged is None:
                _check_unique_keys(self.loader, node)  # raises, naming the first one's line
            child = path + (str(key_node.value),)
            self.lines[child] = key_node.start_mark.line + 1
            if merged and position < merged and self._expanding is None:
                mapping[key] = self._build_merged(value_node, child, node.start_mark.line + 1)
            else:
                mapping[key] = self.build(value_node, child)
        return mapping

    def _build_merged(self, node: yaml.Node, path: KeyPath, line: int) -> object:
        """A value a merge key brought into the mapping at ``line``: what it costs counts as
        an alias's (a chain of mappings, each merging the one before, is quadratic)."""
        self._expanding = (path, line)
        try:
            return self.build(node, path)
        finally:
            self._expanding = None


class _LimitExceeded(yaml.constructor.ConstructorError):
    """The spec is beyond what it may cost to build (MAX_DEPTH, ALIAS_VALUE_BUDGET)."""

    def __init__(self, problem: str, path: KeyPath, mark: yaml.Mark, suggestion: str) -> None:
        super().__init__(None, None, problem, mark)
        self.path = path
        self.suggestion = suggestion


class _LineMark(yaml.Mark):
    """A position known only by its line (0-based, as PyYAML counts)."""

    def __init__(self, line: int) -> None:
        super().__init__("<spec>", 0, line, 0, None, None)


def _parse(text: str, loader_class) -> tuple[object, dict[KeyPath, int]]:
    """The data of the single document in ``text``, and the line of each key path."""
    loader = loader_class(text)
    builder = _DocumentBuilder(loader)
    try:
        node = loader.get_single_node()
        return (None if node is None else builder.build(node)), builder.lines
    finally:
        loader.dispose()


def parse_spec_text(text: str, file: str = "<spec>") -> SpecDocument:
    """Parse YAML text; a syntax error becomes a SpecError with the file and line."""
    try:
        try:
            data, lines = _parse(text, _UniqueKeyLoader)
        except (yaml.scanner.ScannerError, yaml.parser.ParserError) as error:
            if _BaseLoader is yaml.SafeLoader or _NESTING_LIMIT in str(error.problem):
                raise
            try:
                data, lines = _parse(text, _ExplainingLoader)  # raises again, more clearly
            except RecursionError:  # the pure-Python parser recurses where libyaml did not
                raise error from None
    except _LimitExceeded as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise SpecError([Problem(message=error.problem, path=format_path(error.path), line=line,
                                 file=file, suggestion=error.suggestion)]) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = f"invalid YAML: {error.problem or error}"
        if error.context:
            message += f" ({error.context})"
        suggestion = _NESTING_HINT if _NESTING_LIMIT in str(error.problem) else None
        raise SpecError([Problem(message=message, line=line, file=file,
                                 suggestion=suggestion)]) from None
    except yaml.YAMLError as error:
        raise SpecError([Problem(message=f"invalid YAML: {error}", file=file)]) from None
    except RecursionError:  # no libyaml: PyYAML's own parser recurses once per level
        raise SpecError([Problem(message="the spec nests too deeply to be read", file=file,
                                 suggestion=_NESTING_HINT)]) from None
    return SpecDocument(data=data, file=file, lines=lines)


# How libyaml words its own limit on nesting (a thousand levels).
_NESTING_LIMIT = "exceeded maximum nesting depth"
_NESTING_HINT = "a spec nests a few levels deep; look for brackets never closed"


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

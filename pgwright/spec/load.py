"""Read schema.yaml into plain data (a SpecDocument), remembering the line of every key."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import yaml

from pgwright.errors import Problem, SpecError
from pgwright.spec.document import KeyPath, SpecDocument, format_path, read_spec_bytes

__all__ = ["KeyPath", "SpecDocument", "format_path", "parse_spec_text", "load_spec_document",
           "read_spec_bytes", "decode_spec"]


# libyaml's parser when PyYAML was built with it: a 1 MB spec parses in a fraction of the time.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):
    """libyaml's safe loader (duplicate keys are refused by the builder below)."""


class _ExplainingLoader(yaml.SafeLoader):
    """The pure-Python parser: slower, but its syntax errors say more (the tab it found).
    Used only to describe a spec that failed to parse."""


_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAPPING_END, _SEQUENCE_END = yaml.MappingEndEvent, yaml.SequenceEndEvent
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_VALUE = "tag:yaml.org,2002:value"
# Explicitly tagged collections a safe loader builds, and how, from their plain form.
_TAGGED_COLLECTIONS = {"tag:yaml.org,2002:omap": "pairs", "tag:yaml.org,2002:pairs": "pairs",
                       "tag:yaml.org,2002:set": "set", _MAP: "map", _SEQ: "seq"}


# What a spec may cost to build, whatever its bytes say. A real spec is a few levels deep
# (tables.orders.columns.id.type) and uses aliases for a few shared pieces (`<<: *timestamps`);
# a hostile one nests thousands of levels (the parsers recurse) or stacks aliases of aliases,
# nine levels of nine of them being 9**9 values from 500 bytes.
MAX_DEPTH = 64
ALIAS_VALUE_BUDGET = 200_000
_SHOWN_DEPTH = 6  # the start of the path to a node nested too deep: where it went wrong


class _Anchor:
    """What an anchor names, once built: its value, how many values it stands for (what
    each alias of it costs) and the lines under it, relative to it."""

    __slots__ = ("value", "count", "lines", "open")

    def __init__(self) -> None:
        self.value: object = None
        self.count = 1
        self.lines: list[tuple[KeyPath, int]] = []
        self.open = True  # still being built: an alias to it is a cycle


class _EventBuilder:
    """Builds the data of the single document of a YAML stream from the parser's events,
    recording the line of each key and item, with no node tree in between (a 4 MiB spec's
    tree alone took 250 MB).

    A spec is nearly all plain mappings, lists and strings, built here; other scalars
    (numbers, booleans) go through the loader's constructor, once per distinct text. An
    alias is a copy of what its anchor built, its lines placed under each path that reaches
    it; merged keys (``<<: *defaults``) have the lines where they are defined. Every value
    an alias stands for, or a merge key brings in, counts against ``ALIAS_VALUE_BUDGET``, and
    nesting against ``MAX_DEPTH``: past either, a _LimitExceeded names the line before the
    walk costs more time or memory.
    """

    def __init__(self, loader) -> None:
        self.loader = loader
        self.lines: dict[KeyPath, int] = {}
        self._anchors: dict[str, _Anchor] = {}
        self._scalars: dict[tuple[str, str], object] = {}
        self._plain_tags: dict[str, str] = {}  # the tag of each plain scalar's text
        # How many values the value built last stands for: what an alias of the collection
        # holding it costs (read by that collection as it is built).
        self._last_count = 1
        self._alias_values = 0
        # The path and line of the explicitly tagged collection (or merge key) being built,
        # if any: all it holds counts against the budget, as if an alias had brought it in.
        self._expanding: tuple[KeyPath, int] | None = None

    def document(self) -> object:
        """The data of the stream's single document (None for an empty stream)."""
        get, check = self.loader.get_event, self.loader.check_event
        get()  # StreamStartEvent
        if check(yaml.StreamEndEvent):
            return None
        get()  # DocumentStartEvent
        data = self.build(get(), ())
        get()  # DocumentEndEvent
        if not check(yaml.StreamEndEvent):
            event = get()
            raise yaml.composer.ComposerError(
                "expected a single document in the stream", None,
                "but found another document", event.start_mark)
        return data

    def build(self, event, path: KeyPath) -> object:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            value = self.scalar(event)
            self._count(1, event)
            if event.anchor is not None:
                anchor = self._anchors[event.anchor] = _Anchor()
                anchor.value, anchor.open = value, False
            return value
        if kind is yaml.AliasEvent:
            return self.alias(event, path)
        if len(path) >= MAX_DEPTH:
            raise _LimitExceeded(f"the spec nests deeper than {MAX_DEPTH} levels",
                                 path[:_SHOWN_DEPTH], event.start_mark, _NESTING_HINT)
        anchor = None
        if event.anchor is not None:
            anchor = self._anchors[event.anchor] = _Anchor()
            lines_before = len(self.lines)
        tag = event.tag
        tagged = tag not in (None, "!", _MAP, _SEQ)
        outermost = tagged and self._expanding is None
        if tagged:
            if tag not in _TAGGED_COLLECTIONS:
                raise yaml.constructor.ConstructorError(
                    None, None, f"could not determine a constructor for the tag {tag!r}",
                    event.start_mark)
            if outermost:
                self._expanding = (path, event.start_mark.line + 1)
            self._count(1, event)
        try:
            if kind is yaml.MappingStartEvent:
                value, count = self.mapping(path)
            else:
                value, count = self.sequence(path)
        finally:
            if outermost:
                self._expanding = None
        if tagged:
            value = _construct_tagged(_TAGGED_COLLECTIONS[tag], value, event.start_mark)
        if anchor is not None:
            anchor.value, anchor.open, anchor.count = value, False, count
            added = len(self.lines) - lines_before
            depth = len(path)
            anchor.lines = [(child[depth:], line) for child, line
                            in islice(reversed(self.lines.items()), added)][::-1]
        self._last_count = count
        return value

    def tag_of(self, event) -> str:
        """The tag of a scalar written without one (or with ``!``); a plain one's is
        resolved once per distinct text (no path resolver is registered: the tag depends on
        nothing else)."""
        tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if event.tag is None and event.implicit == (True, False):
            self._plain_tags[event.value] = tag
        return tag

    def scalar(self, event, tag: str | None = None) -> object:
        if tag is None:
            tag = event.tag
            if tag is None and event.implicit[0]:
                tag = self._plain_tags.get(event.value) or self.tag_of(event)
            elif tag is None:
                tag = _STR
            elif tag == "!":
                tag = self.tag_of(event)
        if tag == _STR:
            return event.value
        if tag == _NULL:
            return None
        key = (tag, event.value)
        if key not in self._scalars:
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                                   style=event.style)
            self._scalars[key] = self.loader.construct_object(node, deep=True)
            self.loader.constructed_objects.clear()
        return self._scalars[key]

    def alias(self, event, path: KeyPath) -> object:
        anchor = self._anchors.get(event.anchor)
        if anchor is None:
            raise yaml.composer.ComposerError(
                None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
        if anchor.open:
            raise yaml.constructor.ConstructorError(
                None, None, "an alias refers to a node that contains it", event.start_mark)
        self._count(anchor.count, event, path)
        for child, line in anchor.lines:
            self.lines[path + child] = line
        self._last_count = anchor.count
        return _copy(anchor.value)

    def mapping(self, path: KeyPath) -> tuple[dict, int]:
        """The mapping whose start event was just read, and how many values it stands for."""
        get, lines, plain = self.loader.get_event, self.lines, self._plain_tags
        mapping: dict = {}
        merged: list[tuple[dict, list[tuple[KeyPath, int]], int]] = []
        count = 1
        while True:
            key_event = get()
            kind = type(key_event)
            if kind is _MAPPING_END:
                break
            line = key_event.start_mark.line + 1
            if kind is _SCALAR:
                written = key_event.value
                key_tag = key_event.tag
                if key_tag is None:
                    key_tag = (plain.get(written) or self.tag_of(key_event)) \
                        if key_event.implicit[0] else _STR
                elif key_tag == "!":
                    key_tag = self.tag_of(key_event)
                if key_tag == _STR or key_tag == _VALUE:
                    key = written
                elif key_tag == _MERGE:
                    merged += self.merge(get(), path, line)
                    continue
                else:
                    key = self.scalar(key_event)
                    try:
                        hash(key)
                    except TypeError:
                        raise yaml.constructor.ConstructorError(
                            None, None, "a key must be a single value, not a mapping or a "
                            "list", key_event.start_mark) from None
                if key_event.anchor is not None:
                    anchor = self._anchors[key_event.anchor] = _Anchor()
                    anchor.value, anchor.open = key, False
            elif kind is _ALIAS and _is_scalar_anchor(
                    self._anchors.get(key_event.anchor)):
                key = self._anchors[key_event.anchor].value
                written = str(key)
            else:
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be a single value, not a mapping or a list",
                    key_event.start_mark)
            if key in mapping:
                first = lines.get(path + (key if isinstance(key, str) else str(key),))
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}" + (
                        f" (first defined on line {first})" if first else ""),
                    key_event.start_mark)
            child = path + (written,)
            lines[child] = line
            event = get()
            if type(event) is _SCALAR and event.anchor is None \
                    and self._expanding is None:
                tag = event.tag
                if tag is None:
                    tag = (plain.get(event.value) or self.tag_of(event)) \
                        if event.implicit[0] else _STR
                elif tag == "!":
                    tag = self.tag_of(event)
                mapping[key] = event.value if tag == _STR else self.scalar(event, tag)
                count += 1
            else:
                self._last_count = 1
                mapping[key] = self.build(event, child)
                count += self._last_count
        if merged:
            # merged pairs come first, in the order PyYAML gives them, so the mapping's own
            # keys win; their lines are where they are defined
            result: dict = {}
            for values, merged_lines, _ in merged:
                for key, value in values.items():
                    result.setdefault(key, value)
                for child, line in merged_lines:
                    lines.setdefault(path + child, line)
            for key in mapping:
                result.pop(key, None)
            result.update(mapping)
            count += sum(merged_count for _, _, merged_count in merged)
            return result, count
        return mapping, count

    def merge(self, event, path: KeyPath, line: int
              ) -> list[tuple[dict, list[tuple[KeyPath, int]], int]]:
        """What ``<<:`` brings in: (values, relative lines, count) of each mapping merged,
        the first to win first. What it brings in counts as an alias's cost (a chain of
        mappings, each merging the one before, is quadratic)."""
        where = path + ("<<",)
        saved, self._expanding = self._expanding, self._expanding or (where, line)
        try:
            if type(event) is yaml.SequenceStartEvent:
                sources = []
                while not self.loader.check_event(yaml.SequenceEndEvent):
                    sources.append(self.merge_source(self.loader.get_event(), where, line))
                self.loader.get_event()
            else:
                sources = [self.merge_source(event, where, line)]
        finally:
            self._expanding = saved
        return sources

    def merge_source(self, event, where: KeyPath, line: int):
        if type(event) is yaml.AliasEvent:
            anchor = self._anchors.get(event.anchor)
            if anchor is None or anchor.open:
                return self.merge_source_of(self.alias(event, where), event, [], 1)
            self._count(anchor.count - 1, event, where)
            return self.merge_source_of(_copy(anchor.value), event,
                                        [(child, line) for child, line in anchor.lines],
                                        anchor.count - 1)
        if type(event) is not yaml.MappingStartEvent:
            raise _merge_error("a list" if type(event) is yaml.SequenceStartEvent
                               else "a single value", event.start_mark)
        lines_before = len(self.lines)
        value, count = self.mapping(where)
        added = len(self.lines) - lines_before
        lines = [(child[len(where):], line) for child, line
                 in islice(reversed(self.lines.items()), added)][::-1]
        for child, _ in lines:
            del self.lines[where + child]
        return self.merge_source_of(value, event, lines, count - 1)

    @staticmethod
    def merge_source_of(value, event, lines, count):
        if not isinstance(value, dict):
            raise _merge_error("a list" if isinstance(value, list) else "a single value",
                               event.start_mark)
        return value, lines, count

    def sequence(self, path: KeyPath) -> tuple[list, int]:
        get, lines = self.loader.get_event, self.lines
        items: list = []
        count = 1
        while True:
            event = get()
            if type(event) is _SEQUENCE_END:
                break
            child = path + (len(items),)
            lines[child] = event.start_mark.line + 1
            self._last_count = 1
            items.append(self.build(event, child))
            count += self._last_count
        return items, count

    def _count(self, values: int, event, path: KeyPath | None = None) -> None:
        """Count what an alias (at ``path``) or a tagged collection brings in."""
        if path is None and self._expanding is None:
            return
        self._alias_values += values
        if self._alias_values > ALIAS_VALUE_BUDGET:
            where, line = self._expanding or (path, event.start_mark.line + 1)
            raise _LimitExceeded(
                f"aliases expand to more than {ALIAS_VALUE_BUDGET:,} values in all; this one "
                "is where the count ran out", where, _LineMark(line - 1),
                "write the repeated part out, or alias fewer large lists and mappings")


def _merge_error(found: str, mark) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(
        "while constructing a mapping", None,
        f"expected a mapping or list of mappings for merging, but found {found}", mark)


def _is_scalar_anchor(anchor: _Anchor | None) -> bool:
    return anchor is not None and not anchor.open \
        and not isinstance(anchor.value, dict | list | set)


def _copy(value: object) -> object:
    """A copy of built data, each mapping and list its own (an alias is a value of its own)."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _construct_tagged(how: str, value: object, mark) -> object:
    """An explicitly tagged collection (``!!omap``, ``!!set``) as PyYAML's safe loader
    builds it."""
    if how == "pairs":
        if not isinstance(value, list) or not all(isinstance(item, dict) and len(item) == 1
                                                  for item in value):
            raise yaml.constructor.ConstructorError(
                "while constructing an ordered map", None,
                "expected a sequence of mappings of length 1", mark)
        return [next(iter(item.items())) for item in value]
    if how == "set":
        if not isinstance(value, dict):
            raise yaml.constructor.ConstructorError(
                "while constructing a set", None, "expected a mapping", mark)
        return set(value)
    if how == "map" and not isinstance(value, dict) or how == "seq" and not isinstance(value, list):
        raise yaml.constructor.ConstructorError(
            None, None, f"expected a {'mapping' if how == 'map' else 'sequence'}", mark)
    return value


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
    """The data of the single document in ``text``, and the line of each key path. When
    the data cannot be built (a duplicate key, a limit), the rest of the text is still
    parsed: a YAML syntax error anywhere is the one reported."""
    loader = loader_class(text)
    builder = _EventBuilder(loader)
    try:
        try:
            return builder.document(), builder.lines
        except yaml.constructor.ConstructorError:
            while loader.check_event() and not loader.check_event(yaml.StreamEndEvent):
                loader.get_event()  # raises the syntax error further on, if there is one
            raise
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

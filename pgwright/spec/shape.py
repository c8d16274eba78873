"""The spec's shape: which keys it may have and what each takes, as ``shape.yaml`` declares it.

yamale parses shape.yaml into its validator objects (``str()``, ``enum(...)``, ``list(...)``,
``include('column')``...); this module walks those objects over the spec's data itself, so
each problem is worded here, with its key path and a suggestion, whatever yamale's own
messages say. yamale's validators decide what a scalar is (``str()``, ``int()``); which keys
a mapping has, which are required and what a list or mapping holds is read from their
arguments.

A shape problem does not hide the meaning problems of the rest of the file: a misspelt key
is read under the name suggested, a mistyped optional key is set aside, and the meaning is
checked on what remains (provided what remains has a valid shape).
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from pgwright.errors import Problem
from pgwright.spec.document import KeyPath, SpecDocument

# Past this many shape problems, the first ones (in file order) are reported and the meaning
# is not checked: a spec that broken is not worth reading further.
MAX_SHAPE_PROBLEMS = 100


@cache
def shape_schema():
    """shape.yaml, parsed by yamale: a Schema whose ``includes`` are the named shapes. Its
    two YAML documents are read by libyaml, as yamale.make_schema would with PyYAML's
    pure-Python parser (ten times slower)."""
    import yaml
    from yamale.schema import Schema

    from pgwright.kinds import KINDS
    from pgwright.kinds.registry import section_kinds

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = resources.files("pgwright.spec").joinpath("shape.yaml").read_text()
    shape, *includes = yaml.load_all(text, Loader=loader)
    # The kinds that own a top-level key bring its shape: their keys go before lint:, the
    # settings of another tool, and are never required.
    lint = shape.pop("lint")
    for kind in section_kinds(KINDS):
        section = kind.section
        shape[section.key] = f"{section.shape[:-1]}, required=False)"
        if section.includes:
            includes.append(yaml.load(section.includes, Loader=loader))
    shape["lint"] = lint
    schema = Schema(shape, "shape.yaml")
    for named_shapes in includes:
        schema.add_include(named_shapes)
    return schema


@cache
def _validator_classes():
    from yamale.schema import Schema
    from yamale.validators import Any, Boolean, Enum, Include, Integer, List, Map, Number, String

    return Schema, Any, Boolean, Enum, Include, Integer, List, Map, Number, String


def _accepts_none(validator) -> bool:
    """An optional key (or item) whose value may be left empty (``comment:``)."""
    Schema, Any, _, _, Include, *_ = _validator_classes()
    if isinstance(validator, Schema):
        return False
    if validator.is_optional and validator.can_be_none:
        return True
    if isinstance(validator, Any):
        return any(_accepts_none(inner) for inner in validator.validators)
    return False


def _leaves(validators) -> tuple:
    """The alternatives a value may take: ``any(...)`` flattened, each ``include`` replaced
    by what it names (a Schema of keys, or a single validator)."""
    key = tuple(map(id, validators))
    leaves = _LEAVES.get(key)
    if leaves is None:  # the validators live as long as shape_schema(), so their ids stay theirs
        leaves = _LEAVES[key] = _leaves_of(tuple(validators))
    return leaves


_LEAVES: dict[tuple[int, ...], tuple] = {}


def _leaves_of(validators: tuple) -> tuple:
    Schema, Any, _, _, Include, *_ = _validator_classes()
    result: list = []
    for validator in validators:
        if isinstance(validator, Any):
            result += _leaves_of(tuple(validator.validators)) if validator.validators \
                else [validator]  # any(): whatever the value
        elif isinstance(validator, Include):
            included = shape_schema().includes[validator.include_name]
            if isinstance(included.dict, dict):
                result.append(included)
            else:  # an include of one validator, such as referential_action: enum(...)
                result += _leaves_of((_parsed_validator(included.dict),))
        else:
            result.append(validator)
    return tuple(result)


def _keys_of(schema) -> dict:
    """The keys of a Schema of keys, each with its validator (in shape.yaml's order)."""
    return schema.dict


@cache
def _parsed_validator(expression: str):
    from yamale import syntax
    from yamale.validators import DefaultValidators

    return syntax.parse(expression, DefaultValidators)


class _Alternatives:
    """What a value may be, sorted by the kind of value each alternative takes, so that the
    walk over a large spec asks a type and a set, not each validator in turn."""

    __slots__ = ("leaves", "accepts_none", "anything", "text", "integer", "number", "boolean",
                 "choices", "others", "mappings", "lists")

    def __init__(self, validators: tuple) -> None:
        Schema, Any, Boolean, Enum, _, Integer, List, Map, Number, String = _validator_classes()
        self.leaves = _leaves(validators)
        self.accepts_none = any(_accepts_none(v) for v in validators)
        self.anything = any(isinstance(leaf, Any) for leaf in self.leaves)
        # no min=, max=...: whatever the value of the leaf's type
        plain = [leaf for leaf in self.leaves if not getattr(leaf, "kwargs", None)]
        self.text = any(type(leaf) is String for leaf in plain)
        self.integer = any(type(leaf) is Integer for leaf in plain)
        self.number = any(type(leaf) is Number for leaf in plain)
        self.boolean = any(type(leaf) is Boolean for leaf in plain)
        self.choices = frozenset(value for leaf in self.leaves if type(leaf) is Enum
                                 for value in leaf.enums)
        self.mappings = tuple(leaf for leaf in self.leaves if isinstance(leaf, Schema | Map))
        self.lists = tuple(leaf for leaf in self.leaves if isinstance(leaf, List))
        self.others = tuple(leaf for leaf in self.leaves
                            if not isinstance(leaf, Schema | Map | List | Any | Enum)
                            and (leaf.kwargs or type(leaf) not in (String, Integer, Number,
                                                                   Boolean)))

    def takes_scalar(self, value: object) -> bool:
        kind = type(value)
        if kind is str:
            if self.text or value in self.choices:
                return True
        elif kind is bool:
            if self.boolean:
                return True
        elif kind is int:
            if self.integer or self.number:
                return True
        elif kind is float:
            if self.number:
                return True
        return any(leaf.is_valid(value) for leaf in self.others)


_COMPILED: dict[tuple[int, ...], _Alternatives] = {}


def _alternatives(validators) -> _Alternatives:
    """The compiled alternatives of ``validators`` (kept by identity: the validators live
    as long as shape_schema())."""
    key = tuple(map(id, validators))
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = _COMPILED[key] = _Alternatives(tuple(validators))
    return compiled


_PLANS: dict[int, tuple[dict, tuple[str, ...]]] = {}


def _plan(schema) -> tuple[dict, tuple[str, ...]]:
    """A Schema of keys: each key's compiled alternatives and optionality, and the required keys."""
    plan = _PLANS.get(id(schema))
    if plan is None:
        keys = {key: (_alternatives((validator,)), validator.is_required)
                for key, validator in _keys_of(schema).items()}
        plan = _PLANS[id(schema)] = (keys, tuple(key for key, (_, required) in keys.items()
                                                 if required))
    return plan


# What a walk returns for a value it cannot keep: the caller sets it aside, or gives up.
_FAULTY = object()


@dataclass
class _Finding:
    path: KeyPath
    message: str
    suggestion: str | None = None
    at_start: bool = False  # a key missing at the top: reported at the document's first line


@dataclass
class ShapeCheck:
    """What checking the shape found: its problems, and the data to check the meaning of."""

    problems: list[Problem]
    checkable: SpecDocument | None
    set_aside: set[KeyPath] = field(default_factory=set)


def check_shape(document: SpecDocument) -> ShapeCheck:
    """The problems with the spec's shape (keys, value types, allowed values), and the
    document whose meaning can be checked: the given one when its shape is valid, else one
    whose data has the faulty keys set aside or read under the name suggested; None when
    what remains would not have a valid shape."""
    data = document.data
    first_line = min(document.lines.values(), default=1)
    if data is None:
        return ShapeCheck([Problem("the spec is empty; it needs 'version: 1' and 'tables:'",
                                   path="", line=1, file=document.file)], None)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else describe_value(data)
        return ShapeCheck([Problem(f"the spec must be a mapping with 'version' and 'tables', "
                                   f"not {kind}", line=first_line, file=document.file)], None)
    walk = _Walk(document)
    repaired = walk.mapping(shape_schema(), data, ())
    lines = _renamed_lines(document.lines, walk.renames)
    located = SpecDocument(data=document.data, file=document.file, lines=lines)
    problems = []
    for finding in walk.findings:
        problem = located.problem(finding.path, finding.message, finding.suggestion)
        if problem.line is None or finding.at_start:
            problem = Problem(problem.message, problem.path, first_line, problem.file,
                              problem.suggestion)
        problems.append(problem)
    if not problems:
        return ShapeCheck([], document)
    if len(problems) > MAX_SHAPE_PROBLEMS:
        problems = sorted(problems, key=lambda p: p.line or 0)[:MAX_SHAPE_PROBLEMS]
        problems.append(Problem(
            f"the spec has more than {MAX_SHAPE_PROBLEMS} problems with its shape; only the "
            "first ones are reported", line=first_line, file=document.file,
            suggestion="fix these, then validate again"))
        return ShapeCheck(problems, None, walk.set_aside)
    if not walk.repairable or repaired is _FAULTY:
        return ShapeCheck(problems, None, walk.set_aside)
    return ShapeCheck(problems, SpecDocument(data=repaired, file=document.file, lines=lines),
                      walk.set_aside)


class _Walk:
    """One walk over the data: the findings, and the data as it reads once they are fixed."""

    def __init__(self, document: SpecDocument) -> None:
        self.document = document
        self.findings: list[_Finding] = []
        self.renames: list[tuple[KeyPath, KeyPath]] = []
        self.set_aside: set[KeyPath] = set()
        self.repairable = True

    def problem(self, path: KeyPath, message: str, suggestion: str | None = None,
                repairable: bool = True, at_start: bool = False) -> None:
        self.findings.append(_Finding(path, message, suggestion, at_start))
        self.repairable &= repairable

    def value(self, alternatives: _Alternatives, value: object, path: KeyPath) -> object:
        """``value`` checked against the alternatives; _FAULTY when it is none of them (a
        mismatch, reported here), else the value, repaired."""
        if value is None:
            if alternatives.accepts_none or alternatives.anything:
                return value
            candidates: tuple = ()
        elif alternatives.anything:
            return value
        elif type(value) is dict:
            candidates = alternatives.mappings
        elif type(value) is list:
            candidates = alternatives.lists
        else:
            if alternatives.takes_scalar(value):
                return value
            candidates = ()
        if not candidates:
            self.mismatch(path, value, alternatives.leaves)
            return _FAULTY
        if len(candidates) > 1:  # two shapes of one kind: the first that fits wins
            for candidate in candidates:
                trial = _Walk(self.document)
                result = trial.container(candidate, value, path)
                if not trial.findings:
                    return result
        return self.container(candidates[0], value, path)

    def container(self, leaf, value, path: KeyPath) -> object:
        Schema, _, _, _, _, _, List, *_ = _validator_classes()
        if isinstance(leaf, Schema):
            return self.mapping(leaf, value, path)
        if isinstance(leaf, List):
            return self.list(leaf, value, path)
        return self.map(leaf, value, path)

    def mapping(self, schema, value: dict, path: KeyPath) -> object:
        """A mapping of fixed keys (an included shape, or the spec itself)."""
        keys, required = _plan(schema)
        mapping = value
        unknown = [key for key in value if key not in keys]
        if unknown:
            mapping = dict(value)
            for key in unknown:
                self.unknown_key(mapping, key, keys, path)
        for key in required:
            if key not in mapping:
                hint = "add 'version: 1' at the top" if not path and key == "version" else None
                self.problem(path + (key,), f"required key '{key}' is missing", hint,
                             repairable=False, at_start=not path)
        for key, child in (list(mapping.items()) if unknown else value.items()):
            alternatives, is_required = keys[key]
            kind = type(child)
            if kind is str and (alternatives.text or child in alternatives.choices) \
                    or kind is bool and alternatives.boolean:
                continue  # most values: a text where a text goes, or a boolean
            checked = self.value(alternatives, child, path + (key,))
            if checked is child:
                continue
            if mapping is value:
                mapping = dict(value)
            if checked is _FAULTY:
                if is_required:
                    self.repairable = False
                else:
                    self.set_aside.add(path + (key,))
                    del mapping[key]
            else:
                mapping[key] = checked
        return mapping

    def unknown_key(self, mapping: dict, key: object, keys: dict, path: KeyPath) -> None:
        """Report a key the shape does not have; read its value under the name suggested,
        so that the rest of the spec reads as it will once the name is fixed."""
        written = self.written_key(path, key)
        key_path = path + (written,)
        split = _split_by_flow_comma(mapping, written)
        if split is not None:
            sibling, whole = split
            del mapping[key]
            mapping[sibling] = whole
            self.problem(key_path, f"'{written}' is the end of {sibling}: {whole}, cut off by "
                         "the comma", f"inside {{...}} a comma ends the value; quote it: "
                         f"{sibling}: \"{whole}\"")
            return
        known = list(keys)
        matches = difflib.get_close_matches(written, known, n=1, cutoff=0.6)
        value = mapping.pop(key)
        if matches and matches[0] not in mapping:
            mapping[matches[0]] = value
            self.renames.append((key_path, path + (matches[0],)))
        else:
            self.set_aside.add(key_path)
        hint = f"did you mean '{matches[0]}'?" if matches \
            else "the keys here are: " + ", ".join(known) if known else None
        self.problem(key_path, f"unknown key '{written}'", hint)

    def written_key(self, path: KeyPath, key: object) -> str:
        """How the file spells ``key``: a bare yes is loaded as True."""
        if isinstance(key, str):
            return key
        return dict(_non_string_keys_of(self.document, path)).get(key, str(key))

    def list(self, validator, value: list, path: KeyPath) -> object:
        minimum = validator.kwargs.get("min")
        if minimum is not None and len(value) < minimum:
            self.problem(path, f"the list is empty; it needs at least {minimum} "
                         f"item{'s' if minimum != 1 else ''}", repairable=False)
        if not validator.validators:
            return value
        alternatives = _alternatives(validator.validators)
        items = value
        for index, item in enumerate(value):
            checked = self.value(alternatives, item, path + (index,))
            if checked is _FAULTY:
                self.repairable = False
            elif checked is not item:
                if items is value:
                    items = list(value)
                items[index] = checked
        return items

    def map(self, validator, value: dict, path: KeyPath) -> object:
        """A mapping of names to entries (``tables:``, ``columns:``)."""
        key_validator = validator.kwargs.get("key")
        if key_validator is not None and not all(
                map(_alternatives((key_validator,)).takes_scalar, value)):
            spelt = _non_string_keys_of(self.document, path)
            for written, key in spelt:
                self.problem(path + (written,), f"YAML reads the name {written} as "
                             f"{describe_value(key)}", f'quote it: "{written}"', repairable=False)
            if not spelt:
                self.problem(path, "every key here must be a name", repairable=False)
            return value
        if not validator.validators:
            return value
        alternatives = _alternatives(validator.validators)
        mapping = value
        for key, item in value.items():
            checked = self.value(alternatives, item, path + (key,))
            if checked is _FAULTY:
                self.repairable = False
            elif checked is not item:
                if mapping is value:
                    mapping = dict(value)
                mapping[key] = checked
        return mapping

    def mismatch(self, path: KeyPath, value: object, leaves) -> None:
        _, _, Boolean, Enum, *_ = _validator_classes()
        expected = expected_words(leaves)
        key = path[-1] if path and isinstance(path[-1], str) else None
        if value is None:
            self.problem(path, f"the value is empty; expected {_either(expected)}")
            return
        if leaves and all(isinstance(leaf, Boolean | Enum) for leaf in leaves):
            message = f"{describe_value(value)} is not one of: {', '.join(expected)}"
        else:
            shown = f"the string {describe_value(value)}" if isinstance(value, str) \
                else describe_value(value)
            message = f"expected {_either(expected)}, not {shown}"
        self.problem(path, message, _mismatch_hint(path, key, value, leaves, expected))


def _split_by_flow_comma(mapping: dict, key: str) -> tuple[str, str] | None:
    """``{type: numeric(12,2)}`` reads as ``type: numeric(12`` plus a key ``2)``."""
    if mapping.get(key) is not None or not key.endswith(")"):
        return None
    for sibling, value in mapping.items():
        if isinstance(value, str) and value.count("(") > value.count(")"):
            return sibling, f"{value},{key}"
    return None


def _non_string_keys_of(document: SpecDocument, path: KeyPath) -> list[tuple[str, object]]:
    """(spelling in the file, key as loaded) of each key that YAML did not load as a string."""
    mapping = document.data
    for part in path:
        mapping = mapping.get(part) if isinstance(mapping, dict) else \
            mapping[part] if isinstance(mapping, list) and isinstance(part, int) \
            and part < len(mapping) else None
    if not isinstance(mapping, dict) or all(isinstance(key, str) for key in mapping):
        return []
    spelt = [child[-1] for child in document.lines
             if child[:-1] == path and child[-1] not in mapping]
    return list(zip(spelt, [key for key in mapping if not isinstance(key, str)], strict=False))


def _renamed_lines(lines: dict[KeyPath, int], renames: list[tuple[KeyPath, KeyPath]]):
    """The lines, with each renamed key (and what is under it) known by its new path too."""
    return _RenamedLines(lines, renames) if renames else lines


class _RenamedLines(Mapping):
    """``lines``, where a path under a renamed key is also found by its new name: read as
    the rest of the spec reads once the name is fixed, on the lines the file has. A view,
    not a copy: a 4 MiB spec has 300,000 lines to copy."""

    def __init__(self, lines: Mapping[KeyPath, int], renames: list[tuple[KeyPath, KeyPath]]):
        self._lines = lines
        self._old_path = {new: old for old, new in renames}
        self._lengths = sorted({len(new) for new in self._old_path})

    def __getitem__(self, path: KeyPath) -> int:
        line = self._lines.get(path)
        if line is not None:
            return line
        for length in self._lengths:  # a renamed key's new name was not in its mapping
            old = self._old_path.get(path[:length])
            if old is not None:
                return self._lines[old + path[length:]]
        raise KeyError(path)

    def __iter__(self):
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)


_YAML_TRUE = {"yes", "y", "true", "on", "1"}
_YAML_FALSE = {"no", "n", "false", "off", "0"}


def _mismatch_hint(path: KeyPath, key: str | None, value: object, leaves,
                   expected: list[str]) -> str | None:
    _, _, Boolean, _, _, Integer, _, _, _, String = _validator_classes()
    kinds = {type(leaf) for leaf in leaves}
    if isinstance(value, str):
        word = value.strip().lower()
        if Boolean in kinds and word in _YAML_TRUE | _YAML_FALSE:
            meant = "true" if word in _YAML_TRUE else "false"
            return f"write {key}: {meant}, without quotes"
        if Integer in kinds and word.isdigit():
            return f"write {key}: {word}, without quotes"
        choices = [word for word in expected if not word.startswith(("a ", "an "))]
        matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.6) if choices else []
        return f"did you mean '{matches[0]}'?" if matches else None
    if Boolean in kinds and value in (0, 1) and not isinstance(value, bool):
        return f"write {key}: {'true' if value else 'false'}"
    if Integer in kinds and isinstance(value, float) and value.is_integer():
        return f"write {key}: {int(value)}"
    if isinstance(value, datetime.date):
        if key == "default":
            return f"YAML reads it as a date; for a SQL date write default: \"'{value}'\""
        return f'YAML reads it as a date; quote it: "{value}"'
    if String in kinds and isinstance(value, bool):
        return "YAML reads a bare yes, no, on, off, true or false as a boolean; quote the word"
    if String in kinds and isinstance(value, int | float):
        return f'quote it: "{value}"'
    if String in kinds and isinstance(value, list) and len(path) >= 2 and path[-2] == "columns" \
            and len(value) == 1 and isinstance(value[0], str):
        return f"an array type is written as a string: did you mean '{value[0]}[]'?"
    return None


def expected_words(leaves) -> list[str]:
    """What the alternatives take, for people: ``["a string", "true", "false"]``."""
    Schema, _, Boolean, Enum, _, Integer, List, Map, Number, String = _validator_classes()
    words: list[str] = []
    for leaf in leaves:
        if isinstance(leaf, Boolean):
            words += ["true", "false"]
        elif isinstance(leaf, Enum):
            words += [str(value) for value in leaf.enums]
        elif isinstance(leaf, Integer):
            words.append("an integer")
        elif isinstance(leaf, Number):
            words.append("a number")
        elif isinstance(leaf, String):
            words.append("a string")
        elif isinstance(leaf, List):
            inner = _leaves(leaf.validators)
            only_strings = len(inner) == 1 and isinstance(inner[0], String)
            words.append("a list of strings" if only_strings else "a list")
        elif isinstance(leaf, Map | Schema):
            keys = list(leaf.dict)[:3] if isinstance(leaf, Schema) else []
            words.append(f"a mapping ({', '.join(keys)}, ...)" if keys else "a mapping")
    if "a number" in words and "an integer" in words:
        words.remove("an integer")
    return list(dict.fromkeys(words)) or ["something else"]


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def describe_value(value: object) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, datetime.date):
        return f"the date {value}"
    return type(value).__name__

"""The one generic differ the kinds' comparators share: match two collections by key, report
added, removed, changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

Item = TypeVar("Item")


@dataclass(frozen=True)
class KeyedDiff(Generic[Item]):
    added: list[Item]                 # in the spec, not in the database
    removed: list[Item]               # in the database, not in the spec
    changed: list[tuple[Item, Item]]  # (spec, live) pairs with equal keys that differ
    unchanged: list[tuple[Item, Item]]


def keyed_diff(spec: Iterable[Item], live: Iterable[Item], key: Callable[[Item], object],
               equal: Callable[[Item, Item], bool] | None = None) -> KeyedDiff[Item]:
    equal = equal or (lambda a, b: a == b)
    live_by_key = {key(item): item for item in live}
    spec_keys = set()
    added, changed, unchanged = [], [], []
    for item in spec:
        item_key = key(item)
        spec_keys.add(item_key)
        other = live_by_key.get(item_key)
        if other is None:
            added.append(item)
        elif equal(item, other):
            unchanged.append((item, other))
        else:
            changed.append((item, other))
    removed = [item for item_key, item in live_by_key.items() if item_key not in spec_keys]
    return KeyedDiff(added, removed, changed, unchanged)


def replace_by_name(spec_items, live_items, drop, add) -> Iterator:
    """Keyed by name: drop what the spec no longer has, drop and add again what changed
    (``replaced``: not destructive), add what is new. ``drop`` is given the live item."""
    result = keyed_diff(spec_items, live_items, key=lambda item: item.name)
    for item in result.removed:
        yield drop(item, False)
    for item, current in result.changed:
        yield drop(current, True)
        yield add(item)
    for item in result.added:
        yield add(item)


def declared_renames(declared: Iterable[Item], current: Iterable[Item],
                     rename: Callable[[str, str, str], object]):
    """(rename operation or None, the live object under the name it will have), for each
    live object of a kind whose objects have ``schema``, ``name``, ``key`` and
    ``renamed_from``: a declared object whose old name is live, and its new name not, is
    that object renamed. ``rename(schema, old, new)`` makes the kind's operation."""
    from dataclasses import replace

    current = list(current)
    live_keys = {item.key for item in current}
    renamed: dict = {}
    for item in declared:
        if item.key in live_keys:
            continue
        for old in item.renamed_from:
            if (item.schema, old) in live_keys and (item.schema, old) not in renamed:
                renamed[(item.schema, old)] = item
                break
    for now in current:
        target = renamed.get(now.key)
        if target is None:
            yield None, now
        else:
            yield rename(now.schema, now.name, target.name), replace(now, name=target.name)

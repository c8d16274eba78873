"""The one generic differ: match two collections by key, report added, removed, changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
